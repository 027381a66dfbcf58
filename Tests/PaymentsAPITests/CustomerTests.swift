import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

@Suite("Customers, and the customer a charge is for")
struct CustomerTests {
    static func create(_ paisa: Paisa, key: String, _ form: [(String, String)]) async throws -> String {
        let reply = try await paisa.send(.post, "/v1/customers", key: key, form: form)
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(reply.string("id"))
    }

    static func ids(_ reply: Reply) -> [String] {
        ((reply.json["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test("create, retrieve, update (an empty value clears), list by e-mail, delete: deleted reads as deleted")
    func lifecycle() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let asha = try await Self.create(
                paisa, key: key,
                [
                    ("email", "asha@example.in"), ("name", "Asha Rao"), ("phone", "%2B919800000001"),
                    ("description", "regular"), ("metadata[tier]", "gold"),
                ])
            #expect(asha.hasPrefix("cus_"))
            let ravi = try await Self.create(paisa, key: key, [("email", "ravi@example.in")])
            let nobody = try await Self.create(paisa, key: key, [])

            let fetched = try await paisa.send(.get, "/v1/customers/\(asha)", key: key)
            #expect(fetched.string("object") == "customer")
            #expect(fetched.string("name") == "Asha Rao")
            #expect(fetched.string("phone") == "+919800000001")
            #expect((fetched.json["metadata"] as? [String: String]) == ["tier": "gold"])
            #expect(fetched.json["livemode"] as? Bool == false)
            #expect(try await paisa.send(.get, "/v1/customers/\(nobody)", key: key).json["email"] is NSNull)

            let updated = try await paisa.send(
                .post, "/v1/customers/\(asha)", key: key,
                form: [("description", ""), ("name", "Asha R."), ("metadata[tier]", ""), ("metadata[city]", "Pune")])
            #expect(updated.status == 200)
            #expect(updated.json["description"] is NSNull)
            #expect(updated.string("name") == "Asha R.")
            #expect(updated.string("email") == "asha@example.in")
            #expect((updated.json["metadata"] as? [String: String]) == ["city": "Pune"])

            let all = try await paisa.send(.get, "/v1/customers", key: key)
            #expect(Self.ids(all) == [nobody, ravi, asha])
            let byEmail = try await paisa.send(.get, "/v1/customers?email=ravi@example.in", key: key)
            #expect(Self.ids(byEmail) == [ravi])
            // Exact, as in Stripe: another case is another address.
            #expect(Self.ids(try await paisa.send(.get, "/v1/customers?email=Ravi@example.in", key: key)).isEmpty)
            let paged = try await paisa.send(.get, "/v1/customers?limit=2&starting_after=\(nobody)", key: key)
            #expect(Self.ids(paged) == [ravi, asha])
            #expect(paged.json["has_more"] as? Bool == false)

            let deleted = try await paisa.send(.delete, "/v1/customers/\(ravi)", key: key)
            #expect(deleted.status == 200)
            #expect(deleted.json["deleted"] as? Bool == true)
            let readBack = try await paisa.send(.get, "/v1/customers/\(ravi)", key: key)
            #expect(readBack.status == 200)
            #expect(readBack.json["deleted"] as? Bool == true)
            #expect(readBack.json["email"] == nil)
            #expect(Self.ids(try await paisa.send(.get, "/v1/customers?email=ravi@example.in", key: key)).isEmpty)
            #expect(Self.ids(try await paisa.send(.get, "/v1/customers", key: key)) == [nobody, asha])
            // A list may still page from a deleted customer.
            let afterDeleted = try await paisa.send(.get, "/v1/customers?starting_after=\(ravi)", key: key)
            #expect(Self.ids(afterDeleted) == [asha])

            let again = try await paisa.send(.delete, "/v1/customers/\(ravi)", key: key)
            #expect(again.status == 404)
            #expect(again.error["code"] as? String == "resource_missing")
            let change = try await paisa.send(.post, "/v1/customers/\(ravi)", key: key, form: [("name", "R")])
            #expect(change.status == 404)
        }
    }

    @Test("fields are checked as the database stores them: e-mail, lengths, unknown parameters")
    func validation() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let email = try await paisa.send(.post, "/v1/customers", key: key, form: [("email", "not-an-address")])
            #expect(email.status == 400)
            #expect(email.error["code"] as? String == "email_invalid")
            #expect(email.error["param"] as? String == "email")
            let longName = String(repeating: "n", count: Limits.customerNameLengthMax + 1)
            let name = try await paisa.send(.post, "/v1/customers", key: key, form: [("name", longName)])
            #expect(name.status == 400)
            #expect(name.error["code"] as? String == "parameter_invalid_string_length")
            let phone = try await paisa.send(
                .post, "/v1/customers", key: key,
                form: [("phone", String(repeating: "9", count: Limits.phoneLengthMax + 1))])
            #expect(phone.error["param"] as? String == "phone")
            let longest = try await paisa.send(
                .post, "/v1/customers", key: key,
                form: [
                    ("name", String(longName.dropFirst())),
                    ("phone", String(repeating: "9", count: Limits.phoneLengthMax)),
                ])
            #expect(longest.status == 200)
            let unknown = try await paisa.send(.post, "/v1/customers", key: key, form: [("address", "x")])
            #expect(unknown.status == 400)
            #expect(unknown.error["code"] as? String == "parameter_unknown")
            let update = try await paisa.send(
                .post, "/v1/customers/\(longest.id)", key: key, form: [("email", "a@b")])
            #expect(update.error["code"] as? String == "email_invalid")
            // An empty e-mail clears it.
            let cleared = try await paisa.send(.post, "/v1/customers/\(longest.id)", key: key, form: [("email", "")])
            #expect(cleared.status == 200)
        }
    }

