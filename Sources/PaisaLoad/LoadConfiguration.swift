/// Everything a run needs, read and validated once by the command and passed down as one typed value.
public struct LoadConfiguration: Sendable {
    /// Payments in flight at most, whatever the flag says: each holds a connection (a file descriptor) and a
    /// task; past this, one process on one machine measures itself, not the server.
    public static let inFlightCeiling = 10_000
    /// The run starts this long after setup, so the first arrivals are not late because of it.
    public static let startLead: Duration = .milliseconds(200)

    /// The deployment under test: one `http(s)://host[:port]` per instance. Payment attempts go round-robin over
    /// them, so a payment's retries and duplicates reach different instances; the audit reads from the first.
    public var baseURLs: [String]
    /// The base URLs as one line, for reports.
    public var baseURL: String { self.baseURLs.joined(separator: " ") }
    /// Secret keys, one per account; payments are spread over them (or skewed to the first, see the workload).
    public var apiKeys: [String]
    /// The stages.
    public var profile: LoadProfile
    /// Poisson arrivals (seeded) instead of evenly spaced ones.
    public var poisson: Bool
    /// What to send.
    public var workload: Workload
    /// The in-flight cap.
    public var inFlightMax: Int
    /// How long one HTTP attempt may take.
    public var attemptTimeout: Duration
    /// How callers retry.
    public var retry: RetryPolicy
    /// A send later than this after its intended start counts as late.
    public var lateAfter: Duration
    /// An arrival that could not be sent within this time after its intended start is dropped.
    public var dropAfter: Duration
    /// Pass/fail rules.
    public var thresholds: [Threshold]
    /// Probe mode: each arrival is one `GET` of this path instead of a payment (no retries, no audit).
    public var probePath: String?
    /// Whether to audit through the API after the run (never in probe mode).
    public var audit: Bool
    /// How long the audit waits for pending charges to settle.
    public var auditTimeout: Duration
    /// Receive the run's webhooks on loopback and audit them (needs the audit).
    public var webhooks: Bool
    /// How long the audit waits, after the charges settled, for every charge's final event.
    public var webhooksDrain: Duration
    /// The generator counts as behind when its scheduling lag p99 exceeds this.
    public var lagLimit: Duration
    /// Draw the live progress line (only ever on a terminal).
    public var showProgress: Bool

    /// A validated configuration.
    public init(
        baseURLs: [String], apiKeys: [String], profile: LoadProfile, poisson: Bool, workload: Workload,
        inFlightMax: Int,
        attemptTimeout: Duration, retry: RetryPolicy, lateAfter: Duration, dropAfter: Duration,
        thresholds: [Threshold], probePath: String? = nil, audit: Bool, auditTimeout: Duration,
        webhooks: Bool = false, webhooksDrain: Duration = .seconds(30), lagLimit: Duration, showProgress: Bool
    ) throws(LoadInputError) {
        guard !baseURLs.isEmpty,
            baseURLs.allSatisfy({ $0.hasPrefix("http://") || $0.hasPrefix("https://") })
        else {
            throw LoadInputError("--base-url must start with http:// or https://, for example http://127.0.0.1:8080.")
        }
        guard !apiKeys.isEmpty, apiKeys.count == workload.accountCount else {
            throw LoadInputError("Give at least one secret key with --key (or PAISA_LOAD_KEY).")
        }
        guard (1...Self.inFlightCeiling).contains(inFlightMax) else {
            throw LoadInputError("--max-in-flight must be between 1 and \(Self.inFlightCeiling).")
        }
        if let probePath, !probePath.hasPrefix("/") {
            throw LoadInputError("--probe takes a path starting with /, for example /healthz.")
        }
        if webhooks && (probePath != nil || !audit) {
            throw LoadInputError("--webhooks is part of the audit: it cannot be combined with --no-audit or --probe.")
        }
        for threshold in thresholds {
            if threshold.metric.isWebhook && !webhooks {
                throw LoadInputError("Threshold '\(threshold.text)' reads the webhook lag: add --webhooks.")
            }
            if case .stage(let name) = threshold.scope, !profile.stages.contains(where: { $0.name == name }) {
                let names = profile.stages.map(\.name).joined(separator: ", ")
                throw LoadInputError("Threshold '\(threshold.text)' names stage '\(name)'; the stages are \(names).")
            }
        }
        self.baseURLs = baseURLs
        self.apiKeys = apiKeys
        self.profile = profile
        self.poisson = poisson
        self.workload = workload
        self.inFlightMax = inFlightMax
        self.attemptTimeout = attemptTimeout
        self.retry = retry
        self.lateAfter = lateAfter
        self.dropAfter = dropAfter
        self.thresholds = thresholds
        self.probePath = probePath
        self.audit = audit && probePath == nil
        self.auditTimeout = auditTimeout
        self.webhooks = webhooks
        self.webhooksDrain = webhooksDrain
        self.lagLimit = lagLimit
        self.showProgress = showProgress
    }
}
