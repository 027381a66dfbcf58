/// One request for money.
public struct Authorization: Sendable, Equatable {
    public let processorKey: String
    public let scope: Scope
    public let amount: Int64
    public let currency: Currency
    public let source: PaymentSource

    public init(processorKey: String, scope: Scope, amount: Int64, currency: Currency, source: PaymentSource) {
        self.processorKey = processorKey
        self.scope = scope
        self.amount = amount
        self.currency = currency
        self.source = source
    }
}
