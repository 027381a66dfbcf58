/// Creating and changing webhook endpoints: the last phase of their idempotent POSTs, in one transaction that also
/// stores the answer on the key (as `ChargeMutations` does for charges).
public struct WebhookEndpointMutations: Sendable {
    let store: any PaymentsStore

    public init(store: any PaymentsStore) {
        self.store = store
    }

    /// Makes an endpoint with a fresh signing secret, unless the scope already has as many as it may.
    public func create(
        _ command: CreateWebhookEndpoint, key: ClaimedKey, deadline: Deadline,
        render: @escaping ChargeMutations.Render<WebhookEndpoint>
    ) async throws -> IdempotencyLayer.Completion {
        let endpoint = WebhookEndpoint(
            id: ObjectID.make(.webhookEndpoint), scope: key.scope, url: command.url,
            enabledEvents: command.enabledEvents, description: command.description, metadata: command.metadata,
            apiVersion: command.apiVersion, status: .enabled,
            secret: "whsec_" + ObjectID.randomBase62(count: WebhookEndpoint.secretCharacters), created: .now())
        return try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard try await transaction.countWebhookEndpoints(scope: key.scope) < Limits.webhookEndpointsMax else {
                return render(
                    .failure(
                        .invalidRequest(
                            code: .parameterLimitExceeded,
                            message: "This account already has \(Limits.webhookEndpointsMax) webhook endpoints in "
                                + "this mode, the most it may have. Delete one, or listen for more event types on "
                                + "one you have.",
                            param: nil)))
            }
            try await transaction.insertWebhookEndpoint(endpoint)
            return render(.success(endpoint))
        }
    }

    /// Changes an endpoint's URL, events, description, metadata or status.
    public func update(
        _ command: UpdateWebhookEndpoint, key: ClaimedKey, deadline: Deadline,
        render: @escaping ChargeMutations.Render<WebhookEndpoint>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard let endpoint = try await transaction.lockWebhookEndpoint(id: command.endpointID, scope: key.scope)
            else { return render(.failure(.noSuch("webhook endpoint", command.endpointID))) }
            let updated = command.applied(to: endpoint)
            do throws(PaymentsError) {
                try Validation.metadata(updated.metadata.pairs)
            } catch {
                return render(.failure(error))
            }
            try await transaction.updateWebhookEndpoint(updated)
            return render(.success(updated))
        }
    }
}
