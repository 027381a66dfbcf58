/// A validated request to capture an authorized charge, in full or in part.
public struct CaptureCharge: Sendable, Equatable {
    public let chargeID: String
    /// Nil captures the whole amount; less releases the rest.
    public let amount: Int64?

    public init(chargeID: String, amount: Int64?) throws(PaymentsError) {
        if let amount, amount <= 0 {
            throw .invalidRequest(
                code: .parameterInvalidInteger, message: "The capture amount must be a positive whole number.",
                param: "amount")
        }
        self.chargeID = chargeID
        self.amount = amount
    }
}
