/// A POST request as the idempotency layer sees it: who sent it, under which key, and what it asked.
public struct IdempotentRequest: Sendable {
    public let scope: Scope
    public let key: String
    public let method: String
    /// The request's path, with object ids (`/v1/charges/ch_…/capture`).
    public let path: String
    /// The resolved API version the request is answered in; part of the fingerprint.
    public let version: String
    /// The parameters in canonical JSON, kept so the completer can resume the request.
    public let parameters: String
    /// SHA-256 over method, path, version and canonical parameters.
    public let fingerprint: [UInt8]
    /// The id of this request, remembered as the original when it is the first.
    public let requestID: String

    public init(
        scope: Scope, key: String, method: String, path: String, version: String, parameters: String,
        fingerprint: [UInt8], requestID: String
    ) {
        self.scope = scope
        self.key = key
        self.method = method
        self.path = path
        self.version = version
        self.parameters = parameters
        self.fingerprint = fingerprint
        self.requestID = requestID
    }
}
