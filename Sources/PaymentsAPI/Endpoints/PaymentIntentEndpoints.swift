import Payments

/// PaymentIntents: `/v1/payment_intents` and an intent's own routes.
struct PaymentIntentsController: Controller {
    let api: APIRouter

    func addRoutes(to routes: inout RouteTable) {
        routes.add(.post, "/v1/payment_intents", .write(CreatePaymentIntentWrite.self, api: self.api))
        routes.add(.get, "/v1/payment_intents", self.api.listPaymentIntents())
        routes.add(.get, "/v1/payment_intents/search", self.api.searchPaymentIntents())
        routes.add(.get, "/v1/payment_intents/:id", self.api.retrievePaymentIntent())
        routes.add(.post, "/v1/payment_intents/:id", .write(UpdatePaymentIntentWrite.self, api: self.api))
        routes.add(.post, "/v1/payment_intents/:id/confirm", .write(ConfirmPaymentIntentWrite.self, api: self.api))
        routes.add(.post, "/v1/payment_intents/:id/capture", .write(CapturePaymentIntentWrite.self, api: self.api))
        routes.add(.post, "/v1/payment_intents/:id/cancel", .write(CancelPaymentIntentWrite.self, api: self.api))
    }
}

/// What every write of an intent shares: the request, the API, the expansion its answer shows, and how it answers.
protocol PaymentIntentWrite: Write {
    var request: APIRequest { get }
    var api: APIRouter { get }
    var expansion: Expansion { get }
}

extension PaymentIntentWrite {
    /// How the answer of this write is rendered and stored.
    var answer: PaymentIntentService.Render {
        let (request, expansion, docsURL) = (self.request, self.expansion, self.api.configuration.docsURL)
        return { APIRouter.intentAnswer($0, expansion, request: request, docsURL: docsURL) }
    }
}

extension PaymentIntentWrite where Self: PaymentWrite {
    /// A confirmation the completer gives up on: the payment voided, the intent let go.
    static func end(
        _ request: APIRequest, api: APIRouter, under key: ClaimedKey
    ) async throws -> IdempotencyLayer.Completion {
        try await api.intents.end(key: key, deadline: request.deadline) {
            APIRouter.intentAnswer($0, nil, request: request, docsURL: api.configuration.docsURL)
        }
    }
}

/// `POST /v1/payment_intents`: with `confirm=true`, made and confirmed under one key.
struct CreatePaymentIntentWrite: PaymentIntentWrite, PaymentWrite {
    static let permission = Permission(.paymentIntents, .write)

    let request: APIRequest
    let api: APIRouter
    let expansion: Expansion
    let command: CreatePaymentIntent

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: APIRouter.createPaymentIntentParameters)
        self.expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
        guard let amount = try reader.integer("amount") else { throw PaymentsError.parameterMissing("amount") }
        let currency = try APIRouter.currency(reader, refusedAs: .parameterInvalidString)
        try APIRouter.checkPaymentMethodTypes(reader, currency: currency)
        _ = try reader.nested("automatic_payment_methods", allowed: ["enabled", "allow_redirects"])
        _ = try reader.string("return_url")
        self.command = try CreatePaymentIntent(
            amount: amount, currency: currency, captureMethod: try APIRouter.captureMethod(reader),
            paymentMethod: try APIRouter.intentPaymentMethod(reader), customerID: try reader.nonEmptyString("customer"),
            description: try reader.nonEmptyString("description"), metadata: try reader.newMetadata(),
            receiptEmail: try reader.nonEmptyString("receipt_email"),
            statementDescriptor: try reader.nonEmptyString("statement_descriptor"),
            confirm: try reader.bool("confirm") ?? false)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        try await self.api.intents.create(self.command, key: key, deadline: self.request.deadline, render: self.answer)
    }
}

/// `POST /v1/payment_intents/:id/confirm`: one charge, through the charge path, under this key.
struct ConfirmPaymentIntentWrite: PaymentIntentWrite, PaymentWrite {
    static let permission = Permission(.paymentIntents, .write)

    let request: APIRequest
    let api: APIRouter
    let expansion: Expansion
    let intentID: String
    let method: IntentPaymentMethod?

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters, allowed: ["payment_method", "payment_method_data", "return_url", "expand"])
        self.expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
        _ = try reader.string("return_url")
        self.method = try APIRouter.intentPaymentMethod(reader)
        self.intentID = request.pathParameter("id")
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        try await self.api.intents.confirm(
            self.intentID, method: self.method, key: key, deadline: self.request.deadline, render: self.answer)
    }
}

