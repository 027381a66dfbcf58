import PaisaTestSupport
import PostgresNIO

/// Queries over the raw tables, for assertions the API cannot make.
enum Ledger {
    /// Charges recorded for an account.
    static func chargeCount(account: String) async throws -> Int {
        Int(try await TestDatabase.integers("SELECT count(*) FROM charges WHERE account_id = \(account)").first ?? -1)
    }

    /// Postings recorded for an account.
    static func postingCount(account: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                "SELECT count(DISTINCT posting_id) FROM ledger_entries WHERE account_id = \(account)"
            ).first ?? -1)
    }

    /// Postings anywhere whose lines do not sum to zero per currency: always empty.
    static func unbalancedPostings() async throws -> [String] {
        try await TestDatabase.strings(
            """
            SELECT posting_id FROM ledger_entries GROUP BY account_id, posting_id, currency HAVING sum(amount) <> 0
            """)
    }

    /// Sandbox processor records for an idempotency key's processor key.
    static func processorRecords(account: String, key: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                """
                SELECT count(*) FROM sandbox_processor_payments p
                JOIN idempotency_keys k ON k.processor_key = p.processor_key
                WHERE k.account_id = \(account) AND k.key = \(key)
                """
            ).first ?? -1)
    }

    /// Whether the charge recorded under a key was authorized with that key's processor key.
    static func chargeUsesKeysProcessorKey(account: String, key: String, charge: String) async throws -> Bool {
        try await TestDatabase.integers(
            """
            SELECT count(*) FROM charges c JOIN idempotency_keys k
                ON k.account_id = c.account_id AND k.processor_key = c.processor_key
            WHERE c.account_id = \(account) AND c.id = \(charge) AND k.key = \(key)
            """
        ).first == 1
    }
}
