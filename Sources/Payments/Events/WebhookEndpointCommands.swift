/// A validated request to make a webhook endpoint.
public struct CreateWebhookEndpoint: Sendable, Equatable {
    public let url: String
    public let enabledEvents: [String]
    public let description: String?
    public let metadata: Metadata
    public let apiVersion: String?

    public init(
        url: String, enabledEvents: [String], description: String?, metadata: Metadata, apiVersion: String?,
        livemode: Bool
    ) throws(PaymentsError) {
        self.url = try WebhookURL.validate(url, livemode: livemode)
        self.enabledEvents = try Self.validate(enabledEvents: enabledEvents)
        try Validation.text(description, param: "description", max: Limits.webhookDescriptionLengthMax)
        try Validation.metadata(metadata.pairs)
        self.description = description
        self.metadata = metadata
        self.apiVersion = apiVersion
    }

    /// Event types or `*`, each once; at least one.
    static func validate(enabledEvents: [String]) throws(PaymentsError) -> [String] {
        guard !enabledEvents.isEmpty else {
            throw .parameterMissing(
                "enabled_events",
                message: "Missing required param: enabled_events. Send `enabled_events[]=*` for "
                    + "every event, or the types you want.")
        }
        guard enabledEvents.count <= Limits.enabledEventsMax else {
            throw .invalidRequest(
                code: .parameterLimitExceeded,
                message: "An endpoint may listen to at most \(Limits.enabledEventsMax) event types.",
                param: "enabled_events")
        }
        var seen: [String] = []
        for (index, type) in enabledEvents.enumerated() where !seen.contains(type) {
            guard type == EventType.wildcard || EventType(rawValue: type) != nil else {
                throw .invalidRequest(
                    code: .parameterUnknown,
                    message: "Invalid enabled_events[\(index)]: '\(type.prefix(100))' is not an event type Paisa "
                        + "sends. It sends \(EventType.allCases.map(\.rawValue).joined(separator: ", ")), or `*` for "
                        + "all of them.",
                    param: "enabled_events[\(index)]")
            }
            seen.append(type)
        }
        return seen
    }
}

/// A validated change to a webhook endpoint: only the fields given change.
public struct UpdateWebhookEndpoint: Sendable, Equatable {
    public let endpointID: String
    public let url: String?
    public let enabledEvents: [String]?
    public let description: String?
    public let metadata: MetadataUpdate?
    /// `disabled=true` stops deliveries; `false` starts them again.
    public let disabled: Bool?

    public init(
        endpointID: String, url: String?, enabledEvents: [String]?, description: String?, metadata: MetadataUpdate?,
        disabled: Bool?, livemode: Bool
    ) throws(PaymentsError) {
        self.endpointID = endpointID
        self.url = try url.map { (url) throws(PaymentsError) in try WebhookURL.validate(url, livemode: livemode) }
        self.enabledEvents = try enabledEvents.map { (events) throws(PaymentsError) in
            try CreateWebhookEndpoint.validate(enabledEvents: events)
        }
        try Validation.text(description, param: "description", max: Limits.webhookDescriptionLengthMax)
        self.description = description
        self.metadata = metadata
        self.disabled = disabled
    }

    /// The endpoint with this update applied.
    public func applied(to endpoint: WebhookEndpoint) -> WebhookEndpoint {
        var endpoint = endpoint
        if let url = self.url { endpoint.url = url }
        if let enabledEvents = self.enabledEvents { endpoint.enabledEvents = enabledEvents }
        if let description = self.description { endpoint.description = description.isEmpty ? nil : description }
        if let metadata = self.metadata { endpoint.metadata.apply(metadata) }
        if let disabled = self.disabled { endpoint.status = disabled ? .disabled : .enabled }
        return endpoint
    }
}
