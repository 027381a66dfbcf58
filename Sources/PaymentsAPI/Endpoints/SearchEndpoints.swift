import Payments

extension APIRouter {
    /// The parameters every search endpoint takes, as Stripe.
    static let searchParameters: Set<String> = ["query", "limit", "page", "expand"]

    /// `GET /v1/charges/search`: charges matching a query, newest first, paged by `next_page`.
    func searchCharges() -> Endpoint {
        Endpoint(
            Permission(.charges, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: Self.searchParameters)
                let expansion = try Expansion(
                    reader, allowed: Set(Self.chargeExpandable.map { "data." + $0 }), for: request.principal)
                let search = try Self.searchRequest(reader, .charges)
                let page = try await self.store.searchCharges(search, scope: request.scope, deadline: request.deadline)
                let relations = try self.relations(request, expansion, prefix: "data.")
                let (items, context) = try await self.chargeItems(page.items, relations: relations, request)
                let next = page.items.last.map { SearchPosition(created: $0.created, id: $0.id) }
                return APIResponse(
                    .ok, Self.searchResult("/v1/charges/search", items, page: page, next: next), context: context)
            })
    }

    /// `GET /v1/payment_intents/search`.
    func searchPaymentIntents() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: Self.searchParameters)
                let expansion = try Expansion(
                    reader, allowed: ["data.latest_charge", "data.customer"], for: request.principal)
                let search = try Self.searchRequest(reader, .paymentIntents)
                let page = try await self.store.searchPaymentIntents(
                    search, scope: request.scope, deadline: request.deadline)
                var items: [JSONValue] = []
                for intent in page.items {
                    items.append(try await self.intentBody(intent, expansion, prefix: "data.", request))
                }
                let next = page.items.last.map { SearchPosition(created: $0.created, id: $0.id) }
                return APIResponse(
                    .ok, Self.searchResult("/v1/payment_intents/search", items, page: page, next: next))
            })
    }

    /// `GET /v1/customers/search`: deleted customers are never found.
    func searchCustomers() -> Endpoint {
        Endpoint(
            Permission(.customers, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: Self.searchParameters)
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let search = try Self.searchRequest(reader, .customers)
                let page = try await self.store.searchCustomers(
                    search, scope: request.scope, deadline: request.deadline)
                let next = page.items.last.map { SearchPosition(created: $0.created, id: $0.id) }
                return APIResponse(
                    .ok,
                    Self.searchResult(
                        "/v1/customers/search", page.items.map { Render.customer($0) }, page: page, next: next))
            })
    }

    /// `query` (required), `limit` (1 to 100, 10 unless given) and `page` (a `next_page` token).
    static func searchRequest(
        _ reader: ParameterReader, _ resource: SearchResource
    ) throws(PaymentsError)
        -> SearchRequest
    {
        let text = try reader.requiredString("query")
        let query = try SearchQuery.parse(text, for: resource)
        let limit = try reader.limit()
        var after: SearchPosition? = nil
        if let token = try reader.nonEmptyString("page") {
            after = try SearchPosition.parse(token: token, kind: resource.kind)
        }
        return SearchRequest(query: query, limit: limit, after: after)
    }

    /// The `search_result` body; `next_page` only when there is more.
    private static func searchResult<Item>(
        _ url: String, _ items: [JSONValue], page: Page<Item>, next: SearchPosition?
    ) -> JSONValue {
        Render.searchResult(url: url, items: items, hasMore: page.hasMore, nextPage: page.hasMore ? next?.token : nil)
    }
}
