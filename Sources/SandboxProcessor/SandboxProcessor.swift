import Logging
import Payments
import PostgresNIO

/// A processor that behaves like an acquirer and a UPI switch for the sandbox's test instruments, and keeps its
/// own durable record per processor key: asked twice, it answers the same and moves the money once.
public struct SandboxProcessor: PaymentProcessor {
    let client: PostgresClient
    let settings: SandboxSettings
    let logger: Logger

    public init(client: PostgresClient, settings: SandboxSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    public func describe(
        source: PaymentSource, currency: Currency, capture: Bool
    ) throws(PaymentsError)
        -> PaymentMethodDetails
    {
        try SandboxCatalog.behaviour(of: source, currency: currency, capture: capture).0
    }

    public func authorize(_ authorization: Authorization) async throws -> ProcessorDecision {
        let (_, behaviour) = try SandboxCatalog.behaviour(
            of: authorization.source, currency: authorization.currency, capture: true)
        let record = try await self.record(authorization, behaviour: behaviour)
        if record.answersInMilliseconds > 0 {
            // The network's latency; cancelled with the caller when its deadline passes.
            try await Task.sleep(for: .milliseconds(record.answersInMilliseconds))
        }
        return record.decision(settled: record.settlesInMilliseconds <= record.answersInMilliseconds)
    }

    public func status(processorKey: String) async throws -> ProcessorDecision? {
        let rows = try await self.client.query(
            "\(unescaped: Record.select) WHERE processor_key = \(processorKey)", logger: self.logger)
        for try await row in rows {
            let record = try Record(row)
            guard record.voided || record.answersInMilliseconds <= 0 else { return .pending }
            return record.decision(settled: record.settlesInMilliseconds <= 0)
        }
        return try await self.isVoided(processorKey) ? .declined(Record.voidedFailure) : nil
    }

    /// A UPI refund is submitted by the first question about it: the sandbox records then that it completes after
    /// the settle delay (`pendingSettle`, as for pending@upi), and fails (`declined`) if the payment came from
    /// refundfail@upi. Every later question, from any instance, reads that record. Card refunds never wait.
    public func refundOutcome(of refund: Refund, charge: Charge) async throws -> RefundOutcome? {
        guard case .upi(let vpa) = charge.paymentMethod else { return .succeeded }
        let decision = vpa == SandboxCatalog.refundFailsAddress ? "failed" : "succeeded"
        let delay = self.settings.pendingSettle.milliseconds
        let rows = try await self.client.query(
            """
            WITH submitted AS (
                INSERT INTO sandbox_processor_refunds (refund_id, decision, settles_at)
                VALUES (\(refund.id), \(decision), now() + \(delay) * interval '1 millisecond')
                ON CONFLICT (refund_id) DO NOTHING
                RETURNING decision, settles_at <= now() AS settled
            )
            SELECT decision, settled FROM submitted
            UNION ALL
            SELECT decision, settles_at <= now() FROM sandbox_processor_refunds
            WHERE refund_id = \(refund.id) AND NOT EXISTS (SELECT 1 FROM submitted)
            """, logger: self.logger)
        for try await (recorded, settled) in rows.decode((String, Bool).self) {
            guard settled else { return nil }
            return recorded == "failed" ? .failed(.declined) : .succeeded
        }
        return nil
    }

    /// Whether a void arrived for a key, with or without a payment behind it.
    private func isVoided(_ processorKey: String) async throws -> Bool {
        let rows = try await self.client.query(
            "SELECT 1 FROM sandbox_processor_voids WHERE processor_key = \(processorKey)", logger: self.logger)
        for try await _ in rows { return true }
        return false
    }

    public func void(processorKey: String) async throws {
        try await self.client.query(
            """
            WITH marker AS (
                INSERT INTO sandbox_processor_voids (processor_key) VALUES (\(processorKey))
                ON CONFLICT (processor_key) DO NOTHING
            )
            UPDATE sandbox_processor_payments SET voided_at = coalesce(voided_at, now())
            WHERE processor_key = \(processorKey)
            """, logger: self.logger)
    }

    public func approvals(
        after cursor: ProcessorApproval.Cursor?, lookback: Duration, olderThan grace: Duration, limit: Int
    ) async throws -> [ProcessorApproval] {
        let graceMicroseconds = grace.nanoseconds / 1000
        let from =
            cursor.map { "'epoch'::timestamptz + \($0.created.microseconds) * interval '1 microsecond'" }
            ?? "now() - \(lookback.nanoseconds / 1000) * interval '1 microsecond'"
        let rows = try await self.client.query(
            """
            SELECT account_id, livemode, processor_key, amount, currency,
                   (extract(epoch FROM created_at) * 1000000)::bigint
            FROM sandbox_processor_payments
            WHERE (created_at, processor_key) > (\(unescaped: from), \(cursor?.processorKey ?? ""))
              AND created_at < now() - \(graceMicroseconds) * interval '1 microsecond'
              AND decision = 'approved' AND voided_at IS NULL
            ORDER BY created_at, processor_key
            LIMIT \(Int32(limit))
            """, logger: self.logger)
        var approvals: [ProcessorApproval] = []
        for try await (account, livemode, key, amount, currency, created) in rows.decode(
            (String?, Bool?, String, Int64, String, Int64).self)
        {
            let scope = account.map { Scope(accountID: $0, livemode: livemode ?? false) }
            approvals.append(
                ProcessorApproval(
                    scope: scope, processorKey: key, amount: amount, currency: currency,
                    created: Timestamp(microseconds: created)))
        }
        return approvals
    }

    /// Writes the decision for a processor key the first time, and reads the first one back every time.
    private func record(_ authorization: Authorization, behaviour: SandboxCatalog.Behaviour) async throws -> Record {
        let failure: Charge.Failure?
        var immediately = false
        var answersIn = Int(self.settings.cardLatency.milliseconds)
        var settlesIn: Int? = nil
        switch behaviour {
        case .approve(let availableImmediately):
            failure = nil
            immediately = availableImmediately
        case .decline(let declined):
            failure = declined
        case .approveLater:
            failure = nil
            settlesIn = Int(self.settings.pendingSettle.milliseconds)
        case .approveSlowly:
            failure = nil
            answersIn = Int(self.settings.slow.milliseconds)
        }
        let decision = failure == nil ? "approved" : "declined"
        // The first call inserts and reads its row back in one round trip. A repeated call finds the row there and
        // reads it with a second statement: a read inside the inserting statement could not see a row that a
        // concurrent call committed while this statement waited on it.
        let insert = InsertRecord(
            authorization: authorization, decision: decision, availableImmediately: immediately, failure: failure,
            answersInMilliseconds: answersIn, settlesInMilliseconds: settlesIn)
        for try await record in try await self.client.execute(insert, logger: self.logger) { return record }
        // Nothing inserted: a record was there already, or a void came first and this authorization is declined.
        if try await self.isVoided(authorization.processorKey) { return Record.voided(authorization) }
        let rows = try await self.client.query(
            "\(unescaped: Record.select) WHERE processor_key = \(authorization.processorKey)", logger: self.logger)
        for try await row in rows {
            let record = try Record(row)
            guard record.amount == authorization.amount, record.currency == authorization.currency.code,
                record.source == authorization.source.description,
                record.scope == nil || record.scope == authorization.scope
            else {
                throw SandboxError(
                    description: "processor key \(authorization.processorKey) reused for a different payment")
            }
            return record
        }
        throw SandboxError(description: "processor record \(authorization.processorKey) vanished")
    }
}

/// The first call's insert, prepared once per connection: every authorization runs it.
struct InsertRecord: PostgresPreparedStatement {
    /// Named here: the protocol's default name is the type's name, made with `String(reflecting:)` at every call.
    static let name = "sandbox_insert_record"
    static let sql = """
        INSERT INTO sandbox_processor_payments (
            processor_key, amount, currency, source, decision, available_immediately, failure_code,
            decline_code, failure_message, answers_at, settles_at, account_id, livemode)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
               now() + make_interval(secs => $10::float8 / 1000), now() + make_interval(secs => $11::float8 / 1000),
               $12, $13
        WHERE NOT EXISTS (SELECT 1 FROM sandbox_processor_voids WHERE processor_key = $1)
        ON CONFLICT (processor_key) DO NOTHING
        RETURNING \(Record.columns)
        """
    /// Declared, because a statement is prepared with its first call's types and a NULL carries none.
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .text, .text, .text, .bool, .text, .text, .text, .int8, .int8, .text, .bool,
    ]
    typealias Row = Record

