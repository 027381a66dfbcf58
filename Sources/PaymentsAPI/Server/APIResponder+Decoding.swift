import HTTPTypes
import Hummingbird
import NIOCore
import Payments

extension HTTPField.Name {
    static let stripeVersion = Self("Stripe-Version")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let originalRequest = Self("Original-Request")!
    static let stripeShouldRetry = Self("Stripe-Should-Retry")!
    static let requestID = Self("Request-Id")!
}

extension APIResponder {
    /// Reads the body up to the limit. A declared length over the limit is refused before a byte is read; an
    /// undeclared one is refused as soon as it passes the limit.
    static func readBody(_ request: Request) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > Limits.requestBodyBytesMax {
            throw Self.tooLarge()
        }
        let body = request.body
        do {
            let buffer = try await body.collect(upTo: Limits.requestBodyBytesMax)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge()
        }
    }

    private static func tooLarge() -> WireError {
        WireError(
            status: .contentTooLarge, type: "invalid_request_error", code: .requestTooLarge,
            message: "The request body is larger than \(Limits.requestBodyBytesMax / 1024) KiB. Paisa's requests "
                + "are small; check what is being sent.")
    }

    /// Body parameters by content type: form (the default, as curl and the SDKs send) or JSON.
    static func bodyParameters(_ body: [UInt8], contentType: String?) throws -> Parameters {
        guard !body.isEmpty else { return Parameters() }
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        switch mediaType {
        case nil, "application/x-www-form-urlencoded":
            guard let text = String(validating: body, as: UTF8.self) else {
                throw ParameterProblems.encoding("form bodies must be UTF-8 text.")
            }
            return try FormDecoder.decode(Substring(text))
        case "application/json":
            return try JSONBodyDecoder.decode(body)
        case let other?:
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidEncoding,
                message: "Unsupported Content-Type \(other). Send application/x-www-form-urlencoded or "
                    + "application/json.",
                param: nil)
        }
    }

    /// The `Idempotency-Key` of a POST, checked; a generated one when the request sent none, so that even keyless
    /// writes are crash-safe.
    static func idempotencyKey(_ request: Request) throws -> String {
        let values = request.headers[values: .idempotencyKey]
        guard let value = values.first else { return IdempotencyKey.generated() }
        guard values.count == 1 else {
            throw PaymentsError.invalidRequest(
                code: .idempotencyKeyInvalid, message: "Send one Idempotency-Key header, not several.",
                param: "Idempotency-Key")
        }
        do {
            try IdempotencyKey.validate(value)
        } catch {
            let detail: String
            switch error {
            case .empty: detail = "it is empty"
            case .tooLong(let length): detail = "it is \(length) characters long"
            case .notPrintableASCII: detail = "it contains characters outside printable ASCII"
            }
            throw PaymentsError.invalidRequest(
                code: .idempotencyKeyInvalid,
                message: "Invalid Idempotency-Key: \(detail). Keys are 1 to \(Limits.idempotencyKeyLengthMax) "
                    + "printable ASCII characters; a V4 UUID is a good choice.",
                param: "Idempotency-Key")
        }
        return value
    }
}
