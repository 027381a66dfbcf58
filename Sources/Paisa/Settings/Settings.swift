import Logging
import Payments
import PaymentsAPI
import PaymentsStore
import SandboxProcessor

/// Every setting of the `paisa` command, declared once, in the order the configuration reference lists them.
enum Settings {
    // MARK: The database (every subcommand)

    static let databaseURL = Setting<String>.text(
        "database-url", "DATABASE_URL", default: nil, shown: "none (`make run` sets the embedded cluster's)",
        "PostgreSQL URL, postgres://user:password@host:port/db[?sslmode=disable|prefer|require].")
    static let poolMax = Setting<Int>.integer(
        "pool-max", "PAISA_POOL_MAX", default: DatabaseSettings.poolConnectionsMaxDefault, range: 1...1000,
        "Most connections the pool opens.")

    // MARK: paisa serve

    static let host = Setting<String>.text("host", "PAISA_HOST", default: "127.0.0.1", "Address to listen on.")
    static let port = Setting<Int>.integer("port", "PORT", default: 8080, range: 1...65535, "Port to listen on.")
    static let budget = Setting<Duration>.milliseconds(
        "budget-ms", "PAISA_BUDGET_MS", default: Limits.requestBudgetDefault,
        range: Limits.requestBudgetMin...Limits.requestBudgetMax,
        "Each request's time budget, arrival to answer; also PostgreSQL's statement and lock timeout.")
    static let inFlightMax = Setting<Int>.integer(
        "in-flight-max", "PAISA_IN_FLIGHT_MAX", default: APIConfiguration.inFlightMaxDefault, range: 1...1_000_000,
        "Requests in flight before new ones are shed with 503 and Retry-After.")
    static let rateLimitLive = Setting<Int>.integer(
        "rate-limit-live", "PAISA_RATE_LIMIT_LIVE", default: Int(RateLimits.liveDefault), range: 0...1_000_000,
        "Live-mode requests per second per account, reads and writes each (Stripe's limit; 0: none); past it, 429 "
            + "rate_limit. Each instance counts its own.")
    static let rateLimitTest = Setting<Int>.integer(
        "rate-limit-test", "PAISA_RATE_LIMIT_TEST", default: Int(RateLimits.testDefault), range: 0...1_000_000,
        "Test-mode requests per second per account, reads and writes each (Stripe's limit; 0: none; `make run` "
            + "raises it for load tests); past it, 429 rate_limit. Each instance counts its own.")
    static let keyCache = Setting<Duration>.milliseconds(
        "key-cache-ms", "PAISA_KEY_CACHE_MS", default: APIConfiguration.keyCacheLifetimeDefault,
        range: .zero...(.seconds(60)),
        "How long an authenticated key is remembered; a revoked key stops working within this time (0: never).")
    static let docsURL = Setting<String>.text(
        "docs-url", "PAISA_DOCS_URL", default: nil, shown: "http://HOST:PORT/docs/errors",
        "Where doc_url in error objects points.")
    static let docsDirectory = Setting<String>.text(
        "docs-dir", "PAISA_DOCS_DIR", default: "docs",
        "Folder with errors.md and openapi.json, served at /docs/errors and /v1/openapi.json.")
    static let retention = Setting<Duration>.hours(
        "retention-hours", "PAISA_IDEMPOTENCY_RETENTION_HOURS", default: Limits.idempotencyRetentionMin,
        range: Limits.idempotencyRetentionMin...(.seconds(365 * 24 * 3600)),
        "How long finished idempotency keys are kept (at least 24 hours, as clients rely on).")
    static let sandboxCardLatency = Setting<Duration>.milliseconds(
        "sandbox-card-latency-ms", "PAISA_SANDBOX_CARD_LATENCY_MS", default: SandboxSettings.cardLatencyDefault,
        range: .zero...(.seconds(60)), "How long a sandbox card authorization takes.")
    static let sandboxSlow = Setting<Duration>.milliseconds(
        "sandbox-slow-ms", "PAISA_SANDBOX_SLOW_MS", default: SandboxSettings.slowDefault,
        range: .zero...(.seconds(600)), "How long slow@upi takes to answer (past the budget: a pending charge).")
    static let sandboxPending = Setting<Duration>.milliseconds(
        "sandbox-pending-ms", "PAISA_SANDBOX_PENDING_MS", default: SandboxSettings.pendingSettleDefault,
        range: .zero...(.seconds(24 * 3600)), "How long pending@upi stays pending, and a UPI refund too.")
    static let readTimeout = Setting<Duration>.milliseconds(
        "read-timeout-ms", "PAISA_READ_TIMEOUT_MS", default: ConnectionSettings.readTimeoutDefault,
        range: .milliseconds(100)...(.seconds(300)),
        "Each request must arrive whole (head and body) within this time of its first byte, or of its connection "
            + "opening; slower connections are closed.")
    static let idleTimeout = Setting<Duration>.milliseconds(
        "idle-timeout-ms", "PAISA_IDLE_TIMEOUT_MS", default: ConnectionSettings.idleTimeoutDefault,
        range: .milliseconds(100)...(.seconds(3600)),
        "How long a keep-alive connection may wait between requests; keep it above the load balancer's own.")
    static let connectionsMax = Setting<Int>.integer(
        "connections-max", "PAISA_CONNECTIONS_MAX", default: ConnectionSettings.connectionsMaxDefault,
        range: 1...1_000_000,
        "Client connections open at once; past it a new connection is closed as soon as it is accepted.")
    static let tlsCertificate = Setting<String>.text(
        "tls-cert", "PAISA_TLS_CERT", default: nil, shown: "none (plain HTTP)",
        "PEM certificate chain for serving HTTPS (with --tls-key); read again when the file changes.")
    static let tlsKey = Setting<String>.text(
        "tls-key", "PAISA_TLS_KEY", default: nil, shown: "none", "PEM private key of --tls-cert.")
    static let trustForwardedProto = Setting<Bool>.boolean(
        "trust-forwarded-proto", "PAISA_TRUST_FORWARDED_PROTO",
        "A TLS-terminating proxy is in front: X-Forwarded-Proto: https counts as HTTPS for live keys.")
    static let webhookTimeout = Setting<Duration>.milliseconds(
        "webhook-timeout-ms", "PAISA_WEBHOOK_TIMEOUT_MS", default: WebhookDeliverer.Settings.timeoutDefault,
        range: .milliseconds(100)...(.seconds(60)), "How long a webhook endpoint has to answer a delivery with a 2xx.")
    static let webhookRetryFirst = Setting<Duration>.milliseconds(
        "webhook-retry-first-ms", "PAISA_WEBHOOK_RETRY_FIRST_MS", default: WebhookDeliverer.Settings.retryFirstDefault,
        range: .milliseconds(10)...(.seconds(3600)),
        "The wait before a failed delivery's first retry; each later wait doubles (times a random 0.5 to 1).")
    static let webhookRetryMax = Setting<Duration>.milliseconds(
        "webhook-retry-max-ms", "PAISA_WEBHOOK_RETRY_MAX_MS", default: WebhookDeliverer.Settings.retryMaxDefault,
        range: .milliseconds(10)...(.seconds(24 * 3600)), "The longest wait between two attempts of a delivery.")
    static let webhookGiveUp = Setting<Duration>.hours(
        "webhook-give-up-hours", "PAISA_WEBHOOK_GIVE_UP_HOURS", default: WebhookDeliverer.Settings.giveUpDefault,
        range: .seconds(3600)...(.seconds(30 * 24 * 3600)),
        "A delivery is given up this long after its event; an endpoint failing this long without a success is "
            + "disabled.")
    static let webhookPoll = Setting<Duration>.milliseconds(
        "webhook-poll-ms", "PAISA_WEBHOOK_POLL_MS", default: WebhookDeliverer.Settings.pollDefault,
        range: .milliseconds(10)...(.seconds(60)), "How often each instance looks for deliveries that are due.")
    static let webhookConcurrency = Setting<Int>.integer(
        "webhook-concurrency", "PAISA_WEBHOOK_CONCURRENCY", default: WebhookDeliverer.Settings.concurrencyDefault,
        range: 1...1024, "Webhook deliveries in flight at once on one instance.")
    static let webhookEndpointConcurrency = Setting<Int>.integer(
        "webhook-endpoint-concurrency", "PAISA_WEBHOOK_ENDPOINT_CONCURRENCY",
        default: WebhookDeliverer.Settings.perEndpointDefault, range: 1...1024,
        "Deliveries in flight at once to one endpoint, across every instance.")
    static let faults = Setting<String>.text(
        "faults", "PAISA_FAULTS", default: "", shown: "none",
        "Fault injection, for tests only: point=action[:count|@probability],…")
    static let logLevel = Setting<String>.choice(
        "log-level", "LOG_LEVEL", default: "info", among: Logger.Level.allCases.map(\.rawValue),
        "The least severe log level written.")
    static let logFormat = Setting<String>.choice(
        "log-format", "PAISA_LOG_FORMAT", default: LogFormat.text.rawValue, among: LogFormat.allCases.map(\.rawValue),
        "Log lines as text for people, or one JSON object per line for log pipelines.")

