import Foundation
import PaisaTestSupport
import Payments
import Testing

@testable import PaymentsAPI

/// UPI refunds are asynchronous: accepted as `pending` with the money already out of the balance, then completed or
/// failed by the reconciler; a failure gives the money back by a second posting. Card refunds stay synchronous.
@Suite("UPI refunds: pending, then succeeded or failed with a reversing posting")
struct UPIRefundTests {
    /// The sandbox settles UPI refunds at the reconciler's first question.
    static func settleAtOnce(_ configuration: inout ServerConfiguration) {
        BudgetTests.generousBudget(&configuration)
        configuration.sandbox.pendingSettle = .zero
    }

    static func balance(_ paisa: Paisa, key: String) async throws -> Int {
        let balance = try await paisa.send(.get, "/v1/balance", key: key)
        let amounts =
            (balance.json["available"] as? [[String: Any]] ?? []) + (balance.json["pending"] as? [[String: Any]] ?? [])
        return amounts.filter { $0["currency"] as? String == "inr" }.compactMap { $0["amount"] as? Int }.reduce(0, +)
    }

    /// The refund once the reconciler (this server's, or another test's) has settled it: passes over the pending
    /// refunds (not the charges: other tests leave many pending) until it is no longer pending, a bounded number of
    /// them. The refund's fate was fixed when its request submitted it.
    static func settled(_ paisa: Paisa, key: String, refund id: String) async throws -> Reply {
        var refund = try await paisa.send(.get, "/v1/refunds/\(id)", key: key)
        for _ in 0..<Self.settlePassesMax where refund.string("status") == "pending" {
            try await Task.sleep(for: .milliseconds(200))
            await paisa.server.reconciler.settlePendingRefunds()
            refund = try await paisa.send(.get, "/v1/refunds/\(id)", key: key)
        }
        return refund
    }

    /// Reconciler passes a test waits through: a pending refund is first due a second after it was made.
    static let settlePassesMax = 50

    static func refund(_ paisa: Paisa, key: String, charge: String, amount: Int) async throws -> Reply {
        try await paisa.send(
            .post, "/v1/refunds", key: key, form: [("charge", charge), ("amount", String(amount))],
            idempotencyKey: freshKey())
    }

    /// The types of the account's events about refunds, oldest first.
    static func refundEventTypes(_ paisa: Paisa, key: String) async throws -> [String] {
        try await EventTests.events(paisa, key: key).compactMap { $0["type"] as? String }.filter {
            $0.hasPrefix("refund.") || $0 == "charge.refund.updated"
        }
    }

    @Test(
        "a UPI refund answers pending, the money leaves the balance at once, and it succeeds when the bank completes it"
    )
    func pendingThenSucceeded() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.settleAtOnce) { paisa in
            let charge = try await paisa.charge(key: key, amount: 5000, source: "success@upi")
            let chargeID = try #require(charge.chargeID)
            let before = try await Self.balance(paisa, key: key)
            let refund = try await Self.refund(paisa, key: key, charge: chargeID, amount: 2000)
            #expect(refund.status == 200, "\(refund.text)")
            #expect(refund.string("status") == "pending")
            #expect(refund.json["failure_reason"] is NSNull)
            #expect(try await Self.balance(paisa, key: key) == before - 2000)
            let during = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
            #expect(during.json["amount_refunded"] as? Int == 2000)

            let settled = try await Self.settled(paisa, key: key, refund: refund.id)
            #expect(settled.string("status") == "succeeded")
            #expect(try await Self.balance(paisa, key: key) == before - 2000)
            #expect(try await Ledger.postingCount(account: account.id) == 2)
            let types = try await Self.refundEventTypes(paisa, key: key)
            #expect(types.sorted() == ["charge.refund.updated", "refund.created", "refund.updated"], "\(types)")
            // Settled once: another pass leaves it, its events and its postings as they are.
            await paisa.server.reconciler.settlePending()
            #expect(try await Self.refundEventTypes(paisa, key: key).count == 3)
            #expect(try await Ledger.postingCount(account: account.id) == 2)
        }
    }

    @Test(
        "a UPI refund the bank fails gives the money back: amount_refunded, the balance, and a refund_failure posting")
    func pendingThenFailed() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.settleAtOnce) { paisa in
            let charge = try await paisa.charge(key: key, amount: 5000, source: "refundfail@upi")
            #expect(charge.string("status") == "succeeded")
            let chargeID = try #require(charge.chargeID)
            let before = try await Self.balance(paisa, key: key)
            let refund = try await Self.refund(paisa, key: key, charge: chargeID, amount: 5000)
            #expect(refund.string("status") == "pending")
            // While pending, the amount is refunded: nothing more can be.
            let more = try await Self.refund(paisa, key: key, charge: chargeID, amount: 100)
            #expect(more.status == 400)

            let failed = try await Self.settled(paisa, key: key, refund: refund.id)
            #expect(failed.string("status") == "failed")
            #expect(failed.string("failure_reason") == "declined")
            let reversal = try #require(failed.string("failure_balance_transaction"))
            let transaction = try await paisa.send(.get, "/v1/balance_transactions/\(reversal)", key: key)
            #expect(transaction.string("type") == "refund_failure")
            #expect(transaction.json["amount"] as? Int == 5000)
            #expect(try await Self.balance(paisa, key: key) == before)
            let restored = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
            #expect(restored.json["amount_refunded"] as? Int == 0)
            #expect(restored.json["refunded"] as? Bool == false)
            #expect(try await Ledger.postingCount(account: account.id) == 3)
            let unbalanced = try await TestDatabase.integers(
                "SELECT count(*) FROM (SELECT posting_id FROM ledger_entries WHERE account_id = \(account.id) GROUP BY posting_id HAVING sum(amount) <> 0) AS p"
            )
            #expect(unbalanced == [0])
            let types = try await Self.refundEventTypes(paisa, key: key)
            #expect(types.sorted() == ["charge.refund.updated", "refund.created", "refund.failed"], "\(types)")
            // The money is back, so the charge can be refunded again.
            let again = try await Self.refund(paisa, key: key, charge: chargeID, amount: 5000)
            #expect(again.string("status") == "pending")
        }
    }

    @Test("a card refund is still succeeded at once, and the reconciler leaves it alone")
    func cardIsSynchronous() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.settleAtOnce) { paisa in
            let charge = try await paisa.charge(key: key, amount: 5000, source: "tok_visa")
            let refund = try await Self.refund(paisa, key: key, charge: charge.chargeID ?? "", amount: 1000)
            #expect(refund.string("status") == "succeeded")
            #expect(refund.json["failure_balance_transaction"] is NSNull)
        }
    }
}
