/// A parsed search query (`status:"succeeded" AND amount>1000`): its clauses, combined all with AND or all with OR.
/// Every field in it is one the resource can be searched by, and every value has the type its field takes, so the
/// store only has to turn each clause into a condition with bound values.
public struct SearchQuery: Sendable, Equatable {
    /// How the clauses combine. A space between clauses means AND; Stripe refuses a query that mixes AND and OR.
    public enum Combination: Sendable, Equatable {
        case all
        case any
    }

    public let clauses: [SearchClause]
    public let combination: Combination

    public init(clauses: [SearchClause], combination: Combination) {
        precondition((1...Limits.searchClausesMax).contains(clauses.count), "queries are parsed before they are built")
        self.clauses = clauses
        self.combination = combination
    }

    /// Parses `text` as a query on `resource`; a query that is too long, malformed or names a field the resource
    /// cannot be searched by is refused with `search_query_invalid`, naming the position of the problem.
    public static func parse(_ text: String, for resource: SearchResource) throws(PaymentsError) -> SearchQuery {
        do {
            var parser = try SearchParser(text, resource: resource)
            return try parser.parse()
        } catch {
            throw error.refusal
        }
    }
}

/// One clause: a field, how it is compared, the value, and whether the clause is negated (`-status:"failed"`).
public struct SearchClause: Sendable, Equatable {
    public let field: SearchField
    public let comparison: SearchComparison
    public let value: SearchValue
    public let negated: Bool

    public init(field: SearchField, comparison: SearchComparison, value: SearchValue, negated: Bool = false) {
        self.field = field
        self.comparison = comparison
        self.value = value
        self.negated = negated
    }
}

/// The operator of a clause.
public enum SearchComparison: String, Sendable, Equatable, CaseIterable {
    /// `:`: equal (for `created`, within that second).
    case equals = ":"
    /// `~`: contains, ignoring case (text fields only).
    case contains = "~"
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
    case lessThan = "<"
    case lessThanOrEqual = "<="
}

/// The value of a clause, typed by its field.
public enum SearchValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case boolean(Bool)
}
