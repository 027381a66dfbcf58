import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// How log lines are written: text for people (swift-log's own format), or one JSON object per line for log
/// pipelines.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// A logger of this format writing to standard error.
    public func logger(label: String, level: Logger.Level) -> Logger {
        var logger: Logger
        switch self {
        case .text: logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        case .json: logger = Logger(label: label) { JSONLogHandler(label: $0, write: JSONLogHandler.standardError) }
        }
        logger.logLevel = level
        return logger
    }
}
