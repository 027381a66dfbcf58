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
        let now = self.count.wrappingAdd(1, ordering: .relaxed).newValue
        guard now <= self.max else {
            self.count.wrappingSubtract(1, ordering: .relaxed)
            Observability.recordConnectionClosed(reason: "refused")
            return false
        }
        Observability.recordConnectionsOpen(now)
        return true
    }

    /// Counts a connection out when it closes.
    func leave() {
        Observability.recordConnectionsOpen(self.count.wrappingSubtract(1, ordering: .relaxed).newValue)
    }
}
