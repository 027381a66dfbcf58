import Foundation
import PaisaTestSupport
import Payments
import Testing

/// Valid-looking charges with hostile text in every stored field: NUL, combining marks, 4-byte characters, lone
/// surrogates, control characters, and lengths at each limit and one past it, counted in characters that look
/// like one letter but are many scalars. The invariant: no 5xx, and no processor approval without a recorded
/// charge. `PAISA_FUZZ_CASES` sets how many cases (150 by default), `PAISA_FUZZ_SEED` replays a run.
@Suite("Hostile text in every stored field of a charge")
struct HostileTextTests {
    static let cases = Int(ProcessInfo.processInfo.environment["PAISA_FUZZ_CASES"] ?? "").map { $0 / 2 } ?? 150
    static let seed =
        UInt64(ProcessInfo.processInfo.environment["PAISA_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)

    @Test("a NUL in metadata is refused before the processor is asked, and nothing is left behind")
    func nulInMetadata() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let reply = try await paisa.charge(key: key, idempotencyKey: freshKey(), extra: [("metadata[o]", "a%00b")])
            #expect(reply.status == 400)
            #expect(reply.error["code"] as? String == "parameter_invalid_string")
            #expect(reply.error["param"] as? String == "metadata[o]")
            let json = try await paisa.send(
                .post, "/v1/charges", key: key,
                json: #"{"amount": 2000, "currency": "inr", "source": "tok_visa", "description": "a\u0000b"}"#)
            #expect(json.status == 400)
            #expect(json.error["param"] as? String == "description")
            #expect(try await Ledger.processorRecords(account: account.id) == 0)
            #expect(try await Ledger.unfinishedKeys(account: account.id) == 0)
        }
    }

    @Test("lengths count what the database counts: one letter with 1,001 combining marks is too long a description")
    func combiningMarksCountAsTheDatabaseCounts() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let marks = String(repeating: "%CC%81", count: Limits.descriptionLengthMax)
            let tooLong = try await paisa.charge(key: key, extra: [("description", "a" + marks)])
            #expect(tooLong.status == 400)
            #expect(tooLong.error["code"] as? String == "parameter_invalid_string_length")
            let longest = try await paisa.charge(key: key, extra: [("description", "a" + marks.dropFirst(6))])
            #expect(longest.status == 200)
            #expect(try await Ledger.processorRecords(account: account.id) == 1)
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
        }
    }

    @Test("property: no hostile text makes a 5xx or an approval without a charge")
    func hostileTextNeverStrandsMoney() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            var random = SplitMix(seed: Self.seed)
            for index in 0..<Self.cases {
                let field = Self.fields[random.below(Self.fields.count)]
                let text = Self.hostileText(&random, around: field.limit)
                let asJSON = random.below(2) == 0 || text.loneSurrogate
                let source = ["tok_visa", "tok_chargeDeclined", "success@upi"][random.below(3)]
                let reply: Reply
                if asJSON {
                    reply = try await paisa.send(
                        .post, "/v1/charges", key: key, json: field.jsonBody(source: source, text),
                        idempotencyKey: freshKey())
                } else {
                    reply = try await paisa.charge(
                        key: key, source: source, idempotencyKey: freshKey(),
                        extra: [(field.form, text.form + field.suffix)] + field.companions)
                }
                let context = "case \(index) of seed \(Self.seed): \(field.form) = \(text.json.prefix(120))"
                #expect(reply.status < 500, "\(context) → \(reply.status) \(reply.text.prefix(300))")
                if let valid = field.expectedValid(text) {
                    #expect(
                        (reply.status != 400) == valid, "\(context) → \(reply.status), expected valid: \(valid)")
                }
            }
            #expect(try await Ledger.unrecordedApprovals(account: account.id) == 0)
            #expect(try await Ledger.unfinishedKeys(account: account.id) == 0)
        }
    }

    /// A stored field of a charge: how to send it, and its bound.
    struct Field: Sendable {
        let form: String
        let limit: Int
        /// Whether the field's only rules are the length and storability (so validity can be predicted).
        var lengthIsTheRule = true
        /// Plain text after the hostile part, to keep the field's shape (an e-mail address's domain).
        var suffix = ""
        /// Parameters the field needs beside it (a shipping address's first line), as form pairs and as the JSON
        /// member that holds the field: `nested` places the field's JSON value inside it.
        var companions: [(String, String)] = []
        var nested: (@Sendable (String) -> String)? = nil

        /// A JSON body for a charge with `text` in this field.
        func jsonBody(source: String, _ text: HostileText) -> String {
            let value = "\"" + text.json + self.suffix + "\""
            let field =
                self.nested.map { $0(value) }
                ?? (self.form.hasPrefix("metadata[")
                    ? #""metadata": {"\#(self.form.dropFirst(9).dropLast())": \#(value)}"#
                    : #""\#(self.form)": \#(value)"#)
            return #"{"amount": 2000, "currency": "inr", "source": "\#(source)", \#(field)}"#
        }

        func expectedValid(_ text: HostileText) -> Bool? {
            guard self.lengthIsTheRule, !text.loneSurrogate else { return nil }
            return text.scalars <= self.limit && !text.hasNUL
        }
    }

    static let fields: [Field] = [
        Field(form: "description", limit: Limits.descriptionLengthMax),
        Field(form: "metadata[note]", limit: Limits.metadataValueLengthMax),
        Field(form: "statement_descriptor", limit: Limits.statementDescriptorLengthMax, lengthIsTheRule: false),
        Field(form: "receipt_email", limit: Limits.emailLengthMax - 12, lengthIsTheRule: false, suffix: "@example.com"),
        Field(
            form: "statement_descriptor_suffix", limit: Limits.statementDescriptorLengthMax, lengthIsTheRule: false),
        Field(form: "transfer_group", limit: Limits.transferGroupLengthMax),
        Field(
            form: "shipping[name]", limit: Limits.shippingFieldLengthMax,
            companions: [("shipping[address][line1]", "1%20MG%20Road")],
            nested: { #""shipping": {"name": \#($0), "address": {"line1": "1 MG Road"}}"# }),
        Field(
            form: "shipping[address][city]", limit: Limits.shippingFieldLengthMax,
            companions: [("shipping[name]", "Asha"), ("shipping[address][line1]", "1%20MG%20Road")],
            nested: { #""shipping": {"name": "Asha", "address": {"line1": "1 MG Road", "city": \#($0)}}"# }),
    ]

    /// A hostile string, ready for a form body and for a JSON string literal.
    struct HostileText {
        var form = ""
        var json = ""
        var scalars = 0
        var hasNUL = false
        var loneSurrogate = false

        mutating func append(_ scalar: Unicode.Scalar) {
            self.scalars += 1
            if scalar.value == 0 { self.hasNUL = true }
            for byte in String(scalar).utf8 { self.form += String(format: "%%%02X", byte) }
            switch scalar.value {
            case 0x22: self.json += "\\\""
            case 0x5C: self.json += "\\\\"
            case 0x20..<0x7F: self.json.unicodeScalars.append(scalar)
            case 0x10000...:
                // Past the Basic Multilingual Plane, a JSON escape is a surrogate pair.
                let value = scalar.value - 0x10000
                self.json += String(format: "\\u%04x\\u%04x", 0xD800 + (value >> 10), 0xDC00 + (value & 0x3FF))
            default: self.json += String(format: "\\u%04x", scalar.value)
            }
        }
    }

    /// Text of one hostile kind, at the limit, one past it, one short of it, or short.
    static func hostileText(_ random: inout SplitMix, around limit: Int) -> HostileText {
        let lengths = [limit - 1, limit, limit + 1, 1 + random.below(8)]
        let length = max(1, lengths[random.below(lengths.count)])
        var text = HostileText()
        switch random.below(7) {
        case 0:  // One letter with combining marks: one character on screen, `length` scalars.
            text.append("e")
            for _ in 1..<length { text.append("\u{0301}") }
        case 1:  // Characters outside the Basic Multilingual Plane: four UTF-8 bytes, one scalar each.
            for _ in 0..<length { text.append("\u{1F600}") }
        case 2:  // A NUL somewhere in otherwise plain text.
            let at = random.below(length)
            for index in 0..<length { text.append(index == at ? "\u{0}" : "a") }
        case 3:  // Control characters, the byte-order mark and bidirectional overrides.
            let hostile: [Unicode.Scalar] = ["\u{1}", "\u{1F}", "\u{7F}", "\u{FEFF}", "\u{202E}", "\u{200D}", "\t"]
            for _ in 0..<length { text.append(hostile[random.below(hostile.count)]) }
        case 4:  // Family emoji: several scalars joined into one character.
            let family: [Unicode.Scalar] = ["\u{1F468}", "\u{200D}", "\u{1F469}", "\u{200D}", "\u{1F467}"]
            for index in 0..<length { text.append(family[index % family.count]) }
        case 5:  // A lone surrogate, which only a JSON escape can carry.
            text.json = "ab\\ud800cd"
            text.scalars = 5
            text.loneSurrogate = true
        default:  // Plain ASCII, for the bounds themselves.
            for _ in 0..<length { text.append("x") }
        }
        return text
    }
}
