#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file descriptors a server needs at most, against what the process may open: every client connection, every
/// database connection, and a reserve for the listening socket, logs, certificate reads and the runtime. Checked at
/// start, so that a server that could run out of descriptors under load says which setting to lower instead.
public struct DescriptorBudget: Sendable, Equatable {
    /// Descriptors beyond connections: the listener, standard streams, files read at start, the runtime's own.
    public static let reserve = 64

    public let clientConnections: Int
    public let databaseConnections: Int

    public init(clientConnections: Int, databaseConnections: Int) {
        self.clientConnections = clientConnections
        self.databaseConnections = databaseConnections
    }

    public var needed: Int { self.clientConnections + self.databaseConnections + Self.reserve }

    /// Nil when the budget fits `limit`; otherwise what to change, naming the settings.
    public func problem(limit: Int) -> String? {
        guard self.needed > limit else { return nil }
        return "The process may open \(limit) files, but up to \(self.clientConnections) client connections "
            + "(--connections-max, PAISA_CONNECTIONS_MAX) and \(self.databaseConnections) database connections "
            + "(--pool-max, PAISA_POOL_MAX) and \(Self.reserve) more for the server itself need \(self.needed). "
            + "Lower --connections-max to at most \(max(0, limit - self.databaseConnections - Self.reserve)), or raise "
            + "the open-file limit (ulimit -n)."
    }

    /// The process's open-file limit, raised first to the hard limit when the soft one is lower (a process may do
    /// that without privileges); nil when it cannot be read.
    public static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
