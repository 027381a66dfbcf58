import HTTPTypes
import Payments

/// A request after authentication, version resolution and parameter decoding: all an endpoint needs.
/// The completer builds the same value from a stored key to resume an abandoned request.
public struct APIRequest: Sendable {
    public let requestID: String
    public let principal: Principal
    public let version: APIVersion
    public let method: HTTPRequest.Method
    public let path: String
    /// Path parameters by name (`id`).
    public let pathParameters: [String: String]
    public let parameters: Parameters
    public let deadline: Deadline
    /// The `Idempotency-Key` (given or generated) for POSTs.
    public let idempotencyKey: String?
    let versioning: Versioning

    public var scope: Scope { self.principal.scope }

    /// The path parameter `name`; every route that reads one declares it, so absence is a programming error.
    func pathParameter(_ name: String) -> String {
        guard let value = self.pathParameters[name] else { preconditionFailure("route has no :\(name)") }
        return value
    }

    /// Whether this request's version has `change` (for changes of behaviour rather than shape).
    func has(_ change: any VersionChange.Type) -> Bool {
        self.versioning.has(change, at: self.version)
    }

    /// A body rendered in this request's version, as the bytes stored and sent.
    func stored(
        _ status: HTTPResponse.Status, _ body: JSONValue, context: VersionContext = VersionContext()
    )
        -> StoredResponse
    {
        StoredResponse(
            status: status.code,
            body: JSONWriter.bytes(self.versioning.render(body, at: self.version, context: context)))
    }

    /// An outcome rendered for storing: `body` of the value, or the refusal's error object.
    func stored<Value>(
        _ result: Result<Value, PaymentsError>, docsURL: String, _ body: (Value) -> JSONValue
    ) -> StoredResponse {
        switch result {
        case .success(let value): self.stored(.ok, body(value))
        case .failure(let error): self.stored(WireError(error), docsURL: docsURL)
        }
    }

    /// A refusal rendered as this request's error object, for storing as a final answer.
    func stored(_ error: WireError, docsURL: String) -> StoredResponse {
        self.stored(error.status, error.body(docsURL: docsURL))
    }
}
