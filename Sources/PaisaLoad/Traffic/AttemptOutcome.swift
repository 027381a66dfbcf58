import Foundation

/// What one HTTP attempt of a payment's request (`POST /v1/charges`, or a PaymentIntent's create or confirm) came
/// back with, reduced to what the client must decide on.
public enum AttemptOutcome: Sendable, Equatable {
    /// 200: the charge, new or replayed (`Idempotent-Replayed: true`).
    case charged(chargeID: String, status: ChargeStatus, replayed: Bool)
    /// 200: a PaymentIntent made without its confirmation yet (the first of two requests when confirming
    /// separately): not an answer to the payment, and nothing to retry.
    case made(replayed: Bool)
    /// 402: a declined charge, stored as failed; the error names it.
    case declined(chargeID: String?, replayed: Bool)
    /// 409 `idempotency_key_in_use`: another request holds the key; retry later (`Retry-After`) with the same key.
    case conflict(retryAfter: Duration?)
    /// 429 `rate_limit`: the account's rate limit refused it before it ran; retry with the same key after
    /// `Retry-After`.
    case rateLimited(retryAfter: Duration?)
    /// 5xx (503 with `Retry-After` when shedding load or over budget); retry with the same key.
    case unavailable(status: Int, retryAfter: Duration?)
    /// Any other status: the request itself is wrong (400 invalid or idempotency_error, 401, 404 …); final.
    case rejected(status: Int, type: String?, code: String?)
    /// The attempt took longer than its timeout; retry with the same key.
    case timeout
    /// The connection failed or broke; retry with the same key.
    case connection(String)
    /// A 200 whose body was not a charge; final, and a server bug.
    case malformed(status: Int)

    /// The class of attempts the server's rate limit refused.
    public static let rateLimitedClass = "http_429"

    /// Whether this answers the payment for good (a charge or a decline).
    public var isAnswer: Bool {
        switch self {
        case .charged, .declined: true
        default: false
        }
    }

    /// Whether this answers the payment with a final status: a charge that succeeded or failed, or a decline
    /// (a pending charge is answered but not final).
    public var isFinalAnswer: Bool {
        switch self {
        case .charged(_, let status, _): status != .pending
        case .declined: true
        default: false
        }
    }

    /// Whether a client should try again with the same key: timeouts, connection errors, 409, 429 and 5xx.
    public var isRetryable: Bool {
        switch self {
        case .conflict, .rateLimited, .unavailable, .timeout, .connection: true
        default: false
        }
    }

    /// The class counted in reports: `ok`, `declined`, `http_409`, `http_503`, `timeout`, `connection`, …
    public var errorClass: String {
        switch self {
        case .charged, .made: "ok"
        case .declined: "declined"
        case .conflict: "http_409"
        case .rateLimited: Self.rateLimitedClass
        case .unavailable(let status, _): "http_\(status)"
        case .rejected(let status, let type, _): type == "idempotency_error" ? "idempotency_error" : "http_\(status)"
        case .timeout: "timeout"
        case .connection: "connection"
        case .malformed: "malformed"
        }
    }

    /// Classifies a complete response; `headerValue` looks a header up by lowercase name.
    public static func classify(status: Int, headerValue: (String) -> String?, body: Data) -> AttemptOutcome {
        let replayed = headerValue("idempotent-replayed") == "true"
        switch status {
        case 200:
            guard let charge = try? JSONDecoder().decode(WireCharge.self, from: body),
                let chargeStatus = ChargeStatus(rawValue: charge.status)
            else { return .malformed(status: status) }
            return .charged(chargeID: charge.id, status: chargeStatus, replayed: replayed)
        case 402:
            let error = try? JSONDecoder().decode(WireErrorEnvelope.self, from: body).error
            return .declined(chargeID: error?.charge, replayed: replayed)
        case 409:
            let error = try? JSONDecoder().decode(WireErrorEnvelope.self, from: body).error
            guard error?.type == "idempotency_error" else { return .conflict(retryAfter: Self.retryAfter(headerValue)) }
            return .rejected(status: status, type: error?.type, code: error?.code)
        case 429:
            return .rateLimited(retryAfter: Self.retryAfter(headerValue))
        case 500...599 where headerValue("stripe-should-retry") == "false":
            // A final answer the server stored (a replayed failure, a voided charge): retrying cannot change it.
            let error = try? JSONDecoder().decode(WireErrorEnvelope.self, from: body).error
            return .rejected(status: status, type: error?.type, code: error?.code)
        case 500...599:
            return .unavailable(status: status, retryAfter: Self.retryAfter(headerValue))
        default:
            let error = try? JSONDecoder().decode(WireErrorEnvelope.self, from: body).error
            return .rejected(status: status, type: error?.type, code: error?.code)
        }
    }

    /// Classifies a complete response to a PaymentIntent's create or confirm, in the charge's terms (an intent that
    /// succeeded or waits for its capture answers its charge as succeeded, a `processing` one as pending, a decline
    /// is the 402 naming the charge), with the intent's id when the answer names one.
    public static func classifyIntent(
        status: Int, headerValue: (String) -> String?, body: Data
    ) -> (outcome: AttemptOutcome, intentID: String?) {
        let replayed = headerValue("idempotent-replayed") == "true"
        switch status {
        case 200:
            guard let intent = try? JSONDecoder().decode(WirePaymentIntent.self, from: body) else {
                return (.malformed(status: status), nil)
            }
            switch (intent.status, intent.latestCharge) {
            case ("succeeded", let charge?), ("requires_capture", let charge?):
                return (.charged(chargeID: charge, status: .succeeded, replayed: replayed), intent.id)
            case ("processing", let charge?):
                return (.charged(chargeID: charge, status: .pending, replayed: replayed), intent.id)
            case ("requires_confirmation", nil), ("requires_payment_method", nil):
                return (.made(replayed: replayed), intent.id)
            default:
                return (.malformed(status: status), intent.id)
            }
        default:
            let error = try? JSONDecoder().decode(WireErrorEnvelope.self, from: body).error
            let intentID = error?.paymentIntent?.id
            guard status != 402 else { return (.declined(chargeID: error?.charge, replayed: replayed), intentID) }
            return (Self.classify(status: status, headerValue: headerValue, body: body), intentID)
        }
    }

    /// The end of the retry-later window the server asks for (`Retry-After: <seconds>`), if any.
    public var retryAfter: Duration? {
        switch self {
        case .conflict(let after), .rateLimited(let after), .unavailable(_, let after): after
        default: nil
        }
    }

    /// `Retry-After` in whole seconds (the form Paisa sends), clamped to an hour.
    private static func retryAfter(_ headerValue: (String) -> String?) -> Duration? {
        headerValue("retry-after").flatMap { Int($0) }.map { .seconds(min(max($0, 0), 3600)) }
    }
}
