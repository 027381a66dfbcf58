/// Who is calling: the account and mode a key belongs to, and what the key may do. The account always comes from
/// the key, never from the request.
public struct Principal: Sendable, Equatable {
    /// Secret keys may do everything; restricted keys only what their permissions say.
    public enum KeyKind: String, Sendable {
        case secret
        case restricted
    }

    public let accountID: String
    public let livemode: Bool
    public let keyID: String
    public let keyKind: KeyKind
    public let permissions: Set<Permission>
    /// The account's pinned API version, used when a request sends no `Stripe-Version`.
    public let defaultVersion: String

    public init(
        accountID: String, livemode: Bool, keyID: String, keyKind: KeyKind, permissions: Set<Permission>,
        defaultVersion: String
    ) {
        self.accountID = accountID
        self.livemode = livemode
        self.keyID = keyID
        self.keyKind = keyKind
        self.permissions = permissions
        self.defaultVersion = defaultVersion
    }

    /// The tenant scope every object and idempotency key of this caller lives in.
    public var scope: Scope { Scope(accountID: self.accountID, livemode: self.livemode) }

    /// Whether this key may act on `resource` at `level`; write implies read.
    public func allows(_ resource: Permission.Resource, _ level: Permission.Level) -> Bool {
        switch self.keyKind {
        case .secret:
            return true
        case .restricted:
            if self.permissions.contains(Permission(resource, .write)) { return true }
            return level == .read && self.permissions.contains(Permission(resource, .read))
        }
    }
}
