/// PaymentIntents' writes. A confirmation is a charge: the intent is taken for the confirmation's key (so that two
/// confirmations cannot both charge), then the charge path asks the processor under that key's processor key and
/// records the charge, whose trigger moves the intent (sql/009). Every attempt of a key (a retry, the completer)
/// runs the same steps and finds the intent its first attempt took.
public struct PaymentIntentService: Sendable {
    /// How a request about an intent ended, for the API to render.
    public enum Outcome: Sendable {
        /// The intent, and its latest charge when the request had it in hand (to expand).
        case intent(PaymentIntent, latestCharge: Charge? = nil)
        /// The confirmation's charge was declined: the intent asks for another payment method.
        case declined(PaymentIntent, Charge.Failure, chargeID: String)
        /// Refused by a rule; the intent, when there is one, goes in the error.
        case refused(PaymentsError, PaymentIntent?)
        /// The charge could not be recorded and its payment was voided (`ChargeService.Outcome.notRecorded`).
        case notRecorded(declined: Charge.Failure?)
    }

    public typealias Render = @Sendable (Outcome) -> StoredResponse

    let store: any PaymentsStore
    let charges: ChargeService

    public init(store: any PaymentsStore, charges: ChargeService) {
        self.store = store
        self.charges = charges
    }

    /// Makes an intent. With `confirm`, the intent is made by its own statement first (found again by any later
    /// attempt of the key), then confirmed under the same key.
    public func create(
        _ command: CreatePaymentIntent, key: ClaimedKey, deadline: Deadline, render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        let intent = command.intent(scope: key.scope, at: .now())
        // A payment method the processor refuses is refused before an intent exists.
        if let method = command.paymentMethod, let refusal = self.refusal(of: method, for: intent) {
            return try await self.refuse(refusal, nil, key, deadline, render)
        }
        guard command.confirm, let method = command.paymentMethod else {
            return try await self.store.complete(key: key, deadline: deadline) { transaction in
                if let refusal = try await Self.customerRefusal(command.customerID, scope: key.scope, transaction) {
                    return render(.refused(refusal, nil))
                }
                try await transaction.insertPaymentIntent(intent)
                return render(.intent(intent))
            }
        }
        if let customerID = command.customerID,
            try await self.store.chargeableCustomer(id: customerID, key: key, deadline: deadline) == nil
        {
            return try await self.refuse(.noSuch("customer", customerID, param: "customer"), nil, key, deadline, render)
        }
        let made = try await self.store.insertPaymentIntent(intent, createdBy: key, deadline: deadline)
        return try await self.confirm(made.id, method: method, key: key, deadline: deadline, render: render)
    }

    /// Confirms an intent: one charge, whatever the number of attempts or of concurrent confirmations. The intent
    /// is taken first, and the charge is made of the intent as taken: nothing it is made of (amount, currency,
    /// payment method) can change while the intent is held.
    public func confirm(
        _ intentID: String, method requested: IntentPaymentMethod?, key: ClaimedKey, deadline: Deadline,
        render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        // A payment method given here is checked before the intent is touched, so a refused one leaves the intent
        // as it was (its currency and capture method, all the check reads, never change).
        if let requested {
            guard let current = try await self.store.paymentIntent(id: intentID, scope: key.scope, deadline: deadline)
            else { return try await self.refuse(.noSuch("payment_intent", intentID), nil, key, deadline, render) }
            if let refusal = self.refusal(of: requested, for: current) {
                return try await self.refuse(refusal, current, key, deadline, render)
            }
        }
        guard
            let taken = try await self.store.takeForConfirmation(
                intentID: intentID, method: requested.map { Self.stable($0, key) }, key: key, deadline: deadline)
        else {
            guard let current = try await self.store.paymentIntent(id: intentID, scope: key.scope, deadline: deadline)
            else { return try await self.refuse(.noSuch("payment_intent", intentID), nil, key, deadline, render) }
            let refusal =
                current.paymentMethod == nil && requested == nil
                ? PaymentIntentRules.missingPaymentMethod : PaymentIntentRules.unexpectedState(current, "confirm")
            return try await self.refuse(refusal, current, key, deadline, render)
        }
        let release = Self.release(key)
        let command: CreateCharge
        let details: PaymentMethodDetails
        do throws(PaymentsError) {
            // The take leaves a payment method in place; a row without one would not have been taken.
            guard let method = taken.paymentMethod else { throw PaymentIntentRules.missingPaymentMethod }
            command = try Self.charge(of: taken, paying: method)
            details = try self.charges.paymentMethod(for: command)
        } catch {
            let refusal = taken.paymentMethod.map { Self.named(error, for: $0) } ?? error
            return try await self.store.complete(key: key, deadline: deadline) { transaction in
                try await release(transaction)
                var released = taken
                released.confirmingProcessorKey = nil
                return render(.refused(refusal, released))
            }
        }
        return try await self.charges.create(
            command, paymentMethod: details, key: key, deadline: deadline, release: release
        ) { outcome in
            switch outcome {
            case .recorded(let charge, _):
                let after = taken.following(charge)
                guard let failure = charge.failure else { return render(.intent(after, latestCharge: charge)) }
                return render(.declined(after, failure, chargeID: charge.id))
            case .notRecorded(let declined):
                return render(.notRecorded(declined: declined))
            }
        }
    }

