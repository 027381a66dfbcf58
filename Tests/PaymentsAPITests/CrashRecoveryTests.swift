import Foundation
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

@Suite("A crash at each fault point, then a retry or the completer")
struct CrashRecoveryTests {
    static let points: [FaultInjector.Point] = [.afterClaim, .afterProcessorCall, .beforeFinishCommit]

    /// Retries a request until the key's lease has run out (bounded), returning the first answer that is not a 409.
    static func retryPastLease(_ send: () async throws -> Reply) async throws -> Reply {
        for _ in 0..<40 {
            let reply = try await send()
            if reply.status != 409 { return reply }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the key stayed in use")
        return try await send()
    }

    @Test("a crash then a client retry makes one charge, authorized once under one processor key", arguments: points)
    func crashThenRetry(point: FaultInjector.Point) async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with(configuration: { $0.idempotencyLease = Paisa.shortLease }) { paisa in
            paisa.server.faults.arm(point, .init(action: .crash, remaining: 1))
            let crashed = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(crashed.status == 500)
            #expect(paisa.server.faults.firedCount(point) == 1)
            #expect(try await Ledger.chargeCount(account: account.id) == 0)

            let retried = try await Self.retryPastLease {
                try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            }
            #expect(retried.status == 200)
            let chargeID = try #require(retried.chargeID)
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
            // One logical payment, authorized once: a second authorization would be a second processor record.
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(
                try await Ledger.chargeUsesKeysProcessorKey(account: account.id, key: idempotencyKey, charge: chargeID))

            let again = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(again.chargeID == chargeID)
            #expect(again.header("Idempotent-Replayed") == "true")
        }
    }

    @Test("a crash then the completer alone makes one charge; the client's later retry replays it", arguments: points)
    func crashThenCompleter(point: FaultInjector.Point) async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with(configuration: { $0.idempotencyLease = Paisa.shortLease }) { paisa in
            paisa.server.faults.arm(point, .init(action: .crash, remaining: 1))
            #expect(try await paisa.charge(key: key, idempotencyKey: idempotencyKey).status == 500)

            // The completer takes over once the lease has run out.
            var finished = false
            for _ in 0..<40 where !finished {
                try await Task.sleep(for: .milliseconds(100))
                try await paisa.completeAbandoned(account: account.id)
                finished = try await Ledger.chargeCount(account: account.id) == 1
            }
            #expect(finished)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)

            let retry = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(retry.status == 200)
            #expect(retry.header("Idempotent-Replayed") == "true")
            let chargeID = try #require(retry.chargeID)
            #expect(
                try await Ledger.chargeUsesKeysProcessorKey(account: account.id, key: idempotencyKey, charge: chargeID))
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
        }
    }
}

/// Crashes during the writes that follow a charge: capture, refund and update, at each of their fault points, with
/// the completer finishing what the client abandons.
@Suite("A crash during a capture, a refund or an update, then the completer")
struct MutationCrashRecoveryTests {
    /// A write on an existing charge, and what its success leaves in the database.
    enum Mutation: String, CaseIterable, Sendable {
        case capture, refund, update
    }

    /// Fault points a mutation passes (it calls no processor, so it has no `after_processor_call`).
    static let cases: [(Mutation, FaultInjector.Point)] = Mutation.allCases.flatMap { mutation in
        [FaultInjector.Point.beforeFinishCommit, .afterFinishCommit].map { (mutation, $0) }
    }

    @Test("the mutation happens exactly once, finished by the completer", arguments: cases)
    func crashThenCompleter(mutation: Mutation, point: FaultInjector.Point) async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.idempotencyLease = Paisa.shortLease }) { paisa in
            let capture = mutation != .capture
            let charge = try #require(
                try await paisa.charge(
                    key: key, amount: 5000, currency: "usd", extra: [("capture", capture ? "true" : "false")]
                ).chargeID)
            let (path, form): (String, [(String, String)]) =
                switch mutation {
                case .capture: ("/v1/charges/\(charge)/capture", [("amount", "4000")])
                case .refund: ("/v1/refunds", [("charge", charge), ("amount", "1500")])
                case .update: ("/v1/charges/\(charge)", [("metadata[step]", "one")])
                }
            let action: FaultInjector.Action = point == .afterFinishCommit ? .fail : .crash
            paisa.server.faults.arm(point, .init(action: action, remaining: 1))
            let idempotencyKey = freshKey()
            let failed = try await paisa.send(.post, path, key: key, form: form, idempotencyKey: idempotencyKey)
            #expect(failed.status >= 500)
            #expect(paisa.server.faults.firedCount(point) == 1)

            var finished = try await Ledger.unfinishedKeys(account: account.id) == 0
            for _ in 0..<40 where !finished {
                try await Task.sleep(for: .milliseconds(100))
                try await paisa.completeAbandoned(account: account.id)
                finished = try await Ledger.unfinishedKeys(account: account.id) == 0
            }
            #expect(finished)
            let after = try await paisa.send(.get, "/v1/charges/\(charge)", key: key)
            switch mutation {
            case .capture:
                #expect(after.json["amount_captured"] as? Int == 4000)
                #expect(try await Ledger.postingCount(account: account.id) == 1)
            case .refund:
                #expect(after.json["amount_refunded"] as? Int == 1500)
                #expect(try await Ledger.postingCount(account: account.id) == 2)
            case .update:
                #expect((after.json["metadata"] as? [String: Any])?["step"] as? String == "one")
            }
            let retry = try await paisa.send(.post, path, key: key, form: form, idempotencyKey: idempotencyKey)
            #expect(retry.status == 200)
            #expect(retry.header("Idempotent-Replayed") == "true")
        }
    }
}

