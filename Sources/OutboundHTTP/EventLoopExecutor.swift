import NIOCore

/// Runs a task's jobs on one of NIO's event loops. A task that prefers it (`withTaskExecutorPreference`, or a task
/// group's `addTask(executorPreference:)`) and sends through an `HTTP1Client` that keeps connections per event loop
/// writes its request and is resumed by its answer on the thread that owns its connection: no hop between threads
/// on the way.
///
/// Work on it shares the loop with that loop's connections, so it must not block.
public final class EventLoopExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Returns at `instant`, woken by the loop's own timer: `Task.sleep` would arm one of Dispatch's timer threads
    /// and hop to it and back. Not cancellable; the loop must outlive the wait (NIO's shared loops do).
    public func sleep(until instant: ContinuousClock.Instant) async {
        let delay = instant - .now
        guard delay > .zero else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.eventLoop.scheduleTask(in: TimeAmount(delay)) { continuation.resume() }
        }
    }
}
