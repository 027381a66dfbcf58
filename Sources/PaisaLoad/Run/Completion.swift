/// How one arrival's work ended, in the terms the statistics count: a payment (with its audit record) or,
/// in probe mode, a plain request.
struct Completion: Sendable {
    /// Why it ended without an answer (`timeout`, `http_503`, …); nil when answered.
    var errorClass: String?
    /// The first definitive answer, which decides whether it counts as succeeded, pending or declined.
    var firstAnswer: PaymentRecord.Answer?
    /// HTTP attempts made.
    var attempts: Int
    /// The payment's record for the audit; nil for probes.
    var record: PaymentRecord?
    /// When the first attempt was really sent (for the uncorrected latency).
    var firstSent: ContinuousClock.Instant
    /// When the work ended.
    var finished: ContinuousClock.Instant
}
