import Synchronization

/// The moment by which a request must be answered. Everything a request waits on (the pool, retries, the processor)
/// draws on what is left of it.
public struct Deadline: Sendable, Comparable {
    public let instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// A deadline `duration` from now.
    public static func after(_ duration: Duration) -> Deadline {
        Deadline(ContinuousClock.now.advanced(by: duration))
    }

    /// What is left, zero once passed.
    public var remaining: Duration {
        let left = ContinuousClock.now.duration(to: self.instant)
        return left > .zero ? left : .zero
    }

    public var hasPassed: Bool { ContinuousClock.now >= self.instant }

    /// A deadline `duration` earlier: a step's own deadline that leaves room for the steps after it.
    public func earlier(by duration: Duration) -> Deadline {
        Deadline(self.instant.advanced(by: .zero - duration))
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.instant < rhs.instant
    }

    /// Runs `operation` until it returns or the deadline passes, whichever comes first; nil if the deadline won.
    /// The operation is cancelled when the deadline passes and must honour cancellation to stop promptly.
    public func race<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        guard !self.hasPassed else { return nil }
        let deadline = self.instant
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return nil }
            return first
        }
    }
}

extension Deadline {
    /// The value of `task` if it ends by the deadline, else nil; the task goes on either way. For work that must
    /// finish, such as letting a key go, whose caller cannot wait as long as the work may take. (`race` cannot do
    /// this: its operation is a child task, which the race waits for, and awaiting a task's value ignores
    /// cancellation.)
    public func wait<T: Sendable>(for task: Task<T, Never>) async -> T? {
        guard !self.hasPassed else { return nil }
        let deadline = self.instant
        let answer = Answer<T>()
        return await withCheckedContinuation { continuation in
            answer.expect(continuation)
            let timer = Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                answer.give(nil)
            }
            Task {
                let value = await task.value
                timer.cancel()
                answer.give(value)
            }
        }
    }

    /// A continuation resumed once, by whichever of the task and the timer comes first.
    private final class Answer<T: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)

        func expect(_ continuation: CheckedContinuation<T?, Never>) {
            self.continuation.withLock { $0 = continuation }
        }

        func give(_ value: T?) {
            self.continuation.withLock { $0.take() }?.resume(returning: value)
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, rounded down: what metrics timers record.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
