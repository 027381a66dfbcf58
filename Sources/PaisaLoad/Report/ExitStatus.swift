/// The process's exit status, from the most serious finding down.
public enum ExitStatus: Int32, Sendable, Codable {
    case passed = 0
    /// A threshold failed, the audit could not finish, nothing was answered, or the run was interrupted.
    case thresholdFailed = 1
    /// The generator could not offer the planned load; the figures describe the generator, not the server.
    case generatorBehind = 2
    /// The audit found a double, a loss, an unrequested or mismatched charge, or a wrong balance; or, with
    /// webhooks, a missing final event, an event about another charge, or a delivery that was not authentic.
    case auditFailed = 3

    /// The word for the summary.
    public var verdict: String {
        switch self {
        case .passed: "passed"
        case .thresholdFailed: "failed"
        case .generatorBehind: "generator could not keep up"
        case .auditFailed: "audit failed"
        }
    }

    /// Decides the status and lists every reason (not only the one that won).
    ///
    /// Order: money errors (3) beat a generator that fell behind (2), which beats threshold failures (1),
    /// because a run whose generator fell behind has no trustworthy latency figures to fail.
    public static func decide(
        checks: [ThresholdCheck], generator: RunReport.Generator, audit: AuditReport?, finished: Int, errors: Int,
        stoppedEarly: Bool = false
    ) -> (status: ExitStatus, reasons: [String]) {
        var reasons: [String] = []
        var status = ExitStatus.passed
        /// Notes a reason and keeps the most serious status.
        func raise(_ candidate: ExitStatus, _ reason: String) {
            reasons.append(reason)
            if candidate.rawValue > status.rawValue { status = candidate }
        }
        for check in checks where !check.passed {
            raise(.thresholdFailed, "threshold \(check.threshold) failed in \(check.scope): \(check.display)")
        }
        if stoppedEarly {
            raise(.thresholdFailed, "stopped early (interrupted): the later part of the profile did not run")
        }
        if finished > 0 && errors == finished {
            raise(.thresholdFailed, "no request got an answer: check --base-url and --key")
        }
        if let audit {
            switch audit.verdict {
            case .failed:
                let counts = audit.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                raise(.auditFailed, "audit failed: " + counts.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            case .inconclusive:
                raise(.thresholdFailed, "audit inconclusive: " + audit.notes.joined(separator: " "))
            case .passed:
                break
            }
        }
        if !generator.keptUp {
            raise(.generatorBehind, "generator could not keep up: " + (generator.reason ?? ""))
        }
        return (status, reasons)
    }
}
