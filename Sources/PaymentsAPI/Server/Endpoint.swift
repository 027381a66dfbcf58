import HTTPTypes
import Payments

/// One route's behaviour.
public struct Endpoint: Sendable {
    /// Runs the rest of a write once its key is held: its phases, ending with the stored response.
    public typealias Operation = @Sendable (ClaimedKey) async throws -> IdempotencyLayer.Completion

    public enum Kind: Sendable {
        /// Reads answer directly and ignore `Idempotency-Key`.
        case read(@Sendable (APIRequest) async throws -> APIResponse)
        /// Writes validate first (refusals are not stored), then run under the idempotency key.
        case write(@Sendable (APIRequest) async throws -> Operation)
    }

    /// What a restricted key needs to call this; nil for routes without authentication.
    public let permission: Permission?
    public let kind: Kind
    /// For a write that can have moved money at the processor: how to end it for good when the completer gives up
    /// on it (void the payment, finish the key with a final answer). Nil where giving up leaves nothing to undo.
    public let end: (@Sendable (APIRequest) -> Operation)?

    public init(_ permission: Permission?, _ kind: Kind, end: (@Sendable (APIRequest) -> Operation)? = nil) {
        self.permission = permission
        self.kind = kind
        self.end = end
    }
}
