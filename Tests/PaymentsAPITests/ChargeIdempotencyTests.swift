import PaisaTestSupport
import Payments
import Testing

@Suite("Charges under idempotency keys")
struct ChargeIdempotencyTests {
    @Test("50 concurrent requests with one key make exactly one charge; the rest replay it or get 409")
    func concurrentSameKey() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await paisa.charge(key: key, idempotencyKey: idempotencyKey) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let succeeded = replies.filter { $0.status == 200 }
            let conflicts = replies.filter { $0.status == 409 }
            #expect(succeeded.count + conflicts.count == 50)
            #expect(succeeded.count >= 1)
            #expect(Set(succeeded.compactMap(\.chargeID)).count == 1)
            #expect(succeeded.filter { $0.header("Idempotent-Replayed") == "false" }.count == 1)
            #expect(conflicts.allSatisfy { $0.error["code"] as? String == "idempotency_key_in_use" })
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
            // The key is usable once the first finishes: a retry now replays.
            let retry = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            #expect(retry.status == 200)
            #expect(retry.chargeID == succeeded.first?.chargeID)
        }
    }

    @Test("a replay is byte for byte the first answer, marked replayed, with the key echoed")
    func replayFidelity() async throws {
        let (_, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let first = try await paisa.charge(
                key: key, idempotencyKey: idempotencyKey, extra: [("metadata[order]", "42")])
            let second = try await paisa.charge(
                key: key, idempotencyKey: idempotencyKey, extra: [("metadata[order]", "42")])
            #expect(first.status == 200)
            #expect(second.body == first.body)
            #expect(first.header("Idempotent-Replayed") == "false")
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(second.header("Idempotency-Key") == idempotencyKey)
            #expect(second.header("Original-Request") == first.header("Request-Id"))
            #expect(second.header("Request-Id") != first.header("Request-Id"))
        }
    }

    @Test("the same key with another amount, path or version is an idempotency_error")
    func mismatches() async throws {
        let (_, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            #expect(try await paisa.charge(key: key, amount: 2000, idempotencyKey: idempotencyKey).status == 200)
            let otherAmount = try await paisa.charge(key: key, amount: 2001, idempotencyKey: idempotencyKey)
            let otherVersion = try await paisa.charge(
                key: key, amount: 2000, idempotencyKey: idempotencyKey,
                headers: [("Stripe-Version", "2024-09-30.acacia")])
            let otherPath = try await paisa.send(
                .post, "/v1/charges/ch_doesnotmatter/capture", key: key, idempotencyKey: idempotencyKey)
            for reply in [otherAmount, otherVersion, otherPath] {
                #expect(reply.status == 400)
                #expect(reply.error["type"] as? String == "idempotency_error")
            }
            #expect((otherVersion.error["message"] as? String)?.contains("version") == true)
            #expect((otherPath.error["message"] as? String)?.contains("/v1/charges") == true)
        }
    }

    @Test("the same parameters in another order or encoding replay")
    func sameParametersOtherEncoding() async throws {
        let (_, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let first = try await paisa.send(
                .post, "/v1/charges", key: key,
                form: [("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("metadata[a]", "1")],
                idempotencyKey: idempotencyKey)
            let reordered = try await paisa.send(
                .post, "/v1/charges", key: key,
                form: [("metadata%5Ba%5D", "1"), ("source", "tok_visa"), ("currency", "inr"), ("amount", "2000")],
                idempotencyKey: idempotencyKey)
            let asJSON = try await paisa.send(
                .post, "/v1/charges", key: key,
                json: #"{"source":"tok_visa","amount":2000,"metadata":{"a":"1"},"currency":"inr"}"#,
                idempotencyKey: idempotencyKey)
            #expect(first.status == 200)
            for reply in [reordered, asJSON] {
                #expect(reply.status == 200)
                #expect(reply.header("Idempotent-Replayed") == "true")
                #expect(reply.body == first.body)
            }
        }
    }

    @Test("two accounts using the same key get two independent charges")
    func keysAreScopedByAccount() async throws {
        let (first, firstKey) = try await TestDatabase.account()
        let (second, secondKey) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let a = try await paisa.charge(key: firstKey, amount: 1000, idempotencyKey: idempotencyKey)
            let b = try await paisa.charge(key: secondKey, amount: 3000, idempotencyKey: idempotencyKey)
            #expect(a.status == 200 && b.status == 200)
            #expect(a.chargeID != b.chargeID)
            #expect(b.header("Idempotent-Replayed") == "false")
            #expect(b.json["amount"] as? Int == 3000)
            #expect(try await Ledger.chargeCount(account: first.id) == 1)
            #expect(try await Ledger.chargeCount(account: second.id) == 1)
            // Neither sees the other's charge.
            let crossed = try await paisa.send(.get, "/v1/charges/\(a.chargeID!)", key: secondKey)
            #expect(crossed.status == 404)
        }
    }

    @Test("validation failures are not stored: the key stays usable")
    func validationNotStored() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let refused = try await paisa.charge(key: key, amount: 10, idempotencyKey: idempotencyKey)
            #expect(refused.status == 400)
            #expect(refused.error["code"] as? String == "amount_too_small")
            let accepted = try await paisa.charge(key: key, amount: 2000, idempotencyKey: idempotencyKey)
            #expect(accepted.status == 200)
            #expect(accepted.header("Idempotent-Replayed") == "false")
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
        }
    }

    @Test("a decline is a stored failed charge with a 402, replayed as is")
    func declinesAreStored() async throws {
        let (account, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let first = try await paisa.charge(
                key: key, source: "tok_chargeDeclinedInsufficientFunds", idempotencyKey: idempotencyKey)
            #expect(first.status == 402)
            #expect(first.error["type"] as? String == "card_error")
            #expect(first.error["decline_code"] as? String == "insufficient_funds")
            let chargeID = try #require(first.chargeID)
            let stored = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
            #expect(stored.string("status") == "failed")
            #expect(stored.string("failure_code") == "card_declined")
            let replay = try await paisa.charge(
                key: key, source: "tok_chargeDeclinedInsufficientFunds", idempotencyKey: idempotencyKey)
            #expect(replay.status == 402)
            #expect(replay.body == first.body)
            #expect(try await Ledger.postingCount(account: account.id) == 0)
        }
    }

    @Test("keyless POSTs still run under a generated key, echoed back for retries")
    func generatedKeys() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let first = try await paisa.charge(key: key)
            let generated = try #require(first.header("Idempotency-Key"))
            #expect(generated.hasPrefix("paisa_"))
            let retry = try await paisa.charge(key: key, idempotencyKey: generated)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(retry.chargeID == first.chargeID)
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
        }
    }

    @Test("validation: every refusal names its parameter with Stripe's code")
    func validationCodes() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let cases: [([(String, String)], String, String)] = [
                ([("currency", "inr"), ("source", "tok_visa")], "parameter_missing", "amount"),
                (
                    [("amount", "12.5"), ("currency", "inr"), ("source", "tok_visa")], "parameter_invalid_integer",
                    "amount"
                ),
                ([("amount", "100000000"), ("currency", "inr"), ("source", "tok_visa")], "amount_too_large", "amount"),
                ([("amount", "10"), ("currency", "inr"), ("source", "tok_visa")], "amount_too_small", "amount"),
                (
                    [("amount", "2000"), ("currency", "xyz"), ("source", "tok_visa")], "charge_invalid_parameter",
                    "currency"
                ),
                ([("amount", "2000"), ("currency", "inr")], "parameter_missing", "source"),
                ([("amount", "2000"), ("currency", "inr"), ("source", "tok_nope")], "resource_missing", "source"),
                (
                    [("amount", "2000"), ("currency", "usd"), ("source", "success@upi")], "charge_invalid_parameter",
                    "currency"
                ),
                (
                    [("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("capture", "yes")],
                    "parameter_invalid_boolean", "capture"
                ),
                (
                    [("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("colour", "red")],
                    "parameter_unknown", "colour"
                ),
                (
                    [("amount", "99999999999999999999"), ("currency", "inr"), ("source", "tok_visa")],
                    "parameter_invalid_integer", "amount"
                ),
            ]
            for (form, code, param) in cases {
                let reply = try await paisa.send(.post, "/v1/charges", key: key, form: form)
                #expect(reply.status == 400, "\(form)")
                #expect(reply.error["code"] as? String == code, "\(form)")
                #expect(reply.error["param"] as? String == param, "\(form)")
                #expect((reply.error["doc_url"] as? String)?.hasSuffix("#\(code)") == true)
            }
        }
    }
}
