import Logging
import Payments
import PaymentsStore
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The test database: a real PostgreSQL (`PAISA_TEST_DATABASE_URL`, which `make test` sets), migrated once per
/// test process. Tests never share state through it: each makes its own accounts, so they run in parallel and
/// pass again on a database earlier runs left behind.
public enum TestDatabase {
    /// Where the tests' database is; the default is the one `make test` prepares.
    public static let url =
        ProcessInfo.processInfo.environment["PAISA_TEST_DATABASE_URL"]
        ?? "postgres://postgres@127.0.0.1:54329/paisa_test"

    public static let logger: Logger = {
        var logger = Logger(label: "paisa-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// The checkout's `sql/` folder, found from this file's place in the tree.
    public static let migrationsDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("sql").path
    }()

    private static let setup = Setup()

    /// A deadline for store work that is not about time: generous, as the whole suite shares two cores and one
    /// pool (tests of the clock set their own).
    public static func deadline() -> Deadline { .after(.seconds(10)) }

    /// The shared, running, migrated pool.
    public static func client() async throws -> PostgresClient {
        try await Self.setup.client()
    }

    /// A fresh account with a test secret key; `restricted` makes a restricted key with those permissions instead.
    public static func account(
        livemode: Bool = false, restricted: [Permission]? = nil, version: String = "2026-10-28.endive"
    ) async throws -> (account: Account, key: String) {
        let admin = AccountsAdmin(client: try await Self.client(), logger: Self.logger)
        let account = try await admin.createAccount(name: "test", defaultVersion: version)
        let key = try await admin.createKey(
            accountID: account.id, kind: restricted == nil ? .secret : .restricted, livemode: livemode,
            permissions: restricted ?? [])
        return (account, key.secret)
    }

    /// A store over the shared pool with its own fault injector, so faults armed by one test touch no other.
    public static func store(
        faults: FaultInjector = FaultInjector(), lease: Duration = .milliseconds(300)
    ) async throws
        -> PostgresPaymentsStore
    {
        PostgresPaymentsStore(
            database: Database(client: try await Self.client(), faults: faults, logger: Self.logger),
            lease: lease)
    }

    /// Runs one query and returns its rows' first column as integers: for assertions on raw tables.
    public static func integers(_ query: PostgresQuery) async throws -> [Int64] {
        var values: [Int64] = []
        for try await value in try await Self.client().query(query, logger: Self.logger).decode(Int64.self) {
            values.append(value)
        }
        return values
    }

    /// Runs one query and returns its rows' first column as strings.
    public static func strings(_ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await Self.client().query(query, logger: Self.logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    /// Starts the pool once and applies the migrations once, however many tests ask at the same time.
    private actor Setup {
        private var started: Task<PostgresClient, any Error>?

        func client() async throws -> PostgresClient {
            if let started { return try await started.value }
            let task = Task {
                let settings = try DatabaseSettings(url: TestDatabase.url, poolConnectionsMax: 40)
                let client = PostgresClient(
                    configuration: settings.clientConfiguration, backgroundLogger: TestDatabase.logger)
                Task.detached { await client.run() }
                let migrations = try Migrator.load(directory: TestDatabase.migrationsDirectory)
                _ = try await Migrator(client: client, logger: TestDatabase.logger).migrate(migrations)
                return client
            }
            self.started = task
            return try await task.value
        }
    }
}
