/// How a sweep pass starts.
public enum ApprovalSweepStart: Sendable, Equatable {
    /// Another instance holds the sweep's lease.
    case busy
    /// This instance sweeps, from where the last pass stopped (nil: from `lookback` ago).
    case started(watermark: ProcessorApproval.Cursor?)
}