    @Test("a create is idempotent: the retry answers the same customer, another body under the key is 400")
    func idempotentCreate() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let idempotencyKey = freshKey()
            let first = try await paisa.send(
                .post, "/v1/customers", key: key, form: [("email", "a@example.in")], idempotencyKey: idempotencyKey)
            let retry = try await paisa.send(
                .post, "/v1/customers", key: key, form: [("email", "a@example.in")], idempotencyKey: idempotencyKey)
            #expect(first.status == 200)
            #expect(retry.id == first.id)
            #expect(retry.header("Idempotent-Replayed") == "true")
            let other = try await paisa.send(
                .post, "/v1/customers", key: key, form: [("email", "b@example.in")], idempotencyKey: idempotencyKey)
            #expect(other.status == 400)
            #expect(other.error["type"] as? String == "idempotency_error")
            #expect(
                try await TestDatabase.integers("SELECT count(*) FROM customers WHERE account_id = \(account.id)")
                    == [1])
        }
    }

    @Test("a charge names its customer: returned, expandable, filterable, and it outlives the customer's deletion")
    func chargesNameTheirCustomer() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let customer = try await Self.create(paisa, key: key, [("email", "c@example.in"), ("name", "C")])
            let idempotencyKey = freshKey()
            let charge = try await paisa.charge(
                key: key, idempotencyKey: idempotencyKey, extra: [("customer", customer), ("expand[]", "customer")])
            #expect(charge.status == 200)
            let expanded = try #require(charge.json["customer"] as? [String: Any])
            #expect(expanded["id"] as? String == customer)
            #expect(expanded["email"] as? String == "c@example.in")
            let other = try await paisa.charge(key: key)
            #expect(other.json["customer"] is NSNull)

            let fetched = try await paisa.send(.get, "/v1/charges/\(charge.id)", key: key)
            #expect(fetched.string("customer") == customer)
            let filtered = try await paisa.send(
                .get, "/v1/charges?customer=\(customer)&expand[]=data.customer", key: key)
            #expect(Self.ids(filtered) == [charge.id])
            let listed = try #require((filtered.json["data"] as? [[String: Any]])?.first)
            #expect((listed["customer"] as? [String: Any])?["name"] as? String == "C")
            let updated = try await paisa.send(
                .post, "/v1/charges/\(charge.id)", key: key, form: [("description", "d"), ("expand[]", "customer")])
            #expect((updated.json["customer"] as? [String: Any])?["id"] as? String == customer)

            #expect(try await paisa.send(.delete, "/v1/customers/\(customer)", key: key).status == 200)
            let afterDelete = try await paisa.send(
                .get, "/v1/charges/\(charge.id)?expand[]=customer", key: key)
            #expect(afterDelete.status == 200)
            #expect((afterDelete.json["customer"] as? [String: Any])?["deleted"] as? Bool == true)
            #expect(Self.ids(try await paisa.send(.get, "/v1/charges?customer=\(customer)", key: key)) == [charge.id])
            // The retry of the charge's request gets the charge its first attempt made, customer deleted or not.
            let retry = try await paisa.charge(
                key: key, idempotencyKey: idempotencyKey, extra: [("customer", customer), ("expand[]", "customer")])
            #expect(retry.status == 200)
            #expect(retry.id == charge.id)
            #expect(retry.header("Idempotent-Replayed") == "true")
            // A new charge for the deleted customer is refused.
            let refused = try await paisa.charge(key: key, extra: [("customer", customer)])
            #expect(refused.status == 404)
        }
    }

    @Test("a charge for a missing, deleted, or other account's customer is 404 before the processor is asked")
    func unknownCustomersAreRefusedFirst() async throws {
        let (account, key) = try await TestDatabase.account()
        let (_, stranger) = try await TestDatabase.account()
        let (_, live) = try await TestDatabase.account(livemode: true)
        try await Paisa.with(overHTTPS: true) { paisa in
            let theirs = try await Self.create(paisa, key: stranger, [])
            let liveOne = try await Self.create(paisa, key: live, [])
            let gone = try await Self.create(paisa, key: key, [])
            _ = try await paisa.send(.delete, "/v1/customers/\(gone)", key: key)
            for id in [theirs, liveOne, gone, "cus_missing", "ch_notacustomer"] {
                let reply = try await paisa.charge(key: key, idempotencyKey: freshKey(), extra: [("customer", id)])
                #expect(reply.status == 404, "\(id)")
                #expect(reply.error["code"] as? String == "resource_missing")
                #expect(reply.error["param"] as? String == "customer")
                #expect(reply.error["message"] as? String == "No such customer: '\(id)'")
            }
            // The refusal is the key's answer: its retry is refused the same way.
            let idempotencyKey = freshKey()
            for _ in 0..<2 {
                let reply = try await paisa.charge(
                    key: key, idempotencyKey: idempotencyKey, extra: [("customer", gone)])
                #expect(reply.status == 404)
            }
            #expect(try await Ledger.processorRecords(account: account.id) == 0)
            #expect(try await Ledger.unfinishedKeys(account: account.id) == 0)
            for (method, path) in [
                (HTTPRequest.Method.get, "/v1/customers/\(theirs)"), (.post, "/v1/customers/\(theirs)"),
                (.delete, "/v1/customers/\(theirs)"), (.get, "/v1/customers?starting_after=\(theirs)"),
            ] {
                let crossed = try await paisa.send(method, path, key: key, form: method == .post ? [("name", "x")] : [])
                #expect(crossed.status == 404, "\(method) \(path)")
            }
            #expect(try await paisa.send(.get, "/v1/customers/\(theirs)", key: stranger).json["deleted"] == nil)
        }
    }

    @Test(
        "a crash, the customer deleted, then a retry: the charge is recorded for it, never refused after approval",
        arguments: CrashRecoveryTests.points)
    func deletedAfterTheKeysFirstUse(point: FaultInjector.Point) async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: PaymentIntentTests.crashable) { paisa in
            let customer = try await Self.create(paisa, key: key, [])
            let idempotencyKey = freshKey()
            paisa.server.faults.arm(point, .init(action: .crash, remaining: 1))
            let crashed = try await paisa.charge(
                key: key, idempotencyKey: idempotencyKey, extra: [("customer", customer)])
            #expect(crashed.status == 500)
            #expect(try await paisa.send(.delete, "/v1/customers/\(customer)", key: key).status == 200)
            let retried = try await CrashRecoveryTests.retryPastLease {
                try await paisa.charge(key: key, idempotencyKey: idempotencyKey, extra: [("customer", customer)])
            }
            #expect(retried.status == 200, "\(retried.text)")
            #expect(retried.string("customer") == customer)
            #expect(try await Ledger.chargeCount(account: account.id) == 1)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
            // A new key is refused: the customer was deleted before it was first used.
            let fresh = try await paisa.charge(key: key, idempotencyKey: freshKey(), extra: [("customer", customer)])
            #expect(fresh.status == 404)
        }
    }

    @Test("customer.created, customer.updated with what changed, customer.deleted; no event for no change")
    func events() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let idempotencyKey = freshKey()
            let created = try await paisa.send(
                .post, "/v1/customers", key: key, form: [("email", "e@example.in")], idempotencyKey: idempotencyKey)
            let id = created.id
            _ = try await paisa.send(.post, "/v1/customers/\(id)", key: key, form: [("name", "E")])
            _ = try await paisa.send(.post, "/v1/customers/\(id)", key: key, form: [("name", "E")])
            let deleted = try await paisa.send(.delete, "/v1/customers/\(id)", key: key)
            let events = try await EventTests.events(paisa, key: key, query: "&type=customer.*")
            #expect(
                events.map { $0["type"] as? String } == ["customer.created", "customer.updated", "customer.deleted"])
            #expect(events.allSatisfy { EventTests.object($0)["id"] as? String == id })
            let createdRequest = events[0]["request"] as? [String: Any]
            #expect(createdRequest?["idempotency_key"] as? String == idempotencyKey)
            #expect(EventTests.previous(events[1])?.keys.sorted() == ["name"])
            #expect(EventTests.previous(events[1])?["name"] is NSNull)
            #expect(EventTests.object(events[1])["name"] as? String == "E")
            // The deleted customer's event keeps the whole object, and names the DELETE request.
            #expect(EventTests.object(events[2])["email"] as? String == "e@example.in")
            let deleteRequest = events[2]["request"] as? [String: Any]
            #expect(deleteRequest?["id"] as? String == deleted.header("Request-Id"))
            #expect(deleteRequest?["idempotency_key"] is NSNull)
        }
    }

    @Test("restricted keys: customers need customers:read|write, and expanding a charge's customer needs read")
    func permissions() async throws {
        let (account, secret) = try await TestDatabase.account()
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        let chargesOnly = try await admin.createKey(
            accountID: account.id, kind: .restricted, livemode: false, permissions: [Permission(.charges, .write)]
        ).secret
        try await Paisa.with { paisa in
            let customer = try await Self.create(paisa, key: secret, [])
            let charge = try await paisa.charge(key: chargesOnly, extra: [("customer", customer)])
            #expect(charge.status == 200)
            let expand = try await paisa.send(.get, "/v1/charges/\(charge.id)?expand[]=customer", key: chargesOnly)
            #expect(expand.status == 403)
            #expect((expand.error["message"] as? String)?.contains("customers:read") == true)
            #expect(try await paisa.send(.get, "/v1/customers", key: chargesOnly).status == 403)
        }
    }
}
