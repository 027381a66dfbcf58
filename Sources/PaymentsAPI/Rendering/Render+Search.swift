import Payments

extension Render {
    /// A page of search results, as Stripe: `next_page` is the token for the page after it, null on the last.
    static func searchResult(url: String, items: [JSONValue], hasMore: Bool, nextPage: String?) -> JSONValue {
        .object([
            "object": .string("search_result"),
            "data": .array(items),
            "has_more": .bool(hasMore),
            "next_page": .string(nextPage),
            "url": .string(url),
        ])
    }
}
