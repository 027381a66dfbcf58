import Payments

/// The balance and the balance transactions behind it.
struct BalanceController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.get, "/v1/balance", self.api.retrieveBalance())
        routes.add(.get, "/v1/balance_transactions", self.api.listBalanceTransactions())
        routes.add(.get, "/v1/balance_transactions/:id", self.api.retrieveBalanceTransaction())
    }
}

extension APIRouter {
    /// `GET /v1/balance`: available and pending per currency, summed from the ledger now.
    func retrieveBalance() -> Endpoint {
        Endpoint(
            Permission(.balance, .read),
            .read { request in
                try ParameterReader(request.parameters, allowed: ["expand"]).ignoredExpand()
                let balance = try await self.store.balance(scope: request.scope, at: .now(), deadline: request.deadline)
                return APIResponse(.ok, Render.balance(balance))
            })
    }

    /// `GET /v1/balance_transactions/:id`.
    func retrieveBalanceTransaction() -> Endpoint {
        Endpoint(
            Permission(.balance, .read),
            .read { request in
                try ParameterReader(request.parameters, allowed: ["expand"]).ignoredExpand()
                let id = request.pathParameter("id")
                guard
                    let transaction = try await self.store.balanceTransaction(
                        id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("balance transaction", id) }
                return APIResponse(.ok, Render.balanceTransaction(transaction))
            })
    }

    /// `GET /v1/balance_transactions`: newest first.
    func listBalanceTransactions() -> Endpoint {
        Endpoint(
            Permission(.balance, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ParameterReader.listParameters)
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let page = try await self.store.balanceTransactions(
                    scope: request.scope, page: try reader.page(), deadline: request.deadline)
                let now = Timestamp.now()
                return APIResponse(
                    .ok,
                    Render.list(
                        url: "/v1/balance_transactions",
                        items: page.items.map { Render.balanceTransaction($0, at: now) },
                        hasMore: page.hasMore))
            })
    }
}
