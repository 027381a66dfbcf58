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

    /// Checks the business rules every charge obeys; the API has already checked types and names.
    public init(
        amount: Int64, currency: Currency, source: PaymentSource, capture: Bool, description: String?,
        metadata: Metadata, receiptEmail: String?, statementDescriptor: String?
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
        self.amount = amount
        self.currency = currency
        self.source = source
        self.capture = capture
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
    }
}
