import Foundation
import PaisaTestSupport
import Payments
import Testing

@Suite("Captures, updates and refunds")
struct ChargeLifecycleTests {
    @Test("booleans as every SDK generation sends them: True and False as true and false; yes and 1 refused")
    func booleansFromOlderSDKs() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let authorized = try await paisa.charge(key: key, currency: "usd", extra: [("capture", "False")])
            #expect(authorized.status == 200)
            #expect(authorized.json["captured"] as? Bool == false)
            let captured = try await paisa.charge(key: key, currency: "usd", extra: [("capture", "True")])
            #expect(captured.json["captured"] as? Bool == true)
            for refused in ["yes", "1", "", "truth"] {
                let reply = try await paisa.charge(key: key, currency: "usd", extra: [("capture", refused)])
                #expect(reply.status == 400, "capture=\(refused)")
            }
        }
    }

    @Test("Connect's parameters are refused with a 400 that says Paisa has no connected accounts, never ignored")
    func connectParametersRefused() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            for (name, value) in [
                ("application_fee_amount", "100"), ("on_behalf_of", "acct_1"), ("transfer_data[destination]", "acct_1"),
            ] {
                let reply = try await paisa.charge(key: key, extra: [(name, value)])
                #expect(reply.status == 400)
                #expect(reply.error["code"] as? String == "parameter_unknown")
                #expect((reply.error["message"] as? String)?.contains("no connected accounts") == true, "\(name)")
            }
            #expect(try await Ledger.chargeCount(account: account.id) == 0)
        }
    }

    @Test("capture=false authorizes; a partial capture takes part and releases the rest")
    func partialCapture() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let authorized = try await paisa.charge(
                key: key, amount: 5000, currency: "usd", extra: [("capture", "false")])
            #expect(authorized.json["captured"] as? Bool == false)
            #expect(authorized.json["paid"] as? Bool == true)
            #expect(authorized.json["balance_transaction"] is NSNull)
            let id = try #require(authorized.chargeID)
            #expect(try await Ledger.postingCount(account: account.id) == 0)

            let captured = try await paisa.send(
                .post, "/v1/charges/\(id)/capture", key: key,
                form: [("amount", "3000"), ("expand[]", "balance_transaction")])
            #expect(captured.status == 200)
            #expect(captured.json["amount_captured"] as? Int == 3000)
            #expect(captured.json["amount_refunded"] as? Int == 2000)
            #expect(captured.json["captured"] as? Bool == true)
            let transaction = try #require(captured.json["balance_transaction"] as? [String: Any])
            #expect(transaction["amount"] as? Int == 3000)
            #expect(transaction["fee"] as? Int == 87)
            #expect(transaction["net"] as? Int == 2913)

            let again = try await paisa.send(.post, "/v1/charges/\(id)/capture", key: key)
            #expect(again.status == 400)
            #expect(again.error["code"] as? String == "charge_already_captured")
        }
    }

    @Test("two refunds under different keys whose sum exceeds the captured amount: exactly one succeeds")
    func concurrentRefundsNeverOverRefund() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            for _ in 0..<5 {
                let charge = try #require(try await paisa.charge(key: key, amount: 5000, currency: "usd").chargeID)
                let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                    for amount in [3000, 2500] {
                        group.addTask {
                            try await paisa.send(
                                .post, "/v1/refunds", key: key, form: [("charge", charge), ("amount", String(amount))],
                                idempotencyKey: freshKey())
                        }
                    }
                    return try await group.reduce(into: [Reply]()) { $0.append($1) }
                }
                #expect(replies.map(\.status).sorted() == [200, 400], "\(replies.map(\.text))")
                #expect(replies.contains { $0.error["code"] as? String == "amount_too_large" })
                let refunded = try await paisa.send(.get, "/v1/charges/\(charge)", key: key).json["amount_refunded"]
                #expect([3000, 2500].contains(refunded as? Int ?? -1))
            }
            let refundPostings = try await TestDatabase.integers(
                """
                SELECT count(DISTINCT posting_id) FROM ledger_entries
                WHERE account_id = \(account.id) AND posting_type = 'refund'
                """)
            #expect(refundPostings == [5])
        }
    }

    @Test("captures refuse more than authorized, failed charges, and missing ones")
    func captureRefusals() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let authorized = try #require(
                try await paisa.charge(key: key, amount: 1000, currency: "usd", extra: [("capture", "false")]).chargeID)
            let tooMuch = try await paisa.send(
                .post, "/v1/charges/\(authorized)/capture", key: key, form: [("amount", "1001")])
            #expect(tooMuch.error["code"] as? String == "amount_too_large")
            #expect(tooMuch.error["param"] as? String == "amount")
            let declined = try #require(try await paisa.charge(key: key, source: "tok_chargeDeclined").chargeID)
            let failed = try await paisa.send(.post, "/v1/charges/\(declined)/capture", key: key)
            #expect(failed.error["code"] as? String == "charge_not_capturable")
            let missing = try await paisa.send(.post, "/v1/charges/ch_doesnotexist/capture", key: key)
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "resource_missing")
        }
    }

    @Test("updates set and clear description, metadata and receipt_email with Stripe's empty-string rules")
    func updates() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let id = try #require(
                try await paisa.charge(
                    key: key, extra: [("description", "first"), ("metadata[a]", "1"), ("metadata[b]", "2")]
                ).chargeID)
            let updated = try await paisa.send(
                .post, "/v1/charges/\(id)", key: key,
                form: [
                    ("description", "second"), ("metadata[a]", ""), ("metadata[c]", "3"),
                    ("receipt_email", "asha@example.in"),
                ])
            #expect(updated.status == 200)
            #expect(updated.string("description") == "second")
            #expect(updated.json["metadata"] as? [String: String] == ["b": "2", "c": "3"])
            #expect(updated.string("receipt_email") == "asha@example.in")
            let cleared = try await paisa.send(
                .post, "/v1/charges/\(id)", key: key,
                form: [("description", ""), ("metadata", ""), ("receipt_email", "")])
            #expect(cleared.json["description"] is NSNull)
            #expect(cleared.json["metadata"] as? [String: String] == [:])
            #expect(cleared.json["receipt_email"] is NSNull)
            let fetched = try await paisa.send(.get, "/v1/charges/\(id)", key: key)
            #expect(fetched.json["metadata"] as? [String: String] == [:])
            let refused = try await paisa.send(.post, "/v1/charges/\(id)", key: key, form: [("amount", "1")])
            #expect(refused.error["code"] as? String == "parameter_unknown")
        }
    }

    @Test("repeated partial refunds up to the captured amount, then charge_already_refunded")
    func partialRefunds() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let id = try #require(try await paisa.charge(key: key, amount: 10_000, currency: "inr").chargeID)
            let first = try await paisa.send(
                .post, "/v1/refunds", key: key,
                form: [
                    ("charge", id), ("amount", "4000"), ("reason", "requested_by_customer"), ("metadata[ticket]", "77"),
                ])
            #expect(first.status == 200)
            #expect(first.string("object") == "refund")
            #expect(first.string("status") == "succeeded")
            #expect(first.json["metadata"] as? [String: String] == ["ticket": "77"])
            let tooMuch = try await paisa.send(
                .post, "/v1/refunds", key: key, form: [("charge", id), ("amount", "6001")])
            #expect(tooMuch.error["code"] as? String == "amount_too_large")
            let rest = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", id)])
            #expect(rest.json["amount"] as? Int == 6000)
            let charge = try await paisa.send(.get, "/v1/charges/\(id)", key: key)
            #expect(charge.json["amount_refunded"] as? Int == 10_000)
            #expect(charge.json["refunded"] as? Bool == true)
            let more = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", id), ("amount", "1")])
            #expect(more.error["code"] as? String == "charge_already_refunded")
            let refunds = try await paisa.send(.get, "/v1/refunds?charge=\(id)", key: key)
            #expect((refunds.json["data"] as? [[String: Any]])?.count == 2)
            #expect(try await Ledger.postingCount(account: account.id) == 3)
            let badReason = try await paisa.send(
                .post, "/v1/refunds", key: key, form: [("charge", id), ("reason", "bored")])
            #expect(badReason.error["param"] as? String == "reason")
        }
    }

    @Test("refund metadata updates; retrieving refunds and expanding their balance transaction")
    func refundReadsAndUpdates() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try #require(try await paisa.charge(key: key, amount: 3000, currency: "usd").chargeID)
            let refund = try #require(
                try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", charge), ("amount", "1000")])
                    .string("id"))
            let updated = try await paisa.send(
                .post, "/v1/refunds/\(refund)", key: key, form: [("metadata[note]", "late")])
            #expect(updated.json["metadata"] as? [String: String] == ["note": "late"])
            let fetched = try await paisa.send(.get, "/v1/refunds/\(refund)?expand[]=balance_transaction", key: key)
            let transaction = try #require(fetched.json["balance_transaction"] as? [String: Any])
            #expect(transaction["amount"] as? Int == -1000)
            #expect(transaction["type"] as? String == "refund")
            #expect(try await paisa.send(.get, "/v1/refunds/re_nothing", key: key).status == 404)
        }
    }

    @Test("refunds refuse uncaptured, failed and missing charges")
    func refundRefusals() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let uncaptured = try #require(try await paisa.charge(key: key, extra: [("capture", "false")]).chargeID)
            let refused = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", uncaptured)])
            #expect(refused.error["code"] as? String == "charge_not_refundable")
            let missing = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", "ch_missing")])
            #expect(missing.status == 404)
            #expect(missing.error["param"] as? String == "charge")
            let noCharge = try await paisa.send(.post, "/v1/refunds", key: key, form: [("amount", "5")])
            #expect(noCharge.error["code"] as? String == "parameter_missing")
        }
    }
}
