/// Webhook endpoints could not be set up, so the run did not start: the reason, in a sentence.
public struct WebhookSetupError: Error, CustomStringConvertible {
    public let description: String

    /// An error with its explanation.
    public init(_ description: String) {
        self.description = description
    }
}

/// The run's webhooks from before the traffic until after the audit: the receiver, and on every account the run
/// uses (one per key) an endpoint for all events pointing at it.
final class WebhookSession: Sendable {
    /// Attempts per endpoint request: a timeout, a lost connection, a 409 or a 5xx is tried again.
    static let attemptsMax = 3
    /// The pause between those attempts.
    static let retryPause: Duration = .milliseconds(500)
    /// How often the audit looks again for final events that have not arrived.
    static let drainPollInterval: Duration = .milliseconds(100)

    let receiver: WebhookReceiver
    /// One per key, in the keys' order.
    let endpoints: [WebhookReport.Endpoint]

    private init(receiver: WebhookReceiver, endpoints: [WebhookReport.Endpoint]) {
        self.receiver = receiver
        self.endpoints = endpoints
    }

    /// The path deliveries of run `runID` are taken on.
    static func path(runID: String) -> String { "/paisa-load/\(runID)" }

    /// Starts the receiver and creates an endpoint on every key's account; on any failure deletes what it
    /// created and throws, before any traffic.
    static func start(
        client: PaisaClient, apiKeys: [String], runID: String
    ) async throws(WebhookSetupError) -> WebhookSession {
        let log = WebhookLog()
        let receiver: WebhookReceiver
        do {
            receiver = try await WebhookReceiver.start(path: Self.path(runID: runID), log: log)
        } catch {
            throw WebhookSetupError("The webhook receiver could not listen on 127.0.0.1: \(error)")
        }
        // One nonce per invocation: a later run reusing --run-id must not replay this run's endpoints.
        var random = SystemRandomNumberGenerator()
        let nonce = String(random.next(), radix: 36)
        var endpoints: [WebhookReport.Endpoint] = []
        for (account, key) in apiKeys.enumerated() {
            let form = FormEncoding.query([
                ("url", receiver.url), ("enabled_events[]", "*"), ("description", "paisa-load run \(runID)"),
                ("metadata[\(Workload.runMetadataKey)]", runID),
            ])
            var problem = "no attempt was made"
            for attempt in 1...Self.attemptsMax {
                do {
                    let answer = try await client.createWebhookEndpoint(
                        apiKey: key, form: form, idempotencyKey: "pl-\(runID)-webhook-\(account)-\(nonce)")
                    if let endpoint = answer.endpoint {
                        log.add(secret: endpoint.secret)
                        endpoints.append(WebhookReport.Endpoint(account: account, id: endpoint.id, deleted: false))
                        break
                    }
                    problem = answer.problem ?? "answered \(answer.status)"
                    if answer.status != 409 && answer.status < 500 { break }
                } catch {
                    problem = "\(error)"
                }
                if attempt < Self.attemptsMax { try? await Task.sleep(for: Self.retryPause) }
            }
            if endpoints.count <= account {
                let session = WebhookSession(receiver: receiver, endpoints: endpoints)
                _ = await session.finish(client: client, apiKeys: apiKeys)
                throw WebhookSetupError("Creating the webhook endpoint of key #\(account) failed: \(problem)")
            }
        }
        return WebhookSession(receiver: receiver, endpoints: endpoints)
    }

    /// Waits, at most `limit`, until every charge of `charges` that has ended has had its final event delivered;
    /// returns how long it waited.
    func drain(_ charges: [ServerCharge], limit: Duration) async -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var waiting = charges.compactMap { FinalEvent(chargeID: $0.id, status: $0.status) }
        while true {
            waiting = self.receiver.log.missing(waiting)
            guard !waiting.isEmpty, clock.now - start + Self.drainPollInterval <= limit else { break }
            try? await Task.sleep(for: Self.drainPollInterval)
        }
        return clock.now - start
    }

    /// Deletes the endpoints and stops the receiver; a failure to delete is reported, never fatal. Returns the
    /// endpoints, each marked deleted (or already gone) or not, and a note per failure.
    func finish(client: PaisaClient, apiKeys: [String]) async -> (endpoints: [WebhookReport.Endpoint], notes: [String])
    {
        var endpoints = self.endpoints
        var notes: [String] = []
        for index in endpoints.indices {
            let endpoint = endpoints[index]
            var problem = "no attempt was made"
            for attempt in 1...Self.attemptsMax {
                do {
                    let answer = try await client.deleteWebhookEndpoint(
                        apiKey: apiKeys[endpoint.account], id: endpoint.id)
                    if answer.status == 200 {
                        endpoints[index].deleted = true
                        break
                    }
                    // DELETE takes no Idempotency-Key: after an attempt that got no answer, 404 means it worked.
                    if answer.status == 404 {
                        endpoints[index].deleted = true
                        if attempt == 1 {
                            notes.append(
                                "The webhook endpoint \(endpoint.id) of key #\(endpoint.account) was already gone when "
                                    + "the run came to delete it (404).")
                        }
                        break
                    }
                    problem = answer.problem ?? "answered \(answer.status)"
                    if answer.status != 409 && answer.status < 500 { break }
                } catch {
                    problem = "\(error)"
                }
                if attempt < Self.attemptsMax { try? await Task.sleep(for: Self.retryPause) }
            }
            if !endpoints[index].deleted {
                notes.append(
                    "The webhook endpoint \(endpoint.id) of key #\(endpoint.account) could not be deleted (\(problem)); "
                        + "delete it with DELETE /v1/webhook_endpoints/\(endpoint.id).")
            }
        }
        await self.receiver.shutdown()
        return (endpoints, notes)
    }
}
