import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import OutboundHTTP
import Synchronization

/// The HTTP side of the generator: makes payments (charges or PaymentIntents), lists them, reads balances and manages the run's webhook
/// endpoints, against any base URL.
///
/// One HTTP/1.1 client whose idle connections are kept for the whole in-flight cap, with no redirects, no silent
/// retries, and the attempt timeout over each whole attempt (connecting included).
public final class PaisaClient: Sendable {
    /// A charge, list or balance answer is a few KiB; anything larger is not Paisa answering.
    public static let responseBytesMax = 4 * 1024 * 1024
    /// How long a connection may take to open before the attempt counts as a connection error.
    public static let connectTimeout: Duration = .seconds(5)

    private let http: HTTP1Client
    /// Where payment attempts go, round-robin; the first also answers the audit's reads.
    let baseURLs: [String]
    private var baseURL: String { self.baseURLs[0] }
    private let attempts = Atomic<Int>(0)
    private let attemptTimeout: Duration

    /// A client for `baseURLs`, each `https://host`, `http://127.0.0.1:8080` or either with `/v1`.
    public init(baseURLs: [String], connections: Int, attemptTimeout: Duration) {
        precondition(!baseURLs.isEmpty, "a client needs a base URL")
        var configuration = HTTP1Client.Configuration()
        configuration.connectTimeout = Self.connectTimeout
        configuration.responseBytesMax = Self.responseBytesMax
        configuration.idleConnectionsPerOriginMax = max(connections, 1)
        // Payments run on the event loops (`LoadRunner`): each keeps to its own loop's connections.
        configuration.keepsConnectionsPerEventLoop = true
        // Longer than any pause between a run's stages and its audit.
        configuration.idleTimeout = .seconds(60)
        self.http = HTTP1Client(configuration: configuration)
        self.baseURLs = baseURLs.map(Self.normalized)
        self.attemptTimeout = attemptTimeout
    }

    /// The base URL without a trailing slash or `/v1`.
    static func normalized(_ url: String) -> String {
        var url = url.trimmingSpaces
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/v1") { url.removeLast(3) }
        return url
    }

    /// Closes the connections; call once, after the audit.
    public func shutdown() async {
        await self.http.shutdown()
    }

    /// One attempt of a payment's `POST` to `path` (`/v1/charges`, `/v1/payment_intents`, or an intent's
    /// `confirm`), with `idempotencyKey` or (nil) none; never throws: every failure is an outcome. Also returns the
    /// key the answer names (`Idempotency-Key`), which a keyless client retries with, and for intents the intent's
    /// id when the answer names one.
    public func pay(
        _ path: String, apiKey: String, idempotencyKey: String?, body: String
    ) async -> (outcome: AttemptOutcome, key: String?, intentID: String?) {
        let attempt = self.attempts.add(1, ordering: .relaxed).oldValue
        var headers = Self.headers(apiKey: apiKey)
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        do {
            let response = try await self.send(
                .POST, self.baseURLs[attempt % self.baseURLs.count] + path, headers: headers,
                body: ByteBuffer(string: body))
            let header = { (name: String) in response.headers.first(name: name) }
            let named = response.headers.first(name: "idempotency-key")
            guard path.hasPrefix("/v1/payment_intents") else {
                return (
                    AttemptOutcome.classify(
                        status: response.status, headerValue: header, body: Data(buffer: response.body)), named, nil
                )
            }
            let (outcome, intentID) = AttemptOutcome.classifyIntent(
                status: response.status, headerValue: header, body: Data(buffer: response.body))
            return (outcome, named, intentID)
        } catch {
            return (Self.outcome(of: error), nil, nil)
        }
    }

    /// One `GET` of `path` for probe mode: nil on a 2xx, otherwise the error class (`http_404`, `timeout`, …).
    func probe(path: String, apiKey: String) async -> String? {
        do {
            let response = try await self.send(.GET, self.baseURL + path, headers: Self.headers(apiKey: apiKey))
            return (200..<300).contains(response.status) ? nil : "http_\(response.status)"
        } catch {
            return Self.outcome(of: error).errorClass
        }
    }

    /// One page of `GET /v1/charges`, newest first, created at or after `createdFrom` (unix seconds), with the
    /// balance transactions expanded.
    func listCharges(
        apiKey: String, createdFrom: Int64, startingAfter: String?, pageSize: Int
    ) async throws
        -> WireList<WireCharge>
    {
        var query: [(String, String)] = [
            ("limit", String(pageSize)), ("created[gte]", String(createdFrom)),
            ("expand[]", "data.balance_transaction"),
        ]
        if let startingAfter { query.append(("starting_after", startingAfter)) }
        return try await self.get(
            "/v1/charges?" + FormEncoding.query(query), apiKey: apiKey, as: WireList<WireCharge>.self)
    }

