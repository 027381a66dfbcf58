import Synchronization

/// Sheds load early: past `inFlightMax` requests in flight, new ones are refused at once with a 503 and
/// `Retry-After`, rather than queued to be answered after their deadline.
final class AdmissionControl: Sendable {
    let inFlightMax: Int
    private let inFlight = Atomic<Int>(0)

    init(inFlightMax: Int) {
        precondition(inFlightMax > 0, "admission needs room for one request")
        self.inFlightMax = inFlightMax
    }

    /// Takes a slot; false when none is free (the caller sheds the request).
    func enter() -> Bool {
        let now = self.inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        guard now <= self.inFlightMax else {
            self.inFlight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() {
        self.inFlight.wrappingSubtract(1, ordering: .relaxed)
    }

    var current: Int { self.inFlight.load(ordering: .relaxed) }
}
