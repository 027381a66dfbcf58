import Crypto
import Foundation
import PaisaTestSupport
import Payments
import PaymentsAPI
import PaymentsStore
import Testing

@Suite("Webhook endpoints and signed deliveries", .serialized)
struct WebhookTests {
    /// Before each test: every endpoint already in the test database is deleted (those earlier tests left, whose
    /// receivers are gone, and those the SDK suite and schemathesis made in an earlier `make test`), so that no
    /// delivery pass keeps retrying them and the suite's passes stay as cheap as its first. No other Swift suite
    /// makes webhook endpoints, this one runs its tests one at a time, and the Python suites never run alongside it.
    init() async throws {
        _ = try await TestDatabase.client().query("DELETE FROM webhook_endpoints", logger: TestDatabase.logger)
    }

    static func endpoint(
        _ paisa: Paisa, key: String, url: String, events: [String] = ["*"], extra: [(String, String)] = []
    ) async throws -> Reply {
        try await paisa.send(
            .post, "/v1/webhook_endpoints", key: key,
            form: [("url", url)] + events.map { ("enabled_events[]", $0) } + extra)
    }

    /// Runs delivery passes until `done` holds, sleeping between them; a bound for a broken test, not a timing.
    static func deliver(_ paisa: Paisa, until done: () throws -> Bool) async throws {
        for _ in 0..<100 {
            if try done() { return }
            await paisa.server.webhooks.deliverDue()
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The signature checked as a receiver would, with HMAC-SHA256 of its own.
    static func signatureHolds(_ received: WebhookReceiver.Received, secret: String) -> Bool {
        guard let header = received.headers["stripe-signature"] else { return false }
        var timestamp = ""
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = pair[1] }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).".utf8) + received.body, using: SymmetricKey(data: Array(secret.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return signatures.contains(hex)
    }

    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.webhooks = WebhookDeliverer.Settings(
            timeout: .seconds(5),
            retry: WebhookRetryPolicy(first: .milliseconds(10), max: .milliseconds(40), giveUpAfter: .seconds(3600)),
            poll: .milliseconds(20))
    }

    @Test("create shows the secret once; retrieve, list, update, disable and delete; a second delete is a 404")
    func endpointLifecycle() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let created = try await Self.endpoint(
                paisa, key: key, url: "https://example.com/hook", events: ["charge.succeeded", "charge.succeeded"],
                extra: [("description", "orders"), ("metadata[team]", "payments"), ("api_version", "2022-08-01")])
            #expect(created.status == 200)
            #expect(created.string("secret")?.hasPrefix("whsec_") == true)
            #expect(created.json["enabled_events"] as? [String] == ["charge.succeeded"])
            #expect(created.string("api_version") == "2022-08-01")
            #expect(created.string("status") == "enabled")
            let id = created.id

            let retrieved = try await paisa.send(.get, "/v1/webhook_endpoints/\(id)", key: key)
            #expect(retrieved.json["secret"] == nil)
            #expect(retrieved.string("description") == "orders")
            let listed = try await paisa.send(.get, "/v1/webhook_endpoints", key: key)
            #expect((listed.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            let disabled = try await paisa.send(
                .post, "/v1/webhook_endpoints/\(id)", key: key,
                form: [("disabled", "true"), ("enabled_events[]", "*"), ("url", "https://example.com/other")])
            #expect(disabled.string("status") == "disabled")
            #expect(disabled.json["enabled_events"] as? [String] == ["*"])
            #expect(disabled.string("url") == "https://example.com/other")
            #expect(disabled.json["secret"] == nil)

            let deleted = try await paisa.send(.delete, "/v1/webhook_endpoints/\(id)", key: key)
            #expect(deleted.status == 200)
            #expect(deleted.json["deleted"] as? Bool == true)
            #expect(try await paisa.send(.delete, "/v1/webhook_endpoints/\(id)", key: key).status == 404)
            #expect(try await paisa.send(.get, "/v1/webhook_endpoints/\(id)", key: key).status == 404)
        }
    }

    @Test(
        "URLs: http(s) only; test mode takes loopback, never private, link-local or numeric hosts; live takes neither")
    func endpointURLs() async throws {
        let (_, key) = try await TestDatabase.account()
        let (_, live) = try await TestDatabase.account(livemode: true)
        try await Paisa.with(overHTTPS: true) { paisa in
            #expect(try await Self.endpoint(paisa, key: key, url: "http://127.0.0.1:9/hook").status == 200)
            #expect(try await Self.endpoint(paisa, key: key, url: "http://localhost:9/hook").status == 200)
            for refused in [
                "ftp://example.com/hook", "not a url", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
                "http://[fe80::1]/hook", "http://2130706433/hook", "http://0x7f.1/hook", "http://192.168.1.1/",
                "https://user:pass@example.com/hook", "http://[::ffff:10.0.0.1]/hook", "http://127.0x0.0.1/hook",
                "http://169.254.169.0xfe/", "http://10.0x0.0.1/", "http://postgres/hook",
                "http://metadata.google.internal/", "http://printer.local./", "http://[64:ff9b::a00:1]/",
                "http://[2002:a00:1::]/", "http://[fec0::1]/", "http://0.0.0.0/", "http://127.1/",
            ] {
                let reply = try await Self.endpoint(paisa, key: key, url: refused)
                #expect(reply.status == 400, "\(refused)")
                #expect(reply.error["code"] as? String == "url_invalid", "\(refused)")
                #expect(reply.error["param"] as? String == "url", "\(refused)")
            }
            for refused in [
                "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://[::1]/hook", "http://foo.localhost./",
            ] {
                let reply = try await Self.endpoint(paisa, key: live, url: refused)
                #expect(reply.status == 400, "\(refused)")
                #expect((reply.error["message"] as? String)?.contains("live mode") == true)
            }
            #expect(try await Self.endpoint(paisa, key: live, url: "https://example.com/hook").status == 200)
            let unknown = try await Self.endpoint(paisa, key: key, url: "https://example.com", events: ["charge.won"])
            #expect(unknown.status == 400)
            #expect(unknown.error["param"] as? String == "enabled_events[0]")
            let none = try await Self.endpoint(paisa, key: key, url: "https://example.com", events: [])
            #expect(none.status == 400)
        }
    }

    @Test("an account and mode may have at most 16 endpoints")
    func endpointLimit() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            for index in 0..<Limits.webhookEndpointsMax {
                #expect(try await Self.endpoint(paisa, key: key, url: "https://example.com/\(index)").status == 200)
            }
            let refused = try await Self.endpoint(paisa, key: key, url: "https://example.com/17")
            #expect(refused.status == 400)
            #expect(refused.error["code"] as? String == "parameter_limit_exceeded")
        }
    }

    @Test("a charge's event is posted signed over the exact bytes, to the endpoints that listen for it")
    func signedDelivery() async throws {
        let (_, key) = try await TestDatabase.account()
        let receiver = try WebhookReceiver()
        let deaf = try WebhookReceiver()
        defer {
            receiver.stop()
            deaf.stop()
        }
        try await Paisa.with(configuration: Self.configure) { paisa in
            let endpoint = try await Self.endpoint(paisa, key: key, url: receiver.url, events: ["charge.succeeded"])
            let secret = try #require(endpoint.string("secret"))
            _ = try await Self.endpoint(paisa, key: key, url: deaf.url, events: ["refund.created"])
            let charge = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.count == 1 }
            let received = try #require(receiver.received.first)
            #expect(Self.signatureHolds(received, secret: secret))
            var tampered = received
            tampered = WebhookReceiver.Received(
                headers: received.headers, body: received.body + [0x20], status: received.status)
            #expect(!Self.signatureHolds(tampered, secret: secret))
            #expect(received.headers["content-type"] == "application/json; charset=utf-8")
            let event = try #require(try JSONSerialization.jsonObject(with: Data(received.body)) as? [String: Any])
            #expect(event["type"] as? String == "charge.succeeded")
            #expect(EventTests.object(event)["id"] as? String == charge.id)
            #expect(deaf.received.isEmpty)
            // Delivered: nothing is pending for it any more.
            let read = try await paisa.send(.get, "/v1/events/\(event["id"] as? String ?? "")", key: key)
            #expect(read.json["pending_webhooks"] as? Int == 0)
            #expect(
                try await TestDatabase.strings(
                    "SELECT state FROM webhook_deliveries WHERE endpoint_id = \(endpoint.id)") == ["delivered"])
        }
    }

    @Test("failures are retried until a 2xx, every attempt recorded; an endpoint's version renders its deliveries")
    func retriesAndVersions() async throws {
        let (_, key) = try await TestDatabase.account()
        let receiver = try WebhookReceiver(statuses: [500, 503])
        defer { receiver.stop() }
        try await Paisa.with(configuration: Self.configure) { paisa in
            let endpoint = try await Self.endpoint(
                paisa, key: key, url: receiver.url, events: ["charge.succeeded"], extra: [("api_version", "2022-08-01")]
            )
            _ = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.contains { $0.status == 200 } }
            #expect(receiver.received.map(\.status) == [500, 503, 200])
            let bodies = Set(receiver.received.map { EventTests.object(Self.json($0.body))["id"] as? String })
            #expect(bodies.count == 1)
            let delivered = Self.json(try #require(receiver.received.last).body)
            #expect(delivered["api_version"] as? String == "2022-08-01")
            // 2022-08-01 embeds refunds in charges.
            #expect(EventTests.object(delivered)["refunds"] is [String: Any])
            let attempts = try await TestDatabase.integers(
                """
                SELECT a.status_code FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                WHERE d.endpoint_id = \(endpoint.id) ORDER BY a.attempt
                """)
            #expect(attempts == [500, 503, 200])
        }
    }

    @Test("past the give-up time a delivery is given up, and an endpoint failing that long is disabled")
    func givingUp() async throws {
        let (_, key) = try await TestDatabase.account()
        let receiver = try WebhookReceiver(statuses: Array(repeating: 500, count: 10))
        defer { receiver.stop() }
        try await Paisa.with(configuration: { configuration in
            configuration.webhooks = WebhookDeliverer.Settings(
                timeout: .seconds(5),
                // Given up at once; failures a minute apart are still one streak.
                retry: WebhookRetryPolicy(first: .milliseconds(10), max: .seconds(30), giveUpAfter: .zero),
                poll: .milliseconds(20))
        }) { paisa in
            let endpoint = try await Self.endpoint(paisa, key: key, url: receiver.url)
            _ = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.count == 1 }
            #expect(
                try await TestDatabase.strings(
                    "SELECT state FROM webhook_deliveries WHERE endpoint_id = \(endpoint.id)") == ["given_up"])
            #expect(
                try await paisa.send(.get, "/v1/webhook_endpoints/\(endpoint.id)", key: key).string("status")
                    == "enabled")
            _ = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.count == 2 }
            let after = try await paisa.send(.get, "/v1/webhook_endpoints/\(endpoint.id)", key: key)
            #expect(after.string("status") == "disabled")
            _ = try await paisa.charge(key: key)
            #expect(await paisa.server.webhooks.deliverDue() == 0)
        }
    }

    @Test("claims never overlap; a claim whose holder died is taken again after its lease, as the next attempt")
    func leases() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.configure) { paisa in
            _ = try await Self.endpoint(paisa, key: key, url: "http://127.0.0.1:9/hook")
            for _ in 0..<6 { _ = try await paisa.charge(key: key) }
            let store = paisa.server.store
            // Other tests' deliveries may be due too: the limits leave room for all of them.
            async let first = store.claimDeliveries(
                limit: 500, perEndpoint: 100, lease: .seconds(60), deadline: .after(.seconds(5)))
            async let second = store.claimDeliveries(
                limit: 500, perEndpoint: 100, lease: .seconds(60), deadline: .after(.seconds(5)))
            let (a, b) = try await (first, second)
            let ids = (a + b).filter { $0.endpoint.scope.accountID == account.id }.map(\.id)
            #expect(ids.count == 6)
            #expect(Set(ids).count == 6)
            #expect(
                try await store.claimDeliveries(
                    limit: 10, perEndpoint: 100, lease: .seconds(60), deadline: .after(.seconds(5))
                ).filter { $0.endpoint.scope.accountID == account.id }.isEmpty)

            // A holder that dies: its lease ends and the next claim takes the delivery as attempt 2.
            let (_, other) = try await TestDatabase.account()
            _ = try await Self.endpoint(paisa, key: other, url: "http://127.0.0.1:9/hook")
            let charge = try await paisa.charge(key: other)
            let dead = try await store.claimDeliveries(
                limit: 100, perEndpoint: 100, lease: .milliseconds(1), deadline: .after(.seconds(5))
            ).filter { $0.event.object.id == charge.id }
            #expect(dead.map(\.attempt) == [1])
            try await Task.sleep(for: .milliseconds(20))
            let taken = try await store.claimDeliveries(
                limit: 100, perEndpoint: 100, lease: .seconds(60), deadline: .after(.seconds(5))
            ).filter { $0.event.object.id == charge.id }
            #expect(taken.map(\.attempt) == [2])
            // The dead holder's late outcome is not recorded over the live one's.
            let late = DeliveryAttempt(
                delivery: try #require(dead.first), started: .now(), duration: .zero, statusCode: 200, error: nil,
                next: .delivered)
            _ = try await store.recordAttempt(
                late, disableAfter: .seconds(3600), streakGap: .seconds(3600), deadline: .after(.seconds(5)))
            #expect(
                try await TestDatabase.strings(
                    "SELECT state FROM webhook_deliveries WHERE event_id IN (SELECT id FROM events WHERE object_id = \(charge.id))"
                ) == ["pending"])
            // Nobody listens at port 9: the endpoints go, so no later pass keeps trying them.
            for key in [key, other] {
                let endpoints = try await paisa.send(.get, "/v1/webhook_endpoints", key: key)
                for endpoint in endpoints.json["data"] as? [[String: Any]] ?? [] {
                    _ = try await paisa.send(
                        .delete, "/v1/webhook_endpoints/\(endpoint["id"] as? String ?? "")", key: key)
                }
            }
        }
    }

    @Test("a charge recorded while its account's endpoint is being deleted neither waits for nor fails with it")
    func endpointDeletedDuringACharge() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let endpoint = try await Self.endpoint(paisa, key: key, url: "https://example.com/hook")
            // The delete holds its row lock, uncommitted, while a charge is recorded.
            try await TestDatabase.client().withConnection { connection in
                try await connection.query("BEGIN", logger: TestDatabase.logger)
                try await connection.query(
                    "DELETE FROM webhook_endpoints WHERE account_id = \(account.id) AND id = \(endpoint.id)",
                    logger: TestDatabase.logger)
                let charge = try await paisa.charge(key: key)
                #expect(charge.status == 200)
                try await connection.query("COMMIT", logger: TestDatabase.logger)
            }
            let events = try await EventTests.events(paisa, key: key)
            #expect(events.map { $0["type"] as? String } == ["charge.succeeded"])
            // The delivery the charge added for the endpoint being deleted is never pending for anyone.
            #expect(events.first?["pending_webhooks"] as? Int == 0)
            _ = await paisa.server.webhooks.deliverDue()
            #expect(
                try await TestDatabase.integers(
                    """
                    SELECT count(*) FROM webhook_deliveries d
                    JOIN webhook_endpoints w ON w.account_id = d.account_id AND w.id = d.endpoint_id
                    WHERE d.account_id = \(account.id)
                    """) == [0])
        }
    }

    @Test("an endpoint deleted while an attempt is being recorded waits for the recording instead of deadlocking")
    func endpointDeletedDuringARecording() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: Self.configure) { paisa in
            let endpoint = try await Self.endpoint(paisa, key: key, url: "http://127.0.0.1:9/hook")
            _ = try await paisa.charge(key: key)
            #expect(
                try await TestDatabase.integers(
                    "SELECT count(*) FROM webhook_deliveries WHERE account_id = \(account.id)") == [1])
            try await TestDatabase.client().withConnection { connection in
                // A recording's first step, held open: its delivery's row is locked.
                try await connection.query("BEGIN", logger: TestDatabase.logger)
                try await connection.query(
                    "UPDATE webhook_deliveries SET attempts = attempts WHERE account_id = \(account.id)",
                    logger: TestDatabase.logger)
                async let deleted = paisa.send(.delete, "/v1/webhook_endpoints/\(endpoint.id)", key: key)
                // Once the delete waits for that row (a bound for a broken test, not a timing)...
                var waited = false
                for _ in 0..<500 where !waited {
                    waited =
                        try await TestDatabase.integers(
                            """
                            SELECT count(*) FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock'
                              AND query LIKE '%DELETE FROM webhook_deliveries%'
                            """) != [0]
                    if !waited { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(waited, "the delete never waited for the delivery's row")
                // ...the recording's second step, its endpoint's row, must still be free for it to take.
                do {
                    let rows = try await connection.query(
                        """
                        SELECT 1 FROM webhook_endpoints WHERE account_id = \(account.id) AND id = \(endpoint.id)
                        FOR UPDATE NOWAIT
                        """, logger: TestDatabase.logger)
                    var locked = 0
                    for try await _ in rows { locked += 1 }
                    #expect(locked == 1)
                } catch {
                    Issue.record(
                        "the delete held the endpoint while it waited for the delivery: \(String(reflecting: error))")
                }
                try await connection.query("COMMIT", logger: TestDatabase.logger)
                #expect(try await deleted.status == 200)
            }
            #expect(
                try await TestDatabase.integers(
                    "SELECT count(*) FROM webhook_deliveries WHERE account_id = \(account.id)") == [0])
        }
    }

    @Test("events past 30 days are reaped with their deliveries and attempts; younger ones stay")
    func eventsAreReaped() async throws {
        let (account, key) = try await TestDatabase.account()
        let receiver = try WebhookReceiver(statuses: [500])
        defer { receiver.stop() }
        try await Paisa.with(configuration: Self.configure) { paisa in
            _ = try await Self.endpoint(paisa, key: key, url: receiver.url)
            let old = try await paisa.charge(key: key)
            _ = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.count >= 2 }
            _ = try await TestDatabase.client().query(
                """
                UPDATE events SET created_at = now() - interval '31 days'
                WHERE account_id = \(account.id) AND object_id = \(old.id)
                """, logger: TestDatabase.logger)
            var reaped = 0
            for _ in 0..<1000 {
                let count = await paisa.server.reaper.reapOldEvents()
                reaped += count
                if count == 0 { break }
            }
            #expect(reaped >= 1)
            let left = try await TestDatabase.strings(
                "SELECT object_id FROM events WHERE account_id = \(account.id)")
            #expect(left.count == 1)
            #expect(!left.contains(old.id))
            #expect(
                try await TestDatabase.integers(
                    "SELECT count(*) FROM webhook_deliveries WHERE account_id = \(account.id)") == [1])
        }
    }

    @Test("the operator sees an event's deliveries and every attempt, and resends it; a resent event keeps its id")
    func operatorCommands() async throws {
        let (account, key) = try await TestDatabase.account()
        let receiver = try WebhookReceiver(statuses: [502])
        defer { receiver.stop() }
        try await Paisa.with(configuration: Self.configure) { paisa in
            let endpoint = try await Self.endpoint(paisa, key: key, url: receiver.url)
            _ = try await paisa.charge(key: key)
            try await Self.deliver(paisa) { receiver.received.contains { $0.status == 200 } }
            let admin = EventsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
            let recent = try await admin.recent(accountID: account.id, limit: 10)
            let event = try #require(recent.first)
            #expect(event.type == "charge.succeeded")
            #expect(event.delivered == 1)
            let (_, deliveries) = try await admin.deliveries(eventID: event.id)
            #expect(deliveries.map(\.endpointID) == [endpoint.id])
            #expect(deliveries.first?.attempts.map(\.statusCode) == [502, 200])
            #expect(deliveries.first?.state == "delivered")

            try await admin.resend(eventID: event.id, endpointID: endpoint.id)
            try await Self.deliver(paisa) { receiver.received.count == 3 }
            let ids = receiver.received.map { Self.json($0.body)["id"] as? String }
            #expect(Set(ids) == [event.id])
            await #expect(throws: EventsAdmin.Problem.noSuchEndpoint("we_nothing")) {
                try await admin.resend(eventID: event.id, endpointID: "we_nothing")
            }
            await #expect(throws: EventsAdmin.Problem.noSuchEvent("evt_nothing")) {
                try await admin.deliveries(eventID: "evt_nothing")
            }
        }
    }

    static func json(_ body: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}
