import Testing

@testable import PaisaLoad

@Suite("Profiles")
struct LoadProfileTests {
    @Test("spike: baseline, a 10× jump within seconds, hold, drop, recovery at the baseline")
    func spikeShape() throws {
        let stages = try #require(LoadProfile.builtIn("spike", baseRate: 20))
        #expect(stages.map(\.name) == ["baseline", "jump", "hold", "drop", "recovery"])
        #expect(stages[1].startRate == 20 && stages[1].endRate == 200)
        #expect(stages[1].duration <= .seconds(10))
        #expect(stages[2].startRate == 200 && stages[2].endRate == 200)
        #expect(stages[4].startRate == stages[0].startRate)
        #expect(LoadProfile.builtIn("nope", baseRate: 1) == nil)
    }

    @Test("--duration-scale shortens every stage and keeps rates")
    func scale() throws {
        let profile = try LoadProfile(name: "spike", stages: LoadProfile.builtIn("spike", baseRate: 10)!).scaled(
            by: 0.1)
        #expect(profile.duration == .seconds(13))
        #expect(profile.stages[2].startRate == 100)
        #expect(abs(profile.expectedArrivals - 445) < 1e-6)
        #expect(profile.stageStarts == [.zero, .seconds(3), .milliseconds(3500), .milliseconds(6500), .seconds(7)])
    }

    @Test("a profile file: one stage per line, comments and blank lines ignored, default names")
    func file() throws {
        let text = """
            # warm up
            warm=10s:1x

            5s:1x->10x   # the jump
            30s:500
            """
        let stages = try LoadProfile.parseFile(text, baseRate: 50)
        #expect(stages.map(\.name) == ["warm", "stage2", "stage3"])
        #expect(stages[1].endRate == 500)
        #expect(stages[2].duration == .seconds(30))
    }

    @Test("a bad line names its line number")
    func fileError() {
        #expect(throws: LoadInputError.self) { try LoadProfile.parseFile("10s:1\n\nbroken", baseRate: 1) }
        do {
            _ = try LoadProfile.parseFile("10s:1\n\nbroken", baseRate: 1)
        } catch {
            #expect(error.description.hasPrefix("Line 3 of the profile file"))
        }
    }

    @Test("refused: no stages, duplicate names, more arrivals than one run holds")
    func refusals() {
        #expect(throws: LoadInputError.self) { try LoadProfile(name: "x", stages: []) }
        let a = Stage(name: "a", duration: .seconds(1), rate: 1)
        #expect(throws: LoadInputError.self) { try LoadProfile(name: "x", stages: [a, a]) }
        let huge = Stage(name: "h", duration: .seconds(3600), rate: 1000)
        #expect(throws: LoadInputError.self) { try LoadProfile(name: "x", stages: [huge]) }
        let justFits = Stage(name: "f", duration: .seconds(1000), rate: 1000)
        #expect(throws: Never.self) { try LoadProfile(name: "x", stages: [justFits]) }
    }
}
