import Foundation
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

@testable import PaymentsAPI

/// The background services stay fair and bounded: the reconciler gets to every pending charge however many stay
/// pending ahead of it, and the completer gives up on a request it can never finish once, visibly.
@Suite("Background services: a fair reconciler, a completer that gives up visibly")
struct BackgroundServiceTests {
    @Test("charges that stay pending do not starve a newer one: each check sends a charge to the back of the queue")
    func reconcilerIsFair() async throws {
        let (account, key) = try await TestDatabase.account()
        var failure: (any Error)? = nil
        do {
            try await Paisa.with(configuration: { configuration in
                // Older charges stay pending for two minutes, far longer than the test; the newer one is slow, so
                // the processor knows it at once.
                configuration.sandbox.pendingSettle = .seconds(120)
                // Past the budget: the slow charge is answered pending, and the reconciler settles it. The budget has
                // room for the queueing a request sees while the whole suite runs.
                configuration.sandbox.slow = .milliseconds(8000)
                configuration.api.requestBudget = .seconds(6)
                configuration.idempotencyLease = .seconds(20)
            }) { paisa in
                for _ in 0...Limits.reconcilerBatchSize {
                    #expect(try await paisa.charge(key: key, source: "pending@upi").string("status") == "pending")
                }
                let newer = try await paisa.charge(key: key, source: "slow@upi")
                #expect(newer.string("status") == "pending")
                let id = try #require(newer.chargeID)

                var status = "pending"
                for _ in 0..<120 where status == "pending" {
                    await paisa.server.reconciler.settlePending()
                    status = try await paisa.send(.get, "/v1/charges/\(id)", key: key).string("status") ?? "?"
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(status == "succeeded")
                let stillPending = try await TestDatabase.integers(
                    "SELECT count(*) FROM charges WHERE account_id = \(account.id) AND status = 'pending'")
                #expect(stillPending == [Int64(Limits.reconcilerBatchSize + 1)])
            }
        } catch {
            failure = error
        }
        // Out of every reconciler's way, whatever the outcome: the other tests' passes (and the next run's, in the
        // shared test database) would otherwise postpone these charges again and again.
        _ = try await TestDatabase.integers(
            """
            WITH parked AS (
                UPDATE charges SET reconcile_after = 'infinity'
                WHERE account_id = \(account.id) AND status = 'pending' RETURNING 1
            )
            SELECT count(*) FROM parked
            """)
        if let failure { throw failure }
    }

    struct CouldNotClaim: Error {}

    /// A charge's key claimed with parameters that no longer validate (a stored request a deploy made invalid), and
    /// how the completer sees it once its request abandons it.
    struct UnfinishableCharge {
        let account: Account
        let store: PostgresPaymentsStore
        let request: IdempotentRequest
        let claimed: ClaimedKey

        var key: String { self.request.key }

        var abandoned: AbandonedRequest {
            AbandonedRequest(
                scope: self.request.scope, key: self.request.key, method: "POST", path: "/v1/charges",
                version: "2026-10-28.endive", parameters: self.request.parameters, attempts: 1,
                originalRequestID: self.request.requestID, processorKey: self.claimed.processorKey)
        }

        /// The key's recovery point, stored status (or -) and whether it is given up, as one line.
        func state() async throws -> [String] {
            try await TestDatabase.strings(
                """
                SELECT recovery_point || ' ' || coalesce(response_status::text, '-') || ' ' || (gave_up_at IS NOT NULL)
                FROM idempotency_keys WHERE account_id = \(self.account.id) AND key = \(self.key)
                """)
        }

        /// Voids the sandbox processor holds for the key's payment.
        func voids() async throws -> [Int64] {
            try await TestDatabase.integers(
                "SELECT count(*) FROM sandbox_processor_voids WHERE processor_key = \(self.claimed.processorKey)")
        }
    }

    static func unfinishableCharge() async throws -> UnfinishableCharge {
        let (account, _) = try await TestDatabase.account()
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let parameters = #"{"amount":"not a number","currency":"inr","source":"tok_visa"}"#
        let request = IdempotentRequest(
            scope: Scope(accountID: account.id, livemode: false), key: freshKey(), method: "POST",
            path: "/v1/charges", version: "2026-10-28.endive", parameters: parameters,
            fingerprint: RequestFingerprint.make(
                method: "POST", path: "/v1/charges", version: "2026-10-28.endive", canonicalParameters: parameters),
            requestID: ObjectID.make(.request))
        guard case .claimed(let claimed) = try await store.claim(request, deadline: .after(.milliseconds(2000))) else {
            throw CouldNotClaim()
        }
        return UnfinishableCharge(account: account, store: store, request: request, claimed: claimed)
    }

    @Test("a charge that can never finish is given up once: logged, counted, its payment voided, its key answered")
    func completerGivesUpOnce() async throws {
        let charge = try await Self.unfinishableCharge()
        let log = LogCapture()
        try await Paisa.with(logger: log.logger) { paisa in
            // Abandoned now, and resumed at once by this server's completer (before another test's completer,
            // which would give up on it just the same, can list it).
            await charge.store.release(charge.claimed, counted: true, waitingUntil: TestDatabase.deadline())
            #expect(await paisa.server.completer.resume(charge.abandoned) == false)
            // Giving up happens once: a second look finds the key given up (and finished) and does nothing.
            #expect(await paisa.server.completer.resume(charge.abandoned) == false)
        }
        #expect(try await charge.state() == ["finished 500 true"])
        #expect(try await charge.voids() == [1])
        let gaveUp = log.text.split(separator: "\n").filter {
            $0.contains("completer gave up") && $0.contains(charge.key)
        }
        #expect(gaveUp.count == 1)
        #expect(gaveUp.first?.contains("original_request_id=\(charge.request.requestID)") == true)
    }

    @Test("a give-up whose ending fails is not the end: the key goes back on the list, and a later pass ends it")
    func givingUpRetriesTheEnding() async throws {
        let charge = try await Self.unfinishableCharge()
        try await Paisa.with(configuration: PaymentIntentTests.crashable) { paisa in
            await charge.store.release(charge.claimed, counted: true, waitingUntil: TestDatabase.deadline())
            // The ending's last statement fails once: the key must not stay given up and unfinished.
            paisa.server.faults.arm(.beforeFinishCommit, .init(action: .crash, remaining: 1))
            #expect(await paisa.server.completer.resume(charge.abandoned) == false)
            #expect(try await charge.state() == ["started - false"])
            // Once the crashed ending's claim has lapsed, the next pass gives up again and ends it.
            try await Task.sleep(for: Paisa.shortLease * 2)
            #expect(await paisa.server.completer.resume(charge.abandoned) == false)
        }
        #expect(try await charge.state() == ["finished 500 true"])
        // Ended once, by this server's completer or another test's (every completer sees an abandoned key): one void.
        #expect(try await charge.voids() == [1])
    }

    @Test("exactly the writes that can have moved money at the processor say how the completer ends them")
    func endingsAreWired() async throws {
        try await Paisa.with { paisa in
            let ending = paisa.server.api.routes.routes.filter { $0.endpoint.end != nil }.map {
                "\($0.method.rawValue) \($0.pattern)"
            }
            #expect(
                ending.sorted() == [
                    "POST /v1/charges", "POST /v1/payment_intents", "POST /v1/payment_intents/:id/confirm",
                ])
        }
    }

