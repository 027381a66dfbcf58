/// A charge with the related objects an answer shows alongside it: its balance transaction and customer when
/// expanded, and its refunds for API versions that embed them.
public struct ChargeView: Sendable {
    public var charge: Charge
    public var balanceTransaction: BalanceTransaction?
    public var refunds: Page<Refund>?
    public var customer: Customer?

    public init(charge: Charge, balanceTransaction: BalanceTransaction? = nil, refunds: Page<Refund>? = nil) {
        self.charge = charge
        self.balanceTransaction = balanceTransaction
        self.refunds = refunds
    }
}
