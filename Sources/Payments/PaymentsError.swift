/// Everything the domain can refuse or fail with. The API turns each case into a status and a Stripe error object
/// in one place; the store turns SQLSTATEs into these in one place.
public enum PaymentsError: Error, Equatable, Sendable {
    /// The request is wrong: a parameter, or the state of the object it acts on (400 `invalid_request_error`).
    case invalidRequest(code: ErrorCode, message: String, param: String?)
    /// No such object for this account and mode (404 `resource_missing`).
    case notFound(message: String, param: String?)
    /// Another request with the same idempotency key is running (409, not stored).
    case idempotencyKeyInUse(key: String)
    /// The key was first used for a different request (400 `idempotency_error`).
    case idempotencyKeyMismatch(key: String, difference: String)
    /// A dependency (the database) cannot answer now; retrying with the same key is safe (503).
    case unavailable(message: String)
    /// The request's budget ran out before it could finish; retrying with the same key resumes it (503).
    case deadlineExceeded
    /// The server is shedding load (503 with `Retry-After`).
    case overloaded
    /// The database refused a write for a reason that running it again cannot cure: a value or a row the schema
    /// does not allow. `reason` names the SQLSTATE, the constraint and the column, never a value; it is for the
    /// log, and the client sees a generic 500.
    case refusedByDatabase(reason: String)

    /// Whether the error refuses the request itself (a parameter, a missing object): the same request is refused
    /// the same way every time, so retrying it cannot help.
    public var isRefusalOfTheRequest: Bool {
        switch self {
        case .invalidRequest, .notFound: true
        default: false
        }
    }

    /// `parameter_missing` for `param`.
    public static func parameterMissing(_ param: String, message: String? = nil) -> PaymentsError {
        .invalidRequest(
            code: .parameterMissing, message: message ?? "Missing required param: \(param).", param: param)
    }

    /// `parameter_invalid_integer` for `param`.
    public static func parameterInvalidInteger(_ param: String, value: String) -> PaymentsError {
        .invalidRequest(
            code: .parameterInvalidInteger,
            message: "Invalid integer: \(value). The `\(param)` parameter takes a whole number of the currency's "
                + "smallest unit, without a decimal point.",
            param: param)
    }

    /// `parameter_invalid_empty` for `param`.
    public static func parameterEmpty(_ param: String) -> PaymentsError {
        .invalidRequest(
            code: .parameterInvalidEmpty,
            message: "You passed an empty string for '\(param)'. Leave it out instead, or give it a value.",
            param: param)
    }

    /// `parameter_invalid_string_blank`-style error for an over-long string.
    public static func parameterTooLong(_ param: String, max: Int) -> PaymentsError {
        .invalidRequest(
            code: .parameterInvalidStringLength,
            message: "The `\(param)` parameter must be at most \(max) characters long.", param: param)
    }

    /// `resource_missing` for an object id that does not exist for this account and mode.
    public static func noSuch(_ kind: String, _ id: String, param: String? = "id") -> PaymentsError {
        .notFound(message: "No such \(kind): '\(id)'", param: param)
    }
}
