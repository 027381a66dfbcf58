import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection driven byte by byte, for the tests of slow and idle clients that an HTTP client cannot be: it
/// sends half a head, stalls a body, or sends nothing. Blocking reads run on a thread of their own: on the test's
/// executor they would stall the server under test, and on Dispatch's shared queues the timers every other test's
/// deadlines wait on. A read gives up after `safetyLimit` (a bound for a broken test, never the thing asserted).
final class RawConnection: @unchecked Sendable {
    /// How long a read waits before the test is declared broken.
    static let safetyLimit = 30

    private let socket: Int32

    /// `receiveBuffer` shrinks the socket's receive buffer (set before connecting, so the window is small from the
    /// start): a client that reads slowly, or not at all.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: Self.safetyLimit, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure("connect: errno \(errno)")
        }
        self.socket = descriptor
    }

    deinit { close(self.socket) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw Failure("send: errno \(errno)") }
    }

    /// What a read until the server closes the connection gives.
    enum Ending: Equatable {
        /// The server closed the connection, after sending these bytes.
        case closed(String)
        /// Nothing closed it within the safety limit.
        case stillOpen(String)
    }

    /// Reads until the server closes the connection (or the safety limit passes).
    func readUntilClosed() async -> Ending {
        await self.read(until: { _ in false })
    }

    /// Reads one answer: its head and as many body bytes as its `Content-Length` says (or until the server closes
    /// the connection, or the safety limit passes). What arrived, as text.
    func readAnswer() async -> String {
        let complete: @Sendable (String) -> Bool = { text in
            guard let end = text.range(of: "\r\n\r\n") else { return false }
            let head = text[..<end.lowerBound].lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            else { return true }
            return text[end.upperBound...].utf8.count >= length
        }
        switch await self.read(until: complete) {
        case .closed(let text), .stillOpen(let text): return text
        }
    }

    private func read(until done: @escaping @Sendable (String) -> Bool) async -> Ending {
        await withCheckedContinuation { continuation in
            Thread {
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        received += buffer[0..<count]
                        let text = String(decoding: received, as: UTF8.self)
                        if done(text) {
                            continuation.resume(returning: .stillOpen(text))
                            return
                        }
                    } else {
                        let text = String(decoding: received, as: UTF8.self)
                        // 0 is an orderly close and ECONNRESET an abrupt one; a timeout means it stayed open.
                        let reset = count < 0 && errno == ECONNRESET
                        continuation.resume(returning: count == 0 || reset ? .closed(text) : .stillOpen(text))
                        return
                    }
                }
            }.start()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
