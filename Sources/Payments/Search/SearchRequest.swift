/// One page of a search: the query, the page size, and where the previous page ended.
public struct SearchRequest: Sendable, Equatable {
    public let query: SearchQuery
    public let limit: Int
    /// The last result of the previous page; results continue after it, newest first.
    public let after: SearchPosition?

    public init(query: SearchQuery, limit: Int, after: SearchPosition?) {
        precondition((1...Limits.listLimitMax).contains(limit), "page sizes are validated before the store")
        self.query = query
        self.limit = limit
        self.after = after
    }
}

/// A result's place in the newest-first order, `(created, id)`, and the opaque `page` token that carries it: the
/// base64url form of `<created microseconds>:<id>`. A token names a position, not a query, so it is only good for
/// the resource it came from.
public struct SearchPosition: Sendable, Equatable {
    public let created: Timestamp
    public let id: String

    public init(created: Timestamp, id: String) {
        self.created = created
        self.id = id
    }

    /// The `next_page` token.
    public var token: String {
        Base64URL.encode(Array("\(self.created.microseconds):\(self.id)".utf8))
    }

    /// The position a `page` token names, for a resource whose ids have `kind`'s prefix.
    public static func parse(token: String, kind: ObjectID.Kind) throws(PaymentsError) -> SearchPosition {
        let refusal = PaymentsError.invalidRequest(
            code: .parameterInvalidString,
            message: "Invalid page: give the `next_page` of an earlier search result of the same resource.",
            param: "page")
        guard token.utf8.count <= Self.tokenLengthMax, let bytes = Base64URL.decode(token) else { throw refusal }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let microseconds = Int64(parts[0]), (0...Self.microsecondsMax).contains(microseconds),
            ObjectID.isWellFormed(String(parts[1]), as: kind)
        else { throw refusal }
        return SearchPosition(created: Timestamp(microseconds: microseconds), id: String(parts[1]))
    }

    /// The end of the year 9999: a position past it names no object, and PostgreSQL refuses times far beyond.
    static let microsecondsMax: Int64 = 253_402_300_799_999_999

    /// A token for the longest id (`txn_` and 64 characters) and any timestamp is under 150 characters.
    static let tokenLengthMax = 200
}

/// base64url without padding (RFC 4648 §5), for tokens that travel in query strings.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                output.append(Self.alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Nil for characters outside the alphabet or a length no encoding has.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for byte in text.utf8 {
            guard let value = Self.alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(value))
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var value: UInt32 = 0
            for (offset, sextet) in chunk.enumerated() { value |= sextet << (18 - 6 * offset) }
            for position in 0..<(chunk.count - 1) { output.append(UInt8((value >> (16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        return output
    }
}
