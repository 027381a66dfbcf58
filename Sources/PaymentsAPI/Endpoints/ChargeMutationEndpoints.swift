import Payments

/// `POST /v1/charges/:id`: description, metadata and receipt e-mail; an empty string clears a field.
struct UpdateChargeWrite: Write {
    static let permission = Permission(.charges, .write)

    let request: APIRequest
    let api: APIRouter
    let command: UpdateCharge
    let relations: ChargeRelations

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(
            request.parameters, allowed: ["description", "metadata", "receipt_email", "expand"])
        let expansion = try Expansion(reader, allowed: APIRouter.chargeExpandable, for: request.principal)
        self.command = try UpdateCharge(
            chargeID: request.pathParameter("id"), description: try reader.clearableString("description"),
            metadata: try reader.metadata(), receiptEmail: try reader.clearableString("receipt_email"))
        self.relations = try api.relations(request, expansion)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.mutations.update(
            self.command, key: key, deadline: request.deadline, relations: self.relations
        ) { result in APIRouter.stored(result, request, docsURL: docsURL) }
    }
}

/// `POST /v1/charges/:id/capture`: captures an authorized charge, in full or in part.
struct CaptureChargeWrite: Write {
    static let permission = Permission(.charges, .write)

    let request: APIRequest
    let api: APIRouter
    let command: CaptureCharge
    let relations: ChargeRelations

    init(_ request: APIRequest, api: APIRouter) throws {
        let reader = try ParameterReader(request.parameters, allowed: ["amount", "expand"])
        let expansion = try Expansion(reader, allowed: APIRouter.chargeExpandable, for: request.principal)
        self.command = try CaptureCharge(chargeID: request.pathParameter("id"), amount: try reader.integer("amount"))
        // Only an uncaptured charge can be captured, and it has no refunds.
        self.relations = try api.relations(request, expansion, refundsCanExist: false)
        self.request = request
        self.api = api
    }

    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion {
        let (request, docsURL) = (self.request, self.api.configuration.docsURL)
        return try await self.api.mutations.capture(
            self.command, key: key, deadline: request.deadline, relations: self.relations
        ) { result in APIRouter.stored(result, request, docsURL: docsURL) }
    }
}