    // MARK: The administrative subcommands

    static let migrations = Setting<String>.text(
        "migrations", "PAISA_MIGRATIONS_DIR", default: "sql", "paisa migrate: the folder of NNN_name.sql files.")
    static let account = Setting<String>.text(
        "account", "PAISA_ACCOUNT", default: nil, shown: "the default account",
        "paisa keys: the account id (acct_…) a key command acts on.")
    static let apiVersion = Setting<String>.text(
        "version", "PAISA_API_VERSION", default: nil, shown: "the newest",
        "paisa accounts create: the API version requests without Stripe-Version get.")

    /// Every setting, in the reference's order.
    static let all: [any SettingDescription] = [
        databaseURL, poolMax, host, port, budget, inFlightMax, rateLimitLive, rateLimitTest, keyCache, docsURL,
        docsDirectory, retention,
        sandboxCardLatency, sandboxSlow, sandboxPending, readTimeout, idleTimeout, connectionsMax, tlsCertificate,
        tlsKey, trustForwardedProto, webhookTimeout, webhookRetryFirst, webhookRetryMax, webhookGiveUp, webhookPoll,
        webhookConcurrency, webhookEndpointConcurrency, faults, logLevel, logFormat, migrations, account, apiVersion,
    ]

    /// The configuration reference's table of every setting, as `paisa settings` prints it.
    static var markdownTable: String {
        var lines = ["| flag | environment | default | takes | meaning |", "|---|---|---|---|---|"]
        for setting in Self.all {
            let variable = setting.variable.map { "`\($0)`" } ?? "none"
            lines.append(
                "| `--\(setting.flag)` | \(variable) | \(setting.defaultText) | \(setting.accepted) | "
                    + "\(setting.summary.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n")
    }
}
