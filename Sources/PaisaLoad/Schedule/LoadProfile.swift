/// The whole load plan: named stages run one after the other.
///
/// Built-in profiles are written relative to a base rate (`--rate`), so `spike` at `--rate 20` holds 200/s at
/// its peak. A profile file holds one stage per line in the `--stage` syntax; `#` starts a comment.
public struct LoadProfile: Sendable, Equatable {
    /// Stages a profile may have: enough for any shape worth testing, few enough to chart and table.
    public static let stagesMax = 100

    /// Arrivals one run may schedule. The audit keeps a small record (about 100 bytes) per payment in memory,
    /// so this bounds the generator's memory near 100 MB; at 1,000/s it is a quarter of an hour.
    public static let arrivalsMax = 1_000_000

    /// `steady`, `ramp`, `spike` or the file the stages came from; shown in reports.
    public var name: String
    /// The stages in order; never empty.
    public var stages: [Stage]

    /// A profile; validates the stage count and the arrivals it would schedule.
    public init(name: String, stages: [Stage]) throws(LoadInputError) {
        guard !stages.isEmpty else { throw LoadInputError("A profile needs at least one stage.") }
        guard stages.count <= Self.stagesMax else {
            throw LoadInputError("A profile may have at most \(Self.stagesMax) stages; this one has \(stages.count).")
        }
        var seen: Set<String> = []
        for stage in stages where !seen.insert(stage.name).inserted {
            throw LoadInputError("Two stages are named '\(stage.name)'; stage names must differ.")
        }
        self.name = name
        self.stages = stages
        guard self.expectedArrivals <= Double(Self.arrivalsMax) else {
            throw LoadInputError(
                "The profile schedules \(Int(self.expectedArrivals)) requests; at most \(Self.arrivalsMax) fit one run. "
                    + "Lower the rate or the duration (--duration-scale).")
        }
    }

    /// The names `--profile` accepts besides a file path.
    public static let builtInNames = ["steady", "ramp", "spike"]

    /// A built-in profile at `baseRate` arrivals per second, or nil for an unknown name.
    ///
    /// - `steady`: one minute at the base rate.
    /// - `ramp`: 10 s at the base rate, a one-minute linear ramp to 10×, 20 s at 10×.
    /// - `spike`: 30 s baseline, a jump to 10× within 5 s, 30 s hold, 5 s back down, 60 s recovery at the base
    ///   rate (the recovery window shows whether latency returns to its baseline).
    public static func builtIn(_ name: String, baseRate: Double) -> [Stage]? {
        let peak = baseRate * 10
        switch name {
        case "steady":
            return [Stage(name: "steady", duration: .seconds(60), rate: baseRate)]
        case "ramp":
            return [
                Stage(name: "baseline", duration: .seconds(10), rate: baseRate),
                Stage(name: "ramp", duration: .seconds(60), startRate: baseRate, endRate: peak),
                Stage(name: "peak", duration: .seconds(20), rate: peak),
            ]
        case "spike":
            return [
                Stage(name: "baseline", duration: .seconds(30), rate: baseRate),
                Stage(name: "jump", duration: .seconds(5), startRate: baseRate, endRate: peak),
                Stage(name: "hold", duration: .seconds(30), rate: peak),
                Stage(name: "drop", duration: .seconds(5), startRate: peak, endRate: baseRate),
                Stage(name: "recovery", duration: .seconds(60), rate: baseRate),
            ]
        default:
            return nil
        }
    }

    /// The stages of a profile file: one `--stage` spec per line, blank lines and `#` comments ignored.
    public static func parseFile(_ text: String, baseRate: Double) throws(LoadInputError) -> [Stage] {
        var stages: [Stage] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = String(line.prefix { $0 != "#" }).trimmingSpaces
            guard !content.isEmpty else { continue }
            guard stages.count < Self.stagesMax else {
                throw LoadInputError("The profile file has more than \(Self.stagesMax) stages.")
            }
            do {
                stages.append(try Stage.parse(content, baseRate: baseRate, defaultName: "stage\(stages.count + 1)"))
            } catch {
                throw LoadInputError("Line \(number + 1) of the profile file: \(error.description)")
            }
        }
        return stages
    }

    /// The same profile with every stage `factor` times as long: `0.1` turns the 130 s spike into 13 s.
    public func scaled(by factor: Double) throws(LoadInputError) -> LoadProfile {
        try LoadProfile(name: self.name, stages: self.stages.map { $0.scaled(by: factor) })
    }

    /// The time the whole plan takes.
    public var duration: Duration { self.stages.reduce(.zero) { $0 + $1.duration } }

    /// Arrivals the plan asks for over all stages.
    public var expectedArrivals: Double { self.stages.reduce(0) { $0 + $1.expectedArrivals } }

    /// When each stage starts, from the run's start; one entry per stage.
    public var stageStarts: [Duration] {
        var starts: [Duration] = []
        var elapsed = Duration.zero
        for stage in self.stages {
            starts.append(elapsed)
            elapsed += stage.duration
        }
        return starts
    }
}
