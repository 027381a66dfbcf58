import Payments

/// The sandbox's test instruments and what each one does: Stripe's test tokens for cards, and four UPI addresses.
/// Pure data, so validation can consult it before anything is stored.
public enum SandboxCatalog {
    /// What the sandbox does with an instrument.
    public enum Behaviour: Sendable, Equatable {
        /// Approved after the configured card latency; `availableImmediately` skips the pending balance.
        case approve(availableImmediately: Bool)
        /// Declined with this failure.
        case decline(Charge.Failure)
        /// UPI `pending@upi`: answers pending at once, approves after the configured settle delay.
        case approveLater
        /// UPI `slow@upi`: approves, but only after the configured slow delay.
        case approveSlowly
    }

    /// A test card token: the card it stands for and what charging it does.
    public struct CardToken: Sendable {
        public let card: PaymentMethodDetails.Card
        public let behaviour: Behaviour
    }

    private static let declined = "Your card was declined."

    private static func card(
        _ token: String, _ brand: String, _ last4: String, funding: String = "credit", country: String = "US",
        _ behaviour: Behaviour
    ) -> (String, CardToken) {
        // Test cards expire in December of a year far enough ahead never to need editing.
        let card = PaymentMethodDetails.Card(
            id: "card_template", brand: brand, last4: last4, expMonth: 12, expYear: 2034, funding: funding,
            country: country)
        return (token, CardToken(card: card, behaviour: behaviour))
    }

    private static func decline(_ code: ErrorCode, _ declineCode: String?, _ message: String) -> Behaviour {
        .decline(Charge.Failure(code: code, declineCode: declineCode, message: message))
    }

    /// Every card token the sandbox knows.
    public static let cardTokens: [String: CardToken] = Dictionary(
        uniqueKeysWithValues: [
            card("tok_visa", "visa", "4242", .approve(availableImmediately: false)),
            card("tok_visa_debit", "visa", "5556", funding: "debit", .approve(availableImmediately: false)),
            card("tok_mastercard", "mastercard", "4444", .approve(availableImmediately: false)),
            card("tok_mastercard_debit", "mastercard", "8210", funding: "debit", .approve(availableImmediately: false)),
            card("tok_amex", "amex", "8431", .approve(availableImmediately: false)),
            card("tok_in", "visa", "0003", country: "IN", .approve(availableImmediately: false)),
            card("tok_bypassPending", "visa", "0077", .approve(availableImmediately: true)),
            card("tok_chargeDeclined", "visa", "0002", decline(.cardDeclined, "generic_decline", declined)),
            card(
                "tok_chargeDeclinedInsufficientFunds", "visa", "9995",
                decline(.cardDeclined, "insufficient_funds", "Your card has insufficient funds.")),
            card("tok_chargeDeclinedLostCard", "visa", "9987", decline(.cardDeclined, "lost_card", declined)),
            card("tok_chargeDeclinedStolenCard", "visa", "9979", decline(.cardDeclined, "stolen_card", declined)),
            card("tok_chargeDeclinedFraudulent", "visa", "0019", decline(.cardDeclined, "fraudulent", declined)),
            card(
                "tok_chargeDeclinedExpiredCard", "visa", "0069",
                decline(.expiredCard, "expired_card", "Your card has expired.")),
            card(
                "tok_chargeDeclinedIncorrectCvc", "visa", "0127",
                decline(.incorrectCvc, "incorrect_cvc", "Your card's security code is incorrect.")),
            card(
                "tok_chargeDeclinedProcessingError", "visa", "0119",
                decline(
                    .processingError, "processing_error",
                    "An error occurred while processing your card. Try again in a little bit.")),
            card(
                "tok_chargeDeclinedVelocityLimitExceeded", "visa", "6975",
                decline(.cardDeclined, "card_velocity_exceeded", declined)),
            card("tok_chargeCustomerFail", "visa", "0341", decline(.cardDeclined, "generic_decline", declined)),
        ])

    /// The sandbox UPI addresses.
    public static let upiAddresses: [String: Behaviour] = [
        "success@upi": .approve(availableImmediately: false),
        // Pays like success@upi; its refunds fail at the payer's bank.
        Self.refundFailsAddress: .approve(availableImmediately: false),
        "failure@upi": decline(
            .paymentMethodProviderDecline, nil,
            "The payer's bank declined the UPI payment. Ask the payer to try again or use another method."),
        "pending@upi": .approveLater,
        "slow@upi": .approveSlowly,
    ]

    /// The UPI address whose payments succeed and whose refunds fail.
    public static let refundFailsAddress = "refundfail@upi"

    /// What a source does, or the client's mistake that stops it.
    public static func behaviour(
        of source: PaymentSource, currency: Currency, capture: Bool
    ) throws(PaymentsError)
        -> (PaymentMethodDetails, Behaviour)
    {
        switch source {
        case .cardToken(let token):
            guard let known = Self.cardTokens[token] else {
                throw .invalidRequest(
                    code: .resourceMissing,
                    message: "No such token: '\(token)'. The sandbox takes Stripe's test tokens such as tok_visa, "
                        + "tok_mastercard, tok_amex and tok_chargeDeclined.",
                    param: "source")
            }
            // Like a token, each use makes a new card object; its details stay those of the test card.
            let card = PaymentMethodDetails.Card(
                id: ObjectID.make(.card), brand: known.card.brand, last4: known.card.last4,
                expMonth: known.card.expMonth, expYear: known.card.expYear, funding: known.card.funding,
                country: known.card.country)
            return (.card(card), known.behaviour)
        case .upi(let vpa):
            try Self.checkUPIAddress(vpa)
            guard currency.code == "inr" else {
                throw .invalidRequest(
                    code: .chargeInvalidParameter,
                    message: "UPI payments are in Indian rupees: use currency=inr with a UPI address.",
                    param: "currency")
            }
            guard capture else {
                throw .invalidRequest(
                    code: .chargeInvalidParameter,
                    message: "UPI payments capture at once: capture=false works only with cards.",
                    param: "capture")
            }
            guard let behaviour = Self.upiAddresses[vpa] else {
                throw .invalidRequest(
                    code: .resourceMissing,
                    message: "No such test UPI address: '\(vpa)'. The sandbox takes success@upi, failure@upi, "
                        + "pending@upi, slow@upi and refundfail@upi.",
                    param: "source")
            }
            return (.upi(vpa: vpa), behaviour)
        }
    }

    /// A UPI address is `name@handle`: letters, digits, `.`, `-` and `_` around exactly one `@`.
    static func checkUPIAddress(_ vpa: String) throws(PaymentsError) {
        let parts = vpa.split(separator: "@", omittingEmptySubsequences: false)
        let allowed = { (character: Character) in
            character.isASCII && (character.isLetter || character.isNumber || ".-_".contains(character))
        }
        guard vpa.utf8.count <= Limits.vpaLengthMax, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts.allSatisfy({ $0.allSatisfy(allowed) })
        else {
            throw .invalidRequest(
                code: .chargeInvalidParameter,
                message: "'\(vpa)' is not a UPI address. Write it as name@handle, for example success@upi.",
                param: "source")
        }
    }
}
