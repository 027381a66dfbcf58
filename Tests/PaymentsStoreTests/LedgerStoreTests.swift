import PaisaTestSupport
import Payments
import PaymentsStore
import PostgresNIO
import Testing

@Suite("The ledger's own guarantees, enforced by PostgreSQL")
struct LedgerStoreTests {
    static func insertLines(account: String, posting: String, amounts: [Int64]) async throws {
        let lines = amounts.indices.map { Int16($0 + 1) }
        let accounts = amounts.indices.map { $0 == 0 ? "processor_clearing" : "merchant_balance" }
        try await TestDatabase.client().query(
            """
            INSERT INTO ledger_entries (account_id, livemode, posting_id, line, ledger_account, currency, amount,
                                        posting_type, source_id, created_at, available_on)
            SELECT \(account), false, \(posting), e.line, e.account, 'inr', e.amount, 'charge', \(posting), now(), now()
            FROM unnest(\(lines)::smallint[], \(accounts)::text[], \(amounts)::bigint[]) AS e(line, account, amount)
            """, logger: TestDatabase.logger)
    }

    @Test("an unbalanced posting is refused by the database")
    func unbalancedRefused() async throws {
        let (account, _) = try await TestDatabase.account()
        await #expect(throws: PSQLError.self) {
            try await Self.insertLines(
                account: account.id, posting: ObjectID.make(.balanceTransaction), amounts: [-100, 99])
        }
        await #expect(throws: PSQLError.self) {
            try await Self.insertLines(account: account.id, posting: ObjectID.make(.balanceTransaction), amounts: [100])
        }
        try await Self.insertLines(
            account: account.id, posting: ObjectID.make(.balanceTransaction), amounts: [-100, 100])
    }

    @Test("ledger rows cannot be updated or deleted")
    func appendOnly() async throws {
        let (account, _) = try await TestDatabase.account()
        let posting = ObjectID.make(.balanceTransaction)
        try await Self.insertLines(account: account.id, posting: posting, amounts: [-500, 500])
        await #expect(throws: PSQLError.self) {
            try await TestDatabase.client().query(
                "UPDATE ledger_entries SET amount = 0 WHERE posting_id = \(posting)", logger: TestDatabase.logger)
        }
        await #expect(throws: PSQLError.self) {
            try await TestDatabase.client().query(
                "DELETE FROM ledger_entries WHERE posting_id = \(posting)", logger: TestDatabase.logger)
        }
        let remaining = try await TestDatabase.integers(
            "SELECT count(*) FROM ledger_entries WHERE posting_id = \(posting)")
        #expect(remaining == [2])
    }

    @Test("a charge's posting: processor owes the amount, merchant gets it less the fee, Paisa the fee")
    func capturePosting() {
        let charge = Charge(
            id: "ch_test", scope: Scope(accountID: "acct_test", livemode: false), amount: 10_000,
            currency: Currency.named("usd")!, amountCaptured: 10_000, amountRefunded: 0, captured: true,
            captureMethod: .automatic, status: .succeeded, failure: nil,
            paymentMethod: .card(
                .init(
                    id: "card_x", brand: "visa", last4: "4242", expMonth: 1, expYear: 2030, funding: "credit",
                    country: "US")),
            balanceTransactionID: nil, description: nil, metadata: Metadata(), receiptEmail: nil,
            statementDescriptor: nil, processorKey: "pk_x", created: .now())
        let fee = FeeSchedule.fee(for: 10_000, method: charge.paymentMethod)
        let posting = Posting.capture(of: charge, amount: 10_000, fee: fee, availableOn: .now(), at: .now())
        #expect(fee == 290)
        #expect(Posting.sum(posting.entries) == 0)
        #expect(posting.entries.contains(LedgerEntry(.merchantBalance, 9_710)))
        #expect(BalanceTransaction(posting).net == 9_710)
        #expect(BalanceTransaction(posting).amount == 10_000)
    }
}
