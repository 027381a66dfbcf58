/// Which related objects to load with a charge.
public struct ChargeRelations: OptionSet, Sendable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public static let balanceTransaction = ChargeRelations(rawValue: 1)
    public static let refunds = ChargeRelations(rawValue: 2)
    public static let customer = ChargeRelations(rawValue: 4)

    /// Refunds embedded in a charge show at most this many, with `has_more` for the rest.
    public static let embeddedRefundsMax = 10
}
