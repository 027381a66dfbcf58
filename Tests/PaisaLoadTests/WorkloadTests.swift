import Foundation
import Testing

@testable import PaisaLoad

@Suite("Workload")
struct WorkloadTests {
    private func workload(
        mix: SourceMix = .standard, accounts: Int = 1, hot: Double? = nil, retry: Double = 0.05,
        duplicate: Double = 0.02
    ) throws -> Workload {
        try Workload(
            runID: "run1", seed: 7, mix: mix, accountCount: accounts, hotShare: hot, retryShare: retry,
            duplicateShare: duplicate, amounts: 100...100_000)
    }

    @Test("plans are a pure function of seed and index")
    func deterministic() throws {
        let workload = try self.workload()
        // Another workload with the same seed and run id plans the same payment.
        #expect(workload.plan(for: 12) == (try self.workload()).plan(for: 12))
        let plans = (0..<100).map(workload.plan(for:))
        #expect(Set(plans.map(\.amount)).count > 50)
        #expect(plans.allSatisfy { (100...100_000).contains($0.amount) })
    }

    @Test("the mix, retry and duplicate shares are honoured over many payments")
    func shares() throws {
        let workload = try self.workload(
            mix: try SourceMix.parse("card=50,decline=25,pending=25"), retry: 0.1, duplicate: 0.2)
        let plans = (0..<20_000).map(workload.plan(for:))
        func share(_ test: (PaymentPlan) -> Bool) -> Double { Double(plans.filter(test).count) / Double(plans.count) }
        #expect(abs(share { $0.source == .card } - 0.5) < 0.02)
        #expect(abs(share { $0.source == .decline } - 0.25) < 0.02)
        #expect(share { $0.source == .slow } == 0)
        #expect(abs(share { $0.duplication == .sequentialRetry } - 0.1) < 0.01)
        #expect(abs(share { $0.duplication == .concurrentDuplicate } - 0.2) < 0.015)
    }

    @Test("keyless payments take their share and are never sent twice on purpose")
    func keylessShare() throws {
        let workload = try Workload(
            runID: "run1", seed: 7, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0.2,
            duplicateShare: 0.2, amounts: 100...100_000, keylessShare: 0.5)
        let plans = (0..<20_000).map(workload.plan(for:))
        let keyless = plans.filter(\.keyless)
        #expect(keyless.allSatisfy { $0.duplication == .none })
        // Half of the 60% that are not duplicated.
        #expect(abs(Double(keyless.count) / Double(plans.count) - 0.3) < 0.02)
        #expect(throws: LoadInputError.self) {
            try Workload(
                runID: "run1", seed: 7, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0,
                duplicateShare: 0, amounts: 100...100_000, keylessShare: 1.5)
        }
    }

    @Test("hostile text stays within every limit, in scalars, with no NUL, and reaches the limit")
    func hostileText() throws {
        let workload = try Workload(
            runID: "run1", seed: 7, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0,
            duplicateShare: 0, amounts: 100...100_000, text: .hostile)
        var longest = 0
        for index in 0..<400 {
            let body = workload.formBody(for: workload.plan(for: index))
            var fields: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "?"
                }
                fields[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let description = try #require(fields["description"])
            let note = try #require(fields["metadata[paisa_load_text]"])
            #expect((1...TextStyle.descriptionScalarsMax).contains(description.unicodeScalars.count))
            #expect((1...TextStyle.metadataValueScalarsMax).contains(note.unicodeScalars.count))
            #expect(!description.unicodeScalars.contains("\u{0}") && !note.unicodeScalars.contains("\u{0}"))
            #expect(fields["metadata[paisa_load_payment]"] == String(index))
            longest = max(longest, description.unicodeScalars.count)
        }
        #expect(longest == TextStyle.descriptionScalarsMax)
    }

    @Test("a hot account takes its share; the rest spreads over the other keys")
    func hotAccount() throws {
        let plans = (0..<20_000).map(try self.workload(accounts: 4, hot: 0.7).plan(for:))
        let counts = (0..<4).map { account in plans.filter { $0.accountIndex == account }.count }
        #expect(abs(Double(counts[0]) / 20_000 - 0.7) < 0.02)
        #expect(counts[1...].allSatisfy { abs(Double($0) / 20_000 - 0.1) < 0.015 })
        let even = (0..<20_000).map(try self.workload(accounts: 4).plan(for:))
        #expect(
            (0..<4).allSatisfy { account in
                abs(Double(even.filter { $0.accountIndex == account }.count) / 20_000 - 0.25) < 0.02
            })
    }

    @Test("the form body carries the run and payment tags, bracket-encoded, identical for every attempt")
    func form() throws {
        let workload = try self.workload()
        let plan = PaymentPlan(index: 5, accountIndex: 0, amount: 1234, source: .pending, duplication: .none)
        let body = workload.formBody(for: plan)
        #expect(body.hasPrefix("amount=1234&currency=inr&source=pending%40upi&capture=true&"))
        #expect(body.contains("metadata%5Bpaisa_load_run%5D=run1"))
        #expect(body.contains("metadata%5Bpaisa_load_payment%5D=5"))
        #expect(body == (try self.workload()).formBody(for: plan))
        #expect(workload.idempotencyKey(for: 5) == "pl-run1-5")
    }

    @Test("mix parsing: weights, unknown kinds, duplicates, all zero")
    func mixParsing() throws {
        let mix = try SourceMix.parse("card=3, slow=1,upi_decline=0")
        #expect(mix.text == "card=3,slow=1")
        #expect(mix.kind(at: 0.75) == .card && mix.kind(at: 0.76) == .slow && mix.kind(at: 1) == .slow)
        for bad in ["cash=1", "card", "card=-1", "card=1,card=2", "card=0", "card=x"] {
            #expect(throws: LoadInputError.self) { try SourceMix.parse(bad) }
        }
    }

    @Test("invalid workloads are refused")
    func refusals() {
        #expect(throws: LoadInputError.self) { try self.workload(retry: 0.6, duplicate: 0.5) }
        #expect(throws: LoadInputError.self) { try self.workload(retry: -0.1) }
        #expect(throws: LoadInputError.self) { try self.workload(hot: 1.5) }
        #expect(throws: LoadInputError.self) { try self.workload(accounts: 0) }
        #expect(throws: LoadInputError.self) {
            try Workload(
                runID: "Bad Run", seed: 1, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0,
                duplicateShare: 0, amounts: 100...200)
        }
        #expect(throws: LoadInputError.self) {
            try Workload(
                runID: "ok", seed: 1, mix: .standard, accountCount: 1, hotShare: nil, retryShare: 0, duplicateShare: 0,
                amounts: 10...200)
        }
        #expect(Workload.newRunID().count == 10)
    }
}
