import HTTPTypes
import Payments

/// An error as the client sees it: a status, Stripe's error object, and the headers that say whether to retry.
struct WireError: Error, Sendable {
    let status: HTTPResponse.Status
    /// `invalid_request_error`, `card_error`, `idempotency_error` or `api_error`.
    let type: String
    let code: ErrorCode
    let message: String
    var param: String? = nil
    var declineCode: String? = nil
    var chargeID: String? = nil
    /// The PaymentIntent a refusal or decline is about, rendered, as Stripe puts it in the error object.
    var paymentIntent: JSONValue? = nil
    /// Seconds before a retry is worth it; sent as `Retry-After`.
    var retryAfterSeconds: Int? = nil
    /// Sent as `Stripe-Should-Retry`, which the official SDKs obey before looking at the status.
    var shouldRetry: Bool? = nil
    var extraHeaders: [(HTTPField.Name, String)] = []

    /// The `error` object, fields in Stripe's order, absent ones left out.
    func body(docsURL: String) -> JSONValue {
        var error = JSONObject()
        if let chargeID { error["charge"] = .string(chargeID) }
        error["code"] = .string(self.code.rawValue)
        if let declineCode { error["decline_code"] = .string(declineCode) }
        error["doc_url"] = .string("\(docsURL)#\(self.code.rawValue)")
        error["message"] = .string(self.message)
        if let param { error["param"] = .string(param) }
        if let paymentIntent { error["payment_intent"] = paymentIntent }
        error["type"] = .string(self.type)
        return .object(["error": .object(error)])
    }

    static func unauthenticated(_ code: ErrorCode, _ message: String) -> WireError {
        WireError(status: .unauthorized, type: "invalid_request_error", code: code, message: message)
    }

    /// A 402 decline: the card or the payer's bank said no; `chargeID` names the failed charge stored for it.
    static func declined(_ failure: Charge.Failure, chargeID: String?) -> WireError {
        WireError(
            status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), type: "card_error",
            code: failure.code, message: failure.message, declineCode: failure.declineCode, chargeID: chargeID)
    }

    /// The final answer of a charge the database refused after the processor answered: the payment was voided, so
    /// no money moved, and the key keeps this answer so that no retry asks the processor again.
    static func chargeVoided(requestID: String) -> WireError {
        WireError(
            status: .internalServerError, type: "api_error", code: .chargeVoided,
            message: "Paisa could not record this charge, so it voided the payment at the processor: no money moved. "
                + "Nothing in your request caused this, and Paisa's operators have been alerted (request "
                + "\(requestID)). Retrying with this Idempotency-Key returns this same answer; to try the payment "
                + "again, send it with a new key.",
            shouldRetry: false)
    }

    static func internalError() -> WireError {
        WireError(
            status: .internalServerError, type: "api_error", code: .internalError,
            message: "Something went wrong on Paisa's side; nothing about your request caused it. Retry it with the "
                + "same Idempotency-Key: the request resumes where it stopped and never runs twice.",
            shouldRetry: true)
    }
}

extension WireError {
    /// The one translation from domain errors to what the client sees.
    init(_ error: PaymentsError) {
        switch error {
        case .invalidRequest(let code, let message, let param):
            self.init(status: .badRequest, type: "invalid_request_error", code: code, message: message, param: param)
        case .notFound(let message, let param):
            self.init(
                status: .notFound, type: "invalid_request_error", code: .resourceMissing, message: message,
                param: param)
        case .idempotencyKeyInUse(let key):
            self.init(
                status: .conflict, type: "invalid_request_error", code: .idempotencyKeyInUse,
                message: "There is currently another in-progress request using this Idempotency-Key (that probably "
                    + "means you submitted twice, and the other request is still going through): \(key). Please "
                    + "try again later.",
                retryAfterSeconds: 1, shouldRetry: true)
        case .idempotencyKeyMismatch(let key, let difference):
            self.init(
                status: .badRequest, type: "idempotency_error", code: .idempotencyKeyReused,
                message: "Keys for idempotent requests can only be used with the same endpoint, parameters and API "
                    + "version they were first used with, and \(difference). Try using a key other than '\(key)' "
                    + "if you meant to execute a different request.",
                shouldRetry: false)
        case .unavailable(let message):
            self.init(
                status: .serviceUnavailable, type: "api_error", code: .serviceUnavailable,
                message: "\(message) Retry with the same Idempotency-Key: nothing is lost or done twice.",
                retryAfterSeconds: 1, shouldRetry: true)
        case .deadlineExceeded:
            self.init(
                status: .serviceUnavailable, type: "api_error", code: .deadlineExceeded,
                message: "The request could not be finished within its time budget. Retry with the same "
                    + "Idempotency-Key: it resumes where it stopped and never runs twice.",
                retryAfterSeconds: 1, shouldRetry: true)
        case .refusedByDatabase:
            self = .internalError()
        case .overloaded:
            self.init(
                status: .serviceUnavailable, type: "api_error", code: .overloaded,
                message: "Paisa is handling more requests than it can answer in time. Retry after a short pause, "
                    + "with the same Idempotency-Key.",
                retryAfterSeconds: 1, shouldRetry: true)
        }
    }
}
