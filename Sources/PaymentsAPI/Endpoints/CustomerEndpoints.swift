import Payments

extension APIRouter {
    static let customerFields = ["email", "name", "phone", "description", "metadata", "expand"]

    /// `POST /v1/customers`: every field optional.
    func createCustomer() -> Endpoint {
        Endpoint(
            Permission(.customers, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: Set(Self.customerFields))
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let command = try CreateCustomer(
                    email: try reader.nonEmptyString("email"), name: try reader.nonEmptyString("name"),
                    phone: try reader.nonEmptyString("phone"), description: try reader.nonEmptyString("description"),
                    metadata: try reader.newMetadata())
                return { key in
                    try await self.customers.create(command, key: key, deadline: request.deadline) { result in
                        request.stored(result, docsURL: self.configuration.docsURL) { Render.customer($0) }
                    }
                }
            })
    }

    /// `POST /v1/customers/:id`: the fields given change; an empty value clears one.
    func updateCustomer() -> Endpoint {
        Endpoint(
            Permission(.customers, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: Set(Self.customerFields))
                _ = try Expansion(reader, allowed: [], for: request.principal)
                let command = try UpdateCustomer(
                    customerID: request.pathParameter("id"), email: try reader.string("email"),
                    name: try reader.string("name"), phone: try reader.string("phone"),
                    description: try reader.string("description"), metadata: try reader.metadata())
                return { key in
                    try await self.customers.update(command, key: key, deadline: request.deadline) { result in
                        request.stored(result, docsURL: self.configuration.docsURL) { Render.customer($0) }
                    }
                }
            })
    }

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
