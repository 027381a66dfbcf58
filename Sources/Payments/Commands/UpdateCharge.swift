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
