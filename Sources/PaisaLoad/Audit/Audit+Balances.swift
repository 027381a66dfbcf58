extension Audit {
    /// Each account's balance moved by exactly the nets of its succeeded, captured charges, per currency.
    ///
    /// This holds only if nothing else charges those accounts during the run; the report says so.
    func checkBalances(
        _ charges: [ServerCharge], findings: inout Findings, notes: inout [String]
    ) -> [AuditReport
        .BalanceCheck]
    {
        var checks: [AuditReport.BalanceCheck] = []
        for (account, balances) in self.balances.enumerated() {
            guard let balances else {
                notes.append("The balance of key #\(account) could not be read; its balance was not checked.")
                continue
            }
            var expected: [String: Int64] = [:]
            for charge in charges where charge.accountIndex == account && charge.movesMoney {
                expected[charge.currency, default: 0] += charge.net ?? 0
            }
            let currencies = Set(balances.before.keys).union(balances.after.keys).union(expected.keys).sorted()
            for currency in currencies {
                let before = balances.before[currency] ?? 0
                let after = balances.after[currency] ?? 0
                let want = expected[currency] ?? 0
                let passed = after - before == want
                checks.append(
                    AuditReport.BalanceCheck(
                        account: account, currency: currency, before: before, after: after, expected: want,
                        passed: passed))
                if !passed {
                    findings.add(
                        .balance, payment: nil,
                        "key #\(account) \(currency): the balance moved by \(after - before), but the run's "
                            + "successful charges add up to \(want) (difference \(after - before - want)).")
                }
            }
        }
        return checks
    }
}
