import PaisaTestSupport
import PaymentsStore
import PostgresNIO
import Testing

@Suite("Migrations and the schema check")
struct MigratorTests {
    @Test("sql/ holds exactly the versions this build expects, numbered without gaps")
    func filesMatchTheBuild() throws {
        let migrations = try Migrator.load(directory: TestDatabase.migrationsDirectory)
        #expect(migrations.map(\.version) == Array(1...Migrator.expectedVersion))
    }

    @Test("a database without the schema is refused with a clear message; migrating twice is a no-op")
    func checkSchema() async throws {
        let name = "paisa_schema_" + String(UInt32.random(in: 0...UInt32.max))
        let admin = try await TestDatabase.client()
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: TestDatabase.logger)
        defer {
            Task {
                try? await admin.query(
                    PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)"), logger: TestDatabase.logger)
            }
        }
        var settings = try DatabaseSettings(url: TestDatabase.url, poolConnectionsMax: 2)
        settings.database = name
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let migrator = Migrator(client: client, logger: TestDatabase.logger)
            await #expect(throws: Migrator.Problem.behind(database: 0, expected: Migrator.expectedVersion)) {
                try await migrator.checkSchema()
            }
            let files = try Migrator.load(directory: TestDatabase.migrationsDirectory)
            #expect(try await migrator.migrate(files) == Array(1...Migrator.expectedVersion))
            #expect(try await migrator.migrate(files) == [])
            try await migrator.checkSchema()
            #expect(Migrator.Problem.behind(database: 0, expected: 4).description.contains("paisa migrate"))
            group.cancelAll()
        }
    }
}
