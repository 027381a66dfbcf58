import PaisaTestSupport
import Payments
import PostgresNIO
import Synchronization
import Testing

@testable import PaymentsStore

/// A batch's work that records what each batch held and holds the first batch until the test opens its gate.
private final class HeldWork: Sendable {
    let batches = Mutex<[[Int]]>([])
    private let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let held = Mutex(true)

    /// Each item's outcome is itself doubled; item 13 fails.
    func run(_ items: [Int]) async -> [Result<Int, any Error>] {
        let first = self.batches.withLock { batches in
            batches.append(items)
            return batches.count == 1
        }
        if first {
            await withCheckedContinuation { continuation in
                let open = self.held.withLock { held in
                    if held { self.gate.withLock { $0 = continuation } }
                    return !held
                }
                if open { continuation.resume() }
            }
        }
        return items.map { $0 == 13 ? .failure(Refused()) : .success($0 * 2) }
    }

    func open() {
        self.held.withLock { $0 = false }
        self.gate.withLock { continuation in
            continuation?.resume()
            continuation = nil
        }
    }

    struct Refused: Error {}
}

@Suite("Batches of concurrent requests' statements")
struct BatchingTests {
    /// Waits (bounded, without timing anything) until `count` items wait in `batcher`.
    static func waitUntil(_ count: Int, waitIn batcher: Batcher<Int, Int, Int>) async throws {
        for _ in 0..<10_000 where batcher.waitingCount < count {
            try await Task.sleep(for: .milliseconds(1))
        }
        try #require(batcher.waitingCount == count)
    }

    static func outcome(_ body: () async throws -> Int) async -> Result<Int, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    @Test("a lone item runs at once; items arriving while a batch is in flight run together, each with its own outcome")
    func batchesFormWhileOneIsInFlight() async throws {
        let work = HeldWork()
        let batcher = Batcher<Int, Int, Int>(sizeMax: 3, concurrency: 1, identity: { $0 % 10 }) { await work.run($0) }
        async let first = batcher.run(1)
        while work.batches.withLock({ $0.isEmpty }) { await Task.yield() }
        // Item 1 is in flight alone. 12 shares its identity with 2 (a row a statement may not touch twice), and
        // the batch size is 3: the next batch is 2, 13, 4; then 12 and 5.
        async let second = batcher.run(2)
        try await Self.waitUntil(1, waitIn: batcher)
        async let third = Self.outcome { try await batcher.run(13) }
        try await Self.waitUntil(2, waitIn: batcher)
        async let fourth = batcher.run(12)
        try await Self.waitUntil(3, waitIn: batcher)
        async let fifth = batcher.run(4)
        try await Self.waitUntil(4, waitIn: batcher)
        async let sixth = batcher.run(5)
        try await Self.waitUntil(5, waitIn: batcher)
        work.open()

        #expect(try await first == 2)
        #expect(try await second == 4)
        let refused = await third
        #expect(throws: HeldWork.Refused.self) { try refused.get() }
        #expect(try await fourth == 24)
        #expect(try await fifth == 8)
        #expect(try await sixth == 10)
        #expect(work.batches.withLock { $0 } == [[1], [2, 13, 4], [12, 5]])
        #expect(batcher.waitingCount == 0)
    }

    @Test("with room for two batches in flight, a second lone item does not wait for the first")
    func concurrentBatches() async throws {
        let work = HeldWork()
        let batcher = Batcher<Int, Int, Int>(sizeMax: 8, concurrency: 2, identity: { $0 }) { await work.run($0) }
        async let first = batcher.run(1)
        while work.batches.withLock({ $0.isEmpty }) { await Task.yield() }
        // The first batch is held; the second runs and answers meanwhile.
        #expect(try await batcher.run(2) == 4)
        work.open()
        #expect(try await first == 2)
        #expect(work.batches.withLock { $0 } == [[1], [2]])
    }

    @Test("a caller cancelled while its item waits is answered at once, and its item is never run")
    func cancelledWhileWaiting() async throws {
        let work = HeldWork()
        let batcher = Batcher<Int, Int, Int>(sizeMax: 8, concurrency: 1, identity: { $0 }) { await work.run($0) }
        async let first = batcher.run(1)
        while work.batches.withLock({ $0.isEmpty }) { await Task.yield() }
        let waiting = Task { try await batcher.run(2) }
        try await Self.waitUntil(1, waitIn: batcher)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(batcher.waitingCount == 0)
        work.open()
        #expect(try await first == 2)
        // The next caller's batch does not carry the cancelled item.
        #expect(try await batcher.run(3) == 6)
        #expect(work.batches.withLock { $0 } == [[1], [3]])
    }

    static func claim(
        _ scope: Scope, key: String, method: String = "POST", deadline: Deadline = .after(.seconds(5))
    ) -> Claim {
        let request = IdempotentRequest(
            scope: scope, key: key, method: method, path: "/v1/charges", version: "2026-10-28.endive",
            parameters: "{}",
            fingerprint: RequestFingerprint.make(
                method: "POST", path: "/v1/charges", version: "2026-10-28.endive", canonicalParameters: "{}"),
            requestID: ObjectID.make(.request))
        return Claim(
            request: request, processorKey: "pk_" + ObjectID.randomBase62(count: 20),
            lockToken: ObjectID.randomBase62(count: 20), deadline: deadline)
    }

