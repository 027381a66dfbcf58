import PaisaTestSupport
import Testing

@Suite("Operations: the request log")
struct RequestLogTests {
    @Test("each answered request is one line naming its request id, route, status, duration and account")
    func answeredLine() async throws {
        let (account, key) = try await TestDatabase.account()
        let log = LogCapture()
        try await Paisa.with(logger: log.logger) { paisa in
            let charged = try await paisa.charge(key: key, idempotencyKey: freshKey())
            #expect(charged.status == 200)
            let refused = try await paisa.send(.get, "/v1/charges", key: "sk_test_not_a_key")
            #expect(refused.status == 401)
            let answered = log.text.split(separator: "\n").filter { $0.contains(" answered ") }
            let charge = try #require(
                answered.first { $0.contains("request_id=\(charged.header("Request-Id") ?? "?")") },
                "\(answered)")
            #expect(charge.contains("route=/v1/charges") && charge.contains("status=200"))
            #expect(charge.contains("account=\(account.id)") && charge.contains("duration_ms="))
            let stranger = try #require(
                answered.first { $0.contains("request_id=\(refused.header("Request-Id") ?? "?")") })
            #expect(stranger.contains("status=401") && stranger.contains("account=none"))
            #expect(!log.text.contains("sk_test_not_a_key"))
        }
    }
}
