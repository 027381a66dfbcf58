import Payments

/// A write, as one type, the same for the HTTP layer and the completer. `init` reads the request into a domain
/// command: a refusal there is answered and not stored, so the key stays usable. `perform` runs the command under
/// its claimed key: its answer is stored, and every retry with the key gets it. The completer resumes an
/// interrupted write by reading the stored request again and performing it under the same key.
protocol Write: Sendable {
    /// What a restricted key needs.
    static var permission: Permission { get }

    /// Validates the request into the write's command, before any key is claimed.
    init(_ request: APIRequest, api: APIRouter) throws

    /// Runs the write under its claimed key; what it returns is the stored answer.
    func perform(under key: ClaimedKey) async throws -> IdempotencyLayer.Completion
}

/// A write that can have moved money at the processor: how the completer ends it for good when it gives up (the
/// payment voided, the key finished with a final answer), without validating the stored request again.
protocol PaymentWrite: Write {
    static func end(
        _ request: APIRequest, api: APIRouter, under key: ClaimedKey
    ) async throws
        -> IdempotencyLayer.Completion
}

/// A resource's routes, registered together, as a Hummingbird controller registers its endpoints.
protocol Controller {
    func addRoutes(to routes: inout RouteTable)
}

extension Endpoint {
    /// The endpoint of a write type.
    static func write<W: Write>(_ type: W.Type, api: APIRouter) -> Endpoint {
        Endpoint(W.permission, .write { request in try Self.operation(W(request, api: api)) })
    }

    /// The endpoint of a write that can have moved money, with its ending.
    static func write<W: PaymentWrite>(_ type: W.Type, api: APIRouter) -> Endpoint {
        Endpoint(
            W.permission, .write { request in try Self.operation(W(request, api: api)) },
            end: { request in { key in try await W.end(request, api: api, under: key) } })
    }

    private static func operation<W: Write>(_ write: W) -> Operation {
        { key in try await write.perform(under: key) }
    }
}