    @Test("a capacity failure does not use up an attempt; an attempt that did work does")
    func capacityFailuresAreNotAttempts() async throws {
        let (account, _) = try await TestDatabase.account()
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = Scope(accountID: account.id, livemode: false)
        let key = freshKey()
        let request = IdempotencyStoreTestsRequest.make(scope, key: key)
        for counted in [false, false, true] {
            guard case .claimed(let claimed) = try await store.claim(request, deadline: .after(.milliseconds(2000)))
            else {
                Issue.record("could not claim the key")
                return
            }
            // Out of the other tests' completers' sight (they list abandoned keys that are not given up), so that
            // only this test's claims count; a claim does not look at the mark.
            _ = try await TestDatabase.integers(
                """
                WITH hidden AS (
                    UPDATE idempotency_keys SET gave_up_at = now()
                    WHERE account_id = \(account.id) AND key = \(key) RETURNING 1
                )
                SELECT count(*) FROM hidden
                """)
            await store.release(claimed, counted: counted, waitingUntil: TestDatabase.deadline())
        }
        let attempts = try await TestDatabase.integers(
            "SELECT attempts FROM idempotency_keys WHERE account_id = \(account.id) AND key = \(key)")
        #expect(attempts == [2])
    }
}

/// A write request as the idempotency layer sees it, for tests that drive the store directly.
enum IdempotencyStoreTestsRequest {
    static func make(_ scope: Scope, key: String, parameters: String = "{}") -> IdempotentRequest {
        IdempotentRequest(
            scope: scope, key: key, method: "POST", path: "/v1/charges", version: "2026-10-28.endive",
            parameters: parameters,
            fingerprint: RequestFingerprint.make(
                method: "POST", path: "/v1/charges", version: "2026-10-28.endive", canonicalParameters: parameters),
            requestID: ObjectID.make(.request))
    }
}
