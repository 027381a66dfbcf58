/// The port to durable state. One method is one atomic phase: it commits entirely or not at all, retrying
/// serialization failures and deadlocks while the deadline allows.
public protocol PaymentsStore: IdempotencyStore {
    /// Succeeds when the database answers.
    func ping(deadline: Deadline) async throws

    // MARK: Accounts and keys

    /// The caller behind a key hash, or nil for a key that does not exist or was revoked.
    func principal(keyHash: [UInt8], deadline: Deadline) async throws -> Principal?
    /// An account by id.
    func account(id: String, deadline: Deadline) async throws -> Account?

    // MARK: Charges

    /// Phase 3 of a charge: stores the charge, its posting (if money moved) and the response on the key, in one
    /// transaction. False when the key is no longer this request's (another attempt took it over).
    func recordCharge(
        _ charge: Charge, posting: Posting?, response: StoredResponse, key: ClaimedKey, deadline: Deadline
    ) async throws -> Bool
    /// A charge of this scope, or nil.
    func charge(id: String, scope: Scope, deadline: Deadline) async throws -> Charge?
    /// Charges of this scope, newest first; of one customer only, when given.
    func charges(scope: Scope, customerID: String?, page: PageRequest, deadline: Deadline) async throws -> Page<Charge>
    /// Pending charges of every account that are due a check, longest-waiting first: the reconciler's work list.
    func pendingCharges(limit: Int, deadline: Deadline) async throws -> [Charge]
    /// Puts a pending charge back in the reconciler's queue, due again at `time`.
    func postponeReconciliation(of charge: Charge, until time: Timestamp, deadline: Deadline) async throws
    // MARK: The approval sweep

    /// Takes the sweep's lease if no other instance holds it: where the last pass stopped, or `.busy`.
    func beginApprovalSweep(lease: Duration, deadline: Deadline) async throws -> ApprovalSweepStart
    /// Approvals without a charge found so far, oldest first.
    func unrecordedApprovals(limit: Int, deadline: Deadline) async throws -> [UnrecordedApproval]
    /// Ends a pass in one transaction: keeps the new approvals without a charge, forgets the resolved ones (now
    /// recorded, or voided), moves the watermark, marks those older than `strandedAfter` stranded and releases the
    /// lease. Returns the approvals that became stranded in this pass (each is reported once).
    func finishApprovalSweep(
        found: [ProcessorApproval], resolved: [String], watermark: ProcessorApproval.Cursor?,
        strandedAfter: Duration, deadline: Deadline
    ) async throws -> [UnrecordedApproval]
    /// How many approvals without a charge are recovering, and how many stranded.
    func unrecordedApprovalCounts(deadline: Deadline) async throws -> (recovering: Int, stranded: Int)
    /// Which of these processor keys have a charge recorded in their scope.
    func recordedProcessorKeys(
        _ keys: [(scope: Scope, processorKey: String)], deadline: Deadline
    ) async throws
        -> Set<String>
    /// Moves a pending charge to its final state with its posting; false if it was no longer pending.
    func settle(_ charge: Charge, posting: Posting?, deadline: Deadline) async throws -> Bool

    /// Pending refunds (UPI's) due a question to the processor, oldest due first, each with its charge.
    func pendingRefunds(limit: Int, deadline: Deadline) async throws -> [(refund: Refund, charge: Charge)]

    /// Moves a pending refund's next question to `time`.
    func postponeReconciliation(of refund: Refund, until time: Timestamp, deadline: Deadline) async throws

    /// Settles a pending refund in one transaction: its charge and the refund locked (in that order), `end` told
    /// them as they are then and answering what they become, with the posting to add if any. False when the refund
    /// was no longer pending.
    func settle(
        pendingRefund refund: Refund, deadline: Deadline,
        end: @escaping @Sendable (Refund, Charge) -> (refund: Refund, charge: Charge?, posting: Posting?)
    ) async throws -> Bool

    // MARK: Other mutations

    /// The final phase of any other POST: runs `work` in one transaction that also stores its response on the
    /// key, and returns that response; nil when the key is no longer this request's. If `work` throws, nothing is
    /// stored.
    func finish(
        key: ClaimedKey, deadline: Deadline,
        work: @escaping @Sendable (any PaymentsTransaction) async throws -> StoredResponse
    ) async throws -> StoredResponse?

    // MARK: Refunds and the ledger

    /// A refund of this scope, or nil.
    func refund(id: String, scope: Scope, deadline: Deadline) async throws -> Refund?
    /// Refunds of this scope, newest first, optionally of one charge.
    func refunds(scope: Scope, chargeID: String?, page: PageRequest, deadline: Deadline) async throws -> Page<Refund>
    /// The refunds of one charge, newest first, at most `limit`.
    func refunds(ofCharge chargeID: String, scope: Scope, limit: Int, deadline: Deadline) async throws -> Page<Refund>
    /// A balance transaction of this scope, or nil.
    func balanceTransaction(id: String, scope: Scope, deadline: Deadline) async throws -> BalanceTransaction?
    /// Balance transactions of this scope, newest first.
    func balanceTransactions(
        scope: Scope, page: PageRequest, deadline: Deadline
    ) async throws
        -> Page<BalanceTransaction>
    /// The balance, summed from the ledger at `time`.
    func balance(scope: Scope, at time: Timestamp, deadline: Deadline) async throws -> Balance

