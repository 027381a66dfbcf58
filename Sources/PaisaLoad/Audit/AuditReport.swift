/// The audit's findings: whether every payment maps to exactly one charge, the balance moved by exactly the run's
/// successful charges and, with `--webhooks`, every charge's final event arrived, and nothing else did.
public struct AuditReport: Sendable, Codable, Equatable {
    /// The overall finding.
    public enum Verdict: String, Sendable, Codable {
        /// Every check ran and found nothing.
        case passed
        /// A double, a loss, an unrequested charge, a mismatch or a wrong balance: money went wrong; or a webhook
        /// was missing, foreign or not authentic.
        case failed
        /// Nothing wrong was found, but a check could not run (an endpoint failed, charges stayed pending).
        case inconclusive
    }

    /// What kind of problem one finding is.
    public enum ProblemKind: String, Sendable, Codable, CaseIterable {
        /// One payment produced more than one charge.
        case doubled
        /// A payment was answered with a charge the server does not list.
        case lost
        /// A charge tagged with this run that no payment asked for.
        case unrequested
        /// A charge whose amount, currency, account or status contradicts its payment or its answer.
        case mismatched
        /// An account's balance moved by something other than the sum of its successful charges.
        case balance
        /// The server reports payments its processor approved that have no charge (`/readyz`'s stranded ones).
        case stranded
        /// A charge of the run ended, but its final event (`charge.succeeded` or `charge.failed`) never arrived.
        case webhookMissing = "webhook_missing"
        /// An event arrived about a charge the run did not make, or about a refund of one, or through the endpoint
        /// of another account than its charge's.
        case webhookForeign = "webhook_foreign"
        /// A delivery's signature failed (missing, malformed, forged or stale).
        case webhookSignature = "webhook_signature"
        /// An authentic delivery that was not an event (or too large to read).
        case webhookMalformed = "webhook_malformed"

        /// Whether the kind is found by the webhook check (only counted in runs with `--webhooks`).
        public var isWebhook: Bool {
            switch self {
            case .webhookMissing, .webhookForeign, .webhookSignature, .webhookMalformed: true
            default: false
            }
        }
    }

    /// One finding, with the evidence.
    public struct Problem: Sendable, Codable, Equatable {
        public var kind: ProblemKind
        /// The payment index, when the finding concerns one payment.
        public var payment: Int?
        /// What was found, in a sentence.
        public var detail: String
    }

    /// One account's balance check in one currency.
    public struct BalanceCheck: Sendable, Codable, Equatable {
        public var account: Int
        public var currency: String
        /// Available plus pending before the run.
        public var before: Int64
        /// Available plus pending after the run and the settling wait.
        public var after: Int64
        /// The sum of the nets of the run's succeeded, captured charges.
        public var expected: Int64
        /// Whether `after - before == expected`.
        public var passed: Bool
    }

    /// Problems listed in full at most; the counts are always complete.
    public static let problemsListedMax = 50

    public var verdict: Verdict
    /// Payments the client made.
    public var payments: Int
    /// Payments that got a definitive answer.
    public var answered: Int
    /// Payments without an answer that nonetheless have a charge on the server (allowed: at most one each).
    public var unansweredCharged: Int
    /// Charges of this run the server lists.
    public var serverCharges: Int
    /// Charges still pending when the audit stopped waiting.
    public var pendingRemaining: Int
    /// Problems by kind (the webhook kinds only in runs with `--webhooks`).
    public var counts: [String: Int]
    /// The first problems, in full.
    public var problems: [Problem]
    /// The balance checks that ran.
    public var balances: [BalanceCheck]
    /// What could not be checked, and why.
    public var notes: [String]
}
