import Payments

/// One parameter's value as a request gave it: a string, a list (`a[]=x`, JSON arrays) or a map (`a[b]=x`, JSON
/// objects). Form bodies, query strings and JSON bodies all decode into this one shape.
public indirect enum ParameterValue: Sendable, Equatable {
    case string(String)
    case list([ParameterValue])
    case map([String: ParameterValue])

    /// Lists read as maps keyed by index, so `a[0]=x` and `a[]=x` (and a JSON array) are the same parameter.
    var asMap: [String: ParameterValue]? {
        switch self {
        case .string: nil
        case .map(let map): map
        case .list(let items): Dictionary(uniqueKeysWithValues: items.enumerated().map { (String($0), $1) })
        }
    }

    /// A map whose keys are all indexes, read back as the list it encodes (by index order).
    var asList: [ParameterValue]? {
        switch self {
        case .string: return nil
        case .list(let items): return items
        case .map(let map):
            var indexed: [(Int, ParameterValue)] = []
            for (key, value) in map {
                guard let index = Int(key), index >= 0, String(index) == key else { return nil }
                indexed.append((index, value))
            }
            return indexed.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}

/// All of a request's parameters: query string and body merged into one bucket, as Stripe (and Rack) do.
public struct Parameters: Sendable, Equatable {
    public private(set) var values: [String: ParameterValue]

    public init(_ values: [String: ParameterValue] = [:]) {
        self.values = values
    }

    /// Merges another source in; a name given in both is refused rather than silently picking one.
    public mutating func merge(_ other: Parameters) throws(PaymentsError) {
        for (name, value) in other.values {
            guard self.values[name] == nil else { throw ParameterProblems.duplicate(name) }
            self.values[name] = value
        }
    }

    /// The canonical text of the parameters: JSON with sorted keys, lists written as index-keyed maps, and no
    /// insignificant whitespace. Two requests that differ only in parameter order or encoding have the same
    /// canonical text; it is what the idempotency fingerprint hashes and what the completer re-reads.
    public var canonical: String {
        var output = ""
        Self.write(.map(self.values), into: &output)
        return output
    }

    private static func write(_ value: ParameterValue, into output: inout String) {
        switch value {
        case .string(let text):
            output += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case _ where scalar.value < 0x20: output += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                default: output.unicodeScalars.append(scalar)
                }
            }
            output += "\""
        case .list, .map:
            let map = value.asMap ?? [:]
            output += "{"
            for (index, key) in map.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.write(.string(key), into: &output)
                output += ":"
                Self.write(map[key]!, into: &output)
            }
            output += "}"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}

/// The refusals of parameter decoding, worded once.
enum ParameterProblems {
    static func duplicate(_ name: String) -> PaymentsError {
        .invalidRequest(
            code: .parameterDuplicate,
            message: "The parameter `\(name)` was given more than once. Send each parameter once (lists take "
                + "`\(name)[0]`, `\(name)[1]`, …).",
            param: name)
    }

    static func encoding(_ detail: String) -> PaymentsError {
        .invalidRequest(
            code: .parameterInvalidEncoding, message: "The request could not be decoded: \(detail)", param: nil)
    }

    static func name(_ name: String) -> PaymentsError {
        .invalidRequest(
            code: .parameterInvalidName,
            message: "The parameter name `\(name)` is malformed. Write nested parameters as `a[b]`, lists as "
                + "`a[0]` or `a[]`.",
            param: nil)
    }

    /// Refuses U+0000 in a parameter's name or value: PostgreSQL stores it in neither `text` nor `jsonb`, so a
    /// NUL that got through would be refused by the database after the processor approved the payment.
    static func refuseNUL(name: String, value: String) throws(PaymentsError) {
        if StoredText.containsNUL(name) {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "A parameter name contains a NUL character (U+0000, `%00`). Remove it and send the "
                    + "request again.",
                param: nil)
        }
        if StoredText.containsNUL(value) { try Validation.storable(value, param: name) }
    }

    static func tooMany() -> PaymentsError {
        .invalidRequest(
            code: .parameterLimitExceeded,
            message: "The request has more than \(Limits.parameterCountMax) parameters, nests them deeper than "
                + "\(Limits.parameterDepthMax) levels, or has a name or value that is too long.",
            param: nil)
    }
}
