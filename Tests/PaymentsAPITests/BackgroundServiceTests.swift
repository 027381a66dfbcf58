import Foundation
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

/// The background services stay fair and bounded: the reconciler gets to every pending charge however many stay
/// pending ahead of it, and the completer gives up on a request it can never finish once, visibly.
@Suite("Background services: a fair reconciler, a completer that gives up visibly")
struct BackgroundServiceTests {
    @Test("charges that stay pending do not starve a newer one: each check sends a charge to the back of the queue")
    func reconcilerIsFair() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { configuration in
            // Older charges stay pending for an hour; the newer one is slow, so the processor knows it at once.
            configuration.sandbox.pendingSettleMilliseconds = 3_600_000
            configuration.api.requestBudgetMilliseconds = 1000
            configuration.sandbox.slowMilliseconds = 1500
        }) { paisa in
            for _ in 0...Limits.reconcilerBatchSize {
                #expect(try await paisa.charge(key: key, source: "pending@upi").string("status") == "pending")
            }
            let newer = try await paisa.charge(key: key, source: "slow@upi")
            #expect(newer.string("status") == "pending")
            let id = try #require(newer.chargeID)

            var status = "pending"
            for _ in 0..<40 where status == "pending" {
                await paisa.server.reconciler.runOnce()
                status = try await paisa.send(.get, "/v1/charges/\(id)", key: key).string("status") ?? "?"
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(status == "succeeded")
            let stillPending = try await TestDatabase.integers(
                "SELECT count(*) FROM charges WHERE account_id = \(account.id) AND status = 'pending'")
            #expect(stillPending == [Int64(Limits.reconcilerBatchSize + 1)])
        }
    }

    @Test("a request that can never finish is given up once: counted, logged as an error, off the completer's list")
    func completerGivesUpOnce() async throws {
        let (account, _) = try await TestDatabase.account()
        let scope = Scope(accountID: account.id, livemode: false)
        let store = try await TestDatabase.store(leaseMilliseconds: 1)
        let key = freshKey()
        // A key claimed with parameters that no longer validate, abandoned by its request.
        let parameters = #"{"amount":"not a number","currency":"inr","source":"tok_visa"}"#
        let request = IdempotentRequest(
            scope: scope, key: key, method: "POST", path: "/v1/charges", version: "2026-10-28.endive",
            parameters: parameters,
            fingerprint: RequestFingerprint.make(
                method: "POST", path: "/v1/charges", version: "2026-10-28.endive", canonicalParameters: parameters),
            requestID: ObjectID.make(.request))
        guard case .claimed = try await store.claim(request, deadline: .after(milliseconds: 2000)) else {
            Issue.record("could not claim the key")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
        let log = LogCapture()
        try await Paisa.with(logger: log.logger) { paisa in
            for _ in 0..<3 { await paisa.server.completer.runOnce() }
        }
        let attempts = try await TestDatabase.integers(
            "SELECT attempts FROM idempotency_keys WHERE account_id = \(account.id) AND key = \(key)")
        #expect(attempts == [Int64(Limits.completerAttemptsMax)])
        let gaveUp = log.text.split(separator: "\n").filter { $0.contains("completer gave up") && $0.contains(key) }
        #expect(gaveUp.count == 1)
        #expect(gaveUp.first?.contains("original_request_id=\(request.requestID)") == true)
    }
}
