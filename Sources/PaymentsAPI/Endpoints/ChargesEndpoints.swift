import HTTPTypes
import Payments

extension PaisaAPI {
    static let createChargeParameters: Set<String> = [
        "amount", "currency", "source", "capture", "description", "metadata", "receipt_email",
        "statement_descriptor", "expand",
    ]

    /// `POST /v1/charges`: validate, then (holding the key) ask the processor and record the charge.
    func createCharge() -> Endpoint {
        Endpoint(Permission(.charges, .write), .write { request in
            let reader = try ParameterReader(request.parameters, allowed: Self.createChargeParameters)
            let command = try Self.createChargeCommand(reader)
            let expansion = try Expansion(reader, allowed: ["balance_transaction"])
            let paymentMethod = try self.charges.paymentMethod(for: command)
            let charges = self.charges
            let docsURL = self.configuration.docsURL
            return { key in
                try await charges.create(
                    command, paymentMethod: paymentMethod, key: key, deadline: request.deadline
                ) { charge, posting in
                    let expanded = expansion.contains("balance_transaction") ? posting.map(BalanceTransaction.init) : nil
                    return Self.chargeAnswer(charge, balanceTransaction: expanded, request: request, docsURL: docsURL)
                }
            }
        })
    }

    /// The stored answer for a new charge: the charge, or for a decline the 402 card error that names it.
    static func chargeAnswer(
        _ charge: Charge, balanceTransaction: BalanceTransaction?, request: APIRequest, docsURL: String
    ) -> StoredResponse {
        guard charge.status == .failed, let failure = charge.failure else {
            return request.stored(.ok, Render.charge(charge, balanceTransaction: balanceTransaction))
        }
        let error = WireError(
            status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), type: "card_error", code: failure.code, message: failure.message,
            declineCode: failure.declineCode, chargeID: charge.id)
        return request.stored(error, docsURL: docsURL)
    }

    /// The create command from its parameters, with Stripe's refusals.
    static func createChargeCommand(_ reader: ParameterReader) throws(PaymentsError) -> CreateCharge {
        guard let amount = try reader.integer("amount") else { throw PaymentsError.parameterMissing("amount") }
        let code = try reader.requiredString("currency")
        guard let currency = Currency.named(code) else {
            throw PaymentsError.invalidRequest(
                code: "charge_invalid_parameter",
                message: "Invalid currency: \(code). Paisa supports "
                    + Currency.supported.keys.sorted().joined(separator: ", ") + ".",
                param: "currency")
        }
        let source = try reader.requiredString("source")
        return try CreateCharge(
            amount: amount, currency: currency, source: PaymentSource(parameter: source),
            capture: try reader.bool("capture") ?? true, description: try reader.nonEmptyString("description"),
            metadata: try reader.newMetadata(), receiptEmail: try reader.nonEmptyString("receipt_email"),
            statementDescriptor: try reader.nonEmptyString("statement_descriptor"))
    }

    /// `GET /v1/charges/:id`.
    func retrieveCharge() -> Endpoint {
        Endpoint(Permission(.charges, .read), .read { request in
            let reader = try ParameterReader(request.parameters, allowed: ["expand"])
            let expansion = try Expansion(reader, allowed: ["balance_transaction"])
            let id = request.pathParameter("id")
            guard let charge = try await self.store.charge(id: id, scope: request.scope, deadline: request.deadline)
            else { throw PaymentsError.noSuch("charge", id) }
            return APIResponse(.ok, try await self.renderCharge(charge, expansion: expansion, prefix: "", request))
        })
    }

    /// `GET /v1/charges`: newest first, cursor-paginated.
    func listCharges() -> Endpoint {
        Endpoint(Permission(.charges, .read), .read { request in
            let reader = try ParameterReader(request.parameters, allowed: ParameterReader.listParameters)
            let expansion = try Expansion(reader, allowed: ["data.balance_transaction"])
            let page = try await self.store.charges(
                scope: request.scope, page: try reader.page(), deadline: request.deadline)
            var items: [JSONValue] = []
            for charge in page.items {
                items.append(try await self.renderCharge(charge, expansion: expansion, prefix: "data.", request))
            }
            return APIResponse(.ok, Render.list(url: "/v1/charges", items: items, hasMore: page.hasMore))
        })
    }

    /// A stored charge with the requested expansions loaded.
    func renderCharge(_ charge: Charge, expansion: Expansion, prefix: String, _ request: APIRequest) async throws
        -> JSONValue
    {
        var balanceTransaction: BalanceTransaction? = nil
        if expansion.contains(prefix + "balance_transaction"), let id = charge.balanceTransactionID {
            balanceTransaction = try await self.store.balanceTransaction(
                id: id, scope: request.scope, deadline: request.deadline)
        }
        return Render.charge(charge, balanceTransaction: balanceTransaction)
    }
}
