import Foundation
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

/// What happens when the processor approved a payment and Paisa has no charge for it: phase 3 refused for good
/// (the payment is voided, the key finished), or a request that died after the processor call (the sweep sees the
/// approval as recovering, then stranded, until the completer records it). One test at a time: the sweep is one for
/// the whole database, and one test's pass holds it from the others.
@Suite("Approvals without a charge: voided, swept, recovered", .serialized)
struct UnrecordedApprovalTests {
    @Test("phase 3 refused for good after an approval: the payment is voided, the key finished, retries replay")
    func refusedRecordVoidsThePayment() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        // A lease long enough that no other test's completer takes the key over while this one runs, past a budget
        // that a loaded machine cannot miss (the point is the void, not the clock).
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            paisa.server.faults.arm(.recordRefused, .init(action: .fail, remaining: 1))
            let reply = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(reply.status == 500)
            #expect(reply.error["code"] as? String == "charge_voided")
            #expect(reply.header("Stripe-Should-Retry") == "false")
            #expect(paisa.server.faults.firedCount(.recordRefused) == 1)

            #expect(try await Ledger.chargeCount(account: account.id) == 0)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
            #expect(try await Ledger.unfinishedKeys(account: account.id) == 0)
            let voided = try await TestDatabase.integers(
                "SELECT count(*) FROM sandbox_processor_payments WHERE account_id = \(account.id) AND voided_at IS NOT NULL"
            )
            #expect(voided == [1])