    let authorization: Authorization
    let decision: String
    let availableImmediately: Bool
    let failure: Charge.Failure?
    let answersInMilliseconds: Int
    let settlesInMilliseconds: Int?

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 13)
        bindings.append(self.authorization.processorKey)
        bindings.append(self.authorization.amount)
        bindings.append(self.authorization.currency.code)
        bindings.append(self.authorization.source.description)
        bindings.append(self.decision)
        bindings.append(self.availableImmediately)
        bindings.append(self.failure?.code.rawValue)
        bindings.append(self.failure?.declineCode)
        bindings.append(self.failure?.message)
        bindings.append(self.answersInMilliseconds)
        bindings.append(self.settlesInMilliseconds)
        bindings.append(self.authorization.scope.accountID)
        bindings.append(self.authorization.scope.livemode)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Record { try Record(row) }
}

/// A row of the sandbox's record, with its times relative to the database's clock.
struct Record {
    /// The columns of a record, with its times made relative to the database's clock.
    static let columns = """
        account_id, livemode, amount, currency, source, decision, available_immediately, failure_code, decline_code,
        failure_message, voided_at IS NOT NULL AS voided,
        greatest(0, ceil(extract(epoch FROM answers_at - now()) * 1000))::bigint AS answers_in,
        coalesce(greatest(0, ceil(extract(epoch FROM settles_at - now()) * 1000)), 0)::bigint AS settles_in
        """

