import Histogram

/// Everything the run measured, gathered under the recorder's lock and handed to the report at the end.
public struct RunStatistics: Sendable {
    /// One second of the run, counted from the start.
    public struct Second: Sendable {
        /// The second's arrivals and answers.
        public var phase = PhaseStatistics(digits: .two)
        /// The most payments in flight seen during the second.
        public var inFlightMax = 0
        /// Cores the generator's process used during the second (CPU time / wall time), when sampled.
        public var cpuCores: Double? = nil
        /// The dispatcher's worst wake-up lag in the second.
        public var lagMax: Duration = .zero
    }

    /// Seconds tracked at most: a day, the longest duration any flag accepts; later samples land in the last.
    public static let secondsTrackedMax = 24 * 3600 + 1

    /// The whole run.
    public var overall = PhaseStatistics(digits: .three)
    /// One entry per stage.
    public var stages: [PhaseStatistics]
    /// One entry per second, grown as the run goes.
    public var seconds: [Second] = []
    /// Attempts by class: `ok`, `declined`, `http_409`, `http_503`, `timeout`, `connection`, …
    public var attemptClasses: [String: Int] = [:]
    /// Payments that ended without an answer, by the class of their primary caller's last attempt.
    public var errorClasses: [String: Int] = [:]
    /// Answers carrying `Idempotent-Replayed: true`.
    public var replayed = 0
    /// How late the dispatcher woke for each arrival: the generator's own scheduling lag.
    public var schedulerLag = LatencyHistogram(digits: .three)
    /// The client's view of every finished payment, for the audit.
    public var records: [PaymentRecord] = []

    /// Empty statistics for a plan of `stageCount` stages.
    public init(stageCount: Int) {
        self.stages = (0..<stageCount).map { _ in PhaseStatistics(digits: .three) }
    }

    /// The second `offset` falls in, creating it (and those before it) if needed.
    mutating func second(at offset: Duration) -> Int {
        let index = min(max(Int(offset.seconds), 0), Self.secondsTrackedMax - 1)
        while self.seconds.count <= index { self.seconds.append(Second()) }
        return index
    }

    /// Applies `change` to the overall, stage and second statistics of an arrival.
    mutating func update(_ arrival: Arrival, _ change: (inout PhaseStatistics) -> Void) {
        let second = self.second(at: arrival.offset)
        change(&self.overall)
        change(&self.stages[arrival.stageIndex])
        change(&self.seconds[second].phase)
    }
}
