/// The result of one threshold in one scope.
public struct ThresholdCheck: Sendable, Codable, Equatable {
    /// The rule as written.
    public var threshold: String
    /// `overall` or the stage's name.
    public var scope: String
    /// The measured figure (milliseconds or a fraction); nil when the scope had no samples.
    public var value: Double?
    /// The figure in its unit for people: `2.34s`, `12ms`, `0.55%`; `no samples` when there was none.
    public var display: String
    /// Whether it passed; a scope without samples passes (nothing contradicts the rule) and says so in `note`.
    public var passed: Bool
    /// Why a check passed without data, if it did.
    public var note: String?

    /// Checks `thresholds` against the overall figures and each stage's, as their scopes say; webhook metrics
    /// read `webhookLag` (overall, and per stage by the stages' order).
    public static func evaluate(
        _ thresholds: [Threshold], overall: PhaseStatistics, stages: [(name: String, statistics: PhaseStatistics)],
        webhookLag: WebhookLag? = nil
    ) -> [ThresholdCheck] {
        var checks: [ThresholdCheck] = []
        for threshold in thresholds {
            if threshold.scope != .overall {
                for (index, stage) in stages.enumerated() {
                    if case .stage(let name) = threshold.scope, name != stage.name { continue }
                    checks.append(
                        Self.check(
                            threshold, scope: stage.name, stage.statistics, webhookLag: webhookLag?.stages[index]))
                }
            }
            if threshold.scope == .everywhere || threshold.scope == .overall {
                checks.append(Self.check(threshold, scope: "overall", overall, webhookLag: webhookLag?.overall))
            }
        }
        return checks
    }

    /// One threshold against one slice.
    static func check(
        _ threshold: Threshold, scope: String, _ statistics: PhaseStatistics, webhookLag: LatencyHistogram? = nil
    ) -> ThresholdCheck {
        guard let value = Self.value(threshold.metric, statistics, webhookLag: webhookLag) else {
            return ThresholdCheck(
                threshold: threshold.text, scope: scope, value: nil, display: "no samples", passed: true,
                note: "no samples in this scope")
        }
        let display =
            threshold.metric.isLatency
            ? ProgressLine.milliseconds(value) : DurationText.trimmed(value * 100) + "%"
        return ThresholdCheck(
            threshold: threshold.text, scope: scope, value: value, display: display, passed: threshold.holds(value),
            note: nil)
    }

    /// The figure a metric reads from a slice (and its webhook lag), or nil when there is nothing to measure.
    static func value(
        _ metric: Threshold.Metric, _ statistics: PhaseStatistics, webhookLag: LatencyHistogram? = nil
    ) -> Double? {
        switch metric {
        case .webhookLag(let percentile):
            webhookLag.flatMap { $0.count > 0 ? $0.milliseconds(atPercentile: percentile) : nil }
        case .webhookLagMax: webhookLag.flatMap { $0.count > 0 ? $0.maxMilliseconds : nil }
        case .percentile(let percentile):
            statistics.latency.count > 0 ? statistics.latency.milliseconds(atPercentile: percentile) : nil
        case .max: statistics.latency.count > 0 ? statistics.latency.maxMilliseconds : nil
        case .mean: statistics.latency.count > 0 ? statistics.latency.meanMilliseconds : nil
        case .errors: statistics.finished > 0 ? statistics.errorRate : nil
        case .late: statistics.scheduled > 0 ? statistics.lateRate : nil
        case .dropped: statistics.scheduled > 0 ? statistics.droppedRate : nil
        }
    }
}
