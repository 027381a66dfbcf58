import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the database is and how to use it, read from a `postgres://` URL plus pool settings.
public struct DatabaseSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` or `require`, as libpq's `sslmode`.
    public var tlsMode: String
    /// Connections kept open even when idle, so a spike does not start by opening them.
    public var poolConnectionsMin: Int
    /// The most connections the pool opens; past it, requests wait (within their deadline) for one.
    public var poolConnectionsMax: Int
    /// The longest one statement may run, enforced by PostgreSQL: no statement outlives a request's budget.
    public var statementTimeoutMilliseconds: Int

    /// What cannot be read from a URL.
    public struct URLProblem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=disable`.
    public init(
        url: String, poolConnectionsMin: Int = 4, poolConnectionsMax: Int = 16, statementTimeoutMilliseconds: Int = 2000
    ) throws {
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
        self.poolConnectionsMin = poolConnectionsMin
        self.poolConnectionsMax = poolConnectionsMax
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
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
        configuration.options.minimumConnections = self.poolConnectionsMin
        configuration.options.maximumConnections = self.poolConnectionsMax
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.additionalStartupParameters = [
            ("application_name", "paisa"),
            ("statement_timeout", "\(self.statementTimeoutMilliseconds)"),
            ("lock_timeout", "\(self.statementTimeoutMilliseconds)"),
            // A transaction left open by a dead request is rolled back rather than holding its locks.
            ("idle_in_transaction_session_timeout", "10000"),
        ]
        return configuration
    }

    /// The URL without its password, for logs and errors.
    public var redacted: String {
        "postgres://\(self.user)@\(self.host):\(self.port)/\(self.database)"
    }
}
