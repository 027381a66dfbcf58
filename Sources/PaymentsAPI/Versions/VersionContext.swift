import Payments

/// What a change may need besides the response itself: objects the core loaded because an active change asked.
public struct VersionContext: Sendable {
    /// Refunds per charge id, loaded for versions that embed them in charges.
    public var refundsByCharge: [String: JSONValue]

    public init(refundsByCharge: [String: JSONValue] = [:]) {
        self.refundsByCharge = refundsByCharge
    }
}
