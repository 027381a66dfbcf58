/// The accounts of the double-entry ledger. Each merchant has one of each per currency and mode.
public enum LedgerAccount: String, Sendable, CaseIterable {
    /// What the merchant is owed: their Paisa balance.
    case merchantBalance = "merchant_balance"
    /// Money in transit from or to the card networks and UPI: the other side of every charge and refund.
    case processorClearing = "processor_clearing"
    /// Paisa's fees, taken out of each charge.
    case platformFees = "platform_fees"
}
