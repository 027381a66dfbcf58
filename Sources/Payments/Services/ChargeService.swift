import Logging

/// Creates charges (phases 2 and 3 of the idempotency protocol) and settles the ones the processor left pending.
public struct ChargeService: Sendable {
    let store: any PaymentsStore
    let processor: any PaymentProcessor
    let faults: FaultInjector
    let logger: Logger

    public init(store: any PaymentsStore, processor: any PaymentProcessor, faults: FaultInjector, logger: Logger) {
        self.store = store
        self.processor = processor
        self.faults = faults
        self.logger = logger
    }

    /// Checks with the processor that it can charge the command's source; before any key is claimed, so a
    /// refusal here is a validation failure and is not stored.
    public func paymentMethod(for command: CreateCharge) throws(PaymentsError) -> PaymentMethodDetails {
        try self.processor.describe(source: command.source, currency: command.currency, capture: command.capture)
    }

    /// What the client is told once phase 3 is over.
    public enum Outcome: Sendable {
        /// The charge was recorded: it, and its posting when money moved.
        case recorded(Charge, Posting?)
        /// The database refused the charge for good. A payment the processor approved (or left pending) was voided
        /// there, so no money moved; a declined one needed nothing. `declined` carries the decline, if it was one.
        /// The key keeps this answer, so that no retry asks the processor again.
        case notRecorded(declined: Charge.Failure?)
    }

    /// Phases 2 and 3 for a request that holds its key: ask the processor (bounded by the deadline, less what
    /// phase 3 needs), then record the charge, its posting and the rendered response together.
    /// `release` runs in the transaction that ends a payment without a charge (see `end`).
    public func create(
        _ command: CreateCharge, paymentMethod: PaymentMethodDetails, key: ClaimedKey, deadline: Deadline,
        release: Release? = nil, render: @Sendable (Outcome) -> StoredResponse
    ) async throws -> IdempotencyLayer.Completion {
        try self.faults.check(.afterClaim)
        let authorization = Authorization(
            processorKey: key.processorKey, scope: key.scope, amount: command.amount, currency: command.currency,
            source: command.source)
        let decision = try await self.authorize(authorization, deadline: deadline)
        try self.faults.check(.afterProcessorCall)

        let (charge, posting) = Self.charge(
            for: command, paymentMethod: paymentMethod, decision: decision, processorKey: key.processorKey,
            scope: key.scope, at: .now())
        let response = render(.recorded(charge, posting))
        do {
            let recorded = try await self.store.recordCharge(
                charge, posting: posting, response: response, key: key, deadline: deadline)
            return recorded ? .stored(response) : .superseded
        } catch PaymentsError.refusedByDatabase(let reason) {
            self.logger.error(
                "the database refused a charge after the processor answered",
                metadata: [
                    "reason": "\(reason)", "processor_key": "\(key.processorKey)", "account": "\(key.scope.accountID)",
                    "idempotency_key": "\(key.key)", "amount": "\(charge.amount)",
                    "currency": "\(charge.currency.code)",
                ])
            var declined: Charge.Failure? = nil
            if case .declined(let failure) = decision { declined = failure }
            return try await self.end(
                key: key, declined: declined, deadline: deadline, release: release, render: render)
        }
    }

    /// Ends a payment that will never have a charge: phase 3 was refused for good (validation should have caught
    /// whatever it was, so a bug), or the completer gave up on it. Unless the processor declined it, the payment
    /// is voided there, so no money moves without a charge; then the key is finished with the `notRecorded`
    /// answer, so that no retry asks the processor again. The lease is renewed before the void: the void must not
    /// race another attempt that took the key over and may be recording the charge.
    /// Undoes what a payment's request held besides its key (a PaymentIntent it took), in the transaction that
    /// finishes the key.
    public typealias Release = @Sendable (any PaymentsTransaction) async throws -> Void

