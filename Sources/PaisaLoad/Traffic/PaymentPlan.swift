/// One logical payment the run makes: who pays whom how much, and how the client will (deliberately) repeat it.
public struct PaymentPlan: Sendable, Equatable {
    /// How the payment is sent besides the first request.
    public enum Duplication: String, Sendable, Codable, CaseIterable {
        /// One caller, retrying only on failures.
        case none
        /// After the answer, the same request again with the same key: it must replay the same charge.
        case sequentialRetry = "sequential_retry"
        /// Two callers at once with the same key: exactly one charge may result.
        case concurrentDuplicate = "concurrent_duplicate"
    }

    /// The arrival that started it; unique in the run.
    public let index: Int
    /// Which API key (account) pays it, an index into the run's keys.
    public let accountIndex: Int
    /// Minor units (paise).
    public let amount: Int64
    /// The source kind and with it the expected behaviour.
    public let source: SourceKind
    /// Deliberate repetition.
    public let duplication: Duplication
    /// Sent without an `Idempotency-Key`: retried only with the key the server's answer names, and not at all
    /// after an attempt that got no answer.
    public var keyless: Bool = false
}
