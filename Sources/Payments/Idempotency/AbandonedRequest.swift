/// A request the completer should resume: its key was claimed and then abandoned.
public struct AbandonedRequest: Sendable, Equatable {
    public let scope: Scope
    public let key: String
    public let method: String
    public let path: String
    public let version: String
    public let parameters: String
    public let attempts: Int
    /// The request that first used the key: what an operator searches the logs for.
    public let originalRequestID: String
    /// The key the processor knows the request's payment by, if it made one.
    public let processorKey: String

    public init(
        scope: Scope, key: String, method: String, path: String, version: String, parameters: String, attempts: Int,
        originalRequestID: String, processorKey: String
    ) {
        self.scope = scope
        self.key = key
        self.method = method
        self.path = path
        self.version = version
        self.parameters = parameters
        self.attempts = attempts
        self.originalRequestID = originalRequestID
        self.processorKey = processorKey
    }
}
