import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Payments
import PaymentsStore

/// The HTTP edge: every request passes here. It names the request, reads its body within the limit, admits or sheds
/// it, and then, inside the deadline race, authenticates, resolves the version, decodes parameters and runs the
/// endpoint. Every failure leaves as a Stripe-shaped error object; nothing else ever reaches a client.
public struct APIResponder: HTTPResponder {
    public typealias Context = APIRequestContext

    let api: APIRouter
    let admission: AdmissionControl
    let rateLimiter: RateLimiter
    let publicRoutes: [String: @Sendable (Deadline) async -> Response]

    init(api: APIRouter, publicRoutes: [String: @Sendable (Deadline) async -> Response]) {
        self.api = api
        self.admission = AdmissionControl(inFlightMax: api.configuration.inFlightMax)
        self.rateLimiter = RateLimiter(api.configuration.rateLimits)
        self.publicRoutes = publicRoutes
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = ObjectID.make(.request)
        let deadline = Deadline.after(self.api.configuration.requestBudget)
        let logger = {
            var logger = context.logger
            logger[metadataKey: "request_id"] = "\(requestID)"
            return logger
        }()
        if let route = self.publicRoutes[request.uri.path] {
            // The public pages take GET only; another method (TRACE, HEAD, …) is told so, as on /v1 paths.
            guard request.method == .get else {
                return self.errorResponse(
                    Self.methodNotAllowed(request, allowed: [.get]), requestID: requestID,
                    version: self.headerVersion(request))
            }
            var response = await route(deadline)
            response.headers[.requestID] = requestID
            return response
        }
        let match = self.api.routes.match(request.method, request.uri.path)
        let caller = Caller()
        let response = await self.admitted(
            request, match, requestID: requestID, deadline: deadline, caller: caller, logger: logger)
        let elapsed = ContinuousClock.now - started
        let route = match.pattern ?? "unmatched"
        Observability.recordRequest(
            method: request.method.rawValue, route: route, status: Int(response.status.code), duration: elapsed)
        logger.debug(
            "answered",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
                "duration_ms": "\(elapsed.milliseconds)", "account": "\(caller.accountID ?? "none")",
            ])
        return response
    }

    /// How far past its deadline a raced answer may leave before it is logged as late: the timer's own slack.
    static let lateAnswerTolerance: Duration = .milliseconds(250)

    /// Body, admission, and the deadline race around the rest. The body is read before a slot is taken: a client
    /// that stalls mid-body holds only its own connection (which the read deadline closes), never one of the
    /// in-flight slots every other request needs. What waits for its body is bounded by the connection bound and
    /// the body limit.
    private func admitted(
        _ request: Request, _ match: RouteTable.Match, requestID: String, deadline: Deadline, caller: Caller,
        logger: Logger
    ) async -> Response {
        let fallbackVersion = self.headerVersion(request)
        // A write runs under a key from here on, the client's or one made for it; every answer carries it, so a
        // client that sent none can still retry safely after a 5xx or a timeout.
        let idempotencyKey: String?
        let body: [UInt8]
        do {
            idempotencyKey = try Self.idempotencyKey(for: match, request)
            body = try await Self.readBody(request)
        } catch {
            return self.errorResponse(error, requestID: requestID, version: fallbackVersion, logger: logger)
        }
        guard self.admission.enter() else {
            Observability.recordShed(reason: "overloaded", elapsed: self.elapsed(deadline))
            return self.errorResponse(WireError(.overloaded), requestID: requestID, version: fallbackVersion)
        }
        Observability.inFlight.record(self.admission.current)
        defer { self.admission.leave() }

        let timeout: @Sendable () -> Response = {
            Observability.recordShed(reason: "deadline", elapsed: self.elapsed(deadline))
            return self.errorResponse(
                WireError(.deadlineExceeded), requestID: requestID, version: fallbackVersion,
                idempotencyKey: idempotencyKey)
        }
        guard !deadline.hasPassed else { return timeout() }
        let response = await DeadlineRace.answer(deadline: deadline, onTimeout: timeout) {
            await self.handle(
                request, match, body: body, idempotencyKey: idempotencyKey, requestID: requestID, deadline: deadline,
                caller: caller, logger: logger)
        }
        let late = deadline.instant.duration(to: .now)
        if late > Self.lateAnswerTolerance {
            // The race began before the deadline, and its timer answers on time unless the process itself could not
            // run (the machine stalled, or a thread was blocked): an operator needs to know either way.
            logger.warning(
                "answered after its deadline",
                metadata: [
                    "method": "\(request.method.rawValue)", "route": "\(match.pattern ?? "unmatched")",
                    "status": "\(response.status.code)", "late_ms": "\(late.milliseconds)",
                ])
        }
        return response
    }

    /// The time since the request arrived, from its deadline.
    private func elapsed(_ deadline: Deadline) -> Duration {
        self.api.configuration.requestBudget - deadline.remaining
    }

    /// Everything after the body is read; errors become error objects in the resolved version.
    private func handle(
        _ request: Request, _ match: RouteTable.Match, body: [UInt8], idempotencyKey: String?, requestID: String,
        deadline: Deadline, caller: Caller, logger: Logger
    ) async -> Response {
        var version = self.headerVersion(request)
        do {
            let (endpoint, pathParameters, path) = try Self.endpoint(match, request)
            let principal = try await self.api.authenticator.authenticate(request, deadline: deadline)
            caller.accountID = principal.accountID
            try self.rateLimiter.admit(principal, write: request.method != .get)
            let resolved = try self.api.versioning.resolve(
                header: request.headers[.stripeVersion], accountDefault: principal.defaultVersion)
            version = resolved.text
            if let permission = endpoint.permission, !principal.allows(permission.resource, permission.level) {
                throw Authenticator.forbidden(principal, needs: permission)
            }
            var parameters = try FormDecoder.decode(Substring(request.uri.query ?? ""))
            try parameters.merge(try Self.bodyParameters(body, contentType: request.headers[.contentType]))
            let apiRequest = APIRequest(
                requestID: requestID, principal: principal, version: resolved, method: request.method,
                path: path, pathParameters: pathParameters, parameters: parameters, deadline: deadline,
                idempotencyKey: idempotencyKey, versioning: self.api.versioning)
            switch endpoint.kind {
            case .read(let read):
                let answer = try await read(apiRequest)
                let bytes = JSONWriter.bytes(
                    self.api.versioning.render(answer.body, at: resolved, context: answer.context))
                return self.response(answer.status, bytes, requestID: requestID, version: version)
            case .write(let prepare):
                let answer = try await self.api.performWrite(apiRequest, prepare: prepare)
                return self.writeResponse(answer, key: idempotencyKey!, requestID: requestID, version: version)
            }
        } catch {
            return self.errorResponse(
                error, requestID: requestID, version: version, idempotencyKey: idempotencyKey, logger: logger)
        }
    }

    /// The key a write runs under: its `Idempotency-Key`, checked, or a generated one; nil for reads and for
    /// paths without a route.
    private static func idempotencyKey(for match: RouteTable.Match, _ request: Request) throws -> String? {
        guard case .found(let endpoint, _, _) = match, case .write = endpoint.kind else { return nil }
        return try Self.idempotencyKey(request)
    }

    /// The matched endpoint with its path parameters and its routed path, or the 404 or 405 that says why there
    /// is none. The routed path names the route and its decoded ids the one way, whatever the spelling of the
    /// request (a trailing slash, percent-escapes): it is what an idempotency key remembers and fingerprints.
    private static func endpoint(
        _ match: RouteTable.Match, _ request: Request
    ) throws -> (Endpoint, [String: String], String) {
        let path = request.uri.path
        switch match {
        case .notFound:
            throw WireError(
                status: .notFound, type: "invalid_request_error", code: .unknownRoute,
                message: "Unrecognized request URL (\(request.method.rawValue): \(path)). See the API reference "
                    + "for the routes Paisa serves.")
        case .methodNotAllowed(let allowed):
            throw Self.methodNotAllowed(request, allowed: allowed)
        case .found(let endpoint, let parameters, let pattern):
            return (endpoint, parameters, RouteTable.path(pattern, parameters))
        }
    }

    /// The 405 for a path that exists under other methods, with the `Allow` header naming them.
    private static func methodNotAllowed(_ request: Request, allowed: [HTTPRequest.Method]) -> WireError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return WireError(
            status: .methodNotAllowed, type: "invalid_request_error", code: .methodNotAllowed,
            message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(names).",
            extraHeaders: [(.allow, names)])
    }

    /// The stored (or fresh) answer of a write, with the idempotency headers.
    private func writeResponse(
        _ answer: IdempotencyLayer.Answer, key: String, requestID: String, version: String
    )
        -> Response
    {
        let stored = answer.response
        var response = self.response(
            HTTPResponse.Status(code: stored.status), stored.body, requestID: requestID, version: version)
        response.headers[.idempotencyKey] = key
        switch answer {
        case .fresh:
            response.headers[.idempotentReplayed] = "false"
        case .replay(_, let originalRequestID):
            response.headers[.idempotentReplayed] = "true"
            if let originalRequestID { response.headers[.originalRequest] = originalRequestID }
        }
        // A stored failure is final: every retry gets it again, so tell the SDKs not to retry it.
        if stored.status >= 500 { response.headers[.stripeShouldRetry] = "false" }
        return response
    }

    func response(_ status: HTTPResponse.Status, _ body: [UInt8], requestID: String, version: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.requestID] = requestID
        headers[.stripeVersion] = version
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Any error as an error object: wire and domain errors as themselves, anything else as a generic 500 whose
    /// details go only to the log.
    func errorResponse(
        _ error: any Error, requestID: String, version: String, idempotencyKey: String? = nil, logger: Logger? = nil
    ) -> Response {
        let wire: WireError
        switch error {
        case let known as WireError:
            wire = known
        case PaymentsError.refusedByDatabase(let reason):
            (logger ?? self.api.logger).error(
                "the database refused a request's statement",
                metadata: ["request_id": "\(requestID)", "reason": "\(reason)"])
            wire = WireError.internalError()
        case let domain as PaymentsError:
            wire = WireError(domain)
        case is CancellationError where Task.isCancelled:
            // The work was cancelled because its deadline answered the request first: not a failure to report,
            // and this answer goes nowhere.
            wire = WireError(PaymentsError.deadlineExceeded)
        default:
            (logger ?? self.api.logger).error(
                "request failed unexpectedly",
                metadata: ["request_id": "\(requestID)", "error": "\(StoreFailure.describe(error))"])
            wire = WireError.internalError()
        }
        var response = self.response(
            wire.status, JSONWriter.bytes(wire.body(docsURL: self.api.configuration.docsURL)), requestID: requestID,
            version: version)
        if let seconds = wire.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        if let retry = wire.shouldRetry { response.headers[.stripeShouldRetry] = retry ? "true" : "false" }
        for (name, value) in wire.extraHeaders { response.headers[name] = value }
        if let idempotencyKey { response.headers[.idempotencyKey] = idempotencyKey }
        return response
    }

    /// The version named by the header when it is valid, else the newest: what error responses carry before the
    /// account's pinned version is known.
    private func headerVersion(_ request: Request) -> String {
        guard let header = request.headers[.stripeVersion],
            let version = try? self.api.versioning.validate(header, param: "Stripe-Version")
        else { return Versioning.newest.text }
        return version.text
    }
}
