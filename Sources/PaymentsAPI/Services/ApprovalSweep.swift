import Logging
import Metrics
import Payments
import PaymentsStore
import ServiceLifecycle

/// Finds payments the processor approved that have no charge in Paisa: the one state that must never last, since it
/// means money moved that no merchant will ever see. It compares the processor's own record with the charges, an
/// independent check of everything between the processor call and phase 3.
///
/// An approval younger than `grace` (by the processor's clock) is not judged: its request may still be recording it.
/// An older one without a charge is kept in the database as *recovering* (its key is unfinished, and a retry or the
/// completer may still record it); one still without a charge `strandedAfter` after it was made is *stranded*:
/// logged once as an error and counted, and shown until a charge is recorded or the payment is voided. Each pass
/// reads only the approvals made since the last pass (the watermark is kept in the database, so a restart forgets
/// nothing), plus the ones it holds; one instance sweeps at a time, under a lease.
public struct ApprovalSweep: Service {
    /// How the sweep runs.
    public struct Settings: Sendable {
        public var interval: Duration
        /// Approvals younger than this are not judged yet: at least a key's lease and a completer pass.
        public var grace: Duration
        /// An approval without a charge this long after it was made is stranded.
        public var strandedAfter: Duration
        /// How far back the very first pass looks.
        public var lookback: Duration
        /// A pass's whole budget.
        public var passBudget: Duration = Self.passBudgetDefault
        /// What a pass keeps of its budget for recording what it found: reading and rechecking stop when less than
        /// this is left, so a slow database or processor shortens a pass instead of failing it (a failed pass
        /// records nothing and holds the sweep until its lease runs out: a backlog that outgrew one pass would never
        /// be worked off).
        public var recordingReserve: Duration = Self.recordingReserveDefault

        public static let intervalDefault = Duration.seconds(10)
        /// Past the completer's ten attempts, each a lease and a pass apart.
        public static let strandedAfterDefault = Duration.seconds(300)
        public static let lookbackDefault = Duration.seconds(24 * 3600)
        public static let passBudgetDefault = Duration.seconds(10)
        public static let recordingReserveDefault = Duration.seconds(4)

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

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        /// False when another instance held the sweep's lease.
        public var swept = false
        /// New approvals read from the processor.
        public var read = 0
        /// Approvals without a charge held after the pass, and those that became stranded in it.
        public var unrecorded: [UnrecordedApproval] = []
        public var newlyStranded: [UnrecordedApproval] = []
    }

    /// Approvals read per statement, and statements per pass: a backlog is worked off over several passes.
    static let batchSize = 500
    static let batchesPerPass = 20

    /// Held approvals rechecked per pass.
    static let heldMax = 10_000
    /// The sweep's lease: longer than a pass's budget, so that a pass is never taken over while it runs; a pass cut
    /// short by a crash is taken over once it runs out.
    static let lease: Duration = .seconds(60)

    let processor: any PaymentProcessor
    let store: any PaymentsStore
    let settings: Settings
    let logger: Logger

    static let recoveringGauge = Gauge(
        label: "paisa_processor_approvals_unrecorded", dimensions: [("state", "recovering")])
    static let strandedGauge = Gauge(label: "paisa_processor_approvals_unrecorded", dimensions: [("state", "stranded")])
    static let strandedTotal = Counter(label: "paisa_processor_approvals_stranded_total")

