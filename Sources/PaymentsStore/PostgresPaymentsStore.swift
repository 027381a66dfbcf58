import Logging
import NIOCore
import Payments
import PostgresNIO

/// The PostgreSQL implementation of the domain's store port. Each method is one atomic phase: one statement or
/// one transaction, run through `Database`'s retry loop.
public struct PostgresPaymentsStore: PaymentsStore {
    let database: Database
    let faults: FaultInjector
    let logger: Logger
    /// How long a claim holds its key before a retry or the completer may take over.
    let lease: Duration

    public init(database: Database, lease: Duration = Limits.idempotencyLeaseDefault) {
        precondition(lease > .zero, "a lease lasts a while")
        self.database = database
        self.faults = database.faults
        self.logger = database.logger
        self.lease = lease
    }

    public func ping(deadline: Deadline) async throws {
        try await self.database.withRetries("ping", .statement, deadline: deadline) { connection in
            try await connection.query("SELECT 1", logger: self.logger)
        }
    }

    public func principal(keyHash: [UInt8], deadline: Deadline) async throws -> Principal? {
        let hash = ByteBuffer(bytes: keyHash)
        let found = try await self.database.withRetries("principal", .statement, deadline: deadline) {
            connection -> (String, Bool, String, String, [String], ByteBuffer, String)? in
            let rows = try await connection.query(
                """
                SELECT k.account_id, k.livemode, k.id, k.kind, k.permissions, k.key_hash, a.default_version
                FROM api_keys k JOIN accounts a ON a.id = k.account_id
                WHERE k.key_hash = \(hash) AND k.revoked_at IS NULL
                """, logger: self.logger)
            for try await row in rows {
                return try row.decode((String, Bool, String, String, [String], ByteBuffer, String).self)
            }
            return nil
        }
        guard let (accountID, livemode, keyID, kindText, permissionTexts, storedHash, version) = found,
            let kind = Principal.KeyKind(rawValue: kindText),
            APIKey.constantTimeEqual(Array(storedHash.readableBytesView), keyHash)
        else { return nil }
        return Principal(
            accountID: accountID, livemode: livemode, keyID: keyID, keyKind: kind,
            permissions: Set(permissionTexts.compactMap(Permission.init)), defaultVersion: version)
    }

    public func account(id: String, deadline: Deadline) async throws -> Account? {
        try await self.database.withRetries("account", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                "SELECT id, name, default_version, created_at FROM accounts WHERE id = \(id)", logger: self.logger)
            for try await (id, name, version, created) in rows.decode((String, String, String, Timestamp).self) {
                return Account(id: id, name: name, defaultVersion: version, created: created)
            }
            return nil
        }
    }
}
