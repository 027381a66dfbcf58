import Hummingbird
import Logging
import NIOCore
import Payments
import PaymentsStore
import PostgresNIO
import SandboxProcessor
import ServiceLifecycle

/// Builds the server: the pool, the store, the sandbox processor, the API and its background services, under one
/// service group that starts them in order and stops them gracefully on SIGTERM or SIGINT. Tests pass a pool that
/// is already running (`sharedClient`), which the group then leaves alone.
public func buildApplication(
    _ configuration: ServerConfiguration, logger: Logger, sharedClient: PostgresClient? = nil
) throws -> (some ApplicationProtocol, ServerComponents) {
    let faults = try FaultInjector(specification: configuration.faults)
    let client =
        sharedClient
        ?? PostgresClient(configuration: configuration.database.clientConfiguration, backgroundLogger: logger)
    let store = PostgresPaymentsStore(
        database: Database(client: client, faults: faults, logger: logger),
        lease: configuration.idempotencyLease)
    let processor = SandboxProcessor(client: client, settings: configuration.sandbox, logger: logger)
    let api = APIRouter(
        configuration: configuration.api, store: store, processor: processor, faults: faults,
        versioning: Versioning(changes: configuration.versionChanges), logger: logger)
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
        faults: faults, client: client, store: store, processor: processor)

    _ = Observability.registry
    let responder = APIResponder(
        api: api,
        publicRoutes: PublicRoutes.make(
            store: store, docsDirectory: configuration.docsDirectory, logger: logger))
    var services: [any Service] = sharedClient == nil ? [client] : []
    if configuration.runBackgroundServices {
        services += [server.completer, server.reconciler, server.reaper, server.approvalSweep] as [any Service]
    }
    var app = Application(
        responder: responder,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Paisa"),
        services: services, logger: logger)
    app.beforeServerStarts {
        try await Migrator(client: client, logger: logger).checkSchema()
    }
    return (app, server)
}