    static let select = "SELECT \(columns) FROM sandbox_processor_payments"

    /// Nil for records made before the sandbox kept the merchant's scope.
    let scope: Scope?
    let amount: Int64
    let currency: String
    let source: String
    let voided: Bool
    let approved: Bool
    let availableImmediately: Bool
    let failure: Charge.Failure?
    let answersInMilliseconds: Int64
    let settlesInMilliseconds: Int64

    /// The record of an authorization that arrived after its key was voided: declined, at once.
    static func voided(_ authorization: Authorization) -> Record {
        Record(
            scope: authorization.scope, amount: authorization.amount, currency: authorization.currency.code,
            source: authorization.source.description, voided: true, approved: false, availableImmediately: false,
            failure: Self.voidedFailure, answersInMilliseconds: 0, settlesInMilliseconds: 0)
    }

    /// What a voided payment answers from then on.
    static let voidedFailure = Charge.Failure(
        code: .processingError, declineCode: nil,
        message: "The payment was voided because Paisa could not record it. No money moved.")

    /// The decision as the caller sees it: pending until settled, declined once voided.
    func decision(settled: Bool) -> ProcessorDecision {
        if self.voided { return .declined(Self.voidedFailure) }
        guard settled else { return .pending }
        if let failure = self.failure { return .declined(failure) }
        return .approved(availableImmediately: self.availableImmediately)
    }
}

/// The sandbox met a state no correct caller can produce.
struct SandboxError: Error, CustomStringConvertible {
    let description: String
}

extension Record {
    init(_ row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        let account = try cells["account_id"].decode(String?.self)
        let livemode = try cells["livemode"].decode(Bool?.self)
        self.scope = account.map { Scope(accountID: $0, livemode: livemode ?? false) }
        let (amount, currency, source, decision, immediately) = (
            try cells["amount"].decode(Int64.self), try cells["currency"].decode(String.self),
            try cells["source"].decode(String.self), try cells["decision"].decode(String.self),
            try cells["available_immediately"].decode(Bool.self)
        )
        let (code, declineCode, message) = (
            try cells["failure_code"].decode(String?.self), try cells["decline_code"].decode(String?.self),
            try cells["failure_message"].decode(String?.self)
        )
        let answersIn = try cells["answers_in"].decode(Int64.self)
        let settlesIn = try cells["settles_in"].decode(Int64.self)
        self.voided = try cells["voided"].decode(Bool.self)
        self.amount = amount
        self.currency = currency
        self.source = source
        self.approved = decision == "approved"
        self.availableImmediately = immediately
        self.failure = try code.map { text in
            guard let code = ErrorCode(rawValue: text) else {
                throw SandboxError(description: "processor record with an unknown failure code \(text)")
            }
            return Charge.Failure(code: code, declineCode: declineCode, message: message ?? "")
        }
        self.answersInMilliseconds = answersIn
        self.settlesInMilliseconds = settlesIn
    }
}
