import Payments

/// The newest shape of every resource, as JSON. Fields follow Stripe's order: `id`, `object`, then alphabetical.
enum Render {
    /// A charge; `balanceTransaction` and `customer` replace their ids when the client expanded them.
    static func charge(
        _ charge: Charge, balanceTransaction: BalanceTransaction? = nil, customer: Customer? = nil
    ) -> JSONValue {
        var object: JSONObject = [
            "id": .string(charge.id),
            "object": .string("charge"),
            "amount": .int(charge.amount),
            "amount_captured": .int(charge.amountCaptured),
            "amount_refunded": .int(charge.amountRefunded),
        ]
        if let balanceTransaction {
            object["balance_transaction"] = Self.balanceTransaction(balanceTransaction)
        } else {
            object["balance_transaction"] = .string(charge.balanceTransactionID)
        }
        object["captured"] = .bool(charge.captured)
        object["created"] = .int(charge.created.seconds)
        object["currency"] = .string(charge.currency.code)
        object["customer"] = customer.map { Self.customer($0) } ?? .string(charge.customerID)
        object["description"] = .string(charge.description)
        object["disputed"] = .bool(false)
        object["failure_code"] = .string(charge.failure?.code.rawValue)
        object["failure_message"] = .string(charge.failure?.message)
        object["livemode"] = .bool(charge.scope.livemode)
        object["metadata"] = Self.metadata(charge.metadata)
        object["outcome"] = Self.outcome(charge)
        object["paid"] = .bool(charge.paid)
        object["payment_intent"] = .string(charge.paymentIntentID)
        object["payment_method"] = Self.paymentMethodID(charge.paymentMethod)
        object["payment_method_details"] = Self.paymentMethodDetails(charge.paymentMethod)
        object["receipt_email"] = .string(charge.receiptEmail)
        object["refunded"] = .bool(charge.refunded)
        object["shipping"] = charge.shipping.map(Self.shipping) ?? .null
        object["source"] = Self.source(charge.paymentMethod)
        object["statement_descriptor"] = .string(charge.statementDescriptor)
        object["statement_descriptor_suffix"] = .string(charge.statementDescriptorSuffix)
        object["status"] = .string(charge.status.rawValue)
        object["transfer_group"] = .string(charge.transferGroup)
        return .object(object)
    }

    /// Stripe's shipping object: every field present, null when not given.
    static func shipping(_ shipping: Shipping) -> JSONValue {
        .object([
            "address": .object(JSONObject(shipping.address.fields.map { ($0.name, JSONValue.string($0.value)) })),
            "carrier": .string(shipping.carrier),
            "name": .string(shipping.name),
            "phone": .string(shipping.phone),
            "tracking_number": .string(shipping.trackingNumber),
        ])
    }

    /// What the network said, as Stripe's `outcome`; null while the processor has not decided.
    private static func outcome(_ charge: Charge) -> JSONValue {
        switch charge.status {
        case .pending:
            return .null
        case .succeeded:
            return .object([
                "network_status": .string("approved_by_network"), "reason": .null,
                "risk_level": .string("normal"), "seller_message": .string("Payment complete."),
                "type": .string("authorized"),
            ])
        case .failed:
            return .object([
                "network_status": .string("declined_by_network"),
                "reason": .string(charge.failure?.declineCode ?? charge.failure?.code.rawValue),
                "risk_level": .string("normal"),
                "seller_message": .string("The bank did not return any further details with this decline."),
                "type": .string("issuer_declined"),
            ])
        }
    }

    private static func paymentMethodID(_ method: PaymentMethodDetails) -> JSONValue {
        if case .card(let card) = method { return .string(card.id) }
        return .null
    }

    private static func paymentMethodDetails(_ method: PaymentMethodDetails) -> JSONValue {
        switch method {
        case .card(let card):
            return .object([
                "card": .object([
                    "brand": .string(card.brand), "country": .string(card.country),
                    "exp_month": .int(Int64(card.expMonth)), "exp_year": .int(Int64(card.expYear)),
                    "funding": .string(card.funding), "last4": .string(card.last4), "network": .string(card.brand),
                ]),
                "type": .string("card"),
            ])
        case .upi(let vpa):
            return .object(["type": .string("upi"), "upi": .object(["vpa": .string(vpa)])])
        }
    }

    /// The legacy `source` object: the card for card charges, null for UPI.
    private static func source(_ method: PaymentMethodDetails) -> JSONValue {
        guard case .card(let card) = method else { return .null }
        return .object([
            "id": .string(card.id), "object": .string("card"), "brand": .string(Self.displayBrand(card.brand)),
            "country": .string(card.country), "exp_month": .int(Int64(card.expMonth)),
            "exp_year": .int(Int64(card.expYear)), "funding": .string(card.funding), "last4": .string(card.last4),
        ])
    }

