/// A field a query can name, whatever the resource: the store maps each to its column.
public enum SearchField: Sendable, Equatable {
    case amount
    case created
    case currency
    case status
    case customer
    case paymentIntent
    /// Whether a charge was refunded in full.
    case refunded
    /// `payment_method_details.card.last4`.
    case cardLast4
    case email
    case name
    case phone
    /// `metadata["key"]`: the pair with this key has this value.
    case metadata(key: String)

    /// How a field is compared, which decides the operators and values it takes.
    public enum Kind: Sendable, Equatable {
        /// A whole number: `:`, `>`, `>=`, `<`, `<=` with an unquoted (or quoted) number.
        case numeric
        /// An exact value: `:` with a quoted string.
        case token
        /// Text: `:` (exact) or `~` (contains, ignoring case) with a quoted string.
        case text
        /// `"true"` or `"false"` with `:`.
        case boolean
    }

    public var kind: Kind {
        switch self {
        case .amount, .created: .numeric
        case .currency, .status, .customer, .paymentIntent, .cardLast4, .metadata: .token
        case .email, .name, .phone: .text
        case .refunded: .boolean
        }
    }

    /// The operators the field takes, as the error messages list them.
    var comparisons: [SearchComparison] {
        switch self.kind {
        case .numeric: [.equals, .greaterThan, .greaterThanOrEqual, .lessThan, .lessThanOrEqual]
        case .token, .boolean: [.equals]
        case .text: [.equals, .contains]
        }
    }
}
