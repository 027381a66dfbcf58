import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// API keys: how they look, how they are made and how they are stored (only as a SHA-256 hash).
///
/// A key is `sk_test_`, `sk_live_`, `rk_test_` or `rk_live_` followed by 32 base62 characters (190 random bits).
/// Keys that random need no slow hash: nobody can guess one, so a plain SHA-256 is enough to make a leaked table
/// useless without making every request pay for key stretching.
public enum APIKey {
    /// Random characters after the prefix.
    public static let randomCharacters = 32

    /// What a key's prefix says about it.
    public struct Shape: Sendable, Equatable {
        public let kind: Principal.KeyKind
        public let livemode: Bool
    }

    /// Reads the prefix and checks the rest is base62 of the right length; nil for anything else.
    public static func shape(of key: String) -> Shape? {
        let prefixes: [(String, Shape)] = [
            ("sk_test_", Shape(kind: .secret, livemode: false)),
            ("sk_live_", Shape(kind: .secret, livemode: true)),
            ("rk_test_", Shape(kind: .restricted, livemode: false)),
            ("rk_live_", Shape(kind: .restricted, livemode: true)),
        ]
        for (prefix, shape) in prefixes where key.hasPrefix(prefix) {
            let rest = key.utf8.dropFirst(prefix.utf8.count)
            guard rest.count == Self.randomCharacters else { return nil }
            let isBase62 = rest.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            }
            return isBase62 ? shape : nil
        }
        return nil
    }

    /// A new key of the given kind and mode. The caller shows it once and stores only `hash(of:)`.
    public static func generate(kind: Principal.KeyKind, livemode: Bool) -> String {
        let kindPrefix = kind == .secret ? "sk" : "rk"
        let modePrefix = livemode ? "live" : "test"
        return "\(kindPrefix)_\(modePrefix)_" + ObjectID.randomBase62(count: Self.randomCharacters)
    }

    /// The SHA-256 of the key's bytes: what the database stores and looks keys up by.
    public static func hash(of key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.utf8)))
    }

    /// Compares two hashes in time that does not depend on where they differ.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// The last four characters, the only part of a key ever shown again (in `keys list`).
    public static func last4(of key: String) -> String {
        String(key.suffix(4))
    }
}
