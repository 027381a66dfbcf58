import Histogram

/// Latencies in microseconds, in an HdrHistogram: constant memory whatever the run's length, percentiles to
/// the chosen precision, and lossless merging.
public struct LatencyHistogram: Sendable {
    /// Values above ten minutes are recorded as ten minutes: no attempt lives that long (timeouts and retries
    /// are bounded far below), so a larger value is a clock problem, not a latency.
    public static let microsecondsMax: UInt64 = 600_000_000

    private var histogram: Histogram<UInt64>

    /// An empty histogram keeping `digits` significant digits (three for the run and stages, two per second).
    public init(digits: SignificantDigits) {
        self.histogram = Histogram<UInt64>(numberOfSignificantValueDigits: digits)
    }

    /// Records one latency; negative durations (clock noise) count as zero.
    public mutating func record(_ latency: Duration) {
        self.histogram.record(min(latency.microsecondsClamped, Self.microsecondsMax))
    }

    /// Adds every value of `other`.
    public mutating func add(_ other: LatencyHistogram) {
        self.histogram.add(other.histogram)
    }

    /// How many latencies were recorded.
    public var count: Int { Int(self.histogram.totalCount) }

    /// The latency at `percentile` (0–100), in milliseconds; 0 when empty.
    public func milliseconds(atPercentile percentile: Double) -> Double {
        guard self.count > 0 else { return 0 }
        return Double(self.histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The largest latency, in milliseconds.
    public var maxMilliseconds: Double { self.count > 0 ? Double(self.histogram.max) / 1000 : 0 }

    /// The mean latency, in milliseconds.
    public var meanMilliseconds: Double { self.count > 0 ? self.histogram.mean / 1000 : 0 }

    /// The standard figures for reports.
    public var summary: LatencySummary {
        LatencySummary(
            count: self.count, p50: self.milliseconds(atPercentile: 50), p90: self.milliseconds(atPercentile: 90),
            p95: self.milliseconds(atPercentile: 95), p99: self.milliseconds(atPercentile: 99),
            p999: self.milliseconds(atPercentile: 99.9), p9999: self.milliseconds(atPercentile: 99.99),
            max: self.maxMilliseconds, mean: self.meanMilliseconds)
    }
}
