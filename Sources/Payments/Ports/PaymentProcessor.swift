/// The port to whoever moves the money: card networks and UPI in production, the sandbox here.
///
/// A processor is idempotent per processor key, like a real acquirer: calling `authorize` again with the same key
/// returns the first answer and moves no more money. That is what makes a retry after a crash safe.
public protocol PaymentProcessor: Sendable {
    /// Checks that the processor can charge `source` in `currency` at all, before anything is stored, and says
    /// what the payment method looks like. Throws an error the client can fix (an unknown token, say).
    func describe(
        source: PaymentSource, currency: Currency, capture: Bool
    ) throws(PaymentsError)
        -> PaymentMethodDetails

    /// Asks for the money. The call may take a while; the caller bounds it by its deadline and treats a late
    /// answer as `pending`.
    func authorize(_ authorization: Authorization) async throws -> ProcessorDecision

    /// What the processor decided for a processor key, or nil if it never saw the key.
    func status(processorKey: String) async throws -> ProcessorDecision?

    /// Cancels a payment Paisa could not record: an approval is released (no money moves), a pending one will
    /// not be approved, and asking about the key again answers a decline. A void for a key the processor has not
    /// seen yet (an authorization still in flight) is kept, and that authorization is declined when it arrives.
    /// Repeating it changes nothing.
    func void(processorKey: String) async throws

    /// The approvals the processor made that were not voided, oldest first, after `cursor` (or, without one,
    /// made within `lookback`), and older than `grace` by the processor's own clock: what the sweep compares with
    /// the charges Paisa recorded.
    func approvals(
        after cursor: ProcessorApproval.Cursor?, lookback: Duration, olderThan grace: Duration, limit: Int
    ) async throws -> [ProcessorApproval]
}

/// A payment the processor approved, as its own records show it.
public struct ProcessorApproval: Sendable, Equatable {
    /// Where a scan of approvals has got to: creation time, then processor key.
    public struct Cursor: Sendable, Equatable {
        public let created: Timestamp
        public let processorKey: String

        public init(created: Timestamp, processorKey: String) {
            self.created = created
            self.processorKey = processorKey
        }
    }

    /// Nil for records made before the processor kept the merchant's scope.
    public let scope: Scope?
    public let processorKey: String
    public let amount: Int64
    public let currency: String
    public let created: Timestamp

    public init(scope: Scope?, processorKey: String, amount: Int64, currency: String, created: Timestamp) {
        self.scope = scope
        self.processorKey = processorKey
        self.amount = amount
        self.currency = currency
        self.created = created
    }

    public var cursor: Cursor { Cursor(created: self.created, processorKey: self.processorKey) }
}

/// An approval without a charge, as the sweep keeps it.
public struct UnrecordedApproval: Sendable, Equatable {
    public let approval: ProcessorApproval
    /// When it was reported stranded; nil while it is recovering.
    public let strandedAt: Timestamp?

    public init(approval: ProcessorApproval, strandedAt: Timestamp?) {
        self.approval = approval
        self.strandedAt = strandedAt
    }
}

/// How a sweep pass starts.
public enum ApprovalSweepStart: Sendable, Equatable {
    /// Another instance holds the sweep's lease.
    case busy
    /// This instance sweeps, from where the last pass stopped (nil: from `lookback` ago).
    case started(watermark: ProcessorApproval.Cursor?)
}

/// One request for money.
public struct Authorization: Sendable, Equatable {
    public let processorKey: String
    public let scope: Scope
    public let amount: Int64
    public let currency: Currency
    public let source: PaymentSource

    public init(processorKey: String, scope: Scope, amount: Int64, currency: Currency, source: PaymentSource) {
        self.processorKey = processorKey
        self.scope = scope
        self.amount = amount
        self.currency = currency
        self.source = source
    }
}

/// A processor's answer.
public enum ProcessorDecision: Sendable, Equatable {
    /// The money is authorized. `availableImmediately` is the sandbox's `tok_bypassPending`.
    case approved(availableImmediately: Bool)
    /// The issuer or bank said no.
    case declined(Charge.Failure)
    /// The bank has not decided yet (UPI's deemed or pending state); ask again later.
    case pending
}
