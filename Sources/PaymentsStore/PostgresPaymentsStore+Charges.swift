import NIOCore
import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    /// Phase 3 of a charge as one statement (`RecordChargeStatement`): finish the key, insert the charge and its
    /// posting's lines. One round trip, one commit, all or nothing.
    public func recordCharge(
        _ charge: Charge, posting: Posting?, response: StoredResponse, key: ClaimedKey, deadline: Deadline
    ) async throws -> Bool {
        let crash = self.faults.fire(.beforeFinishCommit)
        let mode: Database.Mode = crash == nil ? .statement : .transaction
        return try await self.database.run("record charge", mode, deadline: deadline) { connection in
            let statement = RecordChargeStatement(charge: charge, posting: posting, response: response, key: key)
            var recorded = false
            for try await count in try await connection.execute(statement, logger: self.logger) {
                recorded = count == 1
            }
            if let crash {
                // The test's simulated death between the writes and the commit: the transaction rolls back.
                if crash == .exit { try self.faults.check(.beforeFinishCommit) }
                throw FaultInjector.InjectedCrash(point: .beforeFinishCommit)
            }
            return recorded
        }
    }

    public func charge(id: String, scope: Scope, deadline: Deadline) async throws -> Charge? {
        guard ObjectID.isWellFormed(id, as: .charge) else { return nil }
        return try await self.database.run("charge", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.chargeColumns) FROM charges
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.charge(row) }
            return nil
        }
    }

    public func charges(scope: Scope, page: PageRequest, deadline: Deadline) async throws -> Page<Charge> {
        try await self.list(.charges, scope: scope, page: page, deadline: deadline, decode: Rows.charge)
    }

    public func pendingCharges(limit: Int, deadline: Deadline) async throws -> [Charge] {
        try await self.database.run("pending charges", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.chargeColumns) FROM charges
                WHERE status = 'pending' ORDER BY created_at LIMIT \(Int32(limit))
                """, logger: self.logger)
            var charges: [Charge] = []
            for try await row in rows { charges.append(try Rows.charge(row)) }
            return charges
        }
    }

    /// Settles a pending charge and appends its posting in one statement; a no-op if it is not pending any more.
    public func settle(_ charge: Charge, posting: Posting?, deadline: Deadline) async throws -> Bool {
        let lines = PostingLines(posting)
        return try await self.database.run("settle", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                WITH settled AS (
                    UPDATE charges
                    SET status = \(charge.status.rawValue), captured = \(charge.captured),
                        amount_captured = \(charge.amountCaptured),
                        balance_transaction_id = \(charge.balanceTransactionID),
                        failure_code = \(charge.failure?.code), decline_code = \(charge.failure?.declineCode),
                        failure_message = \(charge.failure?.message), updated_at = now()
                    WHERE account_id = \(charge.scope.accountID) AND id = \(charge.id) AND status = 'pending'
                    RETURNING 1
                ), ledger AS (
                    INSERT INTO ledger_entries (
                        account_id, livemode, posting_id, line, ledger_account, currency, amount, posting_type,
                        source_id, description, created_at, available_on)
                    SELECT \(charge.scope.accountID), \(charge.scope.livemode), \(lines.postingID), e.line,
                           e.account, \(charge.currency.code), e.amount, \(lines.kind), \(charge.id),
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

/// A posting's lines as parallel arrays, ready to `unnest` in the statement that inserts them: empty arrays
/// (and placeholder posting fields) when there is no posting.
struct PostingLines {
    let postingID: String
    let kind: String
    let created: Timestamp
    let availableOn: Timestamp
    let numbers: [Int16]
    let accounts: [String]
    let amounts: [Int64]

    init(_ posting: Posting?) {
        self.postingID = posting?.id ?? "txn_none"
        self.kind = posting?.kind.rawValue ?? Posting.Kind.charge.rawValue
        self.created = posting?.created ?? Timestamp(microseconds: 0)
        self.availableOn = posting?.availableOn ?? Timestamp(microseconds: 0)
        let entries = posting?.entries ?? []
        self.numbers = entries.indices.map { Int16($0 + 1) }
        self.accounts = entries.map(\.account.rawValue)
        self.amounts = entries.map(\.amount)
    }
}
