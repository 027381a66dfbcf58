import Foundation
import NIOCore
import PaisaTestSupport
import Payments
import PostgresNIO
import Testing

@testable import PaymentsStore

/// Searches read through the indexes of sql/010, scoped to the account: the plan of the store's own statement, on a
/// table with thousands of rows, has no sequential scan, and every index condition on `charges` names the account.
@Suite("Search plans use the account's indexes")
struct SearchPlanTests {
    /// Rows given to the searched account: enough that reading the table would cost more than its indexes.
    static let rowsInAccount = 2000

    @Test("a metadata search is answered by the GIN index with the account in its condition, never a Seq Scan")
    func metadataUsesIndex() async throws {
        let (account, _) = try await TestDatabase.account()
        let client = try await TestDatabase.client()
        try await client.query(
            """
            INSERT INTO charges (account_id, livemode, id, amount, currency, amount_captured, amount_refunded, captured,
                capture_method, status, method_type, card_last4, balance_transaction_id, metadata, processor_key,
                created_at, updated_at)
            SELECT \(account.id), false, 'ch_plan' || g, 1000 + g, 'inr', 1000 + g, 0, true, 'automatic', 'succeeded',
                'card', '4242', 'txn_plan' || g, jsonb_build_object('order', (g % 500)::text), 'pk_plan' || g,
                now() - g * interval '1 second', now()
            FROM generate_series(1, \(Self.rowsInAccount)) g
            """, logger: TestDatabase.logger)
        try await client.query("ANALYZE charges", logger: TestDatabase.logger)

        let scope = Scope(accountID: account.id, livemode: false)
        for text in [
            #"metadata["order"]:"7""#, #"status:"failed""#, #"metadata["order"]:"7" OR metadata["order"]:"8""#,
        ] {
            let search = SearchRequest(query: try SearchQuery.parse(text, for: .charges), limit: 10, after: nil)
            let plan = try await Self.plan(PostgresPaymentsStore.searchQuery(.charges, search, scope: scope))
            #expect(!plan.contains("Seq Scan"), "\(text): \(plan)")
            let nodes = Self.nodes(try JSONSerialization.jsonObject(with: Data(plan.utf8)))
            let onCharges = nodes.filter { $0["Relation Name"] as? String == "charges" || $0["Index Name"] != nil }
            #expect(!onCharges.isEmpty, "\(text): \(plan)")
            for node in onCharges where node["Index Name"] != nil {
                #expect((node["Index Cond"] as? String)?.contains("account_id") == true, "\(text): \(node)")
            }
            if text.hasPrefix("metadata") {
                #expect(plan.contains("charges_search_metadata"), "\(text): \(plan)")
            }
        }
    }

    /// `EXPLAIN (FORMAT JSON)` of a statement with its bound values, as text.
    static func plan(_ query: PostgresQuery) async throws -> String {
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) " + query.sql, binds: query.binds)
        let rows = try await TestDatabase.client().query(explain, logger: TestDatabase.logger)
        var text = ""
        for try await row in rows {
            if let bytes = row.makeRandomAccess()[0].bytes { text += String(buffer: bytes) }
        }
        return text
    }

    /// Every plan node, depth first.
    static func nodes(_ json: Any) -> [[String: Any]] {
        if let list = json as? [Any] { return list.flatMap { Self.nodes($0) } }
        guard let object = json as? [String: Any] else { return [] }
        var found: [[String: Any]] = []
        if let plan = object["Plan"] { found += Self.nodes(plan) }
        if object["Node Type"] != nil { found.append(object) }
        if let children = object["Plans"] { found += Self.nodes(children) }
        return found
    }
}
