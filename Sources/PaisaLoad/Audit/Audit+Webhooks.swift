/// What the webhook check reads: what the receiver took and refused, the endpoints, and the run's clock.
public struct WebhookEvidence: Sendable {
    /// The receiver's URL.
    public var url: String
    public var endpoints: [WebhookReport.Endpoint]
    public var deliveries: WebhookDeliveries
    /// The run's start on the run's clock: per-second figures count from it.
    public var runStart: ContinuousClock.Instant
    /// How long the audit waited for final events, and the most it would have.
    public var drainWaited: Duration
    public var drainLimit: Duration

    /// Evidence from its parts.
    public init(
        url: String = "", endpoints: [WebhookReport.Endpoint] = [], deliveries: WebhookDeliveries,
        runStart: ContinuousClock.Instant, drainWaited: Duration = .zero, drainLimit: Duration = .seconds(30)
    ) {
        self.url = url
        self.endpoints = endpoints
        self.deliveries = deliveries
        self.runStart = runStart
        self.drainWaited = drainWaited
        self.drainLimit = drainLimit
    }
}

/// The primary webhook lag as histograms, overall and per stage index, for the thresholds.
public struct WebhookLag: Sendable {
    public var overall = LatencyHistogram(digits: .three)
    public var stages: [Int: LatencyHistogram] = [:]

    /// No samples yet.
    public init() {}

    /// Adds one charge's lag, in the stage its payment started in.
    mutating func record(_ lag: Duration, stage: Int) {
        self.overall.record(lag)
        self.stages[stage, default: LatencyHistogram(digits: .three)].record(lag)
    }
}

/// The webhook check's outcome: the figures for the report and the lag histograms for the thresholds.
public struct WebhookJudgement: Sendable {
    public var report: WebhookReport
    public var lag: WebhookLag
    /// False when something could not be judged (the audit is then inconclusive, unless it failed).
    public var complete: Bool
}

