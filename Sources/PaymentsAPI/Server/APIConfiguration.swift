import HTTPTypes
import Logging
import Payments

/// Settings of the HTTP layer, read once by the command and passed down.
public struct APIConfiguration: Sendable {
    /// Each request's budget from arrival to answer.
    public var requestBudget: Duration
    /// Where the error reference lives; every `doc_url` is this plus `#code`.
    public var docsURL: String
    /// Requests in flight before new ones are shed.
    public var inFlightMax: Int
    /// How long an authenticated key is remembered: a revoked key, or a new pinned version, takes effect within
    /// this time. Zero reads the key from the database on every request.
    public var keyCacheLifetime: Duration
    /// Whether requests arrive encrypted, which decides whether live keys are accepted.
    public var transport = TransportSecurity()
    /// Requests per second per account and mode; off unless the command (or a test of the limit) sets them.
    public var rateLimits = RateLimits.off

    /// The default of `inFlightMax`: far above what the pool can serve inside the budget, so only a real overload
    /// reaches it.
    public static let inFlightMaxDefault = 512

    /// The default of `keyCacheLifetime`: one database read per key and second instead of one per request.
    public static let keyCacheLifetimeDefault: Duration = .seconds(1)

    public init(
        requestBudget: Duration = Limits.requestBudgetDefault,
        docsURL: String = "http://127.0.0.1:8080/docs/errors", inFlightMax: Int = Self.inFlightMaxDefault,
        keyCacheLifetime: Duration = Self.keyCacheLifetimeDefault
    ) {
        self.requestBudget = requestBudget
        self.docsURL = docsURL
        self.inFlightMax = inFlightMax
        self.keyCacheLifetime = keyCacheLifetime
    }
}
