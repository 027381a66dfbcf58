import Foundation
import PaisaTestSupport
import Payments
import Testing

/// Which request a retry is: a write sent without a key learns the key it ran under from every answer; a retry
/// spelled another way (trailing slash, escapes) is the same request; and a request whose commit's acknowledgement
/// was lost still answers as itself, not as a replay of itself.
@Suite("What a retry is: keyless writes, routed paths, lost acknowledgements")
struct RetryIdentityTests {
    @Test("a keyless charge that fails after the processor approved names its key; retrying with it charges once")
    func keylessRetryChargesOnce() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.idempotencyLease = Paisa.shortLease }) { paisa in
            paisa.server.faults.arm(.afterProcessorCall, .init(action: .crash, remaining: 1))
            let failed = try await paisa.charge(key: key)
            #expect(failed.status == 500)
            let generated = try #require(failed.header("Idempotency-Key"))
            #expect(generated.hasPrefix("paisa_"))

            let retried = try await CrashRecoveryTests.retryPastLease {
                try await paisa.charge(key: key, idempotencyKey: generated)
            }
            #expect(retried.status == 200)
            // The completer runs too, as it would in production: still one charge.
            try await paisa.completeAbandoned(account: account.id)
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
        }
    }

    @Test("every answer to a write names its key: refusals, timeouts, successes; reads name none")
    func everyWriteAnswerNamesItsKey() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let refused = try await paisa.send(.post, "/v1/charges", key: key, form: [("amount", "x")])
            #expect(refused.status == 400)
            #expect(refused.header("Idempotency-Key")?.hasPrefix("paisa_") == true)
            let unauthenticated = try await paisa.send(.post, "/v1/charges", key: nil, idempotencyKey: "mine")
            #expect(unauthenticated.status == 401)
            #expect(unauthenticated.header("Idempotency-Key") == "mine")
            let charged = try await paisa.charge(key: key)
            #expect(charged.header("Idempotency-Key")?.hasPrefix("paisa_") == true)
            let read = try await paisa.send(.get, "/v1/charges", key: key)
            #expect(read.header("Idempotency-Key") == nil)
        }
    }

    @Test("a retry with a trailing slash or a percent-escaped id is the same request, not a mismatch")
    func routedPathIsTheFingerprint() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let id = try #require(
                try await paisa.charge(key: key, amount: 5000, currency: "usd", extra: [("capture", "false")]).chargeID)
            let idempotencyKey = freshKey()
            let first = try await paisa.send(
                .post, "/v1/charges/\(id)/capture", key: key, idempotencyKey: idempotencyKey)
            #expect(first.status == 200)
            let escaped = "%" + String(format: "%02X", UInt8(ascii: "c")) + id.dropFirst()
            for spelling in ["/v1/charges/\(id)/capture/", "/v1/charges/\(escaped)/capture"] {
                let retry = try await paisa.send(.post, spelling, key: key, idempotencyKey: idempotencyKey)
                #expect(retry.status == 200, "\(spelling)")
                #expect(retry.header("Idempotent-Replayed") == "true", "\(spelling)")
                #expect(retry.body == first.body, "\(spelling)")
            }
        }
    }

    @Test("a charge whose commit's acknowledgement is lost answers as itself: 200, not replayed, one charge")
    func lostAcknowledgementIsStillFresh() async throws {
        let (account, key) = try await TestDatabase.account()
        // A generous budget: the point is the lost acknowledgement, not the clock, and the suite shares two cores.
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            paisa.server.faults.arm(.afterFinishCommit, .init(action: .fail, remaining: 1))
            let reply = try await paisa.charge(key: key, idempotencyKey: freshKey())
            #expect(paisa.server.faults.firedCount(.afterFinishCommit) == 1)
            #expect(reply.status == 200)
            #expect(reply.header("Idempotent-Replayed") == "false")
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
        }
    }

    @Test("a capture whose commit's acknowledgement is lost is a 503; the retry replays the one capture")
    func lostAcknowledgementOfACapture() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let id = try #require(
                try await paisa.charge(key: key, amount: 5000, currency: "usd", extra: [("capture", "false")]).chargeID)
            let idempotencyKey = freshKey()
            paisa.server.faults.arm(.afterFinishCommit, .init(action: .fail, remaining: 1))
            let lost = try await paisa.send(
                .post, "/v1/charges/\(id)/capture", key: key, idempotencyKey: idempotencyKey)
            #expect(lost.status == 503)
            #expect(lost.header("Stripe-Should-Retry") == "true")
            let retry = try await paisa.send(
                .post, "/v1/charges/\(id)/capture", key: key, idempotencyKey: idempotencyKey)
            #expect(retry.status == 200)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(retry.json["captured"] as? Bool == true)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
        }
    }
}
