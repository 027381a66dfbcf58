#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A point in wall-clock time, in whole microseconds since the Unix epoch: the resolution PostgreSQL stores.
/// The API shows seconds (`created`); ordering uses the microseconds.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public init(seconds: Int64) {
        self.microseconds = seconds * 1_000_000
    }

    /// The current time from the system clock.
    public static func now() -> Timestamp {
        let interval = Date().timeIntervalSince1970
        return Timestamp(microseconds: Int64((interval * 1_000_000).rounded(.down)))
    }

    /// Unix seconds, as `created` fields show them.
    public var seconds: Int64 {
        self.microseconds >= 0 ? self.microseconds / 1_000_000 : (self.microseconds - 999_999) / 1_000_000
    }

    /// This timestamp moved by a whole number of seconds.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microseconds: self.microseconds + seconds * 1_000_000)
    }

    /// This timestamp moved by a number of microseconds.
    public func adding(microseconds: Int64) -> Timestamp {
        Timestamp(microseconds: self.microseconds + microseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    public var description: String { "\(self.seconds)" }
}
