import Logging
import NIOCore
import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    /// The last phase of a POST other than charge creation: in one transaction, lock the key (it must still be
    /// this attempt's), run the domain's work, and store its response on the key.
    public func finish(
        key: ClaimedKey, deadline: Deadline,
        work: @escaping @Sendable (any PaymentsTransaction) async throws -> StoredResponse
    ) async throws -> StoredResponse? {
        let faults = self.faults
        return try await self.database.withRetries(
            "finish", .transaction, deadline: deadline, repeatable: false, afterCommit: .afterFinishCommit
        ) {
            connection -> StoredResponse? in
            // Locks the key, and names its request for the events this transaction's changes write (sql/006).
            let held = try await connection.query(
                """
                SELECT set_config('paisa.request_id', original_request_id, true),
                       set_config('paisa.idempotency_key', key, true)
                FROM idempotency_keys
                WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode) AND key = \(key.key)
                  AND lock_token = \(key.lockToken) AND recovery_point = 'started'
                FOR UPDATE
                """, logger: self.logger)
            var holds = false
            for try await _ in held { holds = true }
            guard holds else { return nil }
            let response = try await work(PostgresTransaction(connection: connection, logger: self.logger))
            try await connection.query(
                """
                UPDATE idempotency_keys
                SET recovery_point = 'finished', response_status = \(Int32(response.status)),
                    response_body = \(ByteBuffer(bytes: response.body)), lock_token = NULL, locked_until = NULL,
                    finished_at = now()
                WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode) AND key = \(key.key)
                """, logger: self.logger)
            try faults.check(.beforeFinishCommit)
            return response
        }
    }
}

