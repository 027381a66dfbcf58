/// Something that happened to an object: written by the database in the transaction that changed the object, so
/// there is exactly one per change. It keeps the object as it was after the change and, for a change of an existing
/// object, the values the changed fields had before it.
public struct Event: Sendable, Equatable {
    /// The objects events are about.
    public enum Object: Sendable, Equatable {
        case charge(Charge)
        case refund(Refund)
        case customer(Customer)
        case paymentIntent(PaymentIntent)

        public var id: String {
            switch self {
            case .charge(let charge): charge.id
            case .refund(let refund): refund.id
            case .customer(let customer): customer.id
            case .paymentIntent(let intent): intent.id
            }
        }
    }

    public let id: String
    public let scope: Scope
    public let type: EventType
    /// The object after the change.
    public let object: Object
    /// The object before the change, for changes of an existing object; nil when the event made it.
    public let previous: Object?
    /// The request that made the change, and its idempotency key; nil for changes made in the background.
    public let requestID: String?
    public let idempotencyKey: String?
    public let created: Timestamp
    /// Deliveries of this event still to be made.
    public let pendingWebhooks: Int

    public init(
        id: String, scope: Scope, type: EventType, object: Object, previous: Object?, requestID: String?,
        idempotencyKey: String?, created: Timestamp, pendingWebhooks: Int
    ) {
        self.id = id
        self.scope = scope
        self.type = type
        self.object = object
        self.previous = previous
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
        self.created = created
        self.pendingWebhooks = pendingWebhooks
    }
}

/// The kinds of events Paisa writes (the triggers in sql/006, 007, 009 and 011 decide which change is which).
public enum EventType: String, Sendable, CaseIterable {
    case chargeCaptured = "charge.captured"
    case chargeFailed = "charge.failed"
    case chargePending = "charge.pending"
    case chargeRefunded = "charge.refunded"
    case chargeRefundUpdated = "charge.refund.updated"
    case chargeSucceeded = "charge.succeeded"
    case chargeUpdated = "charge.updated"
    case customerCreated = "customer.created"
    case customerDeleted = "customer.deleted"
    case customerUpdated = "customer.updated"
    case paymentIntentAmountCapturableUpdated = "payment_intent.amount_capturable_updated"
    case paymentIntentCanceled = "payment_intent.canceled"
    case paymentIntentCreated = "payment_intent.created"
    case paymentIntentPaymentFailed = "payment_intent.payment_failed"
    case paymentIntentProcessing = "payment_intent.processing"
    case paymentIntentSucceeded = "payment_intent.succeeded"
    case refundCreated = "refund.created"
    case refundFailed = "refund.failed"
    case refundUpdated = "refund.updated"

    /// What an endpoint's `enabled_events` may hold besides the types themselves: every type.
    public static let wildcard = "*"
}
