import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    public func refund(id: String, scope: Scope, deadline: Deadline) async throws -> Refund? {
        guard ObjectID.isWellFormed(id, as: .refund) else { return nil }
        return try await self.database.withRetries("refund", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.refundColumns) FROM refunds
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.refund(row) }
            return nil
        }
    }

    public func refunds(
        scope: Scope, chargeID: String?, page: PageRequest, deadline: Deadline
    ) async throws
        -> Page<Refund>
    {
        try await self.list(
            .refunds, scope: scope, page: page, filter: chargeID.map { .equals(column: "charge_id", value: $0) },
            deadline: deadline,
            decode: Rows.refund)
    }

    public func refunds(
        ofCharge chargeID: String, scope: Scope, limit: Int, deadline: Deadline
    ) async throws
        -> Page<Refund>
    {
        try await self.refunds(
            scope: scope, chargeID: chargeID, page: PageRequest(limit: limit, cursor: nil), deadline: deadline)
    }

    public func balanceTransaction(id: String, scope: Scope, deadline: Deadline) async throws -> BalanceTransaction? {
        guard ObjectID.isWellFormed(id, as: .balanceTransaction) else { return nil }
        return try await self.database.withRetries("balance transaction", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                \(unescaped: Rows.balanceTransactionSelect)
                  AND m.account_id = \(scope.accountID) AND m.livemode = \(scope.livemode) AND m.posting_id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.balanceTransaction(row) }
            return nil
        }
    }

    public func balanceTransactions(
        scope: Scope, page: PageRequest, deadline: Deadline
    ) async throws
        -> Page<BalanceTransaction>
    {
        try await self.list(
            .balanceTransactions, scope: scope, page: page, deadline: deadline, decode: Rows.balanceTransaction)
    }

    /// Sums the merchant's ledger lines per currency, split by whether they are available at `time`.
    public func balance(scope: Scope, at time: Timestamp, deadline: Deadline) async throws -> Balance {
        try await self.database.withRetries("balance", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT currency,
                       coalesce(sum(amount) FILTER (WHERE available_on <= \(time)), 0)::bigint,
                       coalesce(sum(amount) FILTER (WHERE available_on > \(time)), 0)::bigint
                FROM ledger_entries
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode)
                  AND ledger_account = 'merchant_balance'
                GROUP BY currency
                ORDER BY currency
                """, logger: self.logger)
            var amounts: [Balance.Amounts] = []
            for try await (code, available, pending) in rows.decode((String, Int64, Int64).self) {
                guard let currency = Currency.named(code) else {
                    throw RowError(description: "ledger line in unknown currency \(code)")
                }
                amounts.append(Balance.Amounts(currency: currency, available: available, pending: pending))
            }
            return Balance(scope: scope, amounts: amounts)
        }
    }
}
