import Logging

/// Captures, updates and refunds: each the last phase of an idempotent POST, run in one transaction that locks the
/// objects (charge before refund), applies a rule, writes, and stores the rendered answer on the key. A refusal by
/// a rule is an answer too, stored like any other.
public struct MutationService: Sendable {
    /// How the API renders an outcome: the value on success, the refusal otherwise.
    public typealias Render<Value> = @Sendable (Result<Value, PaymentsError>) -> StoredResponse

    let store: any PaymentsStore

    public init(store: any PaymentsStore) {
        self.store = store
    }

    /// Captures a charge.
    public func capture(
        _ command: CaptureCharge, key: ClaimedKey, deadline: Deadline, render: @escaping Render<(Charge, Posting)>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.finish(key: key, deadline: deadline) { transaction in
            guard let charge = try await transaction.lockCharge(id: command.chargeID, scope: key.scope) else {
                return render(.failure(.noSuch("charge", command.chargeID)))
            }
            let outcome: (Charge, Posting)
            do throws(PaymentsError) {
                outcome = try ChargeRules.capture(charge, amount: command.amount, at: .now())
            } catch {
                return render(.failure(error))
            }
            try await transaction.updateCharge(outcome.0)
            try await transaction.insertPosting(outcome.1)
            return render(.success(outcome))
        }
    }

    /// Updates a charge's description, metadata or receipt e-mail; reads its balance transaction too when the
    /// answer shows it expanded.
    public func update(
        _ command: UpdateCharge, key: ClaimedKey, deadline: Deadline, withBalanceTransaction: Bool,
        render: @escaping Render<(Charge, BalanceTransaction?)>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.finish(key: key, deadline: deadline) { transaction in
            guard let charge = try await transaction.lockCharge(id: command.chargeID, scope: key.scope) else {
                return render(.failure(.noSuch("charge", command.chargeID)))
            }
            let updated = ChargeRules.update(charge, with: command)
            do throws(PaymentsError) {
                try Validation.metadata(updated.metadata.pairs)
            } catch {
                return render(.failure(error))
            }
            try await transaction.updateCharge(updated)
            var balanceTransaction: BalanceTransaction? = nil
            if withBalanceTransaction, let id = updated.balanceTransactionID {
                balanceTransaction = try await transaction.balanceTransaction(id: id, scope: key.scope)
            }
            return render(.success((updated, balanceTransaction)))
        }
    }

    /// Refunds a charge.
    public func refund(
        _ command: CreateRefund, key: ClaimedKey, deadline: Deadline, render: @escaping Render<(Refund, Posting)>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.finish(key: key, deadline: deadline) { transaction in
            guard let charge = try await transaction.lockCharge(id: command.chargeID, scope: key.scope) else {
                return render(.failure(.noSuch("charge", command.chargeID, param: "charge")))
            }
            let outcome: (Charge, Refund, Posting)
            do throws(PaymentsError) {
                outcome = try ChargeRules.refund(charge, with: command, at: .now())
            } catch {
                return render(.failure(error))
            }
            try await transaction.insertRefund(outcome.1)
            try await transaction.insertPosting(outcome.2)
            try await transaction.updateCharge(outcome.0)
            return render(.success((outcome.1, outcome.2)))
        }
    }

    /// Updates a refund's metadata.
    public func update(
        _ command: UpdateRefund, key: ClaimedKey, deadline: Deadline, render: @escaping Render<Refund>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.finish(key: key, deadline: deadline) { transaction in
            guard var refund = try await transaction.lockRefund(id: command.refundID, scope: key.scope) else {
                return render(.failure(.noSuch("refund", command.refundID)))
            }
            if let metadata = command.metadata { refund.metadata.apply(metadata) }
            do throws(PaymentsError) {
                try Validation.metadata(refund.metadata.pairs)
            } catch {
                return render(.failure(error))
            }
            try await transaction.updateRefund(refund)
            return render(.success(refund))
        }
    }

    private func finish(
        key: ClaimedKey, deadline: Deadline,
        work: @escaping @Sendable (any PaymentsTransaction) async throws -> StoredResponse
    ) async throws -> IdempotencyLayer.Completion {
        guard let response = try await self.store.finish(key: key, deadline: deadline, work: work) else {
            return .superseded
        }
        return .stored(response)
    }
}
