import Payments

/// Decodes `application/x-www-form-urlencoded` bodies and query strings with Rack's bracket conventions:
/// `a[b]=1` nests, `a[0]=x` and `a[]=x` make lists, keys and values are percent-decoded (`%5B` is `[`), `+` is a
/// space. Anything ambiguous (a name given twice, a name used both as a value and as a map) is refused.
///
/// Hummingbird's own form decoder targets `Decodable` types: it cannot report unknown parameters, merge a query
/// string with a body, or keep `metadata[0]` a map key; so Paisa decodes into `Parameters` itself.
public enum FormDecoder {
    /// Decodes a whole body or query string.
    public static func decode(_ text: Substring) throws(PaymentsError) -> Parameters {
        var root = ParameterValue.map([:])
        var count = 0
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            count += 1
            guard count <= Limits.parameterCountMax else { throw ParameterProblems.tooMany() }
            let (rawName, rawValue): (Substring, Substring)
            if let equals = pair.firstIndex(of: "=") {
                (rawName, rawValue) = (pair[..<equals], pair[pair.index(after: equals)...])
            } else {
                (rawName, rawValue) = (pair, "")
            }
            let name = try Self.percentDecode(rawName)
            let value = try Self.percentDecode(rawValue)
            guard name.utf8.count <= Limits.parameterNameLengthMax, value.utf8.count <= Limits.parameterValueLengthMax
            else { throw ParameterProblems.tooMany() }
            // `=x` names nothing: refused, as any malformed name is, rather than dropped unseen.
            guard !name.isEmpty else { throw ParameterProblems.name(name) }
            try ParameterProblems.refuseNUL(name: name, value: value)
            let path = try Self.path(of: name)
            try Self.insert(.string(value), at: path[...], into: &root, name: name)
        }
        guard case .map(let values) = root else { return Parameters() }
        return Parameters(values)
    }

    /// One step of a bracketed name.
    enum Segment: Equatable {
        case key(String)
        case append
    }

    /// `a[b][0][]` → key a, key b, key 0, append. Brackets must pair up, and `[]` may only come last. Read by
    /// Unicode scalar, not by character: a bracket followed by a combining mark or an emoji modifier
    /// (`metadata[🏻x]`) is still a bracket.
    static func path(of name: String) throws(PaymentsError) -> [Segment] {
        let scalars = name.unicodeScalars
        guard let open = scalars.firstIndex(of: "[") else { return [.key(name)] }
        let head = String(scalars[..<open])
        guard !head.isEmpty else { throw ParameterProblems.name(name) }
        var segments: [Segment] = [.key(head)]
        var rest = scalars[open...]
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else { throw ParameterProblems.name(name) }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard !inner.contains("[") else { throw ParameterProblems.name(name) }
            segments.append(inner.isEmpty ? .append : .key(String(inner)))
            rest = rest[rest.index(after: close)...]
        }
        guard segments.count <= Limits.parameterDepthMax else { throw ParameterProblems.tooMany() }
        if let appendIndex = segments.firstIndex(of: .append), appendIndex != segments.count - 1 {
            throw ParameterProblems.name(name)
        }
        return segments
    }

    private static func insert(
        _ value: ParameterValue, at path: ArraySlice<Segment>, into node: inout ParameterValue, name: String
    ) throws(PaymentsError) {
        guard let segment = path.first else {
            // Arriving here means the name was already a map or list: `a=1&a[b]=2`.
            throw ParameterProblems.duplicate(name)
        }
        let rest = path.dropFirst()
        switch (segment, node) {
        case (.append, .list(var items)):
            items.append(value)
            node = .list(items)
        case (.append, .map(let map)) where map.isEmpty:
            node = .list([value])
        case (.key(let key), .map(var map)):
            if rest.isEmpty {
                guard map[key] == nil else { throw ParameterProblems.duplicate(name) }
                map[key] = value
            } else {
                var child = map[key] ?? Self.container(for: rest.first!)
                if case .string = child { throw ParameterProblems.duplicate(name) }
                try Self.insert(value, at: rest, into: &child, name: name)
                map[key] = child
            }
            node = .map(map)
        default:
            // `a[0]=x&a[]=y`, or a list extended by key: mixed forms of one name.
            throw ParameterProblems.duplicate(name)
        }
    }

    private static func container(for segment: Segment) -> ParameterValue {
        segment == .append ? .list([]) : .map([:])
    }

    /// Percent-decoding (with `+` as space in forms); refuses broken escapes and text that is not UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool = true) throws(PaymentsError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { throw ParameterProblems.encoding("a `%` must be followed by two hexadecimal digits.") }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw ParameterProblems.encoding("parameters must be UTF-8 text.")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
