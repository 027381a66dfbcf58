import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A small HTTP/1.1 client for the requests Paisa makes itself: webhook deliveries, and paisa-load's payments and
/// reads. One request at a time per connection; a connection whose answer allowed it goes back to a per-origin
/// stack of idle ones and is reused. No redirects are followed (a 3xx is an answer like any other), nothing is
/// retried, and every request ends within its timeout, connecting included.
///
/// With `Configuration.keepsConnectionsPerEventLoop`, a caller that runs on one of NIO's event loops (a task that
/// prefers an `EventLoopExecutor`) gets connections of that loop only, kept apart from everyone else's: its
/// request is written, and its answer resumes it, on the thread it already runs on, with no hop between threads.
public final class HTTP1Client: Sendable {
    /// What every request shares.
    public struct Configuration: Sendable {
        /// The most a connection may take to open, within the request's own timeout.
        public var connectTimeout: Duration = .seconds(5)
        /// The most of an answer's body that is kept: past it the answer ends there (`Response.isTruncated`) and
        /// its connection is closed.
        public var responseBytesMax = 4 * 1024 * 1024
        /// Idle connections kept per origin (per origin and event loop, with `keepsConnectionsPerEventLoop`) for
        /// reuse; one returned beyond this is closed.
        public var idleConnectionsPerOriginMax = 64
        /// Whether a caller running on an event loop gets connections opened on that loop and kept for its callers
        /// alone. For a caller pinned to a loop (paisa-load's payments); a process whose every task runs on NIO's
        /// loops (`paisa serve`) would split its connections by whichever loop a task happens to be on.
        public var keepsConnectionsPerEventLoop = false
        /// An idle connection not reused within this is closed.
        public var idleTimeout: Duration = .seconds(30)
        /// Whether a header value with a byte HTTP does not allow (a control character) fails the request before
        /// it is sent. Off only for tests that send such bytes to a server on purpose.
        public var validatesHeaders = true
        /// How `https` origins are checked: the system's trust roots unless a caller says otherwise.
        public var tls = TLSConfiguration.makeClientConfiguration()

        public init() {}
    }

