import Payments
import Synchronization
import Testing

@testable import PaymentsAPI

@Suite("The authenticated-key cache")
struct PrincipalCacheTests {
    let principal = Principal(
        accountID: "acct_x", livemode: false, keyID: "key_x", keyKind: .secret, permissions: [],
        defaultVersion: "2026-10-28")

    /// Calls `cache` `times` times for one key, answering `answer` from the "database"; returns how often it was
    /// asked and the last result.
    func lookups(_ cache: PrincipalCache, times: Int, answer: Principal?) async -> (reads: Int, last: Principal?) {
        let reads = Atomic<Int>(0)
        var last: Principal? = nil
        for _ in 0..<times {
            last = await cache.principal(keyHash: [1, 2, 3]) {
                reads.add(1, ordering: .relaxed)
                return answer
            }
        }
        return (reads.load(ordering: .relaxed), last)
    }

    @Test("a found key is read from the database once while fresh")
    func remembersFoundKeys() async {
        let (reads, last) = await self.lookups(
            PrincipalCache(lifetime: .seconds(3600)), times: 5, answer: self.principal)
        #expect(reads == 1)
        #expect(last == self.principal)
    }

    @Test("an unknown key is asked about every time; a zero lifetime turns the cache off")
    func neverRemembersUnknownKeysOrWhenOff() async {
        #expect(await self.lookups(PrincipalCache(lifetime: .seconds(3600)), times: 3, answer: nil).reads == 3)
        #expect(await self.lookups(PrincipalCache(lifetime: .zero), times: 3, answer: self.principal).reads == 3)
    }
}
