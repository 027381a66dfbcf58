/// The rules for an `Idempotency-Key` value: 1 to 255 printable ASCII characters (space included, though not at
/// either end, where HTTP would strip it), compared byte for byte with no case folding.
public enum IdempotencyKey {
    /// Why a key was refused, for the error message.
    public enum Problem: Error, Equatable, Sendable {
        case empty
        case tooLong(length: Int)
        case notPrintableASCII
    }

    /// Checks a header value; the value itself is the key.
    public static func validate(_ value: String) throws(Problem) {
        let bytes = value.utf8
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Limits.idempotencyKeyLengthMax else { throw .tooLong(length: bytes.count) }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { throw .notPrintableASCII }
    }

    /// A key for a POST that came without one. The request still runs under the idempotency protocol, so a crash
    /// mid-way is resumed by the completer like any other; the key is echoed so the client can retry with it.
    public static func generated() -> String {
        "paisa_" + ObjectID.randomBase62(count: ObjectID.randomCharacters)
    }
}
