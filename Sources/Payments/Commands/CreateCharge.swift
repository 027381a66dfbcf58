/// A validated request to create a charge.
public struct CreateCharge: Sendable, Equatable {
    public let amount: Int64
    public let currency: Currency
    public let source: PaymentSource
    /// False authorizes only; the charge waits for a capture.
    public let capture: Bool
    public let description: String?
    public let metadata: Metadata
    public let receiptEmail: String?
    public let statementDescriptor: String?
    /// The customer, checked to exist in the request's scope before the key is claimed.
    public let customerID: String?
    public let shipping: Shipping?
    public let statementDescriptorSuffix: String?
    public let transferGroup: String?
    /// The PaymentIntent being confirmed, when the charge is its confirmation's.
    public let paymentIntentID: String?

    /// Checks the business rules every charge obeys; the API has already checked types and names.
    public init(
        amount: Int64, currency: Currency, source: PaymentSource, capture: Bool, description: String?,
        metadata: Metadata, receiptEmail: String?, statementDescriptor: String?, customerID: String? = nil,
        shipping: Shipping? = nil, statementDescriptorSuffix: String? = nil, transferGroup: String? = nil,
        paymentIntentID: String? = nil
    ) throws(PaymentsError) {
        guard amount >= currency.chargeAmountMin else {
            throw .invalidRequest(
                code: .amountTooSmall,
                message: "Amount must be at least \(currency.format(currency.chargeAmountMin)).", param: "amount")
        }
        guard amount <= currency.chargeAmountMax else {
            throw .invalidRequest(
                code: .amountTooLarge,
                message: "Amount must be no more than \(currency.format(currency.chargeAmountMax)).",
                param: "amount")
        }
        try Validation.text(description, param: "description", max: Limits.descriptionLengthMax)
        try Validation.statementDescriptor(statementDescriptor)
        try Validation.email(receiptEmail, param: "receipt_email")
        try shipping?.validate()
        try Validation.statementDescriptor(
            statementDescriptorSuffix, param: "statement_descriptor_suffix", lengthMin: 1)
        try Validation.text(transferGroup, param: "transfer_group", max: Limits.transferGroupLengthMax)
        self.amount = amount
        self.currency = currency
        self.source = source
        self.capture = capture
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
        self.customerID = customerID
        self.shipping = shipping
        self.statementDescriptorSuffix = statementDescriptorSuffix
        self.transferGroup = transferGroup
        self.paymentIntentID = paymentIntentID
    }
}
