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

    /// Every /v1 route, in one list.
    private func buildRoutes() -> RouteTable {
        var routes = RouteTable()
        routes.add(.get, "/v1/account", self.retrieveAccount())
        routes.add(.post, "/v1/charges", self.createCharge())
        routes.add(.get, "/v1/charges", self.listCharges())
        // Before `/v1/charges/:id`: the table matches in order, and `search` is no charge id.
        routes.add(.get, "/v1/charges/search", self.searchCharges())
        routes.add(.get, "/v1/charges/:id", self.retrieveCharge())
        routes.add(.post, "/v1/charges/:id", self.updateCharge())
        routes.add(.post, "/v1/charges/:id/capture", self.captureCharge())
        routes.add(.get, "/v1/charges/:id/refunds", self.listRefunds(ofChargeInPath: true))
        routes.add(.post, "/v1/refunds", self.createRefund())
        routes.add(.get, "/v1/refunds", self.listRefunds())
        routes.add(.get, "/v1/refunds/:id", self.retrieveRefund())
        routes.add(.post, "/v1/refunds/:id", self.updateRefund())
        routes.add(.post, "/v1/payment_intents", self.createPaymentIntent())
        routes.add(.get, "/v1/payment_intents", self.listPaymentIntents())
        routes.add(.get, "/v1/payment_intents/search", self.searchPaymentIntents())
        routes.add(.get, "/v1/payment_intents/:id", self.retrievePaymentIntent())
        routes.add(.post, "/v1/payment_intents/:id", self.updatePaymentIntent())
        routes.add(.post, "/v1/payment_intents/:id/confirm", self.confirmPaymentIntent())
        routes.add(.post, "/v1/payment_intents/:id/capture", self.capturePaymentIntent())
        routes.add(.post, "/v1/payment_intents/:id/cancel", self.cancelPaymentIntent())
        routes.add(.post, "/v1/customers", self.createCustomer())
        routes.add(.get, "/v1/customers", self.listCustomers())
        routes.add(.get, "/v1/customers/search", self.searchCustomers())
        routes.add(.get, "/v1/customers/:id", self.retrieveCustomer())
        routes.add(.post, "/v1/customers/:id", self.updateCustomer())
        routes.add(.delete, "/v1/customers/:id", self.deleteCustomer())
        routes.add(.get, "/v1/balance", self.retrieveBalance())
        routes.add(.get, "/v1/balance_transactions", self.listBalanceTransactions())
        routes.add(.get, "/v1/balance_transactions/:id", self.retrieveBalanceTransaction())
        routes.add(.get, "/v1/events", self.listEvents())
        routes.add(.get, "/v1/events/:id", self.retrieveEvent())
        routes.add(.post, "/v1/webhook_endpoints", self.createWebhookEndpoint())
        routes.add(.get, "/v1/webhook_endpoints", self.listWebhookEndpoints())
        routes.add(.get, "/v1/webhook_endpoints/:id", self.retrieveWebhookEndpoint())
        routes.add(.post, "/v1/webhook_endpoints/:id", self.updateWebhookEndpoint())
        routes.add(.delete, "/v1/webhook_endpoints/:id", self.deleteWebhookEndpoint())
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
