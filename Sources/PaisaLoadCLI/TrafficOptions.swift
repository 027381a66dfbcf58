import ArgumentParser
import PaisaLoad

/// What each payment looks like and how callers retry.
struct TrafficOptions: ParsableArguments {
    @Option(help: "Source mix as kind=weight: card, decline, upi, upi_decline, pending (pending@upi), slow (slow@upi).")
    var mix: String = SourceMix.standard.text

    @Option(
        help: """
            The API payments go through: charges (POST /v1/charges), or payment_intents (a PaymentIntent per \
            payment, with its card as pm_card_* and UPI as payment_method_data).
            """)
    var api: String = "charges"

    @Option(
        help: """
            With --api payment_intents: with-create (confirm=true on the create, one request) or separately \
            (create under its own key, then POST /v1/payment_intents/:id/confirm).
            """)
    var confirm: String = "with-create"

    @Option(help: "Share of payments sent again after their answer with the same key (must replay the same charge).")
    var retryShare: Double = 0.05

    @Option(help: "Share of payments sent twice at once with the same key (exactly one charge may result).")
    var duplicateShare: Double = 0.02

    @Option(
        help: """
            Share of payments sent without an Idempotency-Key; they are retried only with the key the server's \
            answer names, and not at all after an attempt that got no answer.
            """)
    var keylessShare: Double = 0

    @Option(
        help: """
            Free text of each payment: plain, or hostile (valid text at the limits: combining marks, emoji, \
            bidirectional overrides, control characters, form-encoding characters).
            """)
    var text: String = TextStyle.plain.rawValue

    @Option(help: "Share of payments sent to the first --key (a hot account); default: spread evenly.")
    var hotShare: Double?

    @Option(help: "Smallest amount, in minor units (paise).")
    var amountMin: Int64 = 100

    @Option(help: "Largest amount, in minor units (paise).")
    var amountMax: Int64 = 100_000

    @Option(help: "Timeout of one HTTP attempt.")
    var timeout: String = "5s"

    @Option(
        help: """
            Attempts per caller, the first included; retries on timeouts, connection errors, 409 and 5xx. The \
            default outlasts a crashed request's key lease (budget + 1 s) with Retry-After pauses of 1 s.
            """)
    var attempts: Int = 6

    @Option(help: "Backoff before the first retry; doubled per retry, with jitter; Retry-After is honoured.")
    var backoff: String = "100ms"

    @Option(help: "Longest backoff, Retry-After included.")
    var backoffMax: String = "2s"

    @Option(help: "Seed of every random choice (mix, amounts, accounts, jitter, Poisson gaps). [default random]")
    var seed: UInt64?

    @Option(help: "Run id used in Idempotency-Keys and metadata[paisa_load_run]. [default random]")
    var runID: String?

    /// The validated workload for `accountCount` keys.
    func workload(accountCount: Int) throws(LoadInputError) -> Workload {
        guard self.amountMin <= self.amountMax else {
            throw LoadInputError("--amount-min must not exceed --amount-max.")
        }
        var random = SystemRandomNumberGenerator()
        return try Workload(
            runID: self.runID ?? Workload.newRunID(), seed: self.seed ?? random.next(),
            mix: try SourceMix.parse(self.mix),
            accountCount: max(accountCount, 1), hotShare: self.hotShare, retryShare: self.retryShare,
            duplicateShare: self.duplicateShare, amounts: self.amountMin...self.amountMax,
            keylessShare: self.keylessShare, text: try TextStyle.parse(self.text),
            api: try PaymentAPI.parse(api: self.api, confirm: self.confirm))
    }

    /// The validated retry policy.
    func retryPolicy() throws(LoadInputError) -> RetryPolicy {
        try RetryPolicy(
            attemptsMax: self.attempts, backoffInitial: try DurationText.parse(self.backoff),
            backoffMax: try DurationText.parse(self.backoffMax))
    }
}
