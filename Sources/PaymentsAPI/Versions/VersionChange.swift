import Payments

/// One breaking change: when it happened, what it did, and how to undo it on a response for older versions.
public protocol VersionChange: Sendable {
    /// The first version that has this change.
    static var version: APIVersion { get }
    /// One line for the changelog.
    static var summary: String { get }
    /// The `object` kinds this change touches.
    static var resources: Set<String> { get }
    /// Rewrites one object from the shape with the change to the shape without it.
    func transform(_ object: inout JSONObject, context: VersionContext)
}
