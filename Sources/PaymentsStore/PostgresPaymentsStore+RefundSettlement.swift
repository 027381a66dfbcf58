import Payments
import PostgresNIO

/// Pending refunds (UPI's) and how they end: the reconciler reads the due ones, postpones those still in flight, and
/// settles each with one statement.
extension PostgresPaymentsStore {
    public func pendingRefunds(limit: Int, deadline: Deadline) async throws -> [(refund: Refund, charge: Charge)] {
        let refunds = try await self.database.withRetries("pending refunds", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.refundColumns) FROM refunds
                WHERE status = 'pending' AND reconcile_after <= now()
                ORDER BY reconcile_after LIMIT \(Int32(limit))
                """, logger: self.logger)
            var refunds: [Refund] = []
            for try await row in rows { refunds.append(try Rows.refund(row)) }
            return refunds
        }
        var pending: [(refund: Refund, charge: Charge)] = []
        for refund in refunds {
            // The foreign key keeps every refund's charge.
            guard let charge = try await self.charge(id: refund.chargeID, scope: refund.scope, deadline: deadline)
            else { continue }
            pending.append((refund, charge))
        }
        return pending
    }

    public func postponeReconciliation(of refund: Refund, until time: Timestamp, deadline: Deadline) async throws {
        try await self.database.withRetries("postpone refund", .statement, deadline: deadline) { connection in
            try await connection.query(
                """
                UPDATE refunds SET reconcile_after = \(time)
                WHERE account_id = \(refund.scope.accountID) AND id = \(refund.id) AND status = 'pending'
                """, logger: self.logger)
        }
    }

    /// Settles a pending refund in one statement: its final status, and for a failure the charge's refunded amount
    /// given back and the `refund_failure` posting. A no-op (false) if the refund is no longer pending.
    public func settle(
        _ refund: Refund, restoring charge: Charge?, posting: Posting?, deadline: Deadline
    ) async throws -> Bool {
        let lines = PostingLines(posting)
        let restored = charge == nil ? Int64(0) : refund.amount
        return try await self.database.withRetries("settle refund", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                WITH settled AS (
                    UPDATE refunds
                    SET status = \(refund.status.rawValue), failure_reason = \(refund.failureReason?.rawValue),
                        failure_balance_transaction_id = \(refund.failureBalanceTransactionID),
                        reconcile_after = NULL, updated_at = now()
                    WHERE account_id = \(refund.scope.accountID) AND id = \(refund.id) AND status = 'pending'
                    RETURNING 1
                ), restored AS (
                    UPDATE charges SET amount_refunded = amount_refunded - \(restored), updated_at = now()
                    WHERE account_id = \(refund.scope.accountID) AND id = \(refund.chargeID) AND \(restored) > 0
                      AND EXISTS (SELECT 1 FROM settled)
                ), ledger AS (
                    INSERT INTO ledger_entries (
                        account_id, livemode, posting_id, line, ledger_account, currency, amount, posting_type,
                        source_id, description, created_at, available_on)
                    SELECT \(refund.scope.accountID), \(refund.scope.livemode), \(lines.postingID), e.line,
                           e.account, \(refund.currency.code), e.amount, \(lines.kind), \(refund.id),
                           \(posting?.description), \(lines.created), \(lines.availableOn)
                    FROM unnest(\(lines.numbers)::smallint[], \(lines.accounts)::text[], \(lines.amounts)::bigint[])
                         AS e(line, account, amount)
                    WHERE EXISTS (SELECT 1 FROM settled)
                )
                SELECT count(*) FROM settled
                """, logger: self.logger)
            for try await count in rows.decode(Int64.self) { return count == 1 }
            return false
        }
    }
}
