import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

@Suite("Search: charges, PaymentIntents and customers by Stripe's query language")
struct SearchTests {
    /// `GET <path>?query=…` with the query percent-encoded, and any other parameters as given.
    static func search(
        _ paisa: Paisa, _ path: String, key: String, _ query: String, _ extra: String = ""
    ) async throws -> Reply {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return try await paisa.send(.get, "\(path)?query=\(encoded)\(extra)", key: key)
    }

    /// The ids a search answers, in order; the search must succeed.
    static func ids(_ paisa: Paisa, _ path: String, key: String, _ query: String) async throws -> [String] {
        let reply = try await Self.search(paisa, path, key: key, query)
        #expect(reply.status == 200, "\(query): \(reply.text)")
        #expect(reply.string("object") == "search_result")
        #expect(reply.string("url") == path)
        return CustomerTests.ids(reply)
    }

    @Test("charges by status, amount comparisons, currency, metadata, customer, refunded; AND, OR, negation")
    func charges() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let path = "/v1/charges/search"
            let a1 = try await paisa.charge(key: key, amount: 1000, extra: [("metadata[order]", "A1")]).id
            let a2 = try await paisa.charge(
                key: key, amount: 2500, currency: "usd", extra: [("metadata[order]", "A2"), ("metadata[tier]", "gold")]
            ).id
            let failed = try #require(
                try await paisa.charge(key: key, amount: 5000, source: "tok_chargeDeclined").chargeID)
            let customer = try await CustomerTests.create(paisa, key: key, [("email", "asha@example.in")])
            let forAsha = try await paisa.charge(key: key, amount: 700, extra: [("customer", customer)]).id
            let refund = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", a1)])
            #expect(refund.status == 200)

            #expect(try await Self.ids(paisa, path, key: key, #"status:"failed""#) == [failed])
            #expect(try await Self.ids(paisa, path, key: key, "amount>2000") == [failed, a2])
            #expect(try await Self.ids(paisa, path, key: key, "amount>=2500 amount<=2500") == [a2])
            #expect(try await Self.ids(paisa, path, key: key, "amount:700") == [forAsha])
            #expect(try await Self.ids(paisa, path, key: key, "amount<1000") == [forAsha])
            #expect(try await Self.ids(paisa, path, key: key, #"currency:"USD""#) == [a2])
            #expect(try await Self.ids(paisa, path, key: key, #"metadata["order"]:"A1""#) == [a1])
            #expect(try await Self.ids(paisa, path, key: key, #"metadata['tier']:"gold""#) == [a2])
            #expect(try await Self.ids(paisa, path, key: key, #"metadata["order"]:"a1""#).isEmpty)
            #expect(
                try await Self.ids(paisa, path, key: key, #"metadata["order"]:"A1" OR metadata["order"]:"A2""#)
                    == [a2, a1])
            #expect(
                try await Self.ids(paisa, path, key: key, #"metadata["order"]:"A1" AND metadata["order"]:"A2""#)
                    .isEmpty)
            #expect(try await Self.ids(paisa, path, key: key, #"-status:"failed" -currency:"usd""#) == [forAsha, a1])
            // A negated clause keeps the charges without the value: those without a customer.
            #expect(
                try await Self.ids(paisa, path, key: key, "-customer:\"\(customer)\"") == [failed, a2, a1])
            #expect(try await Self.ids(paisa, path, key: key, "customer:\"\(customer)\"") == [forAsha])
            #expect(try await Self.ids(paisa, path, key: key, #"refunded:"true""#) == [a1])
            #expect(try await Self.ids(paisa, path, key: key, #"refunded:"false" amount>900"#) == [failed, a2])
            #expect(try await Self.ids(paisa, path, key: key, #"payment_method_details.card.last4:"4242""#).count == 3)
            let now = Int(Date().timeIntervalSince1970)
            #expect(try await Self.ids(paisa, path, key: key, "created>=\(now - 600)").count == 4)
            #expect(try await Self.ids(paisa, path, key: key, "created<\(now - 600)").isEmpty)
            #expect(try await Self.ids(paisa, path, key: key, "created>\(now + 600)").isEmpty)

            let expanded = try await Self.search(
                paisa, path, key: key, "customer:\"\(customer)\"", "&expand[]=data.customer")
            let first = (expanded.json["data"] as? [[String: Any]])?.first
            #expect((first?["customer"] as? [String: Any])?["email"] as? String == "asha@example.in")
            #expect(expanded.json["next_page"] is NSNull)
            #expect(expanded.json["has_more"] as? Bool == false)
        }
    }

    @Test("pages follow next_page, newest first, until has_more is false; a forged page is refused")
    func paging() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            var made: [String] = []
            for amount in [1100, 1200, 1300, 1400, 1500] {
                made.append(try await paisa.charge(key: key, amount: amount, extra: [("metadata[batch]", "b")]).id)
            }
            var seen: [String] = []
            var page = ""
            for round in 0..<4 {
                let reply = try await Self.search(
                    paisa, "/v1/charges/search", key: key, #"metadata["batch"]:"b""#, "&limit=2" + page)
                #expect(reply.status == 200)
                seen += CustomerTests.ids(reply)
                guard reply.json["has_more"] as? Bool == true else {
                    #expect(round == 2)
                    #expect(reply.json["next_page"] is NSNull)
                    break
                }
                let next = try #require(reply.string("next_page"))
                page = "&page=\(next)"
            }
            #expect(seen == made.reversed())
            // Versions apply as for lists: before 2022-11-15, each charge embeds its refunds.
            let old = try await paisa.send(
                .get, "/v1/charges/search?query=amount%3E1&limit=1", key: key,
                headers: [("Stripe-Version", "2022-08-01")])
            #expect((old.json["data"] as? [[String: Any]])?.first?["refunds"] is [String: Any])

            let forged = try await Self.search(
                paisa, "/v1/charges/search", key: key, "amount>1", "&page=bm90LWEtcGFnZQ")
            #expect(forged.status == 400)
            #expect(forged.error["code"] as? String == "parameter_invalid_string")
            #expect(forged.error["param"] as? String == "page")
            // A page of another resource's search is refused too.
            let customer = try await CustomerTests.create(paisa, key: key, [("name", "Paged")])
            _ = try await CustomerTests.create(paisa, key: key, [("name", "Paged")])
            let customers = try await Self.search(
                paisa, "/v1/customers/search", key: key, #"name:"Paged""#, "&limit=1")
            let customerPage = try #require(customers.string("next_page"))
            #expect(CustomerTests.ids(customers) != [customer])
            let crossed = try await Self.search(
                paisa, "/v1/charges/search", key: key, "amount>1", "&page=\(customerPage)")
            #expect(crossed.error["param"] as? String == "page")
            let limit = try await Self.search(paisa, "/v1/charges/search", key: key, "amount>1", "&limit=101")
            #expect(limit.error["param"] as? String == "limit")
        }
    }

    @Test("another account's objects, and the other mode's, are never found")
    func isolation() async throws {
        let (account, key) = try await TestDatabase.account()
        let (_, stranger) = try await TestDatabase.account()
        let live = try await AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
            .createKey(accountID: account.id, kind: .secret, livemode: true).secret
        try await Paisa.with(overHTTPS: true) { paisa in
            let mine = try await paisa.charge(key: key, extra: [("metadata[shared]", "same")]).id
            let theirs = try await paisa.charge(key: stranger, extra: [("metadata[shared]", "same")]).id
            let query = #"metadata["shared"]:"same""#
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: key, query) == [mine])
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: stranger, query) == [theirs])
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: live, query).isEmpty)
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: live, "amount>0").isEmpty)

            let liveCustomer = try await CustomerTests.create(paisa, key: live, [("email", "live@example.in")])
            let testCustomer = try await CustomerTests.create(paisa, key: key, [("email", "live@example.in")])
            let email = #"email:"live@example.in""#
            #expect(try await Self.ids(paisa, "/v1/customers/search", key: live, email) == [liveCustomer])
            #expect(try await Self.ids(paisa, "/v1/customers/search", key: key, email) == [testCustomer])
            #expect(try await Self.ids(paisa, "/v1/customers/search", key: stranger, email).isEmpty)
            // Another account's page token only moves the position: it never reaches that account's rows.
            let page = SearchPosition(created: .now().adding(seconds: 60), id: theirs).token
            let paged = try await Self.search(paisa, "/v1/charges/search", key: key, query, "&page=\(page)")
            #expect(CustomerTests.ids(paged) == [mine])
        }
    }

    @Test("malformed queries answer 400 search_query_invalid naming the position; unknown fields list the known")
    func syntaxErrors() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let cases: [(path: String, query: String, message: String)] = [
                (
                    "/v1/charges/search", #"status="succeeded""#,
                    "Search query syntax error at position 7: expected an operator (:, ~, >, >=, < or <=) after the "
                        + "field, found '='."
                ),
                (
                    "/v1/charges/search", #"amount>1 OR status:"failed" AND currency:"inr""#,
                    "Search query syntax error at position 29: AND and OR cannot be mixed in one query (a space "
                        + "between clauses means AND)."
                ),
                (
                    "/v1/payment_intents/search", #"refunded:"true""#,
                    "Search query syntax error at position 1: PaymentIntents cannot be searched by 'refunded'. "
                        + "Search by one of: amount, created, currency, customer, metadata[\"key\"], status."
                ),
                (
                    "/v1/customers/search", #"email:asha@example.in"#,
                    "Search query syntax error at position 7: expected a value (a string in double quotes, or a "
                        + "number), found 'a'."
                ),
            ]
            for (path, query, message) in cases {
                let reply = try await Self.search(paisa, path, key: key, query)
                #expect(reply.status == 400)
                #expect(reply.error["type"] as? String == "invalid_request_error")
                #expect(reply.error["code"] as? String == "search_query_invalid")
                #expect(reply.error["param"] as? String == "query")
                #expect(reply.error["message"] as? String == message)
            }
            let missing = try await paisa.send(.get, "/v1/charges/search", key: key)
            #expect(missing.error["code"] as? String == "parameter_missing")
            #expect(missing.error["param"] as? String == "query")
            let unknown = try await Self.search(paisa, "/v1/charges/search", key: key, "amount>1", "&starting_after=x")
            #expect(unknown.error["code"] as? String == "parameter_unknown")
            // The search route owns its path under every method, as the OpenAPI document's literal path does: a POST
            // there is 405, not the update of a charge named `search`.
            let post = try await paisa.send(.post, "/v1/charges/search", key: key, form: [("description", "x")])
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET")
        }
    }

    @Test("hostile text: quotes, backslashes, SQL, NUL bytes and over-long queries are values or refusals, never SQL")
    func hostileText() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let tricky = #"it's "quoted" \ ; DROP TABLE charges; --"#
            let formValue = tricky.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let charge = try await paisa.charge(key: key, extra: [("metadata[note]", formValue)]).id
            let escaped = tricky.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            #expect(
                try await Self.ids(paisa, "/v1/charges/search", key: key, "metadata[\"note\"]:\"\(escaped)\"") == [
                    charge
                ])
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: key, #"status:"' OR 1=1 --""#).isEmpty)
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: key, #"metadata["' OR ''='"]:"x""#).isEmpty)

            let nul = try await paisa.send(.get, "/v1/charges/search?query=status:%22a%00b%22", key: key)
            #expect(nul.status == 400)
            let tooLong = String(repeating: "amount>1 ", count: 112)
            let long = try await Self.search(paisa, "/v1/charges/search", key: key, tooLong)
            #expect(long.status == 400)
            #expect(long.error["code"] as? String == "search_query_invalid")
            #expect((long.error["message"] as? String)?.contains("at most 1000 are allowed") == true)
            let clauses = Array(repeating: "amount>1", count: Limits.searchClausesMax + 1).joined(separator: " OR ")
            let many = try await Self.search(paisa, "/v1/charges/search", key: key, clauses)
            #expect((many.error["message"] as? String)?.contains("at most 10 clauses") == true)
            // The largest numbers a query takes are still times and amounts PostgreSQL can compare.
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: key, "created<=999999999999").count == 1)
            #expect(try await Self.ids(paisa, "/v1/charges/search", key: key, "amount>999999999999").isEmpty)
            let unicode = try await Self.search(paisa, "/v1/customers/search", key: key, #"name~"राम्""#)
            #expect(unicode.status == 200)
        }
    }

    @Test("PaymentIntents by status, amount, currency, customer and metadata")
    func paymentIntents() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let path = "/v1/payment_intents/search"
            let customer = try await CustomerTests.create(paisa, key: key, [("name", "Ravi")])
            let waiting = try await paisa.send(
                .post, "/v1/payment_intents", key: key,
                form: [("amount", "1500"), ("currency", "inr"), ("metadata[cart]", "c1"), ("customer", customer)])
            let paid = try await paisa.send(
                .post, "/v1/payment_intents", key: key,
                form: [
                    ("amount", "4200"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ])
            #expect(paid.string("status") == "succeeded")
            #expect(try await Self.ids(paisa, path, key: key, #"status:"succeeded""#) == [paid.id])
            #expect(try await Self.ids(paisa, path, key: key, #"status:"requires_payment_method""#) == [waiting.id])
            #expect(try await Self.ids(paisa, path, key: key, "amount>1000") == [paid.id, waiting.id])
            #expect(
                try await Self.ids(paisa, path, key: key, #"currency:"inr" OR amount>4000"#) == [paid.id, waiting.id])
            #expect(try await Self.ids(paisa, path, key: key, #"metadata["cart"]:"c1""#) == [waiting.id])
            #expect(try await Self.ids(paisa, path, key: key, "customer:\"\(customer)\"") == [waiting.id])
            let expanded = try await Self.search(
                paisa, path, key: key, #"status:"succeeded""#, "&expand[]=data.latest_charge")
            let intent = (expanded.json["data"] as? [[String: Any]])?.first
            #expect((intent?["latest_charge"] as? [String: Any])?["amount"] as? Int == 4200)
        }
    }

    @Test("customers by e-mail, name, phone (exact or contains) and metadata; deleted customers are never found")
    func customers() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let path = "/v1/customers/search"
            let asha = try await CustomerTests.create(
                paisa, key: key,
                [
                    ("email", "asha@example.in"), ("name", "Asha Rao"), ("phone", "%2B919800000001"),
                    ("metadata[tier]", "gold"),
                ])
            let ravi = try await CustomerTests.create(
                paisa, key: key, [("email", "Ravi@Example.com"), ("name", "Ravi Kumar")])
            let gone = try await CustomerTests.create(paisa, key: key, [("email", "gone@example.in")])
            #expect(try await paisa.send(.delete, "/v1/customers/\(gone)", key: key).status == 200)

            #expect(try await Self.ids(paisa, path, key: key, #"email:"asha@example.in""#) == [asha])
            #expect(try await Self.ids(paisa, path, key: key, #"email~"EXAMPLE""#) == [ravi, asha])
            #expect(try await Self.ids(paisa, path, key: key, #"email~"example.in""#) == [asha])
            #expect(
                try await Self.ids(paisa, path, key: key, #"name:"Ravi Kumar" OR phone:"+919800000001""#) == [
                    ravi, asha,
                ])
            #expect(try await Self.ids(paisa, path, key: key, #"-name~"rao""#) == [ravi])
            #expect(try await Self.ids(paisa, path, key: key, #"metadata["tier"]:"gold""#) == [asha])
            #expect(try await Self.ids(paisa, path, key: key, #"email:"gone@example.in""#).isEmpty)
        }
    }

    @Test("a search needs the resource's read permission")
    func permissions() async throws {
        let (account, _) = try await TestDatabase.account()
        let chargesOnly = try await AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
            .createKey(
                accountID: account.id, kind: .restricted, livemode: false, permissions: [Permission(.charges, .read)]
            )
            .secret
        try await Paisa.with { paisa in
            #expect(try await Self.search(paisa, "/v1/charges/search", key: chargesOnly, "amount>1").status == 200)
            let customers = try await Self.search(paisa, "/v1/customers/search", key: chargesOnly, "created>1")
            #expect(customers.status == 403)
            let intents = try await Self.search(paisa, "/v1/payment_intents/search", key: chargesOnly, "amount>1")
            #expect(intents.status == 403)
        }
    }
}
