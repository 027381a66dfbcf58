/// The reads and writes available inside `PaymentsStore.finish`, all in one transaction. Objects are locked in
/// one order (PaymentIntent before its charge, charge before refund) so that concurrent requests never deadlock.
public protocol PaymentsTransaction: Sendable {
    /// Reads a charge and locks it until the transaction ends.
    func lockCharge(id: String, scope: Scope) async throws -> Charge?
    /// Writes a charge's mutable fields back.
    func updateCharge(_ charge: Charge) async throws
    /// Reads a refund and locks it until the transaction ends.
    func lockRefund(id: String, scope: Scope) async throws -> Refund?
    /// Writes a refund's mutable fields back: its metadata, its status and why it failed.
    func updateRefund(_ refund: Refund) async throws
    /// Inserts a new refund.
    func insertRefund(_ refund: Refund) async throws
    /// Appends a posting's lines to the ledger.
    func insertPosting(_ posting: Posting) async throws
    /// Reads a balance transaction (no lock: ledger rows never change).
    func balanceTransaction(id: String, scope: Scope) async throws -> BalanceTransaction?
    /// Reads a charge's refunds, newest first, at most `limit`.
    func refunds(ofCharge chargeID: String, scope: Scope, limit: Int) async throws -> Page<Refund>
    /// Inserts a new customer.
    func insertCustomer(_ customer: Customer) async throws

    /// Reads a customer (no lock).
    func customer(id: String, scope: Scope) async throws -> Customer?

    /// Reads a customer and locks it until the transaction ends.
    func lockCustomer(id: String, scope: Scope) async throws -> Customer?

    /// Writes a customer's mutable fields back.
    func updateCustomer(_ customer: Customer) async throws

    /// Inserts a new PaymentIntent.
    func insertPaymentIntent(_ intent: PaymentIntent) async throws

    /// Reads a PaymentIntent and locks it until the transaction ends.
    func lockPaymentIntent(id: String, scope: Scope) async throws -> PaymentIntent?

    /// Locks the PaymentIntent that charge `chargeID` was made for, if it was made for one: a change of such a
    /// charge moves its intent by a trigger, so it takes the intent's lock first, as the intent's own capture and
    /// cancel do, and two of them never wait on each other in opposite orders.
    func lockPaymentIntent(ofCharge chargeID: String, scope: Scope) async throws

    /// Writes an intent's fields that requests change (not those its charges move).
    func updatePaymentIntent(_ intent: PaymentIntent) async throws

    /// Lets go of the intent a confirmation took (named by its key's processor key), when it ends without a charge.
    func releaseConfirmation(scope: Scope, processorKey: String) async throws

    /// How many webhook endpoints the scope has, counted under a lock on the account so that two concurrent
    /// creations cannot both pass a limit.
    func countWebhookEndpoints(scope: Scope) async throws -> Int
    /// Inserts a new webhook endpoint.
    func insertWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws
    /// Reads a webhook endpoint and locks it until the transaction ends.
    func lockWebhookEndpoint(id: String, scope: Scope) async throws -> WebhookEndpoint?
    /// Writes an endpoint's mutable fields back.
    func updateWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws
}
