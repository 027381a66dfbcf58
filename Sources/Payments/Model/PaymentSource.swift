/// What a charge was asked to take money from, as the request named it.
public enum PaymentSource: Sendable, Equatable, CustomStringConvertible {
    /// A card token such as `tok_visa`.
    case cardToken(String)
    /// A UPI virtual payment address such as `success@upi`.
    case upi(vpa: String)

    /// Reads a `source` parameter: anything with an `@` is a UPI address, everything else a token.
    public init(parameter: String) {
        if parameter.contains("@") {
            self = .upi(vpa: parameter)
        } else {
            self = .cardToken(parameter)
        }
    }

    public var description: String {
        switch self {
        case .cardToken(let token): token
        case .upi(let vpa): vpa
        }
    }
}
