import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsStore
import Testing

@Suite("Authentication, errors and the /v1 skeleton")
struct AuthenticationAndRoutingTests {
    @Test("GET /v1/account answers the key's account with Bearer and with HTTP Basic")
    func accountWithBothSchemes() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let bearer = try await paisa.send(.get, "/v1/account", key: key)
            #expect(bearer.status == 200)
            #expect(bearer.string("id") == account.id)
            #expect(bearer.string("object") == "account")
            let basic = try await paisa.send(
                .get, "/v1/account", key: nil,
                headers: [("Authorization", "Basic " + Data("\(key):".utf8).base64EncodedString())])
            #expect(basic.status == 200)
            #expect(basic.string("id") == account.id)
        }
    }

    @Test("missing, malformed, unknown and revoked keys all get 401 invalid_request_error")
    func unauthenticated() async throws {
        let (account, key) = try await TestDatabase.account()
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        let revoked = try await admin.createKey(accountID: account.id, kind: .secret, livemode: false)
        let revokedID = try #require(
            try await admin.keys(accountID: account.id).first { $0.last4 == APIKey.last4(of: revoked.secret) }?.id)
        try await admin.revokeKey(id: revokedID)
        try await Paisa.with { paisa in
            let missing = try await paisa.send(.get, "/v1/account", key: nil)
            let malformed = try await paisa.send(.get, "/v1/account", key: "not-a-key")
            let unknown = try await paisa.send(
                .get, "/v1/account", key: APIKey.generate(kind: .secret, livemode: false))
            let gone = try await paisa.send(.get, "/v1/account", key: revoked.secret)
            for reply in [missing, malformed, unknown, gone] {
                #expect(reply.status == 401)
                #expect(reply.error["type"] as? String == "invalid_request_error")
                #expect((reply.error["message"] as? String)?.contains(revoked.secret) == false)
            }
            #expect(missing.error["code"] as? String == "api_key_missing")
            // An unknown key and a revoked one read the same: nothing hints that an account exists.
            #expect(unknown.error["code"] as? String == gone.error["code"] as? String)
            #expect(try await paisa.send(.get, "/v1/account", key: key).status == 200)
        }
    }

    @Test("a restricted key without the permission gets 403; with it, 200")
    func restrictedKeys() async throws {
        let (_, readOnly) = try await TestDatabase.account(restricted: [Permission(.charges, .read)])
        let (_, writer) = try await TestDatabase.account(restricted: [Permission(.charges, .write)])
        try await Paisa.with { paisa in
            let refused = try await paisa.charge(key: readOnly)
            #expect(refused.status == 403)
            #expect(refused.error["code"] as? String == "insufficient_permissions")
            #expect(try await paisa.send(.get, "/v1/charges", key: readOnly).status == 200)
            #expect(try await paisa.send(.get, "/v1/account", key: readOnly).status == 403)
            #expect(try await paisa.charge(key: writer).status == 200)
            // Write implies read.
            #expect(try await paisa.send(.get, "/v1/charges", key: writer).status == 200)
        }
    }

    @Test("unknown routes answer 404 and wrong methods 405 with Allow, both as error objects")
    func routingErrors() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let missing = try await paisa.send(.get, "/v1/nothing-here", key: key)
            #expect(missing.status == 404)
            #expect(missing.error["type"] as? String == "invalid_request_error")
            let wrongMethod = try await paisa.send(.delete, "/v1/charges", key: key)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow")?.contains("POST") == true)
            #expect(wrongMethod.error["code"] as? String == "method_not_allowed")
        }
    }

    @Test("a method a known path does not take answers 405 with Allow, on /v1 paths and the public pages alike")
    func undeclaredMethods() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.trace, "/v1/balance", "GET"), (.put, "/v1/balance", "GET"), (.patch, "/v1/charges/ch_x", "GET, POST"),
                (.options, "/v1/customers/cus_x", "GET, POST, DELETE"), (.trace, "/healthz", "GET"),
                (.post, "/readyz", "GET"), (.delete, "/metrics", "GET"), (.put, "/v1/openapi.json", "GET"),
                (.trace, "/docs/errors", "GET"),
                // A literal segment owns its path under every method: the search, not a charge named `search`.
                (.post, "/v1/charges/search", "GET"), (.options, "/v1/customers/search", "GET"),
                (.delete, "/v1/customers/search", "GET"),
            ]
            for (method, path, allowed) in cases {
                // Before authentication: a request without a key learns the same.
                for key in [key, nil] {
                    let reply = try await paisa.send(method, path, key: key)
                    #expect(reply.status == 405, "\(method) \(path)")
                    #expect(reply.header("Allow") == allowed, "\(method) \(path)")
                    #expect(reply.error["code"] as? String == "method_not_allowed", "\(method) \(path)")
                    #expect(reply.error["type"] as? String == "invalid_request_error", "\(method) \(path)")
                }
            }
            #expect(try await paisa.send(.trace, "/v1/nothing-here", key: key).status == 404)
        }
    }

    @Test("expand[] is a list, as Stripe's clients send it, of at most 20 paths even where nothing is expanded")
    func expandLists() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            #expect(try await paisa.send(.get, "/v1/account?expand[]=a&expand[]=b", key: key).status == 200)
            #expect(try await paisa.send(.get, "/v1/balance?expand%5B%5D=a", key: key).status == 200)
            let many = (0...Limits.expandEntriesMax).map { "expand[]=p\($0)" }.joined(separator: "&")
            for path in ["/v1/account", "/v1/balance", "/v1/events/evt_x", "/v1/webhook_endpoints/we_x"] {
                let tooMany = try await paisa.send(.get, "\(path)?\(many)", key: key)
                #expect(tooMany.status == 400, "\(path)")
                #expect(tooMany.error["param"] as? String == "expand", "\(path)")
            }
            let single = try await paisa.send(.get, "/v1/account?expand=a", key: key)
            #expect(single.status == 400)
            #expect(single.error["param"] as? String == "expand")
            let listed = try await paisa.send(
                .get, "/v1/charges?expand[]=data.customer&expand[]=data.balance_transaction", key: key)
            #expect(listed.status == 200)
            let nameless = try await paisa.send(.post, "/v1/customers", key: key, form: [("", "x")])
            #expect(nameless.error["code"] as? String == "parameter_invalid_name")
        }
    }

    @Test("bodies over the limit get 413 before they are read")
    func bodyLimit() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let large = String(repeating: "a", count: Limits.requestBodyBytesMax + 1)
            let reply = try await paisa.send(.post, "/v1/charges", key: key, form: [("description", large)])
            #expect(reply.status == 413)
            #expect(reply.error["code"] as? String == "request_too_large")
            let justUnder = String(repeating: "a", count: 900)
            #expect(try await paisa.charge(key: key, extra: [("description", justUnder)]).status == 200)
        }
    }

    @Test("an unexpected failure answers 500 with a generic message and no internals")
    func internalError() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            paisa.server.faults.arm(.afterProcessorCall, .init(action: .crash, remaining: 1))
            let reply = try await paisa.charge(key: key, idempotencyKey: freshKey())
            #expect(reply.status == 500)
            #expect(reply.error["type"] as? String == "api_error")
            let message = try #require(reply.error["message"] as? String)
            #expect(!message.contains("Injected") && !message.contains("Fault") && !message.contains("SQL"))
        }
    }

    @Test("every response carries a Request-Id and the resolved Stripe-Version")
    func requestIDs() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let replies = [
                try await paisa.send(.get, "/v1/account", key: key),
                try await paisa.send(.get, "/v1/account", key: nil),
                try await paisa.send(.get, "/v1/nope", key: key),
                try await paisa.charge(key: key, amount: 1),
            ]
            var ids = Set<String>()
            for reply in replies {
                let id = try #require(reply.header("Request-Id"))
                #expect(id.hasPrefix("req_"))
                ids.insert(id)
                #expect(reply.header("Stripe-Version") != nil)
                #expect(reply.header("Content-Type") == "application/json; charset=utf-8")
            }
            #expect(ids.count == replies.count)
            // The public routes, outside /v1, carry one too.
            for path in ["/healthz", "/readyz", "/metrics", "/v1/openapi.json", "/docs/errors"] {
                let reply = try await paisa.send(.get, path, key: nil)
                #expect(reply.header("Request-Id")?.hasPrefix("req_") == true, "\(path) has no Request-Id")
            }
        }
    }

    @Test("health: /healthz is alive, /readyz reaches the database, both without a key")
    func health() async throws {
        try await Paisa.with { paisa in
            #expect(try await paisa.send(.get, "/healthz", key: nil).status == 200)
            let ready = try await paisa.send(.get, "/readyz", key: nil)
            #expect(ready.status == 200)
            #expect(ready.string("database") == "reachable")
        }
    }

    @Test("invalid Idempotency-Key headers are refused before anything is stored")
    func badIdempotencyKeys() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let long = String(repeating: "k", count: Limits.idempotencyKeyLengthMax + 1)
            for bad in [long, "caf\u{e9}"] {
                let reply = try await paisa.charge(key: key, idempotencyKey: bad)
                #expect(reply.status == 400)
                #expect(reply.error["code"] as? String == "idempotency_key_invalid")
            }
            let longest = String(repeating: "k", count: Limits.idempotencyKeyLengthMax)
            #expect(try await paisa.charge(key: key, idempotencyKey: longest).status == 200)
        }
    }
}
