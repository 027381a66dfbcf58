/// Someone an account charges: contact details the merchant keeps, and the charges that name it. Deleting a
/// customer keeps its row, so the charges that name it still point to something; a deleted customer is shown as
/// Stripe shows one (`deleted: true`) and is left out of lists.
public struct Customer: Sendable, Equatable {
    public let id: String
    public let scope: Scope
    public var email: String?
    public var name: String?
    public var phone: String?
    public var description: String?
    public var metadata: Metadata
    public let created: Timestamp
    /// Set once, by the delete.
    public var deleted: Bool

    public init(
        id: String, scope: Scope, email: String?, name: String?, phone: String?, description: String?,
        metadata: Metadata, created: Timestamp, deleted: Bool
    ) {
        self.id = id
        self.scope = scope
        self.email = email
        self.name = name
        self.phone = phone
        self.description = description
        self.metadata = metadata
        self.created = created
        self.deleted = deleted
    }
}

/// A validated request to make a customer. Every field is optional, as in Stripe.
public struct CreateCustomer: Sendable, Equatable {
    public let email: String?
    public let name: String?
    public let phone: String?
    public let description: String?
    public let metadata: Metadata

    public init(
        email: String?, name: String?, phone: String?, description: String?, metadata: Metadata
    ) throws(PaymentsError) {
        try CustomerFields.validate(email: email, name: name, phone: phone, description: description)
        try Validation.metadata(metadata.pairs)
        self.email = email
        self.name = name
        self.phone = phone
        self.description = description
        self.metadata = metadata
    }
}

/// A validated change to a customer: only the fields given change; an empty string clears a field.
public struct UpdateCustomer: Sendable, Equatable {
    public let customerID: String
    public let email: String?
    public let name: String?
    public let phone: String?
    public let description: String?
    public let metadata: MetadataUpdate?

    public init(
        customerID: String, email: String?, name: String?, phone: String?, description: String?,
        metadata: MetadataUpdate?
    ) throws(PaymentsError) {
        try CustomerFields.validate(
            email: email.flatMap { $0.isEmpty ? nil : $0 }, name: name, phone: phone, description: description)
        self.customerID = customerID
        self.email = email
        self.name = name
        self.phone = phone
        self.description = description
        self.metadata = metadata
    }

    /// The customer with this update applied.
    public func applied(to customer: Customer) -> Customer {
        func cleared(_ text: String) -> String? { text.isEmpty ? nil : text }
        var customer = customer
        if let email = self.email { customer.email = cleared(email) }
        if let name = self.name { customer.name = cleared(name) }
        if let phone = self.phone { customer.phone = cleared(phone) }
        if let description = self.description { customer.description = cleared(description) }
        if let metadata = self.metadata { customer.metadata.apply(metadata) }
        return customer
    }
}

/// The rules a customer's own fields obey, on create and update alike.
enum CustomerFields {
    static func validate(email: String?, name: String?, phone: String?, description: String?) throws(PaymentsError) {
        try Validation.email(email, param: "email")
        try Validation.text(name, param: "name", max: Limits.customerNameLengthMax)
        try Validation.text(phone, param: "phone", max: Limits.phoneLengthMax)
        try Validation.text(description, param: "description", max: Limits.descriptionLengthMax)
    }
}
