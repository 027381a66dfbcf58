/// A balanced set of ledger lines recording one money movement; its id is the balance transaction (`txn_…`).
/// The lines of a posting always sum to zero, in one currency, and are written in one statement, once.
public struct Posting: Sendable, Equatable {
    /// What moved the money; also the balance transaction's `type` and `reporting_category`.
    public enum Kind: String, Sendable {
        case charge
        case refund
        /// A refund that failed: its money back in the merchant's balance.
        case refundFailure = "refund_failure"
    }

    public let id: String
    public let scope: Scope
    public let kind: Kind
    /// The charge or refund this posting records.
    public let sourceID: String
    public let currency: Currency
    public let description: String?
    public let created: Timestamp
    /// When the merchant may pay the money out: before it, the amount counts as `pending` in the balance.
    public let availableOn: Timestamp
    public let entries: [LedgerEntry]

    public init(
        id: String, scope: Scope, kind: Kind, sourceID: String, currency: Currency, description: String?,
        created: Timestamp, availableOn: Timestamp, entries: [LedgerEntry]
    ) {
        precondition(entries.count >= 2, "double entry needs two sides")
        precondition(Posting.sum(entries) == 0, "a posting balances")
        self.id = id
        self.scope = scope
        self.kind = kind
        self.sourceID = sourceID
        self.currency = currency
        self.description = description
        self.created = created
        self.availableOn = availableOn
        self.entries = entries
    }

    /// The sum of the lines, checked for overflow.
    public static func sum(_ entries: [LedgerEntry]) -> Int64 {
        entries.reduce(Int64(0)) { total, entry in
            let (sum, overflow) = total.addingReportingOverflow(entry.amount)
            precondition(!overflow, "ledger sums fit in 64 bits")
            return sum
        }
    }

    /// The posting for a captured charge: the processor owes the amount, the merchant gets it less the fee.
    public static func capture(
        of charge: Charge, amount: Int64, fee: Int64, availableOn: Timestamp, at time: Timestamp
    )
        -> Posting
    {
        precondition(amount > 0 && (0..<amount).contains(fee), "a fee is less than what it is taken from")
        var entries = [LedgerEntry(.processorClearing, -amount), LedgerEntry(.merchantBalance, amount - fee)]
        if fee > 0 { entries.append(LedgerEntry(.platformFees, fee)) }
        return Posting(
            id: ObjectID.make(.balanceTransaction), scope: charge.scope, kind: .charge, sourceID: charge.id,
            currency: charge.currency, description: charge.description, created: time, availableOn: availableOn,
            entries: entries)
    }

    /// The posting for a refund: the merchant's balance returns the amount to the processor, at once.
    public static func refund(_ refundID: String, of charge: Charge, amount: Int64, at time: Timestamp) -> Posting {
        Posting(
            id: ObjectID.make(.balanceTransaction), scope: charge.scope, kind: .refund, sourceID: refundID,
            currency: charge.currency, description: "REFUND FOR CHARGE (\(charge.description ?? charge.id))",
            created: time, availableOn: time,
            entries: [LedgerEntry(.merchantBalance, -amount), LedgerEntry(.processorClearing, amount)])
    }

    /// The posting for a refund that failed: the refund's posting reversed, the money back in the balance at once.
    public static func refundFailure(of refund: Refund, at time: Timestamp) -> Posting {
        Posting(
            id: ObjectID.make(.balanceTransaction), scope: refund.scope, kind: .refundFailure, sourceID: refund.id,
            currency: refund.currency, description: "REFUND FAILURE (\(refund.id))", created: time, availableOn: time,
            entries: [LedgerEntry(.merchantBalance, refund.amount), LedgerEntry(.processorClearing, -refund.amount)])
    }
}
