import Logging
import Payments
import PostgresNIO

/// How the sandbox behaves in time, set per server.
public struct SandboxSettings: Sendable, Equatable {
    /// How long a card authorization takes.
    public var cardLatency: Duration
    /// How long `slow@upi` takes to answer: longer than the request budget by default, to exercise it.
    public var slow: Duration
    /// How long `pending@upi` stays pending before the bank approves it.
    public var pendingSettle: Duration

    public static let cardLatencyDefault: Duration = .zero
    /// Longer than the default 2 s budget: `slow@upi` charges are answered `pending` and settled later.
    public static let slowDefault: Duration = .seconds(3)
    public static let pendingSettleDefault: Duration = .seconds(5)

    public init(
        cardLatency: Duration = Self.cardLatencyDefault, slow: Duration = Self.slowDefault,
        pendingSettle: Duration = Self.pendingSettleDefault
    ) {
        self.cardLatency = cardLatency
        self.slow = slow
        self.pendingSettle = pendingSettle
    }
}
