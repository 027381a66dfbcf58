import Testing

@testable import PaisaLoad

@Suite("Stage parser")
struct StageParserTests {
    @Test("a hold: duration and one rate")
    func hold() throws {
        let stage = try Stage.parse("30s:100", baseRate: 10, defaultName: "s1")
        #expect(stage == Stage(name: "s1", duration: .seconds(30), rate: 100))
    }

    @Test("a ramp: two rates joined by ->")
    func ramp() throws {
        let stage = try Stage.parse("5s:100->1000", baseRate: 10, defaultName: "s1")
        #expect(stage.startRate == 100)
        #expect(stage.endRate == 1000)
        #expect(stage.duration == .seconds(5))
        #expect(stage.expectedArrivals == 2750)
    }

    @Test("a name, compound durations, per-minute and relative rates")
    func forms() throws {
        let stage = try Stage.parse("spike=1m30s:2x->30/m", baseRate: 25, defaultName: "s1")
        #expect(stage.name == "spike")
        #expect(stage.duration == .seconds(90))
        #expect(stage.startRate == 50)
        #expect(stage.endRate == 0.5)
        #expect(try Stage.parse("500ms:0.5/s", baseRate: 1, defaultName: "x").duration == .milliseconds(500))
    }

    @Test(
        "malformed stages are refused with the form that works",
        arguments: [
            "30s", "30:100", "s:100", "30s:", "30s:abc", "30s:100->", "30s:100->200->300", "0s:100", "30s:-5",
            "30s:200000", "bad name=30s:1", "overall=30s:1", "2d:100", "25h:1",
        ])
    func refused(_ text: String) {
        #expect(throws: LoadInputError.self) { try Stage.parse(text, baseRate: 10, defaultName: "s") }
    }

    @Test("durations: units, sums and the day limit")
    func durations() throws {
        #expect(try DurationText.parse("1h") == .seconds(3600))
        #expect(try DurationText.parse("2m") == .seconds(120))
        #expect(try DurationText.parse("250ms") == .milliseconds(250))
        #expect(try DurationText.parse("1m5s") == .seconds(65))
        #expect(try DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(try DurationText.parse("24h") == .seconds(86_400))
        #expect(throws: LoadInputError.self) { try DurationText.parse("24h1s") }
        #expect(throws: LoadInputError.self) { try DurationText.parse("10") }
        #expect(throws: LoadInputError.self) { try DurationText.parse("") }
    }
}
