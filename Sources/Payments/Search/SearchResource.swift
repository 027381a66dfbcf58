/// A resource that can be searched, with the fields its queries may name.
public enum SearchResource: Sendable, CaseIterable {
    case charges
    case paymentIntents
    case customers

    /// Field names (as a query spells them) to fields; `metadata["key"]` is parsed apart and allowed on all three.
    public var fields: [String: SearchField] {
        switch self {
        case .charges:
            [
                "amount": .amount, "created": .created, "currency": .currency, "customer": .customer,
                "payment_intent": .paymentIntent, "payment_method_details.card.last4": .cardLast4,
                "refunded": .refunded, "status": .status,
            ]
        case .paymentIntents:
            [
                "amount": .amount, "created": .created, "currency": .currency, "customer": .customer,
                "status": .status,
            ]
        case .customers:
            ["created": .created, "email": .email, "name": .name, "phone": .phone]
        }
    }

    /// The resource's name in messages (`charges`).
    public var noun: String {
        switch self {
        case .charges: "charges"
        case .paymentIntents: "PaymentIntents"
        case .customers: "customers"
        }
    }

    /// The id prefix of the resource's objects, which a page token must carry.
    public var kind: ObjectID.Kind {
        switch self {
        case .charges: .charge
        case .paymentIntents: .paymentIntent
        case .customers: .customer
        }
    }

    /// Every field name, metadata included, for the message that refuses an unknown one.
    var fieldList: String {
        (self.fields.keys.sorted() + ["metadata[\"key\"]"]).sorted().joined(separator: ", ")
    }
}
