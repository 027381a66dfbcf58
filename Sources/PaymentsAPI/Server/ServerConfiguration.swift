import Logging
import Payments
import PaymentsStore
import SandboxProcessor

/// Everything `paisa serve` can be told, as one typed value: the command reads flags and environment once and
/// hands this down; tests build their own.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseSettings
    public var api: APIConfiguration
    public var sandbox: SandboxSettings
    /// Client connections: the read and idle timeouts, the bound, and the certificate for HTTPS.
    public var connections = ConnectionSettings()
    /// Fault-injection points to arm (`point=action…`); empty in production.
    public var faults: String
    /// How often the completer, reconciler and reaper run: the first two often, as a crashed request or a pending
    /// payment waits on them; the reaper rarely, as nothing waits on it.
    public static let completerIntervalDefault: Duration = .seconds(1)
    public static let reconcilerIntervalDefault: Duration = .seconds(1)
    public static let reaperIntervalDefault: Duration = .seconds(60)
    /// How often the completer, reconciler and reaper run.
    public var completerInterval: Duration
    public var reconcilerInterval: Duration
    public var reaperInterval: Duration
    /// How long finished idempotency keys are kept.
    public var idempotencyRetention: Duration
    /// How long a claim holds its key before a retry or the completer may take over.
    public var idempotencyLease: Duration
    /// How the sweep for approvals without a charge runs; nil for the defaults, with a grace of one lease and one
    /// completer pass.
    public var approvalSweep: ApprovalSweep.Settings? = nil
    /// How webhooks are delivered: timeouts, retries, concurrency.
    public var webhooks = WebhookDeliverer.Settings()
    /// False in tests that drive the background services by hand.
    public var runBackgroundServices: Bool
    /// Where the error reference (`errors.md`) and the OpenAPI document (`openapi.json`) are read from at start.
    public var docsDirectory: String = "docs"
    /// The API's version changes; tests remove one to prove the compatibility suite notices.
    public var versionChanges: [any VersionChange] = VersionChanges.all

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseSettings, api: APIConfiguration = .init(),
        sandbox: SandboxSettings = .init(), faults: String = "",
        completerInterval: Duration = Self.completerIntervalDefault,
        reconcilerInterval: Duration = Self.reconcilerIntervalDefault,
        reaperInterval: Duration = Self.reaperIntervalDefault,
        idempotencyRetention: Duration = Limits.idempotencyRetentionMin,
        idempotencyLease: Duration = Limits.idempotencyLeaseDefault, runBackgroundServices: Bool = true
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.api = api
        self.sandbox = sandbox
        self.faults = faults
        self.completerInterval = completerInterval
        self.reconcilerInterval = reconcilerInterval
        self.reaperInterval = reaperInterval
        self.idempotencyRetention = idempotencyRetention
        self.idempotencyLease = idempotencyLease
        self.runBackgroundServices = runBackgroundServices
    }
}
