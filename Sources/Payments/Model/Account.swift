/// A merchant: the owner of keys, charges, refunds and ledger rows.
public struct Account: Sendable, Equatable {
    public let id: String
    public let name: String
    /// The API version requests without a `Stripe-Version` header are answered in.
    public let defaultVersion: String
    public let created: Timestamp

    public init(id: String, name: String, defaultVersion: String, created: Timestamp) {
        self.id = id
        self.name = name
        self.defaultVersion = defaultVersion
        self.created = created
    }
}
