/// The bounded text the database stores, with the bound each column's CHECK constraint enforces, in one table.
///
/// Lengths count Unicode scalars, which is what PostgreSQL's `char_length` counts in a UTF-8 database; no stored
/// text holds U+0000, which PostgreSQL stores in neither `text` nor `jsonb` (the decoders refuse it in every
/// parameter). Validation checks client values against these bounds before anything is written, so nothing a
/// client sends can be refused by the database for the first time after the processor approved a payment. A test
/// reads the CHECK constraints back from the database and compares them with this table, so the two cannot drift.
public enum StoredText {
    /// `table.column` → the most Unicode scalars the column holds.
    public static let lengthMax: [String: Int] = [
        "accounts.name": Limits.accountNameLengthMax,
        "charges.description": Limits.descriptionLengthMax,
        "charges.receipt_email": Limits.emailLengthMax,
        "charges.statement_descriptor": Limits.statementDescriptorLengthMax,
        "charges.statement_descriptor_suffix": Limits.statementDescriptorLengthMax,
        "charges.transfer_group": Limits.transferGroupLengthMax,
        "charges.upi_vpa": Limits.vpaLengthMax,
        "charges.failure_code": Limits.failureCodeLengthMax,
        "charges.decline_code": Limits.failureCodeLengthMax,
        "charges.failure_message": Limits.failureMessageLengthMax,
        "customers.email": Limits.emailLengthMax,
        "customers.name": Limits.customerNameLengthMax,
        "customers.phone": Limits.phoneLengthMax,
        "customers.description": Limits.descriptionLengthMax,
        "payment_intents.payment_method": Limits.paymentMethodIDLengthMax,
        "payment_intents.upi_vpa": Limits.vpaLengthMax,
        "payment_intents.description": Limits.descriptionLengthMax,
        "payment_intents.receipt_email": Limits.emailLengthMax,
        "payment_intents.statement_descriptor": Limits.statementDescriptorLengthMax,
        "idempotency_keys.path": Limits.requestPathLengthMax,
        "idempotency_keys.api_version": Limits.apiVersionLengthMax,
        "ledger_entries.description": Limits.ledgerDescriptionLengthMax,
        "sandbox_processor_payments.processor_key": Limits.processorKeyLengthMax,
        "sandbox_processor_payments.source": Limits.vpaLengthMax,
        "sandbox_processor_voids.processor_key": Limits.processorKeyLengthMax,
        "webhook_endpoints.description": Limits.webhookDescriptionLengthMax,
        "webhook_attempts.error": Limits.webhookAttemptErrorLengthMax,
    ]

    /// The length PostgreSQL's `char_length` gives a string: its Unicode scalars, not its grapheme clusters (a
    /// letter with 1,001 combining marks is one `Character` but 1,002 scalars).
    public static func length(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.count
    }

    /// Text of our own making (an error's description) cut to fit `max` scalars, without U+0000.
    public static func fitted(_ text: String, max: Int) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { $0 != "\u{0}" }.prefix(max))
        return String(scalars)
    }

    /// Whether a string holds U+0000, which no stored text may.
    public static func containsNUL(_ text: some StringProtocol) -> Bool {
        text.utf8.contains(0)
    }
}
