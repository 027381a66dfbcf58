/// A validated request to refund a charge, in full (no amount) or in part.
public struct CreateRefund: Sendable, Equatable {
    public let chargeID: String
    public let amount: Int64?
    public let reason: Refund.Reason?
    public let metadata: Metadata

    public init(chargeID: String, amount: Int64?, reason: Refund.Reason?, metadata: Metadata) throws(PaymentsError) {
        if let amount, amount <= 0 {
            throw .invalidRequest(
                code: .parameterInvalidInteger, message: "The refund amount must be a positive whole number.",
                param: "amount")
        }
        self.chargeID = chargeID
        self.amount = amount
        self.reason = reason
        self.metadata = metadata
    }
}
