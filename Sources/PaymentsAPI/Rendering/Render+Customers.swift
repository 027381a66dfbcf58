import Payments

extension Render {
    /// A customer in Stripe's shape; a deleted one as Stripe shows it (`deleted: true`) unless `showingDeleted` is
    /// false (an event keeps the whole object). Fields Paisa has no use for yet have Stripe's empty values.
    static func customer(_ customer: Customer, showingDeleted: Bool = true) -> JSONValue {
        if customer.deleted && showingDeleted { return Self.deleted(customer.id, object: "customer") }
        return .object([
            "id": .string(customer.id),
            "object": .string("customer"),
            "address": .null,
            "balance": .int(0),
            "created": .int(customer.created.seconds),
            "currency": .null,
            "default_source": .null,
            "delinquent": .bool(false),
            "description": .string(customer.description),
            "email": .string(customer.email),
            "livemode": .bool(customer.scope.livemode),
            "metadata": Self.metadata(customer.metadata),
            "name": .string(customer.name),
            "phone": .string(customer.phone),
            "preferred_locales": .array([]),
            "shipping": .null,
            "tax_exempt": .string("none"),
        ])
    }
}
