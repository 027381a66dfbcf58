/// The rules for an `Idempotency-Key` value: 1 to 255 printable ASCII characters (space included, though not at
/// either end, where HTTP would strip it), compared byte for byte with no case folding.
public enum IdempotencyKey {
    /// Why a key was refused, for the error message.
    public enum Problem: Error, Equatable, Sendable {
        case empty
        case tooLong(length: Int)
        case notPrintableASCII
    }

    /// Checks a header value; the value itself is the key.
    public static func validate(_ value: String) throws(Problem) {
        let bytes = value.utf8
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Limits.idempotencyKeyLengthMax else { throw .tooLong(length: bytes.count) }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { throw .notPrintableASCII }
    }

    /// A key for a POST that came without one. The request still runs under the idempotency protocol, so a crash
    /// mid-way is resumed by the completer like any other; the key is echoed so the client can retry with it.
    public static func generated() -> String {
        "paisa_" + ObjectID.randomBase62(count: ObjectID.randomCharacters)
    }
}

/// Where an idempotent request has got to. Each phase ends by committing the next point in the same transaction
/// as its effects, so a retry resumes from the last committed one.
public enum RecoveryPoint: String, Sendable, CaseIterable {
    /// The key is claimed; nothing else is recorded. The processor may or may not have been called: it keeps its
    /// own record per processor key, so calling it again returns the first answer.
    case started
    /// The effects and the response are stored; every retry replays the response.
    case finished
}

/// An answer stored with its key and replayed byte for byte to every retry.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A POST request as the idempotency layer sees it: who sent it, under which key, and what it asked.
public struct IdempotentRequest: Sendable {
    public let scope: Scope
    public let key: String
    public let method: String
    /// The request's path, with object ids (`/v1/charges/ch_…/capture`).
    public let path: String
    /// The resolved API version the request is answered in; part of the fingerprint.
    public let version: String
    /// The parameters in canonical JSON, kept so the completer can resume the request.
    public let parameters: String
    /// SHA-256 over method, path, version and canonical parameters.
    public let fingerprint: [UInt8]
    /// The id of this request, remembered as the original when it is the first.
    public let requestID: String

    public init(
        scope: Scope, key: String, method: String, path: String, version: String, parameters: String,
        fingerprint: [UInt8], requestID: String
    ) {
        self.scope = scope
        self.key = key
        self.method = method
        self.path = path
        self.version = version
        self.parameters = parameters
        self.fingerprint = fingerprint
        self.requestID = requestID
    }
}

/// A key this request holds: proof of the lock, and where to resume from.
public struct ClaimedKey: Sendable, Equatable {
    public let scope: Scope
    public let key: String
    /// Random per claim: only the holder of the current token may move the key on.
    public let lockToken: String
    public let recoveryPoint: RecoveryPoint
    /// The key the processor knows this request's payment by: made once per key row, reused by every attempt.
    public let processorKey: String
    /// How many times the key has been claimed, this time included.
    public let attempts: Int

    public init(
        scope: Scope, key: String, lockToken: String, recoveryPoint: RecoveryPoint, processorKey: String,
        attempts: Int
    ) {
        self.scope = scope
        self.key = key
        self.lockToken = lockToken
        self.recoveryPoint = recoveryPoint
        self.processorKey = processorKey
        self.attempts = attempts
    }
}

/// What claiming a key found.
public enum ClaimOutcome: Sendable, Equatable {
    /// The key is ours: new, or abandoned by a request whose lease ran out.
    case claimed(ClaimedKey)
    /// The key is finished: answer with its stored response.
    case replay(StoredResponse, originalRequestID: String?)
    /// Another request holds the key right now.
    case inUse
    /// The key belongs to a different request; the text says what differs.
    case mismatch(difference: String)
}

/// A request the completer should resume: its key was claimed and then abandoned.
public struct AbandonedRequest: Sendable, Equatable {
    public let scope: Scope
    public let key: String
    public let method: String
    public let path: String
    public let version: String
    public let parameters: String
    public let attempts: Int
    /// The request that first used the key: what an operator searches the logs for.
    public let originalRequestID: String
    /// The key the processor knows the request's payment by, if it made one.
    public let processorKey: String

    public init(
        scope: Scope, key: String, method: String, path: String, version: String, parameters: String, attempts: Int,
        originalRequestID: String, processorKey: String
    ) {
        self.scope = scope
        self.key = key
        self.method = method
        self.path = path
        self.version = version
        self.parameters = parameters
        self.attempts = attempts
        self.originalRequestID = originalRequestID
        self.processorKey = processorKey
    }
}