    @Test("a claim the database refuses fails alone: its batch-mates are claimed, one by one")
    func refusedRowFailsAlone() async throws {
        let store = try await TestDatabase.store(lease: .seconds(60))
        let (account, _) = try await TestDatabase.account()
        let scope = Scope(accountID: account.id, livemode: false)
        // The schema allows only POST: this row's value is refused, as a constraint violation would be.
        let claims = [
            Self.claim(scope, key: "a"), Self.claim(scope, key: "b", method: "GET"), Self.claim(scope, key: "c"),
        ]
        let outcomes = await PostgresPaymentsStore.claimBatch(
            claims, database: store.database, lease: .seconds(60), logger: store.logger)
        #expect(outcomes.count == 3)
        #expect(try outcomes[0].get()?.lockToken == claims[0].lockToken)
        #expect(throws: PaymentsError.self) { try outcomes[1].get() }
        #expect(try outcomes[2].get()?.lockToken == claims[2].lockToken)
        let keys = try await TestDatabase.strings(
            "SELECT key FROM idempotency_keys WHERE account_id = \(account.id) ORDER BY key")
        #expect(keys == ["a", "c"])
    }

    @Test("one statement claims new keys and reports the keys it could not take, each in its place")
    func batchOfClaims() async throws {
        let store = try await TestDatabase.store(lease: .seconds(60))
        let (account, _) = try await TestDatabase.account()
        let scope = Scope(accountID: account.id, livemode: false)
        let held = Self.claim(scope, key: "held")
        _ = try #require(try await store.claims.run(held))

        let claims = [Self.claim(scope, key: "z"), Self.claim(scope, key: "held"), Self.claim(scope, key: "m")]
        let outcomes = await PostgresPaymentsStore.claimBatch(
            claims, database: store.database, lease: .seconds(60), logger: store.logger)
        // Answered in the callers' order, whatever order the statement wrote the rows in.
        #expect(try outcomes[0].get()?.key == "z")
        #expect(try outcomes[1].get() == nil)
        #expect(try outcomes[2].get()?.key == "m")
        #expect(try outcomes[0].get()?.processorKey == claims[0].processorKey)
        let tokens = try await TestDatabase.strings(
            "SELECT lock_token FROM idempotency_keys WHERE account_id = \(account.id) ORDER BY key")
        #expect(tokens == [held.lockToken, claims[2].lockToken, claims[0].lockToken])
    }

    @Test("a claim whose request was answered before its batch started is not sent; its batch-mates are")
    func answeredRequestIsNotClaimed() async throws {
        let store = try await TestDatabase.store(lease: .seconds(60))
        let (account, _) = try await TestDatabase.account()
        let scope = Scope(accountID: account.id, livemode: false)
        let claims = [
            Self.claim(scope, key: "late", deadline: .after(.zero)), Self.claim(scope, key: "on-time"),
        ]
        let outcomes = await PostgresPaymentsStore.claimBatch(
            claims, database: store.database, lease: .seconds(60), logger: store.logger)
        #expect(throws: PaymentsError.deadlineExceeded) { try outcomes[0].get() }
        #expect(try outcomes[1].get()?.key == "on-time")
        let keys = try await TestDatabase.strings(
            "SELECT key FROM idempotency_keys WHERE account_id = \(account.id)")
        #expect(keys == ["on-time"])
    }

    @Test("a statement in flight is never cut short: a row whose deadline passes while it waits gets what it did")
    func inFlightOutcomeCounts() async throws {
        // A pool of its own, so that the batch's statement is sent at once, well before the first row's deadline.
        let settings = try DatabaseSettings(url: TestDatabase.url, poolConnectionsMax: 1)
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: TestDatabase.logger)
        let pool = Task { await client.run() }
        defer { pool.cancel() }
        let database = Database(client: client, faults: FaultInjector(), logger: TestDatabase.logger)
        let (account, _) = try await TestDatabase.account()
        let scope = Scope(accountID: account.id, livemode: false)
        let existing = Self.claim(scope, key: "held")
        let first = await PostgresPaymentsStore.claimBatch(
            [existing], database: database, lease: .seconds(60), logger: TestDatabase.logger)
        let claimed = try #require(try first[0].get())
        let store = PostgresPaymentsStore(database: database, lease: .seconds(60))
        await store.release(claimed, counted: true)

        // Another transaction holds the key's row, so the batch's statement waits on it past the first row's
        // deadline; the statement then commits both rows, and both callers are told so.
        let claims = [
            Self.claim(scope, key: "a", deadline: .after(.seconds(1))),
            Self.claim(scope, key: "held", deadline: .after(.seconds(30))),
        ]
        let batch = try await TestDatabase.client().withTransaction(logger: TestDatabase.logger) { connection in
            try await connection.query(
                "SELECT 1 FROM idempotency_keys WHERE account_id = \(account.id) AND key = 'held' FOR UPDATE",
                logger: TestDatabase.logger)
            let batch = Task {
                await PostgresPaymentsStore.claimBatch(
                    claims, database: database, lease: .seconds(60), logger: TestDatabase.logger)
            }
            try await Task.sleep(for: .milliseconds(1500))
            return batch
        }
        let outcomes = await batch.value
        #expect(try outcomes[0].get()?.lockToken == claims[0].lockToken)
        #expect(try outcomes[1].get()?.lockToken == claims[1].lockToken)
        let tokens = try await TestDatabase.strings(
            "SELECT lock_token FROM idempotency_keys WHERE account_id = \(account.id) ORDER BY key")
        #expect(tokens == [claims[0].lockToken, claims[1].lockToken])
    }
}
