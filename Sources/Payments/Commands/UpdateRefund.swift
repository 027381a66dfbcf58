/// A validated update of a refund's metadata.
public struct UpdateRefund: Sendable, Equatable {
    public let refundID: String
    public let metadata: MetadataUpdate?

    public init(refundID: String, metadata: MetadataUpdate?) {
        self.refundID = refundID
        self.metadata = metadata
    }
}
