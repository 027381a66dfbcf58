import Foundation
import PaisaTestSupport
import Payments
import PaymentsStore
import PostgresNIO
import Testing

@Suite("Lists, pagination and the balance")
struct ListAndBalanceTests {
    @Test("pagination over 250 charges returns each exactly once, in order, in both directions")
    func pagination() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            var created: [String] = []
            for index in 0..<250 {
                created.append(try #require(try await paisa.charge(key: key, amount: 1000 + index).chargeID))
            }
            let newestFirst = Array(created.reversed())

            var forward: [String] = []
            var cursor: String? = nil
            for _ in 0..<10 {
                let query = "/v1/charges?limit=100" + (cursor.map { "&starting_after=\($0)" } ?? "")
                let page = try await paisa.send(.get, query, key: key)
                let ids = (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                forward += ids
                cursor = ids.last
                if page.json["has_more"] as? Bool != true { break }
            }
            #expect(forward == newestFirst)

            var backward: [String] = []
            cursor = newestFirst.last
            for _ in 0..<10 {
                let page = try await paisa.send(.get, "/v1/charges?limit=100&ending_before=\(cursor!)", key: key)
                let ids = (page.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                backward = ids + backward
                cursor = ids.first
                if page.json["has_more"] as? Bool != true { break }
            }
            #expect(backward == Array(newestFirst.dropLast()))

            let list = try await paisa.send(.get, "/v1/charges", key: key)
            #expect((list.json["data"] as? [Any])?.count == 10)
            #expect(list.string("url") == "/v1/charges")
            #expect(list.string("object") == "list")
        }
    }

    @Test("list parameters are checked: limit range, one cursor, unknown cursor ids, created bounds")
    func listParameters() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let id = try #require(try await paisa.charge(key: key).chargeID)
            #expect(try await paisa.send(.get, "/v1/charges?limit=0", key: key).error["param"] as? String == "limit")
            #expect(try await paisa.send(.get, "/v1/charges?limit=101", key: key).error["param"] as? String == "limit")
            let both = try await paisa.send(.get, "/v1/charges?starting_after=\(id)&ending_before=\(id)", key: key)
            #expect(both.error["code"] as? String == "parameters_exclusive")
            let unknown = try await paisa.send(.get, "/v1/charges?starting_after=ch_unknown", key: key)
            #expect(unknown.status == 404)
            #expect(unknown.error["param"] as? String == "starting_after")
            let future = Int(Date().timeIntervalSince1970) + 3600
            let none = try await paisa.send(.get, "/v1/charges?created%5Bgt%5D=\(future)", key: key)
            #expect((none.json["data"] as? [Any])?.isEmpty == true)
            let past = try await paisa.send(.get, "/v1/charges?created[lte]=\(future)&created[gte]=0", key: key)
            #expect((past.json["data"] as? [[String: Any]])?.first?["id"] as? String == id)
            let odd = try await paisa.send(.get, "/v1/charges?created[between]=1", key: key)
            #expect(odd.error["code"] as? String == "parameter_unknown")
            // Any 64-bit second is a bound: beyond the years 1 to 9999 it selects all or nothing.
            for (query, found) in [
                ("created=-9223372036854775808", false), ("created[gt]=9223372036854775807", false),
                ("created[lte]=-9000000000000", false), ("created[gte]=-9223372036854775808", true),
                ("created[lt]=9223372036854775807", true), ("created[lte]=9223372036854775807", true),
            ] {
                let reply = try await paisa.send(.get, "/v1/charges?\(query)", key: key)
                #expect(reply.status == 200, "\(query)")
                #expect((reply.json["data"] as? [Any])?.isEmpty == !found, "\(query)")
            }
        }
    }

    @Test("data.-prefixed expansion on lists")
    func listExpansion() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            _ = try await paisa.charge(key: key, amount: 2500, currency: "usd")
            let list = try await paisa.send(.get, "/v1/charges?expand[]=data.balance_transaction", key: key)
            let first = try #require((list.json["data"] as? [[String: Any]])?.first)
            let transaction = try #require(first["balance_transaction"] as? [String: Any])
            #expect(transaction["object"] as? String == "balance_transaction")
            let refused = try await paisa.send(.get, "/v1/charges?expand[]=balance_transaction", key: key)
            #expect(refused.error["code"] as? String == "expand_invalid")
        }
    }

    @Test("after charges, captures and refunds, the balance equals the ledger and every posting balances")
    func balanceEqualsLedger() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let card = try #require(try await paisa.charge(key: key, amount: 10_000, currency: "usd").chargeID)
            _ = try await paisa.charge(key: key, amount: 7_000, currency: "inr", source: "success@upi")
            _ = try await paisa.charge(key: key, amount: 3_000, currency: "usd", source: "tok_bypassPending")
            let held = try #require(
                try await paisa.charge(key: key, amount: 4_000, currency: "usd", extra: [("capture", "false")]).chargeID
            )
            _ = try await paisa.send(.post, "/v1/charges/\(held)/capture", key: key, form: [("amount", "2500")])
            _ = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", card), ("amount", "1500")])
            _ = try await paisa.charge(key: key, source: "tok_chargeDeclined")

            let balance = try await paisa.send(.get, "/v1/balance", key: key)
            #expect(balance.string("object") == "balance")
            func sum(_ field: String, _ currency: String) -> Int {
                (balance.json[field] as? [[String: Any]] ?? [])
                    .filter { $0["currency"] as? String == currency }
                    .reduce(0) { $0 + ($1["amount"] as? Int ?? 0) }
            }
            for currency in ["usd", "inr"] {
                let ledger = try await TestDatabase.integers(
                    """
                    SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries
                    WHERE account_id = \(account.id) AND ledger_account = 'merchant_balance' AND currency = \(currency)
                    """)
                #expect(Int64(sum("available", currency) + sum("pending", currency)) == ledger.first)
            }
            // usd: 10000 - 290 fee, 3000 - 87, 2500 - 73 (fee on the captured part), minus the 1500 refund.
            #expect(sum("available", "usd") + sum("pending", "usd") == 9_710 + 2_913 + 2_427 - 1_500)
            #expect(sum("available", "usd") == 2_913 - 1_500)
            #expect(sum("pending", "inr") == 7_000)
            #expect(try await Ledger.unbalancedPostings().isEmpty)

            let transactions = try await paisa.send(.get, "/v1/balance_transactions?limit=100", key: key)
            let items = transactions.json["data"] as? [[String: Any]] ?? []
            #expect(items.count == 5)
            let netSum = items.filter { $0["currency"] as? String == "usd" }.reduce(0) { $0 + ($1["net"] as? Int ?? 0) }
            #expect(netSum == 9_710 + 2_913 + 2_427 - 1_500)
            let first = try #require(items.first?["id"] as? String)
            let one = try await paisa.send(.get, "/v1/balance_transactions/\(first)", key: key)
            #expect(one.string("id") == first)
        }
    }

    @Test("another account's objects answer 404, exactly as missing ones; test keys never see live objects")
    func isolation() async throws {
        let (ownerAccount, owner) = try await TestDatabase.account()
        let (_, stranger) = try await TestDatabase.account()
        let live = try await AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
            .createKey(accountID: ownerAccount.id, kind: .secret, livemode: true).secret
        try await Paisa.with(overHTTPS: true) { paisa in
            let charge = try #require(try await paisa.charge(key: owner, amount: 2000, currency: "usd").chargeID)
            let refund = try #require(
                try await paisa.send(.post, "/v1/refunds", key: owner, form: [("charge", charge), ("amount", "100")])
                    .string("id"))
            let txn = try #require(
                try await paisa.send(.get, "/v1/charges/\(charge)", key: owner).string("balance_transaction"))
            for (collection, id) in [("charges", charge), ("refunds", refund), ("balance_transactions", txn)] {
                let crossed = try await paisa.send(.get, "/v1/\(collection)/\(id)", key: stranger)
                let missing = try await paisa.send(.get, "/v1/\(collection)/\(id)x", key: stranger)
                #expect(crossed.status == 404)
                #expect(crossed.error["code"] as? String == missing.error["code"] as? String)
            }
            for (path, form) in [
                ("/v1/charges/\(charge)", [("description", "mine now")]), ("/v1/charges/\(charge)/capture", []),
                ("/v1/refunds", [("charge", charge)]), ("/v1/refunds/\(refund)", [("metadata[a]", "b")]),
            ] {
                #expect(try await paisa.send(.post, path, key: stranger, form: form).status == 404)
            }
            #expect((try await paisa.send(.get, "/v1/charges", key: stranger).json["data"] as? [Any])?.isEmpty == true)
            // The same account's live key sees none of its test objects, and the reverse.
            #expect(try await paisa.send(.get, "/v1/charges/\(charge)", key: live).status == 404)
            let liveCharge = try #require(try await paisa.charge(key: live, amount: 2000, currency: "usd").chargeID)
            #expect(
                try await paisa.send(.get, "/v1/charges/\(liveCharge)", key: live).json["livemode"] as? Bool == true)
            #expect(try await paisa.send(.get, "/v1/charges/\(liveCharge)", key: owner).status == 404)
        }
    }
}
