/// The kinds of payment source the traffic mixes, each a sandbox test source with a known behaviour.
public enum SourceKind: String, CaseIterable, Sendable, Codable {
    /// `tok_visa`: approved at once.
    case card
    /// `tok_chargeDeclined`: a 402 card error; a failed charge is stored, no money moves.
    case decline
    /// `success@upi`: approved at once.
    case upi
    /// `failure@upi`: declined.
    case upiDecline = "upi_decline"
    /// `pending@upi`: answered `pending`, settled later by the server's reconciler.
    case pending
    /// `slow@upi`: the processor answers after the request budget; the server answers `pending` in time.
    case slow

    /// The `source` parameter sent for this kind.
    public var source: String {
        switch self {
        case .card: "tok_visa"
        case .decline: "tok_chargeDeclined"
        case .upi: "success@upi"
        case .upiDecline: "failure@upi"
        case .pending: "pending@upi"
        case .slow: "slow@upi"
        }
    }

    /// The same behaviour as a PaymentIntent's payment method: Stripe's test PaymentMethod of the card, or the
    /// UPI address as `payment_method_data`.
    public var paymentMethod: [(String, String)] {
        switch self {
        case .card: [("payment_method", "pm_card_visa")]
        case .decline: [("payment_method", "pm_card_chargeDeclined")]
        case .upi, .upiDecline, .pending, .slow:
            [("payment_method_data[type]", "upi"), ("payment_method_data[upi][vpa]", self.source)]
        }
    }
}
