/// A merchant's balance per currency, summed from the ledger's merchant lines.
public struct Balance: Sendable, Equatable {
    /// One currency's amounts.
    public struct Amounts: Sendable, Equatable {
        public let currency: Currency
        public let available: Int64
        public let pending: Int64

        public init(currency: Currency, available: Int64, pending: Int64) {
            self.currency = currency
            self.available = available
            self.pending = pending
        }
    }

    public let scope: Scope
    public let amounts: [Amounts]

    public init(scope: Scope, amounts: [Amounts]) {
        self.scope = scope
        self.amounts = amounts
    }
}
