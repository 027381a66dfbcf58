/// Every bound Paisa enforces, in one place. Each has a reason; `sql/` mirrors the ones the database can check.
public enum Limits {
    /// Stripe's documented maximum, and plenty for a UUID or a cart id with a prefix.
    public static let idempotencyKeyLengthMax = 255

    /// Large enough for any charge or refund form (Stripe's biggest bodies are a few KiB), small enough that a
    /// hostile client cannot make us buffer much: bodies are refused before they are read whole.
    public static let requestBodyBytesMax = 64 * 1024

    /// Bracket nesting a parameter may use (`a[b][c][d]`); Stripe's deepest request parameters use four.
    public static let parameterDepthMax = 5

    /// Parameters one request may carry, counting every leaf; bounds parsing and fingerprinting work.
    public static let parameterCountMax = 500

    /// Length of one parameter name, brackets included.
    public static let parameterNameLengthMax = 200

    /// Length of one parameter value; the longest legitimate value (a description) is far shorter.
    public static let parameterValueLengthMax = 5000

    /// Stripe's metadata limits: 50 keys, key names up to 40 characters, values up to 500 characters.
    public static let metadataKeysMax = 50
    public static let metadataKeyLengthMax = 40
    public static let metadataValueLengthMax = 500

    /// Free-text fields on charges and refunds. Text lengths count Unicode scalars, as PostgreSQL's `char_length`
    /// does in a UTF-8 database, so a bound checked here is the bound the schema enforces (see `StoredText`).
    public static let descriptionLengthMax = 1000
    /// Card networks print at most 22 characters on a statement.
    public static let statementDescriptorLengthMax = 22
    /// RFC 5321's limit on an address.
    public static let emailLengthMax = 254
    /// UPI virtual payment addresses: NPCI allows up to 255; names this long are already unusual.
    public static let vpaLengthMax = 255

    /// The request path an idempotency key remembers (`/v1/charges/ch_…/capture`): the longest route with the
    /// longest well-formed id is far shorter.
    public static let requestPathLengthMax = 300
    /// The canonical parameters an idempotency key remembers for the completer, in UTF-8 bytes: four bodies' worth,
    /// room for the escapes canonical JSON adds, and a bound on what a query string can add to a POST.
    public static let requestParametersBytesMax = 256 * 1024
    /// An API version as stored with a key: a date and a release name of up to 20 letters fit with room to spare.
    public static let apiVersionLengthMax = 40
    /// A merchant account's display name.
    public static let accountNameLengthMax = 200
    /// Failure codes and decline codes a processor reports, and its failure messages.
    public static let failureCodeLengthMax = 100
    public static let failureMessageLengthMax = 1000
    /// A processor's key for one payment (`pk_` and 22 base62 characters, with room for other processors' forms).
    public static let processorKeyLengthMax = 100
    /// A ledger line's description: a charge's description with a refund's prefix around it.
    public static let ledgerDescriptionLengthMax = descriptionLengthMax + 100

    /// Each string of a charge's `shipping` (name, address lines, carrier, tracking number), and its
    /// `transfer_group`.
    public static let shippingFieldLengthMax = 255
    public static let transferGroupLengthMax = 255

    /// A PaymentMethod id as a client names it (`pm_card_visa`).
    public static let paymentMethodIDLengthMax = 100

    /// A customer's name and phone number, as Stripe bounds them.
    public static let customerNameLengthMax = 256
    public static let phoneLengthMax = 20

    /// Stripe's limit on webhook endpoints per account (here per account and mode).
    public static let webhookEndpointsMax = 16
    /// A webhook endpoint's URL, in bytes, and its description.
    public static let webhookURLBytesMax = 2048
    public static let webhookDescriptionLengthMax = 5000
    /// What an attempt's record keeps of why it failed.
    public static let webhookAttemptErrorLengthMax = 1000
    /// Entries of an endpoint's `enabled_events`: every type once, with room for the ones to come.
    public static let enabledEventsMax = 64
    /// Exact types one `GET /v1/events` may filter by (`types[]`), as Stripe.
    public static let eventTypesFilterMax = 20
    /// How long events are kept before the reaper deletes them (with their deliveries), as Stripe.
    public static let eventRetention: Duration = .seconds(30 * 24 * 3600)

