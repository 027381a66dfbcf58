import NIOCore
import Payments
import PostgresNIO

// Events are written by triggers (sql/006), never here: this file reads them, keeps webhook endpoints, and moves
// deliveries through their leases.

extension PostgresPaymentsStore {
    public func event(id: String, scope: Scope, deadline: Deadline) async throws -> Event? {
        guard ObjectID.isWellFormed(id, as: .event) else { return nil }
        let stored = try await self.database.withRetries("event", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: EventRows.columns) FROM events e
                WHERE e.account_id = \(scope.accountID) AND e.livemode = \(scope.livemode) AND e.id = \(id)
                """, logger: self.logger)
            var found: [EventRows.Stored] = []
            for try await row in rows { found.append(try EventRows.stored(row)) }
            return found
        }
        guard let row = stored.first else { return nil }
        guard let event = try await self.events(from: [row], deadline: deadline).first ?? nil else {
            throw RowError(description: "event \(row.id) does not decode")
        }
        return event
    }

    public func events(
        scope: Scope, types: [EventType]?, page: PageRequest, deadline: Deadline
    ) async throws -> Page<Event> {
        let filter = types.map { ListFilter.anyOf(column: "type", values: $0.map(\.rawValue)) }
        let stored = try await self.list(
            .events, scope: scope, page: page, filter: filter, deadline: deadline, decode: EventRows.stored)
        let events = try await self.events(from: stored.items, deadline: deadline)
        return Page(items: events.compactMap { $0 }, hasMore: stored.hasMore)
    }

    /// Events from their rows: the objects' snapshots become objects through the same column decoding as live
    /// rows (`jsonb_populate_record` turns each snapshot back into a row of its table), one query per kind. A
    /// snapshot that no longer decodes (a later schema the snapshot predates, and a migration that forgot it) is
    /// nil in its place, logged: one bad event must not take the others down with it.
    func events(from stored: [EventRows.Stored], deadline: Deadline) async throws -> [Event?] {
        var objects: [String: Event.Object] = [:]
        for kind in EventRows.objectKinds.keys {
            let snapshots = stored.filter { $0.objectType == kind }.flatMap {
                [$0.after] + ($0.before.map { [$0] } ?? [])
            }
            guard !snapshots.isEmpty else { continue }
            let decoded = try await self.objects(kind: kind, snapshots: snapshots, deadline: deadline)
            for (snapshot, object) in zip(snapshots, decoded) where object != nil { objects[snapshot] = object }
        }
        return stored.map { row in
            guard let object = objects[row.after], let type = EventType(rawValue: row.type),
                row.before == nil || objects[row.before!] != nil
            else {
                self.logger.error(
                    "an event's stored object does not decode", metadata: ["event": "\(row.id)", "type": "\(row.type)"])
                return nil
            }
            return Event(
                id: row.id, scope: row.scope, type: type, object: object, previous: row.before.flatMap { objects[$0] },
                requestID: row.requestID, idempotencyKey: row.idempotencyKey, created: row.created,
                pendingWebhooks: row.pendingWebhooks)
        }
    }

    private func objects(kind: String, snapshots: [String], deadline: Deadline) async throws -> [Event.Object?] {
        let array = "[" + snapshots.joined(separator: ",") + "]"
        guard let (columns, table, decode) = EventRows.objectKinds[kind] else { return [] }
        return try await self.database.withRetries("event objects", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: columns)
                FROM jsonb_array_elements(\(array)::jsonb) WITH ORDINALITY AS a(doc, n)
                CROSS JOIN LATERAL jsonb_populate_record(NULL::\(unescaped: table), a.doc)
                ORDER BY a.n
                """, logger: self.logger)
            var objects: [Event.Object?] = []
            for try await row in rows {
                objects.append(try? decode(row))
            }
            return objects
        }
    }

    /// Deletes events past their retention, oldest first, in one bounded batch (deliveries and attempts go with
    /// them); returns how many went.
    public func reapEvents(retention: Duration, batchSize: Int, deadline: Deadline) async throws -> Int {
        try await self.database.withRetries("reap events", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                WITH doomed AS (
                    SELECT account_id, id FROM events
                    WHERE created_at < now() - \(retention.nanoseconds / 1000) * interval '1 microsecond'
                    ORDER BY created_at LIMIT \(Int32(batchSize))
                    FOR UPDATE SKIP LOCKED
                ), deleted AS (
                    DELETE FROM events e USING doomed d WHERE e.account_id = d.account_id AND e.id = d.id RETURNING 1
                )
                SELECT count(*) FROM deleted
                """, logger: self.logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    // MARK: Webhook endpoints

    public func webhookEndpoint(id: String, scope: Scope, deadline: Deadline) async throws -> WebhookEndpoint? {
        guard ObjectID.isWellFormed(id, as: .webhookEndpoint) else { return nil }
        return try await self.database.withRetries("webhook endpoint", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: EventRows.endpointColumns) FROM webhook_endpoints
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try EventRows.endpoint(row) }
            return nil
        }
    }

    public func webhookEndpoints(
        scope: Scope, page: PageRequest, deadline: Deadline
    ) async throws -> Page<WebhookEndpoint> {
        try await self.list(.webhookEndpoints, scope: scope, page: page, deadline: deadline, decode: EventRows.endpoint)
    }

    /// The endpoint's deliveries go first, then the endpoint: the order in which recording an attempt takes the
    /// same rows (its delivery, then its endpoint's failure streak), so a delete and a recording wait for each other
    /// instead of deadlocking.
    public func deleteWebhookEndpoint(id: String, scope: Scope, deadline: Deadline) async throws -> Bool {
        guard ObjectID.isWellFormed(id, as: .webhookEndpoint) else { return false }
        return try await self.database.withRetries("delete webhook endpoint", .transaction, deadline: deadline) {
            connection in
            try await connection.query(
                """
                DELETE FROM webhook_deliveries
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND endpoint_id = \(id)
                """, logger: self.logger)
            let rows = try await connection.query(
                """
                DELETE FROM webhook_endpoints
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                RETURNING 1
                """, logger: self.logger)
            for try await _ in rows { return true }
            return false
        }
    }

    // MARK: Deliveries

    /// Claims due deliveries of enabled endpoints, oldest due first: at most `limit` in all and, per endpoint,
    /// no more than leave `perEndpoint` in flight across every instance. Each is leased until `lease` from now,
    /// when it falls due again unless its outcome was recorded: an instance that dies holding it only delays it.
    public func claimDeliveries(
        limit: Int, perEndpoint: Int, lease: Duration, deadline: Deadline
    ) async throws -> [ClaimedDelivery] {
        let token = ObjectID.randomBase62(count: ObjectID.randomCharacters)
        let rows = try await self.database.withRetries("claim deliveries", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                WITH due AS (
                    SELECT d.id
                    FROM webhook_endpoints w
                    CROSS JOIN LATERAL (
                        SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
                        WHERE d.account_id = w.account_id AND d.endpoint_id = w.id AND d.state = 'pending'
                          AND d.next_attempt_at <= now()
                        ORDER BY d.next_attempt_at
                        LIMIT greatest(0, \(Int32(perEndpoint)) - (
                            SELECT count(*) FROM webhook_deliveries l
                            WHERE l.account_id = w.account_id AND l.endpoint_id = w.id AND l.state = 'pending'
                              AND l.lease_token IS NOT NULL AND l.next_attempt_at > now()))
                        FOR UPDATE SKIP LOCKED
                    ) d
                    WHERE w.status = 'enabled'
                    -- Oldest due first across endpoints, so that one endpoint's backlog cannot starve the others.
                    ORDER BY d.next_attempt_at
                    LIMIT \(Int32(limit))
                ), claimed AS (
                    UPDATE webhook_deliveries d
                    SET attempts = d.attempts + 1, lease_token = \(token),
                        next_attempt_at = now() + \(lease.nanoseconds / 1000) * interval '1 microsecond'
                    FROM due WHERE d.id = due.id
                    RETURNING d.id, d.attempts, d.account_id, d.endpoint_id, d.event_id
                )
                SELECT c.id AS delivery_id, c.attempts AS attempt, a.default_version AS account_version,
                       \(unescaped: EventRows.endpointColumns(prefix: "w.", aliased: true)),
                       \(unescaped: EventRows.columns)
                FROM claimed c
                JOIN webhook_endpoints w ON w.account_id = c.account_id AND w.id = c.endpoint_id
                JOIN accounts a ON a.id = c.account_id
                JOIN events e ON e.account_id = c.account_id AND e.id = c.event_id
                """, logger: self.logger)
            var claimed: [(Int64, Int, String, WebhookEndpoint, EventRows.Stored)] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                claimed.append(
                    (
                        try cells["delivery_id"].decode(Int64.self), Int(try cells["attempt"].decode(Int32.self)),
                        try cells["account_version"].decode(String.self),
                        try EventRows.endpoint(row, prefix: "endpoint_"), try EventRows.stored(row)
                    ))
            }
            return claimed
        }
        let events = try await self.events(from: rows.map(\.4), deadline: deadline)
        var claimed: [ClaimedDelivery] = []
        var undeliverable: [Int64] = []
        for (row, event) in zip(rows, events) {
            guard let event else {
                undeliverable.append(row.0)
                continue
            }
            claimed.append(
                ClaimedDelivery(
                    id: row.0, attempt: row.1, leaseToken: token, endpoint: row.3, accountVersion: row.2, event: event))
        }
        if !undeliverable.isEmpty {
            let undeliverable = undeliverable
            // Never deliverable, so given up now rather than claimed again at every lease's end.
            try await self.database.withRetries("give up deliveries", .statement, deadline: deadline) { connection in
                try await connection.query(
                    """
                    UPDATE webhook_deliveries SET state = 'given_up', lease_token = NULL, finished_at = now()
                    WHERE id = ANY(\(undeliverable)::bigint[]) AND lease_token = \(token)
                    """, logger: self.logger)
            }
        }
        return claimed
    }

    /// Records an attempt and moves its delivery on, if this attempt still holds the lease (a holder whose lease
    /// ran out records nothing: the delivery is another attempt's now). The endpoint's row changes only when its
    /// failure streak does: a success ends a streak; a failure starts one, or one after a gap longer than
    /// `streakGap` (no failures in between means no traffic, not a dead endpoint); a streak longer than
    /// `disableAfter` disables the endpoint. Returns whether the endpoint was disabled now.
    public func recordAttempt(
        _ attempt: DeliveryAttempt, disableAfter: Duration, streakGap: Duration, deadline: Deadline
    ) async throws -> Bool {
        let delivery = attempt.delivery
        let (state, next): (String, Timestamp?) =
            switch attempt.next {
            case .delivered: ("delivered", nil)
            case .giveUp: ("given_up", nil)
            case .retry(let at): ("pending", at)
            }
        let succeeded = attempt.next == .delivered
        let durationMilliseconds = Int32(clamping: attempt.duration.nanoseconds / 1_000_000)
        let error = attempt.error.map { StoredText.fitted($0, max: Limits.webhookAttemptErrorLengthMax) }
        let disableMicroseconds = disableAfter.nanoseconds / 1000
        let gapMicroseconds = streakGap.nanoseconds / 1000
        return try await self.database.withRetries("record delivery attempt", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                WITH moved AS (
                    UPDATE webhook_deliveries
                    SET state = \(state), lease_token = NULL,
                        next_attempt_at = coalesce(\(next)::timestamptz, next_attempt_at),
                        finished_at = CASE WHEN \(state) = 'pending' THEN NULL ELSE now() END
                    WHERE id = \(delivery.id) AND lease_token = \(delivery.leaseToken) AND state = 'pending'
                    RETURNING id, account_id, endpoint_id
                ), attempt AS (
                    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
                    SELECT id, \(Int32(delivery.attempt)), \(attempt.started), \(durationMilliseconds),
                           \(attempt.statusCode.map { Int32($0) }), \(error)
                    FROM moved
                    ON CONFLICT DO NOTHING
                ), streak AS (
                    SELECT w.account_id, w.id, w.status AS old_status,
                           CASE WHEN \(succeeded) THEN NULL
                                WHEN w.failing_since IS NULL
                                  OR w.last_failure_at < now() - \(gapMicroseconds) * interval '1 microsecond'
                                THEN now()
                                ELSE w.failing_since END AS failing_since
                    FROM webhook_endpoints w JOIN moved m ON w.account_id = m.account_id AND w.id = m.endpoint_id
                ), endpoint AS (
                    UPDATE webhook_endpoints w
                    SET failing_since = s.failing_since,
                        last_failure_at = CASE WHEN \(succeeded) THEN w.last_failure_at ELSE now() END,
                        status = CASE
                            WHEN s.failing_since < now() - \(disableMicroseconds) * interval '1 microsecond'
                            THEN 'disabled' ELSE w.status END,
                        updated_at = now()
                    FROM streak s
                    WHERE w.account_id = s.account_id AND w.id = s.id
                      AND (NOT \(succeeded) OR w.failing_since IS NOT NULL)
                    RETURNING s.old_status = 'enabled' AND w.status = 'disabled' AS disabled
                )
                SELECT coalesce(bool_or(disabled), false) FROM endpoint
                """, logger: self.logger)
            for try await disabled in rows.decode(Bool.self) { return disabled }
            return false
        }
    }

    /// Pending deliveries of enabled endpoints that are due now: the backlog the delivery service works off.
    public func deliveryBacklog(deadline: Deadline) async throws -> Int {
        try await self.database.withRetries("delivery backlog", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FROM webhook_deliveries d
                JOIN webhook_endpoints w ON w.account_id = d.account_id AND w.id = d.endpoint_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND w.status = 'enabled'
                """, logger: self.logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }
}

