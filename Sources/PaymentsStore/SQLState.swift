import PostgresNIO

/// The SQLSTATE codes Paisa reacts to, named in one place.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let checkViolation = "23514"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let crashShutdown = "57P02"
    public static let cannotConnectNow = "57P03"
    public static let lockNotAvailable = "55P03"
    public static let tooManyConnections = "53300"
    /// Class 08: connection exceptions.
    public static let connectionExceptionClass = "08"
}

extension PSQLError {
    /// The server's SQLSTATE, when the server sent one.
    var sqlState: String? {
        self.serverInfo?[.sqlState]
    }
}
