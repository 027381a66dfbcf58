/// An approval without a charge, as the sweep keeps it.
public struct UnrecordedApproval: Sendable, Equatable {
    public let approval: ProcessorApproval
    /// When it was reported stranded; nil while it is recovering.
    public let strandedAt: Timestamp?

    public init(approval: ProcessorApproval, strandedAt: Timestamp?) {
        self.approval = approval
        self.strandedAt = strandedAt
    }
}
