import NIOCore
import NIOHTTPTypes
import Payments

/// The deadlines of one client connection, kept on its own event loop:
///
/// - **Read**: each request must arrive whole, head and body, within the read timeout of its first byte (a new
///   connection's first request: of the connection opening, so one that never sends a byte is closed too). The
///   handler sits before the HTTP decoder, so it sees a request's first byte, which a decoder reports only once the
///   head is complete; its partner `RequestProgressMarker`, after the decoder, tells it when the head and then the
///   end have been read. A request whose head arrived but whose body stalls is answered `408 request_timeout`
///   (unless an answer has already begun); from then on its bytes are dropped, so the request never runs, and the
///   connection is closed once the answer is written or after a short grace. A head that never completes gets no
///   answer, there being no request to answer.
/// - **Write**: a client that stops reading its answers (the socket stays unwritable) is closed after the same
///   timeout, so it cannot hold a connection and its buffered answers forever.
/// - **Idle**: a keep-alive connection with no request in flight is closed after the idle timeout.
///
/// Deadlines are moved, never cancelled: cancelling a scheduled task scans the event loop's whole queue, which with
/// thousands of connections costs more than the requests. A timer that fires checks the deadlines as they are then
/// and schedules itself again for the earliest one left.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Sent back up the pipeline by `RequestProgressMarker`.
    enum Progress: Sendable {
        case headRead
        case requestRead
        case answerStarted
        case answerEnded
    }

    /// How long a 408 may take to reach a client before the connection is closed anyway.
    static let answerGrace: TimeAmount = .seconds(1)

    private enum Phase {
        case waiting
        case head
        case body
    }

    private let timeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let timedOutAnswer: @Sendable () -> ByteBuffer
    /// When the request being read must have arrived; nil between requests.
    private var readDeadline: NIODeadline?
    /// When an idle connection is closed; nil while a request is read or answered.
    private var idleDeadline: NIODeadline?
    /// The earliest timer pending, if any (later ones may be pending too; they only check again).
    private var timerAt: NIODeadline?
    private var writeTimer: Scheduled<Void>?
    private var phase = Phase.waiting
    /// Requests whose head was read, and answers begun and ended, on this connection: the request timing out may
    /// be answered 408 only when every earlier request's answer has ended and its own has not begun (HTTP/1.1
    /// answers in order; a 408 written into another answer would corrupt both).
    private var headsRead = 0
    private var answersStarted = 0
    private var answersEnded = 0
    private var timedOut = false

    /// `timedOutAnswer` is the whole 408 response, head and body, as bytes for the wire.
    init(timeout: Duration, idleTimeout: Duration, timedOutAnswer: @escaping @Sendable () -> ByteBuffer) {
        self.timeout = .nanoseconds(timeout.nanoseconds)
        self.idleTimeout = .nanoseconds(idleTimeout.nanoseconds)
        self.timedOutAnswer = timedOutAnswer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.startReading(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stopReading()
        self.stopWriting()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startReading(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stopReading()
        self.stopWriting()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a timeout nothing more is read: the request must not run once it was answered 408.
        guard !self.timedOut else { return }
        // The first byte of a request starts its clock; later bytes of the same request do not restart it. Line
        // breaks alone (which some clients send after a body, and the decoder skips) start nothing.
        if !Self.onlyLineBreaks(self.unwrapInboundIn(data)) { self.startReading(context) }
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.stopWriting()
        } else if self.writeTimer == nil {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.writeTimer = context.eventLoop.scheduleTask(in: self.timeout) {
                Observability.recordConnectionClosed(reason: "write_timeout")
                bound.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // After a 408 the request's handler may still answer; nothing may follow the 408 on the wire.
        guard !self.timedOut else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? Progress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headRead:
            // A head that arrived in the same read as the previous request's end has no clock yet.
            self.startReading(context)
            self.phase = .body
            self.headsRead += 1
        case .requestRead:
            self.stopReading()
            self.becomeIdleIfDone(context)
        case .answerStarted:
            self.answersStarted += 1
        case .answerEnded:
            self.answersEnded += 1
            // A request pipelined behind this answer waited on the server, not on its client: its clock starts now.
            if self.readDeadline != nil, self.answersEnded < self.headsRead {
                self.readDeadline = .now() + self.timeout
            }
            self.becomeIdleIfDone(context)
        }
        promise?.succeed()
    }

    private func startReading(_ context: ChannelHandlerContext) {
        guard self.readDeadline == nil, !self.timedOut else { return }
        self.phase = .head
        self.idleDeadline = nil
        self.readDeadline = .now() + self.timeout
        self.armTimer(context)
    }

    /// Every request read has been answered and nothing is being read (an answer may end before its request's body
    /// has, or after): the connection is idle from now.
    private func becomeIdleIfDone(_ context: ChannelHandlerContext) {
        guard self.answersEnded == self.headsRead, self.readDeadline == nil, self.idleDeadline == nil else { return }
        self.idleDeadline = .now() + self.idleTimeout
        self.armTimer(context)
    }

    /// Makes sure a timer fires by the earliest deadline set.
    private func armTimer(_ context: ChannelHandlerContext) {
        guard let next = [self.readDeadline, self.idleDeadline].compactMap({ $0 }).min() else { return }
        if let timerAt = self.timerAt, timerAt <= next { return }
        self.timerAt = next
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(deadline: next) {
            let (handler, context) = bound.value
            handler.timerFired(context, scheduledFor: next)
        }
    }

    private func timerFired(_ context: ChannelHandlerContext, scheduledFor deadline: NIODeadline) {
        if self.timerAt == deadline { self.timerAt = nil }
        guard context.channel.isActive, !self.timedOut else { return }
        let now = NIODeadline.now()
        if let read = self.readDeadline, read <= now {
            // While an earlier request is still being served, a later one's bytes may be held back by the server
            // itself (it reads no further until it can answer): that wait is not the client's, and the earlier
            // request is bounded by its budget. Look again later; its answer's end restarts this clock.
            if self.answersEnded < self.headsRead - (self.phase == .body ? 1 : 0) {
                self.readDeadline = now + self.timeout
                self.armTimer(context)
            } else {
                self.readTimedOut(context)
            }
        } else if let idle = self.idleDeadline, idle <= now {
            Observability.recordConnectionClosed(reason: "idle")
            context.close(promise: nil)
        } else {
            self.armTimer(context)
        }
    }

    private func readTimedOut(_ context: ChannelHandlerContext) {
        Observability.recordConnectionClosed(reason: "read_timeout")
        self.timedOut = true
        let answerable =
            self.phase == .body && self.answersStarted == self.headsRead - 1 && self.answersEnded == self.answersStarted
        guard answerable else {
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let grace = context.eventLoop.scheduleTask(in: Self.answerGrace) { bound.value.close(promise: nil) }
        // Written from here, beneath this handler's own `write`, which drops everything after a timeout.
        context.writeAndFlush(NIOAny(IOData.byteBuffer(self.timedOutAnswer()))).whenComplete { _ in
            grace.cancel()
            bound.value.close(promise: nil)
        }
    }

    private func stopReading() {
        self.readDeadline = nil
        self.phase = .waiting
    }

    private func stopWriting() {
        self.writeTimer?.cancel()
        self.writeTimer = nil
    }

    private static func onlyLineBreaks(_ buffer: ByteBuffer) -> Bool {
        buffer.readableBytesView.allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
    }
}

/// After the HTTP codec: tells `ConnectionDeadlines` when a request's head and then its end have been read, and when
/// an answer begins. It sees requests and answers in the order the server handles them (the codec has parsed
/// them), which the bytes beneath it do not show.
final class RequestProgressMarker: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head: context.triggerUserOutboundEvent(ConnectionDeadlines.Progress.headRead, promise: nil)
        case .end: context.triggerUserOutboundEvent(ConnectionDeadlines.Progress.requestRead, promise: nil)
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head: context.triggerUserOutboundEvent(ConnectionDeadlines.Progress.answerStarted, promise: nil)
        case .end: context.triggerUserOutboundEvent(ConnectionDeadlines.Progress.answerEnded, promise: nil)
        case .body: break
        }
        context.write(data, promise: promise)
    }
}
