/// A pass/fail rule on one figure, checked per stage and overall: `p99<2000ms`, `errors<0.1%`, `late<1%`,
/// `webhook_lag_p99<5s`, optionally scoped: `hold:p99<2s` (one stage), `overall:errors<=0` (the whole run only).
public struct Threshold: Sendable, Equatable {
    /// The figure a threshold reads.
    public enum Metric: Sendable, Equatable {
        /// A corrected latency percentile (0–100, exclusive of 0), in milliseconds.
        case percentile(Double)
        /// The largest corrected latency, in milliseconds.
        case max
        /// The mean corrected latency, in milliseconds.
        case mean
        /// Share of finished payments that ended without an answer (declines are answers, not errors).
        case errors
        /// Share of scheduled arrivals sent late or dropped.
        case late
        /// Share of scheduled arrivals dropped.
        case dropped
        /// A percentile of the webhook lag (from a charge's final answer to its final event), in milliseconds.
        case webhookLag(Double)
        /// The largest webhook lag, in milliseconds.
        case webhookLagMax

        /// Whether the figure is a latency (in ms) rather than a share (0–1).
        public var isLatency: Bool {
            switch self {
            case .percentile, .max, .mean, .webhookLag, .webhookLagMax: true
            case .errors, .late, .dropped: false
            }
        }

        /// Whether the figure needs `--webhooks`.
        public var isWebhook: Bool {
            switch self {
            case .webhookLag, .webhookLagMax: true
            default: false
            }
        }
    }

    /// How the figure is compared with the limit.
    public enum Comparison: String, Sendable, CaseIterable {
        // Two-character operators first, so `<=` is not read as `<` followed by `=`.
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"

        /// Whether `value` passes against `limit`.
        public func holds(_ value: Double, _ limit: Double) -> Bool {
            switch self {
            case .less: value < limit
            case .lessOrEqual: value <= limit
            case .greater: value > limit
            case .greaterOrEqual: value >= limit
            }
        }
    }

    /// Where a threshold is checked.
    public enum Scope: Sendable, Equatable {
        /// Every stage and the whole run (the default).
        case everywhere
        /// The whole run only.
        case overall
        /// One stage only.
        case stage(String)
    }

    /// The rule as the user wrote it.
    public let text: String
    /// Where it is checked.
    public let scope: Scope
    /// What it reads.
    public let metric: Metric
    /// How it compares.
    public let comparison: Comparison
    /// The limit: milliseconds for latencies, a fraction (0.001 = 0.1%) for shares.
    public let limit: Double

    /// A threshold from its parts.
    public init(text: String, scope: Scope, metric: Metric, comparison: Comparison, limit: Double) {
        self.text = text
        self.scope = scope
        self.metric = metric
        self.comparison = comparison
        self.limit = limit
    }

    /// Whether `value` (in the metric's unit) passes.
    public func holds(_ value: Double) -> Bool { self.comparison.holds(value, self.limit) }
}
