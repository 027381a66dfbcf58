import Payments
import Synchronization

/// Recently authenticated keys, so a busy client's every request does not read its key from the database.
///
/// Only keys that were found are kept (an unknown key always asks the database), each for `lifetime`: a revoked
/// key, or an account's new pinned version, takes effect within that time. Bounded: when full, it starts over.
final class PrincipalCache: Sendable {
    /// Keys kept at most; past this the cache is emptied rather than grown.
    static let entriesMax = 10_000

    private struct Entry {
        let principal: Principal
        let expires: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    /// A cache keeping each principal for `lifetime`; zero turns it off.
    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The principal behind `keyHash`: from the cache while fresh, otherwise from `load` (and kept when found).
    func principal(keyHash: [UInt8], load: () async throws -> Principal?) async rethrows -> Principal? {
        guard self.lifetime > .zero else { return try await load() }
        let now = ContinuousClock.now
        let cached = self.entries.withLock { entries -> Principal? in
            guard let entry = entries[keyHash] else { return nil }
            if entry.expires > now { return entry.principal }
            entries[keyHash] = nil
            return nil
        }
        if let cached { return cached }
        guard let principal = try await load() else { return nil }
        let entry = Entry(principal: principal, expires: now + self.lifetime)
        self.entries.withLock { entries in
            if entries.count >= Self.entriesMax { entries.removeAll(keepingCapacity: true) }
            entries[keyHash] = entry
        }
        return principal
    }
}
