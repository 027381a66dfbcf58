import Payments
import PostgresNIO

// Search: a parsed query becomes conditions over fixed column names with every value bound; nothing of the query's
// text reaches the SQL. The scope (account and mode) comes first, and the indexes of sql/010 lead with it.

extension PostgresPaymentsStore {
    public func searchCharges(_ search: SearchRequest, scope: Scope, deadline: Deadline) async throws -> Page<Charge> {
        try await self.search(.charges, search, scope: scope, deadline: deadline, decode: Rows.charge)
    }

    public func searchPaymentIntents(
        _ search: SearchRequest, scope: Scope, deadline: Deadline
    ) async throws -> Page<PaymentIntent> {
        try await self.search(.paymentIntents, search, scope: scope, deadline: deadline, decode: Rows.paymentIntent)
    }

    public func searchCustomers(
        _ search: SearchRequest, scope: Scope, deadline: Deadline
    ) async throws -> Page<Customer> {
        try await self.search(.customers, search, scope: scope, deadline: deadline, decode: Rows.customer)
    }

    /// One page of results, newest first, after the position the request carries.
    private func search<Item: Sendable>(
        _ source: SearchSource, _ search: SearchRequest, scope: Scope, deadline: Deadline,
        decode: @escaping @Sendable (PostgresRow) throws -> Item
    ) async throws -> Page<Item> {
        let query = Self.searchQuery(source, search, scope: scope)
        let rows = try await self.database.withRetries("search \(source.list.noun)", .statement, deadline: deadline) {
            connection in
            var items: [Item] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                items.append(try decode(row))
            }
            return items
        }
        return Page(items: Array(rows.prefix(search.limit)), hasMore: rows.count > search.limit)
    }

    /// The statement of one page: fixed SQL, the clauses' conditions, and every value bound. One more row than the
    /// page is read, to know whether there is more.
    static func searchQuery(_ source: SearchSource, _ search: SearchRequest, scope: Scope) -> PostgresQuery {
        var builder = QueryBuilder()
        builder.append(trusted: source.list.select)
        builder.append(" AND account_id = ", scope.accountID)
        builder.append(" AND livemode = ", scope.livemode)
        builder.append(" AND (")
        for (index, clause) in search.query.clauses.enumerated() {
            if index > 0 { builder.append(search.query.combination == .all ? " AND " : " OR ") }
            source.condition(clause, into: &builder)
        }
        builder.append(")")
        if let after = search.after {
            builder.append(" AND (created_at, id) < (")
            builder.append(trusted: builder.bind(after.created) + ", " + builder.bind(after.id) + ")")
        }
        builder.append(" ORDER BY created_at DESC, id DESC LIMIT ", Int32(search.limit + 1))
        return builder.query
    }
}

/// A searchable table: its list query (which scopes it: customers leave the deleted out) and the column or
/// expression behind each field. Column names are constants here, never taken from a query.
struct SearchSource {
    let list: ListSource
    let columns: [SearchColumnKey: String]

    static let charges = SearchSource(
        list: .charges,
        columns: [
            .amount: "amount", .currency: "currency", .status: "status", .customer: "customer_id",
            .paymentIntent: "payment_intent_id", .refunded: "(amount_refunded = amount)", .cardLast4: "card_last4",
        ])
    static let paymentIntents = SearchSource(
        list: .paymentIntents,
        columns: [.amount: "amount", .currency: "currency", .status: "status", .customer: "customer_id"])
    static let customers = SearchSource(
        list: .customers, columns: [.email: "email", .name: "name", .phone: "phone"])

    /// Appends one clause as a parenthesized condition; a negated clause is true where the condition is not (a
    /// missing value counts as not matching, so `-customer:"cus_…"` keeps charges without a customer).
    func condition(_ clause: SearchClause, into builder: inout QueryBuilder) {
        builder.append(clause.negated ? "NOT coalesce((" : "(")
        switch (clause.field, clause.value) {
        case (.created, .integer(let seconds)):
            Self.created(clause.comparison, seconds: seconds, into: &builder)
        case (.metadata(let key), .text(let value)):
            // `@>` with the pair: what the GIN index on (account_id, livemode, metadata) answers.
            builder.append("metadata @> jsonb_build_object(")
            builder.append(trusted: builder.bind(key) + "::text, " + builder.bind(value) + "::text))")
        case (let field, .integer(let number)):
            builder.append(trusted: "\(self.column(field)) \(Self.sqlOperator(clause.comparison)) ")
            builder.append(trusted: builder.bind(number) + ")")
        case (let field, .boolean(let flag)):
            builder.append(trusted: "\(self.column(field)) = " + builder.bind(flag) + ")")
        case (let field, .text(let text)):
            if clause.comparison == .contains {
                builder.append(trusted: "strpos(lower(\(self.column(field))), lower(" + builder.bind(text) + ")) > 0)")
            } else {
                builder.append(trusted: "\(self.column(field)) = " + builder.bind(text) + ")")
            }
        }
        if clause.negated { builder.append(", false)") }
    }

    private func column(_ field: SearchField) -> String {
        guard let key = SearchColumnKey(field), let column = self.columns[key] else {
            preconditionFailure("the parser only lets through fields the resource has")
        }
        return column
    }

    /// `created` compares whole seconds: `created:T` is within that second, `created>T` from the next one on.
    private static func created(_ comparison: SearchComparison, seconds: Int64, into builder: inout QueryBuilder) {
        let start = Timestamp(seconds: seconds)
        let next = Timestamp(seconds: seconds + 1)
        switch comparison {
        case .equals:
            builder.append(" created_at >= ", start)
            builder.append(" AND created_at < ", next)
        case .greaterThan: builder.append(" created_at >= ", next)
        case .greaterThanOrEqual: builder.append(" created_at >= ", start)
        case .lessThan: builder.append(" created_at < ", start)
        case .lessThanOrEqual: builder.append(" created_at < ", next)
        case .contains: preconditionFailure("the parser refuses ~ on numbers")
        }
        builder.append(")")
    }

    private static func sqlOperator(_ comparison: SearchComparison) -> String {
        switch comparison {
        case .equals: "="
        case .greaterThan: ">"
        case .greaterThanOrEqual: ">="
        case .lessThan: "<"
        case .lessThanOrEqual: "<="
        case .contains: preconditionFailure("the parser refuses ~ on numbers")
        }
    }
}

/// A field without its payload (a metadata key), to look its column up.
enum SearchColumnKey: Hashable {
    case amount, currency, status, customer, paymentIntent, refunded, cardLast4, email, name, phone

    init?(_ field: SearchField) {
        switch field {
        case .amount: self = .amount
        case .currency: self = .currency
        case .status: self = .status
        case .customer: self = .customer
        case .paymentIntent: self = .paymentIntent
        case .refunded: self = .refunded
        case .cardLast4: self = .cardLast4
        case .email: self = .email
        case .name: self = .name
        case .phone: self = .phone
        case .created, .metadata: return nil
        }
    }
}
