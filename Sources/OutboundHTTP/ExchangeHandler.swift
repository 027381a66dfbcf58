import NIOCore
import NIOHTTP1

/// The last handler of a client connection: writes one `Exchange`'s request, collects its answer (head and a
/// bounded body) and completes its promise, or fails it when the deadline passes or the connection ends first. A
/// body past its bound ends the exchange at once, truncated, and closes the connection (the rest is not waited
/// for); so does a failed exchange: what is left on the connection cannot be trusted.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    /// The exchange in flight: its promise, the answer so far, and its deadline's timer.
    private struct Pending {
        let answered: EventLoopPromise<HTTP1Client.Response>
        let bodyBytesMax: Int
        let timer: Scheduled<Void>
        var head: HTTPResponseHead?
        var body: ByteBuffer
    }

    private var pending: Pending?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = self.unwrapOutboundIn(data)
        guard self.pending == nil else {
            // One request at a time: the client never writes a second before the first's answer.
            exchange.answered.fail(HTTP1Client.Failure.connectionClosed)
            promise?.fail(HTTP1Client.Failure.connectionClosed)
            return
        }
        let timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: exchange.deadline) {
            self.fail(HTTP1Client.Failure.timeout, context: context)
        }
        self.pending = Pending(
            answered: exchange.answered, bodyBytesMax: exchange.bodyBytesMax, timer: timer, head: nil,
            body: context.channel.allocator.buffer(capacity: 0))
        // A request that cannot be written (the connection closed meanwhile) ends now, not at its deadline.
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenFailure { error in self.fail(error, context: context) }
        context.write(self.wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var pending = self.pending else {
            // An answer nobody asked for: the connection's framing can no longer be trusted.
            context.close(promise: nil)
            return
        }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            pending.head = head
            self.pending = pending
        case .body(var part):
            self.pending = nil  // so that the buffer is not shared, and not copied on write
            let room = pending.bodyBytesMax - pending.body.readableBytes
            guard part.readableBytes <= room else {
                if let kept = part.readSlice(length: room) { pending.body.writeImmutableBuffer(kept) }
                pending.timer.cancel()
                self.answer(pending, isTruncated: true, context: context)
                context.close(promise: nil)
                return
            }
            pending.body.writeBuffer(&part)
            self.pending = pending
        case .end:
            self.pending = nil
            pending.timer.cancel()
            self.answer(pending, isTruncated: false, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.fail(error, context: context)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail(HTTP1Client.Failure.connectionClosed, context: context)
        context.fireChannelInactive()
    }

    /// Completes `exchange` with its answer, or fails it (and closes the connection) when no head came.
    private func answer(_ exchange: Pending, isTruncated: Bool, context: ChannelHandlerContext) {
        guard let head = exchange.head else {
            exchange.answered.fail(HTTP1Client.Failure.connectionClosed)
            context.close(promise: nil)
            return
        }
        // After a protocol switch the connection no longer speaks HTTP/1.1; a truncated answer left bytes on it.
        let reusable = head.isKeepAlive && head.status != .switchingProtocols && !isTruncated
        exchange.answered.succeed(
            HTTP1Client.Response(
                status: Int(head.status.code), headers: head.headers, body: exchange.body, isTruncated: isTruncated,
                keepAlive: reusable))
    }

    /// Ends the exchange in flight, if any, with `error`, and closes the connection.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        guard let pending = self.pending else { return }
        self.pending = nil
        pending.timer.cancel()
        pending.answered.fail(error)
        context.close(promise: nil)
    }
}
