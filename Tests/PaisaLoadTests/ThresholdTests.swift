import Testing

@testable import PaisaLoad

@Suite("Thresholds")
struct ThresholdTests {
    @Test("latency thresholds: percentiles, max, mean, units")
    func latency() throws {
        let p99 = try Threshold.parse("p99<2000ms")
        #expect(
            p99.metric == .percentile(99) && p99.comparison == .less && p99.limit == 2000 && p99.scope == .everywhere)
        #expect(try Threshold.parse("p99.9<=2s").limit == 2000)
        #expect(try Threshold.parse("p99.9<=2s").metric == .percentile(99.9))
        #expect(try Threshold.parse("p50<250").limit == 250)
        #expect(try Threshold.parse("max<1m").limit == 60_000)
        #expect(try Threshold.parse("mean < 500us").limit == 0.5)
    }

    @Test("share thresholds: percent or fraction")
    func shares() throws {
        #expect(try Threshold.parse("errors<0.1%").limit == 0.001)
        #expect(try Threshold.parse("late<0.01").limit == 0.01)
        let dropped = try Threshold.parse("dropped<=0")
        #expect(dropped.metric == .dropped && dropped.comparison == .lessOrEqual && dropped.limit == 0)
    }

    @Test("scopes: a stage or the whole run")
    func scopes() throws {
        #expect(try Threshold.parse("hold:p99<2s").scope == .stage("hold"))
        #expect(try Threshold.parse("overall:errors<1%").scope == .overall)
    }

    @Test("comparisons hold at and around the limit")
    func comparisons() throws {
        let less = try Threshold.parse("p99<100ms")
        #expect(less.holds(99.9) && !less.holds(100))
        let atMost = try Threshold.parse("p99<=100ms")
        #expect(atMost.holds(100) && !atMost.holds(100.1))
        let above = try Threshold.parse("p50>1ms")
        #expect(above.holds(2) && !above.holds(1))
        #expect(try Threshold.parse("p50>=1ms").holds(1))
    }

    @Test("webhook lag thresholds: any percentile or the max, a duration, scoped like the others")
    func webhookLag() throws {
        let p99 = try Threshold.parse("webhook_lag_p99<5s")
        #expect(p99.metric == .webhookLag(99) && p99.comparison == .less && p99.limit == 5000)
        #expect(p99.metric.isLatency && p99.metric.isWebhook && p99.scope == .everywhere)
        #expect(try Threshold.parse("webhook_lag_p50 <= 800ms").metric == .webhookLag(50))
        #expect(try Threshold.parse("webhook_lag_p99.9<10s").metric == .webhookLag(99.9))
        #expect(try Threshold.parse("webhook_lag_max<30s").metric == .webhookLagMax)
        #expect(try Threshold.parse("webhook_lag_p99<1500").limit == 1500)
        #expect(try Threshold.parse("hold:webhook_lag_p99<5s").scope == .stage("hold"))
        #expect(try Threshold.parse("overall:webhook_lag_p50<1s").scope == .overall)
        #expect(!(try Threshold.parse("p99<5s")).metric.isWebhook)
    }

    @Test(
        "malformed webhook lag thresholds are refused",
        arguments: [
            "webhook_lag<5s", "webhook_lag_p0<5s", "webhook_lag_p101<5s", "webhook_lag_p99<5%", "webhook_lag_mean<1s",
            "webhook_lag_p99<soon", "webhooks_lag_p99<5s",
        ])
    func refusedWebhookLag(_ text: String) {
        #expect(throws: LoadInputError.self) { try Threshold.parse(text) }
    }

    @Test("webhook lag thresholds read the webhook lag, per stage and overall; a stage without samples passes")
    func webhookLagEvaluated() throws {
        let stage = self.statistics(latenciesMs: [5, 5, 5])
        var lag = WebhookLag()
        for milliseconds in [200, 300, 400, 6_000] { lag.record(.milliseconds(milliseconds), stage: 0) }
        let checks = ThresholdCheck.evaluate(
            [try Threshold.parse("webhook_lag_p99<5s"), try Threshold.parse("overall:webhook_lag_p50<1s")],
            overall: stage, stages: [("a", stage), ("b", stage)], webhookLag: lag)
        #expect(
            checks.map { "\($0.threshold)@\($0.scope)=\($0.passed)" } == [
                "webhook_lag_p99<5s@a=false", "webhook_lag_p99<5s@b=true", "webhook_lag_p99<5s@overall=false",
                "overall:webhook_lag_p50<1s@overall=true",
            ])
        #expect(checks[1].value == nil && checks[1].note != nil)
        #expect(abs(checks[0].value! - 6000) < 7)
        #expect(abs(checks[3].value! - 300) < 1)
        let without = ThresholdCheck.evaluate(
            [try Threshold.parse("webhook_lag_p99<5s")], overall: stage, stages: [("a", stage)])
        #expect(without.allSatisfy { $0.passed && $0.value == nil })
    }

    @Test(
        "malformed thresholds are refused",
        arguments: [
            "p99", "p99=2s", "p99<", "p99<fast", "p0<1s", "p101<1s", "latency<1s", "errors<5", "errors<-1%",
            "errors<abc", "bad!name:p99<1s", "<1s",
        ])
    func refused(_ text: String) {
        #expect(throws: LoadInputError.self) { try Threshold.parse(text) }
    }

    private func statistics(
        latenciesMs: [Int], errors: Int = 0, scheduled: Int? = nil, late: Int = 0
    )
        -> PhaseStatistics
    {
        var statistics = PhaseStatistics(digits: .three)
        for (index, latency) in latenciesMs.enumerated() {
            let failed = index < errors
            let now = ContinuousClock.now
            let completion = Completion(
                errorClass: failed ? "timeout" : nil,
                firstAnswer: failed ? nil : .charge(id: "ch_\(index)", status: .succeeded),
                attempts: 1, record: nil, firstSent: now, finished: now)
            statistics.recordFinished(completion, latency: .milliseconds(latency), uncorrected: .milliseconds(latency))
        }
        statistics.scheduled = scheduled ?? latenciesMs.count
        statistics.late = late
        return statistics
    }

    @Test("checked per stage and overall: a slow stage fails even when the run as a whole passes")
    func perStage() throws {
        let calm = self.statistics(latenciesMs: Array(repeating: 10, count: 990))
        let spike = self.statistics(latenciesMs: Array(repeating: 3000, count: 10))
        var overall = calm
        overall.latency.add(spike.latency)
        overall.finished += spike.finished
        let checks = ThresholdCheck.evaluate(
            [try Threshold.parse("p99<2000ms")], overall: overall, stages: [("calm", calm), ("spike", spike)])
        #expect(checks.map(\.scope) == ["calm", "spike", "overall"])
        #expect(checks.map(\.passed) == [true, false, true])
        #expect(abs(checks[1].value! - 3000) < 3)
    }

    @Test("error and late shares, scoped thresholds, and scopes without samples")
    func sharesAndScopes() throws {
        let stage = self.statistics(latenciesMs: Array(repeating: 5, count: 1000), errors: 2, late: 20)
        let empty = PhaseStatistics(digits: .three)
        let thresholds = [
            try Threshold.parse("errors<0.1%"), try Threshold.parse("late<1%"), try Threshold.parse("b:p99<1ms"),
            try Threshold.parse("overall:errors<1%"),
        ]
        let checks = ThresholdCheck.evaluate(thresholds, overall: stage, stages: [("a", stage), ("b", empty)])
        let summary = checks.map { "\($0.threshold)@\($0.scope)=\($0.passed)" }
        #expect(
            summary == [
                "errors<0.1%@a=false", "errors<0.1%@b=true", "errors<0.1%@overall=false", "late<1%@a=false",
                "late<1%@b=true", "late<1%@overall=false", "b:p99<1ms@b=true", "overall:errors<1%@overall=true",
            ])
        #expect(checks[1].value == nil && checks[1].note != nil)
        #expect(checks[0].value == 0.002)
    }
}
