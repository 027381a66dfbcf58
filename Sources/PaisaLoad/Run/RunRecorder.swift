import Synchronization

/// The run's shared, thread-safe sink: the dispatcher, every payment task and the progress ticker write here.
///
/// One lock around plain statistics; each update is a few counter increments and histogram records, far
/// cheaper than the HTTP round trip it describes.
public final class RunRecorder: Sendable {
    /// What the live progress line shows.
    public struct Snapshot: Sendable {
        public var finished: Int
        public var completed: Int
        public var errors: Int
        public var late: Int
        public var dropped: Int
        public var scheduled: Int
        public var p99Milliseconds: Double
    }

    private let state: Mutex<RunStatistics>
    /// A send later than this after its intended start is counted late.
    private let lateAfter: Duration

    /// A recorder for a plan of `stageCount` stages.
    public init(stageCount: Int, lateAfter: Duration) {
        self.state = Mutex(RunStatistics(stageCount: stageCount))
        self.lateAfter = lateAfter
    }

    /// The dispatcher reached `arrival`, `lag` after its intended time.
    func scheduled(_ arrival: Arrival, lag: Duration) {
        self.state.withLock { statistics in
            statistics.update(arrival) { $0.scheduled += 1 }
            statistics.schedulerLag.record(lag)
            let second = statistics.second(at: arrival.offset)
            statistics.seconds[second].lagMax = max(statistics.seconds[second].lagMax, lag)
        }
    }

    /// `arrival` was sent `delay` after its intended time.
    func sent(_ arrival: Arrival, delay: Duration) {
        let late = delay > self.lateAfter
        self.state.withLock { statistics in
            statistics.update(arrival) {
                $0.sent += 1
                if late { $0.late += 1 }
            }
        }
    }

    /// `arrival` could not get an in-flight slot in time and was not sent.
    func dropped(_ arrival: Arrival) {
        self.state.withLock { statistics in statistics.update(arrival) { $0.dropped += 1 } }
    }

    /// One HTTP attempt ended.
    func attempt(_ outcome: AttemptOutcome) {
        self.state.withLock { statistics in
            statistics.attemptClasses[outcome.errorClass, default: 0] += 1
            switch outcome {
            case .charged(_, _, true), .declined(_, true), .made(true): statistics.replayed += 1
            default: break
            }
        }
    }

    /// A probe attempt ended with `errorClass` (`ok` when it succeeded).
    func attempt(class errorClass: String) {
        self.state.withLock { $0.attemptClasses[errorClass, default: 0] += 1 }
    }

    /// An arrival's work ended; offsets are from the run's start.
    func finished(_ arrival: Arrival, _ completion: Completion, firstSent: Duration, finished: Duration) {
        let latency = finished - arrival.offset
        let uncorrected = finished - firstSent
        self.state.withLock { statistics in
            statistics.update(arrival) { $0.recordFinished(completion, latency: latency, uncorrected: uncorrected) }
            let second = statistics.second(at: finished)
            statistics.seconds[second].phase.completed += 1
            statistics.overall.completed += 1
            if var record = completion.record {
                record.stageIndex = arrival.stageIndex
                statistics.records.append(record)
            }
            if let errorClass = completion.errorClass { statistics.errorClasses[errorClass, default: 0] += 1 }
        }
    }

    /// The ticker's CPU sample for the second that ends at `offset`: cores the generator's process used.
    func cpu(_ cores: Double, secondEndingAt offset: Duration) {
        self.state.withLock { statistics in
            let second = statistics.second(at: offset - .milliseconds(1))
            statistics.seconds[second].cpuCores = cores
        }
    }

    /// Notes that `inFlight` payments are running at `offset` (kept as the second's maximum).
    func inFlight(_ inFlight: Int, at offset: Duration) {
        self.state.withLock { statistics in
            let second = statistics.second(at: offset)
            statistics.seconds[second].inFlightMax = max(statistics.seconds[second].inFlightMax, inFlight)
        }
    }

    /// Figures for the progress line.
    func snapshot() -> Snapshot {
        self.state.withLock { statistics in
            let overall = statistics.overall
            return Snapshot(
                finished: overall.finished, completed: overall.completed, errors: overall.errors, late: overall.late,
                dropped: overall.dropped,
                scheduled: overall.scheduled, p99Milliseconds: overall.latency.milliseconds(atPercentile: 99))
        }
    }

    /// Everything recorded so far (a copy; call after the run for the report).
    public func statistics() -> RunStatistics {
        self.state.withLock { $0 }
    }
}
