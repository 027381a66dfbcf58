/// Problems as the checks find them: complete counts, the first few in full.
struct Findings {
    private(set) var counts: [AuditReport.ProblemKind: Int] = [:]
    private(set) var listed: [AuditReport.Problem] = []

    /// Problems found so far.
    var total: Int { self.counts.values.reduce(0, +) }

    /// Notes one problem.
    mutating func add(_ kind: AuditReport.ProblemKind, payment: Int?, _ detail: String) {
        self.counts[kind, default: 0] += 1
        if self.listed.count < AuditReport.problemsListedMax {
            let subject = payment.map { "Payment \($0): " } ?? ""
            self.listed.append(AuditReport.Problem(kind: kind, payment: payment, detail: subject + detail))
        }
    }

    /// The report with these findings.
    func report(
        verdict: AuditReport.Verdict, payments: Int, answered: Int, unansweredCharged: Int, serverCharges: Int,
        pendingRemaining: Int, balances: [AuditReport.BalanceCheck], notes: [String], webhooks: Bool = false
    ) -> AuditReport {
        var counts: [String: Int] = [:]
        for kind in AuditReport.ProblemKind.allCases where webhooks || !kind.isWebhook {
            counts[kind.rawValue] = self.counts[kind] ?? 0
        }
        return AuditReport(
            verdict: verdict, payments: payments, answered: answered, unansweredCharged: unansweredCharged,
            serverCharges: serverCharges, pendingRemaining: pendingRemaining, counts: counts, problems: self.listed,
            balances: balances, notes: notes)
    }
}
