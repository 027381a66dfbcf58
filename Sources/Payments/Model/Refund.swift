/// A refund: money returned from the account to the charge's payer. A card refund succeeds at once; a UPI refund is
/// `pending` until the processor completes or fails it, minutes later.
public struct Refund: Sendable, Equatable {
    /// Why the merchant refunded, as Stripe's `reason` enum.
    public enum Reason: String, Sendable, CaseIterable {
        case duplicate
        case fraudulent
        case requestedByCustomer = "requested_by_customer"
    }

    /// Stripe's refund statuses that Paisa's rails reach.
    public enum Status: String, Sendable {
        /// Accepted, not completed yet (UPI): the money has left the balance already.
        case pending
        case succeeded
        /// The processor could not return the money: it is back in the balance, by a `refund_failure` posting.
        case failed
    }

    /// Why a refund failed, as Stripe's `failure_reason`.
    public enum FailureReason: String, Sendable {
        /// The payer's bank refused the refund.
        case declined
        case unknown
    }

    public let id: String
    public let scope: Scope
    public let chargeID: String
    public let amount: Int64
    public let currency: Currency
    public var status: Status
    public let reason: Reason?
    public var metadata: Metadata
    public let balanceTransactionID: String
    /// Why it failed; nil unless `failed`.
    public var failureReason: FailureReason?
    /// The `refund_failure` posting that brought the money back; nil unless `failed`.
    public var failureBalanceTransactionID: String?
    public let created: Timestamp

    public init(
        id: String, scope: Scope, chargeID: String, amount: Int64, currency: Currency, status: Status,
        reason: Reason?, metadata: Metadata, balanceTransactionID: String, failureReason: FailureReason? = nil,
        failureBalanceTransactionID: String? = nil, created: Timestamp
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
        self.failureReason = failureReason
        self.failureBalanceTransactionID = failureBalanceTransactionID
        self.created = created
    }
}
