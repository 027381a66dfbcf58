/// How a caller retries a failed attempt: same key, exponential backoff with jitter, honouring `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts a caller may make at most, whatever the flag says: past this, retrying hides an outage.
    public static let attemptsCeiling = 20
    /// The longest backoff the flag accepts: a client waiting longer has given up in all but name.
    public static let backoffCeiling: Duration = .seconds(60)

    /// Attempts per caller, the first included.
    public let attemptsMax: Int
    /// Backoff before the second attempt (before jitter); doubled per attempt.
    public let backoffInitial: Duration
    /// No backoff, `Retry-After` included, is longer than this.
    public let backoffMax: Duration

    /// A validated policy.
    public init(attemptsMax: Int, backoffInitial: Duration, backoffMax: Duration) throws(LoadInputError) {
        guard (1...Self.attemptsCeiling).contains(attemptsMax) else {
            throw LoadInputError("--attempts must be between 1 and \(Self.attemptsCeiling).")
        }
        guard backoffInitial > .zero, backoffInitial <= backoffMax, backoffMax <= Self.backoffCeiling else {
            throw LoadInputError("Backoff must satisfy 0 < --backoff <= --backoff-max <= 60s.")
        }
        self.attemptsMax = attemptsMax
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
    }

    /// The pause after failed attempt number `attempt` (1 for the first).
    ///
    /// "Equal jitter": half the exponential step is fixed, half is drawn from `unit` in (0, 1], so retries of
    /// many callers spread out but none retries at once. A `Retry-After` from the server is a floor, still capped.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, unit: Double) -> Duration {
        precondition(attempt >= 1, "attempts count from 1")
        let doublings = min(attempt - 1, 30)
        let step = min(self.backoffInitial.seconds * Double(1 << doublings), self.backoffMax.seconds)
        var seconds = step / 2 + step / 2 * min(max(unit, 0), 1)
        if let retryAfter { seconds = max(seconds, retryAfter.seconds) }
        seconds = min(seconds, self.backoffMax.seconds)
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
