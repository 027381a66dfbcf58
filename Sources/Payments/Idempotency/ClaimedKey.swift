/// A key this request holds: proof of the lock, and where to resume from.
public struct ClaimedKey: Sendable, Equatable {
    public let scope: Scope
    public let key: String
    /// Random per claim: only the holder of the current token may move the key on.
    public let lockToken: String
    public let recoveryPoint: RecoveryPoint
    /// The key the processor knows this request's payment by: made once per key row, reused by every attempt.
    public let processorKey: String
    /// How many times the key has been claimed, this time included.
    public let attempts: Int

    public init(
        scope: Scope, key: String, lockToken: String, recoveryPoint: RecoveryPoint, processorKey: String,
        attempts: Int
    ) {
        self.scope = scope
        self.key = key
        self.lockToken = lockToken
        self.recoveryPoint = recoveryPoint
        self.processorKey = processorKey
        self.attempts = attempts
    }
}
