import ArgumentParser
import Hummingbird
import Logging
import NIOCore
import Payments
import PaymentsAPI
import PaymentsStore
import SandboxProcessor

#if canImport(Glibc)
import Glibc
#endif

/// The defaults of `paisa serve`, one place for the code and the help text.
enum ServeDefault {
    static let host = "127.0.0.1"
    static let port = 8080
    static let budgetMilliseconds = Limits.requestBudgetMillisecondsDefault
    static let budgetMillisecondsRange = Limits.requestBudgetMillisecondsMin...60_000
    static let inFlightMax = APIConfiguration.inFlightMaxDefault
    static let retentionHours = Limits.idempotencyRetentionSecondsDefault / 3600
    static let sandboxCardLatencyMilliseconds = SandboxSettings.cardLatencyMillisecondsDefault
    static let sandboxSlowMilliseconds = SandboxSettings.slowMillisecondsDefault
    static let sandboxPendingMilliseconds = SandboxSettings.pendingSettleMillisecondsDefault
    static let docsDirectory = "docs"
    static let keyCacheMilliseconds = APIConfiguration.keyCacheMillisecondsDefault
    static let keyCacheMillisecondsRange = 0...60_000
}

/// `paisa serve`: runs the API until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the /v1 API.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on. [PAISA_HOST, default \(ServeDefault.host)]")
    var host: String?

    @Option(help: "Port to listen on. [PORT, default \(ServeDefault.port)]")
    var port: Int?

    @Option(
        help:
            "Each request's time budget in milliseconds. [PAISA_BUDGET_MS, default \(ServeDefault.budgetMilliseconds)]")
    var budgetMs: Int?

    @Option(
        help:
            "Requests in flight before new ones are shed with 503. [PAISA_IN_FLIGHT_MAX, default \(ServeDefault.inFlightMax)]"
    )
    var inFlightMax: Int?

    @Option(
        help: """
            How long an authenticated key is remembered, in ms; a revoked key stops working within this time. 0 \
            reads it on every request. [PAISA_KEY_CACHE_MS, default \(ServeDefault.keyCacheMilliseconds)]
            """)
    var keyCacheMs: Int?

    @Option(help: "Base URL of the error reference that doc_url links point into. [PAISA_DOCS_URL]")
    var docsUrl: String?

    @Option(
        help:
            "Folder with errors.md and openapi.json, served at /docs/errors and /v1/openapi.json. [PAISA_DOCS_DIR, default \(ServeDefault.docsDirectory)]"
    )
    var docsDir: String?

    @Option(
        help:
            "Hours finished idempotency keys are kept. [PAISA_IDEMPOTENCY_RETENTION_HOURS, default \(ServeDefault.retentionHours)]"
    )
    var retentionHours: Int?

    @Option(
        help:
            "Sandbox card authorization latency in ms. [PAISA_SANDBOX_CARD_LATENCY_MS, default \(ServeDefault.sandboxCardLatencyMilliseconds)]"
    )
    var sandboxCardLatencyMs: Int?

    @Option(
        help:
            "How long slow@upi takes to answer, in ms. [PAISA_SANDBOX_SLOW_MS, default \(ServeDefault.sandboxSlowMilliseconds)]"
    )
    var sandboxSlowMs: Int?

    @Option(
        help:
            "How long pending@upi stays pending, in ms. [PAISA_SANDBOX_PENDING_MS, default \(ServeDefault.sandboxPendingMilliseconds)]"
    )
    var sandboxPendingMs: Int?

    @Option(help: "Fault injection for tests, point=action[:count|@probability],... [PAISA_FAULTS, default none]")
    var faults: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. [LOG_LEVEL, default info]")
    var logLevel: String?

    func run() async throws {
        let logger = try makeLogger(level: self.logLevel)
        let configuration = try self.serverConfiguration()
        let (app, _) = try buildApplication(configuration, logger: logger)
        do {
            try await app.runService()
        } catch let problem as Migrator.Problem {
            throw CommandProblem(problem.description)
        } catch let error where StoreFailure.isUnreachable(error) {
            throw CommandProblem(
                "Cannot reach the database at \(configuration.database.redacted). Is it running? "
                    + "(`make db-up` starts the embedded one.)")
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandProblem(
                "Port \(configuration.port) on \(configuration.host) is already in use. Stop what listens there, or "
                    + "choose another port with --port or PORT.")
        }
    }

    /// Flags, then environment, then defaults, into one typed configuration.
    func serverConfiguration() throws -> ServerConfiguration {
        let host = Environment.string(self.host, "PAISA_HOST", default: ServeDefault.host)!
        let port = try Environment.integer(self.port, "PORT", default: ServeDefault.port)
        guard (1...65535).contains(port) else { throw ValidationError("The port must be between 1 and 65535.") }
        let budget = try Environment.integer(
            self.budgetMs, "PAISA_BUDGET_MS", default: ServeDefault.budgetMilliseconds)
        let budgets = ServeDefault.budgetMillisecondsRange
        guard budgets.contains(budget) else {
            throw ValidationError("The budget must be between \(budgets.lowerBound) and \(budgets.upperBound) ms.")
        }
        let inFlightMax = try Environment.integer(
            self.inFlightMax, "PAISA_IN_FLIGHT_MAX", default: ServeDefault.inFlightMax)
        guard inFlightMax >= 1 else { throw ValidationError("--in-flight-max must be at least 1.") }
        let keyCache = try Environment.integer(
            self.keyCacheMs, "PAISA_KEY_CACHE_MS", default: ServeDefault.keyCacheMilliseconds)
        let keyCaches = ServeDefault.keyCacheMillisecondsRange
        guard keyCaches.contains(keyCache) else {
            throw ValidationError("--key-cache-ms must be \(keyCaches.lowerBound) to \(keyCaches.upperBound).")
        }
        let retentionHours = try Environment.integer(
            self.retentionHours, "PAISA_IDEMPOTENCY_RETENTION_HOURS", default: ServeDefault.retentionHours)
        guard retentionHours >= ServeDefault.retentionHours else {
            throw ValidationError("Idempotency keys are kept at least 24 hours, as clients rely on.")
        }
        var configuration = ServerConfiguration(
            host: host, port: port, database: try self.database.settings(statementTimeoutMilliseconds: budget),
            api: APIConfiguration(
                requestBudgetMilliseconds: budget,
                docsURL: Environment.string(
                    self.docsUrl, "PAISA_DOCS_URL", default: "http://\(host):\(port)/docs/errors")!,
                inFlightMax: inFlightMax, keyCacheMilliseconds: keyCache),
            sandbox: SandboxSettings(
                cardLatencyMilliseconds: try Environment.integer(
                    self.sandboxCardLatencyMs, "PAISA_SANDBOX_CARD_LATENCY_MS",
                    default: ServeDefault.sandboxCardLatencyMilliseconds),
                slowMilliseconds: try Environment.integer(
                    self.sandboxSlowMs, "PAISA_SANDBOX_SLOW_MS", default: ServeDefault.sandboxSlowMilliseconds),
                pendingSettleMilliseconds: try Environment.integer(
                    self.sandboxPendingMs, "PAISA_SANDBOX_PENDING_MS", default: ServeDefault.sandboxPendingMilliseconds)
            ),
            faults: Environment.string(self.faults, "PAISA_FAULTS", default: "")!,
            idempotencyRetentionSeconds: retentionHours * 3600,
            // A key is held for the request's whole budget, whatever the budget is.
            idempotencyLeaseMilliseconds: Limits.idempotencyLeaseMilliseconds(budgetMilliseconds: budget))
        configuration.docsDirectory = Environment.string(
            self.docsDir, "PAISA_DOCS_DIR", default: ServeDefault.docsDirectory)!
        return configuration
    }
}
