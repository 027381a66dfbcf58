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
    static let forwardedProto = Self("X-Forwarded-Proto")!
}

extension APIResponder {
    /// Reads the body up to the limit. A declared length over the limit is refused before a byte is read; an
    /// undeclared one as soon as it passes the limit. A body that stalls is cut off by the connection's read
    /// deadline, which answers 408 and closes the connection; the read then fails here, with nobody left to answer.
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
        } catch let error as WireError {
            throw error
        } catch {
            // The stream failed: the client closed the connection, or was closed for sending too slowly. Nobody
            // is left to read the answer; it is not a failure of Paisa's.
            throw Self.bodyTimedOut()
        }
    }

    private static func tooLarge() -> WireError {
        WireError(
            status: .contentTooLarge, type: "invalid_request_error", code: .requestTooLarge,
            message: "The request body is larger than \(Limits.requestBodyBytesMax / 1024) KiB. Paisa's requests "
                + "are small; check what is being sent.")
    }

    /// A request whose body did not arrive whole within the read timeout; the connection is closed after it.
    static func bodyTimedOut() -> WireError {
        WireError(
            status: .requestTimeout, type: "invalid_request_error", code: .requestTimeout,
            message: "The request body did not arrive in time, so nothing was run. Send the request again, with the "
                + "whole body at once.", extraHeaders: [(.connection, "close")])
    }

    /// A request that is not valid HTTP/1.1; the connection is closed after it.
    static func malformedRequest() -> WireError {
        WireError(
            status: .badRequest, type: "invalid_request_error", code: .requestMalformed,
            message: "The request is not valid HTTP/1.1, so nothing was run. A URL's path and query must be "
                + "percent-encoded (no spaces, no raw non-ASCII bytes), and header values must be printable text.",
            extraHeaders: [(.connection, "close")])
    }

    /// An error answered beneath the router, by the connection itself (the request never reached a handler, so it
    /// has no version or key to answer with): its head and body.
    static func answerBeneathRouter(_ error: WireError, docsURL: String) -> (head: HTTPResponse, body: ByteBuffer) {
        let body = JSONWriter.bytes(error.body(docsURL: docsURL))
        var fields: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .contentLength: String(body.count),
            .requestID: ObjectID.make(.request),
        ]
        for (name, value) in error.extraHeaders { fields[name] = value }
        return (HTTPResponse(status: error.status, headerFields: fields), ByteBuffer(bytes: body))
    }

    /// The 408 as bytes for the wire, written by the connection's read deadline beneath the HTTP codec.
    static func bodyTimedOutBytes(docsURL: String) -> ByteBuffer {
        var (head, body) = Self.answerBeneathRouter(Self.bodyTimedOut(), docsURL: docsURL)
        var text = "HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n"
        for field in head.headerFields { text += "\(field.name): \(field.value)\r\n" }
        var buffer = ByteBuffer(string: text + "\r\n")
        buffer.writeBuffer(&body)
        return buffer
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
