import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import OutboundHTTP

/// The client that webhook deliveries and paisa-load share, against a small server on loopback whose paths each
/// behave one way.
@Suite struct HTTP1ClientTests {
    @Test("a kept-alive connection carries the next request; an answer with Connection: close is not reused")
    func reusesConnections() async throws {
        try await TestServer.with { server in
            let client = HTTP1Client()
            let first = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            let second = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(first.status == 200 && second.status == 200)
            #expect(String(buffer: first.body) == "connection 1 request 1")
            #expect(String(buffer: second.body) == "connection 1 request 2")
            _ = try await client.execute(.GET, server.url("/close"), timeout: .seconds(30))
            let afterClose = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(String(buffer: afterClose.body) == "connection 2 request 1")
            await client.shutdown()
            await #expect(throws: HTTP1Client.Failure.shutDown) {
                try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            }
        }
    }

    @Test("kept per loop, a caller running on an event loop gets connections of its loop, apart from everyone else's")
    func keepsConnectionsPerLoop() async throws {
        try await TestServer.with { server in
            var configuration = HTTP1Client.Configuration()
            configuration.keepsConnectionsPerEventLoop = true
            let client = HTTP1Client(configuration: configuration)
            let lanes = MultiThreadedEventLoopGroup.singleton.makeIterator().map(EventLoopExecutor.init)
            let count = { (lane: EventLoopExecutor) async throws -> String in
                try await withTaskExecutorPreference(lane) {
                    let response = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
                    #expect(lane.eventLoop.inEventLoop, "resumed on its own loop")
                    return String(buffer: response.body)
                }
            }
            #expect(try await count(lanes[0]) == "connection 1 request 1")
            // A caller on no loop does not take the loop's idle connection, and the loop's caller gets it back.
            let elsewhere = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(String(buffer: elsewhere.body) == "connection 2 request 1")
            #expect(try await count(lanes[0]) == "connection 1 request 2")
            if lanes.count > 1 {
                #expect(try await count(lanes[1]) == "connection 3 request 1")
                #expect(try await count(lanes[0]) == "connection 1 request 3")
            }
            await client.shutdown()
        }
    }

    @Test("by default a caller on an event loop shares the origin's connections with every other caller")
    func sharesConnectionsByDefault() async throws {
        try await TestServer.with { server in
            let client = HTTP1Client()
            let lane = EventLoopExecutor(MultiThreadedEventLoopGroup.singleton.next())
            let pinned = try await withTaskExecutorPreference(lane) {
                try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            }
            let elsewhere = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(String(buffer: pinned.body) == "connection 1 request 1")
            #expect(String(buffer: elsewhere.body) == "connection 1 request 2")
            await client.shutdown()
        }
    }

    @Test("a loop's sleep returns on its loop, not before its instant; one already passed returns at once")
    func sleepsOnTheLoop() async {
        let lane = EventLoopExecutor(MultiThreadedEventLoopGroup.singleton.next())
        await withTaskExecutorPreference(lane) {
            let until = ContinuousClock.now + .milliseconds(20)
            await lane.sleep(until: until)
            #expect(ContinuousClock.now >= until)
            #expect(lane.eventLoop.inEventLoop)
            await lane.sleep(until: until - .seconds(1))
            #expect(lane.eventLoop.inEventLoop)
        }
    }

    @Test("a connection left idle past the idle timeout is closed, and the next request opens another")
    func closesIdleConnections() async throws {
        try await TestServer.with { server in
            var configuration = HTTP1Client.Configuration()
            configuration.idleTimeout = .milliseconds(50)
            let client = HTTP1Client(configuration: configuration)
            _ = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            // Bounded: a broken expiry fails the assertion below after this many polls.
            for _ in 0..<500 where server.connectionsClosed() == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.connectionsClosed() == 1)
            let next = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(String(buffer: next.body) == "connection 2 request 1")
            await client.shutdown()
        }
    }

    @Test("a request's body and headers arrive as sent, with Host and Content-Length set")
    func sendsTheRequest() async throws {
        try await TestServer.with { server in
            let client = HTTP1Client()
            let response = try await client.execute(
                .POST, server.url("/echo?x=1"), headers: ["X-Probe": "yes"], body: ByteBuffer(string: "a=1&b=2"),
                timeout: .seconds(30))
            await client.shutdown()
            #expect(
                String(buffer: response.body)
                    == "POST /echo?x=1 host=127.0.0.1:\(server.port) length=7 probe=yes body=a=1&b=2")
        }
    }

    @Test("a body past the bound ends the answer there, marked, and its connection is not reused")
    func truncatesLargeBodies() async throws {
        try await TestServer.with { server in
            var configuration = HTTP1Client.Configuration()
            configuration.responseBytesMax = 1000
            let client = HTTP1Client(configuration: configuration)
            let big = try await client.execute(.GET, server.url("/big"), timeout: .seconds(30))
            #expect(big.status == 200 && big.isTruncated)
            #expect(big.body.readableBytes == 1000 && big.body.readableBytesView.allSatisfy { $0 == UInt8(ascii: "x") })
            let next = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(!next.isTruncated && String(buffer: next.body) == "connection 2 request 1")
            await client.shutdown()
        }
    }

    @Test("no answer within the timeout fails with timeout; a hang-up with connectionClosed; both close it")
    func failures() async throws {
        try await TestServer.with { server in
            let client = HTTP1Client()
            await #expect(throws: HTTP1Client.Failure.timeout) {
                try await client.execute(.GET, server.url("/silent"), timeout: .milliseconds(200))
            }
            await #expect(throws: HTTP1Client.Failure.connectionClosed) {
                try await client.execute(.GET, server.url("/hangup"), timeout: .seconds(30))
            }
            let next = try await client.execute(.GET, server.url("/count"), timeout: .seconds(30))
            #expect(String(buffer: next.body) == "connection 3 request 1")
            await client.shutdown()
        }
    }

    @Test("cancelling the caller closes the connection and ends the request")
    func cancellation() async throws {
        try await TestServer.with { server in
            let client = HTTP1Client()
            let request = Task { try await client.execute(.GET, server.url("/silent"), timeout: .seconds(600)) }
            // Bounded: a request never seen fails the expectation below after this many polls.
            for _ in 0..<500 where server.requestsSeen() == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.requestsSeen() == 1)
            request.cancel()
            await #expect(throws: HTTP1Client.Failure.connectionClosed) { try await request.value }
            await client.shutdown()
        }
    }

    @Test("nothing listening fails the connect; a URL that is not http(s)://host[:port] is refused")
    func refusals() async throws {
        let client = HTTP1Client()
        await #expect(throws: (any Error).self) {
            try await client.execute(.GET, "http://127.0.0.1:1/", timeout: .seconds(30))
        }
        for url in [
            "ftp://example.com/", "http://", "http://user@example.com/", "http://example.com:0/",
            "http://example.com:99999/", "http://[::1/", "example.com/x",
        ] {
            await #expect(throws: HTTP1Client.Failure.invalidURL(url)) {
                try await client.execute(.GET, url, timeout: .seconds(30))
            }
        }
        await client.shutdown()
    }

    @Test("origins: default ports, IPv6 in brackets, the target with its query, the Host header")
    func origins() throws {
        let upper = try #require(Origin.split("HTTPS://Example.com/a b/caf\u{e9}?q=%20x|y"))
        #expect(upper.origin == Origin(isTLS: true, host: "Example.com", port: 443))
        #expect(upper.target == "/a%20b/caf%C3%A9?q=%20x%7Cy")
        let plain = try #require(Origin.split("http://example.com"))
        #expect(plain.origin == Origin(isTLS: false, host: "example.com", port: 80) && plain.target == "/")
        #expect(plain.origin.hostHeader == "example.com" && !plain.origin.isIPAddress)
        let secure = try #require(Origin.split("https://hooks.example.com:8443/a/b?c=d#frag"))
        #expect(secure.origin == Origin(isTLS: true, host: "hooks.example.com", port: 8443))
        #expect(secure.target == "/a/b?c=d" && secure.origin.hostHeader == "hooks.example.com:8443")
        let query = try #require(Origin.split("https://example.com?x=1"))
        #expect(query.target == "/?x=1" && query.origin.port == 443)
        let v6 = try #require(Origin.split("http://[::1]:8080/hook"))
        #expect(v6.origin.host == "::1" && v6.origin.isIPAddress && v6.origin.hostHeader == "[::1]:8080")
        #expect(try #require(Origin.split("http://10.0.0.7/")).origin.isIPAddress)
    }
}

