/// A charge: an attempt to move money from a card or UPI address to the account, whatever its outcome.
/// Declined charges are stored too (`status: failed`), as Stripe does.
public struct Charge: Sendable, Equatable {
    /// `succeeded`: the money is authorized (and captured unless `capture=false`); `pending`: the processor has
    /// not decided yet; `failed`: declined.
    public enum Status: String, Sendable {
        case succeeded
        case pending
        case failed
    }

    /// Why a charge failed: Stripe's `failure_code` (and `decline_code` for card declines) with a message.
    public struct Failure: Sendable, Equatable {
        public let code: ErrorCode
        public let declineCode: String?
        public let message: String

        public init(code: ErrorCode, declineCode: String?, message: String) {
            self.code = code
            self.declineCode = declineCode
            self.message = message
        }
    }

    /// Whether the charge captures as soon as it is authorized, or waits for a capture request.
    public enum CaptureMethod: String, Sendable {
        case automatic
        case manual
    }

    public let id: String
    public let scope: Scope
    public let amount: Int64
    public let currency: Currency
    public var amountCaptured: Int64
    /// Refunded plus, after a partial capture, the released remainder (as Stripe counts it).
    public var amountRefunded: Int64
    public var captured: Bool
    public let captureMethod: CaptureMethod
    public var status: Status
    public var failure: Failure?
    public let paymentMethod: PaymentMethodDetails
    public var balanceTransactionID: String?
    public var description: String?
    public var metadata: Metadata
    public var receiptEmail: String?
    public let statementDescriptor: String?
    /// The customer the charge is for, of the same account and mode.
    public let customerID: String?
    /// Where the goods go, the statement descriptor's dynamic end, and the group of the charge's transfers: stored
    /// and shown as given.
    public let shipping: Shipping?
    public let statementDescriptorSuffix: String?
    public let transferGroup: String?
    /// The PaymentIntent whose confirmation made this charge.
    public let paymentIntentID: String?
    /// The key this charge was authorized under at the processor; unique per account.
    public let processorKey: String
    public let created: Timestamp

    public init(
        id: String, scope: Scope, amount: Int64, currency: Currency, amountCaptured: Int64, amountRefunded: Int64,
        captured: Bool, captureMethod: CaptureMethod, status: Status, failure: Failure?,
        paymentMethod: PaymentMethodDetails,
        balanceTransactionID: String?, description: String?, metadata: Metadata, receiptEmail: String?,
        statementDescriptor: String?, customerID: String? = nil, shipping: Shipping? = nil,
        statementDescriptorSuffix: String? = nil, transferGroup: String? = nil, paymentIntentID: String? = nil,
        processorKey: String,
        created: Timestamp
    ) {
        precondition(amount > 0, "a charge moves a positive amount")
        precondition((0...amount).contains(amountCaptured), "captured within the amount")
        precondition((0...amount).contains(amountRefunded), "refunded within the amount")
        self.id = id
        self.scope = scope
        self.amount = amount
        self.currency = currency
        self.amountCaptured = amountCaptured
        self.amountRefunded = amountRefunded
        self.captured = captured
        self.captureMethod = captureMethod
        self.status = status
        self.failure = failure
        self.paymentMethod = paymentMethod
        self.balanceTransactionID = balanceTransactionID
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
        self.customerID = customerID
        self.shipping = shipping
        self.statementDescriptorSuffix = statementDescriptorSuffix
        self.transferGroup = transferGroup
        self.paymentIntentID = paymentIntentID
        self.processorKey = processorKey
        self.created = created
    }

    /// True once the money is authorized: succeeded, captured or not.
    public var paid: Bool { self.status == .succeeded }

    /// True once nothing is left to refund (a charge refunded in full, or released in full before capture).
    public var refunded: Bool { self.amountRefunded == self.amount }

    /// What a refund may still take back: the captured amount not yet refunded.
    public var refundableAmount: Int64 {
        guard self.captured else { return 0 }
        return self.amount - self.amountRefunded
    }
}
