import Testing

@testable import PaisaLoad

/// `Stripe-Signature` checked by hand: what a receiver following Stripe's documentation accepts and refuses.
@Suite("Webhook signatures")
struct WebhookSignatureTests {
    static let secret = "whsec_0123456789abcdefghijABCDEFGHIJ"
    static let body = Array(#"{"id":"evt_1","object":"event"}"#.utf8)
    static let signedAt: Int64 = 1_764_563_000
    /// HMAC-SHA256 of "1764563000." + body under the secret, computed independently (Python's hmac module).
    static let knownMAC = "f18017f47bbccb8b241e0452d39908e4325d8b5c1f9458230e2873810e2862f2"

    private func verify(
        _ header: String?, body: [UInt8] = Self.body, secrets: [String] = [Self.secret],
        now: Int64 = Self.signedAt + 2
    ) throws(WebhookSignature.Failure) -> Int {
        try WebhookSignature.verify(header: header, body: body, secrets: secrets, now: now)
    }

    @Test("the MAC is HMAC-SHA256 keyed with the whole whsec_ secret over '<t>.' and the exact body")
    func knownAnswer() {
        let header = WebhookSignature.header(secret: Self.secret, timestamp: Self.signedAt, body: Self.body)
        #expect(header == "t=1764563000,v1=" + Self.knownMAC)
    }

    @Test("a valid delivery is accepted and names the secret that signed it")
    func valid() throws {
        #expect(try self.verify("t=1764563000,v1=" + Self.knownMAC) == 0)
        #expect(try self.verify("t=1764563000,v1=" + Self.knownMAC.uppercased()) == 0)
        #expect(try self.verify(" t=1764563000 , v1=\(Self.knownMAC) ,v0=abc") == 0)
        let other = "whsec_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
        let signedByOther = WebhookSignature.header(secret: other, timestamp: Self.signedAt, body: Self.body)
        #expect(try self.verify(signedByOther, secrets: [Self.secret, other]) == 1)
    }

    @Test("a body changed by one byte, or re-encoded, is refused")
    func tamperedBody() {
        let header = "t=1764563000,v1=" + Self.knownMAC
        var flipped = Self.body
        flipped[7] ^= 0x01
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify(header, body: flipped) }
        let spaced = Array(#"{"id": "evt_1", "object": "event"}"#.utf8)
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify(header, body: spaced) }
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify(header, body: Self.body + [0x0A]) }
    }

    @Test("a signature under another secret, or over another timestamp, is refused")
    func wrongSecret() {
        let header = "t=1764563000,v1=" + Self.knownMAC
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try self.verify(header, secrets: ["whsec_0123456789abcdefghijABCDEFGHIK"])
        }
        // The key is the whole secret: without its whsec_ prefix it is another key.
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try self.verify(header, secrets: ["0123456789abcdefghijABCDEFGHIJ"])
        }
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify(header, secrets: []) }
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify("t=1764563001,v1=" + Self.knownMAC) }
    }

    @Test("an authentic signature more than 300 s from now, either way, is stale")
    func staleTimestamp() throws {
        let header = "t=1764563000,v1=" + Self.knownMAC
        #expect(try self.verify(header, now: Self.signedAt + 300) == 0)
        #expect(try self.verify(header, now: Self.signedAt - 300) == 0)
        #expect(throws: WebhookSignature.Failure.staleTimestamp) { try self.verify(header, now: Self.signedAt + 301) }
        #expect(throws: WebhookSignature.Failure.staleTimestamp) { try self.verify(header, now: Self.signedAt - 301) }
        // A forged signature is reported as forged, not as stale.
        let forged = "t=1764563000,v1=" + String(repeating: "0", count: 64)
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify(forged, now: Self.signedAt + 999) }
    }

    @Test("with several v1 values one valid signature is enough, wherever it stands")
    func severalSignatures() throws {
        let wrong = String(repeating: "ab", count: 32)
        #expect(try self.verify("t=1764563000,v1=\(wrong),v1=\(Self.knownMAC)") == 0)
        #expect(try self.verify("t=1764563000,v1=\(Self.knownMAC),v1=\(wrong)") == 0)
        #expect(try self.verify("t=1764563000,v1=zz,v1=\(Self.knownMAC),v1=") == 0)
        #expect(throws: WebhookSignature.Failure.mismatch) { try self.verify("t=1764563000,v1=\(wrong),v1=\(wrong)") }
        let rotated = "whsec_new000000000000000000000000000"
        let both =
            "t=1764563000,v1=\(Self.knownMAC),v1="
            + WebhookSignature.hex(
                WebhookSignature.mac(secret: rotated, timestampText: "1764563000", body: Self.body))
        #expect(try self.verify(both, secrets: [rotated]) == 0)
    }

    @Test(
        "headers without a timestamp or a v1 are malformed; no header is missing",
        arguments: [
            "", "v1=abc", "t=1764563000", "t=soon,v1=00", "t=1764563000,t=1764563000,v1=00", "t=1.5,v1=00",
            "garbage",
        ])
    func malformed(_ header: String) {
        #expect(throws: WebhookSignature.Failure.malformedHeader) { try self.verify(header) }
    }

    @Test("no header at all")
    func missing() {
        #expect(throws: WebhookSignature.Failure.missingHeader) { try self.verify(nil) }
    }

    @Test("the comparison is exact and length-aware")
    func comparison() {
        #expect(WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookSignature.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(WebhookSignature.hexBytes("0aFf") == [0x0A, 0xFF])
        #expect(WebhookSignature.hexBytes("0g") == nil && WebhookSignature.hexBytes("abc") == nil)
    }
}
