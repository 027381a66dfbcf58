import Logging
import Metrics
import NIOCore
import NIOHTTP1
import OutboundHTTP
import Payments
import PaymentsStore
import ServiceLifecycle

/// Posts events to webhook endpoints, on every instance. The charge path only inserts rows (the triggers of
/// sql/006); this service claims due deliveries under a lease (`FOR UPDATE SKIP LOCKED`, so two instances never
/// hold the same one), posts each signed, records the attempt and schedules the next one after a failure. Nothing
/// waits in memory but what is in flight: at most `concurrency` deliveries, `perEndpoint` per endpoint.
public struct WebhookDeliverer: Service {
    public struct Settings: Sendable {
        /// How long an endpoint has to answer with a 2xx.
        public var timeout: Duration
        public var retry: WebhookRetryPolicy
        /// How often due deliveries are looked for when there is nothing in hand.
        public var poll: Duration
        /// Deliveries in flight on this instance, and per endpoint across instances.
        public var concurrency: Int
        public var perEndpoint: Int

        public static let timeoutDefault: Duration = .seconds(10)
        public static let retryFirstDefault: Duration = .seconds(60)
        public static let retryMaxDefault: Duration = .seconds(3 * 3600)
        public static let giveUpDefault: Duration = .seconds(72 * 3600)
        public static let pollDefault: Duration = .milliseconds(200)
        public static let concurrencyDefault = 32
        public static let perEndpointDefault = 8

        public init(
            timeout: Duration = Self.timeoutDefault,
            retry: WebhookRetryPolicy = WebhookRetryPolicy(
                first: Self.retryFirstDefault, max: Self.retryMaxDefault, giveUpAfter: Self.giveUpDefault),
            poll: Duration = Self.pollDefault, concurrency: Int = Self.concurrencyDefault,
            perEndpoint: Int = Self.perEndpointDefault
        ) {
            self.timeout = timeout
            self.retry = retry
            self.poll = poll
            self.concurrency = concurrency
            self.perEndpoint = perEndpoint
        }

        /// A claim outlives the attempt it covers (bounded by the timeout, body included) and the wait to record
        /// its outcome. Not by much more: a dead instance's claims count against their endpoints' share until their
        /// leases end, so a long lease would hold every delivery to those endpoints back that long after a crash.
        var lease: Duration { self.timeout + Self.leaseMargin }
        static let leaseMargin: Duration = .seconds(5)
        /// A gap this long between two failures of an endpoint means it had no traffic, not that it is down: the
        /// next failure starts a new streak. A dead endpoint fails at least this often, as every retry comes back
        /// within `retry.max`.
        var streakGap: Duration { self.retry.max * 2 }
    }

    /// The most of an endpoint's answer that is read (and thrown away): its status is all that counts.
    static let responseBytesMax = 64 * 1024
    /// How long recording an attempt may take before the lease is left to run out instead.
    static let recordBudget: Duration = .seconds(5)

    let store: any PaymentsStore
    let versioning: Versioning
    let settings: Settings
    let logger: Logger

    public init(store: any PaymentsStore, versioning: Versioning, settings: Settings, logger: Logger) {
        self.store = store
        self.versioning = versioning
        self.settings = settings
        self.logger = logger
    }

    private enum Finished {
        case delivery
        case tick
    }

    /// Outcomes written at once: however many attempts are in flight, delivery holds at most this many pooled
    /// connections for them (and one to claim), and the charge path keeps the rest.
    static let recordingConnectionsMax = 4

