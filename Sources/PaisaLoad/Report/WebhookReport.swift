/// The webhook figures of a run with `--webhooks`: what arrived, what was owed and did not, and how late.
///
/// Lags are in milliseconds. `lag` runs from the moment paisa-load had a charge's final answer (succeeded,
/// failed or declined) to the first receipt of its final event, both on the generator's clock, to the
/// millisecond; charges first answered `pending` have no sample. `lagFromCreated` runs from each event's
/// `created` (whole seconds, the server's clock) to its first receipt, so it reads up to a second high.
public struct WebhookReport: Sendable, Codable, Equatable {
    /// The endpoint of one key's account.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// The key's index.
        public var account: Int
        /// `we_…`.
        public var id: String
        /// Whether it was deleted after the audit (or was already gone then).
        public var deleted: Bool
    }

    /// The primary lag of the payments that started in one stage.
    public struct StageLag: Sendable, Codable, Equatable {
        public var name: String
        public var lag: LatencySummary
    }

    /// One second of the run (from its start, as the other per-second figures; the audit's wait continues past
    /// the plan).
    public struct Second: Sendable, Codable, Equatable {
        public var t: Int
        /// Deliveries accepted during the second, duplicates included.
        public var received: Int
        /// Deliveries of an event already received.
        public var duplicates: Int
        /// Final events that arrived during the second and had a final answer to measure from.
        public var lagSamples: Int
        /// Their primary lag, in milliseconds (0 without samples).
        public var lagP50: Double
        public var lagP99: Double
        public var lagMax: Double
    }

    /// The receiver's URL, as the endpoints were created with it.
    public var url: String
    public var endpoints: [Endpoint]
    /// Deliveries accepted (signature valid, answered 200), duplicates included.
    public var received: Int
    /// Distinct event ids among them.
    public var unique: Int
    /// `received - unique`: deliveries of an event already received. Counted, not a failure: delivery is at
    /// least once.
    public var duplicates: Int
    /// Deliveries refused because their signature failed (answered 400), by reason.
    public var signatureFailures: Int
    public var signatureFailureReasons: [String: Int]
    /// Authentic deliveries whose body was not an event, or that were too large to read.
    public var malformed: Int
    /// Distinct events by type.
    public var types: [String: Int]
    /// Charges of the run that ended (succeeded or failed) and so owe a final event.
    public var finalExpected: Int
    /// Of those, the ones whose final event arrived.
    public var finalReceived: Int
    /// `finalExpected - finalReceived`: each is an audit failure.
    public var missingFinal: Int
    /// Distinct events about a charge the run did not make (or a refund of one), and events delivered through
    /// another account's endpoint than their charge's: each is an audit failure.
    public var foreign: Int
    /// Distinct events about neither a charge nor a refund: not judged.
    public var otherObjects: Int
    /// How long the audit waited for final events, and the most it would have (`--webhooks-drain`).
    public var drainSeconds: Double
    public var drainLimitSeconds: Double
    /// From the final answer to the final event (the primary lag; thresholds read it).
    public var lag: LatencySummary
    /// The same per stage of the payments' intended start.
    public var stageLag: [StageLag]
    /// From each distinct event's `created` to its first receipt (whole-second resolution).
    public var lagFromCreated: LatencySummary
    public var seconds: [Second]
    /// What could not be judged, deletions that failed.
    public var notes: [String]
}
