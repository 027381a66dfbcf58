/// Runs one logical payment: its primary caller with retries, plus the deliberate duplicate or replay its plan
/// asks for, and reports what every attempt answered. A caller sends the payment's request (a charge, or a
/// PaymentIntent made and confirmed at once); when intents are confirmed separately, it makes the intent under its
/// own key first, then confirms the intent that answer named under the payment's key.
///
/// The payment ends, for latency, at the first definitive answer any caller got (the user has their answer
/// then; a concurrent duplicate that lost the race and waits out `Retry-After` does not delay it), or when the
/// primary caller gave up. It is an error only when no caller got an answer.
struct PaymentExecutor: Sendable {
    /// How one caller ended.
    struct CallerResult: Sendable {
        var answers: [PaymentRecord.Answer] = []
        var final: AttemptOutcome = .timeout
        var attempts = 0
        var firstSent: ContinuousClock.Instant
        var finished: ContinuousClock.Instant
        /// When the first definitive answer arrived, if one did.
        var answeredAt: ContinuousClock.Instant? = nil
        /// When the first answer with a final status (not pending) arrived, if one did.
        var finalAt: ContinuousClock.Instant? = nil
        /// The PaymentIntents the answers named, in first-seen order.
        var intentIDs: [String] = []
    }

    let client: PaisaClient
    let workload: Workload
    let apiKeys: [String]
    let retry: RetryPolicy
    /// Called after every attempt, for the attempt counters and the live view.
    let onAttempt: @Sendable (AttemptOutcome) -> Void

    /// Runs the payment to its end; every loop inside is bounded by the retry policy.
    func run(_ plan: PaymentPlan) async -> Completion {
        let key = self.workload.idempotencyKey(for: plan.index)
        let body = self.workload.formBody(for: plan)
        let apiKey = self.apiKeys[plan.accountIndex]
        var primary: CallerResult
        var extra: CallerResult? = nil
        switch plan.duplication {
        case .none:
            primary = await self.call(key: key, body: body, apiKey: apiKey, stream: 0, plan: plan)
        case .concurrentDuplicate:
            async let first = self.call(key: key, body: body, apiKey: apiKey, stream: 0, plan: plan)
            async let second = self.call(key: key, body: body, apiKey: apiKey, stream: 1, plan: plan)
            primary = await first
            extra = await second
        case .sequentialRetry:
            primary = await self.call(key: key, body: body, apiKey: apiKey, stream: 0, plan: plan)
            extra = await self.call(key: key, body: body, apiKey: apiKey, stream: 1, plan: plan)
        }
        let answers = primary.answers + (extra?.answers ?? [])
        var record = PaymentRecord(
            plan: plan, answers: answers, errorClass: answers.isEmpty ? primary.final.errorClass : nil,
            attempts: primary.attempts + (extra?.attempts ?? 0),
            finalAnswerAt: [primary.finalAt, extra?.finalAt].compactMap { $0 }.min())
        record.intentIDs = Self.distinct(primary.intentIDs + (extra?.intentIDs ?? []))
        let answeredAt = [primary.answeredAt, extra?.answeredAt].compactMap { $0 }.min()
        return Completion(
            errorClass: record.errorClass, firstAnswer: answers.first,
            attempts: record.attempts, record: record, firstSent: primary.firstSent,
            finished: answeredAt ?? primary.finished)
    }

    /// One caller: the payment's request, or with intents confirmed separately the intent's creation and then
    /// its confirmation.
    private func call(
        key: String, body: String, apiKey: String, stream: UInt64, plan: PaymentPlan
    ) async
        -> CallerResult
    {
        guard case .paymentIntents(confirmSeparately: true) = self.workload.api else {
            let path = self.workload.api == .charges ? "/v1/charges" : "/v1/payment_intents"
            return await self.send(path, key: key, body: body, apiKey: apiKey, stream: stream << 1, plan: plan)
        }
        let created = await self.send(
            "/v1/payment_intents", key: self.workload.creationKey(for: plan.index), body: body, apiKey: apiKey,
            stream: stream << 1, plan: plan)
        guard case .made = created.final, let intentID = created.intentIDs.last else { return created }
        var confirmed = await self.send(
            "/v1/payment_intents/\(FormEncoding.escape(intentID))/confirm", key: key, body: "", apiKey: apiKey,
            stream: stream << 1 | 1, plan: plan)
        confirmed.attempts += created.attempts
        confirmed.firstSent = created.firstSent
        confirmed.intentIDs = Self.distinct(created.intentIDs + confirmed.intentIDs)
        return confirmed
    }

    /// One request: attempts with the same key and body until an answer, a final refusal or the attempt limit.
    private func send(
        _ path: String, key: String, body: String, apiKey: String, stream: UInt64, plan: PaymentPlan
    ) async
        -> CallerResult
    {
        let clock = ContinuousClock()
        var random = SeededRandom(seed: self.workload.seed ^ 0x5EED, stream: UInt64(plan.index) << 2 | stream)
        var result = CallerResult(firstSent: clock.now, finished: clock.now)
        // A keyless payment sends no key at first, then the one the server named, as a careful client would.
        var key: String? = plan.keyless ? nil : key
        for attempt in 1...self.retry.attemptsMax {
            let (outcome, named, intentID) = await self.client.pay(
                path, apiKey: apiKey, idempotencyKey: key, body: body)
            key = key ?? named
            if let intentID, !result.intentIDs.contains(intentID) { result.intentIDs.append(intentID) }
            self.onAttempt(outcome)
            result.attempts = attempt
            result.final = outcome
            switch outcome {
            case .charged(let id, let status, _): result.answers.append(.charge(id: id, status: status))
            case .declined(let id, _): result.answers.append(.declined(chargeID: id))
            default: break
            }
            if outcome.isAnswer && result.answeredAt == nil { result.answeredAt = clock.now }
            if outcome.isFinalAnswer && result.finalAt == nil { result.finalAt = clock.now }
            // Without a key, a retry would be a second payment: a keyless client that learned none stops here.
            guard outcome.isRetryable, attempt < self.retry.attemptsMax, key != nil else { break }
            let pause = self.retry.delay(
                afterAttempt: attempt, retryAfter: outcome.retryAfter, unit: random.unitInterval())
            try? await Task.sleep(for: pause)
        }
        result.finished = clock.now
        return result
    }

    /// `ids` without repeats, in first-seen order.
    static func distinct(_ ids: [String]) -> [String] {
        var seen: [String] = []
        for id in ids where !seen.contains(id) { seen.append(id) }
        return seen
    }
}
