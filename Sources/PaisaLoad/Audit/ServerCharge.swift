/// A charge as the server lists it after the run: what the audit compares the client's observations with.
public struct ServerCharge: Sendable, Equatable {
    /// `ch_…`.
    public var id: String
    /// Which of the run's API keys (accounts) listed it.
    public var accountIndex: Int
    /// Its status when listed.
    public var status: ChargeStatus
    /// Minor units.
    public var amount: Int64
    /// Lowercase ISO code.
    public var currency: String
    /// Whether the money was captured (only captured, succeeded charges move the balance).
    public var captured: Bool
    /// `metadata[paisa_load_run]`: the run that asked for it.
    public var runTag: String?
    /// `metadata[paisa_load_payment]`: the payment index that asked for it.
    public var paymentTag: String?
    /// The merchant's net from its balance transaction, when it has one.
    public var net: Int64?
    /// The PaymentIntent whose confirmation made it, if one did.
    public var paymentIntent: String?

    /// Whether it moved money: only succeeded, captured charges change the balance.
    public var movesMoney: Bool { self.status == .succeeded && self.captured }

    /// A listed charge.
    public init(
        id: String, accountIndex: Int, status: ChargeStatus, amount: Int64, currency: String, captured: Bool,
        runTag: String?, paymentTag: String?, net: Int64?, paymentIntent: String? = nil
    ) {
        self.id = id
        self.accountIndex = accountIndex
        self.status = status
        self.amount = amount
        self.currency = currency
        self.captured = captured
        self.runTag = runTag
        self.paymentTag = paymentTag
        self.net = net
        self.paymentIntent = paymentIntent
    }
}
