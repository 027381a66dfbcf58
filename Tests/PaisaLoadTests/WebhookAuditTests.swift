import Testing

@testable import PaisaLoad

/// The audit's webhook judgement on fabricated deliveries: a clean run, then one fault at a time.
@Suite("Webhook audit")
struct WebhookAuditTests {
    static let run = "r1"
    let start = ContinuousClock.now

    private func plan(_ index: Int) -> PaymentPlan {
        PaymentPlan(index: index, accountIndex: 0, amount: 1000, source: .card, duplication: .none)
    }

    /// Payment `index` answered `status` with `ch_<index>` at `answeredMs` after the start, in `stage`.
    private func record(
        _ index: Int, status: ChargeStatus = .succeeded, answeredMs: Int = 100, stage: Int = 0
    ) -> PaymentRecord {
        PaymentRecord(
            plan: self.plan(index), answers: [.charge(id: "ch_\(index)", status: status)], errorClass: nil,
            attempts: 1, finalAnswerAt: status == .pending ? nil : self.start + .milliseconds(answeredMs),
            stageIndex: stage)
    }

    private func charge(_ index: Int, status: ChargeStatus = .succeeded) -> ServerCharge {
        ServerCharge(
            id: "ch_\(index)", accountIndex: 0, status: status, amount: 1000, currency: "inr", captured: true,
            runTag: Self.run, paymentTag: String(index), net: status == .succeeded ? 971 : nil)
    }

    /// A delivery of event `id` about `object` received `atMs` after the start; the event was created at the
    /// start's second on the wall clock (unix 1_800_000_000).
    private func delivery(
        _ id: String, _ type: String, object: String, kind: String = "charge", run: String? = WebhookAuditTests.run,
        charge: String? = nil, atMs: Int
    ) -> WebhookDelivery {
        let event = WebhookEvent(
            id: id, type: type, created: 1_800_000_000, objectKind: kind, objectID: object, objectStatus: nil,
            runTag: kind == "charge" ? run : nil, chargeID: kind == "charge" ? object : charge)
        return WebhookDelivery(
            event: event, endpoint: 0, receivedAt: self.start + .milliseconds(atMs),
            receivedUnix: 1_800_000_000 + Double(atMs) / 1000)
    }

    private func audit(
        records: [PaymentRecord], charges: [ServerCharge], deliveries: [WebhookDelivery],
        refusals: (WebhookDeliveries) -> WebhookDeliveries = { $0 }
    ) -> (report: AuditReport, webhooks: WebhookJudgement) {
        var received = WebhookDeliveries()
        received.accepted = deliveries
        let evidence = WebhookEvidence(
            url: "http://127.0.0.1:1/paisa-load/r1", deliveries: refusals(received), runStart: self.start,
            drainWaited: .milliseconds(400))
        let balances = [Audit.Balances(before: [:], after: ["inr": 971 * Int64(charges.filter(\.movesMoney).count)])]
        let result = Audit(
            runID: Self.run, records: records, serverCharges: charges, balances: balances, webhooks: evidence
        ).judge()
        return (result.report, result.webhooks!)
    }

    /// Two succeeded payments and one declined, each with its final event; one event delivered twice.
    private func cleanRun() -> (records: [PaymentRecord], charges: [ServerCharge], deliveries: [WebhookDelivery]) {
        (
            [self.record(0, answeredMs: 100), self.record(1, answeredMs: 200), self.record(2, status: .failed)],
            [self.charge(0), self.charge(1), self.charge(2, status: .failed)],
            [
                self.delivery("evt_a", "charge.succeeded", object: "ch_0", atMs: 350),
                self.delivery("evt_b", "charge.succeeded", object: "ch_1", atMs: 1_200),
                self.delivery("evt_c", "charge.failed", object: "ch_2", atMs: 1_300),
                self.delivery("evt_a", "charge.succeeded", object: "ch_0", atMs: 1_400),
            ]
        )
    }

