import Payments

extension Render {
    /// A PaymentIntent in Stripe's shape; `latestCharge` and `customer` replace their ids when expanded.
    static func paymentIntent(
        _ intent: PaymentIntent, latestCharge: Charge? = nil, customer: Customer? = nil
    ) -> JSONValue {
        .object([
            "id": .string(intent.id),
            "object": .string("payment_intent"),
            "amount": .int(intent.amount),
            "amount_capturable": .int(intent.amountCapturable),
            "amount_received": .int(intent.amountReceived),
            "canceled_at": intent.canceledAt.map { .int($0.seconds) } ?? .null,
            "cancellation_reason": .string(intent.cancellationReason?.rawValue),
            "capture_method": .string(intent.captureMethod.rawValue),
            "client_secret": .string(intent.clientSecret),
            "confirmation_method": .string("automatic"),
            "created": .int(intent.created.seconds),
            "currency": .string(intent.currency.code),
            "customer": customer.map { Self.customer($0) } ?? .string(intent.customerID),
            "description": .string(intent.description),
            "last_payment_error": intent.lastPaymentError.map(Self.paymentError) ?? .null,
            "latest_charge": latestCharge.map { Self.charge($0) } ?? .string(intent.latestChargeID),
            "livemode": .bool(intent.scope.livemode),
            "metadata": Self.metadata(intent.metadata),
            "next_action": .null,
            "payment_method": .string(intent.paymentMethod?.id),
            "payment_method_types": .array(Self.paymentMethodTypes(intent.currency).map { .string($0) }),
            "receipt_email": .string(intent.receiptEmail),
            "statement_descriptor": .string(intent.statementDescriptor),
            "status": .string(intent.status.rawValue),
        ])
    }

    /// Cards everywhere; UPI for rupees.
    static func paymentMethodTypes(_ currency: Currency) -> [String] {
        currency.code == "inr" ? ["card", "upi"] : ["card"]
    }

    private static func paymentError(_ error: PaymentIntent.PaymentError) -> JSONValue {
        .object([
            "charge": .string(error.charge),
            "code": .string(error.code),
            "decline_code": .string(error.declineCode),
            "message": .string(error.message),
            "type": .string("card_error"),
        ])
    }
}
