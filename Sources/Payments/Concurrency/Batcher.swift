import Synchronization

/// Runs concurrent callers' items of one kind of work together. An item runs at once when fewer than
/// `concurrency` batches are in flight; otherwise it waits, and the next batch to start takes every waiting item
/// (oldest first, at most `sizeMax`). Batches so grow with the load, and a lone caller never waits for company.
///
/// Two items with the same identity never share a batch: a statement may not change one row twice. The work runs
/// in a task of its own, so a caller that is cancelled (its deadline passed) cannot fail its batch-mates' work. A
/// caller cancelled while its item waits is answered at once with `CancellationError`, and its item leaves the
/// queue (which so holds only items someone waits for); once its batch has started, it gets its item's outcome,
/// since the work may have done what it asked (a claim that committed must be released by its caller).
public final class Batcher<Item: Sendable, Identity: Hashable & Sendable, Outcome: Sendable>: Sendable {
    /// One outcome per item, in the items' order.
    public typealias Work = @Sendable ([Item]) async -> [Result<Outcome, any Error>]

    private struct Waiter: Sendable {
        let ticket: UInt64
        let item: Item
        let identity: Identity
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var inFlight = 0
        var nextTicket: UInt64 = 0
    }

    private let sizeMax: Int
    private let concurrency: Int
    private let identity: @Sendable (Item) -> Identity
    private let work: Work
    private let state = Mutex(State())

    public init(
        sizeMax: Int, concurrency: Int, identity: @escaping @Sendable (Item) -> Identity, work: @escaping Work
    ) {
        precondition(sizeMax >= 1 && concurrency >= 1, "a batcher runs at least one item at a time")
        self.sizeMax = sizeMax
        self.concurrency = concurrency
        self.identity = identity
        self.work = work
    }

    /// Runs `item` in the next batch and returns its own outcome.
    public func run(_ item: Item) async throws -> Outcome {
        let identity = self.identity(item)
        let ticket = self.state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let batch = self.state.withLock { state -> [Waiter]? in
                    state.waiting.append(
                        Waiter(ticket: ticket, item: item, identity: identity, continuation: continuation))
                    guard state.inFlight < self.concurrency else { return nil }
                    state.inFlight += 1
                    return self.take(from: &state.waiting)
                }
                if let batch {
                    Task { await self.drain(startingWith: batch) }
                }
            }
        } onCancel: {
            // Only a waiting item leaves; one in a batch is answered by it. Taking it from the queue, like taking
            // it into a batch, happens under the lock: its caller is answered once.
            let left = self.state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return state.waiting.remove(at: index)
            }
            left?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Items waiting for a batch: for tests.
    public var waitingCount: Int { self.state.withLock { $0.waiting.count } }

    /// Runs batches while items wait, then gives up its place in flight.
    private func drain(startingWith first: [Waiter]) async {
        var batch = first
        while !batch.isEmpty {
            let outcomes = await self.work(batch.map(\.item))
            precondition(outcomes.count == batch.count, "a batch's work answers once per item")
            for (waiter, outcome) in zip(batch, outcomes) {
                waiter.continuation.resume(with: outcome)
            }
            batch = self.state.withLock { state in
                let next = self.take(from: &state.waiting)
                if next.isEmpty { state.inFlight -= 1 }
                return next
            }
        }
    }

    /// The oldest waiting items, at most `sizeMax` and no two with the same identity; the others keep waiting in
    /// their order. Empty only when nothing waits.
    private func take(from waiting: inout [Waiter]) -> [Waiter] {
        var batch: [Waiter] = []
        var identities: Set<Identity> = []
        var rest: [Waiter] = []
        for waiter in waiting {
            if batch.count < self.sizeMax, identities.insert(waiter.identity).inserted {
                batch.append(waiter)
            } else {
                rest.append(waiter)
            }
        }
        waiting = rest
        return batch
    }
}
