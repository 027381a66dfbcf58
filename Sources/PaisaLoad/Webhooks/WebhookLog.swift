import Synchronization

/// One accepted delivery: the event, which endpoint's secret signed it, and when it arrived.
public struct WebhookDelivery: Sendable, Equatable {
    public var event: WebhookEvent
    /// The index of the key (account) whose endpoint's secret verified it.
    public var endpoint: Int
    /// When the whole request had been read, on the run's clock (for lags against the client's answers).
    public var receivedAt: ContinuousClock.Instant
    /// The same moment in unix seconds, to the millisecond (for lags against the event's `created`).
    public var receivedUnix: Double

    /// A delivery from its parts.
    public init(event: WebhookEvent, endpoint: Int, receivedAt: ContinuousClock.Instant, receivedUnix: Double) {
        self.event = event
        self.endpoint = endpoint
        self.receivedAt = receivedAt
        self.receivedUnix = receivedUnix
    }
}

/// A charge's final event, as the audit waits for it: `charge.succeeded` or `charge.failed` for one charge.
public struct FinalEvent: Sendable, Hashable {
    public var chargeID: String
    public var type: String

    /// The final event a charge in `status` must have produced; nil while it is pending.
    public init?(chargeID: String, status: ChargeStatus) {
        switch status {
        case .succeeded: self.type = "charge.succeeded"
        case .failed: self.type = "charge.failed"
        case .pending: return nil
        }
        self.chargeID = chargeID
    }

    init(chargeID: String, type: String) {
        self.chargeID = chargeID
        self.type = type
    }
}

/// A delivery the receiver refused (answered 400 or 413), in words.
public struct WebhookRefusal: Sendable, Equatable {
    /// Why its signature failed; nil when it was authentic but not an event (or too large to read).
    public var signature: WebhookSignature.Failure?
    public var detail: String

    /// A refusal from its parts.
    public init(signature: WebhookSignature.Failure?, detail: String) {
        self.signature = signature
        self.detail = detail
    }
}

/// Everything the receiver saw, for the audit: accepted deliveries in arrival order and the refused ones.
public struct WebhookDeliveries: Sendable {
    /// Accepted deliveries (answered 200), in the order they arrived.
    public var accepted: [WebhookDelivery] = []
    /// Accepted deliveries beyond `WebhookLog.deliveriesKeptMax`, counted but not kept.
    public var notKept = 0
    /// Refused deliveries (answered 400) by why their signature failed.
    public var signatureFailures: [WebhookSignature.Failure: Int] = [:]
    /// Authentic deliveries (answered 400) whose body was not an event, or was too large to read.
    public var malformed = 0
    /// The first refusals, in words.
    public var refusals: [WebhookRefusal] = []

    /// Nothing received yet.
    public init() {}
}

/// The receiver's thread-safe record: verifies each delivery against the run's endpoint secrets and keeps what
/// the audit needs. Every method holds the lock only for a few appends.
public final class WebhookLog: Sendable {
    /// Deliveries kept at most: three per payment of the largest run (a pending charge has two events, and a
    /// retried delivery a third), at roughly 300 bytes each. Past it they are counted and the check is
    /// inconclusive.
    public static let deliveriesKeptMax = 3 * LoadProfile.arrivalsMax
    /// Refusals described in full at most; the counts are always complete.
    public static let refusalsListedMax = 50

    private struct State {
        var secrets: [String] = []
        var deliveries = WebhookDeliveries()
        var finals: Set<FinalEvent> = []
    }

    private let state = Mutex(State())

    /// An empty log with no secrets: every delivery is refused until an endpoint's secret is added.
    public init() {}

    /// Adds the secret of the next endpoint; deliveries it signs are credited to `endpoint` (its key's index).
    func add(secret: String) {
        self.state.withLock { $0.secrets.append(secret) }
    }

    /// Verifies one delivery that arrived at `receivedAt` (`receivedUnix` on the wall clock), records it, and says
    /// whether to accept it (200) or refuse it (400).
    @discardableResult
    public func receive(
        signature: String?, body: [UInt8], receivedAt: ContinuousClock.Instant, receivedUnix: Double
    ) -> Bool {
        let secrets = self.state.withLock { $0.secrets }
        let endpoint: Int
        do {
            endpoint = try WebhookSignature.verify(
                header: signature, body: body, secrets: secrets, now: Int64(receivedUnix.rounded(.down)))
        } catch {
            let header = signature.map { "Stripe-Signature '\($0.prefix(200))'" } ?? "no Stripe-Signature header"
            self.refuse(
                WebhookRefusal(
                    signature: error, detail: "a delivery of \(body.count) bytes, \(error.rawValue): \(header).")
            ) { $0.signatureFailures[error, default: 0] += 1 }
            return false
        }
        guard let event = WebhookEvent.decode(body) else {
            self.refuse(
                WebhookRefusal(
                    signature: nil,
                    detail: "an authentic delivery of \(body.count) bytes is not an event: "
                        + String(decoding: body.prefix(200), as: UTF8.self))
            ) { $0.malformed += 1 }
            return false
        }
        let delivery = WebhookDelivery(
            event: event, endpoint: endpoint, receivedAt: receivedAt, receivedUnix: receivedUnix)
        self.state.withLock { state in
            if state.deliveries.accepted.count < Self.deliveriesKeptMax {
                state.deliveries.accepted.append(delivery)
            } else {
                state.deliveries.notKept += 1
            }
            if event.isFinal, let chargeID = event.chargeID {
                state.finals.insert(FinalEvent(chargeID: chargeID, type: event.type))
            }
        }
        return true
    }

    /// Notes a delivery too large to read (answered 413): authentic or not, it is not an event the run can use.
    func refuseOversized(bytes: Int) {
        self.refuse(
            WebhookRefusal(signature: nil, detail: "a delivery of more than \(bytes) bytes was refused unread.")
        ) { $0.malformed += 1 }
    }

    private func refuse(_ refusal: WebhookRefusal, _ count: (inout WebhookDeliveries) -> Void) {
        self.state.withLock { state in
            count(&state.deliveries)
            if state.deliveries.refusals.count < Self.refusalsListedMax { state.deliveries.refusals.append(refusal) }
        }
    }

    /// Those of `wanted` that have not arrived yet.
    public func missing(_ wanted: [FinalEvent]) -> [FinalEvent] {
        self.state.withLock { state in wanted.filter { !state.finals.contains($0) } }
    }

    /// Everything received so far (a copy).
    public func deliveries() -> WebhookDeliveries {
        self.state.withLock { $0.deliveries }
    }
}