    /// An answer, its body read whole.
    public struct Response: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: ByteBuffer
        /// Whether the body went past `Configuration.responseBytesMax` and `body` is only its start.
        public let isTruncated: Bool
        /// Whether the server lets the connection carry another request.
        let keepAlive: Bool
    }

    /// Why a request got no answer, besides the errors of connecting itself.
    public enum Failure: Error, Equatable, Sendable {
        /// The timeout passed before the whole answer came.
        case timeout
        /// The connection closed before the whole answer came.
        case connectionClosed
        /// The URL is not `http(s)://host[:port][/path]`.
        case invalidURL(String)
        /// `shutdown()` was called.
        case shutDown
    }

    private let configuration: Configuration
    private let group: any EventLoopGroup
    /// For `https` origins; its error, if the TLS configuration cannot be used, fails those requests only.
    private let tlsContext: Result<NIOSSLContext, any Error>
    private let idle = Mutex(IdleConnections())

    /// A client on NIO's shared event loops.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup.singleton
        self.tlsContext = Result { try NIOSSLContext(configuration: configuration.tls) }
    }

    /// Sends one request to `url` and reads its whole answer within `timeout`. Throws a `Failure`, or the
    /// connection's own error (NIO's or NIOSSL's: refused, reset, a failed handshake). Cancelling the calling task
    /// closes the connection.
    public func execute(
        _ method: HTTPMethod, _ url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
        timeout: Duration
    ) async throws -> Response {
        guard let (origin, target) = Origin.split(url) else { throw Failure.invalidURL(url) }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
        head.headers.replaceOrAdd(name: "Host", value: origin.hostHeader)
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        let pool = Pool(
            origin: origin,
            eventLoop: self.configuration.keepsConnectionsPerEventLoop
                ? MultiThreadedEventLoopGroup.currentEventLoop : nil)
        let channel = try await self.connection(in: pool, deadline: deadline)
        let answered = channel.eventLoop.makePromise(of: Response.self)
        let exchange = Exchange(
            head: head, body: body, deadline: deadline, bodyBytesMax: self.configuration.responseBytesMax,
            answered: answered)
        let response = try await withTaskCancellationHandler {
            // A write that never reaches the handler (the connection closed meanwhile) fails the exchange too.
            channel.writeAndFlush(exchange).whenFailure { answered.fail($0) }
            return try await answered.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        self.release(channel, to: pool, reusable: response.keepAlive)
        return response
    }

    /// Closes the idle connections and refuses new requests; requests in flight end on their own.
    public func shutdown() async {
        let connections = self.idle.withLock { idle in
            idle.isShutDown = true
            defer { idle.connections = [:] }
            return idle.connections.values.flatMap { $0 }
        }
        for connection in connections {
            connection.expiry.cancel()
            try? await connection.channel.close()
        }
    }

    /// An idle connection of `pool` that is still open, or a new one (on the pool's event loop, if it has one).
    private func connection(in pool: Pool, deadline: NIODeadline) async throws -> any Channel {
        // Connections the server closed while they were idle are dropped on the way.
        while true {
            let reused = try self.idle.withLock { idle in
                guard !idle.isShutDown else { throw Failure.shutDown }
                defer { if idle.connections[pool]?.isEmpty == true { idle.connections[pool] = nil } }
                return idle.connections[pool]?.popLast()
            }
            guard let reused else { break }
            // Taken from the list, so its expiry, if it fires now, finds nothing to close.
            reused.expiry.cancel()
            if reused.channel.isActive { return reused.channel }
        }
        let remaining = deadline - .now()
        guard remaining > .zero else { throw Failure.timeout }
        let origin = pool.origin
        let tls = origin.isTLS ? try self.tlsContext.get() : nil
        let validatesHeaders = self.configuration.validatesHeaders
        return try await ClientBootstrap(group: pool.eventLoop ?? self.group)
            .connectTimeout(min(remaining, TimeAmount(self.configuration.connectTimeout)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let handler = try NIOSSLClientHandler(
                            context: tls, serverHostname: origin.isIPAddress ? nil : origin.host)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        enableOutboundHeaderValidation: validatesHeaders)
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: origin.host, port: origin.port)
            .get()
    }

    /// Puts `channel` back in `pool` for its next request, or closes it.
    private func release(_ channel: any Channel, to pool: Pool, reusable: Bool) {
        guard reusable, channel.isActive else {
            channel.close(promise: nil)
            return
        }
        let expiry = channel.eventLoop.scheduleTask(in: TimeAmount(self.configuration.idleTimeout)) {
            self.expire(channel, of: pool)
        }
        let kept = self.idle.withLock { idle in
            guard !idle.isShutDown,
                idle.connections[pool, default: []].count < self.configuration.idleConnectionsPerOriginMax
            else { return false }
            idle.connections[pool, default: []].append(IdleConnection(channel: channel, expiry: expiry))
            return true
        }
        if !kept {
            expiry.cancel()
            channel.close(promise: nil)
        }
    }

    /// Closes `channel` if it is still idle: whoever takes it off the list first owns it.
    private func expire(_ channel: any Channel, of pool: Pool) {
        let expired = self.idle.withLock { idle in
            guard let index = idle.connections[pool]?.firstIndex(where: { $0.channel === channel }) else {
                return false
            }
            idle.connections[pool]?.remove(at: index)
            if idle.connections[pool]?.isEmpty == true { idle.connections[pool] = nil }
            return true
        }
        if expired { channel.close(promise: nil) }
    }
}

/// A connection waiting for its next request, and the timer that closes it if none comes.
private struct IdleConnection: Sendable {
    let channel: any Channel
    let expiry: Scheduled<Void>
}

/// Where idle connections wait: per origin, and with `keepsConnectionsPerEventLoop` apart for callers running on
/// an event loop, per loop.
private struct Pool: Hashable, Sendable {
    let origin: Origin
    /// The loop its connections run on, when they were made for callers running on it.
    let eventLoop: (any EventLoop)?

    static func == (left: Pool, right: Pool) -> Bool {
        left.origin == right.origin
            && left.eventLoop.map(ObjectIdentifier.init) == right.eventLoop.map(ObjectIdentifier.init)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.origin)
        hasher.combine(self.eventLoop.map(ObjectIdentifier.init))
    }
}

/// The idle connections per pool, and whether the client is shut down.
private struct IdleConnections: ~Copyable {
    var connections: [Pool: [IdleConnection]] = [:]
    var isShutDown = false
}

/// One request and where its answer goes; written to a connection's pipeline.
struct Exchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let deadline: NIODeadline
    let bodyBytesMax: Int
    let answered: EventLoopPromise<HTTP1Client.Response>
}
