import Payments

/// 2024-09-30.acacia (an error code that changed): a UPI payment the payer's bank refuses reports
/// `payment_method_provider_decline`. Before it, UPI refusals reported the card code `card_declined` with
/// `decline_code: generic_decline`, in the 402 error and in the failed charge.
public struct UPIDeclineCode: VersionChange {
    public static let version = APIVersion("2024-09-30.acacia")!
    public static let summary =
        "UPI declines report `payment_method_provider_decline`; they used to report `card_declined` with "
        + "`decline_code: generic_decline`."
    public static let resources: Set<String> = ["charge", "error"]

    static let newCode = ErrorCode.paymentMethodProviderDecline.rawValue
    static let oldCode = ErrorCode.cardDeclined.rawValue
    static let oldDeclineCode = "generic_decline"

    public init() {}

    public func transform(_ object: inout JSONObject, context: VersionContext) {
        if object.kind == "charge" {
            guard object["failure_code"]?.stringValue == Self.newCode else { return }
            object["failure_code"] = .string(Self.oldCode)
            if case .object(var outcome)? = object["outcome"] {
                outcome["reason"] = .string(Self.oldDeclineCode)
                object["outcome"] = .object(outcome)
            }
        } else {
            guard object["code"]?.stringValue == Self.newCode else { return }
            object["code"] = .string(Self.oldCode)
            object.insert("decline_code", .string(Self.oldDeclineCode), after: "code")
            if let url = object["doc_url"]?.stringValue, let hash = url.lastIndex(of: "#") {
                object["doc_url"] = .string(url[..<hash] + "#" + Self.oldCode)
            }
        }
    }
}
