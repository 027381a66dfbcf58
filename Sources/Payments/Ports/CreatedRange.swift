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

    /// The seconds a bound is read in: the years 1 to 9999. Every object is created inside them, so a bound beyond
    /// them selects what it would unclamped, while the arithmetic below can neither overflow nor name a time
    /// PostgreSQL cannot hold (`created[gt]=9223372036854775807` is a valid 64-bit number, and finds nothing).
    static let secondsRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// The range as half-open microsecond bounds [lower, upper): what the store's queries use.
    public var microsecondBounds: (lower: Int64?, upper: Int64?) {
        func clamped(_ seconds: Int64) -> Int64 {
            min(max(seconds, Self.secondsRange.lowerBound), Self.secondsRange.upperBound)
        }
        var lower: Int64? = nil
        var upper: Int64? = nil
        if let value = self.greaterThan { lower = max(lower ?? .min, (clamped(value) + 1) * 1_000_000) }
        if let value = self.greaterThanOrEqual { lower = max(lower ?? .min, clamped(value) * 1_000_000) }
        if let value = self.lessThan { upper = min(upper ?? .max, clamped(value) * 1_000_000) }
        if let value = self.lessThanOrEqual { upper = min(upper ?? .max, (clamped(value) + 1) * 1_000_000) }
        return (lower, upper)
    }
}
