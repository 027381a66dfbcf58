/// One line of a posting: an amount, signed, on one ledger account.
public struct LedgerEntry: Sendable, Equatable {
    public let account: LedgerAccount
    public let amount: Int64

    public init(_ account: LedgerAccount, _ amount: Int64) {
        precondition(amount != 0, "a ledger line moves money")
        self.account = account
        self.amount = amount
    }
}
