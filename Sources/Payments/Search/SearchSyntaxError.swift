/// Why a query was refused, and where: the position counts Unicode scalars from 1, as PostgreSQL's own syntax
/// errors count characters.
struct SearchSyntaxError: Error, Equatable {
    let position: Int
    let problem: String

    /// The client's error: `search_query_invalid` on `query`.
    var refusal: PaymentsError {
        .invalidRequest(
            code: .searchQueryInvalid,
            message: "Search query syntax error at position \(self.position): \(self.problem)",
            param: "query")
    }
}