    @Test("every final event arrived: the audit passes, the duplicate is counted, the lags are measured")
    func clean() {
        let (records, charges, deliveries) = self.cleanRun()
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.verdict == .passed)
        #expect(report.counts["webhook_missing"] == 0 && report.counts["webhook_foreign"] == 0)
        let figures = webhooks.report
        #expect(figures.received == 4 && figures.unique == 3 && figures.duplicates == 1)
        #expect(figures.finalExpected == 3 && figures.finalReceived == 3 && figures.missingFinal == 0)
        #expect(figures.types == ["charge.succeeded": 2, "charge.failed": 1])
        // From each final answer (100, 200, 100 ms) to the first receipt (350, 1200, 1300 ms).
        #expect(figures.lag.count == 3)
        #expect(abs(figures.lag.max - 1200) < 2 && abs(figures.lag.p50 - 1000) < 2)
        // From created (the whole second 1_800_000_000) to receipt: the unique events only.
        #expect(figures.lagFromCreated.count == 3 && abs(figures.lagFromCreated.max - 1300) < 2)
        #expect(figures.seconds.map(\.received) == [1, 3])
        #expect(figures.seconds.map(\.duplicates) == [0, 1])
        #expect(figures.seconds.map(\.lagSamples) == [1, 2])
        #expect(figures.seconds[1].lagP50 == 1000 && figures.seconds[1].lagMax == 1200)
        #expect(figures.drainSeconds == 0.4)
    }

    @Test("a charge that ended without its final event is missing, and fails the audit")
    func missing() {
        let (records, charges, clean) = self.cleanRun()
        var deliveries = clean
        deliveries.removeAll { $0.event.id == "evt_b" }
        deliveries.append(self.delivery("evt_p", "charge.pending", object: "ch_1", atMs: 300))
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.verdict == .failed)
        #expect(report.counts["webhook_missing"] == 1)
        let problem = report.problems.first { $0.kind == .webhookMissing }
        #expect(problem?.payment == 1)
        #expect(problem?.detail.contains("ch_1 is succeeded, but no charge.succeeded event arrived") == true)
        #expect(problem?.detail.contains("only charge.pending arrived") == true)
        #expect(webhooks.report.missingFinal == 1 && webhooks.report.finalReceived == 2)
    }

    @Test("the final event must match how the charge ended: charge.failed for a succeeded charge is missing")
    func wrongFinal() {
        let (records, charges, clean) = self.cleanRun()
        var deliveries = clean
        deliveries[1] = self.delivery("evt_b", "charge.failed", object: "ch_1", atMs: 1_200)
        let report = self.audit(records: records, charges: charges, deliveries: deliveries).report
        #expect(report.counts["webhook_missing"] == 1)
    }

    @Test("a pending charge that settled later owes its final event, but has no lag from an answer")
    func settledLater() {
        var (records, charges, deliveries) = self.cleanRun()
        records.append(self.record(3, status: .pending))
        charges.append(self.charge(3))
        deliveries.append(self.delivery("evt_p3", "charge.pending", object: "ch_3", atMs: 150))
        let owed = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(owed.report.counts["webhook_missing"] == 1)
        deliveries.append(self.delivery("evt_s3", "charge.succeeded", object: "ch_3", atMs: 2_500))
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.verdict == .passed)
        #expect(webhooks.report.finalExpected == 4 && webhooks.report.lag.count == 3)
    }

    @Test("a charge still pending owes nothing yet: skipped and noted (the audit is inconclusive anyway)")
    func stillPending() {
        var (records, charges, deliveries) = self.cleanRun()
        records.append(self.record(3, status: .pending))
        charges.append(self.charge(3, status: .pending))
        deliveries.append(self.delivery("evt_p3", "charge.pending", object: "ch_3", atMs: 150))
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.verdict == .inconclusive)
        #expect(report.counts["webhook_missing"] == 0)
        #expect(webhooks.report.notes.contains { $0.contains("1 charges were still pending") })
    }

    @Test("events about charges the run did not make are foreign; refunds are matched through their charge")
    func foreign() {
        let (records, charges, clean) = self.cleanRun()
        var deliveries = clean
        deliveries.append(
            self.delivery("evt_x", "charge.succeeded", object: "ch_other", run: "another-run", atMs: 500))
        deliveries.append(self.delivery("evt_y", "charge.succeeded", object: "ch_untagged", run: nil, atMs: 510))
        deliveries.append(
            self.delivery("evt_r1", "refund.created", object: "re_1", kind: "refund", charge: "ch_0", atMs: 520))
        deliveries.append(
            self.delivery("evt_r2", "refund.created", object: "re_2", kind: "refund", charge: "ch_9", atMs: 530))
        deliveries.append(self.delivery("evt_o", "payout.paid", object: "po_1", kind: "payout", atMs: 540))
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.verdict == .failed)
        #expect(report.counts["webhook_foreign"] == 3)
        let details = report.problems.filter { $0.kind == .webhookForeign }.map(\.detail)
        #expect(details.contains { $0.contains("ch_other, which belongs to run 'another-run'") })
        #expect(details.contains { $0.contains("ch_untagged, which carries no run tag") })
        #expect(details.contains { $0.contains("refund re_2 of ch_9") })
        #expect(webhooks.report.foreign == 3 && webhooks.report.otherObjects == 1)
    }

    @Test("an event delivered through another account's endpoint is foreign, once per event and endpoint")
    func crossAccount() {
        let (records, charges, clean) = self.cleanRun()
        var deliveries = clean
        var leaked = self.delivery("evt_b", "charge.succeeded", object: "ch_1", atMs: 1_250)
        leaked.endpoint = 1
        deliveries += [leaked, leaked]
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries)
        #expect(report.counts["webhook_foreign"] == 1)
        #expect(
            report.problems.contains {
                $0.detail.contains("evt_b (charge.succeeded) about ch_1 of key #0 came through the endpoint of key #1")
            })
        #expect(webhooks.report.foreign == 1 && webhooks.report.duplicates == 3)
    }

    @Test("a refused signature, or an authentic body that is no event, fails the audit")
    func refusals() {
        let (records, charges, deliveries) = self.cleanRun()
        let (report, webhooks) = self.audit(records: records, charges: charges, deliveries: deliveries) { received in
            var received = received
            received.signatureFailures = [.mismatch: 2, .staleTimestamp: 1]
            received.refusals = [WebhookRefusal(signature: .mismatch, detail: "a delivery of 12 bytes, mismatch")]
            received.malformed = 1
            return received
        }
        #expect(report.verdict == .failed)
        #expect(report.counts["webhook_signature"] == 3 && report.counts["webhook_malformed"] == 1)
        #expect(report.problems.contains { $0.detail == "a delivery of 12 bytes, mismatch" })
        #expect(webhooks.report.signatureFailures == 3)
        #expect(webhooks.report.signatureFailureReasons == ["mismatch": 2, "stale_timestamp": 1])
    }

    @Test("an event before its answer counts as no lag; the lag is kept per stage of the payment's start")
    func lagPerStage() {
        let (clean, charges, deliveries) = self.cleanRun()
        var records = clean
        records[1].stageIndex = 1
        records[2].stageIndex = 1
        records[0].finalAnswerAt = self.start + .milliseconds(500)
        let webhooks = self.audit(records: records, charges: charges, deliveries: deliveries).webhooks
        #expect(webhooks.lag.overall.count == 3 && webhooks.lag.overall.milliseconds(atPercentile: 0.1) == 0)
        #expect(webhooks.lag.stages[0]?.count == 1 && webhooks.lag.stages[1]?.count == 2)
    }

    @Test("without webhooks the report carries no webhook counts; with them, always all four")
    func counts() {
        let (records, charges, deliveries) = self.cleanRun()
        let plain = Audit(runID: Self.run, records: records, serverCharges: charges, balances: []).check()
        #expect(plain.counts.keys.allSatisfy { !$0.hasPrefix("webhook_") })
        let report = self.audit(records: records, charges: charges, deliveries: deliveries).report
        #expect(report.counts.keys.filter { $0.hasPrefix("webhook_") }.count == 4)
    }

    @Test("when the charges cannot be listed, a forged delivery still fails the audit; otherwise inconclusive")
    func unlisted() {
        var received = WebhookDeliveries()
        received.accepted = self.cleanRun().deliveries
        let evidence = WebhookEvidence(deliveries: received, runStart: self.start)
        let audit = Audit(runID: Self.run, records: [], serverCharges: nil, balances: [], webhooks: evidence)
        #expect(audit.judge().report.verdict == .inconclusive)
        var forged = audit
        forged.webhooks?.deliveries.signatureFailures = [.mismatch: 1]
        #expect(forged.judge().report.verdict == .failed)
    }
}
