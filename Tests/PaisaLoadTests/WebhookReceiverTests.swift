import Foundation
import NIOCore
import NIOHTTP1
import OutboundHTTP
import Testing

@testable import PaisaLoad

/// The receiver's record and its HTTP side on loopback: signed events are taken, everything else refused.
@Suite("Webhook receiver")
struct WebhookReceiverTests {
    static let secret = "whsec_receiverTest0000000000000000000"

    /// An event of `type` about charge `charge` of run r1, as the server would render it.
    static func event(_ id: String, type: String = "charge.succeeded", charge: String = "ch_1") -> [UInt8] {
        Array(
            """
            {"id":"\(id)","object":"event","api_version":"2026-10-28.endive","created":1764563000,\
            "data":{"object":{"id":"\(charge)","object":"charge","amount":1000,"metadata":{"paisa_load_run":"r1",\
            "paisa_load_payment":"7"},"status":"succeeded"}},"livemode":false,"pending_webhooks":1,\
            "request":{"id":null,"idempotency_key":null},"type":"\(type)"}
            """.utf8)
    }

    @Test("an event is read down to what the audit needs; a refund names its charge")
    func decoding() throws {
        let charge = try #require(WebhookEvent.decode(Self.event("evt_1")))
        #expect(
            charge
                == WebhookEvent(
                    id: "evt_1", type: "charge.succeeded", created: 1_764_563_000, objectKind: "charge",
                    objectID: "ch_1", objectStatus: "succeeded", runTag: "r1", chargeID: "ch_1"))
        #expect(charge.isFinal)
        let refund =
            Array(
                #"{"id":"evt_2","object":"event","created":1,"data":{"object":{"id":"re_1","object":"refund","#.utf8)
            + Array(#""charge":"ch_9","metadata":{},"status":"succeeded"}},"type":"refund.created"}"#.utf8)
        let decoded = try #require(WebhookEvent.decode(refund))
        #expect(decoded.chargeID == "ch_9" && decoded.runTag == nil && !decoded.isFinal)
        #expect(WebhookEvent.decode(Array(#"{"id":"ch_1","object":"charge"}"#.utf8)) == nil)
        #expect(WebhookEvent.decode(Array("not json".utf8)) == nil)
    }

    @Test("the log accepts signed events, refuses the rest with a reason, and knows which finals arrived")
    func log() {
        let log = WebhookLog()
        let now = Date().timeIntervalSince1970
        let body = Self.event("evt_1")
        let signed = WebhookSignature.header(secret: Self.secret, timestamp: Int64(now), body: body)
        #expect(!log.receive(signature: signed, body: body, receivedAt: .now, receivedUnix: now))
        log.add(secret: Self.secret)
        #expect(log.receive(signature: signed, body: body, receivedAt: .now, receivedUnix: now))
        #expect(!log.receive(signature: signed, body: body + [0x20], receivedAt: .now, receivedUnix: now))
        #expect(!log.receive(signature: nil, body: body, receivedAt: .now, receivedUnix: now))
        #expect(!log.receive(signature: signed, body: body, receivedAt: .now, receivedUnix: now + 400))
        let junk = Array("{}".utf8)
        let signedJunk = WebhookSignature.header(secret: Self.secret, timestamp: Int64(now), body: junk)
        #expect(!log.receive(signature: signedJunk, body: junk, receivedAt: .now, receivedUnix: now))
        let deliveries = log.deliveries()
        #expect(deliveries.accepted.map(\.event.id) == ["evt_1"])
        #expect(deliveries.signatureFailures == [.mismatch: 2, .missingHeader: 1, .staleTimestamp: 1])
        #expect(deliveries.malformed == 1 && deliveries.refusals.count == 5)
        let wanted = [
            FinalEvent(chargeID: "ch_1", status: .succeeded)!, FinalEvent(chargeID: "ch_2", status: .failed)!,
        ]
        #expect(log.missing(wanted) == [wanted[1]])
        #expect(FinalEvent(chargeID: "ch_3", status: .pending) == nil)
    }

    @Test("over HTTP on loopback: 200 for a signed delivery, 400 for a tampered one, 404 elsewhere")
    func overHTTP() async throws {
        let log = WebhookLog()
        log.add(secret: Self.secret)
        let receiver = try await WebhookReceiver.start(path: "/paisa-load/r1", log: log)
        let client = HTTP1Client()
        let outcome: Result<Void, any Error>
        do {
            try await Self.exercise(receiver, client: client)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        await receiver.shutdown()
        try outcome.get()

        let deliveries = log.deliveries()
        #expect(deliveries.accepted.map(\.event.id) == ["evt_http", "evt_http"])
        #expect(deliveries.signatureFailures == [.mismatch: 1, .missingHeader: 1])
        #expect(deliveries.malformed == 1)
        let received = try #require(deliveries.accepted.first)
        #expect(abs(received.receivedUnix - Date().timeIntervalSince1970) < 10)
    }

    /// Posts signed, tampered, unsigned, misdirected and oversized deliveries and checks each answer.
    private static func exercise(_ receiver: WebhookReceiver, client: HTTP1Client) async throws {
        #expect(receiver.url == "http://127.0.0.1:\(receiver.port)/paisa-load/r1")
        func post(_ path: String, _ body: [UInt8], signature: String?) async throws -> Int {
            var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8"]
            if let signature { headers.add(name: "Stripe-Signature", value: signature) }
            return try await client.execute(
                .POST, "http://127.0.0.1:\(receiver.port)\(path)", headers: headers, body: ByteBuffer(bytes: body),
                timeout: .seconds(5)
            ).status
        }
        let body = Self.event("evt_http")
        let signed = WebhookSignature.header(
            secret: Self.secret, timestamp: Int64(Date().timeIntervalSince1970), body: body)
        #expect(try await post("/paisa-load/r1", body, signature: signed) == 200)
        #expect(try await post("/paisa-load/r1", body, signature: signed) == 200)
        #expect(try await post("/paisa-load/r1", Self.event("evt_other"), signature: signed) == 400)
        #expect(try await post("/paisa-load/r1", body, signature: nil) == 400)
        #expect(try await post("/paisa-load/r2", body, signature: signed) == 404)
        let oversized = [UInt8](repeating: 0x20, count: WebhookReceiver.bodyBytesMax + 1)
        #expect(try await post("/paisa-load/r1", oversized, signature: signed) == 413)
    }
}
