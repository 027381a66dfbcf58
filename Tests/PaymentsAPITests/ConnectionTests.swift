import Foundation
import NIOCore
import NIOSSL
import OutboundHTTP
import PaisaTestSupport
import Payments
import PaymentsAPI
import Testing

@Suite("Connections: slow and idle clients, the connection bound, HTTPS and live keys")
struct ConnectionTests {
    static let head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"

    @Test("half a head, a silent connection and a stalled body are closed; a stalled body is answered 408 first")
    func slowSendersAreCut() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.connections.readTimeout = .milliseconds(500) }) { paisa in
            let port = try #require(paisa.client.port)
            let halfHead = try RawConnection(port: port)
            try halfHead.send(Self.head)
            let silent = try RawConnection(port: port)
            let stalledBody = try RawConnection(port: port)
            try stalledBody.send(
                "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\namount=1")
            #expect(await halfHead.readUntilClosed() == .closed(""))
            #expect(await silent.readUntilClosed() == .closed(""))
            guard case .closed(let answer) = await stalledBody.readUntilClosed() else {
                Issue.record("a stalled body kept its connection open")
                return
            }
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(answer.contains("\"code\": \"request_timeout\""))
            #expect(answer.lowercased().contains("connection: close"))
            #expect(answer.contains("Request-Id: req_"))
        }
    }

    @Test("a stalled body after a whole request in the same packet is timed too: the first answered, the second 408")
    func pipelinedStall() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.connections.readTimeout = .milliseconds(500) }) { paisa in
            let connection = try RawConnection(port: try #require(paisa.client.port))
            try connection.send(
                Self.head + "\r\n" + "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\namount=1")
            guard case .closed(let answers) = await connection.readUntilClosed() else {
                Issue.record("the stalled second request kept its connection open")
                return
            }
            #expect(answers.hasPrefix("HTTP/1.1 200"), "\(answers)")
            #expect(answers.contains("HTTP/1.1 408"))
        }
    }

    @Test("a client stalled mid-body holds no in-flight slot: with one slot, another request is still served")
    func stalledBodyHoldsNoSlot() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.api.inFlightMax = 1 }) { paisa in
            let stalled = try RawConnection(port: try #require(paisa.client.port))
            try stalled.send(
                "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\namount=1")
            // Its head is in: the server is waiting for the rest of its body.
            let served = try RawConnection(port: try #require(paisa.client.port))
            try served.send(
                "GET /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n\r\n")
            let answer = await served.readAnswer()
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
        }
    }

    @Test("a client that stops reading its answers is closed, not kept with its answers buffered")
    func slowReaderIsClosed() async throws {
        try await Paisa.with(configuration: { $0.connections.readTimeout = .milliseconds(500) }) { paisa in
            // A small receive window and many large answers asked for at once, none of them read for a while: the
            // server's socket stays unwritable for longer than the deadline.
            let connection = try RawConnection(port: try #require(paisa.client.port), receiveBuffer: 4096)
            let request = "GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            try connection.send(String(repeating: request, count: 30))
            try await Task.sleep(for: .seconds(5))
            guard case .closed = await connection.readUntilClosed() else {
                Issue.record("a client that did not read its answers kept its connection")
                return
            }
        }
    }

    @Test("a keep-alive connection is served, then closed once idle for the idle timeout")
    func idleConnectionsAreClosed() async throws {
        try await Paisa.with(configuration: { $0.connections.idleTimeout = .milliseconds(300) }) { paisa in
            let connection = try RawConnection(port: try #require(paisa.client.port))
            try connection.send(Self.head + "\r\n")
            guard case .closed(let answer) = await connection.readUntilClosed() else {
                Issue.record("an idle connection stayed open")
                return
            }
            #expect(answer.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a request that is not HTTP/1.1 is answered 400 request_malformed as an error object, then closed")
    func malformedRequest() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let port = try #require(paisa.client.port)
            for target in ["/v1/charges?description=a b", "/v1/charges?description=caf\u{e9}"] {
                let connection = try RawConnection(port: port)
                try connection.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n\r\n")
                guard case .closed(let text) = await connection.readUntilClosed() else {
                    Issue.record("the connection stayed open after a malformed request")
                    continue
                }
                #expect(text.hasPrefix("HTTP/1.1 400"), "\(target): \(text)")
                #expect(text.lowercased().contains("connection: close"))
                let body = try #require(text.range(of: "\r\n\r\n").map { text[$0.upperBound...] })
                let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                let error = json?["error"] as? [String: Any]
                #expect(error?["code"] as? String == "request_malformed", "\(target): \(body)")
                #expect(error?["type"] as? String == "invalid_request_error")
            }
        }
    }

    @Test("a request whose chunked body breaks after its head is answered once, by the request's own handling")
    func brokenChunkedBody() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.connections.readTimeout = .milliseconds(500) }) { paisa in
            let connection = try RawConnection(port: try #require(paisa.client.port))
            try connection.send(
                "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            guard case .closed(let text) = await connection.readUntilClosed() else {
                Issue.record("the connection stayed open after a broken body")
                return
            }
            #expect(text.components(separatedBy: "HTTP/1.1 ").count - 1 == 1, "\(text)")
            #expect(!text.contains("request_malformed"))
        }
    }

    @Test("a request answered before its body ended still leaves its connection to the idle timeout once it has")
    func earlyAnswerThenIdle() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: { $0.connections.idleTimeout = .milliseconds(300) }) { paisa in
            let connection = try RawConnection(port: try #require(paisa.client.port))
            // An Idempotency-Key too long to be one is refused before the body is read.
            try connection.send(
                "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n"
                    + "Idempotency-Key: \(String(repeating: "k", count: 300))\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\namount")
            #expect(await connection.readAnswer().hasPrefix("HTTP/1.1 400"))
            try connection.send("=2000")
            guard case .closed = await connection.readUntilClosed() else {
                Issue.record("the connection stayed open after its request ended")
                return
            }
        }
    }

    @Test("past the connection bound a new connection is closed at once, while those already open are served")
    func connectionBound() async throws {
        let bound = 3
        try await Paisa.with(configuration: { $0.connections.connectionsMax = bound }) { paisa in
            let port = try #require(paisa.client.port)
            // One connection at a time, each confirmed by an answer before the next, so that the order the server
            // counts them in is the order they were opened. The test client may hold a slot of its own.
            var served: [RawConnection] = []
            var refused: String? = nil
            for _ in 0...bound {
                let connection = try RawConnection(port: port)
                try connection.send(Self.head + "\r\n")
                let answer = await connection.readAnswer()
                guard answer.hasPrefix("HTTP/1.1 200") else {
                    refused = answer
                    break
                }
                served.append(connection)
            }
            #expect(refused == "", "a connection past the bound is closed without an answer")
            #expect(served.count == bound || served.count == bound - 1, "\(served.count) connections served")
            // The connections inside the bound are still served.
            for connection in served {
                try connection.send(Self.head + "\r\n")
                #expect(await connection.readAnswer().hasPrefix("HTTP/1.1 200"))
            }
        }
    }

    @Test("a live key over plain HTTP is refused unless a declared proxy says https; test keys are not")
    func liveKeysNeedHTTPS() async throws {
        let (_, liveKey) = try await TestDatabase.account(livemode: true)
        let (_, testKey) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let refused = try await paisa.send(.get, "/v1/charges", key: liveKey)
            #expect(refused.status == 403)
            #expect(refused.error["code"] as? String == "https_required")
            // Without a declared proxy the header is anyone's to send, so it changes nothing.
            let claimed = try await paisa.send(
                .get, "/v1/charges", key: liveKey, headers: [("X-Forwarded-Proto", "https")])
            #expect(claimed.status == 403)
            #expect(try await paisa.send(.get, "/v1/charges", key: testKey).status == 200)
        }
        try await Paisa.with(configuration: { $0.api.transport.trustForwardedProto = true }) { paisa in
            let proxied = try await paisa.send(
                .get, "/v1/charges", key: liveKey, headers: [("X-Forwarded-Proto", "https")])
            #expect(proxied.status == 200)
            let plain = try await paisa.send(
                .get, "/v1/charges", key: liveKey, headers: [("X-Forwarded-Proto", "http")])
            #expect(plain.status == 403)
            // A proxy that appends leaves the client's claim first; only the proxy's own, last value counts.
            let appended = try await paisa.send(
                .get, "/v1/charges", key: liveKey, headers: [("X-Forwarded-Proto", "https, http")])
            #expect(appended.status == 403)
        }
    }

    @Test("HTTPS is served with the given certificate, accepts live keys, and a renewed certificate is taken up")
    func servesHTTPS() async throws {
        let (_, liveKey) = try await TestDatabase.account(livemode: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paisa-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = TLSFiles(
            certificatePath: folder.appendingPathComponent("cert.pem").path,
            keyPath: folder.appendingPathComponent("key.pem").path)
        try await Self.makeCertificate(files, commonName: "first")

        try await Paisa.with(configuration: { $0.connections.tls = files }) { paisa in
            let port = try #require(paisa.client.port)
            var configuration = HTTP1Client.Configuration()
            configuration.tls.certificateVerification = .none
            let client = HTTP1Client(configuration: configuration)
            let response = try await client.execute(
                .GET, "https://127.0.0.1:\(port)/v1/charges", headers: ["Authorization": "Bearer \(liveKey)"],
                timeout: .seconds(30))
            await client.shutdown()
            #expect(response.status == 200)

            // Plain HTTP to the HTTPS port gets no answer but a closed connection.
            let plain = try RawConnection(port: port)
            try plain.send(Self.head + "\r\n")
            if case .closed(let text) = await plain.readUntilClosed() {
                #expect(!text.hasPrefix("HTTP/1.1 200"))
            }
        }

        let certificates = try TLSCertificates(files: files, checkInterval: .seconds(3600), logger: TestDatabase.logger)
        let before = ObjectIdentifier(certificates.context)
        #expect(certificates.reloadIfChanged() == false)
        try await Self.makeCertificate(files, commonName: "renewed")
        #expect(certificates.reloadIfChanged() == true)
        #expect(ObjectIdentifier(certificates.context) != before)
        // A broken renewal keeps the certificate in use.
        try "not a certificate".write(toFile: files.certificatePath, atomically: true, encoding: .utf8)
        let renewed = ObjectIdentifier(certificates.context)
        #expect(certificates.reloadIfChanged() == false)
        #expect(ObjectIdentifier(certificates.context) == renewed)
    }

    @Test("the descriptor budget adds client and database connections and names the setting to lower")
    func descriptorBudget() {
        let budget = DescriptorBudget(clientConnections: 4096, databaseConnections: 16)
        #expect(budget.needed == 4096 + 16 + DescriptorBudget.reserve)
        #expect(budget.problem(limit: 20000) == nil)
        let problem = budget.problem(limit: 1024)
        #expect(problem?.contains("--connections-max") == true)
        #expect(problem?.contains("at most \(1024 - 16 - DescriptorBudget.reserve)") == true)
    }

    /// A self-signed certificate and key, written by the openssl command (the test machine's, not a dependency).
    static func makeCertificate(_ files: TLSFiles, commonName: String) async throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
            "2", "-subj", "/CN=\(commonName)",
            "-keyout", files.keyPath, "-out", files.certificatePath,
        ]
        openssl.standardError = FileHandle.nullDevice
        // Waited for without blocking a thread the server under test needs.
        let status = try await withCheckedThrowingContinuation { continuation in
            openssl.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try openssl.run() } catch { continuation.resume(throwing: error) }
        }
        try #require(status == 0, "openssl could not make a certificate")
    }
}
