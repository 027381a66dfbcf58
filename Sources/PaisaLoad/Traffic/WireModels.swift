/// A charge as the API renders it, reduced to the fields the generator and the audit read.
struct WireCharge: Decodable {
    let id: String
    let status: String
    let amount: Int64
    let currency: String
    let captured: Bool?
    let created: Int64?
    let metadata: [String: String]?
    /// The PaymentIntent whose confirmation made it, if one did.
    let paymentIntent: String?
    /// The id, the expanded object, or null.
    let balanceTransaction: WireBalanceTransaction?

    enum CodingKeys: String, CodingKey {
        case id, status, amount, currency, captured, created, metadata
        case paymentIntent = "payment_intent"
        case balanceTransaction = "balance_transaction"
    }

    /// Decodes leniently where Paisa renders a field in more than one shape.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.status = try container.decode(String.self, forKey: .status)
        self.amount = try container.decode(Int64.self, forKey: .amount)
        self.currency = try container.decode(String.self, forKey: .currency)
        self.captured = try container.decodeIfPresent(Bool.self, forKey: .captured)
        self.created = try container.decodeIfPresent(Int64.self, forKey: .created)
        self.metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata)
        self.paymentIntent = try? container.decodeIfPresent(String.self, forKey: .paymentIntent)
        // Unexpanded, the field is an id string; we only use the expanded object.
        self.balanceTransaction = try? container.decodeIfPresent(
            WireBalanceTransaction.self, forKey: .balanceTransaction)
    }
}

/// An expanded balance transaction: gross, fee and net of one posting.
struct WireBalanceTransaction: Decodable {
    let amount: Int64
    let fee: Int64
    let net: Int64
    let currency: String
}

/// `{"error": {...}}`.
struct WireErrorEnvelope: Decodable {
    let error: WireError
}

/// A Stripe error object; `charge` names the failed charge of a card error, `payment_intent` the intent whose
/// confirmation or request it refused.
struct WireError: Decodable {
    /// The intent in an error, as far as the generator reads it.
    struct Intent: Decodable {
        let id: String
    }

    let type: String?
    let code: String?
    let message: String?
    let charge: String?
    let paymentIntent: Intent?

    enum CodingKeys: String, CodingKey {
        case type, code, message, charge
        case paymentIntent = "payment_intent"
    }
}

/// A PaymentIntent as the API renders it, reduced to the fields the generator and the audit read.
struct WirePaymentIntent: Decodable {
    let id: String
    let status: String
    let amount: Int64
    let currency: String
    /// The charge's id, whether the answer shows it as an id or expanded.
    let latestCharge: String?
    let metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, status, amount, currency, metadata
        case latestCharge = "latest_charge"
    }

    private struct Expanded: Decodable {
        let id: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.status = try container.decode(String.self, forKey: .status)
        self.amount = try container.decode(Int64.self, forKey: .amount)
        self.currency = try container.decode(String.self, forKey: .currency)
        self.metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata)
        self.latestCharge =
            (try? container.decodeIfPresent(String.self, forKey: .latestCharge))
            ?? (try? container.decodeIfPresent(Expanded.self, forKey: .latestCharge))?.id
    }
}

/// What the audit reads of every listed object: its id (the next page's cursor) and its metadata (the run's tags).
protocol WireListed: Decodable {
    var id: String { get }
    var metadata: [String: String]? { get }
}

extension WireCharge: WireListed {}
extension WirePaymentIntent: WireListed {}

/// A page of a list (`GET /v1/charges`, `GET /v1/payment_intents`).
struct WireList<Item: Decodable>: Decodable {
    let data: [Item]
    let hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
    }
}

/// `GET /v1/balance`.
struct WireBalance: Decodable {
    /// One amount in one currency.
    struct Amount: Decodable {
        let amount: Int64
        let currency: String
    }

    let available: [Amount]
    let pending: [Amount]
}

/// `GET /readyz`, as far as the audit reads it.
struct WireReadiness: Decodable {
    struct Unrecorded: Decodable {
        let stranded: Int
    }

    let unrecordedApprovals: Unrecorded?

    enum CodingKeys: String, CodingKey {
        case unrecordedApprovals = "unrecorded_approvals"
    }
}

/// The answer to `POST /v1/webhook_endpoints`: the only time the server shows the secret.
struct WireWebhookEndpoint: Decodable {
    let id: String
    let secret: String
    let url: String?
}
