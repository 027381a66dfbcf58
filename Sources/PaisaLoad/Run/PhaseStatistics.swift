import Histogram

/// Counters and latency histograms for one slice of the run: the whole run, one stage or one second.
///
/// Arrivals are counted in the slice of their intended start, so a slice's latency is what the users who
/// arrived then experienced; only `completed` counts by the time an answer came back (throughput).
public struct PhaseStatistics: Sendable {
    /// Arrivals the schedule planned.
    public var scheduled = 0
    /// Arrivals actually sent.
    public var sent = 0
    /// Sent, but later than the late tolerance after their intended start.
    public var late = 0
    /// Never sent: no in-flight slot freed up within the drop limit.
    public var dropped = 0
    /// Payments that ended (answered or given up).
    public var finished = 0
    /// Payments for which no caller got a definitive answer.
    public var errors = 0
    /// Payments first answered `succeeded`.
    public var succeeded = 0
    /// Payments first answered `pending`.
    public var pending = 0
    /// Payments first answered with a decline (402) or a failed charge.
    public var declined = 0
    /// HTTP attempts, deliberate duplicates and retries included.
    public var attempts = 0
    /// Answers that came back in this slice (counted by completion time; used per second for throughput).
    public var completed = 0
    /// Latency from the intended start to the first answer (or the primary caller giving up): corrected for
    /// coordinated omission.
    public var latency: LatencyHistogram
    /// Latency from the actual first send to the same end (what a closed-loop tool would report).
    public var uncorrected: LatencyHistogram

    /// Empty statistics whose histograms keep `digits` significant digits.
    public init(digits: SignificantDigits) {
        self.latency = LatencyHistogram(digits: digits)
        self.uncorrected = LatencyHistogram(digits: digits)
    }

    /// Counts a finished payment (or probe).
    mutating func recordFinished(_ completion: Completion, latency: Duration, uncorrected: Duration) {
        self.finished += 1
        self.attempts += completion.attempts
        if completion.errorClass != nil { self.errors += 1 }
        switch completion.firstAnswer {
        case .charge(_, .succeeded)?: self.succeeded += 1
        case .charge(_, .pending)?: self.pending += 1
        case .charge(_, .failed)?, .declined?: self.declined += 1
        case nil: break
        }
        self.latency.record(latency)
        self.uncorrected.record(uncorrected)
    }

    /// Share of finished payments that ended in error; 0 when none finished.
    public var errorRate: Double { self.finished > 0 ? Double(self.errors) / Double(self.finished) : 0 }

    /// Share of scheduled arrivals that did not start on time: sent late or dropped.
    public var lateRate: Double { self.scheduled > 0 ? Double(self.late + self.dropped) / Double(self.scheduled) : 0 }

    /// Share of scheduled arrivals that were dropped.
    public var droppedRate: Double { self.scheduled > 0 ? Double(self.dropped) / Double(self.scheduled) : 0 }
}
