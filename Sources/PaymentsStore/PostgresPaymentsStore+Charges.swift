import NIOCore
import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    /// Phase 3 of a charge as one statement (`RecordChargeStatement`): finish the key, insert the charge and its
    /// posting's lines. One round trip, one commit, all or nothing.
    public func recordCharge(
        _ charge: Charge, posting: Posting?, response: StoredResponse, key: ClaimedKey, deadline: Deadline
    ) async throws -> Bool {
        // A death before the commit: for one autocommitted statement, that is a death before it is sent.
        try self.faults.check(.beforeFinishCommit)
        var charge = charge
        if self.faults.fire(.recordRefused) != nil {
            // A description the schema's CHECK refuses, with a marker a test looks for (and must not find) in logs.
            charge.description =
                FaultInjector.refusedValueMarker
                + String(repeating: "x", count: Limits.descriptionLengthMax)
        }
        return try await self.database.withRetries(
            "record charge", .statement, deadline: deadline, afterCommit: .afterFinishCommit
        ) { [charge] connection in
            let statement = RecordChargeStatement(charge: charge, posting: posting, response: response, key: key)
            var recorded = false
            for try await count in try await connection.execute(statement, logger: self.logger) {
                recorded = count == 1
            }
            return recorded
        }
    }

    public func charge(id: String, scope: Scope, deadline: Deadline) async throws -> Charge? {
        guard ObjectID.isWellFormed(id, as: .charge) else { return nil }
        return try await self.database.withRetries("charge", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.chargeColumns) FROM charges
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.charge(row) }
            return nil
        }
    }

    public func charges(
        scope: Scope, customerID: String?, page: PageRequest, deadline: Deadline
    ) async throws -> Page<Charge> {
        try await self.list(
            .charges, scope: scope, page: page, filter: customerID.map { .equals(column: "customer_id", value: $0) },
            deadline: deadline, decode: Rows.charge)
    }

    public func pendingCharges(limit: Int, deadline: Deadline) async throws -> [Charge] {
        try await self.database.withRetries("pending charges", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.chargeColumns) FROM charges
                WHERE status = 'pending' AND reconcile_after <= now()
                ORDER BY reconcile_after LIMIT \(Int32(limit))
                """, logger: self.logger)
            var charges: [Charge] = []
            for try await row in rows { charges.append(try Rows.charge(row)) }
            return charges
        }
    }

    public func postponeReconciliation(of charge: Charge, until time: Timestamp, deadline: Deadline) async throws {
        try await self.database.withRetries("postpone reconciliation", .statement, deadline: deadline) { connection in
            try await connection.query(
                """
                UPDATE charges SET reconcile_after = \(time)
                WHERE account_id = \(charge.scope.accountID) AND id = \(charge.id) AND status = 'pending'
                """, logger: self.logger)
        }
    }

    public func recordedProcessorKeys(
        _ keys: [(scope: Scope, processorKey: String)], deadline: Deadline
    ) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        let accounts = keys.map(\.scope.accountID)
        let processorKeys = keys.map(\.processorKey)
        return try await self.database.withRetries("recorded processor keys", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                SELECT c.processor_key FROM charges c
                JOIN unnest(\(accounts)::text[], \(processorKeys)::text[]) AS k(account_id, processor_key)
                  ON c.account_id = k.account_id AND c.processor_key = k.processor_key
                """, logger: self.logger)
            var found: Set<String> = []
            for try await key in rows.decode(String.self) { found.insert(key) }
            return found
        }
    }

    /// Settles a pending charge and appends its posting in one statement; a no-op if it is not pending any more.
    public func settle(_ charge: Charge, posting: Posting?, deadline: Deadline) async throws -> Bool {
        let lines = PostingLines(posting)
        return try await self.database.withRetries("settle", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                WITH settled AS (
                    UPDATE charges
                    SET status = \(charge.status.rawValue), captured = \(charge.captured),
                        amount_captured = \(charge.amountCaptured),
                        balance_transaction_id = \(charge.balanceTransactionID),
                        failure_code = \(charge.failure?.code.rawValue), decline_code = \(charge.failure?.declineCode),
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

// Prepared once per connection: PostgreSQL parses and plans it once per connection instead of on every call, which
// is most of its cost (`make bench` measures it). Its parameters' types are declared: a statement is prepared with
// the types of its first call, and a NULL carries no type.
/// Phase 3 as one statement: finish the key (only if this attempt still holds it), insert the charge and insert
/// its posting's lines. One round trip, one commit, all or nothing; answers 1 when the key was finished.
struct RecordChargeStatement: PostgresPreparedStatement {
    /// Named here: the protocol's default name is the type's name, made with `String(reflecting:)` at every call.
    static let name = "paisa_record_charge"
    static let sql = """
        WITH finished AS (
            UPDATE idempotency_keys
            SET recovery_point = 'finished', response_status = $1, response_body = $2, lock_token = NULL,
                locked_until = NULL, finished_at = now()
            WHERE account_id = $3 AND livemode = $4 AND key = $5 AND lock_token = $6 AND recovery_point = 'started'
            -- Names the request for the charge's event, which the charge's trigger writes (sql/006).
            RETURNING set_config('paisa.request_id', original_request_id, true),
                      set_config('paisa.idempotency_key', key, true)
        ), charge AS (
            INSERT INTO charges (
                account_id, livemode, id, amount, currency, amount_captured, amount_refunded, captured,
                capture_method, status, failure_code, decline_code, failure_message, method_type, card_id,
                card_brand, card_last4, card_exp_month, card_exp_year, card_funding, card_country, upi_vpa,
                balance_transaction_id, description, metadata, receipt_email, statement_descriptor,
                processor_key, created_at, updated_at, reconcile_after, customer_id, shipping,
                statement_descriptor_suffix, transfer_group, payment_intent_id)
            SELECT $3, $4, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
                   $25, $26, $27, $28, $29::jsonb, $30, $31, $32, $33, $33, CASE WHEN $14 = 'pending' THEN $33 END, $42,
                   $43::jsonb, $44, $45, $46
            FROM finished
            RETURNING 1
        ), ledger AS (
            INSERT INTO ledger_entries (
                account_id, livemode, posting_id, line, ledger_account, currency, amount, posting_type,
                source_id, description, created_at, available_on)
            SELECT $3, $4, $34, e.line, e.account, $9, e.amount, $35, $7, $36, $37, $38
            FROM unnest($39::smallint[], $40::text[], $41::bigint[]) AS e(line, account, amount)
            WHERE EXISTS (SELECT 1 FROM finished)
        )
        SELECT count(*) FROM finished
        """
    static let bindingDataTypes: [PostgresDataType] = [
        // The key.
        .int4, .bytea, .text, .bool, .text, .text,
        // The charge: id, amounts, flags, failure, method and card, then the rest.
        .text, .int8, .text, .int8, .int8, .bool, .text, .text, .text, .text, .text, .text, .text, .text, .text,
        .int2, .int2, .text, .text, .text, .text, .text, .text, .text, .text, .text, .timestamptz,
        // The posting.
        .text, .text, .text, .timestamptz, .timestamptz, .int2Array, .textArray, .int8Array,
        // The charge's customer, shipping, statement descriptor suffix and transfer group.
        .text, .text, .text, .text, .text,
    ]
    typealias Row = Int64

    let charge: Charge
    let posting: Posting?
    let response: StoredResponse
    let key: ClaimedKey

    func makeBindings() -> PostgresBindings {
        let charge = self.charge
        let card = Rows.cardColumns(charge.paymentMethod)
        let lines = PostingLines(self.posting)
        var bindings = PostgresBindings(capacity: 46)
        // The key: $1 – $6.
        bindings.append(Int32(self.response.status))
        bindings.append(ByteBuffer(bytes: self.response.body))
        bindings.append(self.key.scope.accountID)
        bindings.append(self.key.scope.livemode)
        bindings.append(self.key.key)
        bindings.append(self.key.lockToken)
        // The charge: $7 – $33.
        bindings.append(charge.id)
        bindings.append(charge.amount)
        bindings.append(charge.currency.code)
        bindings.append(charge.amountCaptured)
        bindings.append(charge.amountRefunded)
        bindings.append(charge.captured)
        bindings.append(charge.captureMethod.rawValue)
        bindings.append(charge.status.rawValue)
        bindings.append(charge.failure?.code.rawValue)
        bindings.append(charge.failure?.declineCode)
        bindings.append(charge.failure?.message)
        bindings.append(charge.paymentMethod.type)
        bindings.append(card?.id)
        bindings.append(card?.brand)
        bindings.append(card?.last4)
        bindings.append(card.map { Int16($0.expMonth) })
        bindings.append(card.map { Int16($0.expYear) })
        bindings.append(card?.funding)
        bindings.append(card?.country)
        bindings.append(Rows.vpa(charge.paymentMethod))
        bindings.append(charge.balanceTransactionID)
        bindings.append(charge.description)
        bindings.append(Rows.json(charge.metadata))
        bindings.append(charge.receiptEmail)
        bindings.append(charge.statementDescriptor)
        bindings.append(charge.processorKey)
        bindings.append(charge.created)
        // The posting: $34 – $41.
        bindings.append(lines.postingID)
        bindings.append(lines.kind)
        bindings.append(self.posting?.description)
        bindings.append(lines.created)
        bindings.append(lines.availableOn)
        bindings.append(lines.numbers)
        bindings.append(lines.accounts)
        bindings.append(lines.amounts)
        // The customer, the rest of the charge and its PaymentIntent: $42 – $46.
        bindings.append(charge.customerID)
        bindings.append(Rows.json(charge.shipping))
        bindings.append(charge.statementDescriptorSuffix)
        bindings.append(charge.transferGroup)
        bindings.append(charge.paymentIntentID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
