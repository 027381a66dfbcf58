import PaisaTestSupport
import Payments
import PostgresNIO
import Testing

/// The bounds validation checks are the bounds the schema enforces: every CHECK on a text column's length in the
/// database is read back and compared with the domain's table (`StoredText`), both ways. A bound changed on one side
/// only fails here, before a value can pass validation and then be refused by the database after the processor
/// approved the payment.
@Suite("Validation and the schema agree on every stored text's bound")
struct SchemaBoundsTests {
    /// `table.column` → the upper bound of `char_length(column)` in that table's CHECK constraints.
    static func schemaBounds() async throws -> [String: Int] {
        let rows = try await TestDatabase.client().query(
            """
            SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'c' AND n.nspname = current_schema()
              AND pg_get_constraintdef(c.oid) LIKE '%char_length(%'
            """, logger: TestDatabase.logger)
        var bounds: [String: Int] = [:]
        for try await (table, definition) in rows.decode((String, String).self) {
            for (column, bound) in Self.lengthBounds(in: definition) {
                bounds["\(table).\(column)"] = bound
            }
        }
        return bounds
    }

    /// The columns and upper bounds of `char_length(x) <= N`, `char_length(x) = N` and
    /// `char_length(x) >= M AND char_length(x) <= N` (how PostgreSQL prints `BETWEEN`) in a constraint.
    static func lengthBounds(in definition: String) -> [(String, Int)] {
        var found: [(String, Int)] = []
        var rest = Substring(definition)
        while let start = rest.range(of: "char_length(") {
            rest = rest[start.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            let column = String(rest[..<close])
            let after = rest[rest.index(after: close)...].drop(while: { $0 == " " || $0 == ")" })
            for comparison in ["<= ", "= "] where after.hasPrefix(comparison) {
                let digits = after.dropFirst(comparison.count).prefix(while: \.isNumber)
                if let bound = Int(digits) { found.append((column, bound)) }
                break
            }
        }
        return found
    }

    @Test("every length CHECK in the schema has the domain's bound, and every domain bound has its CHECK")
    func boundsAgree() async throws {
        let schema = try await Self.schemaBounds()
        #expect(!schema.isEmpty)
        for (column, bound) in StoredText.lengthMax.sorted(by: { $0.key < $1.key }) {
            #expect(schema[column] == bound, "\(column): the domain says \(bound), the schema \(schema[column] ?? -1)")
        }
        for (column, bound) in schema.sorted(by: { $0.key < $1.key })
        where !column.hasPrefix("api_keys.") {
            #expect(StoredText.lengthMax[column] == bound, "\(column) has a CHECK the domain does not know")
        }
    }

    @Test("the bound is in scalars: a value at the bound in combining marks is stored, one past it refused")
    func scalarsAreWhatTheDatabaseCounts() async throws {
        let bound = try #require(StoredText.lengthMax["charges.description"])
        let atBound = "e" + String(repeating: "\u{0301}", count: bound - 1)
        #expect(atBound.count == 1)
        #expect(StoredText.length(atBound) == bound)
        let client = try await TestDatabase.client()
        for (text, accepted) in [(atBound, true), (atBound + "\u{0301}", false)] {
            let rows = try await client.query(
                "SELECT char_length(\(text)) <= \(Int32(bound))", logger: TestDatabase.logger)
            for try await fits in rows.decode(Bool.self) { #expect(fits == accepted) }
        }
        #expect(throws: PaymentsError.self) {
            try Validation.text(atBound + "\u{0301}", param: "description", max: bound)
        }
        try Validation.text(atBound, param: "description", max: bound)
    }
}