/// `POST /v1/payment_intents/:id`.
struct UpdatePaymentIntentWrite: PaymentIntentWrite {
    static let permission = Permission(.paymentIntents, .write)

    let request: APIRequest
    let api: APIRouter
    let expansion: Expansion
    let command: UpdatePaymentIntent

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters,
            allowed: [
                "amount", "payment_method", "payment_method_data", "description", "metadata", "receipt_email", "expand",
            ])
        self.expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
        self.command = try UpdatePaymentIntent(
            intentID: request.pathParameter("id"), amount: try reader.integer("amount"),
            paymentMethod: try APIRouter.intentPaymentMethod(reader),
            description: try reader.clearableString("description"), metadata: try reader.metadata(),
            receiptEmail: try reader.clearableString("receipt_email"))
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        try await self.api.intents.update(self.command, key: key, deadline: self.request.deadline, render: self.answer)
    }
}

/// `POST /v1/payment_intents/:id/capture`: `amount_to_capture` captures part and releases the rest.
struct CapturePaymentIntentWrite: PaymentIntentWrite {
    static let permission = Permission(.paymentIntents, .write)

    let request: APIRequest
    let api: APIRouter
    let expansion: Expansion
    let intentID: String
    let amount: Int64?

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: ["amount_to_capture", "expand"])
        self.expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
        self.amount = try reader.integer("amount_to_capture")
        self.intentID = request.pathParameter("id")
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        try await self.api.intents.capture(
            self.intentID, amount: self.amount, key: key, deadline: self.request.deadline, render: self.answer)
    }
}

/// `POST /v1/payment_intents/:id/cancel`: an authorized intent's authorization is released with it.
struct CancelPaymentIntentWrite: PaymentIntentWrite {
    static let permission = Permission(.paymentIntents, .write)

    let request: APIRequest
    let api: APIRouter
    let expansion: Expansion
    let intentID: String
    let reason: PaymentIntent.CancellationReason?

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: ["cancellation_reason", "expand"])
        self.expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
        let reason = try reader.choice(
            "cancellation_reason", among: PaymentIntent.CancellationReason.allCases.map(\.rawValue))
        self.reason = reason.flatMap(PaymentIntent.CancellationReason.init(rawValue:))
        self.intentID = request.pathParameter("id")
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        try await self.api.intents.cancel(
            self.intentID, reason: self.reason, key: key, deadline: self.request.deadline, render: self.answer)
    }
}

extension APIRouter {
    static let createPaymentIntentParameters: Set<String> = [
        "amount", "currency", "capture_method", "confirm", "payment_method", "payment_method_data",
        "payment_method_types", "automatic_payment_methods", "customer", "description", "metadata", "receipt_email",
        "statement_descriptor", "return_url", "expand",
    ]

