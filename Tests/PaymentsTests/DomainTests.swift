import Testing

@testable import Payments

@Suite("Money, keys and ids")
struct MoneyAndKeysTests {
    @Test("currencies format their minor units with their own exponent")
    func currencyFormat() {
        #expect(Currency.named("inr")!.format(50) == "0.50 inr")
        #expect(Currency.named("usd")!.format(123_456) == "1234.56 usd")
        #expect(Currency.named("jpy")!.format(50) == "50 jpy")
        #expect(Currency.named("USD") == Currency.named("usd"))
        #expect(Currency.named("xyz") == nil)
    }

    @Test("charges outside a currency's bounds are refused with amount_too_small and amount_too_large")
    func amountBounds() throws {
        let usd = Currency.named("usd")!
        func make(_ amount: Int64) throws(PaymentsError) -> CreateCharge {
            try CreateCharge(
                amount: amount, currency: usd, source: .cardToken("tok_visa"), capture: true, description: nil,
                metadata: Metadata(), receiptEmail: nil, statementDescriptor: nil)
        }
        #expect(
            throws: PaymentsError.invalidRequest(
                code: .amountTooSmall, message: "Amount must be at least 0.50 usd.", param: "amount")
        ) {
            try make(49)
        }
        #expect(throws: PaymentsError.self) { try make(100_000_000) }
        #expect(try make(50).amount == 50)
        #expect(try make(99_999_999).amount == 99_999_999)
    }

    @Test("API keys: shapes by prefix, hashes compare in constant time, never equal across keys")
    func apiKeys() {
        let secret = APIKey.generate(kind: .secret, livemode: false)
        let live = APIKey.generate(kind: .restricted, livemode: true)
        #expect(APIKey.shape(of: secret) == APIKey.Shape(kind: .secret, livemode: false))
        #expect(APIKey.shape(of: live) == APIKey.Shape(kind: .restricted, livemode: true))
        #expect(APIKey.shape(of: "sk_test_short") == nil)
        #expect(APIKey.shape(of: "pk_test_" + String(repeating: "a", count: 32)) == nil)
        #expect(APIKey.hash(of: secret).count == 32)
        #expect(APIKey.constantTimeEqual(APIKey.hash(of: secret), APIKey.hash(of: secret)))
        #expect(!APIKey.constantTimeEqual(APIKey.hash(of: secret), APIKey.hash(of: live)))
    }

    @Test("ids carry their prefix and 22 base62 characters, and are checked before lookups")
    func objectIDs() {
        let id = ObjectID.make(.charge)
        #expect(ObjectID.isWellFormed(id, as: .charge))
        #expect(!ObjectID.isWellFormed(id, as: .refund))
        #expect(!ObjectID.isWellFormed("ch_", as: .charge))
        #expect(!ObjectID.isWellFormed("ch_abc'--", as: .charge))
        #expect(id.count == 3 + ObjectID.randomCharacters)
        #expect(ObjectID.make(.charge) != ObjectID.make(.charge))
    }

    @Test("random characters are distinct ids over the whole base62 alphabet, each about as often as the others")
    func randomCharacters() {
        let ids = (0..<1_000).map { _ in ObjectID.randomBase62(count: ObjectID.randomCharacters) }
        #expect(Set(ids).count == ids.count)
        var counts: [Character: Int] = [:]
        for id in ids {
            #expect(id.count == ObjectID.randomCharacters)
            for character in id { counts[character, default: 0] += 1 }
        }
        // 22,000 characters over 62: about 355 each, with a standard deviation of about 19; 8 of them either way.
        #expect(counts.count == 62)
        #expect(counts.values.allSatisfy { (200...510).contains($0) })
    }

    @Test("restricted keys: write implies read, nothing else is implied")
    func permissions() {
        let principal = Principal(
            accountID: "acct_x", livemode: false, keyID: "key_x", keyKind: .restricted,
            permissions: [Permission(.charges, .write), Permission(.balance, .read)], defaultVersion: "2026-10-28")
        #expect(principal.allows(.charges, .read))
        #expect(principal.allows(.charges, .write))
        #expect(principal.allows(.balance, .read))
        #expect(!principal.allows(.balance, .write))
        #expect(!principal.allows(.refunds, .read))
        #expect(Permission("charges:write") == Permission(.charges, .write))
        #expect(Permission("charges:delete") == nil)
    }
}

