import Crypto
import Foundation
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

@Suite("Events: one per change, in the change's transaction")
struct EventTests {
    /// The account's events, oldest first, as the API lists them.
    static func events(_ paisa: Paisa, key: String, query: String = "") async throws -> [[String: Any]] {
        let reply = try await paisa.send(.get, "/v1/events?limit=100\(query)", key: key)
        #expect(reply.status == 200)
        return ((reply.json["data"] as? [[String: Any]]) ?? []).reversed()
    }

    static func object(_ event: [String: Any]) -> [String: Any] {
        (event["data"] as? [String: Any])?["object"] as? [String: Any] ?? [:]
    }

    static func previous(_ event: [String: Any]) -> [String: Any]? {
        (event["data"] as? [String: Any])?["previous_attributes"] as? [String: Any]
    }

    @Test(
        "a charge, its replay, a capture, an update, a refund and a refund update: one event each, none for the replay")
    func everyChangeHasItsEvent() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let idempotencyKey = freshKey()
            let charge = try await paisa.charge(
                key: key, amount: 5000, idempotencyKey: idempotencyKey, extra: [("capture", "false")])
            let id = try #require(charge.chargeID)
            let replay = try await paisa.charge(
                key: key, amount: 5000, idempotencyKey: idempotencyKey, extra: [("capture", "false")])
            #expect(replay.id == id)
            var events = try await Self.events(paisa, key: key)
            #expect(events.map { $0["type"] as? String } == ["charge.succeeded"])
            let created = try #require(events.first)
            #expect(Self.object(created)["id"] as? String == id)
            #expect(Self.previous(created) == nil)
            let request = try #require(created["request"] as? [String: Any])
            #expect(request["idempotency_key"] as? String == idempotencyKey)
            #expect((request["id"] as? String)?.hasPrefix("req_") == true)
            #expect(created["api_version"] as? String == "2026-10-28.endive")
            #expect(created["pending_webhooks"] as? Int == 0)

            _ = try await paisa.send(.post, "/v1/charges/\(id)/capture", key: key, form: [("amount", "3000")])
            _ = try await paisa.send(.post, "/v1/charges/\(id)", key: key, form: [("description", "gift")])
            let refund = try await paisa.send(
                .post, "/v1/refunds", key: key, form: [("charge", id), ("amount", "500")])
            #expect(refund.status == 200)
            _ = try await paisa.send(.post, "/v1/refunds/\(refund.id)", key: key, form: [("metadata[a]", "b")])
            // An update that changes nothing is no change: no event.
            _ = try await paisa.send(.post, "/v1/charges/\(id)", key: key, form: [("description", "gift")])

            events = try await Self.events(paisa, key: key)
            let types = events.map { $0["type"] as? String ?? "" }
            #expect(types.count == 6)
            #expect(types.first == "charge.succeeded")
            #expect(Array(types[1...2]) == ["charge.captured", "charge.updated"])
            #expect(Set(types[3...4]) == ["refund.created", "charge.refunded"])
            #expect(types.last == "refund.updated")

            let captured = events[1]
            #expect(Self.object(captured)["captured"] as? Bool == true)
            #expect(Self.previous(captured)?["captured"] as? Bool == false)
            #expect(Self.previous(captured)?["amount_captured"] as? Int == 0)
            let updated = events[2]
            #expect(Self.previous(updated)?["description"] is NSNull)
            #expect(Self.previous(updated)?.keys.sorted() == ["description"])
            let refunded = try #require(events.first { $0["type"] as? String == "charge.refunded" })
            // The capture released 2000 of 5000, so 2000 was already "refunded"; the refund adds 500.
            #expect(Self.previous(refunded)?["amount_refunded"] as? Int == 2000)
            #expect(Self.object(refunded)["amount_refunded"] as? Int == 2500)
            let refundUpdated = try #require(events.last)
            #expect(Self.object(refundUpdated)["object"] as? String == "refund")
            #expect((Self.previous(refundUpdated)?["metadata"] as? [String: Any])?.isEmpty == true)

            // Each event reads back alone as it lists.
            for event in events {
                let one = try await paisa.send(.get, "/v1/events/\(event["id"] as? String ?? "")", key: key)
                #expect(one.string("type") == event["type"] as? String)
            }
        }
    }

    @Test("a decline is charge.failed; a pending UPI charge is charge.pending, then charge.succeeded with no request")
    func declinesAndPendingCharges() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { configuration in
            configuration.sandbox.pendingSettle = .milliseconds(100)
        }) { paisa in
            let declined = try await paisa.charge(key: key, source: "tok_chargeDeclined")
            #expect(declined.status == 402)
            let pending = try await paisa.charge(key: key, source: "pending@upi")
            let id = try #require(pending.chargeID)
            #expect(try await paisa.settle(id, account: account.id))
            let events = try await Self.events(paisa, key: key)
            #expect(events.map { $0["type"] as? String } == ["charge.failed", "charge.pending", "charge.succeeded"])
            let succeeded = try #require(events.last)
            #expect(Self.previous(succeeded)?["status"] as? String == "pending")
            let request = try #require(succeeded["request"] as? [String: Any])
            #expect(request["id"] is NSNull)
            #expect(request["idempotency_key"] is NSNull)
        }
    }

    @Test("a change whose transaction rolls back leaves no event")
    func rolledBackChangesWriteNoEvent() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try await paisa.charge(key: key)
            let id = try #require(charge.chargeID)
            paisa.server.faults.arm(.beforeFinishCommit, .init(action: .crash, remaining: 1))
            let refund = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", id)])
            #expect(refund.status >= 500)
            let types = try await TestDatabase.strings(
                "SELECT type FROM events WHERE account_id = \(account.id) ORDER BY created_at")
            #expect(types == ["charge.succeeded"])
            #expect(
                try await TestDatabase.integers("SELECT count(*) FROM refunds WHERE account_id = \(account.id)") == [0])
        }
    }

    @Test("type, a type prefix and types[] filter; type with types is refused; a restricted key needs events:read")
    func filtersAndPermissions() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try await paisa.charge(key: key)
            _ = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", charge.id)])
            #expect(try await Self.events(paisa, key: key).count == 3)
            #expect(try await Self.events(paisa, key: key, query: "&type=refund.created").count == 1)
            #expect(try await Self.events(paisa, key: key, query: "&type=charge.*").count == 2)
            #expect(try await Self.events(paisa, key: key, query: "&type=charge.disputed").isEmpty)
            let both = "&types[]=refund.created&types[]=charge.succeeded"
            #expect(try await Self.events(paisa, key: key, query: both).count == 2)
            let refused = try await paisa.send(.get, "/v1/events?type=a.b&types[]=c.d", key: key)
            #expect(refused.status == 400)
            #expect(refused.error["code"] as? String == "parameters_exclusive")

            let (_, reader) = try await TestDatabase.account(restricted: [Permission(.charges, .read)])
            let forbidden = try await paisa.send(.get, "/v1/events", key: reader)
            #expect(forbidden.status == 403)
            let (_, other) = try await TestDatabase.account()
            let someoneElses = try await Self.events(paisa, key: key).first?["id"] as? String ?? ""
            #expect(try await paisa.send(.get, "/v1/events/\(someoneElses)", key: other).status == 404)
        }
    }
}
