/// A refund: money returned from the account to the charge's payer. Paisa's sandbox settles refunds at once.
public struct Refund: Sendable, Equatable {
    /// Why the merchant refunded, as Stripe's `reason` enum.
    public enum Reason: String, Sendable, CaseIterable {
        case duplicate
        case fraudulent
        case requestedByCustomer = "requested_by_customer"
    }

    /// Refunds settle immediately in the sandbox, so every stored refund has succeeded.
    public enum Status: String, Sendable {
        case succeeded
    }

    public let id: String
    public let scope: Scope
    public let chargeID: String
    public let amount: Int64
    public let currency: Currency
    public let status: Status
    public let reason: Reason?
    public var metadata: Metadata
    public let balanceTransactionID: String
    public let created: Timestamp

    public init(
        id: String, scope: Scope, chargeID: String, amount: Int64, currency: Currency, status: Status,
        reason: Reason?, metadata: Metadata, balanceTransactionID: String, created: Timestamp
    ) {
        precondition(amount > 0, "a refund returns a positive amount")
        self.id = id
        self.scope = scope
        self.chargeID = chargeID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.reason = reason
        self.metadata = metadata
        self.balanceTransactionID = balanceTransactionID
        self.created = created
    }
}
