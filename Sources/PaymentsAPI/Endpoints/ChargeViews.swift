import Payments

extension APIRouter {
    /// The related objects an answer about charges needs: expanded balance transactions, and refunds for
    /// versions from before charges stopped embedding them.
    /// Versions that embed refunds in charges show refunds with every charge, so a restricted key needs
    /// `refunds:read` there (from 2022-11-15 on, charges carry no refunds and need only `charges:read`), except
    /// where the charge cannot have any (`refundsCanExist: false`: a new charge, an uncaptured one), and the
    /// embedded list is empty whoever asks.
    func relations(
        _ request: APIRequest, _ expansion: Expansion, prefix: String = "", refundsCanExist: Bool = true
    ) throws -> ChargeRelations {
        var relations: ChargeRelations = []
        if expansion.contains(prefix + "balance_transaction") { relations.insert(.balanceTransaction) }
        if expansion.contains(prefix + "customer") { relations.insert(.customer) }
        if !request.has(ChargesStopEmbeddingRefunds.self) {
            guard !refundsCanExist || request.principal.allows(.refunds, .read) else {
                throw Authenticator.forbidden(
                    request.principal, needs: Permission(.refunds, .read),
                    toDo: "Answering in API version \(request.version) (which embeds refunds in charges)")
            }
            relations.insert(.refunds)
        }
        return relations
    }

    /// What every charge endpoint can expand (lists: under `data.`).
    static let chargeExpandable: Set<String> = ["balance_transaction", "customer"]

    /// Loads a stored charge's related objects outside any transaction (for reads).
    func view(of charge: Charge, relations: ChargeRelations, _ request: APIRequest) async throws -> ChargeView {
        var view = ChargeView(charge: charge)
        if relations.contains(.balanceTransaction), let id = charge.balanceTransactionID {
            view.balanceTransaction = try await self.store.balanceTransaction(
                id: id, scope: request.scope, deadline: request.deadline)
        }
        if relations.contains(.refunds) {
            view.refunds = try await self.store.refunds(
                ofCharge: charge.id, scope: request.scope, limit: ChargeRelations.embeddedRefundsMax,
                deadline: request.deadline)
        }
        if relations.contains(.customer), let id = charge.customerID {
            view.customer = try await self.store.customer(id: id, scope: request.scope, deadline: request.deadline)
        }
        return view
    }

    /// A charge view in the newest shape, with what version changes need to write older shapes.
    static func body(_ view: ChargeView) -> (JSONValue, VersionContext) {
        var context = VersionContext()
        if let refunds = view.refunds {
            context.refundsByCharge[view.charge.id] = Render.list(
                url: "/v1/charges/\(view.charge.id)/refunds", items: refunds.items.map { Render.refund($0) },
                hasMore: refunds.hasMore)
        }
        return (
            Render.charge(view.charge, balanceTransaction: view.balanceTransaction, customer: view.customer), context
        )
    }

    /// The stored answer for a charge view, or for a refusal.
    static func stored(
        _ result: Result<ChargeView, PaymentsError>, _ request: APIRequest, docsURL: String
    )
        -> StoredResponse
    {
        switch result {
        case .success(let view):
            let (body, context) = Self.body(view)
            return request.stored(.ok, body, context: context)
        case .failure(let error):
            return request.stored(WireError(error), docsURL: docsURL)
        }
    }
}