@Suite("Idempotency rules")
struct IdempotencyRuleTests {
    @Test("keys are 1 to 255 printable ASCII characters")
    func keyRules() {
        #expect(throws: IdempotencyKey.Problem.empty) { try IdempotencyKey.validate("") }
        #expect(throws: IdempotencyKey.Problem.tooLong(length: 256)) {
            try IdempotencyKey.validate(String(repeating: "k", count: 256))
        }
        #expect(throws: IdempotencyKey.Problem.notPrintableASCII) { try IdempotencyKey.validate("tab\there") }
        #expect(throws: IdempotencyKey.Problem.notPrintableASCII) { try IdempotencyKey.validate("café") }
        #expect(throws: Never.self) { try IdempotencyKey.validate(String(repeating: "k", count: 255)) }
        #expect(throws: Never.self) { try IdempotencyKey.validate("a key with spaces") }
    }

    @Test("fingerprints frame their parts, so shifting text between parts changes the hash")
    func fingerprintFraming() {
        let a = RequestFingerprint.make(method: "POST", path: "/v1/charges", version: "v", canonicalParameters: "{}")
        let b = RequestFingerprint.make(method: "POST", path: "/v1/charge", version: "sv", canonicalParameters: "{}")
        let c = RequestFingerprint.make(method: "POST", path: "/v1/charges", version: "v", canonicalParameters: "{}")
        #expect(a != b)
        #expect(a == c)
    }

    @Test("fault specifications parse counts, probabilities and refuse nonsense")
    func faultSpecifications() throws {
        let faults = try FaultInjector(specification: "after_claim=crash:2,serialization_failure=fail@0")
        #expect(faults.fire(.afterClaim) == .crash)
        #expect(faults.fire(.afterClaim) == .crash)
        #expect(faults.fire(.afterClaim) == nil)
        #expect(faults.fire(.serializationFailure) == nil)
        #expect(faults.firedCount(.afterClaim) == 2)
        #expect(throws: FaultSpecificationError.self) { try FaultInjector(specification: "nowhere=crash") }
        #expect(throws: FaultSpecificationError.self) { try FaultInjector(specification: "after_claim=explode") }
        #expect(throws: FaultSpecificationError.self) { try FaultInjector(specification: "after_claim=crash:0") }
    }
}

@Suite("Metadata, fees and time")
struct LedgerRuleTests {
    @Test("metadata updates follow Stripe: empty value removes a key, an empty whole clears")
    func metadataRules() {
        var metadata = Metadata(["a": "1", "b": "2"])
        metadata.apply(.set(["a": "", "c": "3"]))
        #expect(metadata.pairs == ["b": "2", "c": "3"])
        metadata.apply(.clear)
        #expect(metadata.isEmpty)
    }

    @Test("e-mail addresses and metadata keys are read by Unicode scalar, as the OpenAPI document's patterns are")
    func scalarValidation() throws {
        // An emoji modifier after the `@` joins it into one character; it is still the address's one `@`.
        try Validation.email("asha@\u{1F3FB}example.in", param: "email")
        #expect(throws: PaymentsError.self) { try Validation.email("asha@.\u{301}example.in", param: "email") }
        #expect(throws: PaymentsError.self) { try Validation.email("asha@example", param: "email") }
        try Validation.metadata(["order_id": "6735"])
        for key in ["a]", "[a", "\u{301}]"] {
            #expect(throws: PaymentsError.self, "\(key)") { try Validation.metadata([key: "x"]) }
        }
    }

    @Test("card fees round half up; UPI pays none")
    func fees() {
        let card = PaymentMethodDetails.card(
            .init(
                id: "card_x", brand: "visa", last4: "4242", expMonth: 1, expYear: 2030, funding: "credit", country: "US"
            ))
        #expect(FeeSchedule.fee(for: 10_000, method: card) == 290)
        #expect(FeeSchedule.fee(for: 50, method: card) == 1)
        #expect(FeeSchedule.fee(for: 17, method: card) == 0)
        #expect(FeeSchedule.fee(for: 99_999_999, method: .upi(vpa: "a@upi")) == 0)
    }

    @Test("timestamps keep microseconds and floor to seconds, also before 1970")
    func timestamps() {
        #expect(Timestamp(microseconds: 1_500_000).seconds == 1)
        #expect(Timestamp(microseconds: -1).seconds == -1)
        #expect(Timestamp(seconds: 10).adding(seconds: 5).seconds == 15)
    }

    @Test("created ranges become half-open microsecond bounds")
    func createdRanges() {
        let range = CreatedRange(greaterThan: 10, lessThanOrEqual: 20)
        #expect(range.microsecondBounds.lower == 11_000_000)
        #expect(range.microsecondBounds.upper == 21_000_000)
        #expect(CreatedRange().microsecondBounds.lower == nil)
        // The ends of 64 bits neither overflow nor leave the years 1 to 9999.
        let widest = CreatedRange(greaterThan: .max, lessThanOrEqual: .min).microsecondBounds
        #expect(widest.lower == 253_402_300_800_000_000)
        #expect(widest.upper == -62_135_596_799_000_000)
        #expect(
            CreatedRange(greaterThanOrEqual: .min, lessThan: .max).microsecondBounds.upper == 253_402_300_799_000_000)
    }
}
