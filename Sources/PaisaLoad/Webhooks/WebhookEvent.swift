import Foundation

/// An event as a delivery carries it, reduced to what the audit reads.
public struct WebhookEvent: Sendable, Equatable {
    /// The event types that end a charge: every charge the run makes must reach one of them.
    public static let finalTypes: Set<String> = ["charge.succeeded", "charge.failed"]

    /// `evt_…`.
    public var id: String
    /// `charge.succeeded`, `refund.created`, …
    public var type: String
    /// When the server wrote the event, in unix seconds.
    public var created: Int64
    /// `data.object.object`: `charge`, `refund`, …
    public var objectKind: String
    /// `data.object.id`.
    public var objectID: String
    /// `data.object.status`, when it has one.
    public var objectStatus: String?
    /// `data.object.metadata[paisa_load_run]`: which run made the object (a charge of a run carries it).
    public var runTag: String?
    /// The charge the event is about: the object itself for a charge, its `charge` field for a refund.
    public var chargeID: String?

    /// An event from its parts.
    public init(
        id: String, type: String, created: Int64, objectKind: String, objectID: String, objectStatus: String?,
        runTag: String?, chargeID: String?
    ) {
        self.id = id
        self.type = type
        self.created = created
        self.objectKind = objectKind
        self.objectID = objectID
        self.objectStatus = objectStatus
        self.runTag = runTag
        self.chargeID = chargeID
    }

    /// Whether the event ends a charge (`charge.succeeded` or `charge.failed`).
    public var isFinal: Bool { self.objectKind == "charge" && Self.finalTypes.contains(self.type) }

    /// Reads a delivery's body; nil when it is not an event.
    public static func decode(_ body: [UInt8]) -> WebhookEvent? {
        guard let wire = try? JSONDecoder().decode(WireEvent.self, from: Data(body)), wire.object == "event" else {
            return nil
        }
        let object = wire.data.object
        let chargeID = object.object == "charge" ? object.id : object.charge
        return WebhookEvent(
            id: wire.id, type: wire.type, created: wire.created, objectKind: object.object, objectID: object.id,
            objectStatus: object.status, runTag: object.metadata?[Workload.runMetadataKey], chargeID: chargeID)
    }
}

/// `{"id":"evt_…","object":"event","created":…,"data":{"object":{…}},"type":"…"}`, as far as the audit reads it.
struct WireEvent: Decodable {
    /// The charge or refund the event is about.
    struct Object: Decodable {
        let id: String
        let object: String
        let status: String?
        let metadata: [String: String]?
        /// A refund's charge: its id (or, expanded, an object with one).
        let charge: String?

        enum CodingKeys: String, CodingKey {
            case id, object, status, metadata, charge
        }

        /// Decodes leniently where a field may take more than one shape; only `id` and `object` are required.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.id = try container.decode(String.self, forKey: .id)
            self.object = try container.decode(String.self, forKey: .object)
            self.status = try? container.decodeIfPresent(String.self, forKey: .status)
            self.metadata = try? container.decodeIfPresent([String: String].self, forKey: .metadata)
            if let id = try? container.decodeIfPresent(String.self, forKey: .charge) {
                self.charge = id
            } else {
                self.charge = (try? container.decodeIfPresent(Expanded.self, forKey: .charge))?.id
            }
        }
    }

    /// An expanded object, by its id.
    struct Expanded: Decodable {
        let id: String
    }

    struct Payload: Decodable {
        let object: Object
    }

    let id: String
    let object: String
    let type: String
    let created: Int64
    let data: Payload
}
