import Foundation
import Testing

@testable import PaisaLoad

/// Payments through PaymentIntents: what is sent, how answers read, and what the audit finds.
@Suite("Traffic through PaymentIntents")
struct IntentTrafficTests {
    static let run = "r1"

    private static func fields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "?" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    private static func workload(_ api: PaymentAPI) throws -> Workload {
        try Workload(
            runID: Self.run, seed: 7, mix: try SourceMix.parse("card=1,decline=1,upi=1,pending=1"), accountCount: 1,
            hotShare: nil, retryShare: 0, duplicateShare: 0, amounts: 100...100_000, api: api)
    }

    @Test("--api and --confirm: charges by default, intents confirmed with their create or separately")
    func parsing() throws {
        #expect(try PaymentAPI.parse(api: "charges", confirm: "with-create") == .charges)
        #expect(
            try PaymentAPI.parse(api: "payment_intents", confirm: "with-create")
                == .paymentIntents(confirmSeparately: false))
        #expect(
            try PaymentAPI.parse(api: "payment_intents", confirm: "separately")
                == .paymentIntents(confirmSeparately: true))
        #expect(throws: LoadInputError.self) { try PaymentAPI.parse(api: "charges", confirm: "separately") }
        #expect(throws: LoadInputError.self) { try PaymentAPI.parse(api: "refunds", confirm: "with-create") }
    }

    @Test("an intent's body names its payment method as integrations do; the charge body is unchanged")
    func bodies() throws {
        let charges = try Self.workload(.charges)
        let inline = try Self.workload(.paymentIntents(confirmSeparately: false))
        let separate = try Self.workload(.paymentIntents(confirmSeparately: true))
        var seen: Set<SourceKind> = []
        for index in 0..<40 {
            let plan = inline.plan(for: index)
            seen.insert(plan.source)
            let charge = Self.fields(charges.formBody(for: plan))
            #expect(charge["source"] == plan.source.source)
            #expect(charge["payment_method"] == nil)
            let intent = Self.fields(inline.formBody(for: plan))
            #expect(intent["source"] == nil)
            #expect(intent["confirm"] == "true")
            #expect(intent["amount"] == String(plan.amount))
            #expect(intent["metadata[paisa_load_payment]"] == String(index))
            switch plan.source {
            case .card: #expect(intent["payment_method"] == "pm_card_visa")
            case .decline: #expect(intent["payment_method"] == "pm_card_chargeDeclined")
            default:
                #expect(intent["payment_method_data[type]"] == "upi")
                #expect(intent["payment_method_data[upi][vpa]"] == plan.source.source)
            }
            #expect(Self.fields(separate.formBody(for: plan))["confirm"] == nil)
        }
        #expect(seen.count == 4)
        #expect(separate.creationKey(for: 3) != separate.idempotencyKey(for: 3))
    }

    private func classify(_ status: Int, _ body: String, replayed: Bool = false) -> (AttemptOutcome, String?) {
        let result = AttemptOutcome.classifyIntent(
            status: status, headerValue: { $0 == "idempotent-replayed" && replayed ? "true" : nil },
            body: Data(body.utf8))
        return (result.outcome, result.intentID)
    }

    @Test("an intent's answer reads as its charge's: succeeded, processing as pending, a 402 decline, made")
    func answers() {
        let succeeded = self.classify(
            200, #"{"id":"pi_1","status":"succeeded","amount":100,"currency":"inr","latest_charge":"ch_1"}"#)
        #expect(succeeded.0 == .charged(chargeID: "ch_1", status: .succeeded, replayed: false))
        #expect(succeeded.1 == "pi_1")
        let expanded = self.classify(
            200, #"{"id":"pi_1","status":"processing","amount":100,"currency":"inr","latest_charge":{"id":"ch_2"}}"#,
            replayed: true)
        #expect(expanded.0 == .charged(chargeID: "ch_2", status: .pending, replayed: true))
        let made = self.classify(
            200, #"{"id":"pi_3","status":"requires_confirmation","amount":100,"currency":"inr","latest_charge":null}"#)
        #expect(made.0 == .made(replayed: false))
        #expect(made.0.isAnswer == false && made.0.isRetryable == false)
        #expect(made.1 == "pi_3")
        let declined = self.classify(
            402,
            #"{"error":{"type":"card_error","code":"card_declined","charge":"ch_4","payment_intent":{"id":"pi_4"}}}"#
        )
        #expect(declined.0 == .declined(chargeID: "ch_4", replayed: false))
        #expect(declined.1 == "pi_4")
        let refused = self.classify(
            400, #"{"error":{"type":"invalid_request_error","code":"payment_intent_unexpected_state"}}"#)
        #expect(
            refused.0 == .rejected(status: 400, type: "invalid_request_error", code: "payment_intent_unexpected_state"))
        #expect(
            self.classify(200, #"{"id":"pi_5","status":"canceled","amount":1,"currency":"inr"}"#).0
                == .malformed(status: 200))
    }

    private func record(
        _ index: Int, charge: String?, intent: String?, status: ChargeStatus = .succeeded
    ) -> PaymentRecord {
        var record = PaymentRecord(
            plan: PaymentPlan(index: index, accountIndex: 0, amount: 1000, source: .card, duplication: .none),
            answers: charge.map { [.charge(id: $0, status: status)] } ?? [],
            errorClass: charge == nil ? "timeout" : nil,
            attempts: 1)
        record.intentIDs = intent.map { [$0] } ?? []
        return record
    }

    private func charge(_ id: String, payment: Int, intent: String, status: ChargeStatus = .succeeded) -> ServerCharge {
        ServerCharge(
            id: id, accountIndex: 0, status: status, amount: 1000, currency: "inr", captured: true, runTag: Self.run,
            paymentTag: String(payment), net: status == .succeeded ? 971 : nil, paymentIntent: intent)
    }

    private func intent(_ id: String, payment: Int, status: String = "succeeded", latest: String?) -> ServerIntent {
        ServerIntent(
            id: id, accountIndex: 0, status: status, amount: 1000, currency: "inr", latestCharge: latest,
            runTag: Self.run, paymentTag: String(payment))
    }

    /// A succeeded payment, a declined one, and one whose confirmation never answered.
    private func clean() -> Audit {
        var declined = self.record(1, charge: nil, intent: "pi_b")
        declined.answers = [.declined(chargeID: "ch_b")]
        declined.errorClass = nil
        return Audit(
            runID: Self.run,
            records: [
                self.record(0, charge: "ch_a", intent: "pi_a"), declined, self.record(2, charge: nil, intent: "pi_c"),
            ],
            serverCharges: [
                self.charge("ch_a", payment: 0, intent: "pi_a"),
                self.charge("ch_b", payment: 1, intent: "pi_b", status: .failed),
            ],
            balances: [Audit.Balances(before: [:], after: ["inr": 971])],
            serverIntents: [
                self.intent("pi_a", payment: 0, latest: "ch_a"),
                self.intent("pi_b", payment: 1, status: "requires_payment_method", latest: "ch_b"),
                self.intent("pi_c", payment: 2, status: "requires_confirmation", latest: nil),
            ])
    }

    @Test("a clean run through intents passes, and says how many intents it listed")
    func cleanRun() {
        let report = self.clean().check()
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.notes.contains { $0.contains("PaymentIntents: 3 listed for the run, 1 succeeded") })
    }

    @Test("two intents for one payment, an answered intent not listed, an intent and a charge that disagree")
    func findings() {
        var doubled = self.clean()
        doubled.serverIntents!.append(self.intent("pi_a2", payment: 0, status: "requires_confirmation", latest: nil))
        #expect(doubled.check().counts["doubled"] == 1)

        var lost = self.clean()
        lost.serverIntents!.removeAll { $0.id == "pi_a" }
        #expect(lost.check().counts["lost"] == 2)

        var twoCharges = self.clean()
        twoCharges.serverCharges!.append(self.charge("ch_a2", payment: 0, intent: "pi_a"))
        let report = twoCharges.check()
        #expect(report.counts["mismatched"] == 1)
        #expect(report.problems.contains { $0.detail.contains("2 of its charges moved money") })

        var foreign = self.clean()
        foreign.serverCharges![0].paymentIntent = "pi_z"
        #expect(foreign.check().problems.contains { $0.kind == .mismatched && $0.detail.contains("pi_z") })

        var paidButAsking = self.clean()
        paidButAsking.serverIntents![0].status = "requires_payment_method"
        #expect(paidButAsking.check().counts["mismatched"] == 1)

        var unconfirmedButAnswered = self.clean()
        unconfirmedButAnswered.serverIntents![0].status = "requires_confirmation"
        #expect(unconfirmedButAnswered.check().counts["mismatched"] == 1)
    }
}

/// The server's rate limit as the generator meets it.
@Suite("Rate-limited attempts")
struct RateLimitedAttemptTests {
    @Test("429 is retried after its Retry-After and counted apart; a run it shaped says so and names the setting")
    func rateLimited() throws {
        let outcome = AttemptOutcome.classify(
            status: 429, headerValue: { $0 == "retry-after" ? "2" : nil },
            body: Data(#"{"error":{"type":"invalid_request_error","code":"rate_limit"}}"#.utf8))
        #expect(outcome == .rateLimited(retryAfter: .seconds(2)))
        #expect(outcome.isRetryable && !outcome.isAnswer)
        #expect(outcome.retryAfter == .seconds(2))
        #expect(outcome.errorClass == "http_429")

        var report = try ReportFixture.report()
        #expect(!SummaryTable.render(report).contains("rate limit"))
        report.attempts.classes["http_429"] = 12
        let text = SummaryTable.render(report)
        #expect(text.contains("Shaped by the server's rate limit: 12 attempts"))
        #expect(text.contains("PAISA_RATE_LIMIT_TEST"))
    }
}