    /// `GET /v1/payment_intents/:id`: `latest_charge` and `customer` expand.
    func retrievePaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .read),
            .read { request in
                let reader = try ParameterReader(request.parameters, allowed: ["expand", "client_secret"])
                let expansion = try Expansion(reader, allowed: ["latest_charge", "customer"], for: request.principal)
                let id = request.pathParameter("id")
                guard
                    let intent = try await self.store.paymentIntent(
                        id: id, scope: request.scope, deadline: request.deadline)
                else { throw PaymentsError.noSuch("payment_intent", id) }
                return APIResponse(.ok, try await self.intentBody(intent, expansion, prefix: "", request))
            })
    }

    /// `GET /v1/payment_intents`: newest first; `customer` filters.
    func listPaymentIntents() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .read),
            .read { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ParameterReader.listParameters.union(["customer"]))
                let expansion = try Expansion(
                    reader, allowed: ["data.latest_charge", "data.customer"], for: request.principal)
                let page = try await self.store.paymentIntents(
                    scope: request.scope, customerID: try reader.nonEmptyString("customer"), page: try reader.page(),
                    deadline: request.deadline)
                var items: [JSONValue] = []
                for intent in page.items {
                    items.append(try await self.intentBody(intent, expansion, prefix: "data.", request))
                }
                return APIResponse(
                    .ok, Render.list(url: "/v1/payment_intents", items: items, hasMore: page.hasMore))
            })
    }

    func intentBody(
        _ intent: PaymentIntent, _ expansion: Expansion, prefix: String, _ request: APIRequest
    ) async throws -> JSONValue {
        var charge: Charge? = nil
        var customer: Customer? = nil
        if expansion.contains(prefix + "latest_charge"), let id = intent.latestChargeID {
            charge = try await self.store.charge(id: id, scope: request.scope, deadline: request.deadline)
        }
        if expansion.contains(prefix + "customer"), let id = intent.customerID {
            customer = try await self.store.customer(id: id, scope: request.scope, deadline: request.deadline)
        }
        return Render.paymentIntent(intent, latestCharge: charge, customer: customer)
    }

    /// The stored answer of a request about an intent: the intent (its latest charge expanded when asked and at
    /// hand); for a decline, the 402 card error with the intent in it, as Stripe answers; for a refusal, the error
    /// (with the intent, when there is one).
    static func intentAnswer(
        _ outcome: PaymentIntentService.Outcome, _ expansion: Expansion?, request: APIRequest, docsURL: String
    ) -> StoredResponse {
        switch outcome {
        case .intent(let intent, let charge):
            let expanded = expansion?.contains("latest_charge") == true ? charge : nil
            return request.stored(.ok, Render.paymentIntent(intent, latestCharge: expanded))
        case .declined(let intent, let failure, let chargeID):
            var error = WireError.declined(failure, chargeID: chargeID)
            error.paymentIntent = Render.paymentIntent(intent)
            return request.stored(error, docsURL: docsURL)
        case .refused(let refusal, let intent):
            var error = WireError(refusal)
            error.paymentIntent = intent.map { Render.paymentIntent($0) }
            return request.stored(error, docsURL: docsURL)
        case .notRecorded(let declined):
            return Self.notRecordedAnswer(.notRecorded(declined: declined), request: request, docsURL: docsURL)
        }
    }

    /// `payment_method=pm_card_…`, or `payment_method_data[type]=upi` with `payment_method_data[upi][vpa]`; nil
    /// when neither is given.
    static func intentPaymentMethod(_ reader: ParameterReader) throws(PaymentsError) -> IntentPaymentMethod? {
        let id = try reader.nonEmptyString("payment_method")
        let data = try reader.nested("payment_method_data", allowed: ["type", "upi"])
        switch (id, data) {
        case (.some, .some):
            throw PaymentsError.invalidRequest(
                code: .parametersExclusive,
                message: "Give either payment_method or payment_method_data, not both.",
                param: "payment_method_data")
        case (let id?, nil):
            // By Unicode scalar, as the OpenAPI document's pattern reads it.
            let prefix = IntentPaymentMethod.testCardPrefix.unicodeScalars
            guard id.unicodeScalars.starts(with: prefix), id.unicodeScalars.count > prefix.count else {
                throw PaymentsError.invalidRequest(
                    code: .resourceMissing,
                    message: "No such PaymentMethod: '\(id.prefix(100))'. The sandbox takes Stripe's test "
                        + "PaymentMethods such as pm_card_visa, or a UPI address as payment_method_data[type]=upi "
                        + "with payment_method_data[upi][vpa]=success@upi.",
                    param: "payment_method")
            }
            try Validation.text(id, param: "payment_method", max: Limits.paymentMethodIDLengthMax)
            return .card(id: id)
        case (nil, let data?):
            let type = try data.requiredString("payment_method_data[type]")
            guard type == "upi" else {
                throw PaymentsError.invalidRequest(
                    code: .parameterInvalidString,
                    message: "Paisa takes payment_method_data[type]=upi only; for cards, give a test PaymentMethod "
                        + "such as payment_method=pm_card_visa.",
                    param: "payment_method_data[type]")
            }
            guard let upi = try data.nested("payment_method_data[upi]", allowed: ["vpa"]) else {
                throw PaymentsError.parameterMissing("payment_method_data[upi][vpa]")
            }
            let vpa = try upi.requiredString("payment_method_data[upi][vpa]")
            try Validation.text(vpa, param: "payment_method_data[upi][vpa]", max: Limits.vpaLengthMax)
            return .upi(id: ObjectID.make(.paymentMethod), vpa: vpa)
        case (nil, nil):
            return nil
        }
    }

    static func captureMethod(_ reader: ParameterReader) throws(PaymentsError) -> Charge.CaptureMethod {
        // `automatic_async` is Stripe's newer name for capturing at once.
        switch try reader.choice("capture_method", among: ["automatic", "automatic_async", "manual"]) {
        case "manual": .manual
        default: .automatic
        }
    }

    /// `payment_method_types[]`, when given, must be among what the currency takes.
    static func checkPaymentMethodTypes(_ reader: ParameterReader, currency: Currency) throws(PaymentsError) {
        let offered = Render.paymentMethodTypes(currency)
        for (index, type)
            in (try reader.strings("payment_method_types", max: 10, example: "payment_method_types[]=card")
            ?? []).enumerated() where !offered.contains(type)
        {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "Paisa takes \(offered.joined(separator: " and ")) for \(currency.code), not \(type).",
                param: "payment_method_types[\(index)]")
        }
    }
}