extension Audit {
    /// The webhook check: every charge of the run that ended reached its final event at least once; no event
    /// arrived about a charge the run did not make (a refund's event is matched through its `charge`), nor
    /// through the endpoint of another account than its charge's; no delivery was refused. Duplicates (an event id received again) are counted, not failed: delivery is at
    /// least once.
    ///
    /// `runCharges` are the charges carrying the run's tag, nil when they could not be listed (then neither
    /// missing events nor refunds can be judged).
    func checkWebhooks(
        _ evidence: WebhookEvidence, runCharges: [ServerCharge]?, findings: inout Findings, notes: inout [String]
    ) -> WebhookJudgement {
        var webhookNotes: [String] = []
        var complete = runCharges != nil
        let deliveries = evidence.deliveries
        Self.refusalFindings(deliveries, findings: &findings)

        // The run's charges as the client and the server know them: refund events are judged against them.
        let runChargeIDs = runCharges.map { charges in
            Set(charges.map(\.id)).union(self.records.flatMap(\.answeredChargeIDs))
        }
        // Which key's account each listed charge is under: its events must come through that account's endpoint.
        let chargeAccounts = Dictionary(
            (runCharges ?? []).map { ($0.id, $0.accountIndex) }, uniquingKeysWith: { first, _ in first })
        var crossAccount: Set<String> = []
        var tally = SecondTally(origin: evidence.runStart)
        var firstReceipt: [String: ContinuousClock.Instant] = [:]
        var finalArrived: [FinalEvent: ContinuousClock.Instant] = [:]
        var types: [String: Int] = [:]
        var lagFromCreated = LatencyHistogram(digits: .three)
        var (duplicates, foreign, otherObjects, unjudgedRefunds, repeatedFinals) = (0, 0, 0, 0, 0)
        for delivery in deliveries.accepted {
            let event = delivery.event
            let second = tally.received(at: delivery.receivedAt)
            if let charge = event.chargeID, let account = chargeAccounts[charge], account != delivery.endpoint,
                crossAccount.insert("\(event.id) \(delivery.endpoint)").inserted
            {
                foreign += 1
                findings.add(
                    .webhookForeign, payment: nil,
                    "\(event.id) (\(event.type)) about \(charge) of key #\(account) came through the endpoint of key "
                        + "#\(delivery.endpoint): another account's event.")
            }
            guard firstReceipt[event.id] == nil else {
                duplicates += 1
                tally.seconds[second].duplicates += 1
                continue
            }
            firstReceipt[event.id] = delivery.receivedAt
            types[event.type, default: 0] += 1
            lagFromCreated.record(.seconds(delivery.receivedUnix - Double(event.created)))
            switch event.objectKind {
            case "charge":
                guard event.runTag == self.runID else {
                    foreign += 1
                    findings.add(
                        .webhookForeign, payment: nil,
                        "\(event.id) (\(event.type)) is about \(event.objectID), which "
                            + (event.runTag.map { "belongs to run '\($0)'." } ?? "carries no run tag."))
                    continue
                }
                guard event.isFinal else { continue }
                let final = FinalEvent(chargeID: event.objectID, type: event.type)
                if finalArrived[final] == nil {
                    finalArrived[final] = delivery.receivedAt
                } else {
                    repeatedFinals += 1
                }
            case "refund":
                guard let runChargeIDs else {
                    unjudgedRefunds += 1
                    continue
                }
                if let charge = event.chargeID, runChargeIDs.contains(charge) { continue }
                foreign += 1
                findings.add(
                    .webhookForeign, payment: nil,
                    "\(event.id) (\(event.type)) is about refund \(event.objectID) of "
                        + (event.chargeID.map { "\($0), a charge the run did not make." } ?? "no charge."))
            default:
                otherObjects += 1
            }
        }

        // Every charge that ended owes its final event; the primary lag runs from its final answer to it.
        let records = Dictionary(self.records.map { ($0.plan.index, $0) }, uniquingKeysWith: { first, _ in first })
        var lag = WebhookLag()
        var (expected, pending) = (0, 0)
        var missing: [ServerCharge] = []
        for charge in runCharges ?? [] {
            guard let final = FinalEvent(chargeID: charge.id, status: charge.status) else {
                pending += 1
                continue
            }
            expected += 1
            guard let arrived = finalArrived[final] else {
                missing.append(charge)
                continue
            }
            guard let index = charge.paymentTag.flatMap({ Int($0) }), let record = records[index],
                let answeredAt = record.finalAnswerAt,
                record.answeredChargeIDs.isEmpty || record.answeredChargeIDs.contains(charge.id)
            else { continue }
            lag.record(arrived - answeredAt, stage: record.stageIndex)
            tally.lag(arrived - answeredAt, at: arrived)
        }
        if deliveries.notKept > 0 {
            complete = false
            notes.append(
                "\(deliveries.notKept) webhook deliveries past the first \(WebhookLog.deliveriesKeptMax) were counted "
                    + "but not kept, so missing final events were not judged.")
        } else {
            self.missingFindings(missing, deliveries: deliveries.accepted, evidence: evidence, findings: &findings)
        }
        if unjudgedRefunds > 0 {
            webhookNotes.append("\(unjudgedRefunds) refund events could not be matched: the charges were not listed.")
        }
        if pending > 0 {
            webhookNotes.append("\(pending) charges were still pending: they owe no final event yet and were skipped.")
        }
        if otherObjects > 0 {
            webhookNotes.append("\(otherObjects) events about objects other than charges and refunds were not judged.")
        }
        if repeatedFinals > 0 {
            webhookNotes.append(
                "\(repeatedFinals) final events arrived under a second event id for a charge that already had one.")
        }
        let failures = deliveries.signatureFailures.values.reduce(0, +)
        let report = WebhookReport(
            url: evidence.url, endpoints: evidence.endpoints, received: deliveries.accepted.count + deliveries.notKept,
            unique: firstReceipt.count, duplicates: duplicates, signatureFailures: failures,
            signatureFailureReasons: Dictionary(
                deliveries.signatureFailures.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +),
            malformed: deliveries.malformed, types: types, finalExpected: expected,
            finalReceived: expected - missing.count, missingFinal: missing.count, foreign: foreign,
            otherObjects: otherObjects, drainSeconds: evidence.drainWaited.seconds,
            drainLimitSeconds: evidence.drainLimit.seconds, lag: lag.overall.summary, stageLag: [],
            lagFromCreated: lagFromCreated.summary, seconds: tally.report(), notes: webhookNotes)
        return WebhookJudgement(report: report, lag: lag, complete: complete)
    }