/// How events and endpoints map to rows.
enum EventRows {
    /// An event row with its snapshots still as JSON text.
    struct Stored: Sendable {
        let id: String
        let scope: Scope
        let type: String
        let objectType: String
        /// The object's row after the change, and (for a change of an existing object) before it.
        let after: String
        let before: String?
        let requestID: String?
        let idempotencyKey: String?
        let created: Timestamp
        let pendingWebhooks: Int
    }

    /// What events are about, by `object_type`: the table a snapshot is a row of, and how a row decodes.
    static let objectKinds:
        [String: (columns: String, table: String, decode: @Sendable (PostgresRow) throws -> Event.Object)] = [
            "charge": (Rows.chargeColumns, "charges", { .charge(try Rows.charge($0)) }),
            "refund": (Rows.refundColumns, "refunds", { .refund(try Rows.refund($0)) }),
            "customer": (Rows.customerColumns, "customers", { .customer(try Rows.customer($0)) }),
            "payment_intent": (
                Rows.paymentIntentColumns, "payment_intents", { .paymentIntent(try Rows.paymentIntent($0)) }
            ),
        ]

    /// Columns of `events e`, named apart from any object's columns.
    static let columns = """
        e.id AS event_id, e.account_id AS event_account_id, e.livemode AS event_livemode, e.type AS event_type,
        e.object_type AS event_object_type, e.data::text AS event_after, (e.data || e.previous)::text AS event_before,
        e.request_id AS event_request_id, e.idempotency_key AS event_idempotency_key,
        e.created_at AS event_created_at,
        (SELECT count(*) FROM webhook_deliveries p
         JOIN webhook_endpoints pw ON pw.account_id = p.account_id AND pw.id = p.endpoint_id
         WHERE p.account_id = e.account_id AND p.event_id = e.id AND p.state = 'pending') AS event_pending_webhooks
        """