    /// Page size for list endpoints, as Stripe: 1 to 100, 10 unless asked.
    public static let listLimitMax = 100
    public static let listLimitDefault = 10

    /// A search query's length in characters, as Stripe's queries go: ten clauses with long metadata values fit.
    public static let searchQueryLengthMax = 1000
    /// Clauses one search query may combine, as Stripe.
    public static let searchClausesMax = 10
    /// The shortest text a substring clause (`email~"asha"`) may look for, as Stripe.
    public static let searchSubstringLengthMin = 3
    /// Digits of a number in a query: a Unix time in seconds or any amount fits, and its microseconds fit Int64.
    public static let searchNumberDigitsMax = 12

    /// `expand[]` entries per request, and dots per entry (Stripe allows four levels).
    public static let expandEntriesMax = 20
    public static let expandDepthMax = 4

    /// The whole time a request may take, from arrival to the last byte of its answer.
    public static let requestBudgetDefault: Duration = .seconds(2)
    /// The shortest budget a server accepts: a charge's claim, the shortest processor call worth making and the
    /// reserve for phase 3 must fit in it, or every charge would be refused for want of time.
    public static let requestBudgetMin: Duration = .milliseconds(500)
    /// The longest budget a server accepts: past a minute, clients and load balancers have long given up.
    public static let requestBudgetMax: Duration = .seconds(60)

    /// Less time than this left for the processor is not worth asking it in: the call would almost surely end
    /// `pending` for a processor that barely heard the question. The request answers 503 instead, key unfinished.
    public static let processorCallMin: Duration = .milliseconds(50)

    /// What a charge keeps back from its budget for phase 3 and the answer after the processor call, so that
    /// a processor that answers late still leaves time to record the charge as pending.
    public static let finishReserve: Duration = .milliseconds(300)

    /// A live request never holds its key longer than its budget; the lease adds this margin for clock skew
    /// between the budget and the database. Past it, a retry or the completer may take over.
    public static let idempotencyLeaseMargin: Duration = .seconds(1)

    /// The lease of a key under a given budget.
    public static func idempotencyLease(budget: Duration) -> Duration {
        budget + idempotencyLeaseMargin
    }

    /// The lease under the default budget.
    public static let idempotencyLeaseDefault = idempotencyLease(budget: requestBudgetDefault)

    /// Stripe keeps keys at least 24 hours; so do we, by default, and never less.
    public static let idempotencyRetentionMin: Duration = .seconds(24 * 3600)

    /// Keys the reaper deletes per statement: large enough to keep up, small enough not to hold locks long.
    public static let reaperBatchSize = 1000

    /// Abandoned requests the completer resumes per pass.
    public static let completerBatchSize = 100
    /// Times the completer resumes one request before leaving it to an operator: a request that failed this
    /// often is failing for a reason a retry will not fix.
    public static let completerAttemptsMax = 10

    /// Pending charges the reconciler asks the processor about per pass.
    public static let reconcilerBatchSize = 100

    /// Attempts of one transaction on serialization failures and deadlocks, whatever the deadline says.
    public static let transactionAttemptsMax = 20
    /// First backoff after a serialization failure; doubled per attempt, jittered, capped below.
    public static let transactionBackoffInitial: Duration = .milliseconds(2)
    public static let transactionBackoffMax: Duration = .milliseconds(100)

    /// Days an uncaptured charge may wait for capture, as Stripe.
    public static let captureWindowSeconds: Int64 = 7 * 24 * 3600
}
