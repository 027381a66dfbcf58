/// What was charged: a card (from a test token) or a UPI virtual payment address.
public enum PaymentMethodDetails: Sendable, Equatable {
    case card(Card)
    case upi(vpa: String)

    /// A card as a processor describes it; never the full number.
    public struct Card: Sendable, Equatable {
        /// `card_…`: the card object's id, stable per token.
        public let id: String
        /// Lowercase network name as `payment_method_details.card.brand` shows it (`visa`, `mastercard`, `amex`).
        public let brand: String
        public let last4: String
        public let expMonth: Int
        public let expYear: Int
        /// `credit`, `debit`, `prepaid` or `unknown`.
        public let funding: String
        /// Two-letter country of issue.
        public let country: String

        public init(
            id: String, brand: String, last4: String, expMonth: Int, expYear: Int, funding: String, country: String
        ) {
            self.id = id
            self.brand = brand
            self.last4 = last4
            self.expMonth = expMonth
            self.expYear = expYear
            self.funding = funding
            self.country = country
        }
    }

    /// `card` or `upi`: the `type` of `payment_method_details`.
    public var type: String {
        switch self {
        case .card: "card"
        case .upi: "upi"
        }
    }
}
