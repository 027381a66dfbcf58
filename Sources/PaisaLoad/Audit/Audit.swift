/// The audit's logic, with no I/O: compares what the client saw with what the server lists and the balances.
///
/// Every payment that got an answer must map to exactly one charge across all its attempts; no charge may
/// exist that no payment asked for; each account's balance (available + pending, per currency) must have
/// moved by exactly the sum of the nets of its succeeded, captured charges. Through PaymentIntents, each payment
/// made at most one intent, which agrees with its charges. With webhooks, every charge that
/// ended must have had its final event delivered, and no delivery may be foreign or unauthentic.
public struct Audit: Sendable {
    /// Balances of one account, per currency (available + pending), before and after the run.
    public struct Balances: Sendable, Equatable {
        public var before: [String: Int64]
        public var after: [String: Int64]

        /// Both snapshots.
        public init(before: [String: Int64], after: [String: Int64]) {
            self.before = before
            self.after = after
        }
    }

    /// The run whose charges are audited (`metadata[paisa_load_run]`).
    public var runID: String
    /// The client's records, one per payment made.
    public var records: [PaymentRecord]
    /// Charges tagged with the run, from every account; nil when they could not be listed.
    public var serverCharges: [ServerCharge]?
    /// With payments through PaymentIntents, the intents listed from every account; nil otherwise.
    public var serverIntents: [ServerIntent]?
    /// Per account; nil entries could not be read.
    public var balances: [Balances?]
    /// Why something could not be read, in words, for the report.
    public var notes: [String]
    /// Approvals without a charge that each server reports as stranded (`/readyz`); nil where it does not say.
    public var strandedApprovals: [Int?]
    /// What the run's webhook receiver took and refused; nil without `--webhooks`.
    public var webhooks: WebhookEvidence?

    /// An audit over fabricated or fetched evidence.
    public init(
        runID: String, records: [PaymentRecord], serverCharges: [ServerCharge]?, balances: [Balances?],
        notes: [String] = [], strandedApprovals: [Int?] = [], webhooks: WebhookEvidence? = nil,
        serverIntents: [ServerIntent]? = nil
    ) {
        self.runID = runID
        self.records = records
        self.serverCharges = serverCharges
        self.serverIntents = serverIntents
        self.balances = balances
        self.notes = notes
        self.strandedApprovals = strandedApprovals
        self.webhooks = webhooks
    }

    /// Runs every check.
    public func check() -> AuditReport {
        self.judge().report
    }

    /// Runs every check; with webhook evidence, also returns the webhook figures and lag histograms.
    public func judge() -> (report: AuditReport, webhooks: WebhookJudgement?) {
        var findings = Findings()
        var notes = self.notes
        let answered = self.records.filter(\.isAnswered).count
        guard let serverCharges = self.serverCharges else {
            notes.append("The run's charges could not be listed, so no charge was checked.")
            let webhooks = self.webhooks.map {
                self.checkWebhooks($0, runCharges: nil, findings: &findings, notes: &notes)
            }
            let report = findings.report(
                verdict: findings.total > 0 ? .failed : .inconclusive, payments: self.records.count,
                answered: answered, unansweredCharged: 0, serverCharges: 0, pendingRemaining: 0, balances: [],
                notes: notes, webhooks: webhooks != nil)
            return (report, webhooks)
        }
        for (server, stranded) in self.strandedApprovals.enumerated() {
            guard let stranded else { continue }
            if stranded > 0 {
                findings.add(
                    .stranded, payment: nil,
                    "server #\(server) reports \(stranded) payments its processor approved that have no charge.")
            }
        }
        let ours = serverCharges.filter { $0.runTag == self.runID }
        let byPayment = self.groupedByPayment(ours, id: \.id, paymentTag: \.paymentTag, findings: &findings)
        var unansweredCharged = 0
        for record in self.records {
            let charges = byPayment[record.plan.index] ?? []
            if !record.isAnswered && !charges.isEmpty { unansweredCharged += 1 }
            Self.checkPayment(record, charges: charges, findings: &findings)
        }
        if let intents = self.serverIntents {
            self.checkIntents(intents, charges: byPayment, findings: &findings, notes: &notes)
        }
        let pending = ours.filter { $0.status == .pending }.count
        if pending > 0 {
            notes.append("\(pending) charges were still pending when the audit stopped waiting; balances not checked.")
        }
        let balanceChecks = pending > 0 ? [] : self.checkBalances(ours, findings: &findings, notes: &notes)
        let webhooks = self.webhooks.map {
            self.checkWebhooks($0, runCharges: ours, findings: &findings, notes: &notes)
        }
        let complete = pending == 0 && self.balances.allSatisfy { $0 != nil } && (webhooks?.complete ?? true)
        let verdict: AuditReport.Verdict = findings.total > 0 ? .failed : (complete ? .passed : .inconclusive)
        let report = findings.report(
            verdict: verdict, payments: self.records.count, answered: answered, unansweredCharged: unansweredCharged,
            serverCharges: ours.count, pendingRemaining: pending, balances: balanceChecks, notes: notes,
            webhooks: webhooks != nil)
        return (report, webhooks)
    }

