import Foundation
import Testing

@testable import PaisaLoad

@Suite("Reports and exit status")
struct ReportTests {
    @Test("the report counts every arrival, per stage and per second, and carries the thresholds")
    func figures() throws {
        let report = try ReportFixture.report()
        #expect(report.overall.scheduled == 8)
        #expect(report.stagePhases.map(\.scheduled) == [4, 4])
        #expect(report.overall.late == 1 && report.overall.errors == 1)
        #expect(report.seconds.count >= 3)
        #expect(report.seconds.prefix(3).map(\.scheduled) == [2, 2, 4])
        #expect(report.seconds.prefix(3).map(\.stage) == ["calm", "calm", "spike"])
        #expect(report.overall.latency.count == 8)
        #expect(report.overall.latency.max >= 50 && report.overall.uncorrected.max < report.overall.latency.max)
        #expect(report.attempts.classes == ["ok": 7, "timeout": 1])
        #expect(report.thresholds.count == 6)
    }

    @Test("an error above the limit fails the run with exit 1 and says where")
    func thresholdFailure() throws {
        let report = try ReportFixture.report()
        #expect(report.exitCode == 1)
        #expect(report.reasons.contains { $0.contains("errors<0.1%") && $0.contains("calm") })
        #expect(report.thresholds.filter { !$0.passed }.map(\.scope) == ["calm", "overall"])
        let lenient = try ReportFixture.report(thresholds: ["p99<2s", "errors<50%"])
        #expect(lenient.exitCode == 0)
    }

    @Test("a generator that fell behind exits 2, above threshold failures")
    func generatorBehind() throws {
        let configuration = try ReportFixture.configuration()
        let measurement = ReportFixture.measurement(configuration, lag: .milliseconds(80))
        let report = RunReport.build(
            configuration: configuration, measurement: measurement, audit: nil, startedAt: Date())
        #expect(!report.generator.keptUp)
        #expect(report.exitCode == 2)
        #expect(report.reasons.count == 3)
    }

    private func audit(_ verdict: AuditReport.Verdict) -> AuditReport {
        AuditReport(
            verdict: verdict, payments: 8, answered: 7, unansweredCharged: 0, serverCharges: 8, pendingRemaining: 0,
            counts: ["doubled": verdict == .failed ? 1 : 0], problems: [], balances: [], notes: ["n"])
    }

    @Test("money errors exit 3 above everything; an inconclusive audit fails like a threshold")
    func auditPrecedence() throws {
        let generator = RunReport.Generator(
            wallSeconds: 1, cpuSeconds: 1, coresUsed: 1, coresOnline: 2, lagP50Ms: 0, lagP99Ms: 99, lagMaxMs: 99,
            lagLimitMs: 50, keptUp: false, reason: "lag")
        let failedCheck = ThresholdCheck(
            threshold: "p99<1ms", scope: "overall", value: 5, display: "5ms", passed: false, note: nil)
        let worst = ExitStatus.decide(
            checks: [failedCheck], generator: generator, audit: self.audit(.failed), finished: 8, errors: 1)
        #expect(worst.status == .auditFailed && worst.reasons.count == 3)
        var healthy = generator
        healthy.keptUp = true
        #expect(
            ExitStatus.decide(checks: [], generator: healthy, audit: self.audit(.inconclusive), finished: 8, errors: 0)
                .status == .thresholdFailed)
        #expect(
            ExitStatus.decide(checks: [], generator: healthy, audit: self.audit(.passed), finished: 8, errors: 0).status
                == .passed)
        #expect(
            ExitStatus.decide(checks: [], generator: healthy, audit: nil, finished: 8, errors: 8).status
                == .thresholdFailed)
    }

    @Test("JSON holds every figure and reads back the same")
    func json() throws {
        let report = try ReportFixture.report(audit: self.audit(.passed))
        let again = try RunReport.decode(try report.jsonData())
        #expect(again.overall == report.overall)
        #expect(again.seconds == report.seconds)
        #expect(again.audit == report.audit)
        #expect(again.exitCode == report.exitCode)
    }

    @Test("the HTML page is self-contained: no external resources, data embedded safely")
    func html() throws {
        let report = try ReportFixture.report()
        let page = try HTMLReport.render(report)
        for external in ["src=", "href=", "@import", "url(", "<link", "<iframe", "fetch(", "XMLHttpRequest"] {
            #expect(!page.contains(external), "found \(external)")
        }
        #expect(page.contains(#""runID" : "\#(report.runID)""#), "the run's data is embedded")
        // The base URL contained "</script><b>": it must not end the data element early.
        #expect(!page.contains("1/</script><b>"))
        #expect(page.contains(#"1/<\/script><b>"#))
        let data = try #require(page.range(of: #"<script type="application/json" id="data">"#))
        let end = try #require(page.range(of: "</script>", range: data.upperBound..<page.endIndex))
        let json = page[data.upperBound..<end.lowerBound].replacingOccurrences(of: #"<\/"#, with: "</")
        #expect(try RunReport.decode(Data(json.utf8)).runID == "fixture")
    }

    @Test("webhook figures reach the JSON, the summary and the page; webhook lag thresholds are checked per stage")
    func webhooks() throws {
        let report = try ReportFixture.report(
            thresholds: ["webhook_lag_p99<1s", "overall:webhook_lag_p50<3s"], webhooks: ReportFixture.webhooks())
        let webhooks = try #require(report.webhooks)
        #expect(webhooks.received == 8 && webhooks.unique == 7 && webhooks.duplicates == 1)
        #expect(webhooks.finalExpected == 7 && webhooks.missingFinal == 0)
        #expect(webhooks.stageLag.map(\.name) == ["calm", "spike"])
        #expect(webhooks.stageLag.map(\.lag.count) == [4, 3])
        #expect(
            report.thresholds.map { "\($0.scope)=\($0.passed)" } == [
                "calm=true", "spike=false", "overall=false", "overall=true",
            ])
        #expect(report.exitCode == 1)
        #expect(report.reasons.contains { $0.contains("webhook_lag_p99<1s") && $0.contains("spike") })

        let again = try RunReport.decode(try report.jsonData())
        #expect(again.webhooks == report.webhooks)
        let text = SummaryTable.render(report)
        #expect(text.contains("Webhooks at http://127.0.0.1:9/paisa-load/fixture: 8 received, 7 unique, 1 duplicates"))
        #expect(text.contains("final events: 7 of 7 charges that ended (0 missing)"))
        #expect(text.contains("endpoint we_1 (key #0): deleted"))
        let page = try HTMLReport.render(report)
        #expect(page.contains(#""duplicates" : 1"#))
        for external in ["src=", "href=", "url(", "fetch("] { #expect(!page.contains(external)) }
    }

    @Test("a run without webhooks has none in its JSON, and webhook thresholds need --webhooks")
    func withoutWebhooks() throws {
        let report = try ReportFixture.report()
        #expect(report.webhooks == nil)
        #expect(!String(decoding: try report.jsonData(), as: UTF8.self).contains("webhooks"))
        #expect(throws: LoadInputError.self) { try ReportFixture.configuration(thresholds: ["webhook_lag_p99<5s"]) }
    }

    @Test("the summary table lists each stage, the overall row, thresholds and the verdict")
    func table() throws {
        let text = SummaryTable.render(try ReportFixture.report())
        #expect(text.contains("\ncalm "))
        #expect(text.contains("\nspike "))
        #expect(text.contains("\noverall "))
        #expect(text.contains("FAIL  errors<0.1%"))
        #expect(text.contains("Result: exit 1 (failed)"))
    }
}
