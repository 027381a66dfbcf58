/// What the client saw of one logical payment, across all its callers and attempts: the audit's evidence.
public struct PaymentRecord: Sendable, Equatable {
    /// One definitive answer.
    public enum Answer: Sendable, Equatable {
        /// 200 with this charge.
        case charge(id: String, status: ChargeStatus)
        /// 402 naming the declined charge (nil if the server did not name it).
        case declined(chargeID: String?)

        /// The charge the answer names, if any.
        public var chargeID: String? {
            switch self {
            case .charge(let id, _): id
            case .declined(let id): id
            }
        }
    }

    /// What was asked for.
    public let plan: PaymentPlan
    /// Every definitive answer any caller got, in the order they arrived.
    public var answers: [Answer]
    /// When no caller got an answer, how the primary caller's last attempt ended (`timeout`, `http_503`, …);
    /// nil when answered.
    public var errorClass: String?
    /// Attempts made by all callers together.
    public var attempts: Int
    /// When the first answer with a final status (succeeded, failed, or a decline) arrived, on the run's clock;
    /// nil when no answer was final (pending, or none at all). The webhook lag is measured from it.
    public var finalAnswerAt: ContinuousClock.Instant?
    /// The stage the payment's intended start fell in.
    public var stageIndex: Int
    /// The PaymentIntents any answer named (payments through PaymentIntents only), in first-seen order.
    public var intentIDs: [String] = []

    /// A record.
    public init(
        plan: PaymentPlan, answers: [Answer], errorClass: String?, attempts: Int,
        finalAnswerAt: ContinuousClock.Instant? = nil, stageIndex: Int = 0
    ) {
        self.plan = plan
        self.answers = answers
        self.errorClass = errorClass
        self.attempts = attempts
        self.finalAnswerAt = finalAnswerAt
        self.stageIndex = stageIndex
    }

    /// Whether any caller got a definitive answer.
    public var isAnswered: Bool { !self.answers.isEmpty }

    /// The distinct charge ids the answers named, in first-seen order.
    public var answeredChargeIDs: [String] {
        var seen: [String] = []
        for id in self.answers.compactMap(\.chargeID) where !seen.contains(id) { seen.append(id) }
        return seen
    }
}
