/// Probe mode: each arrival is one `GET` of a fixed path, no retries, no audit. For measuring the generator
/// itself against a cheap endpoint (`/healthz`, `/v1/account`), next to other tools on the same machine.
struct ProbeExecutor: Sendable {
    let client: PaisaClient
    /// The path requested, e.g. `/healthz`.
    let path: String
    /// Sent as the bearer token (harmless for public paths).
    let apiKey: String
    /// Called after every attempt, for the attempt counters.
    let onAttempt: @Sendable (String) -> Void

    /// One request; a 2xx is an answer, anything else an error of its class.
    func run() async -> Completion {
        let clock = ContinuousClock()
        let sent = clock.now
        let errorClass = await self.client.probe(path: self.path, apiKey: self.apiKey)
        self.onAttempt(errorClass ?? "ok")
        return Completion(
            errorClass: errorClass, firstAnswer: nil, attempts: 1, record: nil, firstSent: sent, finished: clock.now)
    }
}
