import Hummingbird
import Payments
import Synchronization

/// Answers a request by its deadline whatever the work is doing: the work runs in its own task, and if the deadline
/// comes first the answer is the timeout response and the work is cancelled. Work past that point (a commit in
/// flight) still finishes, and its result is stored for the retry; it is just no longer what this client waits for.
enum DeadlineRace {
    static func answer(
        deadline: Deadline, onTimeout: @escaping @Sendable () -> Response,
        work: @escaping @Sendable () async -> Response
    ) async -> Response {
        await withCheckedContinuation { (continuation: CheckedContinuation<Response, Never>) in
            let gate = Gate(continuation)
            let worker = Task {
                let response = await work()
                gate.resume(with: response)
            }
            let timer = Task {
                try? await Task.sleep(until: deadline.instant, clock: .continuous)
                guard !Task.isCancelled else { return }
                if gate.resume(with: onTimeout()) { worker.cancel() }
            }
            gate.onResume { timer.cancel() }
        }
    }

    /// Resumes the continuation once, with whichever answer arrives first.
    private final class Gate: Sendable {
        private let state: Mutex<(continuation: CheckedContinuation<Response, Never>?, done: (@Sendable () -> Void)?)>

        init(_ continuation: CheckedContinuation<Response, Never>) {
            self.state = Mutex((continuation, nil))
        }

        /// Registers what to do once resumed (stop the timer); runs it at once if already resumed.
        func onResume(_ action: @escaping @Sendable () -> Void) {
            let resumed = self.state.withLock { state in
                if state.continuation == nil { return true }
                state.done = action
                return false
            }
            if resumed { action() }
        }

        @discardableResult
        func resume(with response: Response) -> Bool {
            let taken = self.state.withLock { state in
                let taken = (state.continuation, state.done)
                state.continuation = nil
                state.done = nil
                return taken
            }
            guard let continuation = taken.0 else { return false }
            continuation.resume(returning: response)
            taken.1?()
            return true
        }
    }
}
