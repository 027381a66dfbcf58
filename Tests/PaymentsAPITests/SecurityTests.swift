import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Security: isolation, permissions, secrets, limits")
struct SecurityTests {
    @Test("every route that takes an id answers 404 for another account's object, exactly as for a missing one")
    func crossAccountIDs() async throws {
        let (_, owner) = try await TestDatabase.account()
        let (_, stranger) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try #require(try await paisa.charge(key: owner, amount: 2000, currency: "usd").chargeID)
            let refund = try await paisa.send(
                .post, "/v1/refunds", key: owner, form: [("charge", charge), ("amount", "100")]
            ).id
            let txn = try #require(
                try await paisa.send(.get, "/v1/charges/\(charge)", key: owner).string("balance_transaction"))
            let attempts: [(HTTPTypes.HTTPRequest.Method, String, [(String, String)])] = [
                (.get, "/v1/charges/\(charge)", []),
                (.post, "/v1/charges/\(charge)", [("description", "taken")]),
                (.post, "/v1/charges/\(charge)/capture", []),
                (.get, "/v1/charges/\(charge)/refunds", []),
                (.post, "/v1/refunds", [("charge", charge)]),
                (.get, "/v1/refunds/\(refund)", []),
                (.post, "/v1/refunds/\(refund)", [("metadata[a]", "b")]),
                (.get, "/v1/balance_transactions/\(txn)", []),
                (.get, "/v1/charges?starting_after=\(charge)", []),
            ]
            for (method, path, form) in attempts {
                let crossed = try await paisa.send(method, path, key: stranger, form: form)
                #expect(crossed.status == 404, "\(method) \(path)")
                #expect(crossed.error["code"] as? String == "resource_missing", "\(method) \(path)")
                #expect(crossed.text.contains(owner) == false)
            }
            // The owner's objects are untouched.
            let after = try await paisa.send(.get, "/v1/charges/\(charge)", key: owner)
            #expect(after.json["description"] is NSNull)
            #expect(after.json["amount_refunded"] as? Int == 100)
        }
    }

    @Test("restricted keys are refused outside their permissions on every route, and allowed inside them")
    func restrictedEverywhere() async throws {
        let (account, _) = try await TestDatabase.account()
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        let nothing = try await admin.createKey(accountID: account.id, kind: .restricted, livemode: false).secret
        try await Paisa.with { paisa in
            for route in paisa.server.api.routes.routes {
                let path = route.pattern.replacingOccurrences(of: ":id", with: "ch_unknown")
                let refused = try await paisa.send(route.method, path, key: nothing)
                #expect(refused.status == 403, "\(route.method) \(route.pattern)")
                #expect(refused.error["code"] as? String == "insufficient_permissions")
                let permission = try #require(route.endpoint.permission)
                let allowed = try await admin.createKey(
                    accountID: account.id, kind: .restricted, livemode: false, permissions: [permission]
                ).secret
                let answer = try await paisa.send(route.method, path, key: allowed)
                #expect(
                    answer.status != 403 && answer.status != 401, "\(route.method) \(route.pattern) with \(permission)")
            }
        }
    }

    @Test("expansions and older versions' embedded refunds need the permissions of what they show")
    func expansionsNeedTheirPermissions() async throws {
        let (account, secret) = try await TestDatabase.account()
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        func key(_ permissions: [Permission]) async throws -> String {
            try await admin.createKey(
                accountID: account.id, kind: .restricted, livemode: false, permissions: permissions
            ).secret
        }
        let chargesOnly = try await key([Permission(.charges, .read)])
        let withBalance = try await key([Permission(.charges, .read), Permission(.balance, .read)])
        let withRefunds = try await key([Permission(.charges, .read), Permission(.refunds, .read)])
        try await Paisa.with { paisa in
            let charge = try #require(try await paisa.charge(key: secret).chargeID)
            let refused = try await paisa.send(
                .get, "/v1/charges/\(charge)?expand[]=balance_transaction", key: chargesOnly)
            #expect(refused.status == 403)
            #expect(refused.error["code"] as? String == "insufficient_permissions")
            #expect((refused.error["message"] as? String)?.contains("balance:read") == true)
            let listed = try await paisa.send(
                .get, "/v1/charges?expand[]=data.balance_transaction", key: chargesOnly)
            #expect(listed.status == 403)
            let allowed = try await paisa.send(
                .get, "/v1/charges/\(charge)?expand[]=balance_transaction", key: withBalance)
            #expect(allowed.status == 200)
            #expect(allowed.json["balance_transaction"] is [String: Any])

            let old = [("Stripe-Version", "2022-08-01")]
            let embedded = try await paisa.send(.get, "/v1/charges/\(charge)", key: chargesOnly, headers: old)
            #expect(embedded.status == 403)
            #expect((embedded.error["message"] as? String)?.contains("refunds:read") == true)
            let shown = try await paisa.send(.get, "/v1/charges/\(charge)", key: withRefunds, headers: old)
            #expect(shown.status == 200)
            #expect(shown.json["refunds"] is [String: Any])
            let newer = try await paisa.send(.get, "/v1/charges/\(charge)", key: chargesOnly)
            #expect(newer.status == 200)
        }
    }

    @Test("keys never appear in the server's logs, whatever the request does")
    func keysNeverLogged() async throws {
        let (account, key) = try await TestDatabase.account()
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        let revoked = try await admin.createKey(accountID: account.id, kind: .secret, livemode: false)
        try await admin.revokeKey(id: revoked.id)
        let unknown = APIKey.generate(kind: .secret, livemode: false)
        let capture = LogCapture()
        try await Paisa.with(logger: capture.logger) { paisa in
            paisa.server.faults.arm(.afterClaim, .init(action: .crash, remaining: 1))
            _ = try await paisa.charge(key: key, idempotencyKey: freshKey())
            _ = try await paisa.charge(key: key, amount: 1)
            _ = try await paisa.charge(key: key, source: "tok_chargeDeclined")
            _ = try await paisa.send(.get, "/v1/charges/ch_nope", key: key)
            _ = try await paisa.send(.get, "/v1/account", key: revoked.secret)
            _ = try await paisa.send(.get, "/v1/account", key: unknown)
            _ = try await paisa.send(
                .get, "/v1/account", key: nil,
                headers: [("Authorization", "Basic " + Data("\(key):".utf8).base64EncodedString())])
        }
        let logged = capture.text
        #expect(logged.contains("request_id"))
        for secret in [key, revoked.secret, unknown] {
            #expect(!logged.contains(secret))
            #expect(!logged.contains(String(secret.dropFirst(8))))
        }
    }

    @Test("a body declared larger than the limit is refused before the rest of it is sent")
    func oversizedBodyRefusedEarly() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let port = try #require(paisa.client.port)
            let head =
                "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\n\r\namount=1"
            // Only the head and eight bytes of a ten-megabyte body are sent; an answer means it did not wait.
            let connection = try RawConnection(port: port)
            try connection.send(head)
            let answer = await connection.readAnswer()
            #expect(answer.hasPrefix("HTTP/1.1 413"))
            #expect(answer.contains("request_too_large"))
        }
    }
}
