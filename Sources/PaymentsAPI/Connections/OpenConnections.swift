import Metrics
import Synchronization

/// The client connections open on this instance, bounded: a connection past the bound is refused at once rather
/// than queued, so that a flood of idle or slow clients cannot exhaust the process's file descriptors.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    let max: Int

    init(max: Int) {
        self.max = max
    }

    /// Counts a new connection in; false (and nothing counted) when the bound is reached.
    func enter() -> Bool {
        var current = self.count.load(ordering: .relaxed)
        while current < self.max {
            let (exchanged, original) = self.count.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                Self.openGauge.record(current + 1)
                return true
            }
            current = original
        }
        Self.closedTotal(reason: "refused").increment()
        return false
    }

    /// Counts a connection out when it closes.
    func leave() {
        let now = self.count.wrappingSubtract(1, ordering: .relaxed).newValue
        Self.openGauge.record(now)
    }

    var current: Int { self.count.load(ordering: .relaxed) }

    static var openGauge: Gauge { Gauge(label: "paisa_connections_open") }

    /// Connections Paisa ended: `refused` past the bound, `read_timeout` for a request not sent whole in time.
    static func closedTotal(reason: String) -> Counter {
        Counter(label: "paisa_connections_closed_total", dimensions: [("reason", reason)])
    }
}