    /// A UPI payment method's id made from the confirmation's key, so that every attempt names it alike.
    static func stable(_ method: IntentPaymentMethod, _ key: ClaimedKey) -> IntentPaymentMethod {
        guard case .upi(_, let vpa) = method else { return method }
        return .upi(id: ObjectID.Kind.paymentMethod.rawValue + key.processorKey.dropFirst(3), vpa: vpa)
    }

    /// Ends a confirmation the completer gives up on: the payment voided, the intent the key took let go.
    public func end(
        key: ClaimedKey, deadline: Deadline, render: @escaping Render
    ) async throws
        -> IdempotencyLayer.Completion
    {
        try await self.charges.end(key: key, declined: nil, deadline: deadline, release: Self.release(key)) { outcome in
            guard case .notRecorded(let declined) = outcome else { return render(.notRecorded(declined: nil)) }
            return render(.notRecorded(declined: declined))
        }
    }

    public func update(
        _ command: UpdatePaymentIntent, key: ClaimedKey, deadline: Deadline, render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard let intent = try await transaction.lockPaymentIntent(id: command.intentID, scope: key.scope) else {
                return render(.refused(.noSuch("payment_intent", command.intentID), nil))
            }
            let updated: PaymentIntent
            do throws(PaymentsError) {
                updated = try PaymentIntentRules.update(intent, with: command)
            } catch {
                return render(.refused(error, intent))
            }
            if let method = command.paymentMethod, let refusal = self.refusal(of: method, for: updated) {
                return render(.refused(refusal, intent))
            }
            try await transaction.updatePaymentIntent(updated)
            return render(.intent(updated))
        }
    }

    /// Captures an authorized intent's charge, in full or in part (the rest released).
    public func capture(
        _ intentID: String, amount: Int64?, key: ClaimedKey, deadline: Deadline, render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard let intent = try await transaction.lockPaymentIntent(id: intentID, scope: key.scope) else {
                return render(.refused(.noSuch("payment_intent", intentID), nil))
            }
            guard intent.status == .requiresCapture, let chargeID = intent.latestChargeID,
                let charge = try await transaction.lockCharge(id: chargeID, scope: key.scope)
            else { return render(.refused(PaymentIntentRules.unexpectedState(intent, "capture"), intent)) }
            let outcome: (Charge, Posting)
            do throws(PaymentsError) {
                outcome = try ChargeRules.capture(charge, amount: amount, at: .now())
            } catch {
                return render(.refused(Self.renamed(error), intent))
            }
            try await transaction.updateCharge(outcome.0)
            try await transaction.insertPosting(outcome.1)
            return render(.intent(intent.following(outcome.0), latestCharge: outcome.0))
        }
    }

    /// Cancels an intent; an authorized one's authorization is released in the same transaction.
    public func cancel(
        _ intentID: String, reason: PaymentIntent.CancellationReason?, key: ClaimedKey, deadline: Deadline,
        render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard let intent = try await transaction.lockPaymentIntent(id: intentID, scope: key.scope) else {
                return render(.refused(.noSuch("payment_intent", intentID), nil))
            }
            let canceled: PaymentIntent
            do throws(PaymentsError) {
                canceled = try PaymentIntentRules.cancel(intent, reason: reason, at: .now())
            } catch {
                return render(.refused(error, intent))
            }
            // An authorized intent's charge is locked after the intent, as a capture does, and released. Its change
            // does not move the intent (the trigger follows statuses and captures only): the update below does.
            var released: Charge?
            if intent.status == .requiresCapture {
                guard let chargeID = intent.latestChargeID,
                    let charge = try await transaction.lockCharge(id: chargeID, scope: key.scope),
                    let release = try? ChargeRules.release(charge)
                else { return render(.refused(PaymentIntentRules.unexpectedState(intent, "cancel"), intent)) }
                released = release
            }
            if let released { try await transaction.updateCharge(released) }
            try await transaction.updatePaymentIntent(canceled)
            return render(.intent(canceled, latestCharge: released))
        }
    }

    /// Why the processor would refuse to charge `intent` with `method`, in PaymentIntents' words; nil when it
    /// would not. Checked whenever a payment method is attached, so an intent only ever holds one it can charge.
    func refusal(of method: IntentPaymentMethod, for intent: PaymentIntent) -> PaymentsError? {
        do throws(PaymentsError) {
            _ = try self.charges.paymentMethod(for: try Self.charge(of: intent, paying: method))
            return nil
        } catch {
            return Self.named(error, for: method)
        }
    }

    /// What ends a confirmation without a charge undoes: the intent's taking by the key.
    static func release(_ key: ClaimedKey) -> ChargeService.Release {
        { transaction in try await transaction.releaseConfirmation(scope: key.scope, processorKey: key.processorKey) }
    }

    /// The charge a confirmation of `intent` with `method` makes.
    static func charge(
        of intent: PaymentIntent, paying method: IntentPaymentMethod
    ) throws(PaymentsError)
        -> CreateCharge
    {
        try CreateCharge(
            amount: intent.amount, currency: intent.currency, source: method.source,
            capture: intent.captureMethod == .automatic, description: intent.description, metadata: intent.metadata,
            receiptEmail: intent.receiptEmail, statementDescriptor: intent.statementDescriptor,
            customerID: intent.customerID, paymentIntentID: intent.id)
    }

    /// The charge path's refusals of a source, in the words of PaymentIntents' parameters.
    static func named(_ error: PaymentsError, for method: IntentPaymentMethod) -> PaymentsError {
        guard case .invalidRequest(let code, let message, let param?) = error else { return error }
        switch (param, method) {
        case ("source", .card(let id)) where code == .resourceMissing:
            return .invalidRequest(
                code: code,
                message: "No such PaymentMethod: '\(id)'. The sandbox takes Stripe's test PaymentMethods such as "
                    + "pm_card_visa, pm_card_mastercard, pm_card_amex and pm_card_chargeDeclined.",
                param: "payment_method")
        case ("source", .card): return .invalidRequest(code: code, message: message, param: "payment_method")
        case ("source", .upi):
            return .invalidRequest(code: code, message: message, param: "payment_method_data[upi][vpa]")
        case ("capture", _):
            return .invalidRequest(
                code: code, message: "UPI payments capture at once: capture_method=manual works only with cards.",
                param: "capture_method")
        default: return error
        }
    }

    /// A capture's `amount` is an intent's `amount_to_capture`.
    static func renamed(_ error: PaymentsError) -> PaymentsError {
        guard case .invalidRequest(let code, let message, "amount") = error else { return error }
        return .invalidRequest(code: code, message: message, param: "amount_to_capture")
    }

    private func refuse(
        _ error: PaymentsError, _ intent: PaymentIntent?, _ key: ClaimedKey, _ deadline: Deadline,
        _ render: @escaping Render
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { _ in render(.refused(error, intent)) }
    }

    /// A customer an intent may name: of the scope and not deleted.
    private static func customerRefusal(
        _ id: String?, scope: Scope, _ transaction: any PaymentsTransaction
    ) async throws -> PaymentsError? {
        guard let id else { return nil }
        guard let customer = try await transaction.customer(id: id, scope: scope), !customer.deleted else {
            return .noSuch("customer", id, param: "customer")
        }
        return nil
    }
}