    /// A finding per refused delivery: described for the first ones, counted for all.
    private static func refusalFindings(_ deliveries: WebhookDeliveries, findings: inout Findings) {
        var described = (signature: 0, malformed: 0)
        for refusal in deliveries.refusals {
            if refusal.signature != nil {
                described.signature += 1
                findings.add(.webhookSignature, payment: nil, refusal.detail)
            } else {
                described.malformed += 1
                findings.add(.webhookMalformed, payment: nil, refusal.detail)
            }
        }
        let failures = deliveries.signatureFailures.values.reduce(0, +)
        for _ in described.signature..<max(failures, described.signature) {
            findings.add(.webhookSignature, payment: nil, "a delivery's signature failed.")
        }
        for _ in described.malformed..<max(deliveries.malformed, described.malformed) {
            findings.add(.webhookMalformed, payment: nil, "an authentic delivery was not an event.")
        }
    }

    /// A finding per charge whose final event did not arrive, with the events about it that did.
    private func missingFindings(
        _ missing: [ServerCharge], deliveries: [WebhookDelivery], evidence: WebhookEvidence,
        findings: inout Findings
    ) {
        guard !missing.isEmpty else { return }
        let ids = Set(missing.map(\.id))
        var seen: [String: [String]] = [:]
        for delivery in deliveries {
            guard let charge = delivery.event.chargeID, ids.contains(charge),
                !(seen[charge]?.contains(delivery.event.type) ?? false)
            else { continue }
            seen[charge, default: []].append(delivery.event.type)
        }
        let waited = DurationText.trimmed(evidence.drainWaited.seconds)
        for charge in missing {
            let type = FinalEvent(chargeID: charge.id, status: charge.status)?.type ?? "final"
            let arrived =
                seen[charge.id].map { "only " + $0.joined(separator: ", ") + " arrived" } ?? "no event about it arrived"
            findings.add(
                .webhookMissing, payment: charge.paymentTag.flatMap { Int($0) },
                "\(charge.id) is \(charge.status.rawValue), but no \(type) event arrived within \(waited)s of "
                    + "waiting (\(arrived)).")
        }
    }
}

/// Deliveries and primary lags per second of the run, for the charts.
private struct SecondTally {
    let origin: ContinuousClock.Instant
    var seconds: [WebhookReport.Second] = []
    /// Primary lags in microseconds (negative ones as 0), per second of their final event's arrival.
    var lags: [[UInt64]] = []

    init(origin: ContinuousClock.Instant) {
        self.origin = origin
    }

    /// The second `instant` falls in, created (with those before it) if needed.
    mutating func second(at instant: ContinuousClock.Instant) -> Int {
        let index = min(max(Int((instant - self.origin).seconds), 0), RunStatistics.secondsTrackedMax - 1)
        while self.seconds.count <= index {
            self.seconds.append(
                WebhookReport.Second(
                    t: self.seconds.count, received: 0, duplicates: 0, lagSamples: 0, lagP50: 0, lagP99: 0, lagMax: 0))
            self.lags.append([])
        }
        return index
    }

    /// Counts a delivery; returns its second.
    mutating func received(at instant: ContinuousClock.Instant) -> Int {
        let index = self.second(at: instant)
        self.seconds[index].received += 1
        return index
    }

    /// Notes one charge's lag in the second its final event arrived.
    mutating func lag(_ lag: Duration, at instant: ContinuousClock.Instant) {
        let index = self.second(at: instant)
        self.lags[index].append(lag.microsecondsClamped)
    }

    /// The seconds with their lag percentiles (nearest rank over the exact samples).
    func report() -> [WebhookReport.Second] {
        zip(self.seconds, self.lags).map { second, lags in
            var second = second
            let sorted = lags.sorted()
            second.lagSamples = sorted.count
            if !sorted.isEmpty {
                let rank = { (percentile: Double) in
                    Double(sorted[max(Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1, 0)]) / 1000
                }
                second.lagP50 = rank(50)
                second.lagP99 = rank(99)
                second.lagMax = Double(sorted[sorted.count - 1]) / 1000
            }
            return second
        }
    }
}
