import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The run's webhook endpoint: an HTTP/1 server on 127.0.0.1 at an ephemeral port that takes `POST <path>`,
/// answers 200 to a delivery whose signature verifies and 400 to any other, and records each in its log.
public final class WebhookReceiver: Sendable {
    /// An event is a charge or refund of a few KiB; a larger body is refused unread.
    public static let bodyBytesMax = 1024 * 1024

    /// Where deliveries are recorded.
    public let log: WebhookLog
    /// The only path deliveries are taken on: `/paisa-load/<run id>`.
    public let path: String
    /// The port the system chose.
    public let port: Int
    private let channel: any Channel

    /// The URL endpoints are created with.
    public var url: String { "http://127.0.0.1:\(self.port)\(self.path)" }

    private init(log: WebhookLog, path: String, port: Int, channel: any Channel) {
        self.log = log
        self.path = path
        self.port = port
        self.channel = channel
    }

    /// Binds 127.0.0.1 on a port the system chooses and starts taking deliveries for `path` into `log`.
    public static func start(path: String, log: WebhookLog) async throws -> WebhookReceiver {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(WebhookHTTPHandler(path: path, log: log))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw APIProblem("The webhook receiver's socket has no port.")
        }
        return WebhookReceiver(log: log, path: path, port: port, channel: channel)
    }

    /// Stops accepting connections; call once, after the endpoints are deleted.
    public func shutdown() async {
        try? await self.channel.close()
    }
}

/// One connection's requests: a body is collected up to the limit, then verified and answered.
final class WebhookHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let path: String
    private let log: WebhookLog
    private var head: HTTPRequestHead? = nil
    private var body: [UInt8] = []
    private var oversized = false

    init(path: String, log: WebhookLog) {
        self.path = path
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body.removeAll(keepingCapacity: true)
            self.oversized = false
        case .body(let buffer):
            if self.body.count + buffer.readableBytes > WebhookReceiver.bodyBytesMax {
                self.oversized = true
            } else if !self.oversized {
                self.body.append(contentsOf: buffer.readableBytesView)
            }
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            // The receive time is taken once the whole request is in, before any checking.
            let receivedAt = ContinuousClock.now
            let receivedUnix = Date().timeIntervalSince1970
            let status = self.answer(head, receivedAt: receivedAt, receivedUnix: receivedUnix)
            self.respond(context: context, to: head, status: status)
        }
    }

    /// The status for a whole request, after recording it.
    private func answer(
        _ head: HTTPRequestHead, receivedAt: ContinuousClock.Instant, receivedUnix: Double
    ) -> HTTPResponseStatus {
        guard head.uri.prefix(while: { $0 != "?" }) == self.path else { return .notFound }
        guard head.method == .POST else { return .methodNotAllowed }
        if self.oversized {
            self.log.refuseOversized(bytes: WebhookReceiver.bodyBytesMax)
            return .payloadTooLarge
        }
        let accepted = self.log.receive(
            signature: head.headers.first(name: "Stripe-Signature"), body: self.body, receivedAt: receivedAt,
            receivedUnix: receivedUnix)
        return accepted ? .ok : .badRequest
    }

    private func respond(context: ChannelHandlerContext, to head: HTTPRequestHead, status: HTTPResponseStatus) {
        var buffer = context.channel.allocator.buffer(capacity: 32)
        buffer.writeString(status.reasonPhrase + "\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        let keepAlive = head.isKeepAlive && !self.oversized
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
