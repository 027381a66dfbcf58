import HTTPTypes
import Logging
import Payments

/// The API's dependencies and routes: everything between a decoded request and the domain.
public struct APIRouter: Sendable {
    let configuration: APIConfiguration
    let store: any PaymentsStore
    let charges: ChargeService
    let mutations: ChargeMutations
    let webhookEndpoints: WebhookEndpointMutations
    let customers: CustomerMutations
    let intents: PaymentIntentService
    let idempotency: IdempotencyLayer
    let versioning: Versioning
    let authenticator: Authenticator
    let logger: Logger
    /// Every route the API serves; the OpenAPI document must describe exactly these.
    public private(set) var routes = RouteTable()

    public init(
        configuration: APIConfiguration, store: any PaymentsStore, processor: any PaymentProcessor,
        faults: FaultInjector, versioning: Versioning = Versioning(), logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.charges = ChargeService(store: store, processor: processor, faults: faults, logger: logger)
        self.mutations = ChargeMutations(store: store)
        self.webhookEndpoints = WebhookEndpointMutations(store: store)
        self.customers = CustomerMutations(store: store)
        self.intents = PaymentIntentService(store: store, charges: self.charges)
        self.idempotency = IdempotencyLayer(store: store, logger: logger)
        self.versioning = versioning
        self.authenticator = Authenticator(
            store: store, cache: PrincipalCache(lifetime: configuration.keyCacheLifetime),
            transport: configuration.transport)
        self.logger = logger
        self.routes = self.buildRoutes()
    }

    /// Every /v1 route, resource by resource: each controller adds its own.
    private func buildRoutes() -> RouteTable {
        var routes = RouteTable()
        let controllers: [any Controller] = [
            AccountController(api: self), ChargesController(api: self), RefundsController(api: self),
            PaymentIntentsController(api: self), CustomersController(api: self), BalanceController(api: self),
            EventsController(api: self), WebhookEndpointsController(api: self),
        ]
        for controller in controllers { controller.addRoutes(to: &routes) }
        return routes
    }

    /// Runs a write under its idempotency key, for the HTTP layer and the completer alike.
    func performWrite(
        _ request: APIRequest, prepare: @Sendable (APIRequest) async throws -> Endpoint.Operation
    )
        async throws -> IdempotencyLayer.Answer
    {
        let idempotent = try Self.idempotentRequest(request)
        let operation = try await prepare(request)
        return try await self.idempotency.perform(idempotent, deadline: request.deadline, operation: operation)
    }

    /// Ends a write the completer gave up on, under its key: the endpoint's `end` operation, without validating
    /// the stored request again.
    func endWrite(_ request: APIRequest, end: Endpoint.Operation) async throws -> IdempotencyLayer.Answer {
        try await self.idempotency.perform(
            try Self.idempotentRequest(request), deadline: request.deadline, operation: end)
    }

    /// What the idempotency layer knows of a write: its key, routed path, version and canonical parameters.
    private static func idempotentRequest(_ request: APIRequest) throws -> IdempotentRequest {
        guard let key = request.idempotencyKey else { preconditionFailure("writes always carry a key") }
        // What the key remembers must fit its columns: checked here, before anything is claimed.
        guard StoredText.length(request.path) <= Limits.requestPathLengthMax else {
            throw PaymentsError.notFound(
                message: "No such object: the path \(request.path.prefix(80))… names no object Paisa has.", param: "id")
        }
        let canonical = request.parameters.canonical
        guard canonical.utf8.count <= Limits.requestParametersBytesMax else { throw ParameterProblems.tooMany() }
        return IdempotentRequest(
            scope: request.scope, key: key, method: request.method.rawValue, path: request.path,
            version: request.version.text, parameters: canonical,
            fingerprint: RequestFingerprint.make(
                method: request.method.rawValue, path: request.path, version: request.version.text,
                canonicalParameters: canonical),
            requestID: request.requestID)
    }
}
