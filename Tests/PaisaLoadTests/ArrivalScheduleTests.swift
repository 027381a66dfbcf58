import Testing

@testable import PaisaLoad

/// The scheduler is tested by computing intended send times, never by measuring real time.
@Suite("Arrival schedule")
struct ArrivalScheduleTests {
    private func offsets(_ stages: [Stage], seed: UInt64? = nil) -> [Arrival] {
        Array(ArrivalSchedule(stages: stages, poissonSeed: seed))
    }

    private func seconds(_ arrival: Arrival) -> Double { arrival.offset.seconds }

    @Test("a hold sends exactly rate × duration arrivals, evenly spaced")
    func hold() {
        let arrivals = self.offsets([Stage(name: "h", duration: .seconds(10), rate: 100)])
        #expect(arrivals.count == 1000)
        for (index, arrival) in arrivals.enumerated() {
            #expect(abs(self.seconds(arrival) - Double(index) * 0.01) < 1e-6)
            #expect(arrival.index == index)
        }
    }

    @Test("a linear ramp from zero places arrival n at sqrt(2nT/r): a quarter of them in the first half")
    func rampFromZero() {
        let arrivals = self.offsets([Stage(name: "r", duration: .seconds(10), startRate: 0, endRate: 100)])
        #expect(arrivals.count == 500)
        #expect(abs(self.seconds(arrivals[200]) - (2.0 * 200 * 10 / 100).squareRoot()) < 1e-6)
        #expect(arrivals.filter { self.seconds($0) < 5 }.count == 125)
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $0.offset < $1.offset })
    }

    @Test("a ramp down mirrors a ramp up: gaps widen as the rate falls")
    func rampDown() {
        let arrivals = self.offsets([Stage(name: "d", duration: .seconds(4), startRate: 100, endRate: 10)])
        #expect(arrivals.count == 220)
        let gaps = zip(arrivals, arrivals.dropFirst()).map { self.seconds($1) - self.seconds($0) }
        #expect(gaps.first! < gaps.last!)
        #expect(abs(gaps.first! - 0.01) < 0.001)
        #expect(self.seconds(arrivals.last!) < 4)
    }

    @Test("the spike profile schedules each stage's area, in stage order, with a 10× peak")
    func spikeStages() throws {
        let stages = try #require(LoadProfile.builtIn("spike", baseRate: 10))
        let arrivals = self.offsets(stages)
        let perStage = stages.indices.map { index in arrivals.filter { $0.stageIndex == index }.count }
        #expect(perStage == [300, 275, 3000, 275, 600])
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $0.stageIndex <= $1.stageIndex })
        let holdGaps = arrivals.filter { $0.stageIndex == 2 }.map(self.seconds)
        #expect(abs((holdGaps[1] - holdGaps[0]) - 0.01) < 1e-6)
        let hold = arrivals.first { $0.stageIndex == 2 }!
        #expect(abs(self.seconds(hold) - 35) < 0.01)
    }

    @Test("fractional counts carry across stage boundaries instead of being lost or doubled")
    func fractionsCarry() {
        let half = Stage(name: "a", duration: .seconds(1), rate: 0.5)
        let stages = [
            half, Stage(name: "b", duration: .seconds(1), rate: 0.5),
            Stage(name: "c", duration: .seconds(1), rate: 0.5),
        ]
        let arrivals = self.offsets(stages)
        #expect(arrivals.map(self.seconds) == [0, 2])
        #expect(arrivals.map(\.stageIndex) == [0, 2])
    }

    @Test("a zero-rate stage is a pause: no arrivals, and the next stage starts after it")
    func pause() {
        let stages = [
            Stage(name: "a", duration: .seconds(1), rate: 10), Stage(name: "pause", duration: .seconds(5), rate: 0),
            Stage(name: "b", duration: .seconds(1), rate: 10),
        ]
        let arrivals = self.offsets(stages)
        #expect(arrivals.count == 20)
        #expect(!arrivals.contains { $0.stageIndex == 1 })
        #expect(arrivals.filter { $0.stageIndex == 2 }.allSatisfy { self.seconds($0) >= 6 && self.seconds($0) < 7 })
    }

    @Test("Poisson arrivals: reproducible by seed, ordered, and close to the expected count")
    func poisson() {
        let stages = [Stage(name: "p", duration: .seconds(100), rate: 100)]
        let first = self.offsets(stages, seed: 42)
        let again = self.offsets(stages, seed: 42)
        let other = self.offsets(stages, seed: 43)
        #expect(first == again)
        #expect(first != other)
        // 10,000 expected; five standard deviations is ±500.
        #expect(abs(first.count - 10_000) < 500)
        #expect(zip(first, first.dropFirst()).allSatisfy { $0.offset <= $1.offset })
        #expect(first.allSatisfy { self.seconds($0) < 100 })
    }

    @Test("cumulative-count inversion is exact at the ends and for holds")
    func inversion() {
        let ramp = Stage(name: "r", duration: .seconds(5), startRate: 100, endRate: 1000)
        #expect(ramp.secondWhenCumulative(reaches: 0) == 0)
        #expect(abs(ramp.secondWhenCumulative(reaches: ramp.expectedArrivals) - 5) < 1e-9)
        let hold = Stage(name: "h", duration: .seconds(30), rate: 100)
        #expect(abs(hold.secondWhenCumulative(reaches: 1234) - 12.34) < 1e-9)
    }
}
