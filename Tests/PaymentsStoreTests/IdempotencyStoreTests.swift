import PaisaTestSupport
import Payments
import PaymentsStore
import PostgresNIO
import Testing

@Suite("The idempotency key state machine in PostgreSQL")
struct IdempotencyStoreTests {
    static func request(
        _ scope: Scope, key: String, parameters: String = "{}", path: String = "/v1/charges"
    )
        -> IdempotentRequest
    {
        IdempotentRequest(
            scope: scope, key: key, method: "POST", path: path, version: "2026-10-28.endive", parameters: parameters,
            fingerprint: RequestFingerprint.make(
                method: "POST", path: path, version: "2026-10-28.endive", canonicalParameters: parameters),
            requestID: ObjectID.make(.request))
    }

    /// A claim of `key` that must succeed (a fresh key, or one nobody holds).
    static func claimed(_ store: PostgresPaymentsStore, _ scope: Scope, key: String) async throws -> ClaimedKey {
        guard
            case .claimed(let claimed) = try await store.claim(
                Self.request(scope, key: key), deadline: TestDatabase.deadline())
        else { throw Failure("no claim of \(key)") }
        return claimed
    }

    static func scope() async throws -> Scope {
        let (account, _) = try await TestDatabase.account()
        return Scope(accountID: account.id, livemode: false)
    }

