import Logging

/// Runs a POST under its idempotency key: claim the key (phase 1), run the operation's phases, and answer with the
/// stored response; or replay, refuse a mismatch, or report the key in use.
///
/// A response is stored exactly when it is final (a success, a decline, a refusal the operation itself made).
/// Anything else (the database gone, the budget spent, an unexpected error) leaves the key at its last recovery
/// point, unlocked, so that a retry or the completer resumes from there; those answers are never stored.
public struct IdempotencyLayer: Sendable {
    /// What a finished operation reports back.
    public enum Completion: Sendable, Equatable {
        /// The response was stored with the key in the operation's last phase.
        case stored(StoredResponse)
        /// Another attempt took the key over before this one could finish.
        case superseded
    }

    /// The answer for the client.
    public enum Answer: Sendable, Equatable {
        /// This request ran the operation.
        case fresh(StoredResponse)
        /// An earlier request with the same key did; this is its stored response.
        case replay(StoredResponse, originalRequestID: String?)

        public var response: StoredResponse {
            switch self {
            case .fresh(let response), .replay(let response, _): response
            }
        }
    }

    /// Times one request claims its key: a takeover between our claim and our finish sends us back once to read
    /// what the other attempt stored; more than that means the key is contested and the client should retry.
    static let claimAttemptsMax = 3

    let store: any IdempotencyStore
    let logger: Logger

    public init(store: any IdempotencyStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Claims the key and runs `operation` with it, or answers from the key's state.
    public func perform(
        _ request: IdempotentRequest, deadline: Deadline,
        operation: (ClaimedKey) async throws -> Completion
    ) async throws -> Answer {
        for _ in 0..<Self.claimAttemptsMax {
            let key: ClaimedKey
            switch try await self.store.claim(request, deadline: deadline) {
            case .replay(let response, let originalRequestID):
                // This very request stored the answer (its commit's acknowledgement was lost, and it came back
                // to read what it had done): that is its own answer, not a replay.
                if originalRequestID == request.requestID { return .fresh(response) }
                PaymentsMetrics.idempotentReplays.increment()
                return .replay(response, originalRequestID: originalRequestID)
            case .inUse:
                PaymentsMetrics.idempotencyConflicts.increment()
                throw PaymentsError.idempotencyKeyInUse(key: request.key)
            case .mismatch(let difference):
                throw PaymentsError.idempotencyKeyMismatch(key: request.key, difference: difference)
            case .claimed(let claimed):
                key = claimed
            }
            do {
                switch try await operation(key) {
                case .stored(let response):
                    return .fresh(response)
                case .superseded:
                    self.logger.info(
                        "idempotency key taken over mid-request", metadata: ["attempts": "\(key.attempts)"])
                    continue
                }
            } catch let crash as FaultInjector.InjectedCrash {
                // A simulated death: the process would not have released anything.
                throw crash
            } catch {
                // An attempt that the database or the budget stopped did no work a retry would not redo: it does
                // not count towards the completer's attempts, so capacity trouble never makes it give up.
                await self.store.release(key, counted: !Self.isCapacityFailure(error), waitingUntil: deadline)
                throw error
            }
        }
        throw PaymentsError.idempotencyKeyInUse(key: request.key)
    }

    static func isCapacityFailure(_ error: any Error) -> Bool {
        // A cancelled attempt is one whose deadline answered the request first.
        if error is CancellationError { return true }
        return switch error as? PaymentsError {
        case .unavailable?, .deadlineExceeded?, .overloaded?: true
        default: false
        }
    }
}
