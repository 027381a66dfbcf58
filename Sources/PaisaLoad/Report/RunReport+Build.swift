import Foundation

extension RunReport {
    /// The generator counts as behind when, on average, it used more than this share of all cores: it was then
    /// competing for CPU with what it measures (when sharing a machine, the lag usually shows it first).
    public static let generatorCPUShareMax = 0.9

    /// The report of a finished run.
    static func build(
        configuration: LoadConfiguration, measurement: LoadRunner.Measurement, audit: AuditReport?,
        webhooks: WebhookJudgement? = nil, startedAt: Date, stoppedEarly: Bool = false
    ) -> RunReport {
        let statistics = measurement.statistics
        let profile = configuration.profile
        let starts = profile.stageStarts
        let stageInfos = zip(profile.stages, starts).map { stage, start in
            StageInfo(
                name: stage.name, start: start.seconds, duration: stage.seconds, startRate: stage.startRate,
                endRate: stage.endRate, expectedArrivals: stage.expectedArrivals)
        }
        let overall = Self.phase(statistics.overall, name: "overall", start: 0, duration: profile.duration.seconds)
        let stagePhases = stageInfos.enumerated().map { index, info in
            Self.phase(statistics.stages[index], name: info.name, start: info.start, duration: info.duration)
        }
        let checks = ThresholdCheck.evaluate(
            configuration.thresholds, overall: statistics.overall,
            stages: zip(profile.stages, statistics.stages).map { ($0.name, $1) }, webhookLag: webhooks?.lag)
        var webhookReport = webhooks?.report
        if let lag = webhooks?.lag {
            webhookReport?.stageLag = profile.stages.enumerated().map { index, stage in
                WebhookReport.StageLag(
                    name: stage.name, lag: (lag.stages[index] ?? LatencyHistogram(digits: .three)).summary)
            }
        }
        let generator = Self.generator(configuration, measurement)
        let decision = ExitStatus.decide(
            checks: checks, generator: generator, audit: audit, finished: statistics.overall.finished,
            errors: statistics.overall.errors, stoppedEarly: stoppedEarly)
        let attempts = statistics.attemptClasses.values.reduce(0, +)
        return RunReport(
            runID: configuration.workload.runID, baseURL: configuration.baseURL,
            startedAt: Int64(startedAt.timeIntervalSince1970),
            startedAtISO: ISO8601DateFormatter().string(from: startedAt),
            profile: profile.name, stages: stageInfos, settings: Self.settings(configuration), overall: overall,
            stagePhases: stagePhases, seconds: Self.seconds(statistics, stageInfos),
            attempts: Attempts(
                total: attempts, beyondFirst: max(attempts - statistics.overall.sent, 0), replayed: statistics.replayed,
                classes: statistics.attemptClasses, unanswered: statistics.errorClasses),
            generator: generator, thresholds: checks, audit: audit, webhooks: webhookReport,
            exitCode: decision.status.rawValue,
            verdict: decision.status.verdict, reasons: decision.reasons)
    }

    /// One slice's figures.
    static func phase(_ statistics: PhaseStatistics, name: String, start: Double, duration: Double) -> Phase {
        Phase(
            name: name, start: start, duration: duration, scheduled: statistics.scheduled, sent: statistics.sent,
            late: statistics.late, dropped: statistics.dropped, finished: statistics.finished,
            errors: statistics.errors,
            succeeded: statistics.succeeded, pending: statistics.pending, declined: statistics.declined,
            attempts: statistics.attempts, offeredRate: Double(statistics.scheduled) / max(duration, 1e-9),
            achievedRate: Double(statistics.finished) / max(duration, 1e-9), errorRate: statistics.errorRate,
            lateRate: statistics.lateRate, droppedRate: statistics.droppedRate, latency: statistics.latency.summary,
            uncorrected: statistics.uncorrected.summary)
    }

    /// The per-second series, each second labelled with the stage it falls in (`drain` after the plan).
    static func seconds(_ statistics: RunStatistics, _ stages: [StageInfo]) -> [Second] {
        statistics.seconds.enumerated().map { index, second in
            let middle = Double(index) + 0.5
            let stage = stages.last { $0.start <= middle && middle < $0.start + $0.duration }?.name ?? "drain"
            let latency = second.phase.latency
            return Second(
                t: index, stage: stage, scheduled: second.phase.scheduled, sent: second.phase.sent,
                late: second.phase.late, dropped: second.phase.dropped, completed: second.phase.completed,
                errors: second.phase.errors, inFlight: second.inFlightMax, cpuCores: second.cpuCores,
                lagMaxMs: second.lagMax.milliseconds, p50: latency.milliseconds(atPercentile: 50),
                p90: latency.milliseconds(atPercentile: 90), p99: latency.milliseconds(atPercentile: 99),
                p999: latency.milliseconds(atPercentile: 99.9), max: latency.maxMilliseconds,
                uncorrectedP99: second.phase.uncorrected.milliseconds(atPercentile: 99))
        }
    }

    /// The generator's health and whether it kept up.
    static func generator(_ configuration: LoadConfiguration, _ measurement: LoadRunner.Measurement) -> Generator {
        let lag = measurement.statistics.schedulerLag
        let cores = ProcessCPU.coresOnline()
        let used = measurement.cpu.seconds / max(measurement.wall.seconds, 1e-9)
        var reason: String? = nil
        let lagP99 = lag.milliseconds(atPercentile: 99)
        if lagP99 > configuration.lagLimit.milliseconds {
            reason =
                "its scheduling lag p99 was \(DurationText.trimmed(lagP99)) ms, above the "
                + "\(DurationText.trimmed(configuration.lagLimit.milliseconds)) ms limit (--lag-limit)"
        } else if used > Self.generatorCPUShareMax * Double(cores) {
            reason = "it used \(DurationText.trimmed(used)) of \(cores) cores on average"
        }
        return Generator(
            wallSeconds: measurement.wall.seconds, cpuSeconds: measurement.cpu.seconds, coresUsed: used,
            coresOnline: cores, lagP50Ms: lag.milliseconds(atPercentile: 50), lagP99Ms: lagP99,
            lagMaxMs: lag.maxMilliseconds, lagLimitMs: configuration.lagLimit.milliseconds, keptUp: reason == nil,
            reason: reason)
    }

    /// The settings, as reported.
    static func settings(_ configuration: LoadConfiguration) -> Settings {
        let workload = configuration.workload
        return Settings(
            probe: configuration.probePath, accounts: workload.accountCount, hotShare: workload.hotShare,
            mix: workload.mix.text,
            retryShare: workload.retryShare, duplicateShare: workload.duplicateShare,
            amountMin: workload.amounts.lowerBound, amountMax: workload.amounts.upperBound,
            maxInFlight: configuration.inFlightMax, poisson: configuration.poisson, seed: workload.seed,
            attemptTimeoutMs: configuration.attemptTimeout.milliseconds, attemptsMax: configuration.retry.attemptsMax,
            backoffMs: configuration.retry.backoffInitial.milliseconds,
            backoffMaxMs: configuration.retry.backoffMax.milliseconds,
            lateAfterMs: configuration.lateAfter.milliseconds,
            dropAfterMs: configuration.dropAfter.milliseconds, lagLimitMs: configuration.lagLimit.milliseconds,
            thresholds: configuration.thresholds.map(\.text), api: workload.api.name)
    }
}
