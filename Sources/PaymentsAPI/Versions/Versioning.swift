import Payments

/// The supported range of API versions, and the change modules that rewrite the newest shape into older ones.
///
/// The core renders only the newest shape. A response then walks back through every change newer than the
/// caller's version, newest first; each change rewrites the resources it names into the shape before it.
public struct Versioning: Sendable {
    /// The version the official SDK this project pins sends, and the newest Paisa answers in.
    public static let newest = APIVersion("2026-10-28.endive")!
    /// The oldest version Paisa still answers in.
    public static let oldest = APIVersion("2022-08-01")!

    /// Every change, newest first.
    public let changes: [any VersionChange]

    public init(changes: [any VersionChange] = VersionChanges.all) {
        self.changes = changes.sorted { type(of: $0).version > type(of: $1).version }
    }

    /// The version a request is answered in: its `Stripe-Version` header, else the account's pinned version.
    public func resolve(header: String?, accountDefault: String) throws(PaymentsError) -> APIVersion {
        if let header {
            return try self.validate(header, param: "Stripe-Version")
        }
        // An account pinned before a version left the supported range is answered in the oldest.
        guard let pinned = APIVersion(accountDefault) else { return Self.newest }
        return max(min(pinned, Self.newest), Self.oldest)
    }

    /// Checks a version string is well formed and inside the supported range.
    public func validate(_ text: String, param: String) throws(PaymentsError) -> APIVersion {
        guard let version = APIVersion(text) else {
            throw .invalidRequest(
                code: .apiVersionInvalid,
                message: "Invalid \(param): '\(text)'. A version is a date such as 2024-09-30, optionally with a "
                    + "release name (2026-10-28.endive).",
                param: param)
        }
        guard version >= Self.oldest, version <= Self.newest else {
            throw .invalidRequest(
                code: .apiVersionInvalid,
                message: "Unsupported \(param): '\(text)'. Paisa answers every version from \(Self.oldest) to "
                    + "\(Self.newest).",
                param: param)
        }
        return version
    }

    /// Whether a request at `version` has `change`: the core asks this for changes of behaviour. A change that is
    /// not in the list is no change at all: everyone has its behaviour.
    public func has(_ change: any VersionChange.Type, at version: APIVersion) -> Bool {
        guard self.changes.contains(where: { type(of: $0) == change }) else { return true }
        return version >= change.version
    }

    /// Rewrites a newest-shape body into `version`'s shape.
    public func render(_ body: JSONValue, at version: APIVersion, context: VersionContext) -> JSONValue {
        var body = body
        for change in self.changes where version < type(of: change).version {
            let resources = type(of: change).resources
            guard !resources.isEmpty else { continue }
            body = Self.walk(body, kind: nil, isRoot: true) { object, kind in
                if resources.contains(kind) { change.transform(&object, context: context) }
            }
        }
        return body
    }

    /// Applies `transform` to every object in the tree, innermost first, so nested resources (list items,
    /// expanded fields, embedded lists) change too. An object's kind is its `object` field; the object under a
    /// top-level `error` key is of kind `error`.
    static func walk(
        _ value: JSONValue, kind hint: String?, isRoot: Bool = false, _ transform: (inout JSONObject, String) -> Void
    ) -> JSONValue {
        switch value {
        case .array(let items):
            return .array(items.map { Self.walk($0, kind: nil, transform) })
        case .object(let object):
            var rebuilt = JSONObject()
            for field in object.fields {
                let childHint = isRoot && object.kind == nil && field.key == "error" ? "error" : nil
                rebuilt[field.key] = Self.walk(field.value, kind: childHint, transform)
            }
            if let kind = object.kind ?? hint { transform(&rebuilt, kind) }
            return .object(rebuilt)
        default:
            return value
        }
    }
}
