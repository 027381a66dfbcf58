import Foundation

@testable import PaisaLoad

/// A fabricated run for the report tests: two stages, a few payments, one late send, one error.
enum ReportFixture {
    static func configuration(
        thresholds: [String] = ["p99<2000ms", "errors<0.1%"], lagLimit: Duration = .milliseconds(50),
        webhooks: Bool = false
    )
        throws -> LoadConfiguration
    {
        let profile = try LoadProfile(
            name: "test",
            stages: [
                Stage(name: "calm", duration: .seconds(2), rate: 2),
                Stage(name: "spike", duration: .seconds(1), rate: 4),
            ])
        let workload = try Workload(
            runID: "fixture", seed: 1, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0, duplicateShare: 0,
            amounts: 100...200)
        return try LoadConfiguration(
            baseURLs: ["http://127.0.0.1:1/</script><b>"], apiKeys: ["sk_test_x"], profile: profile, poisson: false,
            workload: workload, inFlightMax: 8, attemptTimeout: .seconds(5),
            retry: try RetryPolicy(attemptsMax: 3, backoffInitial: .milliseconds(100), backoffMax: .seconds(1)),
            lateAfter: .milliseconds(10), dropAfter: .seconds(1),
            thresholds: try thresholds.map { try Threshold.parse($0) },
            audit: webhooks, auditTimeout: .seconds(1), webhooks: webhooks, lagLimit: lagLimit, showProgress: false)
    }

    /// Runs the recorder by hand over the configuration's schedule: arrival 3 errors, arrival 5 is late, all
    /// others answer in 10 ms (+1 ms per index).
    static func measurement(
        _ configuration: LoadConfiguration, lag: Duration = .microseconds(200)
    )
        -> LoadRunner.Measurement
    {
        let recorder = RunRecorder(stageCount: configuration.profile.stages.count, lateAfter: configuration.lateAfter)
        let start = ContinuousClock.now
        for arrival in ArrivalSchedule(stages: configuration.profile.stages) {
            recorder.scheduled(arrival, lag: lag)
            let delay: Duration = arrival.index == 5 ? .milliseconds(40) : .zero
            recorder.sent(arrival, delay: delay)
            let plan = configuration.workload.plan(for: arrival.index)
            let failed = arrival.index == 3
            let record = PaymentRecord(
                plan: plan, answers: failed ? [] : [.charge(id: "ch_\(arrival.index)", status: .succeeded)],
                errorClass: failed ? "timeout" : nil, attempts: failed ? 3 : 1)
            recorder.attempt(failed ? .timeout : .charged(chargeID: "ch", status: .succeeded, replayed: false))
            let firstSent = start + arrival.offset + delay
            let finished = firstSent + .milliseconds(10 + arrival.index)
            let completion = Completion(
                errorClass: record.errorClass, firstAnswer: record.answers.first, attempts: record.attempts,
                record: record, firstSent: firstSent, finished: finished)
            recorder.finished(arrival, completion, firstSent: firstSent - start, finished: finished - start)
        }
        return LoadRunner.Measurement(
            statistics: recorder.statistics(), wall: .seconds(3), cpu: .milliseconds(300), start: start)
    }

    static func report(
        thresholds: [String] = ["p99<2000ms", "errors<0.1%"], audit: AuditReport? = nil,
        webhooks: WebhookJudgement? = nil
    ) throws
        -> RunReport
    {
        let configuration = try self.configuration(thresholds: thresholds, webhooks: webhooks != nil)
        return RunReport.build(
            configuration: configuration, measurement: self.measurement(configuration), audit: audit,
            webhooks: webhooks, startedAt: .init(timeIntervalSince1970: 1_800_000_000))
    }

    /// The webhook check of the fixture's run: seven charges whose final events arrived 150 ms to 2.5 s after
    /// their answers (stage 0 fast, stage 1 slow), one delivered twice.
    static func webhooks() -> WebhookJudgement {
        let start = ContinuousClock.now
        var received = WebhookDeliveries()
        var records: [PaymentRecord] = []
        var charges: [ServerCharge] = []
        for index in 0..<7 {
            let stage = index < 4 ? 0 : 1
            let answered = start + .milliseconds(100 * index)
            records.append(
                PaymentRecord(
                    plan: PaymentPlan(
                        index: index, accountIndex: 0, amount: 100, source: .card, duplication: .none),
                    answers: [.charge(id: "ch_\(index)", status: .succeeded)], errorClass: nil, attempts: 1,
                    finalAnswerAt: answered, stageIndex: stage))
            charges.append(
                ServerCharge(
                    id: "ch_\(index)", accountIndex: 0, status: .succeeded, amount: 100, currency: "inr",
                    captured: true, runTag: "fixture", paymentTag: String(index), net: 97))
            let event = WebhookEvent(
                id: "evt_\(index)", type: "charge.succeeded", created: 1_800_000_000, objectKind: "charge",
                objectID: "ch_\(index)", objectStatus: "succeeded", runTag: "fixture", chargeID: "ch_\(index)")
            let arrived = answered + (stage == 0 ? .milliseconds(150) : .milliseconds(2_500))
            let delivery = WebhookDelivery(
                event: event, endpoint: 0, receivedAt: arrived, receivedUnix: 1_800_000_000 + (arrived - start).seconds)
            received.accepted.append(delivery)
            if index == 0 { received.accepted.append(delivery) }
        }
        let evidence = WebhookEvidence(
            url: "http://127.0.0.1:9/paisa-load/fixture",
            endpoints: [WebhookReport.Endpoint(account: 0, id: "we_1", deleted: true)], deliveries: received,
            runStart: start, drainWaited: .milliseconds(300))
        return Audit(
            runID: "fixture", records: records, serverCharges: charges, balances: [nil], webhooks: evidence
        ).judge().webhooks!
    }
}