/// The domain's view of an open transaction: reads that lock, and writes. Every change of a charge or refund writes
/// its event through the table's trigger, in this same transaction.
struct PostgresTransaction: PaymentsTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func lockCharge(id: String, scope: Scope) async throws -> Charge? {
        guard ObjectID.isWellFormed(id, as: .charge) else { return nil }
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: Rows.chargeColumns) FROM charges
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
            FOR UPDATE
            """, logger: self.logger)
        for try await row in rows { return try Rows.charge(row) }
        return nil
    }

    func updateCharge(_ charge: Charge) async throws {
        try await self.connection.query(
            """
            UPDATE charges
            SET amount_captured = \(charge.amountCaptured), amount_refunded = \(charge.amountRefunded),
                captured = \(charge.captured), status = \(charge.status.rawValue),
                balance_transaction_id = \(charge.balanceTransactionID), description = \(charge.description),
                metadata = \(Rows.json(charge.metadata))::jsonb, receipt_email = \(charge.receiptEmail),
                updated_at = now()
            WHERE account_id = \(charge.scope.accountID) AND id = \(charge.id)
            """, logger: self.logger)
    }

    func lockRefund(id: String, scope: Scope) async throws -> Refund? {
        guard ObjectID.isWellFormed(id, as: .refund) else { return nil }
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: Rows.refundColumns) FROM refunds
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
            FOR UPDATE
            """, logger: self.logger)
        for try await row in rows { return try Rows.refund(row) }
        return nil
    }

    func updateRefund(_ refund: Refund) async throws {
        try await self.connection.query(
            """
            UPDATE refunds
            SET metadata = \(Rows.json(refund.metadata))::jsonb, status = \(refund.status.rawValue),
                failure_reason = \(refund.failureReason?.rawValue),
                failure_balance_transaction_id = \(refund.failureBalanceTransactionID),
                -- Asked about again only while pending.
                reconcile_after = CASE WHEN \(refund.status.rawValue) = 'pending' THEN reconcile_after END,
                updated_at = now()
            WHERE account_id = \(refund.scope.accountID) AND id = \(refund.id)
            """, logger: self.logger)
    }

    func insertRefund(_ refund: Refund) async throws {
        try await self.connection.query(
            """
            INSERT INTO refunds (
                account_id, livemode, id, charge_id, amount, currency, status, reason, metadata,
                balance_transaction_id, created_at, updated_at, reconcile_after)
            VALUES (\(refund.scope.accountID), \(refund.scope.livemode), \(refund.id), \(refund.chargeID),
                    \(refund.amount), \(refund.currency.code), \(refund.status.rawValue), \(refund.reason?.rawValue),
                    \(Rows.json(refund.metadata))::jsonb, \(refund.balanceTransactionID), \(refund.created),
                    \(refund.created),
                    -- A second for the request that made it to submit it first (`ChargeService.submit`).
                    CASE WHEN \(refund.status.rawValue) = 'pending' THEN now() + interval '1 second' END)
            """, logger: self.logger)
    }

    func insertPosting(_ posting: Posting) async throws {
        let lines = PostingLines(posting)
        try await self.connection.query(
            """
            INSERT INTO ledger_entries (
                account_id, livemode, posting_id, line, ledger_account, currency, amount, posting_type, source_id,
                description, created_at, available_on)
            SELECT \(posting.scope.accountID), \(posting.scope.livemode), \(posting.id), e.line, e.account,
                   \(posting.currency.code), e.amount, \(posting.kind.rawValue), \(posting.sourceID),
                   \(posting.description), \(posting.created), \(posting.availableOn)
            FROM unnest(\(lines.numbers)::smallint[], \(lines.accounts)::text[], \(lines.amounts)::bigint[])
                 AS e(line, account, amount)
            """, logger: self.logger)
    }

    func balanceTransaction(id: String, scope: Scope) async throws -> BalanceTransaction? {
        let rows = try await self.connection.query(
            """
            \(unescaped: Rows.balanceTransactionSelect)
              AND m.account_id = \(scope.accountID) AND m.livemode = \(scope.livemode) AND m.posting_id = \(id)
            """, logger: self.logger)
        for try await row in rows { return try Rows.balanceTransaction(row) }
        return nil
    }

    func refunds(ofCharge chargeID: String, scope: Scope, limit: Int) async throws -> Page<Refund> {
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: Rows.refundColumns) FROM refunds
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND charge_id = \(chargeID)
            ORDER BY created_at DESC, id DESC LIMIT \(Int32(limit + 1))
            """, logger: self.logger)
        var refunds: [Refund] = []
        for try await row in rows { refunds.append(try Rows.refund(row)) }
        return Page(items: Array(refunds.prefix(limit)), hasMore: refunds.count > limit)
    }
}

extension PostgresTransaction {
    func countWebhookEndpoints(scope: Scope) async throws -> Int {
        // The account row's lock serializes creations, so that two cannot both see room for one more.
        try await self.connection.query(
            "SELECT 1 FROM accounts WHERE id = \(scope.accountID) FOR UPDATE", logger: self.logger)
        let rows = try await self.connection.query(
            """
            SELECT count(*) FROM webhook_endpoints
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode)
            """, logger: self.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    func insertWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws {
        try await self.connection.query(
            """
            INSERT INTO webhook_endpoints (
                account_id, livemode, id, url, enabled_events, description, metadata, api_version, status, secret,
                created_at, updated_at)
            VALUES (\(endpoint.scope.accountID), \(endpoint.scope.livemode), \(endpoint.id), \(endpoint.url),
                    \(endpoint.enabledEvents), \(endpoint.description), \(Rows.json(endpoint.metadata))::jsonb,
                    \(endpoint.apiVersion), \(endpoint.status.rawValue), \(endpoint.secret), \(endpoint.created),
                    \(endpoint.created))
            """, logger: self.logger)
    }

    func lockWebhookEndpoint(id: String, scope: Scope) async throws -> WebhookEndpoint? {
        guard ObjectID.isWellFormed(id, as: .webhookEndpoint) else { return nil }
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: EventRows.endpointColumns) FROM webhook_endpoints
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
            FOR NO KEY UPDATE
            """, logger: self.logger)
        for try await row in rows { return try EventRows.endpoint(row) }
        return nil
    }

    func updateWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws {
        // Enabling an endpoint again forgets its failures: it gets the full time to succeed once more.
        try await self.connection.query(
            """
            UPDATE webhook_endpoints
            SET url = \(endpoint.url), enabled_events = \(endpoint.enabledEvents),
                description = \(endpoint.description), metadata = \(Rows.json(endpoint.metadata))::jsonb,
                failing_since = CASE WHEN status = 'disabled' AND \(endpoint.status.rawValue) = 'enabled' THEN NULL
                                     ELSE failing_since END,
                status = \(endpoint.status.rawValue), updated_at = now()
            WHERE account_id = \(endpoint.scope.accountID) AND id = \(endpoint.id)
            """, logger: self.logger)
    }
}
