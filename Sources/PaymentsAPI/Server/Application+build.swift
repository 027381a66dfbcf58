import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Payments
import PaymentsStore
import PostgresNIO
import SandboxProcessor
import ServiceLifecycle

/// Builds the server: the pool, the store, the sandbox processor, the API and its background services, under one
/// service group that starts them in order and stops them gracefully on SIGTERM or SIGINT. Tests pass a pool that
/// is already running (`sharedClient`), which the group then leaves alone, and learn the port the server bound
/// (port 0 takes any free one) from `onServerRunning`.
public func buildApplication(
    _ configuration: ServerConfiguration, logger: Logger, sharedClient: PostgresClient? = nil,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> (some ApplicationProtocol, ServerComponents) {
    var configuration = configuration
    let certificates = try configuration.connections.tls.map { files in
        do {
            return try TLSCertificates(files: files, logger: logger)
        } catch {
            throw ConfigurationProblem(
                "Cannot serve HTTPS with \(files.certificatePath) and \(files.keyPath): \(error). Check that both are "
                    + "PEM files and that the key belongs to the certificate.")
        }
    }
    configuration.api.transport.servesTLS = certificates != nil
    try checkConnections(configuration, logger: logger)
    let faults = try FaultInjector(specification: configuration.faults)
    let client =
        sharedClient
        ?? PostgresClient(configuration: configuration.database.clientConfiguration, backgroundLogger: logger)
    let store = PostgresPaymentsStore(
        database: Database(client: client, faults: faults, logger: logger),
        lease: configuration.idempotencyLease)
    let processor = SandboxProcessor(client: client, settings: configuration.sandbox, logger: logger)
    let versioning = Versioning(changes: configuration.versionChanges)
    let api = APIRouter(
        configuration: configuration.api, store: store, processor: processor, faults: faults,
        versioning: versioning, logger: logger)
    let server = ServerComponents(
        api: api,
        completer: Completer(
            api: api, interval: configuration.completerInterval, logger: logger),
        reconciler: Reconciler(
            api: api, interval: configuration.reconcilerInterval, logger: logger),
        reaper: Reaper(
            store: store, retention: configuration.idempotencyRetention, interval: configuration.reaperInterval,
            logger: logger),
        approvalSweep: ApprovalSweep(
            processor: processor, store: store,
            settings: configuration.approvalSweep
                ?? ApprovalSweep.Settings(grace: configuration.idempotencyLease + configuration.completerInterval),
            logger: logger),
        webhooks: WebhookDeliverer(
            store: store, versioning: versioning, settings: configuration.webhooks, logger: logger),
        faults: faults, client: client, store: store, processor: processor)

    _ = Observability.registry
    let responder = APIResponder(
        api: api,
        publicRoutes: PublicRoutes.make(
            store: store, docsDirectory: configuration.docsDirectory, logger: logger))
    var services: [any Service] = sharedClient == nil ? [client] : []
    if let certificates { services.append(certificates) }
    if configuration.runBackgroundServices {
        services +=
            [server.completer, server.reconciler, server.reaper, server.approvalSweep, server.webhooks]
            as [any Service]
    }
    let settings = configuration.connections
    let docsURL = configuration.api.docsURL
    var app = Application(
        responder: responder,
        server: HTTPServerBuilder { respond in
            GuardedHTTPChannel(
                responder: respond, settings: settings, certificates: certificates,
                timedOutAnswer: { APIResponder.bodyTimedOutBytes(docsURL: docsURL) },
                malformedAnswer: { APIResponder.answerBeneathRouter(APIResponder.malformedRequest(), docsURL: docsURL) }
            )
        },
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Paisa",
            backlog: ConnectionSettings.acceptBacklog),
        services: services, onServerRunning: onServerRunning, logger: logger)
    app.beforeServerStarts {
        try await Migrator(client: client, logger: logger).checkSchema()
    }
    return (app, server)
}

/// At start: the descriptor budget must fit the open-file limit, and a server reachable beyond this machine that
/// takes keys in clear says so loudly.
private func checkConnections(_ configuration: ServerConfiguration, logger: Logger) throws {
    let budget = DescriptorBudget(
        clientConnections: configuration.connections.connectionsMax,
        databaseConnections: configuration.database.poolConnectionsMax)
    if let limit = DescriptorBudget.openFileLimit(), let problem = budget.problem(limit: limit) {
        throw ConfigurationProblem(problem)
    }
    let loopback = ["127.0.0.1", "::1", "localhost"].contains(configuration.host)
    let transport = configuration.api.transport
    if !loopback, !transport.servesTLS, !transport.trustForwardedProto {
        logger.critical(
            """
            serving plain HTTP on \(configuration.host): API keys would cross the network in clear. Serve HTTPS \
            (--tls-cert and --tls-key), or put a TLS-terminating proxy in front and say so with \
            --trust-forwarded-proto; live keys are refused over plain HTTP until then.
            """)
    }
}

/// A configuration the server cannot run with, said in words that name the setting to change.
public struct ConfigurationProblem: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
