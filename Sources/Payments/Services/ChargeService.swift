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

    /// Phases 2 and 3 for a request that holds its key: ask the processor (bounded by the deadline, less what
    /// phase 3 needs), then record the charge, its posting and the rendered response together.
    public func create(
        _ command: CreateCharge, paymentMethod: PaymentMethodDetails, key: ClaimedKey, deadline: Deadline,
        render: @Sendable (Charge, Posting?) -> StoredResponse
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
        let response = render(charge, posting)
        let recorded = try await self.store.recordCharge(
            charge, posting: posting, response: response, key: key, deadline: deadline)
        return recorded ? .stored(response) : .superseded
    }

    /// Asks the processor, within the request's deadline less what phase 3 needs; a late answer is `pending`.
    private func authorize(_ authorization: Authorization, deadline: Deadline) async throws -> ProcessorDecision {
        let processorDeadline = deadline.earlier(by: .milliseconds(Limits.finishReserveMilliseconds))
        let processor = self.processor
        let started = ContinuousClock.now
        let outcome: String
        defer {
            PaymentsMetrics.processorCall(outcome: outcome).recordNanoseconds(
                (ContinuousClock.now - started).nanoseconds)
        }
        do {
            guard let decision = try await processorDeadline.run({ try await processor.authorize(authorization) })
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
            statementDescriptor: command.statementDescriptor, processorKey: processorKey, created: time)
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

    /// Asks the processor about one pending charge and records the answer; true when the charge moved on.
    public func settle(_ pending: Charge, deadline: Deadline) async throws -> Bool {
        precondition(pending.status == .pending, "only pending charges settle")
        let now = Timestamp.now()
        var charge = pending
        let posting: Posting?
        switch try await self.processor.status(processorKey: pending.processorKey) {
        case .pending?:
            return false
        case .none:
            guard now.seconds - pending.created.seconds > Self.unknownToProcessorSecondsMax else { return false }
            posting = Self.apply(
                .declined(
                    Charge.Failure(
                        code: "processing_error", declineCode: nil,
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
}