    public func end(
        key: ClaimedKey, declined: Charge.Failure?, deadline: Deadline, release: Release? = nil,
        render: @Sendable (Outcome) -> StoredResponse
    ) async throws -> IdempotencyLayer.Completion {
        guard try await self.store.renewLease(of: key, deadline: deadline) else { return .superseded }
        if declined == nil {
            let processor = self.processor
            let processorKey = key.processorKey
            guard try await deadline.race({ try await processor.void(processorKey: processorKey) }) != nil else {
                throw PaymentsError.deadlineExceeded
            }
            PaymentsMetrics.chargesVoided.increment()
            self.logger.error(
                "the payment was voided at the processor; it has no charge",
                metadata: [
                    "processor_key": "\(processorKey)", "account": "\(key.scope.accountID)",
                    "idempotency_key": "\(key.key)",
                ])
        }
        let response = render(.notRecorded(declined: declined))
        let finished = try await self.store.finish(key: key, deadline: deadline) { transaction in
            try await release?(transaction)
            return response
        }
        guard let stored = finished else {
            return .superseded
        }
        return .stored(stored)
    }

    /// Asks the processor, within the request's deadline less what phase 3 needs; a late answer is `pending`. A
    /// processor that there is no time left to ask is not asked: the request fails with its key unfinished, and a
    /// retry (or the completer) asks it then. `pending` is only ever the answer of a processor that was asked.
    private func authorize(_ authorization: Authorization, deadline: Deadline) async throws -> ProcessorDecision {
        let processorDeadline = deadline.earlier(by: Limits.finishReserve)
        guard processorDeadline.remaining >= Limits.processorCallMin else {
            PaymentsMetrics.processorCall(outcome: "not_asked").recordNanoseconds(0)
            throw PaymentsError.deadlineExceeded
        }
        let processor = self.processor
        let started = ContinuousClock.now
        let outcome: String
        defer {
            PaymentsMetrics.processorCall(outcome: outcome).recordNanoseconds(
                (ContinuousClock.now - started).nanoseconds)
        }
        do {
            guard let decision = try await processorDeadline.race({ try await processor.authorize(authorization) })
            else {
                outcome = "late"
                return .pending
            }
            switch decision {
            case .approved: outcome = "approved"
            case .declined: outcome = "declined"
            case .pending: outcome = "pending"
            }
            return decision
        } catch {
            outcome = "error"
            throw error
        }
    }

    /// The charge (and posting, if money moved) that a processor decision makes of a command.
    static func charge(
        for command: CreateCharge, paymentMethod: PaymentMethodDetails, decision: ProcessorDecision,
        processorKey: String, scope: Scope, at time: Timestamp
    ) -> (Charge, Posting?) {
        var charge = Charge(
            id: ObjectID.make(.charge), scope: scope, amount: command.amount, currency: command.currency,
            amountCaptured: 0, amountRefunded: 0, captured: false,
            captureMethod: command.capture ? .automatic : .manual, status: .pending, failure: nil,
            paymentMethod: paymentMethod, balanceTransactionID: nil, description: command.description,
            metadata: command.metadata, receiptEmail: command.receiptEmail,
            statementDescriptor: command.statementDescriptor, customerID: command.customerID,
            shipping: command.shipping, statementDescriptorSuffix: command.statementDescriptorSuffix,
            transferGroup: command.transferGroup, paymentIntentID: command.paymentIntentID, processorKey: processorKey,
            created: time)
        let posting = Self.apply(decision, to: &charge, at: time)
        return (charge, posting)
    }

    /// Moves a charge to what the processor decided; returns the posting when money was captured.
    static func apply(_ decision: ProcessorDecision, to charge: inout Charge, at time: Timestamp) -> Posting? {
        switch decision {
        case .pending:
            charge.status = .pending
            return nil
        case .declined(let failure):
            charge.status = .failed
            charge.failure = failure
            return nil
        case .approved(let availableImmediately):
            charge.status = .succeeded
            guard charge.captureMethod == .automatic else { return nil }
            charge.captured = true
            charge.amountCaptured = charge.amount
            let posting = Posting.capture(
                of: charge, amount: charge.amount,
                fee: FeeSchedule.fee(for: charge.amount, method: charge.paymentMethod),
                availableOn: FeeSchedule.availableOn(
                    after: time, method: charge.paymentMethod, immediately: availableImmediately),
                at: time)
            charge.balanceTransactionID = posting.id
            return posting
        }
    }

    /// How long a pending charge may go without the processor ever having heard of it before it is failed: well
    /// past the longest statement the processor's own write could still be running.
    public static let unknownToProcessorSecondsMax: Int64 = 60

    /// How long the reconciler waits before asking about a pending charge again, by the charge's age: often at
    /// first, when most pending payments settle, then less often (the shape of the UPI rails' status-check rule).
    public static func reconcileDelaySeconds(age seconds: Int64) -> Int64 {
        switch seconds {
        case ..<30: 1
        case ..<120: 5
        case ..<600: 30
        default: 60
        }
    }