    @Test("a new key is claimed at `started`; a second claim while it is held says in use")
    func claimThenInUse() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = try await Self.scope()
        let key = ObjectID.randomBase62(count: 10)
        guard
            case .claimed(let claimed) = try await store.claim(
                Self.request(scope, key: key), deadline: TestDatabase.deadline())
        else {
            Issue.record("first claim did not claim")
            return
        }
        #expect(claimed.recoveryPoint == .started)
        #expect(claimed.attempts == 1)
        #expect(try await store.claim(Self.request(scope, key: key), deadline: TestDatabase.deadline()) == .inUse)
    }

    @Test("a mismatch is reported before the key's lock: different parameters or path")
    func mismatchBeforeInUse() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = try await Self.scope()
        let key = ObjectID.randomBase62(count: 10)
        _ = try await store.claim(
            Self.request(scope, key: key, parameters: #"{"a":"1"}"#), deadline: TestDatabase.deadline())
        let params = try await store.claim(
            Self.request(scope, key: key, parameters: #"{"a":"2"}"#), deadline: TestDatabase.deadline())
        let path = try await store.claim(
            Self.request(scope, key: key, parameters: #"{"a":"1"}"#, path: "/v1/refunds"),
            deadline: TestDatabase.deadline())
        guard case .mismatch(let paramsDifference) = params, case .mismatch(let pathDifference) = path else {
            Issue.record("expected mismatches, got \(params) and \(path)")
            return
        }
        #expect(paramsDifference.contains("parameters"))
        #expect(pathDifference.contains("/v1/refunds"))
    }

    @Test("a request whose task was cancelled (its deadline answered it) still releases its key")
    func releaseFromCancelledTask() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = try await Self.scope()
        let key = ObjectID.randomBase62(count: 10)
        let claimed = try await Self.claimed(store, scope, key: key)
        let released = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await store.release(claimed, counted: false, waitingUntil: TestDatabase.deadline())
        }
        await released.value
        let holders = try await TestDatabase.strings(
            """
            SELECT coalesce(lock_token, 'nobody') FROM idempotency_keys
            WHERE account_id = \(scope.accountID) AND key = \(key)
            """)
        #expect(holders == ["nobody"])
    }

    @Test("a released key is claimed again at once, with a higher attempt count and the same processor key")
    func releaseAndTakeOver() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = try await Self.scope()
        let key = ObjectID.randomBase62(count: 10)
        let first = try await Self.claimed(store, scope, key: key)
        await store.release(first, counted: true, waitingUntil: TestDatabase.deadline())
        let second = try await Self.claimed(store, scope, key: key)
        #expect(second.attempts == 2)
        #expect(second.processorKey == first.processorKey)
        #expect(second.lockToken != first.lockToken)
    }

    @Test("an expired lease is taken over; the old holder can no longer finish")
    func leaseExpiry() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(50))
        let scope = try await Self.scope()
        let key = ObjectID.randomBase62(count: 10)
        let stale = try await Self.claimed(store, scope, key: key)
        try await Task.sleep(for: .milliseconds(120))
        let fresh = try await Self.claimed(store, scope, key: key)
        let response = StoredResponse(status: 200, body: Array("{}".utf8))
        let staleFinished = try await store.finish(key: stale, deadline: TestDatabase.deadline()) { _ in response }
        #expect(staleFinished == nil)
        let freshFinished = try await store.finish(key: fresh, deadline: TestDatabase.deadline()) { _ in response }
        #expect(freshFinished == response)
        #expect(
            try await store.claim(Self.request(scope, key: key), deadline: TestDatabase.deadline())
                == .replay(response, originalRequestID: try await Self.originalRequestID(scope, key)))
    }

    @Test("the reaper deletes finished keys past retention and never unfinished ones")
    func reaper() async throws {
        let store = try await TestDatabase.store(lease: .milliseconds(60_000))
        let scope = try await Self.scope()
        let (done, open) = (ObjectID.randomBase62(count: 10), ObjectID.randomBase62(count: 10))
        guard
            case .claimed(let finished) = try await store.claim(
                Self.request(scope, key: done), deadline: TestDatabase.deadline())
        else { throw Failure("no claim") }
        _ = try await store.finish(key: finished, deadline: TestDatabase.deadline()) { _ in
            StoredResponse(status: 200, body: Array("{}".utf8))
        }
        _ = try await store.claim(Self.request(scope, key: open), deadline: TestDatabase.deadline())
        // Age both keys past a day.
        try await TestDatabase.client().query(
            """
            UPDATE idempotency_keys SET created_at = now() - interval '25 hours'
            WHERE account_id = \(scope.accountID)
            """, logger: TestDatabase.logger)
        var reaped = 0
        for _ in 0..<1000 {
            let count = try await store.reapFinishedKeys(
                retention: .seconds(24 * 3600), batchSize: 1000, deadline: .after(.milliseconds(10_000)))
            reaped += count
            if count < 1000 { break }
        }
        #expect(reaped >= 1)
        let left = try await TestDatabase.strings(
            "SELECT key FROM idempotency_keys WHERE account_id = \(scope.accountID) ORDER BY key")
        #expect(left == [open])
    }

    @Test("an injected serialization failure inside a claim is retried by the store's loop")
    func retryLoop() async throws {
        let faults = FaultInjector()
        let store = try await TestDatabase.store(faults: faults)
        let scope = try await Self.scope()
        faults.arm(.serializationFailure, .init(action: .fail, remaining: 4))
        // A deadline far beyond four backoffs: what is tested is that the loop retries, not how fast.
        let outcome = try await store.claim(Self.request(scope, key: "retry-me"), deadline: .after(.seconds(30)))
        guard case .claimed = outcome else { throw Failure("claim failed: \(outcome)") }
        #expect(faults.firedCount(.serializationFailure) == 4)
    }

    @Test("when conflicts outlast the deadline the store gives up with a retryable error, not a hang")
    func retryLoopRespectsDeadline() async throws {
        let faults = FaultInjector()
        let store = try await TestDatabase.store(faults: faults)
        let scope = try await Self.scope()
        faults.arm(.deadlock, .init(action: .fail))
        await #expect(throws: PaymentsError.self) {
            _ = try await store.claim(Self.request(scope, key: "never"), deadline: .after(.milliseconds(50)))
        }
        faults.disarmAll()
        #expect(faults.firedCount(.deadlock) >= 1)
        #expect(faults.firedCount(.deadlock) < Limits.transactionAttemptsMax)
    }

    static func originalRequestID(_ scope: Scope, _ key: String) async throws -> String? {
        try await TestDatabase.strings(
            """
            SELECT original_request_id FROM idempotency_keys WHERE account_id = \(scope.accountID) AND key = \(key)
            """
        ).first
    }
}

/// A test precondition that did not hold.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
