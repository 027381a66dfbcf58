import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// The HTTP side of the generator: makes payments (charges or PaymentIntents), lists them, reads balances and manages the run's webhook
/// endpoints, against any base URL.
///
/// One AsyncHTTPClient with a connection pool sized for the in-flight cap (its default of 8 connections per host
/// would otherwise cap the load silently), no redirects, no silent connect retries, and a read timeout equal to
/// the attempt timeout.
public final class PaisaClient: Sendable {
    /// A charge, list or balance answer is a few KiB; anything larger is not Paisa answering.
    public static let responseBytesMax = 4 * 1024 * 1024
    /// How long a connection may take to open before the attempt counts as a connection error.
    public static let connectTimeout: Duration = .seconds(5)

    private let http: HTTPClient
    /// Where payment attempts go, round-robin; the first also answers the audit's reads.
    let baseURLs: [String]
    private var baseURL: String { self.baseURLs[0] }
    private let attempts = Atomic<Int>(0)
    private let attemptTimeout: Duration

    /// A client for `baseURLs`, each `https://host`, `http://127.0.0.1:8080` or either with `/v1`.
    public init(baseURLs: [String], connections: Int, attemptTimeout: Duration) {
        precondition(!baseURLs.isEmpty, "a client needs a base URL")
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(Self.connectTimeout.nanoseconds), read: .nanoseconds(attemptTimeout.nanoseconds)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        // A failed connect is an attempt that failed: our retry policy (counted, backed off) handles it, rather
        // than the pool retrying silently until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
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
        try? await self.http.shutdown()
    }

    /// One attempt of a payment's `POST` to `path` (`/v1/charges`, `/v1/payment_intents`, or an intent's
    /// `confirm`), with `idempotencyKey` or (nil) none; never throws: every failure is an outcome. Also returns the
    /// key the answer names (`Idempotency-Key`), which a keyless client retries with, and for intents the intent's
    /// id when the answer names one.
    public func pay(
        _ path: String, apiKey: String, idempotencyKey: String?, body: String
    ) async -> (outcome: AttemptOutcome, key: String?, intentID: String?) {
        let attempt = self.attempts.add(1, ordering: .relaxed).oldValue
        var request = self.request(self.baseURLs[attempt % self.baseURLs.count] + path, apiKey: apiKey)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let (response, bytes) = try await self.send(request)
            let status = Int(response.status.code)
            let header = { (name: String) in response.headers.first(name: name) }
            let named = response.headers.first(name: "idempotency-key")
            guard path.hasPrefix("/v1/payment_intents") else {
                return (
                    AttemptOutcome.classify(status: status, headerValue: header, body: Data(buffer: bytes)), named, nil
                )
            }
            let (outcome, intentID) = AttemptOutcome.classifyIntent(
                status: status, headerValue: header, body: Data(buffer: bytes))
            return (outcome, named, intentID)
        } catch {
            return (Self.outcome(of: error), nil, nil)
        }
    }

    /// One `GET` of `path` for probe mode: nil on a 2xx, otherwise the error class (`http_404`, `timeout`, …).
    func probe(path: String, apiKey: String) async -> String? {
        do {
            let (response, _) = try await self.send(self.request(self.baseURL + path, apiKey: apiKey))
            return (200..<300).contains(Int(response.status.code)) ? nil : "http_\(response.status.code)"
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
            let (_, bytes) = try await self.send(HTTPClientRequest(url: baseURL + "/readyz"))
            return try JSONDecoder().decode(WireReadiness.self, from: bytes).unrecordedApprovals?.stranded
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
        var request = self.request(self.baseURL + "/v1/webhook_endpoints", apiKey: apiKey)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(string: form))
        let (response, bytes) = try await self.send(request)
        let status = Int(response.status.code)
        guard status == 200 else {
            return (status, nil, Self.problem("POST /v1/webhook_endpoints", status: status, body: bytes).description)
        }
        guard let endpoint = try? JSONDecoder().decode(WireWebhookEndpoint.self, from: bytes) else {
            return (status, nil, "POST /v1/webhook_endpoints answered 200 without an endpoint's id and secret.")
        }
        return (status, endpoint, nil)
    }

    /// `DELETE /v1/webhook_endpoints/:id`; returns the status (200 deleted, 404 already gone), throws when the
    /// request got no answer.
    func deleteWebhookEndpoint(apiKey: String, id: String) async throws -> (status: Int, problem: String?) {
        var request = self.request(
            self.baseURL + "/v1/webhook_endpoints/" + FormEncoding.escape(id), apiKey: apiKey)
        request.method = .DELETE
        let (response, bytes) = try await self.send(request)
        let status = Int(response.status.code)
        return (
            status,
            status == 200
                ? nil : Self.problem("DELETE /v1/webhook_endpoints/\(id)", status: status, body: bytes).description
        )
    }

    /// An answer other than the documented one, with the API's message when it gave one.
    private static func problem(_ what: String, status: Int, body: ByteBuffer) -> APIProblem {
        let message = (try? JSONDecoder().decode(WireErrorEnvelope.self, from: body))?.error.message
        return APIProblem("\(what) answered \(status)" + (message.map { ": \($0)" } ?? "."))
    }

    private func get<Answer: Decodable>(_ path: String, apiKey: String, as type: Answer.Type) async throws -> Answer {
        let (response, bytes) = try await self.send(self.request(self.baseURL + path, apiKey: apiKey))
        guard response.status == .ok else {
            throw Self.problem("GET \(path.prefix { $0 != "?" })", status: Int(response.status.code), body: bytes)
        }
        return try JSONDecoder().decode(Answer.self, from: bytes)
    }

    /// A request for `url` that authenticates with `apiKey`.
    private func request(_ url: String, apiKey: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "User-Agent", value: "paisa-load/1")
        return request
    }

    /// Sends `request` within the attempt timeout and reads its whole (bounded) body.
    private func send(_ request: HTTPClientRequest) async throws -> (HTTPClientResponse, ByteBuffer) {
        let response = try await self.http.execute(request, timeout: .nanoseconds(self.attemptTimeout.nanoseconds))
        return (response, try await response.body.collect(upTo: Self.responseBytesMax))
    }

    /// What a failed send means: a timeout, or a connection that could not carry the request.
    private static func outcome(of error: any Error) -> AttemptOutcome {
        switch error as? HTTPClientError {
        case .deadlineExceeded?, .readTimeout?, .writeTimeout?: .timeout
        default: .connection(String(describing: error))
        }
    }
}
