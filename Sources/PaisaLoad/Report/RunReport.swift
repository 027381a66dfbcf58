/// Every figure of a run, as `--json` writes it and the table and HTML page read it. Times in seconds from the
/// run's start, latencies in milliseconds, shares as fractions (0.001 = 0.1%).
public struct RunReport: Sendable, Codable {
    /// One stage of the plan.
    public struct StageInfo: Sendable, Codable, Equatable {
        public var name: String
        public var start: Double
        public var duration: Double
        public var startRate: Double
        public var endRate: Double
        public var expectedArrivals: Double
    }

    /// The settings the run used.
    public struct Settings: Sendable, Codable, Equatable {
        /// Probe mode's path; nil for payment traffic.
        public var probe: String?
        public var accounts: Int
        public var hotShare: Double?
        public var mix: String
        public var retryShare: Double
        public var duplicateShare: Double
        public var amountMin: Int64
        public var amountMax: Int64
        public var maxInFlight: Int
        public var poisson: Bool
        public var seed: UInt64
        public var attemptTimeoutMs: Double
        public var attemptsMax: Int
        public var backoffMs: Double
        public var backoffMaxMs: Double
        public var lateAfterMs: Double
        public var dropAfterMs: Double
        public var lagLimitMs: Double
        public var thresholds: [String]
        /// The API payments went through (`charges`, `payment_intents`, …); absent in reports of older versions.
        public var api: String? = nil
    }

    /// A slice of the run: the whole run or one stage.
    public struct Phase: Sendable, Codable, Equatable {
        public var name: String
        public var start: Double
        public var duration: Double
        public var scheduled: Int
        public var sent: Int
        public var late: Int
        public var dropped: Int
        public var finished: Int
        public var errors: Int
        public var succeeded: Int
        public var pending: Int
        public var declined: Int
        public var attempts: Int
        /// Scheduled arrivals per second of the slice.
        public var offeredRate: Double
        /// Finished payments per second of the slice (by intended start).
        public var achievedRate: Double
        public var errorRate: Double
        public var lateRate: Double
        public var droppedRate: Double
        /// From the intended start (coordinated omission corrected).
        public var latency: LatencySummary
        /// From the actual first send (what a closed-loop tool would show).
        public var uncorrected: LatencySummary
    }

    /// One second of the run.
    public struct Second: Sendable, Codable, Equatable {
        public var t: Int
        public var stage: String
        public var scheduled: Int
        public var sent: Int
        public var late: Int
        public var dropped: Int
        /// Answers that came back during this second (throughput).
        public var completed: Int
        public var errors: Int
        public var inFlight: Int
        public var cpuCores: Double?
        public var lagMaxMs: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        public var uncorrectedP99: Double
    }

    /// HTTP attempts by outcome.
    public struct Attempts: Sendable, Codable, Equatable {
        public var total: Int
        /// Attempts beyond one per payment: retries and deliberate duplicates.
        public var beyondFirst: Int
        /// Answers with `Idempotent-Replayed: true`.
        public var replayed: Int
        /// `ok`, `declined`, `http_409`, `http_503`, `timeout`, `connection`, …
        public var classes: [String: Int]
        /// Payments (or probes) that ended without an answer, by the class of their last attempt.
        public var unanswered: [String: Int]
    }

    /// The generator's own health: could it offer the load it was asked to?
    public struct Generator: Sendable, Codable, Equatable {
        public var wallSeconds: Double
        public var cpuSeconds: Double
        public var coresUsed: Double
        public var coresOnline: Int
        public var lagP50Ms: Double
        public var lagP99Ms: Double
        public var lagMaxMs: Double
        public var lagLimitMs: Double
        public var keptUp: Bool
        public var reason: String?
    }

    public var tool = "paisa-load"
    public var runID: String
    public var baseURL: String
    /// Unix seconds and ISO 8601 of the run's start.
    public var startedAt: Int64
    public var startedAtISO: String
    public var profile: String
    public var stages: [StageInfo]
    public var settings: Settings
    public var overall: Phase
    public var stagePhases: [Phase]
    public var seconds: [Second]
    public var attempts: Attempts
    public var generator: Generator
    public var thresholds: [ThresholdCheck]
    public var audit: AuditReport?
    /// With `--webhooks`: what arrived, what was owed, and the lag; the findings are the audit's.
    public var webhooks: WebhookReport?
    /// 0 passed, 1 a threshold failed (or the audit was inconclusive), 2 the generator fell behind, 3 the
    /// audit found a double, a loss, a wrong balance or a webhook problem.
    public var exitCode: Int32
    public var verdict: String
    public var reasons: [String]
}
