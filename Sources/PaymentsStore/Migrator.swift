import Crypto
import Logging
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Applies the numbered SQL files of `sql/` in order, each in its own transaction, and records them; and checks,
/// before a server starts, that the database has exactly the schema this build was written for.
public struct Migrator: Sendable {
    /// The schema version this build of Paisa expects: the number of the newest file in `sql/`.
    public static let expectedVersion = 11

    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String

        /// Hex SHA-256 of the file, recorded so an edited applied file is noticed.
        public var checksum: String {
            SHA256.hash(data: Array(self.sql.utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// What can stop a migration or a start.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noMigrations(directory: String)
        case badFileName(String)
        case duplicateVersion(Int)
        case edited(version: Int, name: String)
        case behind(database: Int, expected: Int)
        case ahead(database: Int, expected: Int)
        case filesDisagree(newest: Int, expected: Int)

        public var description: String {
            switch self {
            case .noMigrations(let directory):
                "No migrations found in \(directory). Run from the checkout, or point --migrations at its sql folder."
            case .badFileName(let name):
                "The migration file \(name) is not named NNN_description.sql."
            case .duplicateVersion(let version):
                "Two migration files share the number \(version)."
            case .edited(let version, let name):
                "Migration \(version) (\(name)) was changed after it was applied. Migrations are forward only: "
                    + "restore the file and add a new one."
            case .behind(let database, let expected):
                "The database schema is at version \(database) but this server needs \(expected). "
                    + "Run `paisa migrate` first."
            case .ahead(let database, let expected):
                "The database schema is at version \(database), newer than this server knows (\(expected)). "
                    + "Run a newer Paisa."
            case .filesDisagree(let newest, let expected):
                "The newest migration file is \(newest) but this build expects \(expected)."
            }
        }
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Reads `NNN_name.sql` files from a directory, ordered by number.
    public static func load(directory: String) throws -> [Migration] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let underscore = name.firstIndex(of: "_"), let version = Int(name[..<underscore]) else {
                throw Problem.badFileName(name)
            }
            guard !migrations.contains(where: { $0.version == version }) else {
                throw Problem.duplicateVersion(version)
            }
            let sql = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        guard let newest = migrations.last else { throw Problem.noMigrations(directory: directory) }
        guard newest.version == Self.expectedVersion else {
            throw Problem.filesDisagree(newest: newest.version, expected: Self.expectedVersion)
        }
        return migrations
    }

    /// Applies every migration not applied yet; returns the versions it applied. Safe to run concurrently: the
    /// migrations table is locked for the duration.
    public func migrate(_ migrations: [Migration]) async throws -> [Int] {
        try await self.client.withConnection { connection in
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: self.logger)
            var applied: [Int] = []
            for migration in migrations {
                // Each file and its record commit together, under a lock that makes concurrent migrators wait and
                // then see the file as applied.
                let didApply = try await connection.withTransaction(logger: self.logger) { connection in
                    try await connection.query(
                        "LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
                    let done = try await self.applied(connection)
                    if let checksum = done[migration.version] {
                        guard checksum == migration.checksum else {
                            throw Problem.edited(version: migration.version, name: migration.name)
                        }
                        return false
                    }
                    for statement in SQLScript.statements(of: migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(Int32(migration.version)), \(migration.name), \(migration.checksum))
                        """, logger: self.logger)
                    return true
                }
                if didApply {
                    self.logger.info("applied migration", metadata: ["version": "\(migration.version)"])
                    applied.append(migration.version)
                }
            }
            return applied
        }
    }

    /// Refuses to go on unless the database is at exactly the version this build expects.
    public func checkSchema() async throws {
        let version = try await self.client.withConnection { connection in
            let exists = try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: self.logger)
            for try await present in exists.decode(Bool.self) where !present { return 0 }
            let rows = try await connection.query(
                "SELECT coalesce(max(version), 0) FROM schema_migrations", logger: self.logger)
            for try await version in rows.decode(Int32.self) { return Int(version) }
            return 0
        }
        if version < Self.expectedVersion { throw Problem.behind(database: version, expected: Self.expectedVersion) }
        if version > Self.expectedVersion { throw Problem.ahead(database: version, expected: Self.expectedVersion) }
    }

    private func applied(_ connection: PostgresConnection) async throws -> [Int: String] {
        var done: [Int: String] = [:]
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: self.logger)
        for try await (version, checksum) in rows.decode((Int32, String).self) { done[Int(version)] = checksum }
        return done
    }
}
