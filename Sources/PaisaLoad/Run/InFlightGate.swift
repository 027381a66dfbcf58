import Synchronization

/// The cap on payments in flight. The dispatcher enters before each send and the payment leaves when it ends.
///
/// When the cap is reached the dispatcher waits for a slot until a deadline, so a stalled server makes sends
/// late (and, past the deadline, dropped) instead of piling up without bound. Only the dispatcher waits, so
/// there is at most one waiter; a leaving payment hands its slot straight to it.
public final class InFlightGate: Sendable {
    private struct State {
        var inFlight = 0
        var waiter: (ticket: UInt64, continuation: CheckedContinuation<Bool, Never>)? = nil
        var nextTicket: UInt64 = 0
    }

    /// The most payments in flight at once.
    public let capacity: Int
    private let state = Mutex(State())

    /// A gate admitting at most `capacity` payments at once.
    public init(capacity: Int) {
        precondition(capacity >= 1, "a gate admits someone")
        self.capacity = capacity
    }

    /// Payments currently in flight.
    public var inFlight: Int { self.state.withLock { $0.inFlight } }

    /// Takes a slot if one is free, without waiting.
    public func tryEnter() -> Bool {
        self.state.withLock { state in
            guard state.inFlight < self.capacity else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Takes a slot, waiting until `deadline` at most; false when none freed up in time.
    public func enter(before deadline: ContinuousClock.Instant) async -> Bool {
        if self.tryEnter() { return true }
        let ticket = self.state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            self.expire(ticket)
        }
        let entered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // Checking the deadline under the lock closes the race with a timer that fired before we got here.
            let answer = self.state.withLock { state -> Bool? in
                precondition(state.waiter == nil, "only the dispatcher waits")
                if state.inFlight < self.capacity {
                    state.inFlight += 1
                    return true
                }
                if ContinuousClock.now >= deadline { return false }
                state.waiter = (ticket, continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
        timer.cancel()
        return entered
    }

    /// Gives a slot back; hands it to the waiting dispatcher if there is one.
    public func leave() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            precondition(state.inFlight > 0, "leave after enter")
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation  // the slot passes on: inFlight stays the same
            }
            state.inFlight -= 1
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// The wait of `ticket` ran out: wake it with false if it is still waiting.
    private func expire(_ ticket: UInt64) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let waiter = state.waiter, waiter.ticket == ticket else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: false)
    }
}
