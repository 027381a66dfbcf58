import HTTPTypes
import Payments

/// Charges: `/v1/charges` and a charge's own routes.
struct ChargesController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.post, "/v1/charges", .write(CreateChargeWrite.self, api: self.api))
        routes.add(.get, "/v1/charges", self.api.listCharges())
        // Before `/v1/charges/:id`: the table matches in order, and `search` is no charge id.
        routes.add(.get, "/v1/charges/search", self.api.searchCharges())
        routes.add(.get, "/v1/charges/:id", self.api.retrieveCharge())
        routes.add(.post, "/v1/charges/:id", .write(UpdateChargeWrite.self, api: self.api))
        routes.add(.post, "/v1/charges/:id/capture", .write(CaptureChargeWrite.self, api: self.api))
        routes.add(.get, "/v1/charges/:id/refunds", self.api.listRefunds(ofChargeInPath: true))
    }
}

/// `POST /v1/charges`: validated (the source with the processor too), then, holding the key, the customer checked,
/// the processor asked and the charge recorded (`ChargeService.create`). A charge the completer gives up on is
/// ended at the processor (voided) and answered `charge_voided`.
struct CreateChargeWrite: PaymentWrite {
    static let permission = Permission(.charges, .write)

    let request: APIRequest
    let api: APIRouter
    let command: CreateCharge
    let paymentMethod: PaymentMethodDetails
    let relations: ChargeRelations

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: APIRouter.createChargeParameters)
        self.command = try APIRouter.createChargeCommand(
            reader, upiRefusesManualCapture: request.has(UPIRefusesManualCapture.self))
        let expansion = try Expansion(reader, allowed: APIRouter.chargeExpandable, for: request.principal)
        self.paymentMethod = try api.charges.paymentMethod(for: self.command)
        // A new charge has no refunds: versions that embed them show an empty list, whatever the key.
        self.relations = try api.relations(request, expansion, refundsCanExist: false)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, relations, docsURL) = (self.request, self.relations, self.api.configuration.docsURL)
        // Under the key, so that a refusal is stored like any answer: a retry is refused the same way, and a
        // customer deleted after the key's first use never refuses a payment it may have made.
        let customer: Customer?
        do {
            customer = try await self.api.chargeableCustomer(
                self.command.customerID, key: key, deadline: request.deadline)
        } catch let refusal as PaymentsError where refusal.isRefusalOfTheRequest {
            return try await self.api.store.complete(key: key, deadline: request.deadline) { _ in
                request.stored(WireError(refusal), docsURL: docsURL)
            }
        }
        return try await self.api.charges.create(
            self.command, paymentMethod: self.paymentMethod, key: key, deadline: request.deadline
        ) { outcome in
            guard case .recorded(let charge, let posting) = outcome else {
                return APIRouter.notRecordedAnswer(outcome, request: request, docsURL: docsURL)
            }
            var view = ChargeView(charge: charge)
            if relations.contains(.balanceTransaction) {
                view.balanceTransaction = posting.map(BalanceTransaction.init)
            }
            if relations.contains(.refunds) { view.refunds = Page(items: [], hasMore: false) }
            if relations.contains(.customer) { view.customer = customer }
            return APIRouter.chargeAnswer(view, request: request, docsURL: docsURL)
        }
    }

    static func end(
        _ request: APIRequest, api: APIRouter, under key: ClaimedKey
    ) async throws -> IdempotencyLayer.Completion {
        try await api.charges.end(key: key, declined: nil, deadline: request.deadline) { outcome in
            APIRouter.notRecordedAnswer(outcome, request: request, docsURL: api.configuration.docsURL)
        }
    }
}

extension APIRouter {
    static let createChargeParameters: Set<String> = [
        "amount", "currency", "source", "capture", "description", "metadata", "receipt_email",
        "statement_descriptor", "statement_descriptor_suffix", "customer", "shipping", "transfer_group", "expand",
    ]

    /// The stored answer for a charge that was not recorded: the decline it was (without a charge to name), or
    /// `charge_voided` for a payment voided at the processor.
    static func notRecordedAnswer(
        _ outcome: ChargeService.Outcome, request: APIRequest, docsURL: String
    ) -> StoredResponse {
        guard case .notRecorded(let declined?) = outcome else {
            return request.stored(WireError.chargeVoided(requestID: request.requestID), docsURL: docsURL)
        }
        return request.stored(WireError.declined(declined, chargeID: nil), docsURL: docsURL)
    }

    /// The stored answer for a new charge: the charge, or for a decline the 402 card error that names it.
    static func chargeAnswer(_ view: ChargeView, request: APIRequest, docsURL: String) -> StoredResponse {
        let charge = view.charge
        guard charge.status == .failed, let failure = charge.failure else {
            return Self.stored(.success(view), request, docsURL: docsURL)
        }
        return request.stored(WireError.declined(failure, chargeID: charge.id), docsURL: docsURL)
    }

