import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fault specification that does not parse.
public struct FaultSpecificationError: Error, Equatable, CustomStringConvertible {
    public let item: String
    public var description: String {
        "Cannot read the fault '\(item)': write point=action[:count|@probability] with a point among "
            + FaultInjector.Point.allCases.map(\.rawValue).joined(separator: ", ")
            + " and an action among crash, exit, fail."
    }
}
