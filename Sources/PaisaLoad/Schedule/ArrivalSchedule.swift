/// One planned send: the `index`-th arrival of the run, in stage `stageIndex`, due `offset` after the start.
public struct Arrival: Sendable, Equatable {
    /// Position in the run, from 0; also names the payment (`…-<index>` keys, metadata).
    public let index: Int
    /// The stage the arrival belongs to.
    public let stageIndex: Int
    /// When it should be sent, from the run's start. Latency is measured from here, never from the actual send.
    public let offset: Duration
}

/// The open-model plan: every arrival's intended send time, computed from the stages alone.
///
/// The schedule never looks at responses, so a slow server cannot slow the offered load (no coordinated
/// omission). Arrivals are evenly spaced along the cumulative rate curve — the `n`-th is due when the integral
/// of the rate reaches `n` — or, with a seed, Poisson (exponential gaps in the same cumulative time).
public struct ArrivalSchedule: Sequence, Sendable {
    /// A generous bound for a Poisson plan, whose count varies around the expected value by about its square
    /// root; twice the largest profile cannot be reached in practice, and keeps the iteration finite.
    public static let arrivalsIterationMax = 2 * LoadProfile.arrivalsMax

    /// The stages, in order.
    public let stages: [Stage]
    /// With a seed, gaps are exponential (Poisson arrivals, reproducible); without, evenly spaced.
    public let poissonSeed: UInt64?

    /// A schedule over `stages`.
    public init(stages: [Stage], poissonSeed: UInt64? = nil) {
        self.stages = stages
        self.poissonSeed = poissonSeed
    }

    /// Walks the arrivals in time order.
    public func makeIterator() -> Iterator {
        Iterator(stages: self.stages, random: self.poissonSeed.map(SeededRandom.init(seed:)))
    }

    /// The iterator: keeps the cumulative count at which the next arrival is due.
    public struct Iterator: IteratorProtocol {
        let stages: [Stage]
        var random: SeededRandom?
        var index = 0
        var stageIndex = 0
        var countBeforeStage = 0.0
        var stageStart = Duration.zero
        var target: Double

        /// Starts before the first arrival; with a generator, the first gap is random too.
        init(stages: [Stage], random: SeededRandom?) {
            self.stages = stages
            self.random = random
            self.target = 0
            if var random = self.random {
                self.target = random.exponential()
                self.random = random
            }
        }

        /// The next arrival, or nil after the last stage.
        public mutating func next() -> Arrival? {
            while self.stageIndex < self.stages.count, self.index < ArrivalSchedule.arrivalsIterationMax {
                let stage = self.stages[self.stageIndex]
                let inStage = self.target - self.countBeforeStage
                if inStage < stage.expectedArrivals {
                    let second = stage.secondWhenCumulative(reaches: inStage)
                    let arrival = Arrival(
                        index: self.index, stageIndex: self.stageIndex,
                        offset: self.stageStart + .nanoseconds(Int64((second * 1e9).rounded())))
                    self.index += 1
                    self.advanceTarget()
                    return arrival
                }
                self.countBeforeStage += stage.expectedArrivals
                self.stageStart += stage.duration
                self.stageIndex += 1
            }
            return nil
        }

        private mutating func advanceTarget() {
            guard var random = self.random else {
                self.target += 1
                return
            }
            self.target += random.exponential()
            self.random = random
        }
    }
}
