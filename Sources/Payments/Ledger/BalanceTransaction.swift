/// A posting as the merchant sees it: how much moved into or out of their balance, the fee, and the net.
public struct BalanceTransaction: Sendable, Equatable {
    public let id: String
    public let scope: Scope
    public let kind: Posting.Kind
    public let sourceID: String
    public let currency: Currency
    /// Gross: what moved before fees (negative for refunds).
    public let amount: Int64
    public let fee: Int64
    /// What the merchant's balance changed by.
    public let net: Int64
    public let description: String?
    public let created: Timestamp
    public let availableOn: Timestamp

    public init(
        id: String, scope: Scope, kind: Posting.Kind, sourceID: String, currency: Currency, fee: Int64, net: Int64,
        description: String?, created: Timestamp, availableOn: Timestamp
    ) {
        self.id = id
        self.scope = scope
        self.kind = kind
        self.sourceID = sourceID
        self.currency = currency
        self.amount = net + fee
        self.fee = fee
        self.net = net
        self.description = description
        self.created = created
        self.availableOn = availableOn
    }

    /// The view of a posting: net is the merchant's line, the fee is Paisa's.
    public init(_ posting: Posting) {
        let net = posting.entries.filter { $0.account == .merchantBalance }.reduce(Int64(0)) { $0 + $1.amount }
        let fee = posting.entries.filter { $0.account == .platformFees }.reduce(Int64(0)) { $0 + $1.amount }
        self.init(
            id: posting.id, scope: posting.scope, kind: posting.kind, sourceID: posting.sourceID,
            currency: posting.currency, fee: fee, net: net, description: posting.description,
            created: posting.created, availableOn: posting.availableOn)
    }

    /// `available` once its money may be paid out, `pending` before.
    public func isAvailable(at time: Timestamp) -> Bool {
        self.availableOn <= time
    }
}
