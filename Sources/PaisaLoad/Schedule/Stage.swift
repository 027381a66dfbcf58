/// One stretch of the load plan: for `duration`, arrivals per second move linearly from `startRate` to `endRate`.
///
/// A hold has equal rates; a ramp has different ones. A jump is a short ramp (`5s:100->1000`): the rate is a
/// continuous function of time, so the schedule never bursts by accident at a stage boundary.
public struct Stage: Sendable, Equatable {
    /// Shown in reports and used as a threshold scope (`spike:p99<2000ms`).
    public var name: String
    /// How long the stage lasts; always positive.
    public var duration: Duration
    /// Arrivals per second at the start of the stage.
    public var startRate: Double
    /// Arrivals per second at the end of the stage.
    public var endRate: Double

    /// A stage; rates are arrivals per second and must not be negative.
    public init(name: String, duration: Duration, startRate: Double, endRate: Double) {
        precondition(duration > .zero, "a stage lasts some time")
        precondition(startRate >= 0 && endRate >= 0 && startRate.isFinite && endRate.isFinite, "rates are finite, >= 0")
        self.name = name
        self.duration = duration
        self.startRate = startRate
        self.endRate = endRate
    }

    /// A stage holding one rate.
    public init(name: String, duration: Duration, rate: Double) {
        self.init(name: name, duration: duration, startRate: rate, endRate: rate)
    }

    /// The stage's length in seconds, as the schedule's arithmetic wants it.
    public var seconds: Double { self.duration.seconds }

    /// Arrivals the stage asks for: the area under its rate line.
    public var expectedArrivals: Double { (self.startRate + self.endRate) / 2 * self.seconds }

    /// When (seconds into the stage) the cumulative arrival count reaches `count`.
    ///
    /// The count grows as `r0·t + (r1 − r0)·t² / (2T)`; this solves that quadratic in the form that stays
    /// accurate for holds, ramps up, ramps down and a start rate of zero alike.
    public func secondWhenCumulative(reaches count: Double) -> Double {
        let count = min(max(count, 0), self.expectedArrivals)
        guard count > 0 else { return 0 }
        let slope = (self.endRate - self.startRate) / (2 * self.seconds)
        let discriminant = max(self.startRate * self.startRate + 4 * slope * count, 0)
        let denominator = self.startRate + discriminant.squareRoot()
        guard denominator > 0 else { return self.seconds }
        return min(2 * count / denominator, self.seconds)
    }

    /// The same stage, `factor` times as long (rates unchanged), for `--duration-scale`.
    public func scaled(by factor: Double) -> Stage {
        precondition(factor > 0 && factor.isFinite, "a positive scale")
        let nanoseconds = max(Double(self.duration.nanoseconds) * factor, 1_000_000).rounded()
        return Stage(
            name: self.name, duration: .nanoseconds(Int64(nanoseconds)), startRate: self.startRate,
            endRate: self.endRate)
    }
}

extension Duration {
    /// The duration in seconds as a `Double`, for rates and reports.
    public var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole nanoseconds, rounded down.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whole microseconds, rounded down; negative durations count as zero (used for histogram values).
    public var microsecondsClamped: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
    }

    /// The duration in milliseconds as a `Double`, for reports.
    public var milliseconds: Double { self.seconds * 1000 }
}
