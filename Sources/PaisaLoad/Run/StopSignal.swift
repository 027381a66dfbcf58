import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (or SIGTERM) during a run: stop offering load, let payments in flight finish, then audit and report
/// as usual. A second signal ends the process at once.
public final class StopSignal: Sendable {
    /// The process-wide instance the signal handler sets.
    public static let shared = StopSignal()

    private let requested = Atomic<Bool>(false)

    /// A fresh, unset signal (tests make their own).
    public init() {}

    /// Whether a stop was asked for.
    public var isRequested: Bool { self.requested.load(ordering: .relaxed) }

    /// Asks the run to stop offering load.
    public func request() {
        self.requested.store(true, ordering: .relaxed)
    }

    /// Routes SIGINT and SIGTERM to `shared`; each restores the default action, so a second signal kills.
    public static func installHandlers() {
        _ = Self.shared  // initialise before any signal can arrive: the handler must not run a lazy initialiser
        for number in [SIGINT, SIGTERM] {
            signal(number) { received in
                StopSignal.shared.request()
                signal(received, SIG_DFL)
            }
        }
    }
}
