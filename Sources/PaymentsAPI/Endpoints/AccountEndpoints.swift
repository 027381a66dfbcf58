import Payments

/// The account: `/v1/account`.
struct AccountController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.get, "/v1/account", self.api.retrieveAccount())
    }
}

extension APIRouter {
    /// `GET /v1/account`: the account the key belongs to.
    func retrieveAccount() -> Endpoint {
        Endpoint(
            Permission(.account, .read),
            .read { request in
                try ParameterReader(request.parameters, allowed: ["expand"]).ignoredExpand()
                guard
                    let account = try await self.store.account(id: request.scope.accountID, deadline: request.deadline)
                else { throw PaymentsError.noSuch("account", request.scope.accountID) }
                return APIResponse(.ok, Render.account(account))
            })
    }
}