    public func run() async throws {
        let client = Self.makeClient(self.settings)
        let recording = Gate(Self.recordingConnectionsMax)
        // Busy, the loop claims again once this many slots are free rather than after every delivery: one claim
        // for several deliveries. An endpoint's share is the usual bound, so half of it.
        let batch = max(1, min(self.settings.concurrency, self.settings.perEndpoint) / 2)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Finished.self) { group in
                var inFlight = 0
                var ticking = false
                var due = true
                var ended = 0
                while !Task.isCancelled {
                    let free = self.settings.concurrency - inFlight
                    if due && free > 0 {
                        let claimed = await self.claim(limit: free)
                        for delivery in claimed {
                            inFlight += 1
                            group.addTask {
                                let attempt = await self.attempt(delivery, client: client)
                                await recording.enter()
                                await self.record(attempt)
                                await recording.leave()
                                return .delivery
                            }
                        }
                        // Claimed all there was room for; look again when slots free up, or at the next poll.
                        due = false
                        ended = 0
                    }
                    if !ticking {
                        ticking = true
                        let poll = self.settings.poll
                        group.addTask {
                            try? await Task.sleep(for: poll)
                            return .tick
                        }
                    }
                    switch await group.next() {
                    case .delivery?:
                        inFlight -= 1
                        ended += 1
                        due = ended >= batch || inFlight == 0
                    case .tick?:
                        ticking = false
                        due = true
                    case nil: break
                    }
                }
            }
        }
        await client.shutdown()
    }

    /// One pass by hand, for tests: claims what is due now and delivers it, waiting for every attempt. Returns how
    /// many attempts were made.
    @discardableResult
    public func deliverDue() async -> Int {
        let client = Self.makeClient(self.settings)
        let claimed = await self.claim(limit: self.settings.concurrency)
        let attempts = await withTaskGroup(of: DeliveryAttempt.self) { group in
            for delivery in claimed {
                group.addTask { await self.attempt(delivery, client: client) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for attempt in attempts { await self.record(attempt) }
        await client.shutdown()
        return claimed.count
    }

    /// The client of the service (or of one pass by hand): an endpoint's connections are reused until idle for
    /// `HTTP1Client.Configuration.idleTimeout`. It follows no redirect (a redirect is not a success: the endpoint must
    /// answer at the URL it was registered with), and keeps at most `responseBytesMax` of an answer.
    private static func makeClient(_ settings: Settings) -> HTTP1Client {
        var configuration = HTTP1Client.Configuration()
        configuration.connectTimeout = min(.seconds(5), settings.timeout)
        configuration.responseBytesMax = Self.responseBytesMax
        return HTTP1Client(configuration: configuration)
    }

    private func claim(limit: Int) async -> [ClaimedDelivery] {
        do {
            let claimed = try await self.store.claimDeliveries(
                limit: limit, perEndpoint: self.settings.perEndpoint, lease: self.settings.lease,
                deadline: .after(Self.recordBudget))
            if claimed.isEmpty {
                // Sampled when idle, so the gauge falls to zero once the backlog is worked off.
                Gauge(label: "paisa_webhook_backlog").record(0)
            } else if claimed.count == limit {
                let backlog = try await self.store.deliveryBacklog(deadline: .after(Self.recordBudget))
                Gauge(label: "paisa_webhook_backlog").record(backlog)
            }
            return claimed
        } catch {
            self.logger.warning(
                "could not claim webhook deliveries", metadata: ["error": "\(StoreFailure.describe(error))"])
            return []
        }
    }

    /// The event's body as this endpoint gets it: in its version, else the account's.
    func payload(_ delivery: ClaimedDelivery) -> [UInt8] {
        let version =
            (try? self.versioning.resolve(
                header: nil, accountDefault: delivery.endpoint.apiVersion ?? delivery.accountVersion))
            ?? Versioning.newest
        return JSONWriter.bytes(
            self.versioning.render(
                Render.event(delivery.event, version: version), at: version, context: VersionContext()))
    }

    /// Posts one delivery, signed over the exact bytes sent; what came of it, and what happens next.
    func attempt(_ delivery: ClaimedDelivery, client: HTTP1Client) async -> DeliveryAttempt {
        let body = self.payload(delivery)
        let started = Timestamp.now()
        let headers: HTTPHeaders = [
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Paisa/1.0 (+webhooks)",
            "Stripe-Signature": WebhookSignature.header(
                secret: delivery.endpoint.secret, timestamp: started.seconds, payload: body),
        ]
        let clock = ContinuousClock.now
        var statusCode: Int? = nil
        var problem: String? = nil
        var outcome = "error"
        do {
            // The whole attempt, connecting and the answer's body included, within the timeout: an endpoint that
            // answers at a crawl must not hold a slot (and outlive its lease) because its headers came in time.
            let status = try await client.execute(
                .POST, delivery.endpoint.url, headers: headers, body: ByteBuffer(bytes: body),
                timeout: self.settings.timeout
            ).status
            statusCode = status
            if (200..<300).contains(status) {
                outcome = "delivered"
            } else {
                outcome = "failed"
                problem = "the endpoint answered \(status)"
            }
        } catch HTTP1Client.Failure.timeout {
            outcome = "timeout"
            problem = "no whole answer within \(self.settings.timeout)"
        } catch {
            problem = "\(error)"
        }
        let duration = ContinuousClock.now - clock
        Counter(label: "paisa_webhook_attempts_total", dimensions: [("outcome", outcome)]).increment()
        let next: DeliveryAttempt.Next =
            outcome == "delivered"
            ? .delivered
            : self.settings.retry.next(
                afterFailedAttempt: delivery.attempt, created: delivery.event.created, now: .now())
        switch next {
        case .delivered:
            let lag = Timestamp.now().microseconds - delivery.event.created.microseconds
            Timer(label: "paisa_webhook_delivery_lag_seconds", preferredDisplayUnit: .seconds)
                .recordNanoseconds(max(lag, 0) * 1000)
        case .giveUp:
            Counter(label: "paisa_webhook_deliveries_given_up_total").increment()
            self.logger.warning(
                "webhook delivery given up",
                metadata: [
                    "event": "\(delivery.event.id)", "endpoint": "\(delivery.endpoint.id)",
                    "attempts": "\(delivery.attempt)",
                ])
        case .retry: break
        }
        return DeliveryAttempt(
            delivery: delivery, started: started, duration: duration, statusCode: statusCode, error: problem, next: next
        )
    }

    /// Stores an attempt's outcome; a failure to store it leaves the lease to run out.
    func record(_ attempt: DeliveryAttempt) async {
        let delivery = attempt.delivery
        do {
            let disabled = try await self.store.recordAttempt(
                attempt, disableAfter: self.settings.retry.giveUpAfter, streakGap: self.settings.streakGap,
                deadline: .after(Self.recordBudget))
            if disabled {
                Counter(label: "paisa_webhook_endpoints_disabled_total").increment()
                self.logger.warning(
                    "webhook endpoint disabled: no success for too long",
                    metadata: [
                        "endpoint": "\(delivery.endpoint.id)", "account": "\(delivery.endpoint.scope.accountID)",
                    ])
            }
        } catch {
            // The lease runs out and the delivery is tried again: at least once, perhaps twice.
            self.logger.warning(
                "could not record a webhook attempt",
                metadata: ["event": "\(delivery.event.id)", "error": "\(StoreFailure.describe(error))"])
        }
    }
}

/// At most `capacity` holders at once; the rest wait in order. Its waiters are bounded by the tasks that use it.
actor Gate {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ capacity: Int) {
        self.available = capacity
    }

    func enter() async {
        if self.available > 0 {
            self.available -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    func leave() {
        if self.waiting.isEmpty {
            self.available += 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}