    /// One page of `GET /v1/payment_intents`, newest first, created at or after `createdFrom` (unix seconds).
    func listPaymentIntents(
        apiKey: String, createdFrom: Int64, startingAfter: String?, pageSize: Int
    ) async throws
        -> WireList<WirePaymentIntent>
    {
        var query: [(String, String)] = [("limit", String(pageSize)), ("created[gte]", String(createdFrom))]
        if let startingAfter { query.append(("starting_after", startingAfter)) }
        return try await self.get(
            "/v1/payment_intents?" + FormEncoding.query(query), apiKey: apiKey, as: WireList<WirePaymentIntent>.self)
    }

    /// `GET /v1/balance`, as available plus pending per currency.
    func balance(apiKey: String) async throws -> [String: Int64] {
        let balance = try await self.get("/v1/balance", apiKey: apiKey, as: WireBalance.self)
        var totals: [String: Int64] = [:]
        for entry in balance.available + balance.pending {
            totals[entry.currency, default: 0] += entry.amount
        }
        return totals
    }

    /// The approvals without a charge that a server's `/readyz` reports as stranded; nil when it does not say.
    func strandedApprovals(baseURL: String) async -> Int? {
        do {
            let response = try await self.send(.GET, baseURL + "/readyz", headers: [:])
            return try JSONDecoder().decode(WireReadiness.self, from: response.body).unrecordedApprovals?.stranded
        } catch {
            return nil
        }
    }

    /// `POST /v1/webhook_endpoints` with `form`, under `idempotencyKey` so a retry cannot create a second
    /// endpoint (whose secret the run would never learn). Returns the status and, on 200, the endpoint; throws
    /// only when the request got no answer.
    func createWebhookEndpoint(
        apiKey: String, form: String, idempotencyKey: String
    ) async throws -> (status: Int, endpoint: WireWebhookEndpoint?, problem: String?) {
        var headers = Self.headers(apiKey: apiKey)
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Idempotency-Key", value: idempotencyKey)
        let response = try await self.send(
            .POST, self.baseURL + "/v1/webhook_endpoints", headers: headers, body: ByteBuffer(string: form))
        let status = response.status
        guard status == 200 else {
            return (
                status, nil,
                Self.problem("POST /v1/webhook_endpoints", status: status, body: response.body).description
            )
        }
        guard let endpoint = try? JSONDecoder().decode(WireWebhookEndpoint.self, from: response.body) else {
            return (status, nil, "POST /v1/webhook_endpoints answered 200 without an endpoint's id and secret.")
        }
        return (status, endpoint, nil)
    }

    /// `DELETE /v1/webhook_endpoints/:id`; returns the status (200 deleted, 404 already gone), throws when the
    /// request got no answer.
    func deleteWebhookEndpoint(apiKey: String, id: String) async throws -> (status: Int, problem: String?) {
        let response = try await self.send(
            .DELETE, self.baseURL + "/v1/webhook_endpoints/" + FormEncoding.escape(id),
            headers: Self.headers(apiKey: apiKey))
        let status = response.status
        return (
            status,
            status == 200
                ? nil
                : Self.problem("DELETE /v1/webhook_endpoints/\(id)", status: status, body: response.body).description
        )
    }

    /// An answer other than the documented one, with the API's message when it gave one.
    private static func problem(_ what: String, status: Int, body: ByteBuffer) -> APIProblem {
        let message = (try? JSONDecoder().decode(WireErrorEnvelope.self, from: body))?.error.message
        return APIProblem("\(what) answered \(status)" + (message.map { ": \($0)" } ?? "."))
    }

    private func get<Answer: Decodable>(_ path: String, apiKey: String, as type: Answer.Type) async throws -> Answer {
        let response = try await self.send(.GET, self.baseURL + path, headers: Self.headers(apiKey: apiKey))
        guard response.status == 200 else {
            throw Self.problem("GET \(path.prefix { $0 != "?" })", status: response.status, body: response.body)
        }
        return try JSONDecoder().decode(Answer.self, from: response.body)
    }

    /// The headers of a request that authenticates with `apiKey`.
    private static func headers(apiKey: String) -> HTTPHeaders {
        ["Authorization": "Bearer \(apiKey)", "User-Agent": "paisa-load/1"]
    }

    /// Sends a request within the attempt timeout and reads its whole body, which must fit `responseBytesMax`.
    private func send(
        _ method: HTTPMethod, _ url: String, headers: HTTPHeaders, body: ByteBuffer? = nil
    ) async throws -> HTTP1Client.Response {
        let response = try await self.http.execute(
            method, url, headers: headers, body: body, timeout: self.attemptTimeout)
        guard !response.isTruncated else {
            throw APIProblem("\(method) \(url) answered more than \(Self.responseBytesMax) bytes.")
        }
        return response
    }

    /// What a failed send means: a timeout, or a connection that could not carry the request.
    private static func outcome(of error: any Error) -> AttemptOutcome {
        switch error as? HTTP1Client.Failure {
        case .timeout?: .timeout
        default: .connection(String(describing: error))
        }
    }
}
