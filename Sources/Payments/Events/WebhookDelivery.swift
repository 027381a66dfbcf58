/// One delivery this instance has claimed: the event, where it goes, and the lease that makes it this attempt's.
public struct ClaimedDelivery: Sendable {
    public let id: Int64
    /// This attempt's number, from 1.
    public let attempt: Int
    /// Only the holder of this token may record the attempt's outcome.
    public let leaseToken: String
    public let endpoint: WebhookEndpoint
    /// The version to render in when the endpoint names none.
    public let accountVersion: String
    public let event: Event

    public init(
        id: Int64, attempt: Int, leaseToken: String, endpoint: WebhookEndpoint, accountVersion: String, event: Event
    ) {
        self.id = id
        self.attempt = attempt
        self.leaseToken = leaseToken
        self.endpoint = endpoint
        self.accountVersion = accountVersion
        self.event = event
    }
}

/// What one attempt came to, and what happens next.
public struct DeliveryAttempt: Sendable {
    public enum Next: Sendable, Equatable {
        /// A 2xx: the delivery is done.
        case delivered
        /// Try again at this time.
        case retry(at: Timestamp)
        /// Out of time: the delivery is given up.
        case giveUp
    }

    public let delivery: ClaimedDelivery
    public let started: Timestamp
    public let duration: Duration
    /// The endpoint's status code, or nil when it gave none.
    public let statusCode: Int?
    /// Why the attempt failed without a status code (or with a non-2xx one); nil for a success.
    public let error: String?
    public let next: Next

    public init(
        delivery: ClaimedDelivery, started: Timestamp, duration: Duration, statusCode: Int?, error: String?,
        next: Next
    ) {
        self.delivery = delivery
        self.started = started
        self.duration = duration
        self.statusCode = statusCode
        self.error = error
        self.next = next
    }
}

/// When a failed delivery is tried again: exponential backoff from `first`, capped at `max`, each delay scaled by a
/// random factor in [0.5, 1] so that the deliveries of one outage do not all come back at once; given up once the
/// next attempt would fall later than `giveUpAfter` after the event.
public struct WebhookRetryPolicy: Sendable, Equatable {
    public let first: Duration
    public let max: Duration
    public let giveUpAfter: Duration

    public init(first: Duration, max: Duration, giveUpAfter: Duration) {
        precondition(first > .zero && max >= first, "retry delays are positive and the cap is at least the first")
        self.first = first
        self.max = max
        self.giveUpAfter = giveUpAfter
    }

    /// What follows a failure of attempt number `attempt` of an event made at `created`; `jitter` in [0.5, 1].
    public func next(
        afterFailedAttempt attempt: Int, created: Timestamp, now: Timestamp, jitter: Double = .random(in: 0.5...1)
    ) -> DeliveryAttempt.Next {
        let doublings = Swift.min(Swift.max(attempt - 1, 0), 40)
        let uncapped = Double(self.first.nanoseconds) * Double(UInt64(1) << UInt64(doublings))
        let delay = Swift.min(uncapped, Double(self.max.nanoseconds)) * jitter
        let at = now.adding(microseconds: Int64(delay / 1000))
        let deadline = created.adding(microseconds: self.giveUpAfter.nanoseconds / 1000)
        return at.microseconds > deadline.microseconds ? .giveUp : .retry(at: at)
    }
}
