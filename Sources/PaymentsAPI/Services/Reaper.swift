import Logging
import Payments
import ServiceLifecycle

/// Deletes finished idempotency keys past their retention, and events past theirs (with their deliveries), in
/// bounded batches. Unfinished keys are never reaped: the completer still needs them.
public struct Reaper: Service {
    /// Batches per pass: a backlog is worked off over several passes rather than in one long burst.
    static let batchesPerPass = 10

    let store: any PaymentsStore
    let retention: Duration
    let interval: Duration
    let logger: Logger

    public init(store: any PaymentsStore, retention: Duration, interval: Duration, logger: Logger) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.reapFinishedKeys()
                _ = await self.reapOldEvents()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Deletes up to `batchesPerPass` batches; returns how many keys went.
    @discardableResult
    public func reapFinishedKeys() async -> Int {
        var deleted = 0
        for _ in 0..<Self.batchesPerPass {
            do {
                let count = try await self.store.reapFinishedKeys(
                    retention: self.retention, batchSize: Limits.reaperBatchSize,
                    deadline: .after(.milliseconds(10_000)))
                deleted += count
                if count < Limits.reaperBatchSize { break }
            } catch {
                self.logger.warning("reaper pass failed", metadata: ["error": "\(error)"])
                break
            }
        }
        if deleted > 0 { self.logger.info("reaped idempotency keys", metadata: ["count": "\(deleted)"]) }
        return deleted
    }

    /// Deletes events older than `Limits.eventRetention`, up to `batchesPerPass` batches; returns how many went.
    @discardableResult
    public func reapOldEvents() async -> Int {
        var deleted = 0
        for _ in 0..<Self.batchesPerPass {
            do {
                let count = try await self.store.reapEvents(
                    retention: Limits.eventRetention, batchSize: Limits.reaperBatchSize,
                    deadline: .after(.milliseconds(10_000)))
                deleted += count
                if count < Limits.reaperBatchSize { break }
            } catch {
                self.logger.warning("event reaper pass failed", metadata: ["error": "\(error)"])
                break
            }
        }
        if deleted > 0 { self.logger.info("reaped events", metadata: ["count": "\(deleted)"]) }
        return deleted
    }
}