    /// Groups the run's objects (charges, intents) by their payment tag; one that no payment of the run asked for
    /// is unrequested.
    func groupedByPayment<Item>(
        _ items: [Item], id: (Item) -> String, paymentTag: (Item) -> String?, findings: inout Findings
    ) -> [Int: [Item]] {
        let known = Set(self.records.map(\.plan.index))
        var byPayment: [Int: [Item]] = [:]
        for item in items {
            guard let tag = paymentTag(item), let index = Int(tag), known.contains(index) else {
                findings.add(
                    .unrequested, payment: nil,
                    "\(id(item)) carries this run's tag but payment tag '\(paymentTag(item) ?? "none")', which no "
                        + "payment of the run used.")
                continue
            }
            byPayment[index, default: []].append(item)
        }
        return byPayment
    }

    /// One payment against the charges tagged with it.
    static func checkPayment(_ record: PaymentRecord, charges: [ServerCharge], findings: inout Findings) {
        let index = record.plan.index
        let answeredIDs = record.answeredChargeIDs
        if answeredIDs.count > 1 {
            findings.add(
                .doubled, payment: index,
                "answers named \(answeredIDs.count) charges: \(answeredIDs.joined(separator: ", ")).")
        }
        if charges.count > 1 {
            let ids = charges.map(\.id).joined(separator: ", ")
            findings.add(.doubled, payment: index, "the server lists \(charges.count) charges for it: \(ids).")
        }
        for id in answeredIDs where !charges.contains(where: { $0.id == id }) {
            findings.add(.lost, payment: index, "it was answered with \(id), which the server does not list.")
        }
        if record.isAnswered && answeredIDs.isEmpty && charges.isEmpty {
            findings.add(.lost, payment: index, "it was answered, but the server lists no charge for it.")
        }
        for charge in charges {
            if let problem = Self.contradiction(record, charge) {
                findings.add(.mismatched, payment: index, "\(charge.id): \(problem)")
            }
        }
    }

    /// How a listed charge contradicts its payment's plan or its answers, if it does.
    static func contradiction(_ record: PaymentRecord, _ charge: ServerCharge) -> String? {
        let plan = record.plan
        if charge.amount != plan.amount { return "amount \(charge.amount), but the payment asked for \(plan.amount)." }
        if charge.currency != Workload.currency {
            return "currency \(charge.currency), but the payment asked for \(Workload.currency)."
        }
        if charge.accountIndex != plan.accountIndex {
            return "listed under key #\(charge.accountIndex), but the payment used key #\(plan.accountIndex)."
        }
        for answer in record.answers where answer.chargeID == charge.id {
            switch (answer, charge.status) {
            case (.charge(_, .succeeded), .failed), (.charge(_, .succeeded), .pending):
                return "answered succeeded, but the server says \(charge.status.rawValue)."
            case (.declined, .succeeded), (.charge(_, .failed), .succeeded):
                return "answered as declined, but the server says succeeded."
            default: continue
            }
        }
        if charge.movesMoney != (charge.net != nil) {
            return charge.movesMoney
                ? "succeeded and captured, but it has no balance transaction."
                : "\(charge.status.rawValue), yet it has a balance transaction."
        }
        return nil
    }
}
