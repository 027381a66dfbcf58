import Payments
import PostgresNIO

/// Pending refunds (UPI's) and how they end: the reconciler reads the due ones, postpones those still in flight, and
/// settles each in one transaction made of the writes every refund uses.
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
        guard !refunds.isEmpty else { return [] }
        // Their charges in one read (the foreign key keeps every refund's charge).
        let charges = try await self.database.withRetries("charges of refunds", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.chargeColumns) FROM charges
                JOIN unnest(\(refunds.map(\.scope.accountID))::text[], \(refunds.map(\.chargeID))::text[])
                     AS k(account_id, id) USING (account_id, id)
                """, logger: self.logger)
            var charges: [String: Charge] = [:]
            for try await row in rows {
                let charge = try Rows.charge(row)
                charges[charge.scope.accountID + "/" + charge.id] = charge
            }
            return charges
        }
        let pending = refunds.compactMap { refund in
            charges[refund.scope.accountID + "/" + refund.chargeID].map { (refund: refund, charge: $0) }
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

    public func settle(
        pendingRefund refund: Refund, deadline: Deadline,
        end: @escaping @Sendable (Refund, Charge) -> (refund: Refund, charge: Charge?, posting: Posting?)
    ) async throws -> Bool {
        try await self.database.withRetries("settle refund", .transaction, deadline: deadline) { connection in
            let transaction = PostgresTransaction(connection: connection, logger: self.logger)
            // The charge before the refund, as every transaction locks them.
            guard let charge = try await transaction.lockCharge(id: refund.chargeID, scope: refund.scope),
                let locked = try await transaction.lockRefund(id: refund.id, scope: refund.scope),
                locked.status == .pending
            else { return false }
            let (settled, restored, posting) = end(locked, charge)
            if let restored { try await transaction.updateCharge(restored) }
            if let posting { try await transaction.insertPosting(posting) }
            try await transaction.updateRefund(settled)
            return true
        }
    }
}
