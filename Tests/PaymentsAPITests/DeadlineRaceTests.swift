import Hummingbird
import Payments
import Synchronization
import Testing

@testable import PaymentsAPI

/// The race every request runs against its budget, on its own: no server, no database.
@Suite("The deadline race: the first answer wins, once")
struct DeadlineRaceTests {
    @Test("work that outlives the deadline gets the timeout answer, and is cancelled")
    func deadlineWins() async throws {
        let cancelled = Mutex(false)
        let response = await DeadlineRace.answer(
            deadline: .after(.milliseconds(50)), onTimeout: { Response(status: .serviceUnavailable) }
        ) {
            try? await Task.sleep(for: .seconds(60))
            cancelled.withLock { $0 = Task.isCancelled }
            return Response(status: .ok)
        }
        #expect(response.status == .serviceUnavailable)
        // The work ends once it sees the cancellation (bounded: it would otherwise sleep a minute).
        for _ in 0..<100 where !cancelled.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(cancelled.withLock { $0 })
    }

    @Test("work that answers first wins; its timer fires later and changes nothing")
    func workWins() async throws {
        let timeouts = Mutex(0)
        for _ in 0..<20 {
            let response = await DeadlineRace.answer(
                deadline: .after(.milliseconds(100)),
                onTimeout: {
                    timeouts.withLock { $0 += 1 }
                    return Response(status: .serviceUnavailable)
                }
            ) { Response(status: .ok) }
            #expect(response.status == .ok)
        }
        // Every timer has fired by now (a second resumption of an answered request would trap).
        try await Task.sleep(for: .milliseconds(300))
        #expect(timeouts.withLock { $0 } == 0)
    }
}