    public init(processor: any PaymentProcessor, store: any PaymentsStore, settings: Settings, logger: Logger) {
        precondition(
            settings.recordingReserve < settings.passBudget && settings.passBudget < Self.lease,
            "an approval sweep pass needs time to work before its reserve, and must end within its lease")
        self.processor = processor
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.sweep()
                try? await Task.sleep(for: self.settings.interval)
            }
        }
    }

    /// One pass, if no other instance is sweeping: read the new approvals, recheck the held ones, keep those without
    /// a charge, report those that became stranded.
    @discardableResult
    public func sweep() async -> Pass {
        var pass = Pass()
        do {
            let deadline = Deadline.after(self.settings.passBudget)
            let workUntil = deadline.earlier(by: self.settings.recordingReserve)
            defer { Task { await self.recordGauges() } }
            guard
                case .started(let watermark) = try await self.store.beginApprovalSweep(
                    lease: Self.lease, deadline: deadline)
            else { return pass }
            pass.swept = true
            let held = try await self.store.unrecordedApprovals(limit: Self.heldMax, deadline: deadline).map(\.approval)
            var fresh: [ProcessorApproval] = []
            var cursor = watermark
            for _ in 0..<Self.batchesPerPass {
                let batch = try await self.processor.approvals(
                    after: cursor, lookback: self.settings.lookback, olderThan: self.settings.grace,
                    limit: Self.batchSize)
                fresh += batch
                cursor = batch.last?.cursor ?? cursor
                if batch.count < Self.batchSize || workUntil.hasPassed { break }
            }
            pass.read = fresh.count
            let recorded = try await self.recorded(held + fresh, deadline: deadline)
            // A held approval is resolved once it has a charge (all of them, known from the query above), or once
            // the processor says it was voided: asked in a new order each pass, as far as the budget goes, so that a
            // slow processor or a few old stranded approvals cannot keep the others from ever being asked.
            var resolved = held.map(\.processorKey).filter(recorded.contains)
            for approval in held.shuffled()
            where !workUntil.hasPassed && !recorded.contains(approval.processorKey) {
                if await self.isVoided(approval, before: workUntil) == true {
                    resolved.append(approval.processorKey)
                }
            }
            let found = fresh.filter { !recorded.contains($0.processorKey) }
            pass.newlyStranded = try await self.store.finishApprovalSweep(
                found: found, resolved: resolved, watermark: cursor, strandedAfter: self.settings.strandedAfter,
                deadline: deadline)
            // Reported before anything else can fail: the approvals just marked stranded are not marked again.
            self.report(pass, resolved: resolved)
            pass.unrecorded = try await self.store.unrecordedApprovals(limit: Self.heldMax, deadline: deadline)
        } catch {
            self.logger.warning("approval sweep pass failed", metadata: ["error": "\(StoreFailure.describe(error))"])
        }
        return pass
    }

    /// Which of the approvals have a charge, asked in batches; approvals whose record names no merchant have none.
    private func recorded(_ approvals: [ProcessorApproval], deadline: Deadline) async throws -> Set<String> {
        var found: Set<String> = []
        let keys = approvals.compactMap { approval in
            approval.scope.map { (scope: $0, processorKey: approval.processorKey) }
        }
        var index = 0
        while index < keys.count {
            let batch = Array(keys[index..<min(index + Self.batchSize, keys.count)])
            found.formUnion(try await self.store.recordedProcessorKeys(batch, deadline: deadline))
            index += Self.batchSize
        }
        return found
    }

    /// Whether the processor says `approval` was voided; nil when it did not say before `deadline` or failed to
    /// answer (asked again by a later pass).
    private func isVoided(_ approval: ProcessorApproval, before deadline: Deadline) async -> Bool? {
        let processor = self.processor
        let key = approval.processorKey
        do {
            guard let status = try await deadline.race({ try await processor.status(processorKey: key) }) else {
                return nil
            }
            if case .declined? = status { return true }
            return false
        } catch {
            self.logger.warning(
                "approval sweep could not ask the processor about an approval",
                metadata: ["processor_key": "\(key)", "error": "\(StoreFailure.describe(error))"])
            return nil
        }
    }

    /// Every instance shows the shared figures, whichever one swept: alert on their maximum, not their sum.
    private func recordGauges() async {
        guard let counts = try? await self.store.unrecordedApprovalCounts(deadline: .after(.milliseconds(2000))) else {
            return
        }
        Self.recoveringGauge.record(counts.recovering)
        Self.strandedGauge.record(counts.stranded)
    }

    private func report(_ pass: Pass, resolved: [String]) {
        for key in resolved {
            self.logger.info("an approval without a charge was resolved", metadata: ["processor_key": "\(key)"])
        }
        for unrecorded in pass.newlyStranded {
            let approval = unrecorded.approval
            Self.strandedTotal.increment()
            self.logger.error(
                "the processor approved a payment that has no charge",
                metadata: [
                    "processor_key": "\(approval.processorKey)", "account": "\(approval.scope?.accountID ?? "unknown")",
                    "amount": "\(approval.amount)", "currency": "\(approval.currency)",
                    "approved": "\(approval.created.seconds)",
                ])
        }
    }
}