    /// Asks the processor about one pending charge and records the answer; true when the charge moved on. The
    /// charge goes to the back of the reconciler's queue first, so that a processor that cannot answer for it (or
    /// a settle that fails) never keeps it at the front, ahead of the others.
    public func settle(_ pending: Charge, deadline: Deadline) async throws -> Bool {
        precondition(pending.status == .pending, "only pending charges settle")
        let now = Timestamp.now()
        let age = now.seconds - pending.created.seconds
        try await self.store.postponeReconciliation(
            of: pending, until: now.adding(seconds: Self.reconcileDelaySeconds(age: age)), deadline: deadline)
        let processor = self.processor
        let processorKey = pending.processorKey
        guard let status = try await deadline.race({ try await processor.status(processorKey: processorKey) }) else {
            throw PaymentsError.deadlineExceeded
        }
        var charge = pending
        let posting: Posting?
        switch status {
        case .pending?:
            return false
        case .none:
            guard age > Self.unknownToProcessorSecondsMax else { return false }
            // Should the authorization still arrive, it finds the payment voided and is declined.
            guard try await deadline.race({ try await processor.void(processorKey: processorKey) }) != nil else {
                throw PaymentsError.deadlineExceeded
            }
            posting = Self.apply(
                .declined(
                    Charge.Failure(
                        code: .processingError, declineCode: nil,
                        message: "The payment never reached the processor. No money moved; try again.")),
                to: &charge, at: now)
        case .some(let decision):
            posting = Self.apply(decision, to: &charge, at: now)
        }
        let settled = try await self.store.settle(charge, posting: posting, deadline: deadline)
        if settled {
            self.logger.info(
                "pending charge settled", metadata: ["charge": "\(charge.id)", "status": "\(charge.status.rawValue)"])
        }
        return settled
    }

    /// Submits a pending refund to the processor once it is recorded, so that the request that made it is the first
    /// to tell the processor (which then fixes when and how the refund ends). Nothing is recorded here: the
    /// reconciler asks again until the refund ends, and submits it itself if this never happened (a crash, a
    /// deadline); so a failure here is only logged.
    public func submit(_ refund: Refund, deadline: Deadline) async {
        guard refund.status == .pending else { return }
        do {
            guard let charge = try await self.store.charge(id: refund.chargeID, scope: refund.scope, deadline: deadline)
            else { return }
            let processor = self.processor
            _ = try await deadline.race { try await processor.refundOutcome(of: refund, charge: charge) }
        } catch {
            self.logger.warning(
                "could not submit a refund; the reconciler will",
                metadata: ["refund": "\(refund.id)", "error": "\(error)"])
        }
    }

    /// Asks the processor about one pending refund and records the answer; true when the refund moved on. As with
    /// charges, the refund goes to the back of the queue first. A refund that failed gives its amount back to the
    /// charge and the balance, in the statement that fails it.
    public func settle(_ pending: Refund, of charge: Charge, deadline: Deadline) async throws -> Bool {
        precondition(pending.status == .pending, "only pending refunds settle")
        let now = Timestamp.now()
        try await self.store.postponeReconciliation(
            of: pending,
            until: now.adding(seconds: Self.reconcileDelaySeconds(age: now.seconds - pending.created.seconds)),
            deadline: deadline)
        let processor = self.processor
        guard let answer = try await deadline.race({ try await processor.refundOutcome(of: pending, charge: charge) })
        else { throw PaymentsError.deadlineExceeded }
        let settled: Bool
        switch answer {
        case nil:
            return false
        case .succeeded?:
            settled = try await self.store.settle(pendingRefund: pending, deadline: deadline) { refund, _ in
                var succeeded = refund
                succeeded.status = .succeeded
                return (succeeded, nil, nil)
            }
        case .failed(let reason)?:
            // Applied to the charge as locked then: another refund may have changed it since it was read.
            settled = try await self.store.settle(pendingRefund: pending, deadline: deadline) { refund, charge in
                let (failed, restored, posting) = ChargeRules.fail(refund, of: charge, reason: reason, at: now)
                return (failed, restored, posting)
            }
        }
        if settled {
            self.logger.info(
                "pending refund settled",
                metadata: ["refund": "\(pending.id)", "outcome": "\(answer.map { "\($0)" } ?? "pending")"])
        }
        return settled
    }
}
