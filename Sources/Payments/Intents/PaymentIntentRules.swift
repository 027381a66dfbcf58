/// Which requests each status of a PaymentIntent allows, with Stripe's refusals. Pure functions of the intent as
/// read (and locked) in the transaction.
public enum PaymentIntentRules {
    public static let missingPaymentMethod = PaymentsError.invalidRequest(
        code: .paymentIntentUnexpectedState,
        message: "You cannot confirm this PaymentIntent because it's missing a payment method. Give one as "
            + "`payment_method` (such as pm_card_visa), or as `payment_method_data[type]=upi` with "
            + "`payment_method_data[upi][vpa]`.",
        param: "payment_method")

    /// Stripe's refusal of a request the intent's status does not allow.
    public static func unexpectedState(_ intent: PaymentIntent, _ doing: String) -> PaymentsError {
        let status = intent.confirmingProcessorKey != nil ? "being confirmed" : "in status \(intent.status.rawValue)"
        return .invalidRequest(
            code: .paymentIntentUnexpectedState,
            message: "You cannot \(doing) this PaymentIntent because it is \(status).", param: nil)
    }

    /// The intent with an update applied. The amount and the payment method change only while the intent waits
    /// for a confirmation; descriptions and metadata until it is canceled.
    public static func update(
        _ intent: PaymentIntent, with command: UpdatePaymentIntent
    ) throws(PaymentsError)
        -> PaymentIntent
    {
        let waiting =
            [.requiresPaymentMethod, .requiresConfirmation].contains(intent.status)
            && intent.confirmingProcessorKey == nil
        if command.amount != nil || command.paymentMethod != nil {
            guard waiting else { throw Self.unexpectedState(intent, "change the amount or payment method of") }
        }
        guard intent.status != .canceled else { throw Self.unexpectedState(intent, "update") }
        var updated = intent
        if let amount = command.amount {
            _ = try CreateCharge(
                amount: amount, currency: intent.currency, source: .cardToken("tok_visa"), capture: true,
                description: nil, metadata: Metadata(), receiptEmail: nil, statementDescriptor: nil)
            updated.amount = amount
        }
        if let method = command.paymentMethod {
            updated.paymentMethod = method
            updated.status = .requiresConfirmation
        }
        if let description = command.description { updated.description = description }
        if let receiptEmail = command.receiptEmail { updated.receiptEmail = receiptEmail }
        if let metadata = command.metadata { updated.metadata.apply(metadata) }
        try Validation.metadata(updated.metadata.pairs)
        return updated
    }

    /// Cancels an intent that waits for a payment method or a confirmation, or an authorized one
    /// (`requires_capture`), whose authorization the caller releases in the same transaction. A confirmation in
    /// flight, a `processing`, `succeeded` or `canceled` intent is refused, as on Stripe.
    public static func cancel(
        _ intent: PaymentIntent, reason: PaymentIntent.CancellationReason?, at time: Timestamp
    ) throws(PaymentsError) -> PaymentIntent {
        guard [.requiresPaymentMethod, .requiresConfirmation, .requiresCapture].contains(intent.status),
            intent.confirmingProcessorKey == nil
        else { throw Self.unexpectedState(intent, "cancel") }
        var canceled = intent
        canceled.status = .canceled
        canceled.amountCapturable = 0
        canceled.canceledAt = time
        canceled.cancellationReason = reason
        return canceled
    }
}
