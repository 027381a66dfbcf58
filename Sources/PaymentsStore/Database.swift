import Logging
import Metrics
import Payments
import PostgresNIO
import Synchronization

/// The pool, and the store's one retry loop: every statement and transaction runs through `run`, which retries
/// serialization failures, deadlocks and lost connections with jittered backoff while the deadline allows.
public struct Database: Sendable {
    /// How a unit of work runs.
    enum Mode {
        /// One statement, committed on its own: one round trip.
        case statement
        /// `BEGIN`, the body's statements, `COMMIT`.
        case transaction
    }

    public let client: PostgresClient
    let faults: FaultInjector
    let logger: Logger

    public init(client: PostgresClient, faults: FaultInjector, logger: Logger) {
        self.client = client
        self.faults = faults
        self.logger = logger
    }

    /// Runs `body` on a pooled connection, as one statement or one transaction, retrying what is safe to retry.
    /// `repeatable` says the work gives the same result if it ran (and committed) twice; only then is a connection
    /// lost mid-commit retried. `afterCommit` names the fault point that, when armed, loses the connection right
    /// after the work committed, so tests can make the caller unsure of an outcome that did happen.
    @discardableResult
    func withRetries<T: Sendable>(
        _ operation: String, _ mode: Mode, deadline: Deadline, repeatable: Bool = true,
        afterCommit: FaultInjector.Point? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let result = try await self.attempt(mode, body)
                if let afterCommit, self.faults.fire(afterCommit) != nil { throw InjectedConnectionLoss() }
                return result
            } catch {
                let kind = StoreFailure.kind(of: error)
                let backoff = Self.backoff(attempt: attempt)
                guard StoreFailure.isRetryable(kind, repeatable: repeatable), attempt < Limits.transactionAttemptsMax,
                    deadline.remaining > backoff, !Task.isCancelled
                else {
                    throw StoreFailure.finalError(error, kind)
                }
                let reason = (StoreFailure.unwrapped(error) as? PSQLError)?.sqlState ?? "connection"
                Counter(label: "paisa_db_retries_total", dimensions: [("sqlstate", reason)]).increment()
                self.logger.debug(
                    "retrying database work",
                    metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "reason": "\(reason)"])
                try await Task.sleep(for: backoff)
            }
        }
    }

    /// Database work in flight, against the pool's maximum: how busy the pool is.
    static let inFlight = Gauge(label: "paisa_db_operations_in_flight")
    static let inFlightCount = ManagedAtomicCounter()

    private func attempt<T: Sendable>(
        _ mode: Mode, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        Self.inFlight.record(Self.inFlightCount.add(1))
        defer { Self.inFlight.record(Self.inFlightCount.add(-1)) }
        let logger = self.logger
        switch mode {
        case .statement:
            return try await self.client.withConnection { connection in
                try await self.injectConflicts(on: connection)
                return try await body(connection)
            }
        case .transaction:
            return try await self.client.withTransaction(logger: logger) { connection in
                try await self.injectConflicts(on: connection)
                return try await body(connection)
            }
        }
    }

    /// Makes PostgreSQL itself raise a serialization failure or deadlock when a test armed one, so the injected
    /// error travels the same path as a real one.
    private func injectConflicts(on connection: PostgresConnection) async throws {
        if self.faults.fire(.serializationFailure) != nil {
            try await connection.query(
                "DO $$ BEGIN RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; END $$",
                logger: self.logger)
        }
        if self.faults.fire(.deadlock) != nil {
            try await connection.query(
                "DO $$ BEGIN RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01'; END $$",
                logger: self.logger)
        }
    }

    /// Exponential from the initial backoff, capped, with full jitter in its upper half.
    static func backoff(attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 16)
        let ceiling = min(Limits.transactionBackoffInitial * (1 << exponent), Limits.transactionBackoffMax)
        return ceiling * Double.random(in: 0.5...1.0)
    }
}

/// A counter shared by every pool user, for the in-flight gauge.
final class ManagedAtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds `delta` and returns the new value.
    func add(_ delta: Int) -> Int {
        self.value.wrappingAdd(delta, ordering: .relaxed).newValue
    }
}
