import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import Payments

/// Hummingbird's HTTP/1.1 channel with what a public payments server needs around it: a bound on open connections
/// (past it a connection is closed as soon as it is accepted), a deadline for each request to arrive whole, the
/// idle timeout between requests, and TLS with a certificate that can change while the server runs.
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let readTimeout: Duration
    let idleTimeout: Duration
    let connections: OpenConnections
    let certificates: TLSCertificates?
    let timedOutAnswer: @Sendable () -> ByteBuffer

    /// `timedOutAnswer` is the whole 408 for a body that did not arrive in time, as bytes for the wire;
    /// `malformedAnswer` the 400 for a request that is not HTTP/1.1.
    init(
        responder: @escaping HTTPChannelHandler.Responder, settings: ConnectionSettings, certificates: TLSCertificates?,
        timedOutAnswer: @escaping @Sendable () -> ByteBuffer,
        malformedAnswer: @escaping @Sendable () -> (HTTPResponse, ByteBuffer)
    ) {
        self.timedOutAnswer = timedOutAnswer
        self.http = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [
                    MalformedRequestAnswer(answer: malformedAnswer), RequestProgressMarker(),
                ],
                // The idle timeout is ConnectionDeadlines', which moves a deadline instead of cancelling a timer.
                idleTimeout: nil))
        self.readTimeout = settings.readTimeout
        self.idleTimeout = settings.idleTimeout
        self.connections = OpenConnections(max: settings.connectionsMax)
        self.certificates = certificates
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard self.connections.enter() else {
            // Refused: the bare HTTP pipeline (the server's own handling needs one, to end cleanly), then closed at
            // once; no TLS handshake and no deadlines for a connection that will not be served.
            return self.http.setup(channel: channel, logger: logger).map { value in
                channel.close(promise: nil)
                return value
            }
        }
        let connections = self.connections
        channel.closeFuture.whenComplete { _ in connections.leave() }
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if let certificates = self.certificates {
                try pipeline.addHandler(NIOSSLServerHandler(context: certificates.context))
            }
            try pipeline.addHandler(
                ConnectionDeadlines(
                    timeout: self.readTimeout, idleTimeout: self.idleTimeout, timedOutAnswer: self.timedOutAnswer))
        }.flatMap {
            self.http.setup(channel: channel, logger: logger)
        }.flatMapError { error in
            // A pipeline that could not be built: close the connection, which also counts it out.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.http.handle(value: value, logger: logger)
    }
}
