/// The accounts of the double-entry ledger. Each merchant has one of each per currency and mode.
public enum LedgerAccount: String, Sendable, CaseIterable {
    /// What the merchant is owed: their Paisa balance.
    case merchantBalance = "merchant_balance"
    /// Money in transit from or to the card networks and UPI: the other side of every charge and refund.
    case processorClearing = "processor_clearing"
    /// Paisa's fees, taken out of each charge.
    case platformFees = "platform_fees"
}

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
