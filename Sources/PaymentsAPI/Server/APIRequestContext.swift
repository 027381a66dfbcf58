import Hummingbird
import Payments

/// The request context: Hummingbird's core storage, with Paisa's body limit.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Limits.requestBodyBytesMax }
}
