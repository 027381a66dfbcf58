import ArgumentParser
import Logging
import PaymentsStore
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one place configuration is read from the environment: a flag wins, then the variable, then the default.
enum Environment {
    static func string(_ flag: String?, _ variable: String, default fallback: String? = nil) -> String? {
        if let flag { return flag }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        return fallback
    }

    static func integer(_ flag: Int?, _ variable: String, default fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return fallback }
        guard let value = Int(text) else {
            throw ValidationError("\(variable) must be a whole number, not '\(text)'.")
        }
        return value
    }
}

/// The database options every subcommand shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"), help: "PostgreSQL URL, postgres://user:password@host:port/db. [DATABASE_URL]"
    )
    var url: String?

    @Option(
        help: "Most connections the pool opens. [PAISA_POOL_MAX, default \(DatabaseSettings.poolConnectionsMaxDefault)]"
    )
    var poolMax: Int?

    /// The settings, or a clear refusal when no URL is given anywhere.
    func settings(
        statementTimeoutMilliseconds: Int = DatabaseSettings.statementTimeoutMillisecondsDefault
    ) throws -> DatabaseSettings {
        guard let url = Environment.string(self.url, "DATABASE_URL") else {
            throw CommandProblem(
                "No database given. Set DATABASE_URL or pass --database-url (`make run` sets it for you).")
        }
        do {
            return try DatabaseSettings(
                url: url,
                poolConnectionsMax: try Environment.integer(
                    self.poolMax, "PAISA_POOL_MAX", default: DatabaseSettings.poolConnectionsMaxDefault),
                statementTimeoutMilliseconds: statementTimeoutMilliseconds)
        } catch let problem as DatabaseSettings.URLProblem {
            throw CommandProblem(problem.description)
        }
    }
}

/// Runs `body` with a connected pool, for the one-shot commands; gives up with a clear message when the database
/// cannot be reached within `connectSecondsMax`.
func withDatabase<T: Sendable>(
    _ settings: DatabaseSettings, logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T
) async throws -> T {
    let connectSecondsMax = 10
    let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
    let connected = ConnectedFlag()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        group.addTask {
            do {
                try await client.query("SELECT 1", logger: logger)
                connected.set()
            } catch {
                throw CommandProblem(
                    "Cannot reach the database at \(settings.redacted): \(String(describing: error)). Is it "
                        + "running? (`make db-up` starts the embedded one.)")
            }
            return try await body(client)
        }
        group.addTask {
            try await Task.sleep(for: .seconds(connectSecondsMax))
            guard !connected.isSet else { return nil }
            throw CommandProblem(
                "The database at \(settings.redacted) did not answer within \(connectSecondsMax) s. Is it running?")
        }
        defer { group.cancelAll() }
        while let next = try await group.next() {
            if let result = next { return result }
        }
        throw CommandProblem("The database connection closed unexpectedly.")
    }
}

/// Set once the first query has answered.
final class ConnectedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { self.value.store(true, ordering: .relaxed) }
    var isSet: Bool { self.value.load(ordering: .relaxed) }
}

/// A failure the command explains in one line.
struct CommandProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Logs to standard error, at the level asked for.
func makeLogger(level: String?) throws -> Logger {
    let text = Environment.string(level, "LOG_LEVEL", default: "info")!
    guard let level = Logger.Level(rawValue: text) else {
        throw ValidationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical.")
    }
    var logger = Logger(label: "paisa") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
}
