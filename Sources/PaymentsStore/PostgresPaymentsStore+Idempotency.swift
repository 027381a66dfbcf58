import NIOCore
import Payments
import PostgresNIO

extension PostgresPaymentsStore {
    /// Phase 1 in one statement: insert the key, or take over an unfinished one whose lease ran out (or that this
    /// same claim already holds, which makes the statement safe to repeat after a lost connection). Only when that
    /// finds nothing to take does a second query read why: a replay, a mismatch, or a key in use.
    public func claim(_ request: IdempotentRequest, deadline: Deadline) async throws -> ClaimOutcome {
        let token = ObjectID.randomBase62(count: ObjectID.randomCharacters)
        let processorKey = "pk_" + ObjectID.randomBase62(count: ObjectID.randomCharacters)
        let lease = self.lease
        for _ in 0..<3 {
            let claimed = try await self.database.withRetries("claim", .statement, deadline: deadline) {
                connection -> (String, String, Int)? in
                let statement = ClaimStatement(
                    request: request, processorKey: processorKey, lockToken: token,
                    lease: lease)
                for try await (point, processorKey, attempts) in try await connection.execute(
                    statement, logger: self.logger)
                {
                    return (point, processorKey, Int(attempts))
                }
                return nil
            }
            if let (point, processorKey, attempts) = claimed {
                guard let recoveryPoint = RecoveryPoint(rawValue: point) else {
                    throw RowError(description: "idempotency key at unknown recovery point \(point)")
                }
                return .claimed(
                    ClaimedKey(
                        scope: request.scope, key: request.key, lockToken: token, recoveryPoint: recoveryPoint,
                        processorKey: processorKey, attempts: attempts))
            }
            if let outcome = try await self.explainUnclaimable(request, deadline: deadline) {
                return outcome
            }
            // The key vanished between the two statements (reaped): claim again.
        }
        return .inUse
    }

