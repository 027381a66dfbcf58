import ArgumentParser
import Foundation
import PaisaLoad

/// `paisa-load`: an open-model spike-test load generator for Paisa that also audits exactly-once.
@main
struct PaisaLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paisa-load",
        abstract:
            "Offer payment traffic to a Paisa deployment on a schedule, then audit that nothing was doubled or lost.",
        discussion: """
            Requests start on an arrival-rate schedule (open model), whatever the server answers; latency is \
            measured from each request's intended start, so a stalled server shows up in full (no coordinated \
            omission). The uncorrected figure, from the actual send, is reported next to it.

            PROFILES (--profile; R = --rate):
              steady   steady 60s at R
              ramp     baseline 10s at R, ramp 60s R->10R, peak 20s at 10R
              spike    baseline 30s at R, jump 5s R->10R, hold 30s at 10R,
                       drop 5s 10R->R, recovery 60s at R
              FILE     one stage per line in the --stage syntax; # comments

            STAGES (--stage, repeatable, replaces the profile): [name=]DURATION:RATE[->RATE], e.g. 30s:100 \
            (hold), 5s:100->1000 (ramp), spike=30s:10x (10 x --rate). Rates are per second; 30/m is per minute.

            THRESHOLDS (--threshold, repeatable), checked in every stage and overall unless scoped: p99<2000ms, \
            p99.9<3s, max<5s, mean<500ms, errors<0.1%, late<1%, dropped<=0, hold:p99<2s, overall:errors<0.1%. \
            errors = payments that got no answer (declines are answers); late = sends that started more than \
            --late-after after their intended time, or were dropped.

            AUDIT (unless --no-audit): after the run, waits for pending charges to settle, lists the run's charges \
            (tagged metadata[paisa_load_run]) and checks that every answered payment maps to exactly one charge, \
            that no charge exists that no payment asked for, and that each key's balance (available + pending) moved \
            by exactly the net of its succeeded charges. The balance check assumes nothing else charges those \
            accounts during the run.

            WEBHOOKS (--webhooks): a receiver on 127.0.0.1 (the server must run on the same host, with test keys) \
            and an endpoint for all events on every key's account; every delivery's Stripe-Signature is verified. \
            The audit waits up to --webhooks-drain for each charge's final event (charge.succeeded or \
            charge.failed) and fails on a missing one, an event about a charge the run did not make, or a refused \
            signature; duplicates are counted. Thresholds: webhook_lag_p50, webhook_lag_p99, webhook_lag_max (from \
            the charge's final answer to its final event).

            Ctrl-C (or SIGTERM) stops offering load, lets payments in flight finish, then audits and reports; a \
            second one ends the process at once.

            EXIT STATUS: 0 passed; 1 a threshold failed, the audit was inconclusive, nothing was answered, or the \
            run was interrupted; \
            2 the generator could not keep up (scheduling lag p99 above --lag-limit, or CPU saturated); \
            3 the audit found a double, a loss, an unrequested or mismatched charge, a wrong balance, or a missing, \
            foreign or unauthentic webhook; 64 bad usage.

            Example: paisa-load --base-url http://127.0.0.1:8080 --key sk_test_... --profile spike \
            --duration-scale 0.1 --threshold 'p99<2000ms' --threshold 'errors<0.1%' --json out.json --html out.html
            """)

    @OptionGroup var target: TargetOptions
    @OptionGroup var load: LoadOptions
    @OptionGroup var traffic: TrafficOptions
    @OptionGroup var output: OutputOptions

    /// Validates the flags, runs the load and the audit, writes the outputs and exits with the verdict.
    func run() async throws {
        let configuration: LoadConfiguration
        do {
            configuration = try self.loadConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
        let profile = configuration.profile
        ProcessCPU.writeToStandardError(
            "paisa-load: run \(configuration.workload.runID), profile \(profile.name), "
                + "\(Int(profile.expectedArrivals.rounded())) arrivals over \(DurationText.format(profile.duration)) "
                + "through \(configuration.workload.api.name) against \(configuration.baseURL)\n")
        StopSignal.installHandlers()
        let report: RunReport
        do {
            report = try await LoadTest(configuration: configuration, stop: .shared).run()
        } catch {
            ProcessCPU.writeToStandardError("paisa-load: no traffic was sent. \(error.description)\n")
            throw ExitCode(ExitStatus.thresholdFailed.rawValue)
        }
        try self.output.write(report)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// Flags (then environment, then defaults) into one validated configuration.
    func loadConfiguration() throws(LoadInputError) -> LoadConfiguration {
        let keys = self.target.apiKeys()
        let profile = try self.load.resolvedProfile()
        let thresholds = try self.output.thresholds.map { (text) throws(LoadInputError) in try Threshold.parse(text) }
        let workload = try self.traffic.workload(accountCount: keys.count)
        return try LoadConfiguration(
            baseURLs: self.target.resolvedBaseURLs(), apiKeys: keys, profile: profile, poisson: self.load.poisson,
            workload: workload, inFlightMax: self.load.maxInFlight,
            attemptTimeout: try DurationText.parse(self.traffic.timeout),
            retry: try self.traffic.retryPolicy(), lateAfter: try DurationText.parse(self.load.lateAfter),
            dropAfter: try DurationText.parse(self.load.dropAfter), thresholds: thresholds,
            probePath: self.output.probe, audit: !self.output.noAudit,
            auditTimeout: try DurationText.parse(self.output.auditTimeout), webhooks: self.output.webhooks,
            webhooksDrain: try self.output.webhooksDrainDuration(),
            lagLimit: try DurationText.parse(self.load.lagLimit),
            showProgress: !self.output.noProgress && ProcessCPU.standardErrorIsTerminal())
    }
}
