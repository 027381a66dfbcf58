import Hummingbird
import NIOEmbedded
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
        // The timers run on a loop whose clock only the test moves: the work always answers first.
        let loop = NIOAsyncTestingEventLoop()
        let timeouts = Mutex(0)
        for _ in 0..<20 {
            let response = await DeadlineRace.answer(
                deadline: .after(.seconds(2)), on: loop,
                onTimeout: {
                    timeouts.withLock { $0 += 1 }
                    return Response(status: .serviceUnavailable)
                }
            ) { Response(status: .ok) }
            #expect(response.status == .ok)
        }
        // Every timer fires now; a second answer to an answered request would trap.
        await loop.advanceTime(by: .seconds(3))
        #expect(timeouts.withLock { $0 } == 0)

        // The same loop's timers do answer a request whose work has not: the ones above had something to do.
        let answered = Mutex<Response?>(nil)
        let waiting = Task {
            let response = await DeadlineRace.answer(
                deadline: .after(.seconds(2)), on: loop, onTimeout: { Response(status: .serviceUnavailable) }
            ) {
                try? await Task.sleep(for: .seconds(60))
                return Response(status: .ok)
            }
            answered.withLock { $0 = response }
        }
        for _ in 0..<100 where answered.withLock({ $0 == nil }) {
            await loop.advanceTime(by: .seconds(3))
            try await Task.sleep(for: .milliseconds(20))
        }
        await waiting.value
        #expect(answered.withLock { $0?.status } == .serviceUnavailable)
        await loop.shutdownGracefully()
    }
}
