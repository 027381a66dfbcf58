import Payments

extension APIRouter {
    /// `POST /v1/charges/:id`: description, metadata and receipt e-mail; an empty string clears a field.
    func updateCharge() -> Endpoint {
        Endpoint(
            Permission(.charges, .write),
            .write { request in
                let reader = try ParameterReader(
                    request.parameters, allowed: ["description", "metadata", "receipt_email", "expand"])
                let expansion = try Expansion(reader, allowed: Self.chargeExpandable, for: request.principal)
                let command = try UpdateCharge(
                    chargeID: request.pathParameter("id"), description: try reader.clearableString("description"),
                    metadata: try reader.metadata(), receiptEmail: try reader.clearableString("receipt_email"))
                let relations = try self.relations(request, expansion)
                return { key in
                    try await self.mutations.update(
                        command, key: key, deadline: request.deadline, relations: relations
                    ) { result in
                        Self.stored(result, request, docsURL: self.configuration.docsURL)
                    }
                }
            })
    }

    /// `POST /v1/charges/:id/capture`: captures an authorized charge, in full or in part.
    func captureCharge() -> Endpoint {
        Endpoint(
            Permission(.charges, .write),
            .write { request in
                let reader = try ParameterReader(request.parameters, allowed: ["amount", "expand"])
                let expansion = try Expansion(reader, allowed: Self.chargeExpandable, for: request.principal)
                let command = try CaptureCharge(
                    chargeID: request.pathParameter("id"), amount: try reader.integer("amount"))
                // Only an uncaptured charge can be captured, and it has no refunds.
                let relations = try self.relations(request, expansion, refundsCanExist: false)
                return { key in
                    try await self.mutations.capture(
                        command, key: key, deadline: request.deadline, relations: relations
                    ) { result in
                        Self.stored(result, request, docsURL: self.configuration.docsURL)
                    }
                }
            })
    }
}
