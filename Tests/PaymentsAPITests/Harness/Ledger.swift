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

    /// Payments the sandbox processor holds for an account, each under its own processor key: a second
    /// authorization of one logical payment would be a second row.
    static func processorRecords(account: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                "SELECT count(*) FROM sandbox_processor_payments WHERE account_id = \(account)"
            ).first ?? -1)
    }

    /// Approvals the sandbox processor made for an account that have no charge and were not voided: money that
    /// moved without a charge. Always 0 once every key is finished.
    static func unrecordedApprovals(account: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                """
                SELECT count(*) FROM sandbox_processor_payments p
                WHERE p.account_id = \(account) AND p.decision = 'approved' AND p.voided_at IS NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM charges c WHERE c.account_id = p.account_id AND c.processor_key = p.processor_key)
                """
            ).first ?? -1)
    }

    /// Idempotency keys of an account that are not finished.
    static func unfinishedKeys(account: String) async throws -> Int {
        Int(
            try await TestDatabase.integers(
                "SELECT count(*) FROM idempotency_keys WHERE account_id = \(account) AND recovery_point <> 'finished'"
            ).first ?? -1)
    }

    /// The processor key an idempotency key's payment was authorized under.
    static func processorKey(account: String, key: String) async throws -> String? {
        try await TestDatabase.strings(
            "SELECT processor_key FROM idempotency_keys WHERE account_id = \(account) AND key = \(key)"
        ).first
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