    /// `visa` → `Visa`, `amex` → `American Express`: how the legacy card object names brands.
    private static func displayBrand(_ brand: String) -> String {
        switch brand {
        case "amex": "American Express"
        case "mastercard": "MasterCard"
        default: brand.prefix(1).uppercased() + brand.dropFirst()
        }
    }

    static func metadata(_ metadata: Metadata) -> JSONValue {
        .object(JSONObject(metadata.sorted.map { ($0.key, JSONValue.string($0.value)) }))
    }

    /// A refund; `balanceTransaction` replaces the id when expanded.
    static func refund(_ refund: Refund, balanceTransaction: BalanceTransaction? = nil) -> JSONValue {
        var object: JSONObject = [
            "id": .string(refund.id),
            "object": .string("refund"),
            "amount": .int(refund.amount),
        ]
        if let balanceTransaction {
            object["balance_transaction"] = Self.balanceTransaction(balanceTransaction)
        } else {
            object["balance_transaction"] = .string(refund.balanceTransactionID)
        }
        object["charge"] = .string(refund.chargeID)
        object["created"] = .int(refund.created.seconds)
        object["currency"] = .string(refund.currency.code)
        object["failure_balance_transaction"] = .string(refund.failureBalanceTransactionID)
        object["failure_reason"] = .string(refund.failureReason?.rawValue)
        object["metadata"] = Self.metadata(refund.metadata)
        object["reason"] = .string(refund.reason?.rawValue)
        object["status"] = .string(refund.status.rawValue)
        return .object(object)
    }

    /// A balance transaction: gross, fee and net of one posting, as the merchant sees it.
    static func balanceTransaction(_ transaction: BalanceTransaction, at time: Timestamp = .now()) -> JSONValue {
        var feeDetails: [JSONValue] = []
        if transaction.fee != 0 {
            feeDetails.append(
                .object([
                    "amount": .int(transaction.fee), "application": .null,
                    "currency": .string(transaction.currency.code),
                    "description": .string("Paisa processing fees"), "type": .string("stripe_fee"),
                ]))
        }
        return .object([
            "id": .string(transaction.id),
            "object": .string("balance_transaction"),
            "amount": .int(transaction.amount),
            "available_on": .int(transaction.availableOn.seconds),
            "created": .int(transaction.created.seconds),
            "currency": .string(transaction.currency.code),
            "description": .string(transaction.description),
            "fee": .int(transaction.fee),
            "fee_details": .array(feeDetails),
            "net": .int(transaction.net),
            "reporting_category": .string(transaction.kind.rawValue),
            "source": .string(transaction.sourceID),
            "status": .string(transaction.isAvailable(at: time) ? "available" : "pending"),
            "type": .string(transaction.kind.rawValue),
        ])
    }

    /// The balance: available and pending per currency; one zero entry in the account's currency when empty.
    static func balance(_ balance: Balance) -> JSONValue {
        let amounts =
            balance.amounts.isEmpty
            ? [Balance.Amounts(currency: Currency.named("inr")!, available: 0, pending: 0)] : balance.amounts
        func entries(_ pick: (Balance.Amounts) -> Int64) -> JSONValue {
            .array(amounts.map { .object(["amount": .int(pick($0)), "currency": .string($0.currency.code)]) })
        }
        return .object([
            "object": .string("balance"),
            "available": entries(\.available),
            "livemode": .bool(balance.scope.livemode),
            "pending": entries(\.pending),
        ])
    }

    /// An account as `GET /v1/account` shows it.
    static func account(_ account: Account) -> JSONValue {
        .object([
            "id": .string(account.id),
            "object": .string("account"),
            "business_profile": .object(["name": .string(account.name)]),
            "charges_enabled": .bool(true),
            "country": .string("IN"),
            "created": .int(account.created.seconds),
            "default_currency": .string("inr"),
            "details_submitted": .bool(true),
            "metadata": .object([:]),
            "payouts_enabled": .bool(false),
            "settings": .object(["api_version": .string(account.defaultVersion)]),
            "type": .string("standard"),
        ])
    }

    /// A page of a list: `url` is the path the SDKs page with, relative to the API base.
    static func list(url: String, items: [JSONValue], hasMore: Bool) -> JSONValue {
        .object([
            "object": .string("list"),
            "data": .array(items),
            "has_more": .bool(hasMore),
            "url": .string(url),
        ])
    }
}
