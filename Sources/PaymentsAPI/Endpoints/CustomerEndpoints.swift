import Payments

/// Customers: `/v1/customers` and a customer's own routes.
struct CustomersController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.post, "/v1/customers", .write(CreateCustomerWrite.self, api: self.api))
        routes.add(.get, "/v1/customers", self.api.listCustomers())
        routes.add(.get, "/v1/customers/search", self.api.searchCustomers())
        routes.add(.get, "/v1/customers/:id", self.api.retrieveCustomer())
        routes.add(.post, "/v1/customers/:id", .write(UpdateCustomerWrite.self, api: self.api))
        routes.add(.delete, "/v1/customers/:id", self.api.deleteCustomer())
    }
}

/// `POST /v1/customers`: every field optional.
struct CreateCustomerWrite: Write {
    static let permission = Permission(.customers, .write)

    let request: APIRequest
    let api: APIRouter
    let command: CreateCustomer

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: Set(APIRouter.customerFields))
        _ = try Expansion(reader, allowed: [], for: request.principal)
        self.command = try CreateCustomer(
            email: try reader.nonEmptyString("email"), name: try reader.nonEmptyString("name"),
            phone: try reader.nonEmptyString("phone"), description: try reader.nonEmptyString("description"),
            metadata: try reader.newMetadata())
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.customers.create(self.command, key: key, deadline: request.deadline) { result in
            request.stored(result, docsURL: docsURL) { Render.customer($0) }
        }
    }
}

/// `POST /v1/customers/:id`: the fields given change; an empty value clears one.
struct UpdateCustomerWrite: Write {
    static let permission = Permission(.customers, .write)

    let request: APIRequest
    let api: APIRouter
    let command: UpdateCustomer

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: Set(APIRouter.customerFields))
        _ = try Expansion(reader, allowed: [], for: request.principal)
        self.command = try UpdateCustomer(
            customerID: request.pathParameter("id"), email: try reader.string("email"), name: try reader.string("name"),
            phone: try reader.string("phone"), description: try reader.string("description"),
            metadata: try reader.metadata())
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.customers.update(self.command, key: key, deadline: request.deadline) { result in
            request.stored(result, docsURL: docsURL) { Render.customer($0) }
        }
    }
}

extension APIRouter {
    static let customerFields = ["email", "name", "phone", "description", "metadata", "expand"]

    /// `GET /v1/customers/:id`: a deleted customer answers 200 with `deleted: true`, as in Stripe.
    func retrieveCustomer() -> Endpoint {
        Endpoint(
            Permission(.customers, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ["expand"])
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let id = request.pathParameter("id")
                guard
                    let customer = try await self.store.customer(
                        id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("customer", id) }
                return APIResponse(.ok, Render.customer(customer))
            })
    }

    /// `GET /v1/customers`: newest first, deleted customers left out; `email` matches exactly (case included).
    func listCustomers() -> Endpoint {
        Endpoint(
            Permission(.customers, .read),
            .read { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ParameterReader.listParameters.union(["email"]))
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let email = try reader.nonEmptyString("email")
                try Validation.text(email, param: "email", max: Limits.emailLengthMax)
                let page = try await self.store.customers(
                    scope: request.scope, email: email, page: try reader.page(), deadline: request.deadline)
                return APIResponse(
                    .ok,
                    Render.list(
                        url: "/v1/customers", items: page.items.map { Render.customer($0) }, hasMore: page.hasMore))
            })
    }

    /// `DELETE /v1/customers/:id`: answered directly, without an idempotency key (as in Stripe, a DELETE takes
    /// none). The customer's row stays, so its charges keep naming it; deleting it again is 404.
    func deleteCustomer() -> Endpoint {
        Endpoint(
            Permission(.customers, .write),
            .read { request in
                _ = try ParameterReader(request.parameters, allowed: [])
                let id = request.pathParameter("id")
                guard
                    try await self.store.deleteCustomer(
                        id: id, scope: request.scope, requestID: request.requestID, deadline: request.deadline) != nil
                else { throw PaymentsError.noSuch("customer", id) }
                return APIResponse(.ok, Render.deleted(id, object: "customer"))
            })
    }

    /// The customer a charge names, checked under the charge's key before the processor is asked: it must be of the
    /// request's account and mode, and not deleted before the key was first used (so that every attempt under the
    /// key, before or after the processor approved, decides the same way). Another account's customer is answered
    /// as if there were no such customer.
    func chargeableCustomer(_ id: String?, key: ClaimedKey, deadline: Deadline) async throws -> Customer? {
        guard let id else { return nil }
        guard let customer = try await self.store.chargeableCustomer(id: id, key: key, deadline: deadline) else {
            throw PaymentsError.noSuch("customer", id, param: "customer")
        }
        return customer
    }
}
