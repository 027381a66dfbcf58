import PostgresNIO

/// Builds a query whose shape depends on the request (optional filters, a cursor) from fixed SQL fragments and
/// bound values. Values are always bound, never spliced into the text.
struct QueryBuilder {
    private(set) var sql = ""
    private var binds = PostgresBindings()

    /// Appends a fixed fragment of SQL.
    mutating func append(_ fragment: StaticString) {
        self.sql += fragment.description
    }

    /// Appends SQL the code itself composed from constants (a column list, a table's select); never input.
    mutating func append(trusted fragment: String) {
        self.sql += fragment
    }

    /// Binds a value and returns its placeholder (`$3`) for the next fragment.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        self.binds.append(value)
        return "$\(self.binds.count)"
    }

    /// Appends a fragment and a bound value in one go: `append(" AND id = ", id)`.
    mutating func append<Value: PostgresDynamicTypeEncodable>(_ fragment: StaticString, _ value: Value) {
        self.sql += fragment.description + self.bind(value)
    }

    var query: PostgresQuery {
        PostgresQuery(unsafeSQL: self.sql, binds: self.binds)
    }
}
