/// A validated request to make a PaymentIntent, and to confirm it at once when `confirm` is true.
public struct CreatePaymentIntent: Sendable, Equatable {
    public let amount: Int64
    public let currency: Currency
    public let captureMethod: Charge.CaptureMethod
    public let paymentMethod: IntentPaymentMethod?
    public let customerID: String?
    public let description: String?
    public let metadata: Metadata
    public let receiptEmail: String?
    public let statementDescriptor: String?
    public let confirm: Bool

    public init(
        amount: Int64, currency: Currency, captureMethod: Charge.CaptureMethod, paymentMethod: IntentPaymentMethod?,
        customerID: String?, description: String?, metadata: Metadata, receiptEmail: String?,
        statementDescriptor: String?, confirm: Bool
    ) throws(PaymentsError) {
        // The same rules as the charge each confirmation makes, checked now rather than at the confirmation.
        _ = try CreateCharge(
            amount: amount, currency: currency, source: .cardToken("tok_visa"), capture: true,
            description: description, metadata: metadata, receiptEmail: receiptEmail,
            statementDescriptor: statementDescriptor)
        if confirm && paymentMethod == nil { throw PaymentIntentRules.missingPaymentMethod }
        self.amount = amount
        self.currency = currency
        self.captureMethod = captureMethod
        self.paymentMethod = paymentMethod
        self.customerID = customerID
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
        self.confirm = confirm
    }

    /// The new intent: waiting for a payment method, or for its confirmation when it has one.
    public func intent(scope: Scope, at time: Timestamp) -> PaymentIntent {
        let id = ObjectID.make(.paymentIntent)
        return PaymentIntent(
            id: id, scope: scope, amount: self.amount, currency: self.currency,
            status: self.paymentMethod == nil ? .requiresPaymentMethod : .requiresConfirmation,
            captureMethod: self.captureMethod, paymentMethod: self.paymentMethod, customerID: self.customerID,
            description: self.description, metadata: self.metadata, receiptEmail: self.receiptEmail,
            statementDescriptor: self.statementDescriptor, latestChargeID: nil, amountCapturable: 0,
            amountReceived: 0, clientSecret: id + "_secret_" + ObjectID.randomBase62(count: 24), canceledAt: nil,
            cancellationReason: nil, lastPaymentError: nil, confirmingProcessorKey: nil, created: time)
    }
}

/// A validated change to a PaymentIntent: only the fields given change; an empty string clears a text field.
public struct UpdatePaymentIntent: Sendable, Equatable {
    public let intentID: String
    public let amount: Int64?
    public let paymentMethod: IntentPaymentMethod?
    public let description: String??
    public let metadata: MetadataUpdate?
    public let receiptEmail: String??

    public init(
        intentID: String, amount: Int64?, paymentMethod: IntentPaymentMethod?, description: String??,
        metadata: MetadataUpdate?, receiptEmail: String??
    ) throws(PaymentsError) {
        try Validation.text(description ?? nil, param: "description", max: Limits.descriptionLengthMax)
        try Validation.email(receiptEmail ?? nil, param: "receipt_email")
        self.intentID = intentID
        self.amount = amount
        self.paymentMethod = paymentMethod
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
    }
}

/// A confirmation: with the payment method given here, or the one the intent already has.
public struct ConfirmPaymentIntent: Sendable, Equatable {
    public let intentID: String
    public let paymentMethod: IntentPaymentMethod?

    public init(intentID: String, paymentMethod: IntentPaymentMethod?) {
        self.intentID = intentID
        self.paymentMethod = paymentMethod
    }
}
