import HTTPTypes
import Payments

/// What an endpoint answers with before versioning: a status and the newest-shape body.
public struct APIResponse: Sendable {
    public let status: HTTPResponse.Status
    public let body: JSONValue
    public var context: VersionContext

    public init(_ status: HTTPResponse.Status = .ok, _ body: JSONValue, context: VersionContext = VersionContext()) {
        self.status = status
        self.body = body
        self.context = context
    }
}
