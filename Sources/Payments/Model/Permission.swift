/// What a restricted key may do: read or write one kind of resource. Secret keys may do everything.
/// Written `resource:level` (`charges:write`); write implies read, as in Stripe's dashboard.
public struct Permission: Hashable, Sendable, CustomStringConvertible {
    /// The resources a permission can name.
    public enum Resource: String, Sendable, CaseIterable {
        case account
        case charges
        case customers
        case paymentIntents = "payment_intents"
        case refunds
        case balance
        case events
        case webhookEndpoints = "webhook_endpoints"
    }

    /// Read lets a key fetch and list; write also lets it create and update.
    public enum Level: String, Sendable, CaseIterable {
        case read
        case write
    }

    public let resource: Resource
    public let level: Level

    public init(_ resource: Resource, _ level: Level) {
        self.resource = resource
        self.level = level
    }

    /// Parses `charges:write`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let resource = Resource(rawValue: String(parts[0])),
            let level = Level(rawValue: String(parts[1]))
        else { return nil }
        self.init(resource, level)
    }

    public var description: String { "\(self.resource.rawValue):\(self.level.rawValue)" }

    /// Every permission there is, for help texts and validation messages.
    public static var all: [Permission] {
        Resource.allCases.flatMap { resource in Level.allCases.map { Permission(resource, $0) } }
    }
}
