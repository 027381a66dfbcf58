import Foundation
import Testing

@testable import PaisaLoad

@Suite("Retries and answers")
struct RetryAndOutcomeTests {
    private let policy = try! RetryPolicy(attemptsMax: 5, backoffInitial: .milliseconds(100), backoffMax: .seconds(2))

    @Test("backoff doubles per attempt, jitter stays within the step's upper half, the cap holds")
    func backoff() {
        for attempt in 1...10 {
            let step = min(0.1 * Double(1 << (attempt - 1)), 2)
            let low = self.policy.delay(afterAttempt: attempt, retryAfter: nil, unit: 0).seconds
            let high = self.policy.delay(afterAttempt: attempt, retryAfter: nil, unit: 1).seconds
            #expect(abs(low - step / 2) < 1e-9)
            #expect(abs(high - step) < 1e-9)
        }
        #expect(self.policy.delay(afterAttempt: 1000, retryAfter: nil, unit: 1) == .seconds(2))
    }

    @Test("Retry-After is a floor, still capped by the longest backoff")
    func retryAfter() {
        #expect(self.policy.delay(afterAttempt: 1, retryAfter: .seconds(1), unit: 0.5) == .seconds(1))
        #expect(self.policy.delay(afterAttempt: 1, retryAfter: .seconds(30), unit: 0.5) == .seconds(2))
    }

    @Test("policies outside the bounds are refused")
    func refusals() {
        #expect(throws: LoadInputError.self) {
            try RetryPolicy(attemptsMax: 0, backoffInitial: .seconds(1), backoffMax: .seconds(1))
        }
        #expect(throws: LoadInputError.self) {
            try RetryPolicy(attemptsMax: 21, backoffInitial: .seconds(1), backoffMax: .seconds(1))
        }
        #expect(throws: LoadInputError.self) {
            try RetryPolicy(attemptsMax: 3, backoffInitial: .seconds(2), backoffMax: .seconds(1))
        }
        #expect(throws: LoadInputError.self) {
            try RetryPolicy(attemptsMax: 3, backoffInitial: .seconds(1), backoffMax: .seconds(61))
        }
    }

    private func classify(_ status: Int, _ body: String, headers: [String: String] = [:]) -> AttemptOutcome {
        AttemptOutcome.classify(status: status, headerValue: { headers[$0] }, body: Data(body.utf8))
    }

    @Test("200 is a charge, replayed when the header says so")
    func charged() {
        let body =
            #"{"id":"ch_1","object":"charge","status":"pending","amount":100,"currency":"inr","balance_transaction":null}"#
        #expect(self.classify(200, body) == .charged(chargeID: "ch_1", status: .pending, replayed: false))
        #expect(
            self.classify(200, body, headers: ["idempotent-replayed": "true"])
                == .charged(chargeID: "ch_1", status: .pending, replayed: true))
        #expect(self.classify(200, "{}") == .malformed(status: 200))
        #expect(!AttemptOutcome.malformed(status: 200).isRetryable)
    }

    @Test("402 is a decline naming its charge; 409, 5xx, timeouts and connection errors are retried")
    func retried() {
        let decline = #"{"error":{"type":"card_error","code":"card_declined","charge":"ch_9"}}"#
        #expect(self.classify(402, decline) == .declined(chargeID: "ch_9", replayed: false))
        #expect(self.classify(402, decline).isAnswer)
        let conflict = #"{"error":{"type":"invalid_request_error","code":"idempotency_key_in_use"}}"#
        #expect(self.classify(409, conflict) == .conflict(retryAfter: nil))
        let later = self.classify(409, conflict, headers: ["retry-after": "1"])
        #expect(later == .conflict(retryAfter: .seconds(1)) && later.retryAfter == .seconds(1))
        let busy = self.classify(503, "{}", headers: ["retry-after": "1"])
        #expect(busy == .unavailable(status: 503, retryAfter: .seconds(1)))
        for outcome in [AttemptOutcome.conflict(retryAfter: nil), busy, .timeout, .connection("reset")] {
            #expect(outcome.isRetryable && !outcome.isAnswer)
        }
    }

    @Test("400s are final; a reused key with other parameters is its own class")
    func final() {
        let invalid = self.classify(400, #"{"error":{"type":"invalid_request_error","code":"parameter_missing"}}"#)
        #expect(!invalid.isRetryable && !invalid.isAnswer)
        #expect(invalid.errorClass == "http_400")
        let reused = self.classify(400, #"{"error":{"type":"idempotency_error","code":"idempotency_key_reused"}}"#)
        #expect(reused.errorClass == "idempotency_error")
        #expect(self.classify(401, "not json").errorClass == "http_401")
    }

    @Test("base URLs are normalised: trailing slashes and /v1 removed")
    func baseURL() {
        #expect(PaisaClient.normalized("http://h:1/") == "http://h:1")
        #expect(PaisaClient.normalized(" https://api.example.com/v1/ ") == "https://api.example.com")
    }

    @Test("form escaping keeps unreserved characters and encodes the rest")
    func escaping() {
        #expect(FormEncoding.escape("a-b_c.d~e") == "a-b_c.d~e")
        #expect(FormEncoding.escape("x[y] z@ü") == "x%5By%5D%20z%40%C3%BC")
    }
}
