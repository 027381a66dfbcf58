import PaisaTestSupport
import Payments
import SandboxProcessor
import Testing

@Suite("The sandbox processor")
struct SandboxProcessorTests {
    static func authorization(_ key: String, source: String = "tok_visa", amount: Int64 = 1000) -> Authorization {
        Authorization(
            processorKey: key, scope: Scope(accountID: "acct_sandbox", livemode: false), amount: amount,
            currency: Currency.named("inr")!, source: PaymentSource(parameter: source))
    }

    @Test("the same processor key answers the same decision and keeps one record")
    func idempotentPerKey() async throws {
        let processor = SandboxProcessor(
            client: try await TestDatabase.client(), settings: .init(), logger: TestDatabase.logger)
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        let first = try await processor.authorize(Self.authorization(key, source: "tok_chargeDeclined"))
        let second = try await processor.authorize(Self.authorization(key, source: "tok_chargeDeclined"))
        #expect(first == second)
        guard case .declined(let failure) = first else { throw Failure("expected a decline, got \(first)") }
        #expect(failure.declineCode == "generic_decline")
        let rows = try await TestDatabase.integers(
            "SELECT count(*) FROM sandbox_processor_payments WHERE processor_key = \(key)")
        #expect(rows == [1])
        #expect(try await processor.status(processorKey: key) == first)
        #expect(try await processor.status(processorKey: "pk_never_seen") == nil)
    }

    @Test("a processor key reused for a different payment is refused, never charged again")
    func keyReuseRefused() async throws {
        let processor = SandboxProcessor(
            client: try await TestDatabase.client(), settings: .init(), logger: TestDatabase.logger)
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        _ = try await processor.authorize(Self.authorization(key, amount: 1000))
        await #expect(throws: (any Error).self) {
            _ = try await processor.authorize(Self.authorization(key, amount: 2000))
        }
    }

    @Test("unknown tokens, malformed UPI addresses and UPI in other currencies are client errors")
    func describeRefusals() throws {
        let inr = Currency.named("inr")!
        let usd = Currency.named("usd")!
        #expect(throws: PaymentsError.self) {
            try SandboxCatalog.behaviour(of: .cardToken("tok_nope"), currency: inr, capture: true)
        }
        #expect(throws: PaymentsError.self) {
            try SandboxCatalog.behaviour(of: .upi(vpa: "a@b@c"), currency: inr, capture: true)
        }
        #expect(throws: PaymentsError.self) {
            try SandboxCatalog.behaviour(of: .upi(vpa: "success@upi"), currency: usd, capture: true)
        }
        #expect(throws: PaymentsError.self) {
            try SandboxCatalog.behaviour(of: .upi(vpa: "success@upi"), currency: inr, capture: false)
        }
        #expect(throws: PaymentsError.self) {
            try SandboxCatalog.behaviour(of: .upi(vpa: "bob@okaxis"), currency: inr, capture: true)
        }
        let (method, behaviour) = try SandboxCatalog.behaviour(
            of: .upi(vpa: "pending@upi"), currency: inr, capture: true)
        #expect(method == .upi(vpa: "pending@upi"))
        #expect(behaviour == .approveLater)
    }
}
