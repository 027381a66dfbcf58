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

    /// What became of a refund the processor accepted as pending (a UPI refund): nil while it is still in flight.
    /// Asking again answers the same.
    func refundOutcome(of refund: Refund, charge: Charge) async throws -> RefundOutcome?

    /// The approvals the processor made that were not voided, oldest first, after `cursor` (or, without one,
    /// made within `lookback`), and older than `grace` by the processor's own clock: what the sweep compares with
    /// the charges Paisa recorded.
    func approvals(
        after cursor: ProcessorApproval.Cursor?, lookback: Duration, olderThan grace: Duration, limit: Int
    ) async throws -> [ProcessorApproval]
}

/// How a pending refund ended at the processor.
public enum RefundOutcome: Sendable, Equatable {
    case succeeded
    case failed(Refund.FailureReason)
}
