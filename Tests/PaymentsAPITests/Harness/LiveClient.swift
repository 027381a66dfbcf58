import HTTPTypes
import NIOCore
import NIOHTTP1
import OutboundHTTP

/// How the suite talks to the server under test: HTTP/1.1 over loopback, kept-alive connections, as any client
/// reaches `paisa serve`.
struct LiveClient: Sendable {
    /// An answer as the tests read it.
    struct Response: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
    }

    /// Longer than any budget a test gives the server: a request that takes this long is a broken test.
    static let timeout: Duration = .seconds(60)

    /// The server's port on 127.0.0.1 (optional, as the tests unwrap it with `#require`).
    let port: Int?
    let http: HTTP1Client

    /// Sends `method uri` (a path with its query) with `headers` and `body`, and reads the whole answer.
    func executeRequest(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> Response {
        let response = try await self.http.execute(
            HTTPMethod(rawValue: method.rawValue), "http://127.0.0.1:\(self.port ?? 0)\(uri)",
            headers: HTTPHeaders(headers.map { ($0.name.rawName, $0.value) }), body: body, timeout: Self.timeout)
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: response.status), headers: fields, body: response.body)
    }
}
