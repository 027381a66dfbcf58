/// What the run sends: the source mix, the deliberate retries and duplicates, the accounts and the amounts.
///
/// Every payment's plan is a pure function of the seed and its index, so a run can be repeated exactly and the
/// audit can recompute what each payment asked for.
public struct Workload: Sendable {
    /// Stripe's (and Paisa's) smallest charge is 50 minor units.
    public static let amountMinimum: Int64 = 50
    /// The largest amount we send: ₹10 lakh, far above any sandbox rule and far below any overflow.
    public static let amountMaximum: Int64 = 100_000_000
    /// The only currency every sandbox source takes: UPI is INR-only, and cards accept INR too.
    public static let currency = "inr"
    /// Metadata key carrying the run id, so the audit can find every charge of this run.
    public static let runMetadataKey = "paisa_load_run"
    /// Metadata key carrying the payment's index, so the audit maps each charge back to its payment.
    public static let paymentMetadataKey = "paisa_load_payment"
    /// Run ids go into keys and metadata values; short and plain keeps both far inside the API's limits.
    public static let runIDLengthMax = 40

    /// Names this run in keys and metadata.
    public let runID: String
    /// Seeds every random choice.
    public let seed: UInt64
    /// Which sources are drawn.
    public let mix: SourceMix
    /// How many API keys (accounts) share the traffic.
    public let accountCount: Int
    /// Share of payments sent to the first account (a hot account); nil spreads them evenly.
    public let hotShare: Double?
    /// Share of payments repeated after their answer with the same key.
    public let retryShare: Double
    /// Share of payments sent twice at once with the same key.
    public let duplicateShare: Double
    /// Amounts are drawn uniformly from this range, in minor units.
    public let amounts: ClosedRange<Int64>
    /// Share of payments sent without an `Idempotency-Key`, retried only with the key the server names.
    public let keylessShare: Double
    /// What descriptions and metadata look like.
    public let text: TextStyle
    /// Which API the payments go through.
    public let api: PaymentAPI

    /// A validated workload.
    public init(
        runID: String, seed: UInt64, mix: SourceMix, accountCount: Int, hotShare: Double?, retryShare: Double,
        duplicateShare: Double, amounts: ClosedRange<Int64>, keylessShare: Double = 0, text: TextStyle = .plain,
        api: PaymentAPI = .charges
    ) throws(LoadInputError) {
        try Self.validateRunID(runID)
        guard accountCount >= 1 else { throw LoadInputError("At least one API key is needed (--key).") }
        for (name, share) in [
            ("--retry-share", retryShare), ("--duplicate-share", duplicateShare), ("--keyless-share", keylessShare),
        ] {
            guard (0...1).contains(share) else { throw LoadInputError("\(name) must be between 0 and 1.") }
        }
        guard retryShare + duplicateShare <= 1 else {
            throw LoadInputError("--retry-share and --duplicate-share together must not exceed 1.")
        }
        if let hotShare, !(0...1).contains(hotShare) {
            throw LoadInputError("--hot-share must be between 0 and 1.")
        }
        guard amounts.lowerBound >= Self.amountMinimum, amounts.upperBound <= Self.amountMaximum else {
            throw LoadInputError(
                "Amounts must lie between \(Self.amountMinimum) and \(Self.amountMaximum) minor units.")
        }
        self.runID = runID
        self.seed = seed
        self.mix = mix
        self.accountCount = accountCount
        self.hotShare = hotShare
        self.retryShare = retryShare
        self.duplicateShare = duplicateShare
        self.amounts = amounts
        self.keylessShare = keylessShare
        self.text = text
        self.api = api
    }

    /// Run ids are lowercase letters, digits, `-` and `_`.
    static func validateRunID(_ runID: String) throws(LoadInputError) {
        let plain = runID.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
        guard !runID.isEmpty, runID.count <= Self.runIDLengthMax, plain else {
            throw LoadInputError(
                "Invalid run id '\(runID)': use up to \(Self.runIDLengthMax) lowercase letters, digits, - or _.")
        }
    }

    /// A fresh run id: ten random lowercase letters and digits.
    public static func newRunID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var random = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int(random.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// The plan of payment `index`; the same inputs always give the same plan.
    public func plan(for index: Int) -> PaymentPlan {
        var random = SeededRandom(seed: self.seed, stream: UInt64(index))
        let source = self.mix.kind(at: random.unitInterval())
        let span = UInt64(self.amounts.upperBound - self.amounts.lowerBound)
        let amount = self.amounts.lowerBound + Int64(span == 0 ? 0 : random.next(upperBound: span + 1))
        let draw = random.unitInterval()
        let duplication: PaymentPlan.Duplication =
            draw <= self.retryShare
            ? .sequentialRetry : (draw <= self.retryShare + self.duplicateShare ? .concurrentDuplicate : .none)
        let accountIndex = self.account(random.unitInterval(), random.next())
        // A client without keys cannot send the same request twice on purpose: keyless payments are never
        // duplicated, only retried with the key the server named.
        let keyless = duplication == .none && random.unitInterval() <= self.keylessShare
        return PaymentPlan(
            index: index, accountIndex: accountIndex, amount: amount, source: source, duplication: duplication,
            keyless: keyless)
    }

    /// The account a payment goes to: the hot one with `hotShare`, otherwise spread evenly over the others.
    private func account(_ unit: Double, _ bits: UInt64) -> Int {
        guard self.accountCount > 1 else { return 0 }
        guard let hotShare = self.hotShare else { return Int(bits % UInt64(self.accountCount)) }
        if unit <= hotShare { return 0 }
        return 1 + Int(bits % UInt64(self.accountCount - 1))
    }

    /// The Idempotency-Key of payment `index`: fresh per run, shared by all of the payment's attempts.
    public func idempotencyKey(for index: Int) -> String { "pl-\(self.runID)-\(index)" }

    /// The Idempotency-Key of the request that makes a payment's intent when it is confirmed separately.
    public func creationKey(for index: Int) -> String { self.idempotencyKey(for: index) + "-create" }

    /// The `application/x-www-form-urlencoded` body of a payment's charge, or of the request that makes its intent
    /// (confirmed at once unless the API confirms separately); identical for every attempt, as keys require.
    public func formBody(for plan: PaymentPlan) -> String {
        var random = SeededRandom(seed: self.seed ^ 0x7E47, stream: UInt64(plan.index))
        let hostile = self.text == .hostile
        var fields: [(String, String)] = [("amount", String(plan.amount)), ("currency", Self.currency)]
        switch self.api {
        case .charges:
            fields += [("source", plan.source.source), ("capture", "true")]
        case .paymentIntents(let separately):
            fields += plan.source.paymentMethod
            if !separately { fields.append(("confirm", "true")) }
        }
        fields += [
            (
                "description",
                hostile
                    ? TextStyle.hostile(&random, scalarsMax: TextStyle.descriptionScalarsMax)
                    : "paisa-load \(self.runID) #\(plan.index)"
            ),
            ("metadata[\(Self.runMetadataKey)]", self.runID),
            ("metadata[\(Self.paymentMetadataKey)]", String(plan.index)),
        ]
        if hostile {
            fields.append(
                ("metadata[paisa_load_text]", TextStyle.hostile(&random, scalarsMax: TextStyle.metadataValueScalarsMax))
            )
        }
        return FormEncoding.query(fields)
    }
}
