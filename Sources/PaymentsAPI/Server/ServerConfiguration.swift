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
    /// Fault-injection points to arm (`point=action…`); empty in production.
    public var faults: String
    /// How often the completer, reconciler and reaper run.
    public var completerIntervalMilliseconds: Int
    public var reconcilerIntervalMilliseconds: Int
    public var reaperIntervalMilliseconds: Int
    /// How long finished idempotency keys are kept.
    public var idempotencyRetentionSeconds: Int
    /// How long a claim holds its key before a retry or the completer may take over.
    public var idempotencyLeaseMilliseconds: Int
    /// How the sweep for approvals without a charge runs; nil for the defaults, with a grace of one lease and one
    /// completer pass.
    public var approvalSweep: ApprovalSweep.Settings? = nil
    /// False in tests that drive the background services by hand.
    public var runBackgroundServices: Bool
    /// Where the error reference (`errors.md`) and the OpenAPI document (`openapi.json`) are read from at start.
    public var docsDirectory: String = "docs"
    /// The API's version changes; tests remove one to prove the compatibility suite notices.
    public var versionChanges: [any VersionChange] = VersionChanges.all

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseSettings, api: APIConfiguration = .init(),
        sandbox: SandboxSettings = .init(), faults: String = "", completerIntervalMilliseconds: Int = 1000,
        reconcilerIntervalMilliseconds: Int = 1000, reaperIntervalMilliseconds: Int = 60_000,
        idempotencyRetentionSeconds: Int = Limits.idempotencyRetentionSecondsDefault,
        idempotencyLeaseMilliseconds: Int = Limits.idempotencyLeaseMilliseconds, runBackgroundServices: Bool = true
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.api = api
        self.sandbox = sandbox
        self.faults = faults
        self.completerIntervalMilliseconds = completerIntervalMilliseconds
        self.reconcilerIntervalMilliseconds = reconcilerIntervalMilliseconds
        self.reaperIntervalMilliseconds = reaperIntervalMilliseconds
        self.idempotencyRetentionSeconds = idempotencyRetentionSeconds
        self.idempotencyLeaseMilliseconds = idempotencyLeaseMilliseconds
        self.runBackgroundServices = runBackgroundServices
    }
}