    // MARK: Customers

    /// A customer of this scope, deleted or not, or nil.
    func customer(id: String, scope: Scope, deadline: Deadline) async throws -> Customer?

    /// The customer a charge made under `key` may name: one of the key's scope that was not deleted before the key
    /// was first used; nil otherwise. The verdict never changes for a key (its first use and a deletion are both
    /// fixed once made), so every attempt under it (a retry, the completer) decides the same way, before and after
    /// the processor was asked.
    func chargeableCustomer(id: String, key: ClaimedKey, deadline: Deadline) async throws -> Customer?

    /// Customers of this scope that are not deleted, newest first; with this exact e-mail address only, when given.
    func customers(scope: Scope, email: String?, page: PageRequest, deadline: Deadline) async throws -> Page<Customer>

    /// Deletes a customer (its row stays, marked deleted); the event names `requestID`. Nil when there was no
    /// customer, or it was deleted already.
    func deleteCustomer(id: String, scope: Scope, requestID: String, deadline: Deadline) async throws -> Customer?

    // MARK: PaymentIntents

    /// A PaymentIntent of this scope, or nil.
    func paymentIntent(id: String, scope: Scope, deadline: Deadline) async throws -> PaymentIntent?

    /// PaymentIntents of this scope, newest first; of one customer only, when given.
    func paymentIntents(
        scope: Scope, customerID: String?, page: PageRequest, deadline: Deadline
    ) async throws -> Page<PaymentIntent>

    /// Inserts the intent a create with `confirm=true` makes, or finds the one an earlier attempt of the same key
    /// made.
    func insertPaymentIntent(
        _ intent: PaymentIntent, createdBy key: ClaimedKey, deadline: Deadline
    ) async throws
        -> PaymentIntent

    /// Takes an intent for a confirmation under `key`, with this payment method or the one it has: only an intent
    /// that waits for a confirmation (`requires_payment_method`, `requires_confirmation`), has a payment method and
    /// that no other confirmation holds, or one this key already took. Nil when the intent cannot be taken.
    func takeForConfirmation(
        intentID: String, method: IntentPaymentMethod?, key: ClaimedKey, deadline: Deadline
    ) async throws -> PaymentIntent?

    // MARK: Search

    /// Charges of this scope that match a query, newest first, after the request's position.
    func searchCharges(_ search: SearchRequest, scope: Scope, deadline: Deadline) async throws -> Page<Charge>
    /// PaymentIntents of this scope that match a query, newest first.
    func searchPaymentIntents(
        _ search: SearchRequest, scope: Scope, deadline: Deadline
    ) async throws -> Page<PaymentIntent>
    /// Customers of this scope, not deleted, that match a query, newest first.
    func searchCustomers(_ search: SearchRequest, scope: Scope, deadline: Deadline) async throws -> Page<Customer>

    // MARK: Events and webhooks

    /// An event of this scope, or nil.
    func event(id: String, scope: Scope, deadline: Deadline) async throws -> Event?
    /// Events of this scope, newest first; of these types only, when given.
    func events(scope: Scope, types: [EventType]?, page: PageRequest, deadline: Deadline) async throws -> Page<Event>
    /// Deletes events older than `retention`, at most `batchSize`; returns how many went.
    func reapEvents(retention: Duration, batchSize: Int, deadline: Deadline) async throws -> Int
    /// A webhook endpoint of this scope, or nil.
    func webhookEndpoint(id: String, scope: Scope, deadline: Deadline) async throws -> WebhookEndpoint?
    /// Webhook endpoints of this scope, newest first.
    func webhookEndpoints(scope: Scope, page: PageRequest, deadline: Deadline) async throws -> Page<WebhookEndpoint>
    /// Deletes an endpoint and its deliveries; false when there was none.
    func deleteWebhookEndpoint(id: String, scope: Scope, deadline: Deadline) async throws -> Bool
    /// Claims due deliveries under a lease (see `PostgresPaymentsStore.claimDeliveries`).
    func claimDeliveries(
        limit: Int, perEndpoint: Int, lease: Duration, deadline: Deadline
    ) async throws
        -> [ClaimedDelivery]
    /// Records an attempt if its lease still holds; true when the endpoint was disabled by it.
    func recordAttempt(
        _ attempt: DeliveryAttempt, disableAfter: Duration, streakGap: Duration, deadline: Deadline
    ) async throws -> Bool
    /// Deliveries due now.
    func deliveryBacklog(deadline: Deadline) async throws -> Int
}

extension PaymentsStore {
    /// `finish`, as the idempotency layer's completion: the stored answer, or `superseded` when the key was taken.
    public func complete(
        key: ClaimedKey, deadline: Deadline,
        work: @escaping @Sendable (any PaymentsTransaction) async throws -> StoredResponse
    ) async throws -> IdempotencyLayer.Completion {
        guard let response = try await self.finish(key: key, deadline: deadline, work: work) else { return .superseded }
        return .stored(response)
    }
}
