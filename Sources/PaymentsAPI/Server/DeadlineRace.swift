import Hummingbird
import NIOCore
import NIOPosix
import Payments
import Synchronization

/// Answers a request by its deadline whatever the work is doing: the work runs in its own task, and if the deadline
/// comes first the answer is the timeout response and the work is cancelled. Work past that point (a commit in
/// flight) still finishes, and its result is stored for the retry; it is just no longer what this client waits for.
///
/// The deadline's timer is a task scheduled on the current event loop, and is never cancelled: when the work answers
/// first, the timer finds the answer given and does nothing. A sleeping Swift task would go through Dispatch's timer
/// threads instead (the concurrency runtime's delayed jobs do not run on the event loops): a thread hop to arm it
/// and one to fire it, for every request. Cancelling a scheduled task scans the event loop's whole queue (see
/// `ConnectionDeadlines`), which is why the timer is left to fire.
enum DeadlineRace {
    /// The answer of `work`, or of `onTimeout` if `deadline` comes first; the timer runs on `loop` (the current
    /// event loop by default; tests pass one whose clock they move).
    static func answer(
        deadline: Deadline, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        onTimeout: @escaping @Sendable () -> Response, work: @escaping @Sendable () async -> Response
    ) async -> Response {
        await withCheckedContinuation { (continuation: CheckedContinuation<Response, Never>) in
            let gate = Gate(continuation, onTimeout: onTimeout)
            gate.start(
                Task {
                    let response = await work()
                    gate.answer(response)
                })
            let remaining = TimeAmount.nanoseconds(max(deadline.remaining.nanoseconds, 0))
            loop.scheduleTask(in: remaining) { gate.timeOut() }
        }
    }

    /// Resumes the continuation once, with whichever answer arrives first, then lets go of everything the request
    /// held (the timer outlives the request by up to its budget).
    private final class Gate: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Response, Never>?
            var onTimeout: (@Sendable () -> Response)?
            var worker: Task<Void, Never>?
        }
        private let state: Mutex<State>

        init(_ continuation: CheckedContinuation<Response, Never>, onTimeout: @escaping @Sendable () -> Response) {
            self.state = Mutex(State(continuation: continuation, onTimeout: onTimeout))
        }

        /// Keeps the worker, to cancel it if the deadline comes first.
        func start(_ worker: Task<Void, Never>) {
            self.state.withLock { state in
                if state.continuation != nil { state.worker = worker }
            }
        }

        /// The work's answer, unless the deadline's came first.
        func answer(_ response: Response) {
            self.take()?.continuation.resume(returning: response)
        }

        /// The deadline's answer, unless the work's came first; the work is then cancelled.
        func timeOut() {
            guard let taken = self.take() else { return }
            taken.continuation.resume(returning: taken.onTimeout())
            taken.worker?.cancel()
        }

        private func take() -> (
            continuation: CheckedContinuation<Response, Never>, onTimeout: @Sendable () -> Response,
            worker: Task<Void, Never>?
        )? {
            self.state.withLock { state in
                defer { state = State() }
                guard let continuation = state.continuation, let onTimeout = state.onTimeout else { return nil }
                return (continuation, onTimeout, state.worker)
            }
        }
    }
}
