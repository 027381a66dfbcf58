import Foundation
import PaisaTestSupport
import SandboxProcessor
import Testing

@Suite("Operations: /metrics")
struct MetricsTests {
    /// The value of one series in the Prometheus text, 0 when absent.
    static func value(_ text: String, _ series: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }

    @Test("request counters, replays and 409s move with the requests made")
    func countersMove() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let before = try await paisa.send(.get, "/metrics", key: nil)
            #expect(before.status == 200)
            #expect(before.header("Content-Type")?.hasPrefix("text/plain") == true)
            let idempotencyKey = freshKey()
            _ = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            _ = try await paisa.charge(key: key, idempotencyKey: idempotencyKey)
            _ = try await paisa.send(.get, "/v1/charges/ch_missing", key: key)
            let after = try await paisa.send(.get, "/metrics", key: nil).text

            let created = #"paisa_http_requests_total{method="POST",route="/v1/charges",status="200"}"#
            let missing = #"paisa_http_requests_total{method="GET",route="/v1/charges/:id",status="404"}"#
            #expect(Self.value(after, created) - Self.value(before.text, created) >= 2)
            #expect(Self.value(after, missing) - Self.value(before.text, missing) >= 1)
            #expect(
                Self.value(after, "paisa_idempotent_replays_total")
                    - Self.value(before.text, "paisa_idempotent_replays_total") >= 1)
            #expect(after.contains("paisa_http_request_duration_seconds_bucket"))
            #expect(after.contains("paisa_processor_duration_seconds_bucket"))
        }
    }

    @Test("a request past the in-flight cap is shed at once: 503 overloaded with Retry-After, counted and timed")
    func shedding() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with(configuration: {
            $0.api.inFlightMax = 1
            $0.sandbox = SandboxSettings(slow: .seconds(1))
            // The one admitted payment must finish on a loaded machine; the shed ones are answered at once anyway.
            BudgetTests.generousBudget(&$0)
        }) { paisa in
            let before = try await paisa.send(.get, "/metrics", key: nil).text
            // Slow payments sent at once: the first admitted holds the only slot for a second, the rest find it taken.
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await paisa.charge(key: key, currency: "inr", source: "slow@upi") }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.contains { $0.status == 200 }, "\(replies.map { "\($0.status) \($0.text.prefix(200))" })")
            let refused = try #require(
                replies.first { $0.status == 503 }, "no request was shed while the slot was taken")
            #expect(refused.error["code"] as? String == "overloaded")
            #expect(refused.header("Retry-After") != nil)
            let after = try await paisa.send(.get, "/metrics", key: nil).text
            let counter = #"paisa_http_requests_shed_total{reason="overloaded"}"#
            #expect(Self.value(after, counter) - Self.value(before, counter) >= 1)
            #expect(after.contains(#"paisa_http_shed_duration_seconds_bucket{reason="overloaded""#))
        }
    }
}
