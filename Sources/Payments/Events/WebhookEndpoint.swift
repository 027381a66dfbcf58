/// Where an account wants its events posted, and which ones.
public struct WebhookEndpoint: Sendable, Equatable {
    public enum Status: String, Sendable {
        case enabled
        case disabled
    }

    public let id: String
    public let scope: Scope
    public var url: String
    /// Event types, or `*` for all of them.
    public var enabledEvents: [String]
    public var description: String?
    public var metadata: Metadata
    /// The version deliveries are rendered in; nil for the account's default.
    public let apiVersion: String?
    public var status: Status
    /// What deliveries are signed with. Shown once, in the answer to the request that made the endpoint.
    public let secret: String
    public let created: Timestamp

    public init(
        id: String, scope: Scope, url: String, enabledEvents: [String], description: String?, metadata: Metadata,
        apiVersion: String?, status: Status, secret: String, created: Timestamp
    ) {
        self.id = id
        self.scope = scope
        self.url = url
        self.enabledEvents = enabledEvents
        self.description = description
        self.metadata = metadata
        self.apiVersion = apiVersion
        self.status = status
        self.secret = secret
        self.created = created
    }

    /// Random base62 characters in a secret after `whsec_`: 190 bits.
    public static let secretCharacters = 32
}