            // The answer is final: a retry replays it and the processor is not asked again.
            let retry = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(retry.status == 500)
            #expect(retry.body == reply.body)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
        }
    }

    @Test("a refused write is logged once, naming its constraint and SQLSTATE, and never a value from the row")
    func refusalIsLoggedOnceWithoutValues() async throws {
        let (_, key) = try await TestDatabase.account()
        let log = LogCapture()
        try await Paisa.with(
            configuration: BudgetTests.generousBudget, logger: log.logger
        ) { paisa in
            paisa.server.faults.arm(.recordRefused, .init(action: .fail, remaining: 1))
            let reply = try await paisa.charge(
                key: key, idempotencyKey: freshKey(), extra: [("description", "a+customer's+note")])
            #expect(reply.error["code"] as? String == "charge_voided")
        }
        let lines = log.text.split(separator: "\n")
        let naming = lines.filter { $0.contains("charges_description_check") }
        #expect(naming.count == 1, "\(lines)")
        #expect(naming.first?.contains("SQLSTATE 23514 (integrity constraint violation)") == true)
        #expect(naming.first?.contains("charges.") == true || naming.first?.contains("on charges") == true)
        #expect(!log.text.contains(FaultInjector.refusedValueMarker))
        #expect(!log.text.contains("customer's note"))
    }

    @Test("a pass slowed past its budget stops rechecking, records what it found and lets the next pass run")
    func slowPassEndsWithinItsBudget() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with(configuration: { $0.idempotencyLease = .seconds(60) }) { paisa in
            func sweep(_ processor: any PaymentProcessor, budget: Duration) -> ApprovalSweep {
                var settings = ApprovalSweep.Settings(
                    grace: .zero, strandedAfter: .seconds(3600), lookback: .seconds(600))
                settings.passBudget = budget
                settings.recordingReserve = budget / 2
                return ApprovalSweep(
                    processor: processor, store: paisa.server.store, settings: settings, logger: TestDatabase.logger)
            }
            paisa.server.faults.arm(.afterProcessorCall, .init(action: .crash, remaining: 1))
            #expect(try await paisa.charge(key: key, idempotencyKey: idempotencyKey).status == 500)
            let processorKey = try #require(try await Ledger.processorKey(account: account.id, key: idempotencyKey))
            // Held by a pass at the usual pace (retried while a pass of an earlier run still holds the sweep).
            var held = false
            for _ in 0..<100 where !held {
                let pass = await sweep(paisa.server.processor, budget: .seconds(30)).sweep()
                held = pass.unrecorded.contains { $0.approval.processorKey == processorKey }
                if !held { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(held)

            // A processor that takes a minute to say anything: the recheck of the held approval cannot finish.
            let slow = SlowStatusProcessor(base: paisa.server.processor, delay: .seconds(60))
            var slowed: ApprovalSweep.Pass?
            for _ in 0..<100 where slowed?.swept != true {
                slowed = await sweep(slow, budget: .seconds(2)).sweep()
                if slowed?.swept != true { try await Task.sleep(for: .milliseconds(50)) }
            }
            // It ended as a pass (its findings recorded, the sweep let go), not as a failure holding the sweep.
            #expect(slowed?.unrecorded.contains { $0.approval.processorKey == processorKey } == true)
            let next = await sweep(paisa.server.processor, budget: .seconds(30)).sweep()
            #expect(next.swept)
        }
    }

    @Test("an approval whose request died is recovering, then stranded, until the completer records it")
    func sweepFollowsAnApprovalToItsCharge() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        // A lease long enough that no other test's completer records the charge before the sweeps have looked, on a
        // machine the whole suite loads.
        try await Paisa.with(configuration: { $0.idempotencyLease = .seconds(8) }) { paisa in
            func sweep(strandedAfter: Duration) -> ApprovalSweep {
                ApprovalSweep(
                    processor: paisa.server.processor, store: paisa.server.store,
                    settings: .init(
                        interval: .seconds(1), grace: .zero, strandedAfter: strandedAfter, lookback: .seconds(600)),
                    logger: TestDatabase.logger)
            }
            // The sweep reads every approval since its last pass, and the suite makes hundreds: a pass now, so that
            // the passes below read only this test's approval and look well inside the lease.
            _ = await sweep(strandedAfter: .seconds(3600)).sweep()

            paisa.server.faults.arm(.afterProcessorCall, .init(action: .crash, remaining: 1))
            #expect(try await paisa.charge(key: key, idempotencyKey: idempotencyKey).status == 500)
            let processorKey = try #require(try await Ledger.processorKey(account: account.id, key: idempotencyKey))
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 1)
            /// Passes until the sweep holds the approval (the first pass on a database may have a backlog to read).
            func sweepUntilHeld(_ sweep: ApprovalSweep) async -> ApprovalSweep.Pass? {
                for _ in 0..<20 {
                    let pass = await sweep.sweep()
                    if pass.unrecorded.contains(where: { $0.approval.processorKey == processorKey }) { return pass }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return nil
            }
            let recovering = try #require(await sweepUntilHeld(sweep(strandedAfter: .seconds(3600))))
            let held = try #require(recovering.unrecorded.first { $0.approval.processorKey == processorKey })
            #expect(held.strandedAt == nil)
            #expect(held.approval.scope?.accountID == account.id)
            #expect(held.approval.amount == 2000)

            let stranded = try #require(await sweepUntilHeld(sweep(strandedAfter: .zero)))
            #expect(stranded.unrecorded.first { $0.approval.processorKey == processorKey }?.strandedAt != nil)
            let readiness = try await paisa.send(.get, "/readyz", key: nil)
            let counts = readiness.json["unrecorded_approvals"] as? [String: Any]
            #expect((counts?["stranded"] as? Int ?? 0) >= 1)

            // The completer records the charge once the lease is over; the sweep then lets go of it.
            var recorded = false
            for _ in 0..<200 where !recorded {
                try await Task.sleep(for: .milliseconds(100))
                try await paisa.completeAbandoned(account: account.id)
                recorded = try await Ledger.chargeCount(account: account.id) == 1
            }
            #expect(recorded)
            var released = false
            for _ in 0..<20 where !released {
                let pass = await sweep(strandedAfter: .zero).sweep()
                released = pass.swept && !pass.unrecorded.contains { $0.approval.processorKey == processorKey }
            }
            #expect(released)
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
        }
    }
}

/// The sandbox processor, but `status` answers only after `delay`: a processor (or its network) that has slowed down.
private struct SlowStatusProcessor: PaymentProcessor {
    let base: any PaymentProcessor
    let delay: Duration

    func describe(
        source: PaymentSource, currency: Currency, capture: Bool
    ) throws(PaymentsError)
        -> PaymentMethodDetails
    {
        try self.base.describe(source: source, currency: currency, capture: capture)
    }

    func authorize(_ authorization: Authorization) async throws -> ProcessorDecision {
        try await self.base.authorize(authorization)
    }

    func status(processorKey: String) async throws -> ProcessorDecision? {
        try await Task.sleep(for: self.delay)
        return try await self.base.status(processorKey: processorKey)
    }

    func void(processorKey: String) async throws {
        try await self.base.void(processorKey: processorKey)
    }

    func refundOutcome(of refund: Refund, charge: Charge) async throws -> RefundOutcome? {
        try await self.base.refundOutcome(of: refund, charge: charge)
    }

    func approvals(
        after cursor: ProcessorApproval.Cursor?, lookback: Duration, olderThan grace: Duration, limit: Int
    ) async throws -> [ProcessorApproval] {
        try await self.base.approvals(after: cursor, lookback: lookback, olderThan: grace, limit: limit)
    }
}
