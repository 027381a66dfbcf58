import Testing

@testable import PaisaLoad

/// The gate is tested by events (enter, leave, hand-over), never by how long something took.
@Suite("In-flight gate")
struct InFlightGateTests {
    @Test("admits up to its capacity, then refuses until a slot is given back")
    func capacity() {
        let gate = InFlightGate(capacity: 2)
        #expect(gate.tryEnter() && gate.tryEnter())
        #expect(!gate.tryEnter())
        #expect(gate.inFlight == 2)
        gate.leave()
        #expect(gate.inFlight == 1)
        #expect(gate.tryEnter())
    }

    @Test("a wait whose deadline has passed fails at once, leaving the count alone")
    func expiredDeadline() async {
        let gate = InFlightGate(capacity: 1)
        #expect(gate.tryEnter())
        let entered = await gate.enter(before: ContinuousClock.now - .seconds(1))
        #expect(!entered)
        #expect(gate.inFlight == 1)
    }

    @Test("a leaving payment hands its slot straight to the waiting dispatcher")
    func handOver() async {
        let gate = InFlightGate(capacity: 1)
        #expect(gate.tryEnter())
        async let waited = gate.enter(before: ContinuousClock.now + .seconds(3600))
        // Give the waiter every chance to register; whether it has or not, leave() must admit it.
        for _ in 0..<100 { await Task.yield() }
        gate.leave()
        #expect(await waited)
        #expect(gate.inFlight == 1)
    }
}
