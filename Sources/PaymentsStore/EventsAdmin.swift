import Logging
import Payments
import PostgresNIO

/// What operators see of events and their deliveries from the command line, and the one thing they do: send an
/// event to an endpoint again.
public struct EventsAdmin: Sendable {
    /// An event as `paisa events list` shows it: what happened, and how its deliveries stand.
    public struct EventSummary: Sendable, Equatable {
        public let id: String
        public let accountID: String
        public let livemode: Bool
        public let type: String
        public let objectID: String
        public let created: Timestamp
        public let delivered: Int
        public let pending: Int
        public let givenUp: Int
    }

    /// One delivery of an event, with every attempt.
    public struct DeliverySummary: Sendable, Equatable {
        public let endpointID: String
        public let url: String
        public let state: String
        public let nextAttempt: Timestamp?
        public let attempts: [Attempt]
    }

    public struct Attempt: Sendable, Equatable {
        public let number: Int
        public let started: Timestamp
        public let durationMilliseconds: Int
        public let statusCode: Int?
        public let error: String?
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case noSuchEvent(String)
        case noSuchEndpoint(String)
        case inFlight(String)

        public var description: String {
            switch self {
            case .noSuchEvent(let id): "No such event: \(id)"
            case .noSuchEndpoint(let id): "No such webhook endpoint of the event's account and mode: \(id)"
            case .inFlight(let id): "\(id) is being sent to that endpoint right now; resend it after this attempt."
            }
        }
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The newest events, of one account or of all (or the one event named).
    public func recent(accountID: String?, eventID: String? = nil, limit: Int) async throws -> [EventSummary] {
        let rows = try await self.client.query(
            """
            SELECT e.id, e.account_id, e.livemode, e.type, e.object_id, e.created_at,
                   count(*) FILTER (WHERE d.state = 'delivered'), count(*) FILTER (WHERE d.state = 'pending'),
                   count(*) FILTER (WHERE d.state = 'given_up')
            FROM events e
            LEFT JOIN webhook_deliveries d ON d.account_id = e.account_id AND d.event_id = e.id
            WHERE (\(accountID)::text IS NULL OR e.account_id = \(accountID))
              AND (\(eventID)::text IS NULL OR e.id = \(eventID))
            GROUP BY e.account_id, e.id
            ORDER BY e.created_at DESC, e.id DESC LIMIT \(Int32(limit))
            """, logger: self.logger)
        var events: [EventSummary] = []
        for try await (id, account, livemode, type, object, created, delivered, pending, givenUp) in rows.decode(
            (String, String, Bool, String, String, Timestamp, Int64, Int64, Int64).self)
        {
            events.append(
                EventSummary(
                    id: id, accountID: account, livemode: livemode, type: type, objectID: object, created: created,
                    delivered: Int(delivered), pending: Int(pending), givenUp: Int(givenUp)))
        }
        return events
    }

    /// An event's deliveries and their attempts, oldest attempt first.
    public func deliveries(eventID: String) async throws -> (EventSummary, [DeliverySummary]) {
        guard let event = try await self.summary(eventID) else { throw Problem.noSuchEvent(eventID) }
        let rows = try await self.client.query(
            """
            SELECT d.endpoint_id, w.url, d.state, CASE WHEN d.state = 'pending' THEN d.next_attempt_at END,
                   a.attempt, a.started_at, a.duration_ms, a.status_code, a.error
            FROM webhook_deliveries d
            JOIN webhook_endpoints w ON w.account_id = d.account_id AND w.id = d.endpoint_id
            LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
            WHERE d.account_id = \(event.accountID) AND d.event_id = \(eventID)
            ORDER BY d.endpoint_id, a.attempt
            """, logger: self.logger)
        var deliveries: [DeliverySummary] = []
        for try await (endpoint, url, state, next, number, started, duration, status, error) in rows.decode(
            (String, String, String, Timestamp?, Int32?, Timestamp?, Int32?, Int32?, String?).self)
        {
            var attempts = deliveries.last?.endpointID == endpoint ? deliveries.removeLast().attempts : []
            if let number, let started, let duration {
                attempts.append(
                    Attempt(
                        number: Int(number), started: started, durationMilliseconds: Int(duration),
                        statusCode: status.map(Int.init), error: error))
            }
            deliveries.append(
                DeliverySummary(endpointID: endpoint, url: url, state: state, nextAttempt: next, attempts: attempts))
        }
        return (event, deliveries)
    }

    /// Queues the event for the endpoint again, due now (a delivery that was made, or given up, starts over).
    public func resend(eventID: String, endpointID: String) async throws {
        guard let event = try await self.summary(eventID) else { throw Problem.noSuchEvent(eventID) }
        let rows = try await self.client.query(
            """
            WITH endpoint AS (
                SELECT id FROM webhook_endpoints
                WHERE account_id = \(event.accountID) AND livemode = \(event.livemode) AND id = \(endpointID)
            ), queued AS (
                INSERT INTO webhook_deliveries (account_id, livemode, endpoint_id, event_id, next_attempt_at)
                SELECT \(event.accountID), \(event.livemode), id, \(eventID), now() FROM endpoint
                ON CONFLICT (account_id, event_id, endpoint_id) DO UPDATE
                SET state = 'pending', next_attempt_at = now(), finished_at = NULL, lease_token = NULL
                -- A delivery in flight is left to its attempt: taking it over would send it twice at once.
                WHERE webhook_deliveries.lease_token IS NULL OR webhook_deliveries.next_attempt_at <= now()
                RETURNING 1
            )
            SELECT count(*) FROM queued
            """, logger: self.logger)
        for try await count in rows.decode(Int64.self) where count == 0 {
            let endpoint = try await self.client.query(
                "SELECT 1 FROM webhook_endpoints WHERE account_id = \(event.accountID) AND id = \(endpointID)",
                logger: self.logger)
            for try await _ in endpoint { throw Problem.inFlight(eventID) }
            throw Problem.noSuchEndpoint(endpointID)
        }
    }

    /// One event, found by id alone (a scan: an operator's lookup, not a request's).
    private func summary(_ eventID: String) async throws -> EventSummary? {
        guard ObjectID.isWellFormed(eventID, as: .event) else { return nil }
        return try await self.recent(accountID: nil, eventID: eventID, limit: 1).first
    }
}
