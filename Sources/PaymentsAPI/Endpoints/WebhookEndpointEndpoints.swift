import Payments

/// Webhook endpoints: `/v1/webhook_endpoints` and an endpoint's own routes.
struct WebhookEndpointsController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.post, "/v1/webhook_endpoints", .write(CreateWebhookEndpointWrite.self, api: self.api))
        routes.add(.get, "/v1/webhook_endpoints", self.api.listWebhookEndpoints())
        routes.add(.get, "/v1/webhook_endpoints/:id", self.api.retrieveWebhookEndpoint())
        routes.add(.post, "/v1/webhook_endpoints/:id", .write(UpdateWebhookEndpointWrite.self, api: self.api))
        routes.add(.delete, "/v1/webhook_endpoints/:id", self.api.deleteWebhookEndpoint())
    }
}

/// `POST /v1/webhook_endpoints`: the answer is the only one that shows the signing secret.
struct CreateWebhookEndpointWrite: Write {
    static let permission = Permission(.webhookEndpoints, .write)

    let request: APIRequest
    let api: APIRouter
    let command: CreateWebhookEndpoint

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters,
            allowed: ["url", "enabled_events", "description", "metadata", "api_version", "connect", "expand"])
        _ = try Expansion(reader, allowed: [], for: request.principal)
        if try reader.bool("connect") == true {
            throw PaymentsError.invalidRequest(
                code: .parameterUnknown,
                message: "Paisa has no connected accounts (Stripe Connect), so an endpoint cannot listen to their "
                    + "events. Leave out `connect`.",
                param: "connect")
        }
        let version = try reader.nonEmptyString("api_version").map { (text) throws(PaymentsError) in
            try api.versioning.validate(text, param: "api_version").text
        }
        self.command = try CreateWebhookEndpoint(
            url: try reader.requiredString("url"), enabledEvents: try APIRouter.enabledEvents(reader) ?? [],
            description: try reader.nonEmptyString("description"), metadata: try reader.newMetadata(),
            apiVersion: version, livemode: request.scope.livemode)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.webhookEndpoints.create(self.command, key: key, deadline: request.deadline) {
            result in request.stored(result, docsURL: docsURL) { Render.webhookEndpoint($0, showingSecret: true) }
        }
    }
}

/// `POST /v1/webhook_endpoints/:id`: URL, events, description, metadata, `disabled`.
struct UpdateWebhookEndpointWrite: Write {
    static let permission = Permission(.webhookEndpoints, .write)

    let request: APIRequest
    let api: APIRouter
    let command: UpdateWebhookEndpoint

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters, allowed: ["url", "enabled_events", "description", "metadata", "disabled", "expand"])
        _ = try Expansion(reader, allowed: [], for: request.principal)
        self.command = try UpdateWebhookEndpoint(
            endpointID: request.pathParameter("id"), url: try reader.nonEmptyString("url"),
            enabledEvents: try APIRouter.enabledEvents(reader), description: try reader.string("description"),
            metadata: try reader.metadata(), disabled: try reader.bool("disabled"), livemode: request.scope.livemode)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.webhookEndpoints.update(self.command, key: key, deadline: request.deadline) {
            result in request.stored(result, docsURL: docsURL) { Render.webhookEndpoint($0) }
        }
    }
}

extension APIRouter {
    /// `GET /v1/webhook_endpoints/:id`.
    func retrieveWebhookEndpoint() -> Endpoint {
        Endpoint(
            Permission(.webhookEndpoints, .read),
            .read { request in
                try ParameterReader(request.parameters, allowed: ["expand"]).ignoredExpand()
                let id = request.pathParameter("id")
                guard
                    let endpoint = try await self.store.webhookEndpoint(
                        id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("webhook endpoint", id) }
                return APIResponse(.ok, Render.webhookEndpoint(endpoint))
            })
    }

    /// `GET /v1/webhook_endpoints`: newest first.
    func listWebhookEndpoints() -> Endpoint {
        Endpoint(
            Permission(.webhookEndpoints, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ParameterReader.listParameters)
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let page = try await self.store.webhookEndpoints(
                    scope: request.scope, page: try reader.page(), deadline: request.deadline)
                return APIResponse(
                    .ok,
                    Render.list(
                        url: "/v1/webhook_endpoints", items: page.items.map { Render.webhookEndpoint($0) },
                        hasMore: page.hasMore))
            })
    }

    /// `DELETE /v1/webhook_endpoints/:id`: answered directly, without an idempotency key (as in Stripe, a
    /// DELETE takes none): deleting twice answers 404 the second time. Its pending deliveries go with it.
    func deleteWebhookEndpoint() -> Endpoint {
        Endpoint(
            Permission(.webhookEndpoints, .write),
            .read { request in
                _ = try ParameterReader(request.parameters, allowed: [])
                let id = request.pathParameter("id")
                guard
                    try await self.store.deleteWebhookEndpoint(id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("webhook endpoint", id) }
                return APIResponse(.ok, Render.deleted(id, object: "webhook_endpoint"))
            })
    }

    static func enabledEvents(_ reader: ParameterReader) throws(PaymentsError) -> [String]? {
        try reader.strings("enabled_events", max: Limits.enabledEventsMax, example: "enabled_events[]=*")
    }
}
