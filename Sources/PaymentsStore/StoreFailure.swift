import Payments
import PostgresNIO
import _ConnectionPoolModule

/// How the store's one retry loop classifies a failure, and how failures become domain errors: the single place
/// where PostgreSQL's errors are translated.
public enum StoreFailure {
    /// What to do about an error from a statement or transaction.
    enum Disposition: Equatable {
        /// The database rolled the transaction back because of another transaction; run it again.
        case retryConflict
        /// The connection failed before anything could have committed; run it again on another connection.
        case retryConnection
        /// Not ours to retry.
        case fail
    }

    /// Classifies `error`. A lost connection may have cost a commit whose outcome is unknown, so it is retried
    /// only for `repeatable` work (written to be safe if it runs twice) or when it failed before `BEGIN` finished.
    static func disposition(of error: any Error, repeatable: Bool) -> Disposition {
        if let transactionError = error as? PostgresTransactionError {
            if let closureError = transactionError.closureError {
                return Self.disposition(of: closureError, repeatable: repeatable)
            }
            if let beginError = transactionError.beginError {
                return Self.disposition(of: beginError, repeatable: true)
            }
            if let commitError = transactionError.commitError {
                return Self.disposition(of: commitError, repeatable: repeatable)
            }
            return .fail
        }
        if let poolError = error as? ConnectionPoolError {
            // No connection was ever handed out, so nothing ran: safe to try again while the database restarts.
            return poolError == .requestCancelled ? .fail : .retryConnection
        }
        guard let error = error as? PSQLError else { return .fail }
        if let state = error.sqlState {
            switch state {
            case SQLState.serializationFailure, SQLState.deadlockDetected:
                return .retryConflict
            case SQLState.adminShutdown, SQLState.crashShutdown, SQLState.cannotConnectNow,
                SQLState.tooManyConnections:
                return repeatable ? .retryConnection : .fail
            default:
                return state.hasPrefix(SQLState.connectionExceptionClass) && repeatable ? .retryConnection : .fail
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return repeatable ? .retryConnection : .fail
        default:
            return .fail
        }
    }

    /// The domain error for a failure the retry loop gave up on, or nil for a failure that is a bug
    /// (a constraint the code should never violate), which travels on as it is.
    static func domainError(for error: any Error) -> PaymentsError? {
        if let transactionError = error as? PostgresTransactionError {
            if let inner = transactionError.closureError ?? transactionError.beginError ?? transactionError.commitError
            {
                return Self.domainError(for: inner)
            }
            return nil
        }
        if let domain = error as? PaymentsError { return domain }
        if let poolError = error as? ConnectionPoolError {
            return poolError == .requestCancelled
                ? .deadlineExceeded : .unavailable(message: "The database is unavailable.")
        }
        guard let error = error as? PSQLError else { return nil }
        if let state = error.sqlState {
            switch state {
            case SQLState.queryCanceled:
                return .deadlineExceeded
            case SQLState.serializationFailure, SQLState.deadlockDetected, SQLState.lockNotAvailable:
                return .unavailable(message: "The request met too much contention to finish in time.")
            case SQLState.adminShutdown, SQLState.crashShutdown, SQLState.cannotConnectNow,
                SQLState.tooManyConnections:
                return .unavailable(message: "The database is unavailable.")
            default:
                return state.hasPrefix(SQLState.connectionExceptionClass)
                    ? .unavailable(message: "The database is unavailable.") : nil
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection:
            return .unavailable(message: "The database is unavailable.")
        case .queryCancelled:
            return .deadlineExceeded
        default:
            return nil
        }
    }

    /// The error inside a transaction wrapper: the statement's, or our own thrown from the body.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transactionError = error as? PostgresTransactionError else { return error }
        return transactionError.closureError ?? transactionError.beginError ?? transactionError.commitError ?? error
    }

    /// Whether an error means the database cannot be reached (for commands that explain it in one line).
    public static func isUnreachable(_ error: any Error) -> Bool {
        if case .unavailable? = Self.domainError(for: error) { return true }
        return false
    }
}
