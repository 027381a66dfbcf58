/// The plain-text summary printed at the end of a run: per-stage table, attempts, generator health,
/// thresholds, audit, webhooks and the verdict.
public enum SummaryTable {
    /// The whole summary.
    public static func render(_ report: RunReport) -> String {
        var lines: [String] = []
        let duration = report.stages.reduce(0) { $0 + $1.duration }
        lines.append(
            "paisa-load run \(report.runID) against \(report.baseURL): profile \(report.profile) "
                + "(\(DurationText.trimmed(duration))s, \(report.overall.scheduled) arrivals), started \(report.startedAtISO)"
        )
        lines.append("")
        lines += Self.phaseTable(report)
        lines.append(
            "Latency runs from each payment's intended start (retries included); 'p99 unc.' from its actual send.")
        lines.append(Self.omissionLine(report.overall))
        lines.append("")
        lines.append(Self.attemptsLine(report.attempts))
        lines.append(Self.generatorLine(report.generator))
        if !report.thresholds.isEmpty {
            lines.append("")
            lines.append("Thresholds")
            for check in report.thresholds {
                lines.append(
                    "  " + (check.passed ? "pass" : "FAIL") + "  " + Self.padded(check.threshold, 22)
                        + Self.padded(check.scope, 12) + check.display)
            }
        }
        if let audit = report.audit {
            lines.append("")
            lines += Self.auditLines(audit)
        }
        if let webhooks = report.webhooks {
            lines.append("")
            lines += Self.webhookLines(webhooks)
        }
        lines.append("")
        lines.append("Result: exit \(report.exitCode) (\(report.verdict))")
        lines += report.reasons.map { "  - " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func phaseTable(_ report: RunReport) -> [String] {
        let header = [
            "stage", "time", "offered", "sent", "late", "drop", "done", "err", "ok", "pend", "decl", "p50", "p90",
            "p99", "p99.9", "max", "p99 unc.",
        ]
        var rows = [header]
        for phase in report.stagePhases + [report.overall] {
            let end = phase.start + phase.duration
            rows.append([
                phase.name, "\(DurationText.trimmed(phase.start))-\(DurationText.trimmed(end))s",
                DurationText.trimmed(phase.offeredRate) + "/s", "\(phase.sent)", "\(phase.late)", "\(phase.dropped)",
                "\(phase.finished)", "\(phase.errors)", "\(phase.succeeded)", "\(phase.pending)", "\(phase.declined)",
                ProgressLine.milliseconds(phase.latency.p50), ProgressLine.milliseconds(phase.latency.p90),
                ProgressLine.milliseconds(phase.latency.p99), ProgressLine.milliseconds(phase.latency.p999),
                ProgressLine.milliseconds(phase.latency.max), ProgressLine.milliseconds(phase.uncorrected.p99),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { Self.padded($1, widths[$0] + 2) }.joined().trimmingSpaces
        }
    }

    /// Corrected and uncorrected overall figures side by side: their gap is the coordinated omission a
    /// closed-loop tool would have hidden.
    private static func omissionLine(_ overall: RunReport.Phase) -> String {
        let pairs: [(String, Double, Double)] = [
            ("p50", overall.latency.p50, overall.uncorrected.p50),
            ("p90", overall.latency.p90, overall.uncorrected.p90),
            ("p99", overall.latency.p99, overall.uncorrected.p99),
            ("p99.9", overall.latency.p999, overall.uncorrected.p999),
            ("max", overall.latency.max, overall.uncorrected.max),
        ]
        return "From intended start vs from actual send: "
            + pairs.map { "\($0.0) \(ProgressLine.milliseconds($0.1)) vs \(ProgressLine.milliseconds($0.2))" }
            .joined(separator: ", ")
    }

    private static func attemptsLine(_ attempts: RunReport.Attempts) -> String {
        let classes = attempts.classes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
        var line =
            "Attempts: \(attempts.total) (\(attempts.beyondFirst) beyond the first per payment; "
            + "\(attempts.replayed) replayed): " + classes.joined(separator: ", ")
        if let limited = attempts.classes[AttemptOutcome.rateLimitedClass], limited > 0 {
            line +=
                "\nShaped by the server's rate limit: \(limited) attempts were answered 429 and retried after their "
                + "Retry-After. Raise the server's --rate-limit-test / PAISA_RATE_LIMIT_TEST (or --rate-limit-live; 0 "
                + "turns it off) to measure the server rather than its limit."
        }
        if !attempts.unanswered.isEmpty {
            let ended = attempts.unanswered.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            line += "\nUnanswered, by last attempt: " + ended.joined(separator: ", ")
        }
        return line
    }

    private static func generatorLine(_ generator: RunReport.Generator) -> String {
        "Generator: \(DurationText.trimmed(generator.coresUsed)) of \(generator.coresOnline) cores; scheduling lag "
            + "p50 \(DurationText.trimmed(generator.lagP50Ms))ms, p99 \(DurationText.trimmed(generator.lagP99Ms))ms, "
            + "max \(DurationText.trimmed(generator.lagMaxMs))ms (limit \(DurationText.trimmed(generator.lagLimitMs))ms): "
            + (generator.keptUp ? "kept up" : "FELL BEHIND, " + (generator.reason ?? ""))
    }

    private static func auditLines(_ audit: AuditReport) -> [String] {
        let counts = AuditReport.ProblemKind.allCases.map { "\($0.rawValue) \(audit.counts[$0.rawValue] ?? 0)" }
        var lines = [
            "Audit: \(audit.verdict.rawValue.uppercased()): \(audit.payments) payments, \(audit.answered) answered, "
                + "\(audit.serverCharges) charges of the run on the server, \(audit.unansweredCharged) unanswered but charged, "
                + "\(audit.pendingRemaining) still pending",
            "  " + counts.joined(separator: ", "),
        ]
        lines += audit.problems.map { "  \($0.kind.rawValue): \($0.detail)" }
        for check in audit.balances {
            lines.append(
                "  balance key #\(check.account) \(check.currency): before \(check.before), after \(check.after), "
                    + "moved \(check.after - check.before), expected \(check.expected): "
                    + (check.passed ? "ok" : "WRONG"))
        }
        lines += audit.notes.map { "  note: " + $0 }
        if !audit.balances.isEmpty {
            lines.append("  (The balance check assumes nothing else charges these accounts during the run.)")
        }
        return lines
    }

    /// What arrived, what was owed and did not, both lags, and the endpoints.
    private static func webhookLines(_ webhooks: WebhookReport) -> [String] {
        let reasons = webhooks.signatureFailureReasons.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }
        let percentiles = { (lag: LatencySummary) in
            "p50 \(ProgressLine.milliseconds(lag.p50)), p99 \(ProgressLine.milliseconds(lag.p99)), "
                + "max \(ProgressLine.milliseconds(lag.max))"
        }
        var lines = [
            "Webhooks at \(webhooks.url): \(webhooks.received) received, \(webhooks.unique) unique, "
                + "\(webhooks.duplicates) duplicates, \(webhooks.signatureFailures) signature failures"
                + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: ", ") + ")")
                + ", \(webhooks.malformed) malformed",
            "  final events: \(webhooks.finalReceived) of \(webhooks.finalExpected) charges that ended "
                + "(\(webhooks.missingFinal) missing), \(webhooks.foreign) foreign; waited "
                + "\(DurationText.trimmed(webhooks.drainSeconds))s of \(DurationText.trimmed(webhooks.drainLimitSeconds))s",
            "  lag, final answer to final event: "
                + (webhooks.lag.count > 0
                    ? percentiles(webhooks.lag) + " (\(webhooks.lag.count) charges)" : "no samples"),
            "  lag, event created to receipt (created in whole seconds, so up to 1s high): "
                + (webhooks.lagFromCreated.count > 0 ? percentiles(webhooks.lagFromCreated) : "no samples"),
        ]
        if !webhooks.types.isEmpty {
            lines.append(
                "  events: "
                    + webhooks.types.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "))
        }
        lines += webhooks.endpoints.map {
            "  endpoint \($0.id) (key #\($0.account)): " + ($0.deleted ? "deleted" : "NOT deleted")
        }
        lines += webhooks.notes.map { "  note: " + $0 }
        return lines
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
