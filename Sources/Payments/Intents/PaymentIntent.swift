/// A payment's state machine, on top of charges: each confirmation makes one charge through the charge path, and the
/// intent follows its latest charge (the database moves it, sql/009; `following(_:)` is the same rule, for the
/// answer of the request that made the charge).
public struct PaymentIntent: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case requiresPaymentMethod = "requires_payment_method"
        case requiresConfirmation = "requires_confirmation"
        case processing
        case requiresCapture = "requires_capture"
        case succeeded
        case canceled
    }

    public enum CancellationReason: String, Sendable, CaseIterable {
        case duplicate
        case fraudulent
        case requestedByCustomer = "requested_by_customer"
        case abandoned
    }

    /// The decline of the last confirmation, while the intent asks for another payment method.
    public struct PaymentError: Sendable, Equatable, Codable {
        public let charge: String
        public let code: String
        public let declineCode: String?
        public let message: String?

        public init(charge: String, code: String, declineCode: String?, message: String?) {
            self.charge = charge
            self.code = code
            self.declineCode = declineCode
            self.message = message
        }

        enum CodingKeys: String, CodingKey {
            case charge, code, message
            case declineCode = "decline_code"
        }
    }

    public let id: String
    public let scope: Scope
    public var amount: Int64
    public let currency: Currency
    public var status: Status
    public let captureMethod: Charge.CaptureMethod
    public var paymentMethod: IntentPaymentMethod?
    public var customerID: String?
    public var description: String?
    public var metadata: Metadata
    public var receiptEmail: String?
    public var statementDescriptor: String?
    public var latestChargeID: String?
    public var amountCapturable: Int64
    public var amountReceived: Int64
    public let clientSecret: String
    public var canceledAt: Timestamp?
    public var cancellationReason: CancellationReason?
    public var lastPaymentError: PaymentError?
    /// The idempotency key of the confirmation in flight, if any.
    public var confirmingProcessorKey: String?
    public let created: Timestamp

    public init(
        id: String, scope: Scope, amount: Int64, currency: Currency, status: Status,
        captureMethod: Charge.CaptureMethod, paymentMethod: IntentPaymentMethod?, customerID: String?,
        description: String?, metadata: Metadata, receiptEmail: String?, statementDescriptor: String?,
        latestChargeID: String?, amountCapturable: Int64, amountReceived: Int64, clientSecret: String,
        canceledAt: Timestamp?, cancellationReason: CancellationReason?, lastPaymentError: PaymentError?,
        confirmingProcessorKey: String?, created: Timestamp
    ) {
        self.id = id
        self.scope = scope
        self.amount = amount
        self.currency = currency
        self.status = status
        self.captureMethod = captureMethod
        self.paymentMethod = paymentMethod
        self.customerID = customerID
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
        self.latestChargeID = latestChargeID
        self.amountCapturable = amountCapturable
        self.amountReceived = amountReceived
        self.clientSecret = clientSecret
        self.canceledAt = canceledAt
        self.cancellationReason = cancellationReason
        self.lastPaymentError = lastPaymentError
        self.confirmingProcessorKey = confirmingProcessorKey
        self.created = created
    }

    /// The intent after its charge changed: the rule of the database's trigger (sql/009), for answers rendered
    /// before the transaction that writes the charge.
    public func following(_ charge: Charge) -> PaymentIntent {
        var intent = self
        intent.latestChargeID = charge.id
        switch charge.status {
        case .pending: intent.status = .processing
        case .failed: intent.status = .requiresPaymentMethod
        case .succeeded: intent.status = charge.captured ? .succeeded : .requiresCapture
        }
        intent.amountReceived = charge.amountCaptured
        intent.amountCapturable = charge.status == .succeeded && !charge.captured ? charge.amount : 0
        intent.lastPaymentError = charge.failure.map {
            PaymentError(charge: charge.id, code: $0.code.rawValue, declineCode: $0.declineCode, message: $0.message)
        }
        if charge.status == .failed { intent.paymentMethod = nil }
        intent.confirmingProcessorKey = nil
        return intent
    }
}

/// What an intent pays with: one of Stripe's test PaymentMethod ids (`pm_card_visa`), which Paisa's sandbox maps to
/// the card it names, or a UPI address given as `payment_method_data[type]=upi` (Paisa's extension).
public enum IntentPaymentMethod: Sendable, Equatable {
    case card(id: String)
    case upi(id: String, vpa: String)

    public var id: String {
        switch self {
        case .card(let id): id
        case .upi(let id, _): id
        }
    }

    /// The source the charge path takes: `pm_card_visa` is `tok_visa`, a UPI address is itself.
    public var source: PaymentSource {
        switch self {
        case .card(let id): .cardToken("tok_" + id.dropFirst("pm_card_".count))
        case .upi(_, let vpa): .upi(vpa: vpa)
        }
    }

    /// Prefix of the test PaymentMethod ids Paisa knows.
    public static let testCardPrefix = "pm_card_"
}