    /// Why a key could not be claimed, checked in Stripe's order: a different request first, then a finished
    /// one, then one still running. Nil when the key no longer exists.
    private func explainUnclaimable(_ request: IdempotentRequest, deadline: Deadline) async throws -> ClaimOutcome? {
        try await self.database.withRetries("explain claim", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT fingerprint, path, api_version, recovery_point, response_status, response_body,
                       original_request_id
                FROM idempotency_keys
                WHERE account_id = \(request.scope.accountID) AND livemode = \(request.scope.livemode)
                  AND key = \(request.key)
                """, logger: self.logger)
            for try await row in rows {
                let (fingerprint, path, version, point, status, body, originalRequestID) = try row.decode(
                    (ByteBuffer, String, String, String, Int32?, ByteBuffer?, String).self)
                if Array(fingerprint.readableBytesView) != request.fingerprint {
                    return .mismatch(difference: Self.difference(request, path: path, version: version))
                }
                if point == RecoveryPoint.finished.rawValue, let status, let body {
                    return .replay(
                        StoredResponse(status: Int(status), body: Array(body.readableBytesView)),
                        originalRequestID: originalRequestID)
                }
                return .inUse
            }
            return nil
        }
    }

    /// Words for what differs between a request and the one its key was first used for.
    private static func difference(_ request: IdempotentRequest, path: String, version: String) -> String {
        if path != request.path {
            return "it was first used on the endpoint \(path), not \(request.path)"
        }
        if version != request.version {
            return "it was first used with API version \(version), not \(request.version)"
        }
        return "it was first used with different parameters"
    }

    public func release(_ key: ClaimedKey, counted: Bool, waitingUntil wait: Deadline) async {
        let uncount: Int32 = counted ? 0 : 1
        let lease = Deadline.after(self.lease)
        // In a task of its own: a request whose deadline answered it has its task cancelled, and a cancelled task
        // gets no connection; its key must still be let go, or the client's retry waits out the lease. The task
        // may run until a lease from now, waiting for a connection included; its caller waits only until `wait`.
        let release = Task {
            do {
                let released: Void? = try await lease.race {
                    _ = try await self.database.withRetries("release", .statement, deadline: lease) { connection in
                        try await connection.query(
                            """
                            UPDATE idempotency_keys
                            SET lock_token = NULL, locked_until = NULL, attempts = greatest(1, attempts - \(uncount))
                            WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode)
                              AND key = \(key.key) AND lock_token = \(key.lockToken)
                            """, logger: self.logger)
                    }
                }
                guard released != nil else { throw PaymentsError.deadlineExceeded }
            } catch {
                self.logger.warning(
                    "could not release an idempotency key; its lease will expire",
                    metadata: ["error": "\(StoreFailure.describe(error))"])
            }
        }
        _ = await wait.wait(for: release)
    }

    public func renewLease(of key: ClaimedKey, deadline: Deadline) async throws -> Bool {
        let leaseMicroseconds = self.lease.nanoseconds / 1000
        return try await self.database.withRetries("renew lease", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                UPDATE idempotency_keys
                SET locked_until = now() + \(leaseMicroseconds) * interval '1 microsecond'
                WHERE account_id = \(key.scope.accountID) AND livemode = \(key.scope.livemode)
                  AND key = \(key.key) AND lock_token = \(key.lockToken) AND recovery_point = 'started'
                RETURNING 1
                """, logger: self.logger)
            for try await _ in rows { return true }
            return false
        }
    }

    public func abandonedRequests(limit: Int, deadline: Deadline) async throws -> [AbandonedRequest] {
        try await self.database.withRetries("abandoned", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT account_id, livemode, key, method, path, api_version, request_params, attempts,
                       original_request_id, processor_key
                FROM idempotency_keys
                WHERE recovery_point <> 'finished' AND gave_up_at IS NULL
                  AND (locked_until IS NULL OR locked_until < now())
                ORDER BY last_run_at
                LIMIT \(Int32(limit))
                """, logger: self.logger)
            var found: [AbandonedRequest] = []
            for try await (account, livemode, key, method, path, version, params, attempts, original, processorKey)
                in rows.decode((String, Bool, String, String, String, String, String, Int32, String, String).self)
            {
                found.append(
                    AbandonedRequest(
                        scope: Scope(accountID: account, livemode: livemode), key: key, method: method, path: path,
                        version: version, parameters: params, attempts: Int(attempts), originalRequestID: original,
                        processorKey: processorKey))
            }
            return found
        }
    }

    public func giveUp(on request: AbandonedRequest, deadline: Deadline) async throws -> Bool {
        try await self.database.withRetries("give up", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                UPDATE idempotency_keys SET gave_up_at = now()
                WHERE account_id = \(request.scope.accountID) AND livemode = \(request.scope.livemode)
                  AND key = \(request.key) AND recovery_point <> 'finished' AND gave_up_at IS NULL
                RETURNING 1
                """, logger: self.logger)
            for try await _ in rows { return true }
            return false
        }
    }

    public func reopen(_ request: AbandonedRequest, deadline: Deadline) async throws {
        try await self.database.withRetries("reopen", .statement, deadline: deadline) { connection in
            try await connection.query(
                """
                UPDATE idempotency_keys SET gave_up_at = NULL
                WHERE account_id = \(request.scope.accountID) AND livemode = \(request.scope.livemode)
                  AND key = \(request.key) AND recovery_point <> 'finished'
                """, logger: self.logger)
        }
    }

    public func reapFinishedKeys(retention: Duration, batchSize: Int, deadline: Deadline) async throws -> Int {
        try await self.database.withRetries("reap", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                WITH doomed AS (
                    SELECT account_id, livemode, key FROM idempotency_keys
                    WHERE recovery_point = 'finished'
                      AND created_at < now() - \(retention.nanoseconds / 1000) * interval '1 microsecond'
                    ORDER BY created_at
                    LIMIT \(Int32(batchSize))
                    FOR UPDATE SKIP LOCKED
                ), deleted AS (
                    DELETE FROM idempotency_keys k USING doomed d
                    WHERE k.account_id = d.account_id AND k.livemode = d.livemode AND k.key = d.key
                      AND k.recovery_point = 'finished'
                    RETURNING 1
                )
                SELECT count(*) FROM deleted
                """, logger: self.logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }
}

// Prepared once per connection: PostgreSQL parses and plans it once per connection instead of on every call, which
// is most of its cost (`make bench` measures it). Its parameters' types are declared: a statement is prepared with
// the types of its first call, and a NULL carries no type.
/// Phase 1: insert the key, or take over an unfinished one whose lease ran out or that this same claim holds.
struct ClaimStatement: PostgresPreparedStatement {
    /// Named here: the protocol's default name is the type's name, made with `String(reflecting:)` at every call.
    static let name = "paisa_claim"
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
    let lease: Duration

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
        bindings.append(self.lease.milliseconds)
        bindings.append(self.request.requestID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
