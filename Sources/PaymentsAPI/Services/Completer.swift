import HTTPTypes
import Logging
import Metrics
import Payments
import PaymentsStore
import ServiceLifecycle

/// Resumes requests whose key was claimed and then abandoned (the process died, or the client gave up and never
/// retried): it re-runs each through the same endpoint code, from its stored parameters, version and path, and the
/// key's recovery point makes that a continuation rather than a second execution.
public struct Completer: Service {
    let api: APIRouter
    let interval: Duration
    let logger: Logger

    public init(api: APIRouter, interval: Duration, logger: Logger) {
        self.api = api
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.completeAbandoned()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass over at most `completerBatchSize` abandoned keys; returns how many finished.
    @discardableResult
    public func completeAbandoned() async -> Int {
        let abandoned: [AbandonedRequest]
        do {
            abandoned = try await self.api.store.abandonedRequests(
                limit: Limits.completerBatchSize,
                deadline: .after(self.api.configuration.requestBudget))
        } catch {
            self.logger.warning(
                "completer could not list abandoned requests", metadata: ["error": "\(StoreFailure.describe(error))"])
            return 0
        }
        var finished = 0
        for request in abandoned where await self.resume(request) {
            finished += 1
        }
        return finished
    }

    /// Re-runs one abandoned request, or gives up on it; true when it reached a stored answer.
    func resume(_ abandoned: AbandonedRequest) async -> Bool {
        var logger = self.logger
        logger[metadataKey: "idempotency_key_account"] = "\(abandoned.scope.accountID)"
        guard case .found(let endpoint, let parameters, _) = self.api.routes.match(.post, abandoned.path),
            case .write(let prepare) = endpoint.kind, let version = APIVersion(abandoned.version),
            let decoded = try? JSONBodyDecoder.decode(Array(abandoned.parameters.utf8))
        else {
            await self.giveUp(abandoned, endpoint: nil, reason: "the stored request names no write endpoint", logger)
            return false
        }
        let request = APIRequest(
            requestID: ObjectID.make(.request),
            principal: Principal(
                accountID: abandoned.scope.accountID, livemode: abandoned.scope.livemode, keyID: "completer",
                keyKind: .secret, permissions: [], defaultVersion: version.text),
            version: version, method: .post, path: abandoned.path, pathParameters: parameters, parameters: decoded,
            deadline: .after(self.api.configuration.requestBudget),
            idempotencyKey: abandoned.key, versioning: self.api.versioning)
        guard abandoned.attempts < Limits.completerAttemptsMax else {
            await self.giveUp(
                abandoned, endpoint: (endpoint, request),
                reason: "\(abandoned.attempts) attempts did not finish it", logger)
            return false
        }
        do {
            _ = try await self.api.performWrite(request, prepare: prepare)
            logger.info("completer finished an abandoned request", metadata: ["path": "\(abandoned.path)"])
            return true
        } catch PaymentsError.idempotencyKeyInUse {
            // A retry from the client got there first; it will finish the request.
            return false
        } catch let refusal as PaymentsError where refusal.isRefusalOfTheRequest {
            // The stored request no longer passes validation (it did when it was claimed: a deploy changed a rule
            // since). It can never finish: give up at once rather than on every pass.
            await self.giveUp(abandoned, endpoint: (endpoint, request), reason: "\(refusal)", logger)
            return false
        } catch {
            logger.warning(
                "completer could not finish a request; it will try again",
                metadata: [
                    "path": "\(abandoned.path)", "attempts": "\(abandoned.attempts)",
                    "original_request_id": "\(abandoned.originalRequestID)", "error": "\(Self.describe(error))",
                ])
            return false
        }
    }

    /// Requests the completer gave up on.
    static let gaveUp = Counter(label: "paisa_completer_gave_up_total")

    /// Leaves a request to an operator, once: marked given up in the database, logged as an error with the request
    /// that made the key, counted; and a write that may have moved money at the processor is ended there (voided,
    /// its key finished with a final answer), so that giving up never leaves money approved without a charge, nor
    /// an intent taken by a confirmation that will never finish. If the ending fails, the key goes back on the
    /// completer's list (unmarked) and a later pass gives up on it again: the error is logged and counted once,
    /// when the request has been ended.
    private func giveUp(
        _ abandoned: AbandonedRequest, endpoint: (Endpoint, APIRequest)?, reason: String, _ logger: Logger
    ) async {
        do {
            guard try await self.api.store.giveUp(on: abandoned, deadline: .after(.milliseconds(2000))) else { return }
        } catch {
            logger.warning("could not mark a request given up", metadata: ["error": "\(Self.describe(error))"])
            return
        }
        if let (endpoint, request) = endpoint, let end = endpoint.end {
            do {
                _ = try await self.api.endWrite(request, end: end(request))
            } catch {
                logger.warning(
                    "could not end a request the completer gives up on; a later pass will try again",
                    metadata: ["idempotency_key": "\(abandoned.key)", "error": "\(Self.describe(error))"])
                do {
                    try await self.api.store.reopen(abandoned, deadline: .after(.milliseconds(2000)))
                } catch {
                    logger.error(
                        "could not put a request back on the completer's list; the approval sweep will report it",
                        metadata: ["idempotency_key": "\(abandoned.key)", "error": "\(Self.describe(error))"])
                }
                return
            }
        }
        Self.gaveUp.increment()
        logger.error(
            "completer gave up on a request; it needs an operator",
            metadata: [
                "path": "\(abandoned.path)", "attempts": "\(abandoned.attempts)", "idempotency_key": "\(abandoned.key)",
                "original_request_id": "\(abandoned.originalRequestID)", "error": "\(reason)",
            ])
    }

    /// A failure in words an operator can act on.
    static func describe(_ error: any Error) -> String {
        if case .refusedByDatabase(let reason)? = error as? PaymentsError { return reason }
        return StoreFailure.describe(error)
    }
}
