/// Bounds on `created`, in Unix seconds, as `created[gt]`, `created[gte]`, `created[lt]`, `created[lte]`.
public struct CreatedRange: Sendable, Equatable {
    public var greaterThan: Int64?
    public var greaterThanOrEqual: Int64?
    public var lessThan: Int64?
    public var lessThanOrEqual: Int64?

    public init(
        greaterThan: Int64? = nil, greaterThanOrEqual: Int64? = nil, lessThan: Int64? = nil,
        lessThanOrEqual: Int64? = nil
    ) {
        self.greaterThan = greaterThan
        self.greaterThanOrEqual = greaterThanOrEqual
        self.lessThan = lessThan
        self.lessThanOrEqual = lessThanOrEqual
    }

    /// The range as half-open microsecond bounds [lower, upper): what the store's queries use.
    public var microsecondBounds: (lower: Int64?, upper: Int64?) {
        var lower: Int64? = nil
        var upper: Int64? = nil
        if let value = self.greaterThan { lower = max(lower ?? .min, (value + 1) * 1_000_000) }
        if let value = self.greaterThanOrEqual { lower = max(lower ?? .min, value * 1_000_000) }
        if let value = self.lessThan { upper = min(upper ?? .max, value * 1_000_000) }
        if let value = self.lessThanOrEqual { upper = min(upper ?? .max, (value + 1) * 1_000_000) }
        return (lower, upper)
    }
}
