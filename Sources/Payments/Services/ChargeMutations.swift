import Logging

/// Captures, updates and refunds: each the last phase of an idempotent POST, run in one transaction that locks the
/// objects (charge before refund), applies a rule, writes, and stores the rendered answer on the key. A refusal by
/// a rule is an answer too, stored like any other.
public struct ChargeMutations: Sendable {
    /// How the API renders an outcome: the value on success, the refusal otherwise.
    public typealias Render<Value> = @Sendable (Result<Value, PaymentsError>) -> StoredResponse

    let store: any PaymentsStore

    public init(store: any PaymentsStore) {
        self.store = store
    }

    /// Captures a charge; the answer shows it with `relations`.
    public func capture(
        _ command: CaptureCharge, key: ClaimedKey, deadline: Deadline, relations: ChargeRelations,
        render: @escaping Render<ChargeView>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            try await transaction.lockPaymentIntent(ofCharge: command.chargeID, scope: key.scope)
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
            var view = try await Self.view(
                of: outcome.0, relations: relations.subtracting(.balanceTransaction), transaction)
            if relations.contains(.balanceTransaction) { view.balanceTransaction = BalanceTransaction(outcome.1) }
            return render(.success(view))
        }
    }

    /// Updates a charge's description, metadata or receipt e-mail; the answer shows it with `relations`.
    public func update(
        _ command: UpdateCharge, key: ClaimedKey, deadline: Deadline, relations: ChargeRelations,
        render: @escaping Render<ChargeView>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
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
            return render(.success(try await Self.view(of: updated, relations: relations, transaction)))
        }
    }

    /// Refunds a charge.
    public func refund(
        _ command: CreateRefund, key: ClaimedKey, deadline: Deadline, render: @escaping Render<(Refund, Posting)>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
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
        try await self.store.complete(key: key, deadline: deadline) { transaction in
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

    /// A charge with the related objects the answer shows, read in the same transaction.
    static func view(
        of charge: Charge, relations: ChargeRelations, _ transaction: any PaymentsTransaction
    )
        async throws -> ChargeView
    {
        var view = ChargeView(charge: charge)
        if relations.contains(.balanceTransaction), let id = charge.balanceTransactionID {
            view.balanceTransaction = try await transaction.balanceTransaction(id: id, scope: charge.scope)
        }
        if relations.contains(.refunds) {
            view.refunds = try await transaction.refunds(
                ofCharge: charge.id, scope: charge.scope, limit: ChargeRelations.embeddedRefundsMax)
        }
        if relations.contains(.customer), let id = charge.customerID {
            view.customer = try await transaction.customer(id: id, scope: charge.scope)
        }
        return view
    }
}
