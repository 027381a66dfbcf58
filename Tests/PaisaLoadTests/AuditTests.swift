import Testing

@testable import PaisaLoad

/// The audit's logic on fabricated evidence: a clean run, then one fault at a time.
@Suite("Audit")
struct AuditTests {
    static let run = "r1"

    private func plan(_ index: Int, amount: Int64 = 1000, account: Int = 0) -> PaymentPlan {
        PaymentPlan(index: index, accountIndex: account, amount: amount, source: .card, duplication: .none)
    }

    private func answered(_ index: Int, _ id: String, amount: Int64 = 1000) -> PaymentRecord {
        PaymentRecord(
            plan: self.plan(index, amount: amount), answers: [.charge(id: id, status: .succeeded)], errorClass: nil,
            attempts: 1)
    }

    private func charge(
        _ id: String, payment: Int?, amount: Int64 = 1000, status: ChargeStatus = .succeeded, net: Int64? = 971,
        run: String = AuditTests.run
    ) -> ServerCharge {
        ServerCharge(
            id: id, accountIndex: 0, status: status, amount: amount, currency: "inr", captured: true, runTag: run,
            paymentTag: payment.map(String.init), net: status == .succeeded ? net : nil)
    }

    /// Two answered payments, their two charges, and a balance that moved by their nets.
    private func cleanAudit() -> Audit {
        Audit(
            runID: Self.run, records: [self.answered(0, "ch_a"), self.answered(1, "ch_b")],
            serverCharges: [self.charge("ch_a", payment: 0), self.charge("ch_b", payment: 1)],
            balances: [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 2 * 971])])
    }

    @Test("a clean run passes every check")
    func clean() {
        let report = self.cleanAudit().check()
        #expect(report.verdict == .passed)
        #expect(report.counts.values.allSatisfy { $0 == 0 })
        #expect(
            report.balances == [
                AuditReport.BalanceCheck(
                    account: 0, currency: "inr", before: 5000, after: 6942, expected: 1942, passed: true)
            ])
    }

    @Test("a server that reports approvals without a charge fails the audit; one that does not say is a note")
    func strandedApprovals() {
        var audit = self.cleanAudit()
        audit.strandedApprovals = [0, nil]
        #expect(audit.check().verdict == .passed)
        audit.strandedApprovals = [0, 2]
        let report = audit.check()
        #expect(report.verdict == .failed)
        #expect(report.counts["stranded"] == 1)
        #expect(report.problems.first?.detail.contains("server #1 reports 2") == true)
    }

    @Test("a doubled charge is caught: two server charges for one payment, and the balance moved twice")
    func doubledOnServer() {
        var audit = self.cleanAudit()
        audit.serverCharges!.append(self.charge("ch_a2", payment: 0))
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 3 * 971])]
        let report = audit.check()
        #expect(report.verdict == .failed)
        #expect(report.counts["doubled"] == 1)
        #expect(report.problems.contains { $0.kind == .doubled && $0.payment == 0 && $0.detail.contains("ch_a2") })
        // The ledger agrees with the listed charges, so the balance itself is consistent; the double is the finding.
        #expect(report.counts["balance"] == 0)
    }

    @Test("a doubled charge is caught from the answers alone: a retry replayed a different charge id")
    func doubledInAnswers() {
        var audit = self.cleanAudit()
        audit.records[0].answers.append(.charge(id: "ch_other", status: .succeeded))
        let report = audit.check()
        #expect(report.verdict == .failed)
        #expect(report.counts["doubled"] == 1)
        #expect(report.counts["lost"] == 1)  // ch_other is not on the server either
    }

    @Test("a lost payment is caught: answered with a charge the server does not list")
    func lost() {
        var audit = self.cleanAudit()
        audit.serverCharges!.removeAll { $0.id == "ch_b" }
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 971])]
        let report = audit.check()
        #expect(report.verdict == .failed)
        #expect(report.counts["lost"] == 1)
        #expect(report.problems.contains { $0.kind == .lost && $0.payment == 1 && $0.detail.contains("ch_b") })
    }

    @Test("money that moved without a listed charge is caught by the balance check")
    func balanceMismatch() {
        var audit = self.cleanAudit()
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 2 * 971 + 971])]
        let report = audit.check()
        #expect(report.verdict == .failed)
        #expect(report.counts["balance"] == 1)
        #expect(report.balances.first?.passed == false)
    }

    @Test("a charge tagged with the run that no payment asked for is unrequested; other runs are ignored")
    func unrequested() {
        var audit = self.cleanAudit()
        audit.serverCharges!.append(self.charge("ch_x", payment: 99, status: .failed))
        audit.serverCharges!.append(self.charge("ch_y", payment: nil, status: .failed))
        audit.serverCharges!.append(self.charge("ch_z", payment: 0, status: .failed, run: "another-run"))
        let report = audit.check()
        #expect(report.counts["unrequested"] == 2)
        #expect(report.counts["doubled"] == 0)
        #expect(report.serverCharges == 4)
    }

    @Test("a charge whose amount differs from what the payment asked is mismatched")
    func wrongAmount() {
        var audit = self.cleanAudit()
        audit.serverCharges![0].amount = 2000
        #expect(audit.check().counts["mismatched"] == 1)
    }

    @Test("a decline that took money, and a success without a balance transaction, are mismatched")
    func statusContradictions() {
        var audit = self.cleanAudit()
        audit.records[1].answers = [.declined(chargeID: "ch_b")]
        audit.serverCharges![0].net = nil
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 971])]
        let report = audit.check()
        #expect(report.counts["mismatched"] == 2)
    }

    @Test("an unanswered payment may have one charge (counted), but not two")
    func unanswered() {
        var audit = self.cleanAudit()
        audit.records.append(PaymentRecord(plan: self.plan(2), answers: [], errorClass: "timeout", attempts: 4))
        audit.serverCharges!.append(self.charge("ch_c", payment: 2))
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 3 * 971])]
        let once = audit.check()
        #expect(once.verdict == .passed)
        #expect(once.unansweredCharged == 1)
        audit.serverCharges!.append(self.charge("ch_c2", payment: 2))
        audit.balances = [Audit.Balances(before: ["inr": 5000], after: ["inr": 5000 + 4 * 971])]
        #expect(audit.check().counts["doubled"] == 1)
    }

    @Test("declines and pending-then-settled charges move no money and pass")
    func declines() {
        var audit = self.cleanAudit()
        audit.records.append(
            PaymentRecord(plan: self.plan(2), answers: [.declined(chargeID: "ch_d")], errorClass: nil, attempts: 1))
        audit.serverCharges!.append(self.charge("ch_d", payment: 2, status: .failed))
        #expect(audit.check().verdict == .passed)
    }

    @Test("still-pending charges or unreadable endpoints make the audit inconclusive, not passed")
    func inconclusive() {
        var pending = self.cleanAudit()
        pending.records[1].answers = [.charge(id: "ch_b", status: .pending)]
        pending.serverCharges![1].status = .pending
        pending.serverCharges![1].net = nil
        let pendingReport = pending.check()
        #expect(pendingReport.verdict == .inconclusive)
        #expect(pendingReport.pendingRemaining == 1)
        #expect(pendingReport.balances.isEmpty)

        var noBalance = self.cleanAudit()
        noBalance.balances = [nil]
        #expect(noBalance.check().verdict == .inconclusive)

        var noList = self.cleanAudit()
        noList.serverCharges = nil
        #expect(noList.check().verdict == .inconclusive)
    }

    @Test("per account and per currency: a charge listed under the wrong key is mismatched")
    func accounts() {
        var audit = self.cleanAudit()
        audit.serverCharges![1].accountIndex = 1
        audit.balances.append(Audit.Balances(before: [:], after: ["inr": 971]))
        let report = audit.check()
        #expect(report.counts["mismatched"] == 1)
        #expect(report.balances.count == 2)
    }

    @Test("problem lists are bounded; counts are complete")
    func bounded() {
        let records = (0..<200).map { self.answered($0, "ch_\($0)") }
        let audit = Audit(runID: Self.run, records: records, serverCharges: [], balances: [])
        let report = audit.check()
        #expect(report.counts["lost"] == 200)
        #expect(report.problems.count == AuditReport.problemsListedMax)
    }
}
