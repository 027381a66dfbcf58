import Foundation
import HTTPTypes
import PaisaTestSupport
import Payments
import PaymentsAPI

/// A fixed conversation with every endpoint, recorded as text with ids and times normalised, so that two runs of
/// the same version read the same and any change of output shows as a line that differs.
enum Transcript {
    /// Runs the conversation in a fresh account at `version` and returns the normalised text.
    static func record(version: String, changes: [any VersionChange] = VersionChanges.all) async throws -> String {
        let (_, key) = try await TestDatabase.account()
        let log = Log()
        try await Paisa.with(configuration: { $0.versionChanges = changes }) { paisa in
            try await Self.converse(Exchange(paisa: paisa, key: key, version: version, log: log))
        }
        return Self.normalise(log.text)
    }

    /// The conversation: every route, successes and refusals.
    private static func converse(_ x: Exchange) async throws {
        try await x.send("account", .get, "/v1/account")
        let thali = try await x.send(
            "create a charge", .post, "/v1/charges",
            [
                ("amount", "2000"), ("currency", "inr"), ("source", "tok_visa"), ("description", "Thali"),
                ("metadata[order_id]", "6735"),
            ])
        let held = try await x.send(
            "authorize only", .post, "/v1/charges",
            [("amount", "5000"), ("currency", "usd"), ("source", "tok_mastercard"), ("capture", "false")])
        try await x.send("capture part", .post, "/v1/charges/\(held.id)/capture", [("amount", "3000")])
        try await x.send(
            "update a charge", .post, "/v1/charges/\(thali.id)",
            [("description", "Thali for two"), ("metadata[table]", "7")])
        let refund = try await x.send(
            "refund part", .post, "/v1/refunds",
            [("charge", thali.id), ("amount", "500"), ("reason", "requested_by_customer")])
        try await x.send("update a refund", .post, "/v1/refunds/\(refund.id)", [("metadata[ticket]", "77")])
        let fetched = try await x.send("retrieve a charge", .get, "/v1/charges/\(thali.id)")
        try await x.send("retrieve expanded", .get, "/v1/charges/\(thali.id)?expand[]=balance_transaction")
        try await x.send("list charges", .get, "/v1/charges?limit=2")
        try await x.send("list a charge's refunds", .get, "/v1/charges/\(thali.id)/refunds")
        try await x.send("retrieve a refund", .get, "/v1/refunds/\(refund.id)")
        try await x.send("list refunds", .get, "/v1/refunds?limit=2")
        try await x.send("balance", .get, "/v1/balance")
        try await x.send("list balance transactions", .get, "/v1/balance_transactions?limit=3")
        try await x.send(
            "retrieve a balance transaction", .get,
            "/v1/balance_transactions/\(fetched.string("balance_transaction") ?? "")")
        try await x.send(
            "UPI declined", .post, "/v1/charges", [("amount", "1500"), ("currency", "inr"), ("source", "failure@upi")])
        try await x.send(
            "UPI with capture=false", .post, "/v1/charges",
            [("amount", "1500"), ("currency", "inr"), ("source", "success@upi"), ("capture", "false")])
        try await x.send(
            "card declined", .post, "/v1/charges",
            [("amount", "2000"), ("currency", "usd"), ("source", "tok_chargeDeclined")])
        try await x.send("missing charge", .get, "/v1/charges/ch_missing")
        try await x.send(
            "amount too small", .post, "/v1/charges", [("amount", "10"), ("currency", "inr"), ("source", "tok_visa")])
    }

    /// One request of the conversation, written to the log.
    struct Exchange {
        let paisa: Paisa
        let key: String
        let version: String
        let log: Log

        @discardableResult
        func send(
            _ title: String, _ method: HTTPMethod, _ path: String, _ form: [(String, String)] = []
        ) async throws
            -> Reply
        {
            let reply = try await self.paisa.send(
                method.method, path, key: self.key, form: form, idempotencyKey: method == .post ? freshKey() : nil,
                headers: [("Stripe-Version", self.version)])
            let body = form.map { "\($0)=\($1)" }.joined(separator: "&")
            self.log.append(
                "### \(title)\n\(method.method.rawValue) \(path)\n\(body.isEmpty ? "" : body + "\n")--> \(reply.status)\n\(reply.text)\n"
            )
            return reply
        }
    }

    enum HTTPMethod {
        case get, post
        var method: HTTPTypes.HTTPRequest.Method { self == .get ? .get : .post }
    }

    /// Collects the text of a conversation across the test's concurrent closures.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []

        func append(_ text: String) {
            self.lock.withLock { self.parts.append(text) }
        }

        var text: String { self.lock.withLock { self.parts.joined(separator: "\n") } }
    }

    /// Replaces ids with `prefix_N` (numbered by first appearance) and Unix times with `<time>`.
    static func normalise(_ text: String) -> String {
        var text = text
        let ids = try! NSRegularExpression(pattern: "\\b(ch|re|txn|card|acct)_[0-9A-Za-z]{10,}")
        var names: [String: String] = [:]
        var counts: [String: Int] = [:]
        for match in ids.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let id = String(text[Range(match.range, in: text)!])
            guard names[id] == nil else { continue }
            let prefix = String(id.prefix { $0 != "_" })
            counts[prefix, default: 0] += 1
            names[id] = "\(prefix)_\(counts[prefix]!)"
        }
        for (id, name) in names.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: id, with: name)
        }
        let times = try! NSRegularExpression(pattern: "\"(created|available_on)\": [0-9]+")
        return times.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "\"$1\": \"<time>\"")
    }

    /// The first section that differs, with both texts, or nil when the transcripts match.
    static func firstDifference(_ golden: String, _ actual: String) -> String? {
        guard golden != actual else { return nil }
        let expected = golden.components(separatedBy: "### ")
        let got = actual.components(separatedBy: "### ")
        for (index, section) in got.enumerated() where index >= expected.count || expected[index] != section {
            return "expected:\n### \(index < expected.count ? expected[index] : "(nothing)")\ngot:\n### \(section)"
        }
        return "the golden transcript has more sections than this run"
    }
}
