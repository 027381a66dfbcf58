import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A webhook endpoint for tests: a loopback HTTP/1.1 listener on a thread of its own that records every request
/// (head and exact body bytes) and answers each with the next status of a script (200 once the script is spent),
/// then closes the connection. A plain socket loop rather than a server library: it must see the bytes as sent.
final class WebhookReceiver: @unchecked Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
        let status: Int
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(script: [Int], received: [Received], stopped: Bool)>(([], [], false))

    /// `statuses` answer the first requests in order; later ones get 200.
    init(statuses: [Int] = []) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawConnection.Failure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw RawConnection.Failure("bind: errno \(errno)")
        }
        self.listener = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.state.withLock { $0.script = statuses }
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(self.port)/hook" }

    var received: [Received] { self.state.withLock { $0.received } }

    /// Stops accepting; the listening socket is closed, so later deliveries find nobody there.
    func stop() {
        self.state.withLock { $0.stopped = true }
        shutdown(self.listener, Int32(SHUT_RDWR))
        close(self.listener)
    }

    deinit { self.stop() }

    private func serve() {
        while true {
            let connection = accept(self.listener, nil, nil)
            guard connection >= 0 else { return }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            self.handle(connection)
            close(connection)
            if self.state.withLock({ $0.stopped }) { return }
        }
    }

    private func handle(_ connection: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var headEnd: Int? = nil
        var contentLength = 0
        while true {
            if let end = headEnd, bytes.count >= end + contentLength { break }
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            bytes += buffer[0..<count]
            if headEnd == nil, let range = Self.find([13, 10, 13, 10], in: bytes) {
                headEnd = range
                let head = String(decoding: bytes[0..<range], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let end = headEnd else { return }
        var headers: [String: String] = [:]
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        let body = Array(bytes[(end + 4)..<(end + 4 + contentLength)])
        let status = self.state.withLock { state in
            let status = state.script.isEmpty ? 200 : state.script.removeFirst()
            state.received.append(Received(headers: headers, body: body, status: status))
            return status
        }
        let answer = "HTTP/1.1 \(status) Answer\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        _ = Array(answer.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
