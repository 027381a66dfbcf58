import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    public func beginApprovalSweep(lease: Duration, deadline: Deadline) async throws -> ApprovalSweepStart {
        let leaseMicroseconds = lease.nanoseconds / 1000
        return try await self.database.withRetries("begin approval sweep", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                UPDATE approval_sweep
                SET locked_until = now() + \(leaseMicroseconds) * interval '1 microsecond'
                WHERE locked_until IS NULL OR locked_until < now()
                RETURNING watermark_created, watermark_key
                """, logger: self.logger)
            for try await (created, key) in rows.decode((Timestamp?, String?).self) {
                guard let created, let key else { return .started(watermark: nil) }
                return .started(watermark: ProcessorApproval.Cursor(created: created, processorKey: key))
            }
            return .busy
        }
    }

    public func unrecordedApprovals(limit: Int, deadline: Deadline) async throws -> [UnrecordedApproval] {
        try await self.database.withRetries("unrecorded approvals", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT account_id, livemode, processor_key, amount, currency, approved_at, stranded_at
                FROM unrecorded_approvals ORDER BY approved_at, processor_key LIMIT \(Int32(limit))
                """, logger: self.logger)
            var found: [UnrecordedApproval] = []
            for try await row in rows { found.append(try Self.unrecordedApproval(row)) }
            return found
        }
    }

    public func finishApprovalSweep(
        found: [ProcessorApproval], resolved: [String], watermark: ProcessorApproval.Cursor?,
        strandedAfter: Duration, deadline: Deadline
    ) async throws -> [UnrecordedApproval] {
        let strandedMicroseconds = strandedAfter.nanoseconds / 1000
        return try await self.database.withRetries("finish approval sweep", .transaction, deadline: deadline) {
            connection in
            if !found.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO unrecorded_approvals
                        (processor_key, account_id, livemode, amount, currency, approved_at)
                    SELECT f.key, nullif(f.account, ''), CASE WHEN f.account = '' THEN NULL ELSE f.livemode END,
                           f.amount, f.currency, 'epoch'::timestamptz + f.created * interval '1 microsecond'
                    FROM unnest(
                        \(found.map(\.processorKey))::text[], \(found.map { $0.scope?.accountID ?? "" })::text[],
                        \(found.map { $0.scope?.livemode ?? false })::boolean[], \(found.map(\.amount))::bigint[],
                        \(found.map(\.currency))::text[], \(found.map(\.created.microseconds))::bigint[]
                    ) AS f(key, account, livemode, amount, currency, created)
                    ON CONFLICT (processor_key) DO NOTHING
                    """, logger: self.logger)
            }
            if !resolved.isEmpty {
                try await connection.query(
                    "DELETE FROM unrecorded_approvals WHERE processor_key = ANY(\(resolved)::text[])",
                    logger: self.logger)
            }
            try await connection.query(
                """
                UPDATE approval_sweep
                SET watermark_created = coalesce(\(watermark?.created), watermark_created),
                    watermark_key = coalesce(\(watermark?.processorKey), watermark_key), locked_until = NULL
                """, logger: self.logger)
            let rows = try await connection.query(
                """
                UPDATE unrecorded_approvals SET stranded_at = now()
                WHERE stranded_at IS NULL AND approved_at < now() - \(strandedMicroseconds) * interval '1 microsecond'
                RETURNING account_id, livemode, processor_key, amount, currency, approved_at, stranded_at
                """, logger: self.logger)
            var stranded: [UnrecordedApproval] = []
            for try await row in rows { stranded.append(try Self.unrecordedApproval(row)) }
            return stranded
        }
    }

    public func unrecordedApprovalCounts(deadline: Deadline) async throws -> (recovering: Int, stranded: Int) {
        try await self.database.withRetries("unrecorded approval counts", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE stranded_at IS NULL), count(*) FILTER (WHERE stranded_at IS NOT NULL)
                FROM unrecorded_approvals
                """, logger: self.logger)
            for try await (recovering, stranded) in rows.decode((Int64, Int64).self) {
                return (Int(recovering), Int(stranded))
            }
            return (0, 0)
        }
    }

    private static func unrecordedApproval(_ row: PostgresRow) throws -> UnrecordedApproval {
        let (account, livemode, key, amount, currency, approved, stranded) = try row.decode(
            (String?, Bool?, String, Int64, String, Timestamp, Timestamp?).self)
        return UnrecordedApproval(
            approval: ProcessorApproval(
                scope: account.map { Scope(accountID: $0, livemode: livemode ?? false) }, processorKey: key,
                amount: amount, currency: currency, created: approved),
            strandedAt: stranded)
    }
}
