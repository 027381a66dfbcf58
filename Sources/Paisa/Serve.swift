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

/// `paisa serve`: runs the API until SIGTERM or SIGINT. Every option is declared once, in `Settings`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the /v1 API.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var log: LogOptions

    @Option(name: Settings.host.name, help: Settings.host.help) var host: String?
    @Option(name: Settings.port.name, help: Settings.port.help) var port: String?
    @Option(name: Settings.budget.name, help: Settings.budget.help) var budget: String?
    @Option(name: Settings.inFlightMax.name, help: Settings.inFlightMax.help) var inFlightMax: String?
    @Option(name: Settings.rateLimitLive.name, help: Settings.rateLimitLive.help) var rateLimitLive: String?
    @Option(name: Settings.rateLimitTest.name, help: Settings.rateLimitTest.help) var rateLimitTest: String?
    @Option(name: Settings.keyCache.name, help: Settings.keyCache.help) var keyCache: String?
    @Option(name: Settings.docsURL.name, help: Settings.docsURL.help) var docsURL: String?
    @Option(name: Settings.docsDirectory.name, help: Settings.docsDirectory.help) var docsDirectory: String?
    @Option(name: Settings.retention.name, help: Settings.retention.help) var retention: String?
    @Option(name: Settings.sandboxCardLatency.name, help: Settings.sandboxCardLatency.help)
    var sandboxCardLatency: String?
    @Option(name: Settings.sandboxSlow.name, help: Settings.sandboxSlow.help) var sandboxSlow: String?
    @Option(name: Settings.sandboxPending.name, help: Settings.sandboxPending.help) var sandboxPending: String?
    @Option(name: Settings.readTimeout.name, help: Settings.readTimeout.help) var readTimeout: String?
    @Option(name: Settings.idleTimeout.name, help: Settings.idleTimeout.help) var idleTimeout: String?
    @Option(name: Settings.connectionsMax.name, help: Settings.connectionsMax.help) var connectionsMax: String?
    @Option(name: Settings.tlsCertificate.name, help: Settings.tlsCertificate.help) var tlsCertificate: String?
    @Option(name: Settings.tlsKey.name, help: Settings.tlsKey.help) var tlsKey: String?
    @Flag(name: Settings.trustForwardedProto.name, help: Settings.trustForwardedProto.help)
    var trustForwardedProto = false
    @Option(name: Settings.webhookTimeout.name, help: Settings.webhookTimeout.help) var webhookTimeout: String?
    @Option(name: Settings.webhookRetryFirst.name, help: Settings.webhookRetryFirst.help)
    var webhookRetryFirst: String?
    @Option(name: Settings.webhookRetryMax.name, help: Settings.webhookRetryMax.help) var webhookRetryMax: String?
    @Option(name: Settings.webhookGiveUp.name, help: Settings.webhookGiveUp.help) var webhookGiveUp: String?
    @Option(name: Settings.webhookPoll.name, help: Settings.webhookPoll.help) var webhookPoll: String?
    @Option(name: Settings.webhookConcurrency.name, help: Settings.webhookConcurrency.help)
    var webhookConcurrency: String?
    @Option(name: Settings.webhookEndpointConcurrency.name, help: Settings.webhookEndpointConcurrency.help)
    var webhookEndpointConcurrency: String?
    @Option(name: Settings.faults.name, help: Settings.faults.help) var faults: String?

    func run() async throws {
        let logger = try self.log.logger()
        let configuration = try self.serverConfiguration()
        do {
            let (app, _) = try buildApplication(configuration, logger: logger)
            try await app.runService()
        } catch let problem as Migrator.Problem {
            throw CommandProblem(problem.description)
        } catch let error where StoreFailure.isUnreachable(error) {
            throw CommandProblem(
                "Cannot reach the database at \(configuration.database.redacted). Is it running? "
                    + "(`make db-up` starts the embedded one.)")
        } catch let problem as ConfigurationProblem {
            throw CommandProblem(problem.description)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandProblem(
                "Port \(configuration.port) on \(configuration.host) is already in use. Stop what listens there, or "
                    + "choose another port with --port or PORT.")
        }
    }

    /// Flags, then environment, then defaults, into one typed configuration.
    func serverConfiguration() throws -> ServerConfiguration {
        let host = try Settings.host.value(self.host)
        let port = try Settings.port.value(self.port)
        let budget = try Settings.budget.value(self.budget)
        var configuration = ServerConfiguration(
            host: host, port: port, database: try self.database.settings(statementTimeout: budget),
            api: APIConfiguration(
                requestBudget: budget,
                docsURL: try Settings.docsURL.optionalValue(self.docsURL) ?? "http://\(host):\(port)/docs/errors",
                inFlightMax: try Settings.inFlightMax.value(self.inFlightMax),
                keyCacheLifetime: try Settings.keyCache.value(self.keyCache)),
            sandbox: SandboxSettings(
                cardLatency: try Settings.sandboxCardLatency.value(self.sandboxCardLatency),
                slow: try Settings.sandboxSlow.value(self.sandboxSlow),
                pendingSettle: try Settings.sandboxPending.value(self.sandboxPending)),
            faults: try Settings.faults.value(self.faults),
            idempotencyRetention: try Settings.retention.value(self.retention),
            // A key is held for the request's whole budget, whatever the budget is.
            idempotencyLease: Limits.idempotencyLease(budget: budget))
        configuration.docsDirectory = try Settings.docsDirectory.value(self.docsDirectory)
        configuration.api.rateLimits = RateLimits(
            live: Double(try Settings.rateLimitLive.value(self.rateLimitLive)),
            test: Double(try Settings.rateLimitTest.value(self.rateLimitTest)))
        configuration.api.transport.trustForwardedProto = try Settings.trustForwardedProto.value(
            self.trustForwardedProto ? "true" : nil)
        configuration.connections = ConnectionSettings(
            readTimeout: try Settings.readTimeout.value(self.readTimeout),
            idleTimeout: try Settings.idleTimeout.value(self.idleTimeout),
            connectionsMax: try Settings.connectionsMax.value(self.connectionsMax),
            tls: try self.tlsFiles())
        configuration.webhooks = try self.webhookSettings()
        return configuration
    }

    private func webhookSettings() throws -> WebhookDeliverer.Settings {
        let first = try Settings.webhookRetryFirst.value(self.webhookRetryFirst)
        let max = try Settings.webhookRetryMax.value(self.webhookRetryMax)
        guard max >= first else {
            throw ValidationError("--webhook-retry-max-ms must be at least --webhook-retry-first-ms.")
        }
        return WebhookDeliverer.Settings(
            timeout: try Settings.webhookTimeout.value(self.webhookTimeout),
            retry: WebhookRetryPolicy(
                first: first, max: max, giveUpAfter: try Settings.webhookGiveUp.value(self.webhookGiveUp)),
            poll: try Settings.webhookPoll.value(self.webhookPoll),
            concurrency: try Settings.webhookConcurrency.value(self.webhookConcurrency),
            perEndpoint: try Settings.webhookEndpointConcurrency.value(self.webhookEndpointConcurrency))
    }

    /// Both TLS files, or neither.
    private func tlsFiles() throws -> TLSFiles? {
        let certificate = try Settings.tlsCertificate.optionalValue(self.tlsCertificate)
        let key = try Settings.tlsKey.optionalValue(self.tlsKey)
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return TLSFiles(certificatePath: certificate, keyPath: key)
        default: throw ValidationError("--tls-cert and --tls-key go together: give both, or neither.")
        }
    }
}
