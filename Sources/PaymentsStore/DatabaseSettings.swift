import Payments
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the database is and how to use it, read from a `postgres://` URL plus pool settings.
public struct DatabaseSettings: Sendable, Equatable {
    /// The pool's default size: enough for a 2-core machine's PostgreSQL to group-commit, few enough to leave
    /// room for several instances under `max_connections`.
    public static let poolConnectionsMaxDefault = 16
    /// The default per-statement limit: a request's whole budget.
    public static let statementTimeoutDefault: Duration = Limits.requestBudgetDefault
    /// How long a connection may take to open.
    public static let connectTimeout: Duration = .seconds(2)
    /// A transaction left open by a dead request is rolled back after this rather than holding its locks.
    public static let idleInTransactionTimeout: Duration = .seconds(10)

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` or `require`, as libpq's `sslmode`.
    public var tlsMode: String
    /// The most connections the pool opens; past it, requests wait (within their deadline) for one.
    public var poolConnectionsMax: Int
    /// The longest one statement may run, enforced by PostgreSQL: no statement outlives a request's budget.
    public var statementTimeout: Duration

    /// What cannot be read from a URL.
    public struct URLProblem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=disable`.
    public init(
        url: String, poolConnectionsMax: Int = Self.poolConnectionsMaxDefault,
        statementTimeout: Duration = Self.statementTimeoutDefault
    ) throws {
        guard poolConnectionsMax >= 1 else { throw URLProblem(description: "The pool needs at least 1 connection.") }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw URLProblem(
                description: "The database URL must look like postgres://user:password@host:5432/database.")
        }
        guard let host = components.host, !host.isEmpty else {
            throw URLProblem(description: "The database URL names no host.")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty else { throw URLProblem(description: "The database URL names no database.") }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let local = ["127.0.0.1", "localhost", "::1"].contains(host)
        let tlsMode = query["sslmode"] ?? (local ? "disable" : "prefer")
        guard ["disable", "prefer", "require"].contains(tlsMode) else {
            throw URLProblem(description: "sslmode must be disable, prefer or require, not \(tlsMode).")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        self.database = database
        self.tlsMode = tlsMode
        self.poolConnectionsMax = poolConnectionsMax
        self.statementTimeout = statementTimeout
    }

    /// The PostgresNIO configuration these settings describe.
    public var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tlsMode {
        case "require": tls = .require(.makeClientConfiguration())
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: self.host, port: self.port, username: self.user, password: self.password, database: self.database,
            tls: tls)
        // No minimum: with one, PostgresNIO 1.33's pool trips a precondition and kills the process when the
        // database comes back after a restart (its refill races demand connections). Connections it opened stay
        // open while idle for the pool's idle timeout (60 s), so a warm server keeps them anyway.
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = self.poolConnectionsMax
        configuration.options.connectTimeout = Self.connectTimeout
        configuration.options.additionalStartupParameters = [
            ("application_name", "paisa"),
            ("statement_timeout", "\(self.statementTimeout.milliseconds)"),
            ("lock_timeout", "\(self.statementTimeout.milliseconds)"),
            // A transaction left open by a dead request is rolled back rather than holding its locks.
            ("idle_in_transaction_session_timeout", "\(Self.idleInTransactionTimeout.milliseconds)"),
        ]
        return configuration
    }

    /// The URL without its password, for logs and errors.
    public var redacted: String {
        "postgres://\(self.user)@\(self.host):\(self.port)/\(self.database)"
    }
}
