import Payments

extension Render {
    /// An event in the newest shape: `data.object` as the object was after the change, and for a change of an
    /// existing object `data.previous_attributes`, the fields whose rendered value differs, with the value before.
    /// `version` is what the whole body is then rendered in (the caller's versioning walk rewrites `data.object`
    /// like any other charge or refund); `previous_attributes` is compared in the newest shape.
    static func event(_ event: Event, version: APIVersion) -> JSONValue {
        let object = Self.object(event.object)
        var data: JSONObject = ["object": object]
        if let previous = event.previous, case .object(let before) = Self.object(previous),
            case .object(let after) = object
        {
            var changed = JSONObject()
            for field in before.fields where after[field.key] != field.value {
                changed[field.key] = field.value
            }
            data["previous_attributes"] = .object(changed)
        }
        return .object([
            "id": .string(event.id),
            "object": .string("event"),
            "api_version": .string(version.text),
            "created": .int(event.created.seconds),
            "data": .object(data),
            "livemode": .bool(event.scope.livemode),
            "pending_webhooks": .int(Int64(event.pendingWebhooks)),
            "request": .object([
                "id": .string(event.requestID), "idempotency_key": .string(event.idempotencyKey),
            ]),
            "type": .string(event.type.rawValue),
        ])
    }

    private static func object(_ object: Event.Object) -> JSONValue {
        switch object {
        case .charge(let charge): Self.charge(charge)
        case .refund(let refund): Self.refund(refund)
        case .customer(let customer): Self.customer(customer, showingDeleted: false)
        case .paymentIntent(let intent): Self.paymentIntent(intent)
        }
    }

    /// A webhook endpoint; the secret only in the answer that made it.
    static func webhookEndpoint(_ endpoint: WebhookEndpoint, showingSecret: Bool = false) -> JSONValue {
        var object: JSONObject = [
            "id": .string(endpoint.id),
            "object": .string("webhook_endpoint"),
            "api_version": .string(endpoint.apiVersion),
            "application": .null,
            "created": .int(endpoint.created.seconds),
            "description": .string(endpoint.description),
            "enabled_events": .array(endpoint.enabledEvents.map { .string($0) }),
            "livemode": .bool(endpoint.scope.livemode),
            "metadata": Self.metadata(endpoint.metadata),
        ]
        if showingSecret { object["secret"] = .string(endpoint.secret) }
        object["status"] = .string(endpoint.status.rawValue)
        object["url"] = .string(endpoint.url)
        return .object(object)
    }

    /// What `DELETE` answers.
    static func deleted(_ id: String, object: String) -> JSONValue {
        .object(["id": .string(id), "object": .string(object), "deleted": .bool(true)])
    }
}
