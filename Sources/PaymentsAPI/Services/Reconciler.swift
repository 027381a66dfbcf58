import Logging
import Payments
import PaymentsStore
import ServiceLifecycle

/// Settles charges the processor left pending (UPI's deemed state, or an answer that missed the request's
/// deadline), and refunds it accepted as pending (UPI's): it asks the processor again and records the final state
/// with its ledger posting.
public struct Reconciler: Service {
    let api: APIRouter
    let interval: Duration
    let logger: Logger

    public init(api: APIRouter, interval: Duration, logger: Logger) {
        self.api = api
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.settlePending()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass over at most `reconcilerBatchSize` pending charges that are due a check; returns how many settled.
    /// Each charge has a budget of its own, so a slow processor answer cannot starve the rest of the batch.
    @discardableResult
    public func settlePending() async -> Int {
        // Refunds have a pass of their own: a failure to read the charges must not hold them up.
        var settled = await self.settlePendingRefunds()
        let budget = self.api.configuration.requestBudget
        let pending: [Charge]
        do {
            pending = try await self.api.store.pendingCharges(
                limit: Limits.reconcilerBatchSize, deadline: .after(budget))
        } catch {
            self.logger.warning("reconciler pass failed", metadata: ["error": "\(StoreFailure.describe(error))"])
            return settled
        }
        for charge in pending {
            // One charge the processor cannot answer for must not hold up the others behind it.
            do {
                if try await self.api.charges.settle(charge, deadline: .after(budget)) { settled += 1 }
            } catch {
                self.logger.warning(
                    "reconciler could not settle a charge",
                    metadata: ["charge": "\(charge.id)", "error": "\(StoreFailure.describe(error))"])
            }
        }
        return settled
    }

    /// One pass over at most `reconcilerBatchSize` pending refunds that are due a check; returns how many settled.
    @discardableResult
    func settlePendingRefunds() async -> Int {
        let budget = self.api.configuration.requestBudget
        let pending: [(refund: Refund, charge: Charge)]
        do {
            pending = try await self.api.store.pendingRefunds(
                limit: Limits.reconcilerBatchSize, deadline: .after(budget))
        } catch {
            self.logger.warning(
                "reconciler pass over refunds failed", metadata: ["error": "\(StoreFailure.describe(error))"])
            return 0
        }
        var settled = 0
        for (refund, charge) in pending {
            do {
                if try await self.api.charges.settle(refund, of: charge, deadline: .after(budget)) { settled += 1 }
            } catch {
                self.logger.warning(
                    "reconciler could not settle a refund",
                    metadata: ["refund": "\(refund.id)", "error": "\(StoreFailure.describe(error))"])
            }
        }
        return settled
    }
}
