import NIOCore
import Payments
import PostgresNIO

// The statements every charge runs, prepared once per connection: PostgreSQL parses and plans each of them once
// per connection instead of on every call, which is most of their cost (`make bench` measures the difference).
// Everything else runs as ordinary parameterised queries.
//
// Each declares its parameters' types: a statement is prepared with the types of its first call, and a NULL carries
// no type, so a first call with a NULL would let PostgreSQL infer one that later values do not have.

/// Phase 1: insert the key, or take over an unfinished one whose lease ran out or that this same claim holds.
struct ClaimStatement: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO idempotency_keys AS k
            (account_id, livemode, key, fingerprint, method, path, api_version, request_params,
             recovery_point, processor_key, lock_token, locked_until, original_request_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'started', $9, $10,
                now() + make_interval(secs => $11::float8 / 1000), $12)
        ON CONFLICT (account_id, livemode, key) DO UPDATE
            SET lock_token = EXCLUDED.lock_token,
                locked_until = EXCLUDED.locked_until,
                attempts = k.attempts + CASE WHEN k.lock_token = EXCLUDED.lock_token THEN 0 ELSE 1 END,
                last_run_at = now()
            WHERE k.recovery_point <> 'finished'
              AND k.fingerprint = EXCLUDED.fingerprint
              AND (k.locked_until IS NULL OR k.locked_until < now() OR k.lock_token = EXCLUDED.lock_token)
        RETURNING k.recovery_point, k.processor_key, k.attempts
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .bool, .text, .bytea, .text, .text, .text, .text, .text, .text, .int8, .text,
    ]
    typealias Row = (String, String, Int32)

    let request: IdempotentRequest
    let processorKey: String
    let lockToken: String
    let leaseMilliseconds: Int

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 12)
        bindings.append(self.request.scope.accountID)
        bindings.append(self.request.scope.livemode)
        bindings.append(self.request.key)
        bindings.append(ByteBuffer(bytes: self.request.fingerprint))
        bindings.append(self.request.method)
        bindings.append(self.request.path)
        bindings.append(self.request.version)
        bindings.append(self.request.parameters)
        bindings.append(self.processorKey)
        bindings.append(self.lockToken)
        bindings.append(self.leaseMilliseconds)
        bindings.append(self.request.requestID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Phase 3 as one statement: finish the key (only if this attempt still holds it), insert the charge and insert
/// its posting's lines. One round trip, one commit, all or nothing; answers 1 when the key was finished.
struct RecordChargeStatement: PostgresPreparedStatement {
    static let sql = """
        WITH finished AS (
            UPDATE idempotency_keys
            SET recovery_point = 'finished', response_status = $1, response_body = $2, lock_token = NULL,
                locked_until = NULL, finished_at = now()
            WHERE account_id = $3 AND livemode = $4 AND key = $5 AND lock_token = $6 AND recovery_point = 'started'
            RETURNING 1
        ), charge AS (
            INSERT INTO charges (
                account_id, livemode, id, amount, currency, amount_captured, amount_refunded, captured,
                capture_method, status, failure_code, decline_code, failure_message, method_type, card_id,
                card_brand, card_last4, card_exp_month, card_exp_year, card_funding, card_country, upi_vpa,
                balance_transaction_id, description, metadata, receipt_email, statement_descriptor,
                processor_key, created_at, updated_at)
            SELECT $3, $4, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
                   $25, $26, $27, $28, $29::jsonb, $30, $31, $32, $33, $33
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
        var bindings = PostgresBindings(capacity: 41)
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
        bindings.append(charge.failure?.code)
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
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
