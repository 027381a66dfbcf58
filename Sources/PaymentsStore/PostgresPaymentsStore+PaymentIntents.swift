import Payments
import PostgresNIO

// PaymentIntents: reads, lists, the create of `confirm=true` and the confirmation's take here; the writes of other
// requests run inside `finish` (the transaction methods below). The charges' trigger moves intents (sql/009).

extension PostgresPaymentsStore {
    public func paymentIntent(id: String, scope: Scope, deadline: Deadline) async throws -> PaymentIntent? {
        guard ObjectID.isWellFormed(id, as: .paymentIntent) else { return nil }
        return try await self.database.withRetries("payment intent", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.paymentIntentColumns) FROM payment_intents
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.paymentIntent(row) }
            return nil
        }
    }

    public func paymentIntents(
        scope: Scope, customerID: String?, page: PageRequest, deadline: Deadline
    ) async throws -> Page<PaymentIntent> {
        try await self.list(
            .paymentIntents, scope: scope, page: page,
            filter: customerID.map { .equals(column: "customer_id", value: $0) }, deadline: deadline,
            decode: Rows.paymentIntent)
    }

    public func insertPaymentIntent(
        _ intent: PaymentIntent, createdBy key: ClaimedKey, deadline: Deadline
    ) async throws -> PaymentIntent {
        try await self.database.withRetries("insert payment intent", .transaction, deadline: deadline) {
            connection in
            try await connection.query(
                """
                SELECT set_config('paisa.request_id', original_request_id, true),
                       set_config('paisa.idempotency_key', key, true)
                FROM idempotency_keys
                WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode) AND key = \(key.key)
                """, logger: self.logger)
            try await PostgresTransaction(connection: connection, logger: self.logger).insertPaymentIntent(
                intent, createdBy: key.processorKey)
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.paymentIntentColumns) FROM payment_intents
                WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode)
                  AND creating_processor_key = \(key.processorKey)
                """, logger: self.logger)
            for try await row in rows { return try Rows.paymentIntent(row) }
            throw RowError(description: "the intent of key \(key.key) vanished")
        }
    }

    public func takeForConfirmation(
        intentID: String, method: IntentPaymentMethod?, key: ClaimedKey, deadline: Deadline
    ) async throws -> PaymentIntent? {
        guard ObjectID.isWellFormed(intentID, as: .paymentIntent) else { return nil }
        let scope = key.scope
        let vpa: String? = if case .upi(_, let vpa)? = method { vpa } else { nil }
        return try await self.database.withRetries("take payment intent", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                UPDATE payment_intents
                SET confirming_processor_key = \(key.processorKey),
                    payment_method = coalesce(\(method?.id), payment_method),
                    upi_vpa = CASE WHEN \(method?.id)::text IS NULL THEN upi_vpa ELSE \(vpa) END,
                    status = 'requires_confirmation', updated_at = now()
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(intentID)
                  AND coalesce(\(method?.id), payment_method) IS NOT NULL
                  AND (confirming_processor_key = \(key.processorKey)
                       OR (confirming_processor_key IS NULL
                           AND status IN ('requires_payment_method', 'requires_confirmation')))
                RETURNING \(unescaped: Rows.paymentIntentColumns)
                """, logger: self.logger)
            for try await row in rows { return try Rows.paymentIntent(row) }
            return nil
        }
    }
}

extension PostgresTransaction {
    func insertPaymentIntent(_ intent: PaymentIntent) async throws {
        try await self.insertPaymentIntent(intent, createdBy: nil)
    }

    /// Inserts an intent; with `createdBy` (a key's processor key), an intent that key already made is kept instead.
    func insertPaymentIntent(_ intent: PaymentIntent, createdBy key: String?) async throws {
        let vpa: String? = if case .upi(_, let vpa) = intent.paymentMethod { vpa } else { nil }
        try await self.connection.query(
            """
            INSERT INTO payment_intents (
                account_id, livemode, id, amount, currency, status, capture_method, payment_method, upi_vpa,
                customer_id, description, metadata, receipt_email, statement_descriptor, client_secret,
                creating_processor_key, created_at, updated_at)
            VALUES (\(intent.scope.accountID), \(intent.scope.livemode), \(intent.id), \(intent.amount),
                    \(intent.currency.code), \(intent.status.rawValue), \(intent.captureMethod.rawValue),
                    \(intent.paymentMethod?.id), \(vpa), \(intent.customerID), \(intent.description),
                    \(Rows.json(intent.metadata))::jsonb, \(intent.receiptEmail), \(intent.statementDescriptor),
                    \(intent.clientSecret), \(key), \(intent.created), \(intent.created))
            ON CONFLICT (account_id, livemode, creating_processor_key) WHERE creating_processor_key IS NOT NULL DO NOTHING
            """, logger: self.logger)
    }

    func lockPaymentIntent(id: String, scope: Scope) async throws -> PaymentIntent? {
        guard ObjectID.isWellFormed(id, as: .paymentIntent) else { return nil }
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: Rows.paymentIntentColumns) FROM payment_intents
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
            FOR NO KEY UPDATE
            """, logger: self.logger)
        for try await row in rows { return try Rows.paymentIntent(row) }
        return nil
    }

    func lockPaymentIntent(ofCharge chargeID: String, scope: Scope) async throws {
        try await self.connection.query(
            """
            SELECT 1 FROM payment_intents
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode)
              AND id = (SELECT payment_intent_id FROM charges
                        WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(chargeID))
            FOR NO KEY UPDATE
            """, logger: self.logger)
    }

    func updatePaymentIntent(_ intent: PaymentIntent) async throws {
        let vpa: String? = if case .upi(_, let vpa) = intent.paymentMethod { vpa } else { nil }
        try await self.connection.query(
            """
            UPDATE payment_intents
            SET amount = \(intent.amount), status = \(intent.status.rawValue),
                payment_method = \(intent.paymentMethod?.id), upi_vpa = \(vpa), customer_id = \(intent.customerID),
                description = \(intent.description), metadata = \(Rows.json(intent.metadata))::jsonb,
                receipt_email = \(intent.receiptEmail), statement_descriptor = \(intent.statementDescriptor),
                amount_capturable = \(intent.amountCapturable),
                canceled_at = \(intent.canceledAt), cancellation_reason = \(intent.cancellationReason?.rawValue),
                updated_at = now()
            WHERE account_id = \(intent.scope.accountID) AND id = \(intent.id)
            """, logger: self.logger)
    }

    func releaseConfirmation(scope: Scope, processorKey: String) async throws {
        try await self.connection.query(
            """
            UPDATE payment_intents SET confirming_processor_key = NULL, updated_at = now()
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND confirming_processor_key = \(processorKey)
            """, logger: self.logger)
    }
}
