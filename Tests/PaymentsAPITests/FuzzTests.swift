import Foundation
import HTTPTypes
import PaisaTestSupport
import Testing

/// Hostile input against the decoders and every write endpoint: random, truncated, huge, deeply nested, not UTF-8,
/// wrong types, duplicate names, overflowing numbers, bad keys. Whatever arrives, the answer is never a 5xx and
/// always a JSON object (an error object, or the resource). `PAISA_FUZZ_CASES` sets how many (300 by default;
/// `make chaos` runs more), `PAISA_FUZZ_SEED` replays a run.
@Suite("Fuzzing the decoders and endpoints")
struct FuzzTests {
    static let cases = Int(ProcessInfo.processInfo.environment["PAISA_FUZZ_CASES"] ?? "") ?? 300
    static let seed =
        UInt64(ProcessInfo.processInfo.environment["PAISA_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)

    @Test("no input makes Paisa answer 5xx or anything but a JSON object")
    func hostileInput() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            var random = SplitMix(seed: Self.seed)
            let charge = try #require(try await paisa.charge(key: key, amount: 5000, currency: "usd").chargeID)
            let paths = [
                "/v1/charges", "/v1/refunds", "/v1/charges/\(charge)", "/v1/charges/\(charge)/capture", "/v1/charges?",
            ]
            for index in 0..<Self.cases {
                let path = paths[random.below(paths.count)]
                let (body, contentType) = Self.body(&random)
                var headers = [("Content-Type", contentType)]
                if random.below(4) == 0 { headers.append(("Idempotency-Key", Self.idempotencyKey(&random))) }
                let method: HTTPTypes.HTTPRequest.Method = path.hasSuffix("?") ? .get : .post
                let target = method == .get ? path + Self.form(&random) : path
                let reply = try await paisa.client.executeRequest(
                    uri: target, method: method, headers: Self.fields(key: key, headers),
                    body: method == .post ? .init(bytes: body) : nil)
                let status = Int(reply.status.code)
                let json = try? JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView)) as? [String: Any]
                let context =
                    "case \(index) of seed \(Self.seed): \(method) \(target) \(String(decoding: body.prefix(200), as: UTF8.self))"
                #expect(status < 500, "\(context) → \(status)")
                #expect(json != nil, "\(context) → not a JSON object")
                if let error = json?["error"] as? [String: Any] {
                    #expect(error["type"] is String && error["message"] is String, "\(context)")
                }
            }
        }
    }

    static func fields(key: String, _ headers: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(key)"
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }

    static let names = [
        "amount", "currency", "source", "capture", "description", "metadata", "metadata[k]", "metadata[]",
        "expand[]", "expand[0]", "charge", "reason", "receipt_email", "statement_descriptor", "limit", "created[gt]",
        "a[b][c][d][e][f]", "amount[0]", "[x]", "x]", "%5Bx%5D", "", "metadata[k][j]",
    ]

    static let values = [
        "2000", "-1", "0", "99999999999999999999999", "1e3", "20.5", "inr", "usd", "tok_visa", "success@upi",
        "slow@upi", "true", "false", "yes", "", "%", "%zz", "%ff%fe", "%00", "\u{1F600}", "<script>",
        "requested_by_customer", "ch_unknown", String(repeating: "x", count: 6000),
    ]

    /// A form body, a JSON body, or raw bytes, with the matching (or a deliberately wrong) content type.
    static func body(_ random: inout SplitMix) -> ([UInt8], String) {
        switch random.below(5) {
        case 0: return (Array(Self.form(&random).utf8), "application/x-www-form-urlencoded")
        case 1: return (Array(Self.json(&random, depth: 0).utf8), "application/json")
        case 2:
            let text = Self.json(&random, depth: 0)
            return (Array(text.utf8.prefix(random.below(max(text.utf8.count, 1)))), "application/json")
        case 3:
            return ((0..<random.below(300)).map { _ in UInt8(random.below(256)) }, "application/x-www-form-urlencoded")
        default:
            return (
                Array(Self.form(&random).utf8),
                ["text/plain", "multipart/form-data", "application/json"][random.below(3)]
            )
        }
    }

    static func form(_ random: inout SplitMix) -> String {
        (0..<random.below(12)).map { _ in
            Self.names[random.below(Self.names.count)] + "=" + Self.values[random.below(Self.values.count)]
        }.joined(separator: "&")
    }

    static func json(_ random: inout SplitMix, depth: Int) -> String {
        guard depth < 60 else { return "1" }
        switch random.below(depth > 3 ? 8 : 6) {
        case 0:
            return "{"
                + (0..<random.below(5)).map { _ in
                    "\"\(Self.names[random.below(Self.names.count)])\":\(Self.json(&random, depth: depth + 1))"
                }.joined(separator: ",") + "}"
        case 1:
            return "[" + (0..<random.below(4)).map { _ in Self.json(&random, depth: depth + 1) }.joined(separator: ",")
                + "]"
        case 2: return ["1", "-5", "1e400", "123456789012345678901234567890", "0.1", "true", "null"][random.below(7)]
        case 3: return "\"\(Self.values[random.below(Self.values.count)].replacingOccurrences(of: "\"", with: ""))\""
        case 4:
            return "{\"amount\":\(Self.json(&random, depth: depth + 1)),\"currency\":\"inr\",\"source\":\"tok_visa\"}"
        default: return String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        }
    }

    static func idempotencyKey(_ random: inout SplitMix) -> String {
        [String(repeating: "k", count: 256), "", " ", "caf\u{e9}", "key\u{7f}", UUID().uuidString][random.below(6)]
    }
}

/// A small seeded generator, so a failing run can be replayed with its seed.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        Int(self.next() % UInt64(max(bound, 1)))
    }
}
