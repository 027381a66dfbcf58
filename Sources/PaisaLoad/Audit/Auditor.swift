/// The audit's I/O: reads balances before the run, then after it waits for pending charges to settle (and, with
/// webhooks, for their final events), lists the run's charges from every account, reads the balances again and
/// hands everything to `Audit`.
struct Auditor: Sendable {
    /// The API's largest page.
    static let pageSize = 100
    /// Pages read per account at most: 2.5 million charges, more than twice the largest run can create.
    static let listPagesMax = 25_000
    /// How often the list is read again while charges of the run are still pending.
    static let pollInterval: Duration = .seconds(1)
    /// Charges are listed from this long before the run's start, so a server clock somewhat behind ours does
    /// not hide any (the run tag, not the time, decides what belongs to the run).
    static let createdSlackSeconds: Int64 = 300

    let client: PaisaClient
    let apiKeys: [String]
    let runID: String
    /// Whether payments went through PaymentIntents, which the audit then lists too.
    var intents = false
    /// How long to wait for pending charges to settle.
    let timeout: Duration
    /// How long to wait, after that, for the charges' final events (with webhooks).
    var webhooksDrain: Duration = .seconds(30)

    /// Every account's balance (available + pending per currency); nil where it could not be read.
    func balances() async -> (values: [[String: Int64]?], notes: [String]) {
        var values: [[String: Int64]?] = []
        var notes: [String] = []
        for (account, key) in self.apiKeys.enumerated() {
            do {
                values.append(try await self.client.balance(apiKey: key))
            } catch {
                values.append(nil)
                notes.append("Balance of key #\(account): \(error)")
            }
        }
        return (values, notes)
    }

    /// Waits for the run's charges to settle (bounded by `timeout`) and, with `webhooks`, for their final events
    /// (bounded by `webhooksDrain`), then audits. `runStart` is the run's start on the run's clock.
    func audit(
        records: [PaymentRecord], before: [[String: Int64]?], beforeNotes: [String], runStartUnix: Int64,
        webhooks: WebhookSession? = nil, runStart: ContinuousClock.Instant = .now
    )
        async -> (report: AuditReport, webhooks: WebhookJudgement?)
    {
        let clock = ContinuousClock()
        let deadline = clock.now + self.timeout
        var notes = beforeNotes
        var charges: [ServerCharge]? = nil
        let pollsMax = Int(self.timeout.seconds / Self.pollInterval.seconds) + 1
        for _ in 0...pollsMax {
            do {
                charges = try await self.listRunCharges(createdFrom: runStartUnix - Self.createdSlackSeconds)
            } catch {
                notes.append("Listing charges: \(error)")
                charges = nil
                break
            }
            let pending = charges?.contains { $0.status == .pending } ?? false
            guard pending, clock.now + Self.pollInterval < deadline else { break }
            try? await Task.sleep(for: Self.pollInterval)
        }
        var evidence: WebhookEvidence? = nil
        if let webhooks {
            var waited = Duration.zero
            if let charges { waited = await webhooks.drain(charges, limit: self.webhooksDrain) }
            evidence = WebhookEvidence(
                url: webhooks.receiver.url, endpoints: webhooks.endpoints,
                deliveries: webhooks.receiver.log.deliveries(), runStart: runStart, drainWaited: waited,
                drainLimit: self.webhooksDrain)
        }
        let after = await self.balances()
        notes += after.notes
        let balances: [Audit.Balances?] = zip(before, after.values).map { pair in
            guard let before = pair.0, let after = pair.1 else { return nil }
            return Audit.Balances(before: before, after: after)
        }
        var intents: [ServerIntent]? = nil
        if self.intents, charges != nil {
            do {
                intents = try await self.listRunIntents(createdFrom: runStartUnix - Self.createdSlackSeconds)
            } catch {
                notes.append("Listing PaymentIntents: \(error)")
                charges = nil
            }
        }
        var stranded: [Int?] = []
        for (server, url) in self.client.baseURLs.enumerated() {
            let figure = await self.client.strandedApprovals(baseURL: url)
            if figure == nil { notes.append("Server #\(server) does not report approvals without a charge (/readyz).") }
            stranded.append(figure)
        }
        return Audit(
            runID: self.runID, records: records, serverCharges: charges, balances: balances, notes: notes,
            strandedApprovals: stranded, webhooks: evidence, serverIntents: intents
        ).judge()
    }

    /// Every charge tagged with this run, from every account.
    private func listRunCharges(createdFrom: Int64) async throws -> [ServerCharge] {
        try await self.listRun("charges", convert: Self.serverCharge) { key, cursor in
            try await self.client.listCharges(
                apiKey: key, createdFrom: createdFrom, startingAfter: cursor, pageSize: Self.pageSize)
        }
    }

    /// Every PaymentIntent tagged with this run, from every account.
    private func listRunIntents(createdFrom: Int64) async throws -> [ServerIntent] {
        try await self.listRun("PaymentIntents", convert: Self.serverIntent) { key, cursor in
            try await self.client.listPaymentIntents(
                apiKey: key, createdFrom: createdFrom, startingAfter: cursor, pageSize: Self.pageSize)
        }
    }

    /// Every object of a list tagged with this run, from every account, page by page (`page` reads the one after a
    /// cursor with a key), in the audit's terms.
    private func listRun<Listed: WireListed, Audited>(
        _ what: String, convert: (Listed, Int) -> Audited,
        page: (String, String?) async throws -> WireList<Listed>
    ) async throws -> [Audited] {
        var found: [Audited] = []
        for (account, key) in self.apiKeys.enumerated() {
            var cursor: String? = nil
            for index in 0..<Self.listPagesMax {
                let list = try await page(key, cursor)
                for item in list.data where item.metadata?[Workload.runMetadataKey] == self.runID {
                    found.append(convert(item, account))
                }
                guard list.hasMore, let last = list.data.last else { break }
                guard index + 1 < Self.listPagesMax else {
                    throw APIProblem("More than \(Self.listPagesMax) pages of \(what) for key #\(account).")
                }
                cursor = last.id
            }
        }
        return found
    }

    /// A listed intent in the audit's terms.
    static func serverIntent(_ intent: WirePaymentIntent, account: Int) -> ServerIntent {
        ServerIntent(
            id: intent.id, accountIndex: account, status: intent.status, amount: intent.amount,
            currency: intent.currency, latestCharge: intent.latestCharge,
            runTag: intent.metadata?[Workload.runMetadataKey], paymentTag: intent.metadata?[Workload.paymentMetadataKey]
        )
    }

    /// A listed charge in the audit's terms; an unknown status reads as pending (not settled, not trusted).
    static func serverCharge(_ charge: WireCharge, account: Int) -> ServerCharge {
        ServerCharge(
            id: charge.id, accountIndex: account, status: ChargeStatus(rawValue: charge.status) ?? .pending,
            amount: charge.amount, currency: charge.currency, captured: charge.captured ?? false,
            runTag: charge.metadata?[Workload.runMetadataKey],
            paymentTag: charge.metadata?[Workload.paymentMetadataKey],
            net: charge.balanceTransaction?.net, paymentIntent: charge.paymentIntent)
    }
}
