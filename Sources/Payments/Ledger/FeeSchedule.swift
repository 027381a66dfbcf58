/// What Paisa charges per payment and when the money becomes available: sandbox figures in the shape real
/// acquirers use. UPI carries no fee (India's zero-MDR rule); cards pay a percentage.
public enum FeeSchedule {
    /// Card fee in basis points of the captured amount.
    public static let cardFeeBasisPoints: Int64 = 290
    /// UPI merchant discount rate is zero by regulation.
    public static let upiFeeBasisPoints: Int64 = 0
    /// Cards settle two days after capture, UPI the next day.
    public static let cardAvailabilitySeconds: Int64 = 2 * 24 * 3600
    public static let upiAvailabilitySeconds: Int64 = 24 * 3600

    /// The fee for capturing `amount`, rounded half up to a whole minor unit.
    public static func fee(for amount: Int64, method: PaymentMethodDetails) -> Int64 {
        let basisPoints: Int64
        switch method {
        case .card: basisPoints = Self.cardFeeBasisPoints
        case .upi: basisPoints = Self.upiFeeBasisPoints
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: basisPoints)
        precondition(!overflow, "charge amounts are at most eight digits")
        return (product + 5_000) / 10_000
    }

    /// When money captured at `time` becomes available; `immediately` for the test token that skips pending.
    public static func availableOn(after time: Timestamp, method: PaymentMethodDetails, immediately: Bool) -> Timestamp
    {
        if immediately { return time }
        switch method {
        case .card: return time.adding(seconds: Self.cardAvailabilitySeconds)
        case .upi: return time.adding(seconds: Self.upiAvailabilitySeconds)
        }
    }
}
