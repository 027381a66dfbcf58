import Foundation

/// One whole run: balances before, the load, the audit after, and the report. The command's only entry point.
public struct LoadTest: Sendable {
    /// What to run.
    public let configuration: LoadConfiguration
    /// Set by Ctrl-C: the run stops offering load, then audits and reports what it did.
    public let stop: StopSignal

    /// A run of `configuration`, stoppable through `stop`.
    public init(configuration: LoadConfiguration, stop: StopSignal = StopSignal()) {
        self.configuration = configuration
        self.stop = stop
    }

    /// Runs the load and the audit and returns the report; problems with the server are findings, not throws.
    public func run() async -> RunReport {
        let configuration = self.configuration
        // Duplicates run two callers per payment, so the pool may need two connections per in-flight payment.
        let client = PaisaClient(
            baseURLs: configuration.baseURLs, connections: configuration.inFlightMax * 2,
            attemptTimeout: configuration.attemptTimeout)
        let auditor = Auditor(
            client: client, apiKeys: configuration.apiKeys, runID: configuration.workload.runID,
            timeout: configuration.auditTimeout)
        let before = configuration.audit ? await auditor.balances() : nil
        let startedAt = Date()
        let measurement = await LoadRunner(configuration: configuration, client: client, stop: self.stop).run()
        var audit: AuditReport? = nil
        if let before {
            if configuration.showProgress { ProcessCPU.writeToStandardError("Auditing through the API…\n") }
            audit = await auditor.audit(
                records: measurement.statistics.records, before: before.values, beforeNotes: before.notes,
                runStartUnix: Int64(startedAt.timeIntervalSince1970))
        }
        await client.shutdown()
        return RunReport.build(
            configuration: configuration, measurement: measurement, audit: audit, startedAt: startedAt,
            stoppedEarly: self.stop.isRequested)
    }
}