/// An HTTP/1.1 server on loopback: `/count` names the connection and the request's number on it, `/close` answers
/// with `Connection: close`, `/echo` describes the request, `/big` sends 64 KiB, `/silent` never answers and
/// `/hangup` closes the connection.
private final class TestServer: Sendable {
    /// What the connections count together.
    final class Counters: Sendable {
        let connections = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let requests = Atomic<Int>(0)
    }

    private let channel: any Channel
    private let counters: Counters
    var port: Int { self.channel.localAddress?.port ?? 0 }

    private init(channel: any Channel, counters: Counters) {
        self.channel = channel
        self.counters = counters
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(self.port)\(path)" }

    /// Requests whose head has arrived, on every connection.
    func requestsSeen() -> Int { self.counters.requests.load(ordering: .relaxed) }

    /// Connections that have ended.
    func connectionsClosed() -> Int { self.counters.closed.load(ordering: .relaxed) }

    static func with(_ body: (TestServer) async throws -> Void) async throws {
        let counters = Counters()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = counters.connections.add(1, ordering: .relaxed).newValue
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder(connection: number, counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = TestServer(channel: channel, counters: counters)
        do {
            try await body(server)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    /// Answers each request by its path.
    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let connection: Int
        let counters: Counters
        var served = 0
        var head: HTTPRequestHead?
        var body = ""

        init(connection: Int, counters: Counters) {
            self.connection = connection
            self.counters = counters
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.counters.closed.add(1, ordering: .relaxed)
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                (self.head, self.body) = (head, "")
                self.counters.requests.add(1, ordering: .relaxed)
            case .body(let part):
                self.body += String(buffer: part)
            case .end:
                guard let head = self.head else { return }
                self.served += 1
                let path = head.uri.prefix { $0 != "?" }
                switch path {
                case "/silent": return
                case "/hangup": context.close(promise: nil)
                case "/big": self.answer(String(repeating: "x", count: 64 * 1024), context: context)
                case "/echo":
                    let headers = head.headers
                    self.answer(
                        "\(head.method) \(head.uri) host=\(headers["Host"].joined())"
                            + " length=\(headers["Content-Length"].joined()) probe=\(headers["X-Probe"].joined())"
                            + " body=\(self.body)", context: context)
                default:
                    self.answer(
                        "connection \(self.connection) request \(self.served)", context: context,
                        close: path == "/close")
                }
            }
        }

        private func answer(_ text: String, context: ChannelHandlerContext, close: Bool = false) {
            var headers: HTTPHeaders = ["Content-Length": String(text.utf8.count)]
            if close { headers.add(name: "Connection", value: "close") }
            context.write(
                self.wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if close { context.close(promise: nil) }
            }
        }
    }
}
