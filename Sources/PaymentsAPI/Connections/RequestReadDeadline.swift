import NIOCore
import NIOHTTPTypes
import Payments

/// Closes a connection whose request does not arrive whole within the read timeout. It sits before the HTTP
/// decoder, so it sees the first byte of a request (which a decoder reports only once the head is complete); its
/// partner `RequestReadMarker`, after the decoder, tells it when the head and then the end have been read. A new
/// connection is timed from the moment it opens, so one that never sends a byte is closed too. Between requests the
/// connection is idle, which the HTTP server's idle timeout bounds.
///
/// A request whose head arrived but whose body stalls is answered `408 request_timeout` before the close, unless an
/// answer has already begun (a 413, say); a head that never completes gets no answer, there being no request to
/// answer. No task or timer per request beyond this one scheduled on the connection's own event loop.
final class RequestReadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent back up the pipeline by `RequestReadMarker`.
    enum Progress: Sendable {
        case headRead
        case requestRead
    }

    private enum Phase {
        case waiting
        case head
        case body
    }

    private let timeout: TimeAmount
    private let timedOutAnswer: @Sendable () -> ByteBuffer
    private var timer: Scheduled<Void>?
    private var phase = Phase.waiting
    private var answering = false

    /// `timedOutAnswer` is the whole 408 response, head and body, as bytes for the wire.
    init(timeout: Duration, timedOutAnswer: @escaping @Sendable () -> ByteBuffer) {
        self.timeout = .nanoseconds(timeout.nanoseconds)
        self.timedOutAnswer = timedOutAnswer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first byte of a request starts its clock; later bytes of the same request do not restart it.
        self.start(context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.answering = true
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? Progress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headRead:
            self.phase = .body
        case .requestRead:
            self.stop()
        }
        promise?.succeed()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard self.timer == nil else { return }
        self.phase = .head
        self.answering = false
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(in: self.timeout) {
            let (handler, context) = bound.value
            handler.timedOut(context)
        }
    }

    private func timedOut(_ context: ChannelHandlerContext) {
        OpenConnections.closedTotal(reason: "read_timeout").increment()
        guard self.phase == .body, !self.answering else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(NIOAny(IOData.byteBuffer(self.timedOutAnswer()))).whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func stop() {
        self.timer?.cancel()
        self.timer = nil
        self.phase = .waiting
    }
}

/// After the HTTP decoder: tells `RequestReadDeadline` when a request's head and then its end have been read.
final class RequestReadMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head: context.triggerUserOutboundEvent(RequestReadDeadline.Progress.headRead, promise: nil)
        case .end: context.triggerUserOutboundEvent(RequestReadDeadline.Progress.requestRead, promise: nil)
        case .body: break
        }
        context.fireChannelRead(data)
    }
}
