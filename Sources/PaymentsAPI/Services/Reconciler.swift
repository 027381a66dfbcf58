import Logging
import Payments
import ServiceLifecycle

/// Settles charges the processor left pending (UPI's deemed state, or an answer that missed the request's
/// deadline): it asks the processor again and records the final state with its ledger posting.
public struct Reconciler: Service {
    let api: PaisaAPI
    let interval: Duration
    let logger: Logger

    public init(api: PaisaAPI, interval: Duration, logger: Logger) {
        self.api = api
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.runOnce()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass over at most `reconcilerBatchSize` pending charges; returns how many settled.
    @discardableResult
    public func runOnce() async -> Int {
        let deadline = Deadline.after(milliseconds: self.api.configuration.requestBudgetMilliseconds)
        do {
            let pending = try await self.api.store.pendingCharges(limit: Limits.reconcilerBatchSize, deadline: deadline)
            var settled = 0
            for charge in pending {
                // One charge the processor cannot answer for must not hold up the others behind it.
                do {
                    if try await self.api.charges.settle(charge, deadline: deadline) { settled += 1 }
                } catch {
                    self.logger.warning(
                        "reconciler could not settle a charge",
                        metadata: ["charge": "\(charge.id)", "error": "\(error)"])
                }
            }
            return settled
        } catch {
            self.logger.warning("reconciler pass failed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
