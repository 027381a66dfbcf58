import Logging
import NIOCore
import Payments
import PostgresNIO

/// What operators do to accounts and keys from the command line: create, list, revoke, pin versions.
public struct AccountsAdmin: Sendable {
    /// A key as `keys list` shows it: never the secret, only its last four characters.
    public struct KeySummary: Sendable, Equatable {
        public let id: String
        public let kind: Principal.KeyKind
        public let livemode: Bool
        public let permissions: [String]
        public let last4: String
        public let created: Timestamp
        public let revoked: Bool
    }

    /// A key just made: the only moment its secret exists outside the caller's hands.
    public struct NewKey: Sendable, Equatable {
        public let id: String
        public let secret: String
    }

    /// What can go wrong administering accounts.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noSuchAccount(String)
        case noSuchKey(String)
        case permissionsOnSecretKey

        public var description: String {
            switch self {
            case .noSuchAccount(let id): "No such account: \(id)"
            case .noSuchKey(let id): "No such key: \(id)"
            case .permissionsOnSecretKey: "Secret keys may do everything; only restricted keys take permissions."
            }
        }
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates an account pinned to `defaultVersion`.
    public func createAccount(name: String, defaultVersion: String) async throws -> Account {
        let id = ObjectID.make(.account)
        let rows = try await self.client.query(
            """
            INSERT INTO accounts (id, name, default_version) VALUES (\(id), \(name), \(defaultVersion))
            RETURNING created_at
            """, logger: self.logger)
        var created = Timestamp.now()
        for try await value in rows.decode(Timestamp.self) { created = value }
        return Account(id: id, name: name, defaultVersion: defaultVersion, created: created)
    }

    /// The oldest account with this name, if any.
    public func account(named name: String) async throws -> Account? {
        let rows = try await self.client.query(
            """
            SELECT id, name, default_version, created_at FROM accounts WHERE name = \(name)
            ORDER BY created_at, id LIMIT 1
            """, logger: self.logger)
        for try await (id, name, version, created) in rows.decode((String, String, String, Timestamp).self) {
            return Account(id: id, name: name, defaultVersion: version, created: created)
        }
        return nil
    }

    /// Makes a key for an account; restricted keys carry `permissions`.
    public func createKey(
        accountID: String, kind: Principal.KeyKind, livemode: Bool, permissions: [Permission] = []
    ) async throws -> NewKey {
        guard kind == .restricted || permissions.isEmpty else { throw Problem.permissionsOnSecretKey }
        let secret = APIKey.generate(kind: kind, livemode: livemode)
        let id = ObjectID.make(.apiKey)
        let hash = ByteBuffer(bytes: APIKey.hash(of: secret))
        let rows = try await self.client.query(
            """
            INSERT INTO api_keys (account_id, id, key_hash, kind, livemode, permissions, last4)
            SELECT id, \(id), \(hash), \(kind.rawValue), \(livemode), \(permissions.map(\.description)),
                   \(APIKey.last4(of: secret))
            FROM accounts WHERE id = \(accountID)
            RETURNING id
            """, logger: self.logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        guard inserted else { throw Problem.noSuchAccount(accountID) }
        return NewKey(id: id, secret: secret)
    }

    /// Every key of an account, newest first.
    public func keys(accountID: String) async throws -> [KeySummary] {
        let rows = try await self.client.query(
            """
            SELECT id, kind, livemode, permissions, last4, created_at, revoked_at IS NOT NULL
            FROM api_keys WHERE account_id = \(accountID) ORDER BY created_at DESC, id
            """, logger: self.logger)
        var keys: [KeySummary] = []
        for try await (id, kind, livemode, permissions, last4, created, revoked) in rows.decode(
            (String, String, Bool, [String], String, Timestamp, Bool).self)
        {
            keys.append(
                KeySummary(
                    id: id, kind: Principal.KeyKind(rawValue: kind) ?? .restricted, livemode: livemode,
                    permissions: permissions, last4: last4, created: created, revoked: revoked))
        }
        return keys
    }

    /// Revokes a key at once: the next request with it gets 401.
    public func revokeKey(id: String) async throws {
        let rows = try await self.client.query(
            """
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) RETURNING 1
            """, logger: self.logger)
        var found = false
        for try await _ in rows { found = true }
        guard found else { throw Problem.noSuchKey(id) }
    }

    /// Pins the version requests without a `Stripe-Version` header are answered in.
    public func setDefaultVersion(accountID: String, version: String) async throws {
        let rows = try await self.client.query(
            "UPDATE accounts SET default_version = \(version) WHERE id = \(accountID) RETURNING 1", logger: self.logger)
        var found = false
        for try await _ in rows { found = true }
        guard found else { throw Problem.noSuchAccount(accountID) }
    }
}
