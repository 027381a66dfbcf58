/// Which API the run pays through, and so what one logical payment's requests are.
public enum PaymentAPI: Sendable, Equatable {
    /// `POST /v1/charges`: one request per payment.
    case charges
    /// `POST /v1/payment_intents`: with `confirm=true` in one request (`separately` false), or made first (under
    /// its own key) and then confirmed with `POST /v1/payment_intents/:id/confirm`.
    case paymentIntents(confirmSeparately: Bool)

    /// The `--api` values.
    public static let names = ["charges", "payment_intents"]
    /// The `--confirm` values for payment intents.
    public static let confirmations = ["with-create", "separately"]

    /// Reads `--api` and `--confirm`.
    public static func parse(api: String, confirm: String) throws(LoadInputError) -> PaymentAPI {
        guard Self.confirmations.contains(confirm) else {
            throw LoadInputError("--confirm takes \(Self.confirmations.joined(separator: " or ")), not '\(confirm)'.")
        }
        switch api {
        case "charges":
            guard confirm == "with-create" else {
                throw LoadInputError("--confirm separately needs --api payment_intents: a charge has no confirmation.")
            }
            return .charges
        case "payment_intents": return .paymentIntents(confirmSeparately: confirm == "separately")
        default: throw LoadInputError("--api takes \(Self.names.joined(separator: " or ")), not '\(api)'.")
        }
    }

    /// How reports name it.
    public var name: String {
        switch self {
        case .charges: "charges"
        case .paymentIntents(let separately): separately ? "payment_intents (confirmed separately)" : "payment_intents"
        }
    }

    /// Whether payments go through PaymentIntents.
    public var usesIntents: Bool { self != .charges }
}
