/// A JSON value whose objects keep their fields in order, so every response renders byte for byte the same way:
/// the property that makes idempotent replays and golden fixtures exact.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An optional string as a value: `null` when absent.
    public static func string(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// An optional integer as a value: `null` when absent.
    public static func int(_ value: Int64?) -> JSONValue {
        value.map(JSONValue.int) ?? .null
    }

    /// The object inside, if this is one.
    public var object: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The string inside, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// A JSON object: fields in insertion order, keys unique.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(key: String, value: JSONValue)]

    public init(_ fields: [(String, JSONValue)] = []) {
        self.fields = []
        for (key, value) in fields { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Reads a field; setting replaces it in place or appends it; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { self.fields.first { $0.key == key }?.value }
        set {
            if let index = self.fields.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    self.fields[index].value = newValue
                } else {
                    self.fields.remove(at: index)
                }
            } else if let newValue {
                self.fields.append((key, newValue))
            }
        }
    }

    /// Inserts a field right after another one (or at the end when `after` is absent): version changes use it
    /// to put a field back where older versions had it.
    public mutating func insert(_ key: String, _ value: JSONValue, after: String) {
        self[key] = nil
        if let index = self.fields.firstIndex(where: { $0.key == after }) {
            self.fields.insert((key, value), at: index + 1)
        } else {
            self.fields.append((key, value))
        }
    }

    /// The `object` field: what kind of resource this is (`charge`, `list`, …).
    public var kind: String? { self["object"]?.stringValue }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
