import Crypto

/// The `Stripe-Signature` header of a delivery: `t=<unix seconds>,v1=<hex>`, where the hex is HMAC-SHA256 keyed
/// with the endpoint's secret (its UTF-8 bytes, `whsec_` included, as Stripe's SDKs use it) over `"<t>."` followed
/// by the exact bytes of the body sent.
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int64, payload: [UInt8]) -> String {
        "t=\(timestamp),v1=\(Self.hex(secret: secret, timestamp: timestamp, payload: payload))"
    }

    static func hex(secret: String, timestamp: Int64, payload: [UInt8]) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: payload)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in hmac.finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
