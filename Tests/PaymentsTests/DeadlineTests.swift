import Payments
import Testing

/// Waiting for work that must go on after its caller stops waiting (a key's release).
@Suite("Waiting for a task until a deadline")
struct DeadlineTests {
    @Test("a task that ends first gives its value")
    func taskFirst() async {
        let task = Task { 7 }
        #expect(await Deadline.after(.seconds(60)).wait(for: task) == 7)
    }

    @Test("the wait ends at the deadline, and the task goes on uncancelled")
    func deadlineFirst() async {
        let task = Task { () -> Int in
            // Ends when cancelled, so the test cannot outlive it by much; an hour otherwise.
            try? await Task.sleep(for: .seconds(3600))
            return 1
        }
        #expect(await Deadline.after(.milliseconds(20)).wait(for: task) == nil)
        #expect(!task.isCancelled)
        task.cancel()
        #expect(await task.value == 1)
    }

    @Test("a deadline already passed does not wait at all")
    func passed() async {
        let task = Task { () -> Int in
            try? await Task.sleep(for: .seconds(3600))
            return 1
        }
        #expect(await Deadline(ContinuousClock.now).wait(for: task) == nil)
        task.cancel()
    }
}
