import Payments
import PostgresNIO
import _ConnectionPoolModule

/// The one place PostgreSQL's errors are judged: each failure is classified once, and both what the retry loop
/// does with it and which domain error it becomes follow from that one classification.
public enum StoreFailure {
    /// What a failure is.
    enum Kind: Equatable {
        /// Another transaction got in the way (serialization failure, deadlock): run the work again.
        case conflict
        /// A lock could not be had within PostgreSQL's lock timeout: contention that waiting longer will not cure.
        case contended
        /// No connection could be had, or the connection failed before anything could have committed.
        case unreachable
        /// The pool is closed: the server is shutting down.
        case closed
        /// The connection failed while the work may have committed: only repeatable work may run again.
        case connectionLost
        /// The statement ran out of time (statement timeout, or the request's deadline cancelled it).
        case timedOut
        /// The database refused the work for good: a value or a row the schema does not allow. Running it again
        /// gives the same refusal.
        case refused(reason: String)
        /// An error of our own thrown from inside the work (a domain error, an injected crash): it travels on.
        case ours
        /// Anything else: a bug, which travels on as it is.
        case unknown
    }

    /// Classifies `error`. A failure inside a transaction is judged by where it happened: before `BEGIN` finished
    /// nothing ran; at `COMMIT` the work may have committed.
    static func kind(of error: any Error) -> Kind {
        if let transactionError = error as? PostgresTransactionError {
            if let closureError = transactionError.closureError { return Self.kind(of: closureError) }
            if let beginError = transactionError.beginError {
                let kind = Self.kind(of: beginError)
                return kind == .connectionLost ? .unreachable : kind
            }
            if let commitError = transactionError.commitError { return Self.kind(of: commitError) }
            return .unknown
        }
        if error is PaymentsError || error is FaultInjector.InjectedCrash { return .ours }
        if error is InjectedConnectionLoss { return .connectionLost }
        if let poolError = error as? ConnectionPoolError {
            // No connection was ever handed out, so nothing ran. A cancelled lease is the deadline passing.
            return poolError == .requestCancelled ? .timedOut : .unreachable
        }
        guard let error = error as? PSQLError else { return .unknown }
        if let state = error.sqlState {
            switch PostgresError.Code(raw: state) {
            case .serializationFailure, .deadlockDetected:
                return .conflict
            case .queryCanceled:
                return .timedOut
            case .adminShutdown, .crashShutdown, .cannotConnectNow, .tooManyConnections:
                return .connectionLost
            case .lockNotAvailable:
                return .contended
            default:
                break
            }
            switch state.prefix(2) {
            case "08": return .connectionLost
            // A value or a row the schema does not allow (data exceptions, integrity violations, a value too large
            // for an index): the same write is refused the same way every time. Class 42 (a missing table or
            // column, a revoked privilege) is not among them: an operator can fix it, after which the write
            // succeeds, so it stays an unknown failure and the request stays resumable.
            case "22", "23", "54": return .refused(reason: Self.describe(error))
            default: return .unknown
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return .connectionLost
        case .poolClosed, .clientClosedConnection:
            return .closed
        case .queryCancelled:
            return .timedOut
        default:
            return .unknown
        }
    }

    /// Whether the retry loop may run the work again. A lost connection may have cost a commit whose outcome is
    /// unknown, so it is retried only for `repeatable` work (written to be safe if it runs twice).
    static func isRetryable(_ kind: Kind, repeatable: Bool) -> Bool {
        switch kind {
        case .conflict, .unreachable: true
        case .connectionLost: repeatable
        case .contended, .closed, .timedOut, .refused, .ours, .unknown: false
        }
    }

    /// The domain error for a failure the retry loop gave up on; nil for our own errors and for bugs, which travel
    /// on as they are.
    static func domainError(_ kind: Kind) -> PaymentsError? {
        switch kind {
        case .conflict, .contended: .unavailable(message: "The request met too much contention to finish in time.")
        case .unreachable, .closed, .connectionLost: .unavailable(message: "The database is unavailable.")
        case .timedOut: .deadlineExceeded
        case .refused(let reason): .refusedByDatabase(reason: reason)
        case .ours, .unknown: nil
        }
    }

    /// The error to throw once the loop gives up: the domain's, or the original (unwrapped from its transaction).
    static func finalError(_ error: any Error, _ kind: Kind) -> any Error {
        Self.domainError(kind) ?? Self.unwrapped(error)
    }

    /// The error inside a transaction wrapper: the statement's, or our own thrown from the body.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transactionError = error as? PostgresTransactionError else { return error }
        return transactionError.closureError ?? transactionError.beginError ?? transactionError.commitError ?? error
    }

    /// What identifies a failure for an operator: the SQLSTATE and its class, the table, column and constraint,
    /// and PostgreSQL's own message. Never the statement's parameter values (they can hold customer data), so
    /// never the server's `detail` field, which quotes the failing row.
    public static func describe(_ error: any Error) -> String {
        guard let error = Self.unwrapped(error) as? PSQLError else {
            return String(describing: Self.unwrapped(error))
        }
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            return "PostgreSQL connection error \(error.code)"
        }
        var parts = ["SQLSTATE \(state) (\(Self.className(state)))"]
        if let table = info[.tableName] {
            parts.append("on " + (info[.columnName].map { "\(table).\($0)" } ?? table))
        } else if let column = info[.columnName] {
            parts.append("on column \(column)")
        }
        if let constraint = info[.constraintName] { parts.append("constraint \(constraint)") }
        if let message = info[.message] { parts.append("message \"\(message)\"") }
        return parts.joined(separator: ", ")
    }

    /// The SQL standard's name for a SQLSTATE's class (its first two characters).
    static func className(_ state: String) -> String {
        switch state.prefix(2) {
        case "08": "connection exception"
        case "0A": "feature not supported"
        case "22": "data exception"
        case "23": "integrity constraint violation"
        case "25": "invalid transaction state"
        case "40": "transaction rollback"
        case "42": "syntax error or access rule violation"
        case "53": "insufficient resources"
        case "54": "program limit exceeded"
        case "55": "object not in prerequisite state"
        case "57": "operator intervention"
        case "58": "system error"
        case "P0": "PL/pgSQL error"
        case "XX": "internal error"
        default: "class \(state.prefix(2))"
        }
    }

    /// Whether an error means the database cannot be reached (for commands that explain it in one line).
    public static func isUnreachable(_ error: any Error) -> Bool {
        if case .unavailable? = error as? PaymentsError { return true }
        switch Self.kind(of: error) {
        case .unreachable, .connectionLost: return true
        default: return false
        }
    }
}

/// A connection lost right after a commit, injected by the `after_finish_commit` fault point: the work committed,
/// and the caller cannot know it.
struct InjectedConnectionLoss: Error {}

extension PSQLError {
    /// The server's SQLSTATE, when the server sent one.
    var sqlState: String? {
        self.serverInfo?[.sqlState]
    }
}
