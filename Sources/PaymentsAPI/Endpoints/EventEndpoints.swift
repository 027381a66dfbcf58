import Payments

/// Events: `/v1/events`.
struct EventsController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.get, "/v1/events", self.api.listEvents())
        routes.add(.get, "/v1/events/:id", self.api.retrieveEvent())
    }
}

extension APIRouter {
    /// `GET /v1/events/:id`.
    func retrieveEvent() -> Endpoint {
        Endpoint(
            Permission(.events, .read),
            .read { request in
                try ParameterReader(request.parameters, allowed: ["expand"]).ignoredExpand()
                let id = request.pathParameter("id")
                guard let event = try await self.store.event(id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("event", id) }
                return APIResponse(.ok, Render.event(event, version: request.version))
            })
    }

    /// `GET /v1/events`: newest first; `type` (exact, or a prefix such as `charge.*`) or `types[]`.
    func listEvents() -> Endpoint {
        Endpoint(
            Permission(.events, .read),
            .read { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ParameterReader.listParameters.union(["type", "types"]))
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let page = try await self.store.events(
                    scope: request.scope, types: try Self.eventTypes(reader), page: try reader.page(),
                    deadline: request.deadline)
                return APIResponse(
                    .ok,
                    Render.list(
                        url: "/v1/events", items: page.items.map { Render.event($0, version: request.version) },
                        hasMore: page.hasMore))
            })
    }

    /// The types a list asks for, nil for all. A type Paisa never writes matches nothing, as in Stripe.
    private static func eventTypes(_ reader: ParameterReader) throws(PaymentsError) -> [EventType]? {
        let type = try reader.nonEmptyString("type")
        let types = try reader.strings(
            "types", max: Limits.eventTypesFilterMax, example: "types[]=charge.succeeded")
        switch (type, types) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw PaymentsError.invalidRequest(
                code: .parametersExclusive, message: "You may pass either `type` or `types`, but not both.",
                param: "type")
        case (let type?, nil):
            guard type.hasSuffix(".*") else { return EventType(rawValue: type).map { [$0] } ?? [] }
            let prefix = type.dropLast()
            return EventType.allCases.filter { $0.rawValue.hasPrefix(prefix) }
        case (nil, let types?):
            return types.compactMap(EventType.init(rawValue:))
        }
    }
}
