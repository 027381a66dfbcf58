/// 2022-11-15 (Stripe's own change): charges no longer embed their refunds. Older versions get a `refunds` list
/// (the ten newest, with `has_more`) inside every charge; the core loads it when this change is not active.
public struct ChargesStopEmbeddingRefunds: VersionChange {
    public static let version = APIVersion("2022-11-15")!
    public static let summary =
        "Charges no longer embed a `refunds` list. List a charge's refunds with `GET /v1/refunds?charge=ch_…`."
    public static let resources: Set<String> = ["charge"]

    public init() {}

    public func transform(_ object: inout JSONObject, context: VersionContext) {
        guard let id = object["id"]?.stringValue else { return }
        let refunds =
            context.refundsByCharge[id]
            ?? Render.list(url: "/v1/charges/\(id)/refunds", items: [], hasMore: false)
        object.insert("refunds", refunds, after: "refunded")
    }
}