    /// The create command from its parameters, with Stripe's refusals. Versions before UPI refused manual capture
    /// ignored `capture=false` for UPI addresses and captured at once.
    static func createChargeCommand(
        _ reader: ParameterReader, upiRefusesManualCapture: Bool
    ) throws(PaymentsError)
        -> CreateCharge
    {
        guard let amount = try reader.integer("amount") else { throw PaymentsError.parameterMissing("amount") }
        let currency = try Self.currency(reader, refusedAs: .chargeInvalidParameter)
        let source = PaymentSource(parameter: try reader.requiredString("source"))
        var capture = try reader.bool("capture") ?? true
        if case .upi = source, !upiRefusesManualCapture { capture = true }
        return try CreateCharge(
            amount: amount, currency: currency, source: source, capture: capture,
            description: try reader.nonEmptyString("description"),
            metadata: try reader.newMetadata(), receiptEmail: try reader.nonEmptyString("receipt_email"),
            statementDescriptor: try reader.nonEmptyString("statement_descriptor"),
            customerID: try reader.nonEmptyString("customer"), shipping: try Self.shipping(reader),
            statementDescriptorSuffix: try reader.nonEmptyString("statement_descriptor_suffix"),
            transferGroup: try reader.nonEmptyString("transfer_group"))
    }

    /// `shipping[name]`, `shipping[address][line1]` and the rest; nil when absent. Required fields are checked
    /// by `Shipping.validate`.
    static func shipping(_ reader: ParameterReader) throws(PaymentsError) -> Shipping? {
        guard let shipping = try reader.nested("shipping", allowed: Shipping.parameters) else { return nil }
        let address = try shipping.nested("shipping[address]", allowed: Shipping.addressParameters)
        guard let address else { throw PaymentsError.parameterMissing("shipping[address]") }
        func field(_ name: String) throws(PaymentsError) -> String? {
            try address.string("shipping[address][\(name)]").flatMap { $0.isEmpty ? nil : $0 }
        }
        return Shipping(
            name: try shipping.requiredString("shipping[name]"),
            address: Shipping.Address(
                city: try field("city"), country: try field("country"), line1: try field("line1"),
                line2: try field("line2"), postalCode: try field("postal_code"), state: try field("state")),
            carrier: try shipping.nonEmptyString("shipping[carrier]"),
            phone: try shipping.nonEmptyString("shipping[phone]"),
            trackingNumber: try shipping.nonEmptyString("shipping[tracking_number]"))
    }

    /// The required `currency`, one Paisa supports; `code` is what a refusal says (charges keep their older code).
    static func currency(_ reader: ParameterReader, refusedAs code: ErrorCode) throws(PaymentsError) -> Currency {
        let given = try reader.requiredString("currency")
        guard let currency = Currency.named(given) else {
            throw PaymentsError.invalidRequest(
                code: code,
                message: "Invalid currency: \(given). Paisa supports "
                    + Currency.supported.keys.sorted().joined(separator: ", ") + ".",
                param: "currency")
        }
        return currency
    }

    /// `GET /v1/charges/:id`.
    func retrieveCharge() -> Endpoint {
        Endpoint(
            Permission(.charges, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ["expand"])
                let expansion = try Expansion(reader, allowed: Self.chargeExpandable, for: request.principal)
                let id = request.pathParameter("id")
                guard let charge = try await self.store.charge(id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("charge", id) }
                let (body, context) = Self.body(
                    try await self.view(of: charge, relations: try self.relations(request, expansion), request))
                return APIResponse(.ok, body, context: context)
            })
    }

    /// `GET /v1/charges`: newest first, cursor-paginated.
    func listCharges() -> Endpoint {
        Endpoint(
            Permission(.charges, .read),
            .read { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ParameterReader.listParameters.union(["customer"]))
                let expansion = try Expansion(
                    reader, allowed: Set(Self.chargeExpandable.map { "data." + $0 }), for: request.principal)
                let page = try await self.store.charges(
                    scope: request.scope, customerID: try reader.nonEmptyString("customer"), page: try reader.page(),
                    deadline: request.deadline)
                let relations = try self.relations(request, expansion, prefix: "data.")
                let (items, context) = try await self.chargeItems(page.items, relations: relations, request)
                return APIResponse(
                    .ok, Render.list(url: "/v1/charges", items: items, hasMore: page.hasMore), context: context)
            })
    }

    /// A page's charges as list items, each with the relations asked for, and what older versions need of them.
    func chargeItems(
        _ charges: [Charge], relations: ChargeRelations, _ request: APIRequest
    ) async throws -> ([JSONValue], VersionContext) {
        var items: [JSONValue] = []
        var context = VersionContext()
        for charge in charges {
            let (body, itemContext) = Self.body(try await self.view(of: charge, relations: relations, request))
            items.append(body)
            context.refundsByCharge.merge(itemContext.refundsByCharge) { $1 }
        }
        return (items, context)
    }
}
