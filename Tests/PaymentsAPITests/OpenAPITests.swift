import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

@Suite("The OpenAPI document and the error reference")
struct OpenAPITests {
    @Test("every route is described in docs/openapi.json, and every documented /v1 operation is a route")
    func coverage() async throws {
        let document = try OpenAPIValidator.document.get()
        try await Paisa.with { paisa in
            let routes = Set(
                paisa.server.api.routes.routes.map { "\($0.method.rawValue) \(Self.template($0.pattern))" })
            // Public operations (`security: []`: /v1/openapi.json, health, metrics) are served outside the table.
            let documented = Set(
                document.operations.filter { $0.template.hasPrefix("/v1/") && !$0.isPublic }
                    .map { "\($0.method.uppercased()) \($0.template)" })
            #expect(routes.count >= 14, "the route table looks empty: \(routes.sorted())")
            let undocumented = routes.subtracting(documented).sorted()
            #expect(
                undocumented.isEmpty,
                "routes the document does not describe; add them to docs/openapi.json: \(undocumented)")
            let unrouted = documented.subtracting(routes).sorted()
            #expect(
                unrouted.isEmpty,
                "documented operations the server does not route; remove them or add the routes: \(unrouted)")
        }
    }

    @Test("the public endpoints the document describes answer as it says, without a key")
    func publicEndpoints() async throws {
        let document = try OpenAPIValidator.document.get()
        let unauthenticated = document.operations.filter(\.isPublic)
        #expect(
            Set(unauthenticated.map(\.template)) == [
                "/healthz", "/readyz", "/metrics", "/v1/openapi.json", "/docs/errors",
            ])
        try await Paisa.with { paisa in
            for operation in unauthenticated {
                let reply = try await paisa.send(.get, operation.template, key: nil)
                #expect(reply.status == 200, "GET \(operation.template)")
                #expect(Self.problems(.get, operation.template, reply) == [])
            }
            let served = try await paisa.send(.get, "/v1/openapi.json", key: nil)
            #expect(served.body == Array(try Data(contentsOf: URL(fileURLWithPath: OpenAPIValidator.documentPath))))
        }
    }

    @Test("successful responses of every endpoint, in the newest and the oldest version, match the document")
    func successesValidate() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let x = Exchange(paisa: paisa, key: key)
            try await x.expect(200, .get, "/v1/account")
            let charge = try await x.expect(
                200, .post, "/v1/charges",
                form: [
                    ("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("description", "Thali"),
                    ("metadata[order_id]", "6735"), ("receipt_email", "asha@example.in"),
                    ("statement_descriptor", "PAISA THALI"), ("expand[]", "balance_transaction"),
                    ("shipping[name]", "Asha"), ("shipping[address][line1]", "1%20MG%20Road"),
                    ("shipping[address][city]", "Bengaluru"), ("shipping[carrier]", "India%20Post"),
                    ("statement_descriptor_suffix", "TABLE%207"), ("transfer_group", "order_6735"),
                ])
            let chargeID = charge.id
            #expect((charge.json["shipping"] as? [String: Any])?["name"] as? String == "Asha")
            #expect(charge.string("statement_descriptor_suffix") == "TABLE 7")
            #expect(charge.string("transfer_group") == "order_6735")
            let idempotencyKey = freshKey()
            for _ in 0..<2 {
                try await x.expect(
                    200, .post, "/v1/charges", form: [("amount", "900"), ("currency", "usd"), ("source", "tok_amex")],
                    idempotencyKey: idempotencyKey)
            }
            let held = try await x.expect(
                200, .post, "/v1/charges",
                json: #"{"amount": 5000, "currency": "usd", "source": "tok_mastercard", "capture": false}"#)
            try await x.expect(200, .post, "/v1/charges/\(held.id)/capture", form: [("amount", "3000")])
            try await x.expect(
                200, .post, "/v1/charges/\(chargeID)",
                form: [("description", ""), ("metadata[table]", "7"), ("receipt_email", "")])
            try await x.expect(
                200, .post, "/v1/charges", form: [("amount", "1500"), ("currency", "inr"), ("source", "success@upi")])
            let pending = try await x.expect(
                200, .post, "/v1/charges", form: [("amount", "1500"), ("currency", "inr"), ("source", "pending@upi")])
            #expect(pending.string("status") == "pending")
            let declined = try await x.expect(
                402, .post, "/v1/charges",
                form: [("amount", "2000"), ("currency", "usd"), ("source", "tok_chargeDeclined")])
            try await x.expect(
                402, .post, "/v1/charges", form: [("amount", "1500"), ("currency", "inr"), ("source", "failure@upi")])
            try await x.expect(
                402, .post, "/v1/charges", form: [("amount", "1500"), ("currency", "inr"), ("source", "failure@upi")],
                version: "2022-08-01")
            try await x.expect(200, .get, "/v1/charges/\(declined.chargeID ?? "")")

            let refund = try await x.expect(
                200, .post, "/v1/refunds",
                form: [
                    ("charge", chargeID), ("amount", "500"), ("reason", "requested_by_customer"),
                    ("metadata[ticket]", "77"),
                    ("expand[]", "balance_transaction"),
                ])
            try await x.expect(200, .post, "/v1/refunds/\(refund.id)", form: [("metadata[ticket]", "")])
            try await x.expect(200, .get, "/v1/refunds/\(refund.id)?expand[]=balance_transaction")
            try await x.expect(200, .get, "/v1/refunds?charge=\(chargeID)&expand[]=data.balance_transaction")
            try await x.expect(200, .get, "/v1/refunds?limit=1")
            try await x.expect(200, .get, "/v1/charges/\(chargeID)/refunds")

            try await x.expect(200, .get, "/v1/charges/\(chargeID)?expand[]=balance_transaction")
            try await x.expect(200, .get, "/v1/charges?limit=20&expand[]=data.balance_transaction")
            try await x.expect(200, .get, "/v1/charges?created[gte]=0&limit=2")
            let old = try await x.expect(200, .get, "/v1/charges/\(chargeID)", version: "2022-08-01")
            #expect(old.json["refunds"] != nil, "a charge at 2022-08-01 embeds its refunds")
            #expect(old.json["shipping"] is [String: Any], "every version shows a charge's shipping")
            try await x.expect(200, .get, "/v1/charges", version: "2022-08-01")
            try await x.expect(
                200, .post, "/v1/charges/\(chargeID)", form: [("description", "old")], version: "2022-08-01")

            try await x.expect(200, .get, "/v1/balance")
            let transactions = try await x.expect(200, .get, "/v1/balance_transactions?limit=5")
            let transactionID = try #require(((transactions.json["data"] as? [[String: Any]])?.first?["id"]) as? String)
            try await x.expect(200, .get, "/v1/balance_transactions/\(transactionID)")

            // Customers, and charges made for one.
            let customer = try await x.expect(
                200, .post, "/v1/customers",
                form: [
                    ("email", "asha@example.in"), ("name", "Asha Rao"), ("phone", "%2B919876543210"),
                    ("description", "Regular at table 7"), ("metadata[loyalty_id]", "L-2231"),
                ])
            let customerID = customer.id
            #expect(customer.string("phone") == "+919876543210")
            try await x.expect(200, .post, "/v1/customers")
            let forCustomer = try await x.expect(
                200, .post, "/v1/charges",
                form: [
                    ("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("customer", customerID),
                    ("expand[]", "customer"), ("expand[]", "balance_transaction"),
                ])
            #expect((forCustomer.json["customer"] as? [String: Any])?["id"] as? String == customerID)
            let plain = try await x.expect(200, .get, "/v1/charges/\(forCustomer.id)")
            #expect(plain.string("customer") == customerID)
            try await x.expect(
                200, .post, "/v1/charges/\(forCustomer.id)", form: [("metadata[table]", "7"), ("expand[]", "customer")])
            let heldForCustomer = try await x.expect(
                200, .post, "/v1/charges",
                form: [
                    ("amount", "5000"), ("currency", "usd"), ("source", "tok_mastercard"), ("capture", "false"),
                    ("customer", customerID),
                ])
            try await x.expect(
                200, .post, "/v1/charges/\(heldForCustomer.id)/capture", form: [("expand[]", "customer")])
            let theirs = try await x.expect(200, .get, "/v1/charges?customer=\(customerID)&expand[]=data.customer")
            #expect((theirs.json["data"] as? [[String: Any]])?.count == 2)
            try await x.expect(200, .get, "/v1/charges?customer=\(customerID)", version: "2022-08-01")
            try await x.expect(
                200, .post, "/v1/customers/\(customerID)", form: [("phone", ""), ("metadata[tier]", "gold")])
            let byEmail = try await x.expect(200, .get, "/v1/customers?email=asha@example.in")
            #expect((byEmail.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [customerID])
            try await x.expect(200, .get, "/v1/customers?limit=1&created[gte]=0")
            try await x.expect(200, .get, "/v1/customers/\(customerID)")
            let deleted = try await x.expect(200, .delete, "/v1/customers/\(customerID)")
            #expect(deleted.json["deleted"] as? Bool == true)
            let gone = try await x.expect(200, .get, "/v1/customers/\(customerID)")
            #expect(gone.json["deleted"] as? Bool == true)
            try await x.expect(200, .get, "/v1/charges/\(forCustomer.id)?expand[]=customer")
            let events = try await x.expect(200, .get, "/v1/events?type=customer.*")
            let types = Set((events.json["data"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? [])
            #expect(types == ["customer.created", "customer.updated", "customer.deleted"])

            // PaymentIntents: every route, the charge a confirmation makes, and the intents' events.
            let payer = try await x.expect(200, .post, "/v1/customers", form: [("email", "ravi@example.in")])
            let paid = try await x.expect(
                200, .post, "/v1/payment_intents",
                form: [
                    ("amount", "2000"), ("currency", "inr"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ("customer", payer.id), ("description", "Thali"), ("metadata[order_id]", "6740"),
                    ("receipt_email", "ravi@example.in"), ("statement_descriptor", "PAISA THALI"),
                    ("payment_method_types[]", "card"), ("payment_method_types[]", "upi"),
                    ("automatic_payment_methods[enabled]", "true"), ("return_url", "https%3A%2F%2Fexample.com%2Fdone"),
                    ("expand[]", "latest_charge"),
                ])
            #expect(paid.string("status") == "succeeded")
            let paidChargeID = try #require((paid.json["latest_charge"] as? [String: Any])?["id"] as? String)
            let paidCharge = try await x.expect(200, .get, "/v1/charges/\(paidChargeID)")
            #expect(paidCharge.string("payment_intent") == paid.id)
            try await x.expect(200, .get, "/v1/charges/\(paidChargeID)", version: "2022-08-01")
            let processing = try await x.expect(
                200, .post, "/v1/payment_intents",
                form: [
                    ("amount", "1500"), ("currency", "inr"), ("confirm", "true"), ("payment_method_data[type]", "upi"),
                    ("payment_method_data[upi][vpa]", "pending@upi"),
                ])
            #expect(processing.string("status") == "processing")
            let authorized = try await x.expect(
                200, .post, "/v1/payment_intents",
                json: #"""
                    {"amount": 5000, "currency": "usd", "capture_method": "manual",
                     "payment_method": "pm_card_mastercard", "confirm": true}
                    """#)
            #expect(authorized.string("status") == "requires_capture")
            #expect(authorized.json["amount_capturable"] as? Int == 5000)
            let captured = try await x.expect(
                200, .post, "/v1/payment_intents/\(authorized.id)/capture",
                form: [("amount_to_capture", "3000"), ("expand[]", "latest_charge")])
            #expect(captured.string("status") == "succeeded")
            #expect(captured.json["amount_received"] as? Int == 3000)
            #expect((captured.json["latest_charge"] as? [String: Any])?["amount_captured"] as? Int == 3000)
            let later = try await x.expect(
                200, .post, "/v1/payment_intents",
                form: [("amount", "2000"), ("currency", "inr"), ("customer", payer.id), ("metadata[order_id]", "6741")])
            #expect(later.string("status") == "requires_payment_method")
            let updated = try await x.expect(
                200, .post, "/v1/payment_intents/\(later.id)",
                form: [
                    ("amount", "2500"), ("payment_method", "pm_card_visa"), ("metadata[table]", "7"),
                    ("description", "Thali for two"), ("receipt_email", ""),
                ])
            #expect(updated.string("status") == "requires_confirmation")
            #expect(updated.json["amount"] as? Int == 2500)
            let canceled = try await x.expect(
                200, .post, "/v1/payment_intents/\(later.id)/cancel",
                form: [("cancellation_reason", "requested_by_customer")])
            #expect(canceled.string("status") == "canceled")
            let waiting = try await x.expect(
                200, .post, "/v1/payment_intents", form: [("amount", "1500"), ("currency", "inr")])
            let confirmed = try await x.expect(
                200, .post, "/v1/payment_intents/\(waiting.id)/confirm",
                form: [
                    ("payment_method_data[type]", "upi"), ("payment_method_data[upi][vpa]", "success@upi"),
                    ("return_url", "https%3A%2F%2Fexample.com%2Fdone"),
                ])
            #expect(confirmed.string("status") == "succeeded")
            let payerIntents = try await x.expect(
                200, .get, "/v1/payment_intents?customer=\(payer.id)&expand[]=data.latest_charge&expand[]=data.customer"
            )
            let listed = try #require(payerIntents.json["data"] as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [paid.id, later.id])
            let listedPaid = listed.first { $0["id"] as? String == paid.id }
            #expect((listedPaid?["latest_charge"] as? [String: Any])?["id"] as? String == paidChargeID)
            #expect((listedPaid?["customer"] as? [String: Any])?["id"] as? String == payer.id)
            try await x.expect(200, .get, "/v1/payment_intents?limit=2&created[gte]=0")
            let retrieved = try await x.expect(
                200, .get, "/v1/payment_intents/\(paid.id)?expand[]=latest_charge&expand[]=customer")
            #expect((retrieved.json["latest_charge"] as? [String: Any])?["payment_intent"] as? String == paid.id)
            try await x.expect(
                200, .get, "/v1/payment_intents/\(paid.id)?expand[]=latest_charge", version: "2022-08-01")
            try await x.expect(
                200, .get,
                "/v1/payment_intents/\(processing.id)?client_secret=\(processing.string("client_secret") ?? "")")
            let intentEvents = try await x.expect(200, .get, "/v1/events?type=payment_intent.*&limit=100")
            let intentTypes = Set(
                (intentEvents.json["data"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? [])
            #expect(
                intentTypes == [
                    "payment_intent.created", "payment_intent.processing", "payment_intent.succeeded",
                    "payment_intent.amount_capturable_updated", "payment_intent.canceled",
                ])
        }
    }

    @Test("error responses (400, 401, 402, 403, 404, 405, 409, 413, 500, 503) match the document")
    func errorsValidate() async throws {
        let (_, key) = try await TestDatabase.account()
        let (_, readOnly) = try await TestDatabase.account(restricted: [Permission(.charges, .read)])
        try await Paisa.with(configuration: { $0.idempotencyLease = .milliseconds(60_000) }) { paisa in
            let x = Exchange(paisa: paisa, key: key)
            try await x.expect(400, .get, "/v1/charges?colour=blue")
            try await x.expect(
                400, .post, "/v1/charges", form: [("amount", "10"), ("currency", "inr"), ("source", "tok_visa")])
            try await x.expect(
                400, .post, "/v1/charges", form: [("amount", "1000"), ("currency", "inr"), ("source", "tok_nothing")])
            try await x.expect(400, .get, "/v1/account", version: "1999-01-01")
            let reused = freshKey()
            try await x.expect(
                200, .post, "/v1/charges", form: [("amount", "1000"), ("currency", "inr"), ("source", "tok_visa")],
                idempotencyKey: reused)
            let mismatch = try await x.expect(
                400, .post, "/v1/charges", form: [("amount", "1001"), ("currency", "inr"), ("source", "tok_visa")],
                idempotencyKey: reused)
            #expect(mismatch.error["type"] as? String == "idempotency_error")
            try await x.expect(401, .get, "/v1/charges", anonymous: true)
            try await x.expect(401, .get, "/v1/charges", key: "sk_test_doesnotexist")
            try await x.expect(
                402, .post, "/v1/charges",
                form: [("amount", "2000"), ("currency", "usd"), ("source", "tok_chargeDeclinedInsufficientFunds")])
            try await x.expect(
                403, .post, "/v1/charges", key: readOnly,
                form: [("amount", "1000"), ("currency", "inr"), ("source", "tok_visa")])
            try await x.expect(404, .get, "/v1/charges/ch_missing")
            try await x.expect(404, .get, "/v1/refunds?starting_after=re_missing")
            try await x.expect(404, .post, "/v1/refunds", form: [("charge", "ch_missing")])
            try await x.expect(404, .get, "/v1/customers/cus_missing")
            try await x.expect(404, .delete, "/v1/customers/cus_missing")
            try await x.expect(
                404, .post, "/v1/charges",
                form: [("amount", "1000"), ("currency", "inr"), ("source", "tok_visa"), ("customer", "cus_missing")])
            try await x.expect(400, .post, "/v1/customers", form: [("email", "asha-at-example.in")])
            try await x.expect(403, .get, "/v1/customers", key: readOnly)
            try await x.expect(404, .get, "/v1/nothing-here")

            // PaymentIntents: a declined confirmation and the refusals of a status both carry the intent.
            let intent = try await x.expect(
                200, .post, "/v1/payment_intents",
                form: [("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa")])
            let declined = try await x.expect(
                402, .post, "/v1/payment_intents/\(intent.id)/confirm",
                form: [("payment_method", "pm_card_chargeDeclinedInsufficientFunds")])
            #expect(declined.error["decline_code"] as? String == "insufficient_funds")
            let afterDecline = try #require(declined.error["payment_intent"] as? [String: Any])
            #expect(afterDecline["status"] as? String == "requires_payment_method")
            #expect(
                (afterDecline["last_payment_error"] as? [String: Any])?["charge"] as? String
                    == declined.error["charge"] as? String)
            try await x.expect(
                402, .post, "/v1/payment_intents",
                form: [
                    ("amount", "1500"), ("currency", "inr"), ("confirm", "true"), ("payment_method_data[type]", "upi"),
                    ("payment_method_data[upi][vpa]", "failure@upi"),
                ], version: "2022-08-01")
            let notCapturable = try await x.expect(400, .post, "/v1/payment_intents/\(intent.id)/capture")
            #expect(notCapturable.error["code"] as? String == "payment_intent_unexpected_state")
            #expect((notCapturable.error["payment_intent"] as? [String: Any])?["id"] as? String == intent.id)
            let authorized = try await x.expect(
                200, .post, "/v1/payment_intents",
                form: [
                    ("amount", "5000"), ("currency", "usd"), ("capture_method", "manual"),
                    ("payment_method", "pm_card_mastercard"), ("confirm", "true"),
                ])
            try await x.expect(200, .post, "/v1/payment_intents/\(authorized.id)/cancel")
            let notCancelable = try await x.expect(400, .post, "/v1/payment_intents/\(authorized.id)/cancel")
            #expect(notCancelable.error["code"] as? String == "payment_intent_unexpected_state")
            let unknownMethod = try await x.expect(
                400, .post, "/v1/payment_intents",
                form: [
                    ("amount", "2000"), ("currency", "inr"), ("payment_method", "pm_card_nothing"), ("confirm", "true"),
                ])
            #expect(unknownMethod.error["code"] as? String == "resource_missing")
            #expect(unknownMethod.error["payment_intent"] == nil, "refused before an intent is made")
            let refusedMethod = try await x.expect(
                400, .post, "/v1/payment_intents/\(intent.id)/confirm", form: [("payment_method", "pm_card_nothing")])
            #expect((refusedMethod.error["payment_intent"] as? [String: Any])?["id"] as? String == intent.id)
            try await x.expect(404, .get, "/v1/payment_intents/pi_missing")
            try await x.expect(
                404, .post, "/v1/payment_intents/pi_missing/confirm", form: [("payment_method", "pm_card_visa")])
            try await x.expect(403, .get, "/v1/payment_intents", key: readOnly)
            try await x.expect(405, .delete, "/v1/charges")
            try await x.expect(
                413, .post, "/v1/charges",
                form: [("description", String(repeating: "a", count: Limits.requestBodyBytesMax + 1))])

            // A request that stops after claiming its key answers 500 and keeps the key locked (for the lease,
            // a minute here): its retry is told the key is in use.
            paisa.server.faults.arm(.afterClaim, .init(action: .crash, remaining: 1))
            let stuck = freshKey()
            let form = [("amount", "1000"), ("currency", "inr"), ("source", "tok_visa")]
            try await x.expect(500, .post, "/v1/charges", form: form, idempotencyKey: stuck)
            try await x.expect(409, .post, "/v1/charges", form: form, idempotencyKey: stuck)

            // The database refusing every transaction: the retry loop gives up and answers 503.
            paisa.server.faults.arm(.serializationFailure, .init(action: .fail))
            try await x.expect(503, .get, "/v1/charges")
        }
    }

    @Test("a response missing a required field, with a wrong type, or not in the document is reported")
    func validatorRefusesWrongBodies() throws {
        let refund =
            #"{"id":"re_1","object":"refund","amount":500,"balance_transaction":"txn_3","charge":"ch_1","#
            + #""created":1767225600,"currency":"inr","failure_balance_transaction":null,"failure_reason":null,"#
            + #""metadata":{},"reason":null,"status":"succeeded"}"#
        func problems(
            _ body: String, method: String = "GET", path: String = "/v1/refunds/re_1", status: Int = 200
        )
            -> [String]
        {
            OpenAPIValidator.validate(method: method, path: path, status: status, body: Array(body.utf8))
        }
        func expectReported(_ body: String, _ fragment: String, path: String = "/v1/refunds/re_1", status: Int = 200) {
            let found = problems(body, path: path, status: status)
            #expect(found.contains { $0.contains(fragment) }, "expected a problem mentioning \(fragment); got \(found)")
        }
        #expect(problems(refund) == [], "the unchanged body is valid")
        #expect(
            problems(
                #"{"object":"list","data":["# + refund + #"],"has_more":false,"url":"/v1/refunds"}"#,
                path: "/v1/refunds") == [])

        expectReported(
            refund.replacingOccurrences(of: #""amount":500,"#, with: ""), #"required property "amount" is missing"#)
        expectReported(
            refund.replacingOccurrences(of: #""amount":500"#, with: #""amount":"500""#),
            "$.amount: expected integer, found string")
        expectReported(
            refund.replacingOccurrences(of: #""amount":500"#, with: #""amount":500.5"#),
            "$.amount: expected integer, found number")
        expectReported(
            refund.replacingOccurrences(of: #""succeeded""#, with: #""refunded""#),
            "$.status: string \"refunded\" is not one of")
        expectReported(refund.replacingOccurrences(of: #""reason":null"#, with: #""reason":"because""#), "$.reason")
        expectReported(
            refund.replacingOccurrences(of: #""metadata":{}"#, with: #""metadata":{"a":1}"#),
            "$.metadata.a: expected string")
        expectReported(
            refund.replacingOccurrences(of: #""charge":"ch_1","#, with: #""charge":"ch_1","surprise":true,"#),
            #"property "surprise" is not in the schema"#)
        let expanded = refund.replacingOccurrences(of: #""txn_3""#, with: #"{"id":"txn_3"}"#)
        expectReported(expanded, "$.balance_transaction: object matches none of the anyOf")
        expectReported(expanded, #"$.balance_transaction: required property "object" is missing"#)
        expectReported(
            #"{"object":"list","data":["# + refund.replacingOccurrences(of: #""amount":500"#, with: #""amount":null"#)
                + #"],"has_more":false,"url":"/v1/refunds"}"#,
            "$.data[0].amount: expected integer, found null", path: "/v1/refunds")
        expectReported(
            #"{"error":{"doc_url":"x#y","message":"No such refund","type":"invalid_request_error"}}"#,
            #"$.error: required property "code" is missing"#, status: 404)
        expectReported(
            #"{"error":{"code":"x","doc_url":"x#x","message":"m","type":"oops"}}"#, "$.error.type", status: 404)
        expectReported(refund, "declares no response 402", status: 402)
        expectReported(refund, "describes no operation GET /v1/refund", path: "/v1/refund")
        expectReported("not json", "the body is not JSON")
        #expect(problems(refund, method: "DELETE").contains { $0.contains("describes no operation DELETE") })
    }

    @Test("the validator reads JSON exactly: escapes, integers apart from other numbers, malformed text refused")
    func jsonReader() throws {
        typealias JSON = OpenAPIValidator.JSON
        let text = #"{"a": "\u00e9\ud83d\ude00\n", "b": [1, -2, 2.5, 1e3, true, null, {}]}"#
        #expect(
            try JSON.parse(Array(text.utf8))
                == .object([
                    "a": .string("é😀\n"),
                    "b": .array([
                        .integer(1), .integer(-2), .number(2.5), .number(1000), .bool(true), .null, .object([:]),
                    ]),
                ]))
        for bad in ["{", "01x", #""\x""#, "1 2", "tru", "", "not json"] {
            #expect(throws: JSON.ParseError.self, "\(bad)") { try JSON.parse(Array(bad.utf8)) }
        }
    }

    @Test("every example in the document matches its own schema, and the validator checks every keyword used")
    func documentIsConsistent() throws {
        let document = try OpenAPIValidator.document.get()
        var checked = 0
        func check(_ contents: OpenAPIValidator.JSON?, _ label: String) {
            for (mediaType, content) in contents?.objectValue ?? [:] {
                guard let schema = content["schema"] else { continue }
                var examples = (content["examples"]?.objectValue ?? [:]).compactMapValues { $0["value"] }
                if let example = content["example"] { examples["example"] = example }
                for (name, value) in examples {
                    checked += 1
                    let problems = document.problems(of: value, against: schema)
                    #expect(problems == [], "example \(name) of \(label) \(mediaType)")
                }
            }
        }
        for operation in document.operations {
            let label = "\(operation.method) \(operation.template)"
            check(document.resolved(operation.requestBody ?? .null)?["content"], "\(label) request")
            for (status, response) in operation.responses.objectValue ?? [:] {
                check(document.resolved(response)?["content"], "\(label) \(status)")
            }
        }
        #expect(checked > 20, "the document should carry examples for its requests and responses")
        #expect(OpenAPIValidator.unsupportedKeywords() == [])
    }

    @Test("every error code has its section in docs/errors.md, in its index, and every section is a code")
    func errorReferenceCoversEveryCode() throws {
        let codes = Set(ErrorCode.allCases.map(\.rawValue))
        let anchors = try ErrorCodes.anchors()
        let missing = codes.subtracting(anchors).sorted()
        #expect(missing.isEmpty, "docs/errors.md lacks a section (<a id=\"CODE\"></a> and a heading) for: \(missing)")
        let stale = anchors.subtracting(codes).sorted()
        #expect(stale.isEmpty, "docs/errors.md has sections for codes that are not ErrorCode cases: \(stale)")
        let indexed = try ErrorCodes.indexed()
        #expect(indexed == codes.sorted(), "the index of docs/errors.md lists every code once, in order")
    }

    @Test("/docs/errors serves the reference as HTML: every code's anchor, its headings, tables and code spans")
    func errorReferenceAsHTML() async throws {
        try await Paisa.with { paisa in
            let page = try await paisa.send(.get, "/docs/errors", key: nil)
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let html = page.text
            let missing = ErrorCode.allCases.map(\.rawValue).filter { !html.contains("<a id=\"\($0)\"></a>") }
            #expect(missing.isEmpty, "anchors missing from the page: \(missing)")
            #expect(html.contains("<h1>Error reference</h1>"))
            #expect(html.contains("<table>") && html.contains("<code>card_declined</code>"))
            #expect(!html.contains("| field |"), "a table left as Markdown")
        }
    }
}

extension OpenAPITests {
    /// `/v1/charges/:id` → `/v1/charges/{id}`.
    static func template(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    static func problems(_ method: HTTPRequest.Method, _ path: String, _ reply: Reply) -> [String] {
        OpenAPIValidator.validate(method: method, path: path, status: reply.status, body: reply.body)
    }

    /// Sends requests (as one account unless told otherwise) and checks each answer's status and its match with the
    /// document; an error's `doc_url` must also land on a section of the error reference.
    struct Exchange {
        let paisa: Paisa
        let key: String

        @discardableResult
        func expect(
            _ status: Int, _ method: HTTPRequest.Method, _ path: String, key: String? = nil, anonymous: Bool = false,
            form: [(String, String)] = [], json: String? = nil, idempotencyKey: String? = nil, version: String? = nil
        ) async throws -> Reply {
            let reply = try await self.paisa.send(
                method, path, key: anonymous ? nil : key ?? self.key, form: form, json: json,
                idempotencyKey: idempotencyKey,
                headers: version.map { [("Stripe-Version", $0)] } ?? [])
            #expect(reply.status == status, "\(method) \(path): \(reply.text)")
            #expect(OpenAPITests.problems(method, path, reply) == [])
            if let code = reply.error["code"] as? String {
                #expect(try ErrorCodes.anchors().contains(code), "docs/errors.md has no section for \(code)")
                #expect((reply.error["doc_url"] as? String)?.hasSuffix("#\(code)") == true)
            }
            return reply
        }
    }

    /// The error reference's anchors and its index.
    enum ErrorCodes {
        static let root: URL = {
            var url = URL(fileURLWithPath: #filePath)
            for _ in 0..<3 { url.deleteLastPathComponent() }
            return url
        }()

        static func text() throws -> String {
            try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        }

        static func anchors() throws -> Set<String> {
            Set(try Self.text().matches(of: #/<a id="([^"]+)"></a>/#).map { String($0.output.1) })
        }

        /// The codes of the index table (`| `code` | status | type |`), in the order written.
        static func indexed() throws -> [String] {
            try Self.text().matches(of: #/\n\| `([a-z_]+)` \| [0-9]{3}/#).map { String($0.output.1) }
        }
    }
}
