import ArgumentParser
import PaymentsStore

/// `paisa migrate`: applies the numbered SQL files that are not applied yet.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database migrations in sql/.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: Settings.migrations.name, help: Settings.migrations.help)
    var migrations: String?

    func run() async throws {
        let logger = try makeLogger(level: "warning")
        let directory = try Settings.migrations.value(self.migrations)
        let files: [Migrator.Migration]
        do {
            files = try Migrator.load(directory: directory)
        } catch let problem as Migrator.Problem {
            throw CommandProblem(problem.description)
        }
        // No statement or lock timeout: a migration may take as long as it needs (0 turns both off).
        let settings = try self.database.settings(statementTimeout: .zero)
        let applied = try await withDatabase(settings, logger: logger) { client in
            do {
                return try await Migrator(client: client, logger: logger).migrate(files)
            } catch let problem as Migrator.Problem {
                throw CommandProblem(problem.description)
            }
        }
        print(
            applied.isEmpty
                ? "Schema up to date at version \(Migrator.expectedVersion)."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema at version "
                    + "\(Migrator.expectedVersion).")
    }
}
