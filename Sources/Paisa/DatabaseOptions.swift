import ArgumentParser
import Logging
import PaymentsAPI
import PaymentsStore
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The database options every subcommand shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: Settings.databaseURL.name, help: Settings.databaseURL.help)
    var url: String?

    @Option(name: Settings.poolMax.name, help: Settings.poolMax.help)
    var poolMax: String?

    /// The settings, or a clear refusal when no URL is given anywhere.
    func settings(statementTimeout: Duration = DatabaseSettings.statementTimeoutDefault) throws -> DatabaseSettings {
        guard let url = try Settings.databaseURL.optionalValue(self.url) else {
            throw CommandProblem(
                "No database given. Set DATABASE_URL or pass --database-url (`make run` sets it for you).")
        }
        do {
            return try DatabaseSettings(
                url: url, poolConnectionsMax: try Settings.poolMax.value(self.poolMax),
                statementTimeout: statementTimeout)
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
