/// An answer stored with its key and replayed byte for byte to every retry.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}