@Suite("Transactional retries and the time budget")
struct BudgetTests {
    /// For tests whose point is not the clock: a budget a loaded machine cannot miss, and a lease past it.
    static func generousBudget(_ configuration: inout ServerConfiguration) {
        configuration.api.requestBudget = .seconds(10)
        configuration.idempotencyLease = .seconds(20)
    }

    @Test("injected serialization failures and deadlocks are retried and the request still succeeds")
    func serializationFailuresAreRetried() async throws {
        let (account, key) = try await TestDatabase.account()
        // A generous budget: the point is the retries, not the clock, and the suite shares two cores.
        try await Paisa.with(configuration: Self.generousBudget) { paisa in
            paisa.server.faults.arm(.serializationFailure, .init(action: .fail, remaining: 3))
            paisa.server.faults.arm(.deadlock, .init(action: .fail, remaining: 2))
            let reply = try await paisa.charge(key: key, idempotencyKey: freshKey())
            #expect(reply.status == 200)
            #expect(paisa.server.faults.firedCount(.serializationFailure) == 3)
            #expect(paisa.server.faults.firedCount(.deadlock) == 2)
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
        }
    }

    @Test("slow@upi past the budget is answered pending, then the reconciler settles it")
    func slowProcessorLeavesChargePending() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { configuration in
            // A budget with room for the claim on a machine the whole suite loads (requests there see seconds of
            // queueing), and a processor slower than it.
            configuration.api.requestBudget = .seconds(8)
            configuration.idempotencyLease = .seconds(20)
            configuration.sandbox.slow = .milliseconds(10_000)
        }) { paisa in
            let idempotencyKey = freshKey()
            let charge = {
                try await paisa.charge(key: key, currency: "inr", source: "slow@upi", idempotencyKey: idempotencyKey)
            }
            var reply = try await charge()
            // Under the whole suite's load, recording the charge can outlast the budget's reserve for it: the answer
            // is then 503 with the key unfinished, and the client retries with the same key, as the error says.
            for _ in 0..<3 where reply.status == 503 && reply.error["code"] as? String == "deadline_exceeded" {
                reply = try await charge()
            }
            #expect(reply.status == 200)
            #expect(reply.string("status") == "pending")
            #expect(reply.json["balance_transaction"] is NSNull)
            #expect(try await Ledger.postingCount(account: account.id) == 0)
            let chargeID = try #require(reply.chargeID)

            var status = "pending"
            for _ in 0..<120 where status == "pending" {
                try await Task.sleep(for: .milliseconds(100))
                await paisa.server.reconciler.settlePending()
                status = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key).string("status") ?? "?"
            }
            #expect(status == "succeeded")
            #expect(try await Ledger.postingCount(account: account.id) == 1)
        }
    }

    @Test("a processor there is no time to ask is not asked: 503 with the key unfinished, never a pending charge")
    func processorNeverAskedIsNotPending() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        // A budget shorter than phase 3's reserve: no time is ever left for the processor.
        try await Paisa.with(configuration: { $0.api.requestBudget = Limits.finishReserve }) {
            paisa in
            let reply = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(reply.status == 503)
            #expect(reply.error["code"] as? String == "deadline_exceeded")
            #expect(reply.header("Retry-After") != nil)
            #expect(try await Ledger.processorRecords(account: account.id) == 0)
            #expect(try await Ledger.chargeCount(account: account.id) == 0)
            // Nothing is stored for the key: it is unfinished (or, if the budget ran out before the claim, absent).
            let finished = try await TestDatabase.integers(
                "SELECT count(*) FROM idempotency_keys WHERE account_id = \(account.id) AND recovery_point = 'finished'"
            )
            #expect(finished == [0])
        }
        // With time to ask, the retry makes the charge: the first attempt left nothing behind to resume but its key.
        try await Paisa.with(configuration: { $0.idempotencyLease = Paisa.shortLease }) { paisa in
            let retried = try await CrashRecoveryTests.retryPastLease {
                try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            }
            #expect(retried.status == 200)
            #expect(retried.string("status") == "succeeded")
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(try await Ledger.unfinishedKeys(account: account.id) == 0)
        }
    }

    @Test("pending@upi answers pending at once and settles to succeeded with its posting")
    func pendingUPISettles() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { configuration in
            configuration.sandbox.pendingSettle = .milliseconds(300)
        }) { paisa in
            let reply = try await paisa.charge(key: key, currency: "inr", source: "pending@upi")
            #expect(reply.string("status") == "pending")
            let chargeID = try #require(reply.chargeID)
            var settled = false
            for _ in 0..<60 where !settled {
                try await Task.sleep(for: .milliseconds(100))
                await paisa.server.reconciler.settlePending()
                settled =
                    try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key).string("status") == "succeeded"
            }
            #expect(settled)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
        }
    }

    @Test("failure@upi is a stored failed charge with a 402")
    func failedUPI() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let reply = try await paisa.charge(key: key, currency: "inr", source: "failure@upi")
            #expect(reply.status == 402)
            #expect(reply.error["code"] as? String == "payment_method_provider_decline")
            #expect(reply.chargeID != nil)
        }
    }

    @Test("every ledger posting in the database sums to zero per currency")
    func ledgerBalances() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            for source in ["tok_visa", "tok_amex", "tok_bypassPending"] {
                let reply = try await paisa.charge(key: key, amount: 12_345, currency: "usd", source: source)
                #expect(reply.status == 200)
            }
            let unbalanced = try await Ledger.unbalancedPostings()
            #expect(unbalanced.isEmpty)
        }
    }
}
