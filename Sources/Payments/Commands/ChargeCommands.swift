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

/// A validated update of a charge's descriptive fields. For `description` and `receiptEmail`: nil leaves the
/// field alone, `.some(nil)` clears it, `.some(text)` sets it.
public struct UpdateCharge: Sendable, Equatable {
    public let chargeID: String
    public let description: String??
    public let metadata: MetadataUpdate?
    public let receiptEmail: String??

    public init(
        chargeID: String, description: String??, metadata: MetadataUpdate?, receiptEmail: String??
    )
        throws(PaymentsError)
    {
        if case .some(.some(let text)) = description {
            try Validation.text(text, param: "description", max: Limits.descriptionLengthMax)
        }
        if case .some(.some(let email)) = receiptEmail { try Validation.email(email, param: "receipt_email") }
        self.chargeID = chargeID
        self.description = description
        self.metadata = metadata
        self.receiptEmail = receiptEmail
    }
}

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

/// A validated update of a refund's metadata.
public struct UpdateRefund: Sendable, Equatable {
    public let refundID: String
    public let metadata: MetadataUpdate?

    public init(refundID: String, metadata: MetadataUpdate?) {
        self.refundID = refundID
        self.metadata = metadata
    }
}
