import Synchronization
import Testing

@testable import Payments

/// The idempotency layer's decisions against a scripted store: what it answers for each claim outcome, when it
/// runs the operation, and how it leaves the key on each kind of failure. The store's own behaviour is tested
/// against PostgreSQL (`IdempotencyStoreTests`); here only the layer's logic is.
@Suite("The idempotency layer, against a scripted store")
struct IdempotencyLayerTests {
    /// A store that answers claims from a script and records what the layer did with the key.
    final class ScriptedStore: IdempotencyStore {
        private let claims: Mutex<[ClaimOutcome]>
        let released = Mutex<[Bool]>([])

        init(_ claims: [ClaimOutcome]) {
            self.claims = Mutex(claims)
        }

        func claim(_ request: IdempotentRequest, deadline: Deadline) async throws -> ClaimOutcome {
            self.claims.withLock { claims in
                precondition(!claims.isEmpty, "the test scripted too few claims")
                return claims.removeFirst()
            }
        }

        func release(_ key: ClaimedKey, counted: Bool, waitingUntil deadline: Deadline) async {
            self.released.withLock { $0.append(counted) }
        }

        func renewLease(of key: ClaimedKey, deadline: Deadline) async throws -> Bool { true }
        func abandonedRequests(limit: Int, deadline: Deadline) async throws -> [AbandonedRequest] { [] }
        func giveUp(on request: AbandonedRequest, deadline: Deadline) async throws -> Bool { false }
        func reopen(_ request: AbandonedRequest, deadline: Deadline) async throws {}
        func reapFinishedKeys(retention: Duration, batchSize: Int, deadline: Deadline) async throws -> Int { 0 }
    }

    static let scope = Scope(accountID: "acct_1", livemode: false)
    static let request = IdempotentRequest(
        scope: scope, key: "k", method: "POST", path: "/v1/charges", version: "2026-10-28.endive", parameters: "{}",
        fingerprint: [], requestID: "req_this")
    static let key = ClaimedKey(
        scope: scope, key: "k", lockToken: "t", recoveryPoint: .started, processorKey: "pk_1", attempts: 1)
    static let answer = StoredResponse(status: 200, body: Array("{}".utf8))

    /// Runs the layer over `claims`; returns its answer (or error), how often the operation ran, and the releases.
    func perform(
        _ claims: [ClaimOutcome], operation: @escaping @Sendable (Int) throws -> IdempotencyLayer.Completion
    ) async -> (result: Result<IdempotencyLayer.Answer, any Error>, runs: Int, released: [Bool]) {
        let store = ScriptedStore(claims)
        let layer = IdempotencyLayer(store: store, logger: .init(label: "test"))
        let runs = Atomic<Int>(0)
        let result: Result<IdempotencyLayer.Answer, any Error>
        do {
            result = .success(
                try await layer.perform(Self.request, deadline: .after(.seconds(2))) { _ in
                    try operation(runs.add(1, ordering: .relaxed).newValue)
                })
        } catch {
            result = .failure(error)
        }
        return (result, runs.load(ordering: .relaxed), store.released.withLock { $0 })
    }

    @Test("a finished key is replayed without running the operation")
    func replay() async throws {
        let (result, runs, released) = await self.perform([.replay(Self.answer, originalRequestID: "req_first")]) {
            _ in .stored(Self.answer)
        }
        #expect(try result.get() == .replay(Self.answer, originalRequestID: "req_first"))
        #expect(runs == 0)
        #expect(released.isEmpty)
    }

    @Test("a key in use is a 409 and a key used for another request a mismatch; neither runs anything")
    func inUseAndMismatch() async {
        let inUse = await self.perform([.inUse]) { _ in .stored(Self.answer) }
        #expect(throws: PaymentsError.idempotencyKeyInUse(key: "k")) { try inUse.result.get() }
        let mismatch = await self.perform([.mismatch(difference: "d")]) { _ in .stored(Self.answer) }
        #expect(throws: PaymentsError.idempotencyKeyMismatch(key: "k", difference: "d")) { try mismatch.result.get() }
        #expect(inUse.runs + mismatch.runs == 0)
    }

    @Test("a claimed key runs the operation once and answers fresh")
    func fresh() async throws {
        let (result, runs, released) = await self.perform([.claimed(Self.key)]) { _ in .stored(Self.answer) }
        #expect(try result.get() == .fresh(Self.answer))
        #expect(runs == 1)
        #expect(released.isEmpty)
    }

    @Test("a failure releases the key; a capacity failure does not count as an attempt, others do")
    func failuresRelease() async {
        for (error, counted) in [
            (PaymentsError.unavailable(message: "down"), false), (PaymentsError.deadlineExceeded, false),
            (PaymentsError.refusedByDatabase(reason: "23514"), true),
        ] {
            let (result, runs, released) = await self.perform([.claimed(Self.key)]) { _ in throw error }
            #expect(throws: error) { try result.get() }
            #expect(runs == 1)
            #expect(released == [counted], "\(error)")
        }
        // A cancelled attempt is one whose deadline answered the request first: capacity, not the request's fault.
        let (cancelled, _, released) = await self.perform([.claimed(Self.key)]) { _ in throw CancellationError() }
        #expect(throws: CancellationError.self) { try cancelled.get() }
        #expect(released == [false])
    }

    @Test("a simulated crash leaves the key held, as a dead process would")
    func crashKeepsTheKey() async {
        let (result, _, released) = await self.perform([.claimed(Self.key)]) { _ in
            throw FaultInjector.InjectedCrash(point: .afterClaim)
        }
        #expect(throws: FaultInjector.InjectedCrash(point: .afterClaim)) { try result.get() }
        #expect(released.isEmpty)
    }

    @Test("superseded, the layer reads the key again: its own stored answer is fresh, another's a replay")
    func superseded() async throws {
        let own = await self.perform([.claimed(Self.key), .replay(Self.answer, originalRequestID: "req_this")]) {
            _ in .superseded
        }
        #expect(try own.result.get() == .fresh(Self.answer))
        let other = await self.perform([.claimed(Self.key), .replay(Self.answer, originalRequestID: "req_other")]) {
            _ in .superseded
        }
        #expect(try other.result.get() == .replay(Self.answer, originalRequestID: "req_other"))
    }

    @Test("a key taken over on every claim ends as a 409 after the bounded number of claims")
    func contestedKey() async {
        let claims = Array(repeating: ClaimOutcome.claimed(Self.key), count: IdempotencyLayer.claimAttemptsMax)
        let (result, runs, _) = await self.perform(claims) { _ in .superseded }
        #expect(throws: PaymentsError.idempotencyKeyInUse(key: "k")) { try result.get() }
        #expect(runs == IdempotencyLayer.claimAttemptsMax)
    }
}
