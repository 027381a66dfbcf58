import HTTPTypes

/// Paisa's routes, matched segment by segment, telling a path that exists under another method (405) from one
/// that does not exist at all (404). The HTTP server and the completer resolve requests through the same table.
public struct RouteTable: Sendable {
    /// One route: method, pattern (`/v1/charges/:id/capture`) and what answers it.
    public struct Route: Sendable {
        public let method: HTTPRequest.Method
        public let pattern: String
        let segments: [Substring]
        public let endpoint: Endpoint
    }

    /// What matching found.
    public enum Match: Sendable {
        case found(Endpoint, parameters: [String: String], pattern: String)
        case methodNotAllowed(allowed: [HTTPRequest.Method])
        case notFound

        /// The matched pattern, for metrics and logs; nil when nothing matched.
        public var pattern: String? {
            if case .found(_, _, let pattern) = self { return pattern }
            return nil
        }
    }

    public private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route; patterns with `:name` segments capture them.
    public mutating func add(_ method: HTTPRequest.Method, _ pattern: String, _ endpoint: Endpoint) {
        precondition(!self.routes.contains { $0.method == method && $0.pattern == pattern }, "duplicate route")
        self.routes.append(
            Route(
                method: method, pattern: pattern,
                segments: pattern.split(separator: "/", omittingEmptySubsequences: true),
                endpoint: endpoint))
    }

    /// Finds the route for a method and path. A path that a pattern with more literal segments matches belongs to
    /// that pattern alone: `/v1/charges/search` is the search's, under every method, never the charge `search` of
    /// `/v1/charges/:id`; so a method it does not take is 405, with the search's methods in `Allow`.
    public func match(_ method: HTTPRequest.Method, _ path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var matching: [(route: Route, parameters: [String: String])] = []
        for route in self.routes {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            matching.append((route, parameters))
        }
        let literals = { (route: Route) in route.segments.filter { !$0.hasPrefix(":") }.count }
        guard let most = matching.map({ literals($0.route) }).max() else { return .notFound }
        let owners = matching.filter { literals($0.route) == most }
        if let found = owners.first(where: { $0.route.method == method }) {
            return .found(found.route.endpoint, parameters: found.parameters, pattern: found.route.pattern)
        }
        var allowed: [HTTPRequest.Method] = []
        for owner in owners where !allowed.contains(owner.route.method) { allowed.append(owner.route.method) }
        return .methodNotAllowed(allowed: allowed)
    }

    /// The path of a route with its parameters filled in: the one spelling of a request's path, whatever escapes
    /// or trailing slash the request used. Parameter values are percent-encoded outside the unreserved characters.
    public static func path(_ pattern: String, _ parameters: [String: String]) -> String {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            guard segment.hasPrefix(":"), let value = parameters[String(segment.dropFirst())] else {
                return String(segment)
            }
            return Self.percentEncoded(value)
        }
        return "/" + segments.joined(separator: "/")
    }

    private static func percentEncoded(_ value: String) -> String {
        var output = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPaddedToTwo
            }
        }
        return output
    }

    private static func bind(_ pattern: [Substring], to segments: [Substring]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix(":") {
                guard let decoded = String(actual).removingPercentEncodingSafely, !decoded.isEmpty else { return nil }
                parameters[String(expected.dropFirst())] = decoded
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}

extension String {
    /// Percent-decodes a path segment; nil when the escapes are broken or the result is not UTF-8.
    var removingPercentEncodingSafely: String? {
        try? FormDecoder.percentDecode(Substring(self), plusIsSpace: false)
    }
}

extension String {
    fileprivate var leftPaddedToTwo: String { self.count < 2 ? "0" + self : self }
}
