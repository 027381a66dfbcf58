import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OutboundHTTP
import PaisaTestSupport
import Payments
import PaymentsStore
import ServiceLifecycle
import Testing

@testable import PaymentsAPI

/// A Paisa server built exactly as `paisa serve` builds it, over the shared test database, serving on a free port
/// of 127.0.0.1 for the test's requests. Background services do not run by themselves: tests run a completer or
/// reconciler pass when they mean to.
struct Paisa {
    let client: LiveClient
    let server: ServerComponents
    /// Every request says it came through a TLS-terminating proxy (`X-Forwarded-Proto: https`), which the server
    /// is told to trust: for tests that send live keys, which plain HTTP refuses.
    var overHTTPS = false

    /// Builds a server (with `configure` applied to a test configuration), starts it, runs `body` against it, and
    /// stops it gracefully.
    static func with(
        configuration configure: (inout ServerConfiguration) -> Void = { _ in }, logger: Logger = TestDatabase.logger,
        overHTTPS: Bool = false, _ body: @Sendable (Paisa) async throws -> Void
    ) async throws {
        // The whole suite runs at once on two cores, so a test about anything but the clock gets a budget a loaded
        // machine cannot miss (10 s), and a lease longer than it (20 s), so that no other test's completer takes over
        // a key this test's request still holds. Tests of the budget set their own; tests of crash recovery ask for
        // `shortLease` to resume quickly.
        var configuration = ServerConfiguration(
            database: try DatabaseSettings(url: TestDatabase.url), runBackgroundServices: false)
        configuration.docsDirectory = Self.docsDirectory
        // Tests revoke keys and change pinned versions, and expect the next request to see it.
        configuration.api.keyCacheLifetime = .zero
        BudgetTests.generousBudget(&configuration)
        configure(&configuration)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        if overHTTPS { configuration.api.transport.trustForwardedProto = true }
        let (bound, boundPort) = AsyncStream.makeStream(of: Int.self)
        let (app, server) = try buildApplication(
            configuration, logger: logger, sharedClient: try await TestDatabase.client(),
            onServerRunning: { channel in
                boundPort.yield(channel.localAddress?.port ?? 0)
                boundPort.finish()
            })
        let services = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that fails to start ends the wait for its port; its error is thrown below.
                defer { boundPort.finish() }
                try await services.run()
            }
            // The fuzz tests send header bytes that HTTP does not allow, to see the server refuse them.
            var client = HTTP1Client.Configuration()
            client.validatesHeaders = false
            let http = HTTP1Client(configuration: client)
            let outcome: Result<Void, any Error>
            if let port = await bound.first(where: { _ in true }) {
                do {
                    try await body(
                        Paisa(client: LiveClient(port: port, http: http), server: server, overHTTPS: overHTTPS))
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
            } else {
                outcome = .success(())
            }
            await http.shutdown()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            try outcome.get()
        }
    }

    /// A lease short enough for crash-recovery tests to retry or complete an abandoned key within seconds, and long
    /// enough that an attempt on a loaded machine finishes inside it: every completer of the suite's servers picks
    /// up every abandoned key, and an attempt that outlives its lease is taken over and counted, until the
    /// completer gives up on the key (seen with 300 ms: 11 attempts in 5 s, and a voided confirmation).
    static let shortLease: Duration = .seconds(1)

    /// The checkout's `docs/` folder.
    static let docsDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs").path
    }()

    /// Sends a request. `form` pairs are sent form-encoded in order (names and values are encoded as given, so
    /// tests can send raw brackets or escapes); `json` sends a JSON body instead.
    func send(
        _ method: HTTPRequest.Method, _ path: String, key: String?, form: [(String, String)] = [], json: String? = nil,
        idempotencyKey: String? = nil, headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        var body: ByteBuffer? = nil
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if !form.isEmpty {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form.map { "\($0)=\($1)" }.joined(separator: "&"))
        }
        if self.overHTTPS { headers[HTTPField.Name("X-Forwarded-Proto")!] = "https" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let response = try await self.client.executeRequest(uri: path, method: method, headers: headers, body: body)
        let reply = Reply(
            status: Int(response.status.code), headers: response.headers,
            body: Array(response.body.readableBytesView))
        // Every answer the suite gets is checked against the OpenAPI document, whatever the test looks at.
        let problems = OpenAPIValidator.validate(method: method, path: path, status: reply.status, body: reply.body)
        #expect(problems.isEmpty, "\(method) \(path) → \(reply.status) differs from docs/openapi.json: \(problems)")
        return reply
    }

    /// One completer pass over this account's abandoned keys, as `Completer.completeAbandoned()` makes over every
    /// account's. The suite's tests share one database, and a pass over all of it finishes other tests' keys under
    /// their feet: a test that asserts its key was left unfinished saw another test's pass finish it.
    func completeAbandoned(account: String) async throws {
        let abandoned = try await self.server.store.abandonedRequests(limit: 1_000, deadline: .after(.seconds(5)))
        for request in abandoned where request.scope.accountID == account {
            _ = await self.server.completer.resume(request)
        }
    }

    /// Settles one pending test-mode charge as the reconciler would, asking until the sandbox has decided (bounded);
    /// true once it settled. A pass of the reconciler itself would also work through every other test's pending
    /// charges.
    func settle(_ chargeID: String, account: String) async throws -> Bool {
        let scope = Scope(accountID: account, livemode: false)
        let reconciling = ChargeService(
            store: self.server.store, processor: self.server.processor, faults: FaultInjector(),
            logger: TestDatabase.logger)
        for _ in 0..<60 {
            try await Task.sleep(for: .milliseconds(100))
            guard
                let charge = try await self.server.store.charge(
                    id: chargeID, scope: scope, deadline: .after(.seconds(5)))
            else { return false }
            if try await reconciling.settle(charge, deadline: .after(.seconds(5))) { return true }
        }
        return false
    }

    /// `POST /v1/charges` with sensible defaults.
    func charge(
        key: String, amount: Int = 2000, currency: String = "inr", source: String = "tok_visa",
        idempotencyKey: String? = nil, extra: [(String, String)] = [], headers: [(String, String)] = []
    ) async throws -> Reply {
        try await self.send(
            .post, "/v1/charges", key: key,
            form: [("amount", String(amount)), ("currency", currency), ("source", source)] + extra,
            idempotencyKey: idempotencyKey, headers: headers)
    }
}

/// A response, with its JSON at hand.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: [UInt8]

    /// The top-level JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }

    /// The `error` object of an error response.
    var error: [String: Any] { self.json["error"] as? [String: Any] ?? [:] }

    /// A header by name.
    func header(_ name: String) -> String? {
        self.headers[HTTPField.Name(name)!]
    }

    /// A string field of the top-level object.
    func string(_ field: String) -> String? { self.json[field] as? String }

    /// The `id` of the object answered, or the empty string.
    var id: String { self.string("id") ?? "" }

    /// The charge id of a charge, or of the charge a decline names.
    var chargeID: String? { self.string("id") ?? self.error["charge"] as? String }

    var text: String { String(decoding: self.body, as: UTF8.self) }
}

/// A fresh random idempotency key.
func freshKey() -> String { "test-" + ObjectID.randomBase62(count: 16) }
