import Foundation
import PaisaTestSupport
import Payments
import PaymentsAPI
import PaymentsStore
import Testing

/// Golden transcripts of every endpoint under every supported version, checked in under `Fixtures/`. A change to
/// any version's output fails here. To accept an intended change, record again:
/// `PAISA_RECORD_FIXTURES=1 make test` (or `swift test --filter Compatibility` with the test database set).
@Suite("API version compatibility")
struct CompatibilityTests {
    /// The oldest version, each change's version, and the newest.
    static let versions = ["2022-08-01", "2022-11-15", "2023-10-16", "2024-09-30.acacia", "2026-10-28.endive"]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let recording = ProcessInfo.processInfo.environment["PAISA_RECORD_FIXTURES"] == "1"

    @Test("every endpoint answers each version exactly as its golden transcript", arguments: versions)
    func goldenTranscript(version: String) async throws {
        let transcript = try await Transcript.record(version: version)
        let file = Self.fixtures.appendingPathComponent("\(version).txt")
        if Self.recording {
            try transcript.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        if let difference = Transcript.firstDifference(golden, transcript) {
            Issue.record("version \(version) changed:\n\(difference)")
        }
    }

    @Test(
        "removing any one change module changes the output of every version before it",
        arguments: 0..<VersionChanges.all.count)
    func everyChangeMatters(index: Int) async throws {
        let change = VersionChanges.all[index]
        var without = VersionChanges.all
        without.remove(at: index)
        let older = Self.versions.filter { APIVersion($0)! < type(of: change).version }
        #expect(!older.isEmpty)
        for version in older {
            let transcript = try await Transcript.record(version: version, changes: without)
            let golden = try String(contentsOf: Self.fixtures.appendingPathComponent("\(version).txt"), encoding: .utf8)
            #expect(Transcript.firstDifference(golden, transcript) != nil, "\(type(of: change)) at \(version)")
        }
    }

    @Test("the same charge reads in each version's shape: refunds embedded only before 2022-11-15")
    func sameChargeEachVersion() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try #require(try await paisa.charge(key: key, amount: 3000, currency: "usd").chargeID)
            _ = try await paisa.send(.post, "/v1/refunds", key: key, form: [("charge", charge), ("amount", "100")])
            for version in Self.versions {
                let reply = try await paisa.send(
                    .get, "/v1/charges/\(charge)", key: key, headers: [("Stripe-Version", version)])
                #expect(reply.header("Stripe-Version") == version)
                let refunds = reply.json["refunds"] as? [String: Any]
                if APIVersion(version)! < ChargesStopEmbeddingRefunds.version {
                    #expect((refunds?["data"] as? [Any])?.count == 1, "\(version)")
                    #expect(refunds?["url"] as? String == "/v1/charges/\(charge)/refunds")
                } else {
                    #expect(refunds == nil, "\(version)")
                }
            }
        }
    }

    @Test("the pinned version decides requests without the header, and never those with it")
    func pinnedVersion() async throws {
        let (account, key) = try await TestDatabase.account(version: "2022-08-01")
        let admin = AccountsAdmin(client: try await TestDatabase.client(), logger: TestDatabase.logger)
        try await Paisa.with { paisa in
            let charge = try #require(
                try await paisa.charge(key: key, headers: [("Stripe-Version", Versioning.newest.text)]).chargeID)
            let path = "/v1/charges/\(charge)"
            let newest = [("Stripe-Version", Versioning.newest.text)]
            let pinnedOld = try await paisa.send(.get, path, key: key)
            #expect(pinnedOld.header("Stripe-Version") == "2022-08-01")
            #expect(pinnedOld.json["refunds"] != nil)
            let explicitNew = try await paisa.send(.get, path, key: key, headers: newest)
            #expect(explicitNew.json["refunds"] == nil)

            try await admin.setDefaultVersion(accountID: account.id, version: Versioning.newest.text)
            let pinnedNew = try await paisa.send(.get, path, key: key)
            #expect(pinnedNew.header("Stripe-Version") == Versioning.newest.text)
            #expect(pinnedNew.json["refunds"] == nil)
            let explicitOld = try await paisa.send(.get, path, key: key, headers: [("Stripe-Version", "2022-08-01")])
            #expect(explicitOld.json["refunds"] != nil)
            #expect(try await paisa.send(.get, path, key: key, headers: newest).body == explicitNew.body)
        }
    }

    @Test("malformed, too old and too new versions are refused naming the header; any date in range is valid")
    func versionValidation() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            for bad in ["yesterday", "2022-13-01", "2021-12-31", "2099-01-01", "2024-09-30.Acacia", "2023-02-29"] {
                let reply = try await paisa.send(.get, "/v1/account", key: key, headers: [("Stripe-Version", bad)])
                #expect(reply.status == 400, "\(bad)")
                #expect(reply.error["param"] as? String == "Stripe-Version")
                #expect(reply.error["code"] as? String == "api_version_invalid")
            }
            for good in [
                "2022-08-01", "2022-11-15", "2023-10-16", "2024-02-29", "2024-09-30.acacia", "2025-01-07.basil",
            ] {
                let reply = try await paisa.send(.get, "/v1/account", key: key, headers: [("Stripe-Version", good)])
                #expect(reply.status == 200, "\(good)")
                #expect(reply.header("Stripe-Version") == good)
            }
        }
    }

    @Test("an idempotent replay answers in the version of the first request")
    func replayKeepsVersion() async throws {
        let (_, key) = try await TestDatabase.account()
        let idempotencyKey = freshKey()
        try await Paisa.with { paisa in
            let old = [("Stripe-Version", "2022-08-01")]
            let first = try await paisa.charge(key: key, idempotencyKey: idempotencyKey, headers: old)
            #expect(first.json["refunds"] != nil)
            let replay = try await paisa.charge(key: key, idempotencyKey: idempotencyKey, headers: old)
            #expect(replay.body == first.body)
            #expect(replay.header("Stripe-Version") == "2022-08-01")
        }
    }
}
