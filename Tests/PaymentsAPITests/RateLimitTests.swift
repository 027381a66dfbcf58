import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsAPI
import PaymentsStore
import Testing

/// Rate limits: a token bucket per account, mode and kind of request, on each instance. The rates here refill one
/// token in 100 seconds, so a test's burst is all it gets whatever the machine's speed: no assertion is timed.
@Suite("Rate limits: 429 rate_limit per account and mode, reads and writes apart")
struct RateLimitTests {
    /// Three requests of each kind, then 429 for the rest of the test.
    static func limited(_ configuration: inout ServerConfiguration) {
        BudgetTests.generousBudget(&configuration)
        configuration.api.rateLimits = RateLimits(live: 0.01, test: 0.01, burst: 3)
    }

    @Test("past the burst a write is refused with Stripe's 429, Retry-After and its key, and claims nothing")
    func refusedWrite() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with(configuration: Self.limited) { paisa in
            for _ in 0..<3 {
                #expect(try await paisa.charge(key: key).status == 200)
            }
            let refused = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(refused.status == 429)
            #expect(refused.error["type"] as? String == "invalid_request_error")
            #expect(refused.error["code"] as? String == "rate_limit")
            #expect((refused.error["message"] as? String)?.contains("test-mode") == true)
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(refused.header("Idempotency-Key") == idempotencyKey)
            // Reads have a bucket of their own.
            #expect(try await paisa.send(.get, "/v1/balance", key: key).status == 200)
        }
        // The refused write ran nothing: its key was never claimed, and another instance (here one without a
        // limit) runs it fresh.
        let claimed = try await TestDatabase.integers(
            "SELECT count(*) FROM idempotency_keys WHERE account_id = \(account.id) AND key = \(idempotencyKey)"
        )
        #expect(claimed == [0])
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let fresh = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(fresh.status == 200)
            #expect(fresh.header("Idempotent-Replayed") == "false")
        }
    }

    @Test("reads are limited apart from writes; another account, and the same account's live mode, are not affected")
    func separateBuckets() async throws {
        let (account, key) = try await TestDatabase.account()
        let (_, other) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.limited, overHTTPS: true) { paisa in
            let statuses = try await Self.readStatuses(paisa, key: key, count: 5)
            #expect(statuses == [200, 200, 200, 429, 429])
            #expect(try await paisa.charge(key: key).status == 200)
            #expect(try await paisa.send(.get, "/v1/balance", key: other).status == 200)
            let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
            let live = try await admin.createKey(accountID: account.id, kind: .secret, livemode: true, permissions: [])
            let liveRead = try await paisa.send(.get, "/v1/balance", key: live.secret)
            #expect(liveRead.status == 200, "\(liveRead.text)")
        }
    }

    @Test("each instance admits its own share: a second instance on the same database serves what the first refuses")
    func perInstance() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.limited) { first in
            try await Paisa.with(configuration: Self.limited) { second in
                let atFirst = try await Self.readStatuses(first, key: key, count: 4)
                let atSecond = try await Self.readStatuses(second, key: key, count: 4)
                #expect(atFirst == [200, 200, 200, 429])
                #expect(atSecond == [200, 200, 200, 429])
            }
        }
    }

    static func readStatuses(_ paisa: Paisa, key: String, count: Int) async throws -> [Int] {
        var statuses: [Int] = []
        for _ in 0..<count { statuses.append(try await paisa.send(.get, "/v1/balance", key: key).status) }
        return statuses
    }

    @Test("no limit when the rate is 0 (the default of the HTTP layer; `paisa serve` sets Stripe's)")
    func off() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let statuses = try await Self.readStatuses(paisa, key: key, count: 10)
            #expect(statuses == Array(repeating: 200, count: 10))
        }
        #expect(RateLimits().live == 100 && RateLimits().test == 25)
    }
}
