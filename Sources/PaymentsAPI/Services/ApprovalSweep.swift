import Logging
import Metrics
import Payments
import PaymentsStore
import ServiceLifecycle
import Synchronization

/// Finds payments the processor approved that have no charge in Paisa: the one state that must never last, since it
/// means money moved that no merchant will ever see. It compares the processor's own record with the charges, an
/// independent check of everything between the processor call and phase 3.
///
/// An approval younger than `grace` is not judged (its request may still be recording it). An older one without a
/// charge is *recovering*: its key is unfinished, and a retry or the completer will record it. One still without a
/// charge after `strandedAfter` is *stranded*: it is logged once as an error and counted, and stays in the gauge
/// until it is recorded. Each pass reads only the approvals made since the last pass (plus the suspects it holds),
/// so its cost follows the rate of payments, not their history.
public final class ApprovalSweep: Service, Sendable {
    /// How the sweep runs.
    public struct Settings: Sendable {
        public var interval: Duration
        /// Approvals younger than this are not judged yet: at least a key's lease.
        public var grace: Duration
        /// An approval without a charge this long after it was made is stranded.
        public var strandedAfter: Duration
        /// How far back the first pass after a start looks.
        public var lookback: Duration

        public static let intervalDefault = Duration.seconds(10)
        /// Past the completer's ten attempts, each a lease and a pass apart.
        public static let strandedAfterDefault = Duration.seconds(300)
        public static let lookbackDefault = Duration.seconds(3600)

        public init(
            interval: Duration = Self.intervalDefault, grace: Duration,
            strandedAfter: Duration = Self.strandedAfterDefault, lookback: Duration = Self.lookbackDefault
        ) {
            self.interval = interval
            self.grace = grace
            self.strandedAfter = strandedAfter
            self.lookback = lookback
        }
    }

    /// What one pass found.
    public struct Report: Sendable, Equatable {
        /// Approvals read this pass.
        public var checked = 0
        /// Approvals without a charge, not yet stranded.
        public var recovering = 0
        /// Approvals without a charge past `strandedAfter`.
        public var stranded = 0
        /// Approvals the sweep cannot judge: the processor's record names no merchant.
        public var unattributed = 0
        /// The approvals without a charge, oldest first.
        public var unrecorded: [ProcessorApproval] = []
    }

    /// Approvals read per statement, and statements per pass: a backlog is worked off over several passes.
    static let batchSize = 500
    static let batchesPerPass = 20
    /// Suspects held at most; past it the oldest are still reported, newer ones wait for a later pass.
    static let suspectsMax = 10_000

    private struct State {
        var watermark: ProcessorApproval.Cursor?
        var suspects: [String: (approval: ProcessorApproval, reported: Bool)] = [:]
        var last = Report()
    }

    let processor: any PaymentProcessor
    let store: any PaymentsStore
    let settings: Settings
    let logger: Logger
    private let state = Mutex(State())

    static let recoveringGauge = Gauge(
        label: "paisa_processor_approvals_unrecorded", dimensions: [("state", "recovering")])
    static let strandedGauge = Gauge(label: "paisa_processor_approvals_unrecorded", dimensions: [("state", "stranded")])
    static let strandedTotal = Counter(label: "paisa_processor_approvals_stranded_total")

    public init(processor: any PaymentProcessor, store: any PaymentsStore, settings: Settings, logger: Logger) {
        self.processor = processor
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.runOnce()
                try? await Task.sleep(for: self.settings.interval)
            }
        }
    }

    /// The last pass's findings, for `/readyz`.
    public var lastReport: Report { self.state.withLock { $0.last } }

    /// One pass: read the approvals made since the last one, recheck the suspects, report what is stranded.
    @discardableResult
    public func runOnce(now: Timestamp = .now()) async -> Report {
        let horizon = now.adding(microseconds: -Self.microseconds(self.settings.grace))
        let (start, held) = self.state.withLock { state in
            (state.watermark, Array(state.suspects.values.map(\.approval)))
        }
        let from = now.adding(microseconds: -Self.microseconds(self.settings.lookback))
        var report = Report()
        var cursor = start
        var fresh: [ProcessorApproval] = []
        do {
            for _ in 0..<Self.batchesPerPass {
                let batch = try await self.processor.approvals(
                    from: from, before: horizon, after: cursor, limit: Self.batchSize)
                report.checked += batch.count
                fresh += batch
                cursor = batch.last?.cursor ?? cursor
                if batch.count < Self.batchSize { break }
            }
            let candidates = held + fresh.filter { $0.scope != nil }
            report.unattributed = fresh.count { $0.scope == nil }
            let recorded = try await self.recorded(candidates)
            let unrecorded = candidates.filter { !recorded.contains($0.processorKey) }
            report = self.update(
                report, unrecorded: unrecorded, recordedNow: held.filter { recorded.contains($0.processorKey) },
                watermark: cursor, now: now)
        } catch {
            self.logger.warning("approval sweep pass failed", metadata: ["error": "\(StoreFailure.describe(error))"])
            return self.lastReport
        }
        return report
    }

    /// Which candidates have a charge, asked in batches.
    private func recorded(_ candidates: [ProcessorApproval]) async throws -> Set<String> {
        var found: Set<String> = []
        var index = 0
        while index < candidates.count {
            let slice = candidates[index..<min(index + Self.batchSize, candidates.count)]
            let keys = slice.compactMap { approval in
                approval.scope.map { (scope: $0, processorKey: approval.processorKey) }
            }
            found.formUnion(try await self.store.recordedProcessorKeys(keys, deadline: .after(milliseconds: 10_000)))
            index += Self.batchSize
        }
        return found
    }

    private func update(
        _ counts: Report, unrecorded: [ProcessorApproval], recordedNow: [ProcessorApproval],
        watermark: ProcessorApproval.Cursor?, now: Timestamp
    ) -> Report {
        let strandedBefore = now.adding(microseconds: -Self.microseconds(self.settings.strandedAfter))
        var newlyStranded: [ProcessorApproval] = []
        let report = self.state.withLock { state -> Report in
            state.watermark = watermark
            for approval in recordedNow { state.suspects[approval.processorKey] = nil }
            for approval in unrecorded where state.suspects[approval.processorKey] == nil {
                guard state.suspects.count < Self.suspectsMax else { break }
                state.suspects[approval.processorKey] = (approval, false)
            }
            for (key, suspect) in state.suspects where !suspect.reported && suspect.approval.created < strandedBefore {
                state.suspects[key]?.reported = true
                newlyStranded.append(suspect.approval)
            }
            var report = counts
            report.unrecorded = state.suspects.values.map(\.approval).sorted {
                ($0.created, $0.processorKey) < ($1.created, $1.processorKey)
            }
            report.stranded = state.suspects.values.count { $0.reported }
            report.recovering = state.suspects.count - report.stranded
            state.last = report
            return report
        }
        Self.recoveringGauge.record(report.recovering)
        Self.strandedGauge.record(report.stranded)
        for approval in recordedNow {
            self.logger.info(
                "an approval without a charge was recorded", metadata: ["processor_key": "\(approval.processorKey)"])
        }
        for approval in newlyStranded {
            Self.strandedTotal.increment()
            self.logger.error(
                "the processor approved a payment that has no charge",
                metadata: [
                    "processor_key": "\(approval.processorKey)", "account": "\(approval.scope?.accountID ?? "?")",
                    "amount": "\(approval.amount)", "currency": "\(approval.currency)",
                    "created": "\(approval.created.seconds)",
                ])
        }
        return report
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        duration.nanoseconds / 1000
    }
}
