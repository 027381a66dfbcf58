/// Random, unguessable object ids: a prefix that names the kind (`ch_`, `re_`, `txn_`) and 128 random bits in
/// base62. Ids carry no sequence a client could read, and any node can make them without coordination.
public enum ObjectID {
    /// The kinds of ids Paisa hands out, by prefix.
    public enum Kind: String, Sendable, CaseIterable {
        case account = "acct_"
        case apiKey = "key_"
        case charge = "ch_"
        case refund = "re_"
        case balanceTransaction = "txn_"
        case card = "card_"
        case request = "req_"
        case event = "evt_"
        case webhookEndpoint = "we_"
        case customer = "cus_"
        case paymentIntent = "pi_"
        case paymentMethod = "pm_"
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Characters of base62 needed for 128 bits: 62^22 > 2^128.
    public static let randomCharacters = 22

    /// A fresh id of the given kind.
    public static func make(_ kind: Kind) -> String {
        kind.rawValue + Self.randomBase62(count: Self.randomCharacters)
    }

    /// `count` random base62 characters from the system's cryptographic generator. Each of its 64-bit words (one
    /// system call) gives eight bytes, so an id costs three calls rather than one per character.
    public static func randomBase62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var word: UInt64 = 0
        var bytesLeft = 0
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            if bytesLeft == 0 {
                word = generator.next()
                bytesLeft = 8
            }
            let byte = UInt8(truncatingIfNeeded: word)
            word >>= 8
            bytesLeft -= 1
            // 62 * 4 = 248: rejecting 248...255 keeps every character equally likely.
            if byte < 248 {
                characters.append(Self.alphabet[Int(byte % 62)])
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `id` has the kind's prefix followed by 1 to 64 base62 characters; anything else cannot name an
    /// object of that kind, so lookups answer 404 without asking the database.
    public static func isWellFormed(_ id: String, as kind: Kind) -> Bool {
        guard id.hasPrefix(kind.rawValue) else { return false }
        let rest = id.utf8.dropFirst(kind.rawValue.utf8.count)
        guard (1...64).contains(rest.count) else { return false }
        return rest.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }
}
