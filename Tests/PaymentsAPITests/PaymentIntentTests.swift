import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

/// Budgets here are generous (the suite shares two cores, and no test here is about the clock); crash tests keep a
/// short lease, so that a retry can take over the crashed request's key at once.
@Suite("PaymentIntents: a payment's states on top of charges")
struct PaymentIntentTests {
    static func crashable(_ configuration: inout ServerConfiguration) {
        BudgetTests.generousBudget(&configuration)
        configuration.idempotencyLease = Paisa.shortLease
    }

    static func create(
        _ paisa: Paisa, key: String, _ form: [(String, String)], idempotencyKey: String? = nil
    ) async throws -> Reply {
        try await paisa.send(.post, "/v1/payment_intents", key: key, form: form, idempotencyKey: idempotencyKey)
    }

    static func intent(_ reply: Reply) -> [String: Any] {
        reply.status == 200 ? reply.json : (reply.error["payment_intent"] as? [String: Any] ?? [:])
    }

    static func chargesOf(_ intent: String, account: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                "SELECT count(*) FROM charges WHERE account_id = \(account) AND payment_intent_id = \(intent)"
            ).first ?? -1)
    }

    @Test("create then confirm with a card: succeeded, one charge that names the intent, its posting, its events")
    func cardConfirmation() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let created = try await Self.create(paisa, key: key, [("amount", "2000"), ("currency", "inr")])
            #expect(created.string("status") == "requires_payment_method")
            #expect(created.string("client_secret")?.hasPrefix(created.id + "_secret_") == true)
            let confirmed = try await paisa.send(
                .post, "/v1/payment_intents/\(created.id)/confirm", key: key, form: [("payment_method", "pm_card_visa")]
            )
            #expect(confirmed.status == 200)
            #expect(confirmed.string("status") == "succeeded")
            #expect(confirmed.json["amount_received"] as? Int == 2000)
            #expect(confirmed.string("payment_method") == "pm_card_visa")
            let chargeID = try #require(confirmed.string("latest_charge"))
            let charge = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
            #expect(charge.string("payment_intent") == created.id)
            #expect(charge.json["captured"] as? Bool == true)
            #expect(try await Ledger.postingCount(account: account.id) == 1)
            // What the confirmation answered is what the database holds.
            let read = try await paisa.send(.get, "/v1/payment_intents/\(created.id)?expand[]=latest_charge", key: key)
            #expect(read.string("status") == "succeeded")
            #expect((read.json["latest_charge"] as? [String: Any])?["id"] as? String == chargeID)
            let events = try await EventTests.events(paisa, key: key, query: "&type=payment_intent.*")
            #expect(events.map { $0["type"] as? String } == ["payment_intent.created", "payment_intent.succeeded"])
        }
    }

    @Test("a decline asks for another payment method; a second confirmation with another card succeeds")
    func declineThenSuccess() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let declined = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_chargeDeclined"),
                    ("confirm", "true"),
                ])
            #expect(declined.status == 402)
            #expect(declined.error["code"] as? String == "card_declined")
            let intent = Self.intent(declined)
            let id = try #require(intent["id"] as? String)
            #expect(intent["status"] as? String == "requires_payment_method")
            #expect(intent["payment_method"] is NSNull)
            let error = try #require(intent["last_payment_error"] as? [String: Any])
            #expect(error["code"] as? String == "card_declined")
            #expect(error["charge"] as? String == declined.error["charge"] as? String)

            let retried = try await paisa.send(
                .post, "/v1/payment_intents/\(id)/confirm", key: key, form: [("payment_method", "pm_card_visa")])
            #expect(retried.status == 200)
            #expect(retried.string("status") == "succeeded")
            #expect(retried.json["last_payment_error"] is NSNull)
            #expect(try await Self.chargesOf(id, account: account.id) == 2)
            // A change of the older, declined charge moves nothing: the intent follows its latest charge only.
            let old = try #require(declined.error["charge"] as? String)
            let touched = try await paisa.send(.post, "/v1/charges/\(old)", key: key, form: [("metadata[a]", "b")])
            #expect(touched.status == 200)
            let after = try await paisa.send(.get, "/v1/payment_intents/\(id)", key: key)
            #expect(after.string("status") == "succeeded")
            #expect(after.string("latest_charge") == retried.string("latest_charge"))
            let again = try await paisa.send(
                .post, "/v1/payment_intents/\(id)/confirm", key: key, form: [("payment_method", "pm_card_visa")])
            #expect(again.error["code"] as? String == "payment_intent_unexpected_state")
            let types = try await EventTests.events(paisa, key: key, query: "&type=payment_intent.*").map {
                $0["type"] as? String ?? ""
            }
            #expect(types == ["payment_intent.created", "payment_intent.payment_failed", "payment_intent.succeeded"])

            // A decline that leaves the status as it was (no payment method before, none after) is still an event.
            let bare = try await Self.create(paisa, key: key, [("amount", "2000"), ("currency", "usd")])
            for method in ["pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds"] {
                let reply = try await paisa.send(
                    .post, "/v1/payment_intents/\(bare.id)/confirm", key: key, form: [("payment_method", method)])
                #expect(reply.status == 402)
            }
            let failures = try await EventTests.events(paisa, key: key, query: "&type=payment_intent.payment_failed")
            #expect(failures.filter { EventTests.object($0)["id"] as? String == bare.id }.count == 2)
        }
    }

    @Test("a create with confirm=true that the processor refuses makes no intent; confirm can expand latest_charge")
    func refusedCreateMakesNothing() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            for form in [
                [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_nope"), ("confirm", "true")],
                [
                    ("amount", "2000"), ("currency", "inr"), ("capture_method", "manual"), ("confirm", "true"),
                    ("payment_method_data[type]", "upi"), ("payment_method_data[upi][vpa]", "success@upi"),
                ],
                [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_nope")],
            ] {
                let refused = try await Self.create(paisa, key: key, form)
                #expect(refused.status == 400, "\(form)")
            }
            #expect(
                try await TestDatabase.integers("SELECT count(*) FROM payment_intents WHERE account_id = \(account.id)")
                    == [0])
            let expanded = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ("expand[]", "latest_charge"),
                ])
            let charge = try #require(expanded.json["latest_charge"] as? [String: Any])
            #expect(charge["payment_intent"] as? String == expanded.id)
        }
    }

    @Test("manual capture: requires_capture, then a partial capture succeeds and releases the rest")
    func manualCapture() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let held = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "5000"), ("currency", "usd"), ("capture_method", "manual"),
                    ("payment_method", "pm_card_mastercard"), ("confirm", "true"),
                ])
            #expect(held.string("status") == "requires_capture")
            #expect(held.json["amount_capturable"] as? Int == 5000)
            let tooMuch = try await paisa.send(
                .post, "/v1/payment_intents/\(held.id)/capture", key: key, form: [("amount_to_capture", "6000")])
            #expect(tooMuch.status == 400)
            #expect(tooMuch.error["param"] as? String == "amount_to_capture")
            let captured = try await paisa.send(
                .post, "/v1/payment_intents/\(held.id)/capture", key: key, form: [("amount_to_capture", "3000")])
            #expect(captured.status == 200)
            #expect(captured.string("status") == "succeeded")
            #expect(captured.json["amount_received"] as? Int == 3000)
            #expect(captured.json["amount_capturable"] as? Int == 0)
            let charge = try await paisa.send(.get, "/v1/charges/\(captured.string("latest_charge") ?? "")", key: key)
            #expect(charge.json["amount_refunded"] as? Int == 2000)
            let again = try await paisa.send(.post, "/v1/payment_intents/\(held.id)/capture", key: key)
            #expect(again.status == 400)
            #expect(again.error["code"] as? String == "payment_intent_unexpected_state")
            #expect((again.error["payment_intent"] as? [String: Any])?["status"] as? String == "succeeded")
        }
    }

    @Test("canceling an authorized intent releases its authorization: nothing posted, nothing left to capture")
    func cancelAuthorized() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let held = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "5000"), ("currency", "usd"), ("capture_method", "manual"),
                    ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ])
            #expect(held.string("status") == "requires_capture")
            let chargeID = try #require(held.string("latest_charge"))
            let canceled = try await paisa.send(
                .post, "/v1/payment_intents/\(held.id)/cancel?expand[]=latest_charge", key: key,
                form: [("cancellation_reason", "abandoned")], idempotencyKey: freshKey())
            #expect(canceled.status == 200, "\(canceled.text)")
            #expect(canceled.string("status") == "canceled")
            #expect(canceled.string("cancellation_reason") == "abandoned")
            #expect(canceled.json["amount_capturable"] as? Int == 0)
            #expect(canceled.json["amount_received"] as? Int == 0)
            let charge = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
            #expect(charge.json["captured"] as? Bool == false)
            #expect(charge.json["refunded"] as? Bool == true)
            #expect(charge.json["amount_refunded"] as? Int == 5000)
            #expect(try await Ledger.postingCount(account: account.id) == 0)
            // Released, it can be neither captured (through the intent or the charge) nor canceled again.
            for path in [
                "/v1/payment_intents/\(held.id)/capture", "/v1/payment_intents/\(held.id)/cancel",
                "/v1/charges/\(chargeID)/capture",
            ] {
                let refused = try await paisa.send(.post, path, key: key)
                #expect(refused.status == 400, "\(path): \(refused.text)")
            }
            let read = try await paisa.send(.get, "/v1/payment_intents/\(held.id)", key: key)
            #expect(read.string("status") == "canceled")
            #expect(read.json["amount_capturable"] as? Int == 0)
            let events = try await EventTests.events(paisa, key: key, query: "")
            let types = Set(events.compactMap { $0["type"] as? String })
            #expect(types.isSuperset(of: ["payment_intent.canceled", "charge.refunded"]), "\(types)")
        }
    }

    @Test("a capture (of the intent or of its charge) and a cancel of one authorized intent race: one wins whole")
    func captureRacesCancel() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            for round in 0..<6 {
                let held = try await Self.create(
                    paisa, key: key,
                    [
                        ("amount", "1500"), ("currency", "usd"), ("capture_method", "manual"),
                        ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ])
                let chargeID = held.string("latest_charge") ?? ""
                // The charge's own capture locks the intent first, as the intent's capture and cancel do.
                let capturePath =
                    round.isMultiple(of: 2)
                    ? "/v1/payment_intents/\(held.id)/capture" : "/v1/charges/\(chargeID)/capture"
                async let capture = paisa.send(.post, capturePath, key: key)
                async let cancel = paisa.send(.post, "/v1/payment_intents/\(held.id)/cancel", key: key)
                let (captured, canceled) = try await (capture, cancel)
                #expect([captured.status, canceled.status].sorted() == [200, 400])
                let read = try await paisa.send(.get, "/v1/charges/\(chargeID)", key: key)
                #expect(read.json["captured"] as? Bool == (captured.status == 200))
                #expect(read.json["refunded"] as? Bool == (canceled.status == 200))
                let intent = try await paisa.send(.get, "/v1/payment_intents/\(held.id)", key: key)
                #expect(intent.string("status") == (captured.status == 200 ? "succeeded" : "canceled"))
                #expect(intent.json["amount_capturable"] as? Int == 0)
            }
            let captures = try await paisa.send(.get, "/v1/payment_intents?limit=10", key: key)
            let succeeded = (captures.json["data"] as? [[String: Any]] ?? []).filter {
                $0["status"] as? String == "succeeded"
            }
            #expect(try await Ledger.postingCount(account: account.id) == succeeded.count)
        }
    }

    @Test("UPI answers processing, and the intent follows its charge when the charge settles")
    func upiProcessingThenSucceeded() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: {
            BudgetTests.generousBudget(&$0)
            $0.sandbox.pendingSettle = .milliseconds(100)
        }) { paisa in
            let processing = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "1500"), ("currency", "inr"), ("confirm", "true"), ("payment_method_data[type]", "upi"),
                    ("payment_method_data[upi][vpa]", "pending@upi"),
                ])
            #expect(processing.string("status") == "processing")
            #expect(processing.string("payment_method")?.hasPrefix("pm_") == true)
            let chargeID = try #require(processing.string("latest_charge"))
            #expect(try await paisa.settle(chargeID, account: account.id))
            let read = try await paisa.send(.get, "/v1/payment_intents/\(processing.id)", key: key)
            #expect(read.string("status") == "succeeded")
            #expect(read.json["amount_received"] as? Int == 1500)
            let types = try await EventTests.events(paisa, key: key, query: "&type=payment_intent.*").map {
                $0["type"] as? String ?? ""
            }
            #expect(types == ["payment_intent.created", "payment_intent.processing", "payment_intent.succeeded"])
        }
    }

    @Test("concurrent confirmations of one intent under different keys make exactly one charge")
    func concurrentConfirmations() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let created = try await Self.create(
                paisa, key: key, [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa")])
            let id = created.id
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await paisa.send(
                            .post, "/v1/payment_intents/\(id)/confirm", key: key, idempotencyKey: freshKey())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 200 }.count == 1)
            #expect(
                replies.filter { $0.status == 400 }.allSatisfy {
                    $0.error["code"] as? String == "payment_intent_unexpected_state"
                })
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 400 })
            #expect(try await Self.chargesOf(id, account: account.id) == 1)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
        }
    }

    @Test(
        "a confirmation that crashes, then its retry: one charge under the key's processor key",
        arguments: CrashRecoveryTests.points)
    func crashThenRetry(point: FaultInjector.Point) async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.crashable) { paisa in
            let idempotencyKey = freshKey()
            let form = [
                ("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
            ]
            paisa.server.faults.arm(point, .init(action: .crash, remaining: 1))
            let crashed = try await Self.create(paisa, key: key, form, idempotencyKey: idempotencyKey)
            #expect(crashed.status == 500)
            let retried = try await CrashRecoveryTests.retryPastLease {
                try await Self.create(paisa, key: key, form, idempotencyKey: idempotencyKey)
            }
            #expect(retried.status == 200, "\(retried.text)")
            #expect(retried.string("status") == "succeeded")
            let intents = try await TestDatabase.integers(
                "SELECT count(*) FROM payment_intents WHERE account_id = \(account.id)")
            #expect(intents == [1])
            #expect(try await Self.chargesOf(retried.id, account: account.id) == 1)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
            let replay = try await Self.create(paisa, key: key, form, idempotencyKey: idempotencyKey)
            #expect(replay.id == retried.id)
            #expect(replay.header("Idempotent-Replayed") == "true")
        }
    }

    @Test("a confirmation that crashes is finished by the completer alone; the intent is never left taken")
    func crashThenCompleter() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.crashable) { paisa in
            let created = try await Self.create(
                paisa, key: key, [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa")])
            paisa.server.faults.arm(.afterProcessorCall, .init(action: .crash, remaining: 1))
            let crashed = try await paisa.send(
                .post, "/v1/payment_intents/\(created.id)/confirm", key: key, idempotencyKey: freshKey())
            #expect(crashed.status == 500)
            // Taken by the crashed confirmation: another key is refused until it ends.
            let other = try await paisa.send(
                .post, "/v1/payment_intents/\(created.id)/confirm", key: key, idempotencyKey: freshKey())
            #expect(other.error["code"] as? String == "payment_intent_unexpected_state")
            var finished = false
            for _ in 0..<40 where !finished {
                try await Task.sleep(for: .milliseconds(100))
                try await paisa.completeAbandoned(account: account.id)
                finished = try await Self.chargesOf(created.id, account: account.id) == 1
            }
            #expect(finished)
            let read = try await paisa.send(.get, "/v1/payment_intents/\(created.id)", key: key)
            #expect(read.string("status") == "succeeded")
            let taken = try await TestDatabase.integers(
                "SELECT count(*) FROM payment_intents WHERE account_id = \(account.id) AND confirming_processor_key IS NOT NULL"
            )
            #expect(taken == [0])
        }
    }

    @Test("states refuse what Stripe refuses, with the intent in the error; another account's intent is 404")
    func refusals() async throws {
        let (_, key) = try await TestDatabase.account()
        let (_, stranger) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let bare = try await Self.create(paisa, key: key, [("amount", "2000"), ("currency", "usd")])
            let noMethod = try await paisa.send(.post, "/v1/payment_intents/\(bare.id)/confirm", key: key)
            #expect(noMethod.status == 400)
            #expect(noMethod.error["code"] as? String == "payment_intent_unexpected_state")
            #expect((noMethod.error["payment_intent"] as? [String: Any])?["id"] as? String == bare.id)
            let unknown = try await paisa.send(
                .post, "/v1/payment_intents/\(bare.id)/confirm", key: key, form: [("payment_method", "pm_card_nope")])
            #expect(unknown.error["param"] as? String == "payment_method")
            // A refused payment method leaves the intent as it was, whether given to confirm or to update.
            let unchanged = try await paisa.send(.get, "/v1/payment_intents/\(bare.id)", key: key)
            #expect(unchanged.string("status") == "requires_payment_method")
            #expect(unchanged.json["payment_method"] is NSNull)
            let badUpdate = try await paisa.send(
                .post, "/v1/payment_intents/\(bare.id)", key: key, form: [("payment_method", "pm_card_nope")])
            #expect(badUpdate.status == 400)
            #expect(badUpdate.error["param"] as? String == "payment_method")
            let notUPI = try await paisa.send(
                .post, "/v1/payment_intents/\(bare.id)/confirm", key: key,
                form: [("payment_method_data[type]", "upi"), ("payment_method_data[upi][vpa]", "success@upi")])
            #expect(notUPI.status == 400)
            #expect(notUPI.error["param"] as? String == "currency")

            let updated = try await paisa.send(
                .post, "/v1/payment_intents/\(bare.id)", key: key,
                form: [("amount", "2500"), ("payment_method", "pm_card_amex"), ("metadata[order]", "7")])
            #expect(updated.string("status") == "requires_confirmation")
            #expect(updated.json["amount"] as? Int == 2500)
            let canceled = try await paisa.send(
                .post, "/v1/payment_intents/\(bare.id)/cancel", key: key,
                form: [("cancellation_reason", "requested_by_customer")])
            #expect(canceled.string("status") == "canceled")
            #expect(canceled.string("cancellation_reason") == "requested_by_customer")
            #expect(canceled.json["canceled_at"] is Int)
            for (path, form) in [
                ("/v1/payment_intents/\(bare.id)/confirm", [("payment_method", "pm_card_visa")]),
                ("/v1/payment_intents/\(bare.id)/capture", []),
                ("/v1/payment_intents/\(bare.id)/cancel", []),
                ("/v1/payment_intents/\(bare.id)", [("amount", "100")]),
            ] {
                let refused = try await paisa.send(.post, path, key: key, form: form)
                #expect(refused.status == 400, "\(path)")
                #expect(refused.error["code"] as? String == "payment_intent_unexpected_state", "\(path)")
            }
            for (method, path) in [
                (HTTPRequest.Method.get, "/v1/payment_intents/\(bare.id)"),
                (.post, "/v1/payment_intents/\(bare.id)"), (.post, "/v1/payment_intents/\(bare.id)/confirm"),
                (.post, "/v1/payment_intents/\(bare.id)/capture"), (.post, "/v1/payment_intents/\(bare.id)/cancel"),
                (.get, "/v1/payment_intents?starting_after=\(bare.id)"),
            ] {
                let crossed = try await paisa.send(method, path, key: stranger)
                #expect(crossed.status == 404, "\(method) \(path)")
                #expect(crossed.error["payment_intent"] == nil)
            }
        }
    }

    @Test("intents name their customer, and list by it")
    func customers() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let customer = try await CustomerTests.create(paisa, key: key, [("email", "pi@example.in")])
            let theirs = try await Self.create(
                paisa, key: key,
                [
                    ("amount", "2000"), ("currency", "usd"), ("customer", customer), ("payment_method", "pm_card_visa"),
                    ("confirm", "true"),
                ])
            _ = try await Self.create(paisa, key: key, [("amount", "2000"), ("currency", "usd")])
            let listed = try await paisa.send(
                .get, "/v1/payment_intents?customer=\(customer)&expand[]=data.customer", key: key)
            #expect(CustomerTests.ids(listed) == [theirs.id])
            let charge = try await paisa.send(.get, "/v1/charges/\(theirs.string("latest_charge") ?? "")", key: key)
            #expect(charge.string("customer") == customer)
            let missing = try await Self.create(
                paisa, key: key, [("amount", "2000"), ("currency", "usd"), ("customer", "cus_missing")])
            #expect(missing.status == 404)
            #expect(missing.error["param"] as? String == "customer")
        }
    }
}

extension PaymentIntentTests {
    @Test("the database refuses a charge for an intent that its confirmation does not hold")
    func chargesMustHoldTheirIntent() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: BudgetTests.generousBudget) { paisa in
            let created = try await Self.create(
                paisa, key: key, [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa")])
            let confirmed = try await paisa.send(.post, "/v1/payment_intents/\(created.id)/confirm", key: key)
            let charge = try #require(confirmed.string("latest_charge"))
            await #expect(throws: (any Error).self) {
                _ = try await TestDatabase.integers(
                    """
                    INSERT INTO charges
                    SELECT (populate).* FROM (
                        SELECT jsonb_populate_record(c, jsonb_build_object(
                            'id', 'ch_intruder', 'processor_key', 'pk_intruder')) AS populate
                        FROM charges c WHERE account_id = \(account.id) AND id = \(charge)) AS copy
                    RETURNING 1
                    """)
            }
            #expect(try await Self.chargesOf(created.id, account: account.id) == 1)
        }
    }
}
