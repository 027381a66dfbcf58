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
    let api: PaisaAPI
    let interval: Duration
    let logger: Logger

    public init(api: PaisaAPI, interval: Duration, logger: Logger) {
        self.api = api
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.runOnce()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One pass over at most `completerBatchSize` abandoned keys; returns how many finished.
    @discardableResult
    public func runOnce() async -> Int {
        let abandoned: [AbandonedRequest]
        do {
            abandoned = try await self.api.store.abandonedRequests(
                limit: Limits.completerBatchSize, attemptsMax: Limits.completerAttemptsMax,
                deadline: .after(milliseconds: self.api.configuration.requestBudgetMilliseconds))
        } catch {
            self.logger.warning("completer could not list abandoned requests", metadata: ["error": "\(error)"])
            return 0
        }
        var finished = 0
        for request in abandoned where await self.resume(request) {
            finished += 1
        }
        return finished
    }

    /// Re-runs one abandoned request; true when it reached a stored answer.
    func resume(_ abandoned: AbandonedRequest) async -> Bool {
        var logger = self.logger
        logger[metadataKey: "idempotency_key_account"] = "\(abandoned.scope.accountID)"
        guard case .found(let endpoint, let parameters, _) = self.api.routes.match(.post, abandoned.path),
            case .write(let prepare) = endpoint.kind, let version = APIVersion(abandoned.version)
        else {
            logger.error("abandoned request names no write endpoint", metadata: ["path": "\(abandoned.path)"])
            return false
        }
        do {
            let request = APIRequest(
                requestID: ObjectID.make(.request),
                principal: Principal(
                    accountID: abandoned.scope.accountID, livemode: abandoned.scope.livemode, keyID: "completer",
                    keyKind: .secret, permissions: [], defaultVersion: version.text),
                version: version, method: .post, path: abandoned.path, pathParameters: parameters,
                parameters: try JSONBodyDecoder.decode(Array(abandoned.parameters.utf8)),
                deadline: .after(milliseconds: self.api.configuration.requestBudgetMilliseconds),
                idempotencyKey: abandoned.key, versioning: self.api.versioning)
            _ = try await self.api.runWrite(request, prepare: prepare)
            logger.info("completer finished an abandoned request", metadata: ["path": "\(abandoned.path)"])
            return true
        } catch PaymentsError.idempotencyKeyInUse {
            // A retry from the client got there first; it will finish the request.
            return false
        } catch let refusal as PaymentsError where refusal.isRefusalOfTheRequest {
            // The stored request no longer passes validation (it did when it was claimed: a deploy changed a rule
            // since). It can never finish, and no attempt was made: give up at once rather than on every pass.
            await self.giveUp(abandoned, attempts: abandoned.attempts, reason: "\(refusal)", logger: logger)
            return false
        } catch {
            // This resume made one more attempt; past the last one the key is left for an operator.
            let attempts = abandoned.attempts + 1
            if attempts >= Limits.completerAttemptsMax {
                await self.giveUp(abandoned, attempts: attempts, reason: Self.describe(error), logger: logger)
            } else {
                logger.warning(
                    "completer could not finish a request; it will try again",
                    metadata: [
                        "path": "\(abandoned.path)", "attempts": "\(attempts)",
                        "original_request_id": "\(abandoned.originalRequestID)", "error": "\(Self.describe(error))",
                    ])
            }
            return false
        }
    }

    /// Leaves a request to an operator: logged once as an error, with the request that made it, and counted.
    private func giveUp(_ abandoned: AbandonedRequest, attempts: Int, reason: String, logger: Logger) async {
        Self.gaveUp.increment()
        logger.error(
            "completer gave up on a request; it needs an operator",
            metadata: [
                "path": "\(abandoned.path)", "attempts": "\(attempts)", "idempotency_key": "\(abandoned.key)",
                "original_request_id": "\(abandoned.originalRequestID)", "error": "\(reason)",
            ])
        do {
            try await self.api.store.giveUp(
                on: abandoned, attemptsMax: Limits.completerAttemptsMax, deadline: .after(milliseconds: 2000))
        } catch {
            logger.warning("could not mark a request given up", metadata: ["error": "\(Self.describe(error))"])
        }
    }

    /// Requests the completer gave up on after `Limits.completerAttemptsMax` attempts.
    static let gaveUp = Counter(label: "paisa_completer_gave_up_total")

    /// A failure in words an operator can act on.
    static func describe(_ error: any Error) -> String {
        if case .refusedByDatabase(let reason)? = error as? PaymentsError { return reason }
        return StoreFailure.describe(error)
    }
}
