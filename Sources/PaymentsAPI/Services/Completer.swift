import HTTPTypes
import Logging
import Payments
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
        } catch {
            logger.warning(
                "completer could not finish a request",
                metadata: ["path": "\(abandoned.path)", "attempts": "\(abandoned.attempts)", "error": "\(error)"])
            return false
        }
    }
}
