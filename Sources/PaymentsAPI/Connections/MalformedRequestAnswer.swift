import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// After the HTTP codec: answers a request whose head is not valid HTTP/1.1 (a space or a raw non-ASCII byte in its
/// target, a broken header) with Paisa's 400 error object instead of an empty 400, then closes the connection. A
/// request already under way (its head was read: a broken chunked body) or an answer being written is left to the
/// server's own handling, which answers the request it is serving: never two answers for one request.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The answer's head and body; called once per malformed request.
    private let answer: @Sendable () -> (HTTPResponse, ByteBuffer)
    /// A request's head has been read and its end has not.
    private var reading = false
    /// An answer's head has been written and its end has not.
    private var answering = false

    init(answer: @escaping @Sendable () -> (HTTPResponse, ByteBuffer)) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head: self.reading = true
        case .end: self.reading = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !self.reading, !self.answering else {
            context.fireErrorCaught(error)
            return
        }
        let (head, body) = self.answer()
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(self.wrapOutboundOut(.body(body)), promise: nil)
        // The decoder reads nothing more after a parser error; the connection is closed once the answer is out.
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: self.answering = true
        case .end: self.answering = false
        case .head, .body: break
        }
        context.write(data, promise: promise)
    }
}
