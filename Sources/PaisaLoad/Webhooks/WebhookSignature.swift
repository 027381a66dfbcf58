import Crypto

/// The `Stripe-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each `v1`
/// may be HMAC-SHA256 keyed with an endpoint's secret (its UTF-8 bytes, `whsec_` included) over `"<t>."` followed
/// by the exact body bytes.
///
/// Checked by hand, as a receiver following Stripe's documentation would: every `v1` against every secret the run
/// holds, each comparison in constant time, then the timestamp against the tolerance.
public enum WebhookSignature {
    /// How far the signed timestamp may lie from the receiver's clock, either way (Stripe's default tolerance).
    public static let toleranceSeconds: Int64 = 300
    /// The length of an HMAC-SHA256 in bytes.
    static let macBytes = 32

    /// Why a delivery was refused.
    public enum Failure: String, Error, Sendable, Codable, CaseIterable {
        /// No `Stripe-Signature` header.
        case missingHeader = "missing_header"
        /// The header has no integer `t`, more than one `t`, or no `v1`.
        case malformedHeader = "malformed_header"
        /// No `v1` is the HMAC of this body and timestamp under any of the run's secrets.
        case mismatch
        /// Authentic, but signed more than the tolerance away from now: a replay or a clock gone wrong.
        case staleTimestamp = "stale_timestamp"
    }

    /// A parsed header: the timestamp as sent (it is signed as text) and every `v1` value, hex-decoded.
    public struct Header: Sendable, Equatable {
        public var timestampText: String
        public var timestamp: Int64
        /// `v1` values that are 32 bytes of hex; others can match nothing and are dropped.
        public var signatures: [[UInt8]]
    }

    /// Parses `t=…,v1=…`; other schemes (`v0`) are ignored, as Stripe's libraries ignore them.
    public static func parse(_ header: String) throws(Failure) -> Header {
        var timestampText: String? = nil
        var signatures: [[UInt8]] = []
        var sawV1 = false
        for item in header.split(separator: ",") {
            let pair = String(item).trimmingSpaces
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let value = String(pair[pair.index(after: equals)...])
            switch pair[..<equals] {
            case "t":
                guard timestampText == nil else { throw .malformedHeader }
                timestampText = value
            case "v1":
                sawV1 = true
                if let bytes = Self.hexBytes(value), bytes.count == Self.macBytes { signatures.append(bytes) }
            default:
                continue
            }
        }
        guard let timestampText, let timestamp = Int64(timestampText), sawV1 else { throw .malformedHeader }
        return Header(timestampText: timestampText, timestamp: timestamp, signatures: signatures)
    }

    /// Checks a delivery against the run's `secrets` at `now` (unix seconds); returns the index of the secret that
    /// signed it.
    public static func verify(
        header: String?, body: [UInt8], secrets: [String], now: Int64
    ) throws(Failure) -> Int {
        guard let header else { throw .missingHeader }
        let parsed = try Self.parse(header)
        var signer: Int? = nil
        for (index, secret) in secrets.enumerated() where signer == nil {
            let expected = Self.mac(secret: secret, timestampText: parsed.timestampText, body: body)
            // Every candidate is compared in full: which one matched must not show in the time taken.
            var matched = false
            for candidate in parsed.signatures where Self.constantTimeEquals(candidate, expected) { matched = true }
            if matched { signer = index }
        }
        guard let signer else { throw .mismatch }
        guard abs(now - parsed.timestamp) <= Self.toleranceSeconds else { throw .staleTimestamp }
        return signer
    }

    /// The header a sender would write for `body` at `timestamp` with `secret`.
    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        let text = String(timestamp)
        return "t=\(text),v1=" + Self.hex(Self.mac(secret: secret, timestampText: text, body: body))
    }

    /// HMAC-SHA256 keyed with the secret's UTF-8 bytes over `"<t>."` and the body.
    static func mac(secret: String, timestampText: String, body: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array((timestampText + ".").utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }

    /// Whether two byte strings are equal, in time that depends on their length only.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// Lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = ""
        text.unicodeScalars.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.unicodeScalars.append(digits[Int(byte >> 4)])
            text.unicodeScalars.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// The bytes of a hex string (either case); nil when it is not hex.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let scalars = Array(text.utf8)
        guard scalars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count / 2)
        var index = 0
        while index < scalars.count {
            guard let high = Self.nibble(scalars[index]), let low = Self.nibble(scalars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
