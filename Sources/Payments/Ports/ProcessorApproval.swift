/// A payment the processor approved, as its own records show it.
public struct ProcessorApproval: Sendable, Equatable {
    /// Where a scan of approvals has got to: creation time, then processor key.
    public struct Cursor: Sendable, Equatable {
        public let created: Timestamp
        public let processorKey: String

        public init(created: Timestamp, processorKey: String) {
            self.created = created
            self.processorKey = processorKey
        }
    }

    /// Nil for records made before the processor kept the merchant's scope.
    public let scope: Scope?
    public let processorKey: String
    public let amount: Int64
    public let currency: String
    public let created: Timestamp

    public init(scope: Scope?, processorKey: String, amount: Int64, currency: String, created: Timestamp) {
        self.scope = scope
        self.processorKey = processorKey
        self.amount = amount
        self.currency = currency
        self.created = created
    }

    public var cursor: Cursor { Cursor(created: self.created, processorKey: self.processorKey) }
}
