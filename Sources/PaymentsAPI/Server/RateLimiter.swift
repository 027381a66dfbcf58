import Payments
import Synchronization

/// Requests per second an account may make in each mode, reads and writes counted apart, as Stripe limits them.
public struct RateLimits: Sendable, Equatable {
    /// Stripe's limits: 100 requests per second in live mode, 25 in test mode.
    public static let liveDefault: Double = 100
    public static let testDefault: Double = 25
    /// No limit at all: what the tests and the benchmark use unless they test the limit.
    public static let off = RateLimits(live: 0, test: 0)

    /// Live-mode requests per second per account, for reads and for writes each; 0 is no limit.
    public var live: Double
    /// Test-mode requests per second per account, for reads and for writes each; 0 is no limit.
    public var test: Double
    /// How many requests a bucket holds when full: a burst that is served at once. Nil: one second's worth.
    public var burst: Double?

    public init(live: Double = Self.liveDefault, test: Double = Self.testDefault, burst: Double? = nil) {
        self.live = live
        self.test = test
        self.burst = burst
    }

    /// The rate for a mode; nil when that mode is not limited.
    func rate(livemode: Bool) -> Double? {
        let rate = livemode ? self.live : self.test
        return rate > 0 ? rate : nil
    }
}

/// A token bucket per account, mode and kind of request (read or write), kept by this instance: with several
/// instances behind a balancer each admits its own share (docs/scale-out.md). A bucket refills continuously at the
/// mode's rate up to its burst; a request takes one token or is refused with 429 `rate_limit` and a `Retry-After`
/// of the time until the next token. Refused requests run nothing, so a write refused here claims no key.
final class RateLimiter: Sendable {
    /// Buckets kept at most. Only authenticated accounts get one, and a full bucket is the same as none, so past
    /// this the full ones are dropped; if every one is in use, a request of an account without a bucket is admitted
    /// untracked rather than refused for another account's traffic.
    static let bucketsMax = 100_000

    private struct Key: Hashable {
        let accountID: String
        let livemode: Bool
        let write: Bool
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let limits: RateLimits
    private let buckets = Mutex<[Key: Bucket]>([:])

    init(_ limits: RateLimits) {
        self.limits = limits
    }

    /// Takes a token for a request of `principal`, or throws the 429 that says when to come back.
    func admit(_ principal: Principal, write: Bool, now: ContinuousClock.Instant = .now) throws(WireError) {
        guard let rate = self.limits.rate(livemode: principal.livemode) else { return }
        let capacity = max(self.limits.burst ?? rate, 1)
        let key = Key(accountID: principal.accountID, livemode: principal.livemode, write: write)
        let wait: Double? = self.buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + Self.seconds(now - bucket.updated) * rate)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return (1 - bucket.tokens) / rate
            }
            bucket.tokens -= 1
            if buckets[key] == nil && buckets.count >= Self.bucketsMax {
                Self.dropFull(&buckets, limits: self.limits, now: now)
                guard buckets.count < Self.bucketsMax else { return nil }
            }
            buckets[key] = bucket
            return nil
        }
        guard let wait else { return }
        Observability.recordRateLimited(livemode: principal.livemode)
        throw WireError.rateLimited(
            mode: principal.livemode ? "live" : "test", rate: rate, retryAfterSeconds: max(1, Int(wait.rounded(.up))))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Forgets the buckets that have refilled, each judged by its own mode's rate and burst: they admit exactly as a
    /// new one would.
    private static func dropFull(_ buckets: inout [Key: Bucket], limits: RateLimits, now: ContinuousClock.Instant) {
        buckets = buckets.filter { key, bucket in
            guard let rate = limits.rate(livemode: key.livemode) else { return false }
            let capacity = max(limits.burst ?? rate, 1)
            return bucket.tokens + Self.seconds(now - bucket.updated) * rate < capacity
        }
    }
}

extension WireError {
    /// Stripe's answer past the rate limit: 429 `rate_limit` (the SDKs raise `RateLimitError`).
    static func rateLimited(mode: String, rate: Double, retryAfterSeconds: Int) -> WireError {
        WireError(
            status: .tooManyRequests, type: "invalid_request_error", code: .rateLimit,
            message: "Too many requests hit the API too quickly: this account may make \(Int(rate)) \(mode)-mode "
                + "requests per second of each kind (reads and writes apart). Retry after \(retryAfterSeconds) s, "
                + "with the same Idempotency-Key for a write, and back off exponentially.",
            retryAfterSeconds: retryAfterSeconds)
    }
}
