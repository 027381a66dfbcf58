import Payments

extension APIRouter {
    static let createPaymentIntentParameters: Set<String> = [
        "amount", "currency", "capture_method", "confirm", "payment_method", "payment_method_data",
        "payment_method_types", "automatic_payment_methods", "customer", "description", "metadata", "receipt_email",
        "statement_descriptor", "return_url", "expand",
    ]

    /// `POST /v1/payment_intents`: with `confirm=true`, made and confirmed under one key.
    func createPaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: Self.createPaymentIntentParameters)
                let expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
                guard let amount = try reader.integer("amount") else { throw PaymentsError.parameterMissing("amount") }
                let currency = try Self.currency(reader, refusedAs: .parameterInvalidString)
                try Self.checkPaymentMethodTypes(reader, currency: currency)
                _ = try reader.nested("automatic_payment_methods", allowed: ["enabled", "allow_redirects"])
                _ = try reader.string("return_url")
                let command = try CreatePaymentIntent(
                    amount: amount, currency: currency, captureMethod: try Self.captureMethod(reader),
                    paymentMethod: try Self.intentPaymentMethod(reader),
                    customerID: try reader.nonEmptyString("customer"),
                    description: try reader.nonEmptyString("description"), metadata: try reader.newMetadata(),
                    receiptEmail: try reader.nonEmptyString("receipt_email"),
                    statementDescriptor: try reader.nonEmptyString("statement_descriptor"),
                    confirm: try reader.bool("confirm") ?? false)
                return { key in
                    try await self.intents.create(command, key: key, deadline: request.deadline) { outcome in
                        Self.intentAnswer(outcome, expansion, request: request, docsURL: self.configuration.docsURL)
                    }
                }
            },
            end: { request in self.endConfirmation(request) })
    }

    /// `POST /v1/payment_intents/:id/confirm`.
    func confirmPaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .write),
            .write { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ["payment_method", "payment_method_data", "return_url", "expand"])
                let expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
                _ = try reader.string("return_url")
                let method = try Self.intentPaymentMethod(reader)
                let id = request.pathParameter("id")
                return { key in
                    try await self.intents.confirm(id, method: method, key: key, deadline: request.deadline) {
                        Self.intentAnswer($0, expansion, request: request, docsURL: self.configuration.docsURL)
                    }
                }
            },
            end: { request in self.endConfirmation(request) })
    }

    /// What the completer does with a confirmation it gives up on: the payment voided, the intent let go.
    private func endConfirmation(_ request: APIRequest) -> Endpoint.Operation {
        { key in
            try await self.intents.end(key: key, deadline: request.deadline) {
                Self.intentAnswer($0, nil, request: request, docsURL: self.configuration.docsURL)
            }
        }
    }

    /// `POST /v1/payment_intents/:id`.
    func updatePaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .write),
            .write { request in
                let reader = try ParameterReader(
                    request.parameters,
                    allowed: [
                        "amount", "payment_method", "payment_method_data", "description", "metadata", "receipt_email",
                        "expand",
                    ])
                let expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
                let command = try UpdatePaymentIntent(
                    intentID: request.pathParameter("id"), amount: try reader.integer("amount"),
                    paymentMethod: try Self.intentPaymentMethod(reader),
                    description: try reader.clearableString("description"), metadata: try reader.metadata(),
                    receiptEmail: try reader.clearableString("receipt_email"))
                return { key in
                    try await self.intents.update(command, key: key, deadline: request.deadline) {
                        Self.intentAnswer($0, expansion, request: request, docsURL: self.configuration.docsURL)
                    }
                }
            })
    }

    /// `POST /v1/payment_intents/:id/capture`: `amount_to_capture` captures part and releases the rest.
    func capturePaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: ["amount_to_capture", "expand"])
                let expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
                let amount = try reader.integer("amount_to_capture")
                let id = request.pathParameter("id")
                return { key in
                    try await self.intents.capture(id, amount: amount, key: key, deadline: request.deadline) {
                        Self.intentAnswer($0, expansion, request: request, docsURL: self.configuration.docsURL)
                    }
                }
            })
    }

    /// `POST /v1/payment_intents/:id/cancel`.
    func cancelPaymentIntent() -> Endpoint {
        Endpoint(
            Permission(.paymentIntents, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: ["cancellation_reason", "expand"])
                let expansion = try Expansion(reader, allowed: ["latest_charge"], for: request.principal)
                let reason = try reader.choice(
                    "cancellation_reason", among: PaymentIntent.CancellationReason.allCases.map(\.rawValue))
                let id = request.pathParameter("id")
                return { key in
                    try await self.intents.cancel(
                        id, reason: reason.flatMap(PaymentIntent.CancellationReason.init(rawValue:)), key: key,
                        deadline: request.deadline
                    ) { Self.intentAnswer($0, expansion, request: request, docsURL: self.configuration.docsURL) }
                }
            })
    }

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

    private static func captureMethod(_ reader: ParameterReader) throws(PaymentsError) -> Charge.CaptureMethod {
        // `automatic_async` is Stripe's newer name for capturing at once.
        switch try reader.choice("capture_method", among: ["automatic", "automatic_async", "manual"]) {
        case "manual": .manual
        default: .automatic
        }
    }

    /// `payment_method_types[]`, when given, must be among what the currency takes.
    private static func checkPaymentMethodTypes(_ reader: ParameterReader, currency: Currency) throws(PaymentsError) {
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
