/// A charge with the related objects an answer shows alongside it: its balance transaction when expanded, and its
/// refunds for API versions that embed them.
public struct ChargeView: Sendable {
    public var charge: Charge
    public var balanceTransaction: BalanceTransaction?
    public var refunds: Page<Refund>?

    public init(charge: Charge, balanceTransaction: BalanceTransaction? = nil, refunds: Page<Refund>? = nil) {
        self.charge = charge
        self.balanceTransaction = balanceTransaction
        self.refunds = refunds
    }
}

/// Which related objects to load with a charge.
public struct ChargeRelations: OptionSet, Sendable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public static let balanceTransaction = ChargeRelations(rawValue: 1)
    public static let refunds = ChargeRelations(rawValue: 2)

    /// Refunds embedded in a charge show at most this many, with `has_more` for the rest.
    public static let embeddedRefundsMax = 10
}
