/// The idempotency keys' part of the store: what the idempotency layer, the completer and the reaper need. One
/// method is one atomic phase, as everywhere in the store.
public protocol IdempotencyStore: Sendable {
    /// Phase 1: claims the request's key (new, or abandoned past its lease), or says why not.
    func claim(_ request: IdempotentRequest, deadline: Deadline) async throws -> ClaimOutcome
    /// Unlocks a key this request holds without moving its recovery point, so a retry may resume at once. An
    /// attempt that did no work (`counted: false`: the database or the budget ran out before it could) is taken
    /// back off the key's attempts, so capacity trouble never uses up the completer's attempts. Best effort: if it
    /// fails, the lease runs out instead. The release itself may take as long as a lease (past that, a retry or the
    /// completer may take the key over anyway); its caller waits for it until `deadline` at most.
    func release(_ key: ClaimedKey, counted: Bool, waitingUntil deadline: Deadline) async
    /// Extends the lease of a key this request still holds by a whole lease; false when another attempt has taken
    /// it over. Done before a side effect that must not race a takeover (a void at the processor).
    func renewLease(of key: ClaimedKey, deadline: Deadline) async throws -> Bool
    /// Keys claimed and then abandoned (lease passed, not finished, not given up), longest-waiting first.
    func abandonedRequests(limit: Int, deadline: Deadline) async throws -> [AbandonedRequest]
    /// Takes an abandoned key off the completer's list for good; false when it was already given up (or finished).
    func giveUp(on request: AbandonedRequest, deadline: Deadline) async throws -> Bool
    /// Puts a key given up on back on the completer's list while it is unfinished: for a write whose ending (a
    /// void at the processor, a final answer) failed, so that a later pass ends it.
    func reopen(_ request: AbandonedRequest, deadline: Deadline) async throws
    /// Deletes up to `batchSize` finished keys older than the retention; returns how many.
    func reapFinishedKeys(retention: Duration, batchSize: Int, deadline: Deadline) async throws -> Int
}
