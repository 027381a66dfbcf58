import PaisaTestSupport
import Payments
import SandboxProcessor
import Testing

@Suite("The sandbox processor")
struct SandboxProcessorTests {
    static func authorization(
        _ key: String, source: String = "tok_visa", amount: Int64 = 1000, scope: Scope
    ) -> Authorization {
        Authorization(
            processorKey: key, scope: scope, amount: amount, currency: Currency.named("inr")!,
            source: PaymentSource(parameter: source))
    }

    /// A scope no other test uses, so counts of its records are this test's alone.
    static func scope() -> Scope {
        Scope(accountID: "acct_" + ObjectID.randomBase62(count: 16), livemode: false)
    }

    static func processor() async throws -> SandboxProcessor {
        SandboxProcessor(client: try await TestDatabase.client(), settings: .init(), logger: TestDatabase.logger)
    }

    @Test("the same processor key answers the same decision and moves the money once")
    func idempotentPerKey() async throws {
        let processor = try await Self.processor()
        let scope = Self.scope()
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        let first = try await processor.authorize(Self.authorization(key, source: "tok_chargeDeclined", scope: scope))
        let second = try await processor.authorize(Self.authorization(key, source: "tok_chargeDeclined", scope: scope))
        #expect(first == second)
        guard case .declined(let failure) = first else { throw Failure("expected a decline, got \(first)") }
        #expect(failure.declineCode == "generic_decline")
        let records = try await TestDatabase.integers(
            "SELECT count(*) FROM sandbox_processor_payments WHERE account_id = \(scope.accountID)")
        #expect(records == [1])
        #expect(try await processor.status(processorKey: key) == first)
        #expect(try await processor.status(processorKey: "pk_never_seen") == nil)
    }

    @Test("a processor key reused for a different payment is refused, and the first payment's record is unchanged")
    func keyReuseRefused() async throws {
        let processor = try await Self.processor()
        let scope = Self.scope()
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        let first = try await processor.authorize(Self.authorization(key, amount: 1000, scope: scope))
        #expect(first == .approved(availableImmediately: false))
        for other in [
            Self.authorization(key, amount: 2000, scope: scope),
            Self.authorization(key, source: "tok_mastercard", scope: scope),
            Self.authorization(key, scope: Self.scope()),
        ] {
            await #expect(throws: (any Error).self) { _ = try await processor.authorize(other) }
        }
        let stored = try await TestDatabase.strings(
            """
            SELECT amount::text || ' ' || source || ' ' || account_id || ' ' || decision
            FROM sandbox_processor_payments WHERE processor_key = \(key)
            """)
        #expect(stored == ["1000 tok_visa \(scope.accountID) approved"])
    }

    @Test("a voided payment answers a decline from then on, and is no longer among the approvals")
    func voidedPayments() async throws {
        let processor = try await Self.processor()
        let scope = Self.scope()
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        let before = Timestamp.now().adding(seconds: -1)
        #expect(
            try await processor.authorize(Self.authorization(key, scope: scope))
                == .approved(availableImmediately: false))
        let listed = try await processor.approvals(
            after: ProcessorApproval.Cursor(created: before, processorKey: ""), lookback: .zero, olderThan: .zero,
            limit: 10_000)
        #expect(listed.contains { $0.processorKey == key && $0.scope == scope && $0.amount == 1000 })
        try await processor.void(processorKey: key)
        try await processor.void(processorKey: key)
        guard case .declined(let failure)? = try await processor.status(processorKey: key) else {
            throw Failure("a voided payment must answer a decline")
        }
        #expect(failure.code == .processingError)
        guard case .declined = try await processor.authorize(Self.authorization(key, scope: scope)) else {
            throw Failure("asking again after a void must not approve")
        }
        let after = try await processor.approvals(
            after: ProcessorApproval.Cursor(created: before, processorKey: ""), lookback: .zero, olderThan: .zero,
            limit: 10_000)
        #expect(!after.contains { $0.processorKey == key })
    }

    @Test("a void that arrives before its authorization makes the authorization a decline")
    func voidBeforeAuthorization() async throws {
        let processor = try await Self.processor()
        let scope = Self.scope()
        let key = "pk_" + ObjectID.randomBase62(count: 20)
        try await processor.void(processorKey: key)
        guard case .declined(let failure)? = try await processor.status(processorKey: key) else {
            throw Failure("a voided key must answer a decline")
        }
        #expect(failure.code == .processingError)
        guard case .declined = try await processor.authorize(Self.authorization(key, scope: scope)) else {
            throw Failure("an authorization after its void must be declined")
        }
        let records = try await TestDatabase.integers(
            "SELECT count(*) FROM sandbox_processor_payments WHERE processor_key = \(key)")
        #expect(records == [0])
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

    /// A paid UPI charge from `vpa` and a pending refund of it, neither stored: only the processor sees them.
    static func pendingRefund(vpa: String) -> (Refund, Charge) {
        let scope = Self.scope()
        let inr = Currency.named("inr")!
        let charge = Charge(
            id: ObjectID.make(.charge), scope: scope, amount: 1000, currency: inr, amountCaptured: 1000,
            amountRefunded: 1000, captured: true, captureMethod: .automatic, status: .succeeded, failure: nil,
            paymentMethod: .upi(vpa: vpa), balanceTransactionID: nil, description: nil, metadata: Metadata(),
            receiptEmail: nil, statementDescriptor: nil, processorKey: "pk_" + ObjectID.randomBase62(count: 20),
            created: .now())
        let refund = Refund(
            id: ObjectID.make(.refund), scope: scope, chargeID: charge.id, amount: 1000, currency: inr,
            status: .pending, reason: nil, metadata: Metadata(),
            balanceTransactionID: ObjectID.make(.balanceTransaction),
            created: .now())
        return (refund, charge)
    }

    @Test("a UPI refund's fate is fixed by the first question about it: later questions, from any settings, agree")
    func refundOutcomeIsRecorded() async throws {
        let client = try await TestDatabase.client()
        let slow = SandboxProcessor(
            client: client, settings: .init(pendingSettle: .seconds(3600)), logger: TestDatabase.logger)
        let prompt = SandboxProcessor(
            client: client, settings: .init(pendingSettle: .zero), logger: TestDatabase.logger)
        let (refund, charge) = Self.pendingRefund(vpa: "success@upi")
        #expect(try await slow.refundOutcome(of: refund, charge: charge) == nil)
        // Another instance with no delay asks about the same refund: the record made by the first question wins.
        #expect(try await prompt.refundOutcome(of: refund, charge: charge) == nil)
        let (fresh, freshCharge) = Self.pendingRefund(vpa: "success@upi")
        #expect(try await prompt.refundOutcome(of: fresh, charge: freshCharge) == .succeeded)
        let (failing, failingCharge) = Self.pendingRefund(vpa: "refundfail@upi")
        #expect(try await prompt.refundOutcome(of: failing, charge: failingCharge) == .failed(.declined))
        #expect(try await prompt.refundOutcome(of: failing, charge: failingCharge) == .failed(.declined))
        let records = try await TestDatabase.integers(
            "SELECT count(*) FROM sandbox_processor_refunds WHERE refund_id = \(failing.id)")
        #expect(records == [1])
    }
}