    static func stored(_ row: PostgresRow) throws -> Stored {
        let cells = row.makeRandomAccess()
        return Stored(
            id: try cells["event_id"].decode(String.self),
            scope: Scope(
                accountID: try cells["event_account_id"].decode(String.self),
                livemode: try cells["event_livemode"].decode(Bool.self)),
            type: try cells["event_type"].decode(String.self),
            objectType: try cells["event_object_type"].decode(String.self),
            after: try cells["event_after"].decode(String.self),
            before: try cells["event_before"].decode(String?.self),
            requestID: try cells["event_request_id"].decode(String?.self),
            idempotencyKey: try cells["event_idempotency_key"].decode(String?.self),
            created: try cells["event_created_at"].decode(Timestamp.self),
            pendingWebhooks: Int(try cells["event_pending_webhooks"].decode(Int64.self)))
    }

    static let endpointFields = [
        "account_id", "livemode", "id", "url", "enabled_events", "description", "metadata", "api_version", "status",
        "secret", "created_at",
    ]

    static let endpointColumns = endpointColumns(prefix: "", aliased: false)

    /// The endpoint's columns, optionally of a table alias and renamed `endpoint_…` to stand beside others.
    static func endpointColumns(prefix: String, aliased: Bool) -> String {
        Self.endpointFields.map { field in
            let column = field == "metadata" ? "\(prefix)metadata::text" : prefix + field
            return aliased ? "\(column) AS endpoint_\(field)" : (field == "metadata" ? "\(column) AS metadata" : column)
        }.joined(separator: ", ")
    }

    static func endpoint(_ row: PostgresRow) throws -> WebhookEndpoint {
        try Self.endpoint(row, prefix: "")
    }

    static func endpoint(_ row: PostgresRow, prefix: String) throws -> WebhookEndpoint {
        let cells = row.makeRandomAccess()
        guard let status = WebhookEndpoint.Status(rawValue: try cells[prefix + "status"].decode(String.self)) else {
            throw RowError(description: "webhook endpoint with an unknown status")
        }
        return WebhookEndpoint(
            id: try cells[prefix + "id"].decode(String.self),
            scope: Scope(
                accountID: try cells[prefix + "account_id"].decode(String.self),
                livemode: try cells[prefix + "livemode"].decode(Bool.self)),
            url: try cells[prefix + "url"].decode(String.self),
            enabledEvents: try cells[prefix + "enabled_events"].decode([String].self),
            description: try cells[prefix + "description"].decode(String?.self),
            metadata: try Rows.metadata(cells[prefix + "metadata"].decode(String.self)),
            apiVersion: try cells[prefix + "api_version"].decode(String?.self), status: status,
            secret: try cells[prefix + "secret"].decode(String.self),
            created: try cells[prefix + "created_at"].decode(Timestamp.self))
    }
}
