import Payments
import Synchronization

/// Refunds: `/v1/refunds` and a refund's own routes.
struct RefundsController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.post, "/v1/refunds", .write(CreateRefundWrite.self, api: self.api))
        routes.add(.get, "/v1/refunds", self.api.listRefunds())
        routes.add(.get, "/v1/refunds/:id", self.api.retrieveRefund())
        routes.add(.post, "/v1/refunds/:id", .write(UpdateRefundWrite.self, api: self.api))
    }
}

/// `POST /v1/refunds`: refunds a captured charge in full or in part, with its reversing posting. A UPI refund is
/// submitted to the processor once recorded.
struct CreateRefundWrite: Write {
    static let permission = Permission(.refunds, .write)

    let request: APIRequest
    let api: APIRouter
    let command: CreateRefund
    let expansion: Expansion

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters, allowed: ["charge", "amount", "reason", "metadata", "expand"])
        self.expansion = try Expansion(reader, allowed: ["balance_transaction"], for: request.principal)
        let reason = try reader.choice("reason", among: Refund.Reason.allCases.map(\.rawValue))
        self.command = try CreateRefund(
            chargeID: try reader.requiredString("charge"), amount: try reader.integer("amount"),
            reason: reason.flatMap(Refund.Reason.init(rawValue:)), metadata: try reader.newMetadata())
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, expansion, docsURL) = (self.request, self.expansion, self.api.configuration.docsURL)
        let made = Mutex<Refund?>(nil)
        let completion = try await self.api.mutations.refund(self.command, key: key, deadline: request.deadline) {
            result in
            if case .success(let (refund, _)) = result { made.withLock { $0 = refund } }
            return request.stored(result, docsURL: docsURL) { refund, posting in
                Render.refund(
                    refund,
                    balanceTransaction: expansion.contains("balance_transaction") ? BalanceTransaction(posting) : nil)
            }
        }
        // Recorded: a UPI refund goes to the processor now, from the request that made it.
        if let refund = made.withLock({ $0 }) { await self.api.charges.submit(refund, deadline: request.deadline) }
        return completion
    }
}

/// `POST /v1/refunds/:id`: metadata only.
struct UpdateRefundWrite: Write {
    static let permission = Permission(.refunds, .write)

    let request: APIRequest
    let api: APIRouter
    let command: UpdateRefund

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: ["metadata", "expand"])
        _ = try Expansion(reader, allowed: [], for: request.principal)
        self.command = UpdateRefund(refundID: request.pathParameter("id"), metadata: try reader.metadata())
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.mutations.update(self.command, key: key, deadline: request.deadline) { result in
            request.stored(result, docsURL: docsURL) { Render.refund($0) }
        }
    }
}

extension APIRouter {
    /// `GET /v1/refunds/:id`.
    func retrieveRefund() -> Endpoint {
        Endpoint(
            Permission(.refunds, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ["expand"])
                let expansion = try Expansion(reader, allowed: ["balance_transaction"], for: request.principal)
                let id = request.pathParameter("id")
                guard let refund = try await self.store.refund(id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("refund", id) }
                return APIResponse(.ok, try await self.renderRefund(refund, expansion: expansion, prefix: "", request))
            })
    }

    /// `GET /v1/refunds`: newest first, optionally of one charge. Also `GET /v1/charges/:id/refunds`, the list
    /// that charges embedded before 2022-11-15 points at.
    func listRefunds(ofChargeInPath: Bool = false) -> Endpoint {
        Endpoint(
            Permission(.refunds, .read),
            .read { request in
                let allowed = ParameterReader.listParameters.union(ofChargeInPath ? [] : ["charge"])
                let reader = try ParameterReader(request.parameters, allowed: allowed)
                let expansion = try Expansion(reader, allowed: ["data.balance_transaction"], for: request.principal)
                let chargeID = ofChargeInPath ? request.pathParameter("id") : try reader.nonEmptyString("charge")
                if ofChargeInPath, let chargeID,
                    try await self.store.charge(id: chargeID, scope: request.scope, deadline: request.deadline) == nil
                {
                    throw PaymentsError.noSuch("charge", chargeID)
                }
                let page = try await self.store.refunds(
                    scope: request.scope, chargeID: chargeID, page: try reader.page(), deadline: request.deadline)
                var items: [JSONValue] = []
                for refund in page.items {
                    items.append(try await self.renderRefund(refund, expansion: expansion, prefix: "data.", request))
                }
                let url = ofChargeInPath ? "/v1/charges/\(chargeID ?? "")/refunds" : "/v1/refunds"
                return APIResponse(.ok, Render.list(url: url, items: items, hasMore: page.hasMore))
            })
    }

    /// A stored refund with the requested expansions loaded.
    func renderRefund(
        _ refund: Refund, expansion: Expansion, prefix: String, _ request: APIRequest
    ) async throws
        -> JSONValue
    {
        var balanceTransaction: BalanceTransaction? = nil
        if expansion.contains(prefix + "balance_transaction") {
            balanceTransaction = try await self.store.balanceTransaction(
                id: refund.balanceTransactionID, scope: request.scope, deadline: request.deadline)
        }
        return Render.refund(refund, balanceTransaction: balanceTransaction)
    }
}
