/// A PaymentIntent as the server lists it after the run.
public struct ServerIntent: Sendable, Equatable {
    /// `pi_…`.
    public var id: String
    /// Which of the run's API keys (accounts) listed it.
    public var accountIndex: Int
    /// Its status when listed (`succeeded`, `processing`, `requires_payment_method`, …).
    public var status: String
    /// Minor units.
    public var amount: Int64
    /// Lowercase ISO code.
    public var currency: String
    /// The charge of its latest confirmation, if one made a charge.
    public var latestCharge: String?
    /// `metadata[paisa_load_run]`.
    public var runTag: String?
    /// `metadata[paisa_load_payment]`.
    public var paymentTag: String?

    /// A listed intent.
    public init(
        id: String, accountIndex: Int, status: String, amount: Int64, currency: String, latestCharge: String?,
        runTag: String?, paymentTag: String?
    ) {
        self.id = id
        self.accountIndex = accountIndex
        self.status = status
        self.amount = amount
        self.currency = currency
        self.latestCharge = latestCharge
        self.runTag = runTag
        self.paymentTag = paymentTag
    }
}

extension Audit {
    /// Payments through PaymentIntents: each payment made at most one intent, every intent the answers named is
    /// listed, and each intent agrees with the charges behind it (a succeeded one has exactly one charge that
    /// moved money, and it is the intent's latest; one that asks for a payment method has none).
    func checkIntents(
        _ intents: [ServerIntent], charges: [Int: [ServerCharge]], findings: inout Findings, notes: inout [String]
    ) {
        let byPayment = self.groupedByPayment(
            intents.filter { $0.runTag == self.runID }, id: \.id, paymentTag: \.paymentTag, findings: &findings)
        let succeeded = byPayment.values.joined().filter { $0.status == "succeeded" }.count
        notes.append("PaymentIntents: \(byPayment.values.joined().count) listed for the run, \(succeeded) succeeded.")
        for record in self.records {
            Self.checkIntents(
                record, intents: byPayment[record.plan.index] ?? [], charges: charges[record.plan.index] ?? [],
                findings: &findings)
        }
    }

    /// One payment's intents against its answers and charges.
    static func checkIntents(
        _ record: PaymentRecord, intents: [ServerIntent], charges: [ServerCharge], findings: inout Findings
    ) {
        let index = record.plan.index
        if intents.count > 1 {
            let ids = intents.map(\.id).joined(separator: ", ")
            findings.add(.doubled, payment: index, "the server lists \(intents.count) PaymentIntents for it: \(ids).")
        }
        for id in record.intentIDs where !intents.contains(where: { $0.id == id }) {
            findings.add(.lost, payment: index, "an answer named \(id), which the server does not list.")
        }
        if record.isAnswered && intents.isEmpty {
            findings.add(.lost, payment: index, "it was answered, but the server lists no PaymentIntent for it.")
        }
        for intent in intents {
            if let problem = Self.contradiction(record, intent, charges: charges) {
                findings.add(.mismatched, payment: index, "\(intent.id): \(problem)")
            }
        }
    }

    /// How a listed intent contradicts its payment or the charges behind it, if it does.
    static func contradiction(_ record: PaymentRecord, _ intent: ServerIntent, charges: [ServerCharge]) -> String? {
        if intent.amount != record.plan.amount {
            return "amount \(intent.amount), but the payment asked for \(record.plan.amount)."
        }
        if intent.currency != Workload.currency {
            return "currency \(intent.currency), but the payment asked for \(Workload.currency)."
        }
        if intent.accountIndex != record.plan.accountIndex {
            return "listed under key #\(intent.accountIndex), but the payment used key #\(record.plan.accountIndex)."
        }
        if let other = charges.first(where: { $0.paymentIntent != intent.id }) {
            return "\(other.id) is tagged with the payment but names PaymentIntent \(other.paymentIntent ?? "none")."
        }
        let moved = charges.filter(\.movesMoney)
        let latest = charges.first { $0.id == intent.latestCharge }
        switch intent.status {
        case "succeeded":
            guard moved.count == 1, let latest, latest.movesMoney else {
                return "succeeded, but \(moved.count) of its charges moved money and its latest charge "
                    + "\(intent.latestCharge ?? "none") is \(latest.map { $0.status.rawValue } ?? "not listed")."
            }
        case "processing":
            guard latest?.status == .pending, moved.isEmpty else {
                return "processing, but its latest charge is \(latest.map { $0.status.rawValue } ?? "not listed")."
            }
        case "requires_payment_method":
            guard moved.isEmpty, charges.allSatisfy({ $0.status == .failed }) else {
                return "asks for a payment method, yet \(moved.count) of its charges moved money."
            }
        case "requires_confirmation":
            guard charges.isEmpty, !record.isAnswered else {
                return "was never confirmed, yet the payment was answered or has \(charges.count) charges."
            }
        default:
            return "status \(intent.status), which no payment of the run leads to."
        }
        return nil
    }
}
