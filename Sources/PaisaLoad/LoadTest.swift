import Foundation

/// One whole run: balances before (and the webhook endpoints), the load, the audit after, and the report. The
/// command's only entry point.
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
    /// With webhooks, throws before any traffic when the receiver or an endpoint cannot be set up.
    public func run() async throws(WebhookSetupError) -> RunReport {
        let configuration = self.configuration
        // Duplicates run two callers per payment, so the pool may need two connections per in-flight payment.
        let client = PaisaClient(
            baseURLs: configuration.baseURLs, connections: configuration.inFlightMax * 2,
            attemptTimeout: configuration.attemptTimeout)
        var auditor = Auditor(
            client: client, apiKeys: configuration.apiKeys, runID: configuration.workload.runID,
            timeout: configuration.auditTimeout)
        auditor.webhooksDrain = configuration.webhooksDrain
        auditor.intents = configuration.workload.api.usesIntents
        let before = configuration.audit ? await auditor.balances() : nil
        var webhooks: WebhookSession? = nil
        if configuration.webhooks {
            do {
                let session = try await WebhookSession.start(
                    client: client, apiKeys: configuration.apiKeys, runID: configuration.workload.runID)
                ProcessCPU.writeToStandardError(
                    "paisa-load: receiving webhooks at \(session.receiver.url), \(session.endpoints.count) "
                        + "endpoint(s) created\n")
                webhooks = session
            } catch {
                await client.shutdown()
                throw error
            }
        }
        let startedAt = Date()
        let measurement = await LoadRunner(configuration: configuration, client: client, stop: self.stop).run()
        var audit: AuditReport? = nil
        var judgement: WebhookJudgement? = nil
        if let before {
            if configuration.showProgress { ProcessCPU.writeToStandardError("Auditing through the API…\n") }
            (audit, judgement) = await auditor.audit(
                records: measurement.statistics.records, before: before.values, beforeNotes: before.notes,
                runStartUnix: Int64(startedAt.timeIntervalSince1970), webhooks: webhooks,
                runStart: measurement.start)
        }
        if let webhooks {
            let finished = await webhooks.finish(client: client, apiKeys: configuration.apiKeys)
            judgement?.report.endpoints = finished.endpoints
            judgement?.report.notes += finished.notes
        }
        await client.shutdown()
        return RunReport.build(
            configuration: configuration, measurement: measurement, audit: audit, webhooks: judgement,
            startedAt: startedAt, stoppedEarly: self.stop.isRequested)
    }
}
