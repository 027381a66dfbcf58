/// Where a charge's goods go, in Stripe's shape: a recipient, an address, and how the parcel travels. Stored and
/// shown as given; Paisa does nothing else with it.
public struct Shipping: Sendable, Equatable, Codable {
    public struct Address: Sendable, Equatable, Codable {
        public var city: String?
        public var country: String?
        public var line1: String?
        public var line2: String?
        public var postalCode: String?
        public var state: String?

        public init(
            city: String?, country: String?, line1: String?, line2: String?, postalCode: String?, state: String?
        ) {
            self.city = city
            self.country = country
            self.line1 = line1
            self.line2 = line2
            self.postalCode = postalCode
            self.state = state
        }

        enum CodingKeys: String, CodingKey {
            case city, country, line1, line2, state
            case postalCode = "postal_code"
        }

        /// Every field with its parameter name, in the order they are checked.
        public var fields: [(name: String, value: String?)] {
            [
                ("city", self.city), ("country", self.country), ("line1", self.line1), ("line2", self.line2),
                ("postal_code", self.postalCode), ("state", self.state),
            ]
        }
    }

    public var name: String
    public var address: Address
    public var carrier: String?
    public var phone: String?
    public var trackingNumber: String?

    public init(name: String, address: Address, carrier: String?, phone: String?, trackingNumber: String?) {
        self.name = name
        self.address = address
        self.carrier = carrier
        self.phone = phone
        self.trackingNumber = trackingNumber
    }

    enum CodingKeys: String, CodingKey {
        case name, address, carrier, phone
        case trackingNumber = "tracking_number"
    }

    /// The parameters `shipping[…]` takes, and those of `shipping[address][…]`.
    public static let parameters: Set<String> = ["name", "address", "carrier", "phone", "tracking_number"]
    public static let addressParameters: Set<String> = ["city", "country", "line1", "line2", "postal_code", "state"]

    /// Stripe's rules: a name and an address with at least its first line; every string bounded (the column is
    /// JSON, so the database would store anything: the bound is ours, named in `Limits`).
    public func validate() throws(PaymentsError) {
        let fields: [(String, String?)] =
            [("shipping[name]", self.name), ("shipping[carrier]", self.carrier), ("shipping[phone]", self.phone)]
            + [("shipping[tracking_number]", self.trackingNumber)]
            + self.address.fields.map { ("shipping[address][\($0.name)]", $0.value) }
        for (param, value) in fields {
            try Validation.text(value, param: param, max: Limits.shippingFieldLengthMax)
        }
        guard self.address.line1?.isEmpty == false else { throw .parameterMissing("shipping[address][line1]") }
    }
}
