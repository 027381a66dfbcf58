import ArgumentParser
import Foundation
import PaisaLoad

/// The schedule: profile or stages, rate, scale, cap, lateness.
struct LoadOptions: ParsableArguments {
    /// The largest duration scale: a 100× longer spike is already over three hours.
    static let durationScaleMax = 100.0

    @Option(help: "steady, ramp, spike, or a profile file (one stage per line). [default steady]")
    var profile: String?

    @Option(name: .customLong("stage"), help: "A stage [name=]DURATION:RATE[->RATE]; repeat; replaces --profile.")
    var stages: [String] = []

    @Option(help: "Base rate in arrivals per second: the built-in profiles and 'Nx' rates are multiples of it.")
    var rate: Double = 10

    @Option(help: "Multiply every stage's duration by this (0.1 turns the 130 s spike into 13 s).")
    var durationScale: Double = 1

    @Flag(help: "Poisson arrivals (exponential gaps, seeded) instead of evenly spaced ones.")
    var poisson = false

    @Option(help: "Cap on payments in flight; when reached, sends wait (late) and past --drop-after are dropped.")
    var maxInFlight: Int = 256

    @Option(help: "A send starting later than this after its intended time counts as late.")
    var lateAfter: String = "10ms"

    @Option(help: "An arrival that cannot start within this time of its intended time is dropped (and counted).")
    var dropAfter: String = "1s"

    @Option(help: "The generator counts as behind (exit 2) when its own scheduling lag p99 exceeds this.")
    var lagLimit: String = "50ms"

    /// The stages from `--stage`, the profile file or the built-in profile, scaled.
    func resolvedProfile() throws(LoadInputError) -> LoadProfile {
        guard self.rate > 0, self.rate <= Stage.rateMax else {
            throw LoadInputError("--rate must be above 0 and at most \(Int(Stage.rateMax)).")
        }
        guard self.durationScale > 0, self.durationScale <= Self.durationScaleMax else {
            throw LoadInputError("--duration-scale must be above 0 and at most \(Int(Self.durationScaleMax)).")
        }
        if !self.stages.isEmpty {
            guard self.profile == nil else { throw LoadInputError("Give --profile or --stage, not both.") }
            var parsed: [Stage] = []
            for (index, text) in self.stages.enumerated() {
                parsed.append(try Stage.parse(text, baseRate: self.rate, defaultName: "stage\(index + 1)"))
            }
            return try LoadProfile(name: "stages", stages: parsed).scaled(by: self.durationScale)
        }
        let name = self.profile ?? "steady"
        if let stages = LoadProfile.builtIn(name, baseRate: self.rate) {
            return try LoadProfile(name: name, stages: stages).scaled(by: self.durationScale)
        }
        guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
            throw LoadInputError(
                "No profile '\(name)': use \(LoadProfile.builtInNames.joined(separator: ", ")) or a readable file.")
        }
        return try LoadProfile(name: name, stages: try LoadProfile.parseFile(text, baseRate: self.rate))
            .scaled(by: self.durationScale)
    }
}
