import ArgumentParser
import Foundation
import PaisaLoad

/// Thresholds, audit and where the results go.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .customLong("threshold"), help: "Pass/fail rule, e.g. 'p99<2000ms', 'errors<0.1%', 'late<1%'; repeat.")
    var thresholds: [String] = []

    @Option(help: "Write every figure as JSON to this file.")
    var json: String?

    @Option(help: "Write a self-contained HTML report (charts, no network) to this file.")
    var html: String?

    @Option(
        help: """
            Probe mode: each arrival is one GET of this path (e.g. /healthz) instead of a payment; no retries, no \
            audit. For measuring the generator against a cheap endpoint.
            """)
    var probe: String?

    @Flag(help: "Skip the audit (and the balance reads before and after).")
    var noAudit = false

    @Option(help: "How long the audit waits for pending charges to settle.")
    var auditTimeout: String = "30s"

    @Flag(
        help: """
            Receive the run's webhooks on 127.0.0.1 (an endpoint for all events on every key's account, deleted \
            after the audit), verify every signature, and audit that each charge's final event arrived.
            """)
    var webhooks = false

    @Option(help: "How long the audit waits for the charges' final events, in seconds (or a duration such as 2m).")
    var webhooksDrain: String = "30"

    @Flag(help: "No live progress line (it is only ever drawn on a terminal).")
    var noProgress = false

    @Flag(help: "Do not print the summary table.")
    var quiet = false

    /// `--webhooks-drain`: a bare number is seconds.
    func webhooksDrainDuration() throws(LoadInputError) -> Duration {
        if let seconds = Double(self.webhooksDrain.trimmingCharacters(in: .whitespaces)) {
            guard seconds > 0, seconds <= DurationText.durationSecondsMax else {
                throw LoadInputError("--webhooks-drain must be more than 0 and at most 24h.")
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        return try DurationText.parse(self.webhooksDrain)
    }

    /// Writes the files asked for and prints the summary.
    func write(_ report: RunReport) throws {
        if let json = self.json {
            try report.jsonData().write(to: URL(fileURLWithPath: json))
        }
        if let html = self.html {
            try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: html))
        }
        if !self.quiet { print(SummaryTable.render(report), terminator: "") }
    }
}
