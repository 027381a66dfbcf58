-- Idempotency keys, charges and the double-entry ledger.
--
-- Every table leads with account_id and every unique constraint includes it, so each request stays on one shard
-- if the schema is distributed by account. The hot tables carry no foreign key to accounts: a foreign key check
-- share-locks the account row on every insert, and that row would become the lock every charge of a merchant waits
-- on. The account comes from an authenticated key, so the reference cannot dangle.

CREATE TABLE idempotency_keys (
    account_id          text        NOT NULL,
    livemode            boolean     NOT NULL,
    -- 1 to 255 printable ASCII characters, compared byte for byte.
    key                 text        NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 255 AND key ~ '^[ -~]+$'),
    -- SHA-256 over method, path, API version and canonical parameters.
    fingerprint         bytea       NOT NULL CHECK (octet_length(fingerprint) = 32),
    method              text        NOT NULL CHECK (method = 'POST'),
    path                text        NOT NULL CHECK (char_length(path) BETWEEN 1 AND 300),
    api_version         text        NOT NULL CHECK (char_length(api_version) BETWEEN 10 AND 40),
    -- The canonical parameters, so the completer can resume the request; bounded like request bodies.
    request_params      text        NOT NULL CHECK (octet_length(request_params) <= 262144),
    recovery_point      text        NOT NULL CHECK (recovery_point IN ('started', 'finished')),
    -- What the processor knows this request's payment by; made once per key row.
    processor_key       text        NOT NULL,
    -- The current holder's token and lease; both empty when nobody holds the key.
    lock_token          text,
    locked_until        timestamptz,
    attempts            integer     NOT NULL DEFAULT 1 CHECK (attempts BETWEEN 1 AND 1000000),
    original_request_id text        NOT NULL,
    response_status     integer     CHECK (response_status BETWEEN 100 AND 599),
    response_body       bytea,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_run_at         timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    PRIMARY KEY (account_id, livemode, key),
    CHECK ((recovery_point = 'finished') = (response_status IS NOT NULL AND response_body IS NOT NULL)),
    CHECK (recovery_point <> 'finished' OR (lock_token IS NULL AND locked_until IS NULL)),
    CHECK ((lock_token IS NULL) = (locked_until IS NULL))
);

-- The completer's work list and the reaper's: small partial indexes.
CREATE INDEX idempotency_keys_unfinished ON idempotency_keys (last_run_at) WHERE recovery_point <> 'finished';
CREATE INDEX idempotency_keys_reapable ON idempotency_keys (created_at) WHERE recovery_point = 'finished';

CREATE TABLE charges (
    account_id             text        NOT NULL,
    livemode               boolean     NOT NULL,
    id                     text        NOT NULL CHECK (id ~ '^ch_[0-9A-Za-z]{1,64}$'),
    amount                 bigint      NOT NULL CHECK (amount BETWEEN 1 AND 99999999),
    currency               text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    amount_captured        bigint      NOT NULL CHECK (amount_captured BETWEEN 0 AND amount),
    amount_refunded        bigint      NOT NULL CHECK (amount_refunded BETWEEN 0 AND amount),
    captured               boolean     NOT NULL,
    capture_method         text        NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    status                 text        NOT NULL CHECK (status IN ('succeeded', 'pending', 'failed')),
    failure_code           text        CHECK (char_length(failure_code) <= 100),
    decline_code           text        CHECK (char_length(decline_code) <= 100),
    failure_message        text        CHECK (char_length(failure_message) <= 1000),
    -- The payment method: a card described by the processor, or a UPI address.
    method_type            text        NOT NULL CHECK (method_type IN ('card', 'upi')),
    card_id                text,
    card_brand             text,
    card_last4             text        CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_exp_month         smallint    CHECK (card_exp_month BETWEEN 1 AND 12),
    card_exp_year          smallint    CHECK (card_exp_year BETWEEN 2000 AND 2200),
    card_funding           text,
    card_country           text,
    upi_vpa                text        CHECK (char_length(upi_vpa) <= 255),
    balance_transaction_id text,
    description            text        CHECK (char_length(description) <= 1000),
    metadata               jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    receipt_email          text        CHECK (char_length(receipt_email) <= 254),
    statement_descriptor   text        CHECK (char_length(statement_descriptor) <= 22),
    processor_key          text        NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (account_id, id),
    -- One charge per processor authorization: the last guard against recording a payment twice.
    UNIQUE (account_id, processor_key),
    CHECK (status = 'failed' OR failure_code IS NULL),
    CHECK (status <> 'failed' OR failure_code IS NOT NULL),
    CHECK (captured = (amount_captured > 0)),
    CHECK (captured = (balance_transaction_id IS NOT NULL)),
    CHECK ((method_type = 'card') = (card_last4 IS NOT NULL)),
    CHECK ((method_type = 'upi') = (upi_vpa IS NOT NULL))
);

-- Lists: newest first within an account and mode.
CREATE INDEX charges_by_created ON charges (account_id, livemode, created_at DESC, id DESC);
-- The reconciler's work list.
CREATE INDEX charges_pending ON charges (created_at) WHERE status = 'pending';

-- The ledger: one row per line of a posting. A posting's lines are written by one INSERT, sum to zero in one
-- currency (checked below for every statement), and are never updated or deleted. A balance transaction
-- (txn_...) is the view of a posting from the merchant's balance line.
CREATE TABLE ledger_entries (
    account_id     text        NOT NULL,
    livemode       boolean     NOT NULL,
    posting_id     text        NOT NULL CHECK (posting_id ~ '^txn_[0-9A-Za-z]{1,64}$'),
    line           smallint    NOT NULL CHECK (line BETWEEN 1 AND 16),
    ledger_account text        NOT NULL CHECK (ledger_account IN ('merchant_balance', 'processor_clearing', 'platform_fees')),
    currency       text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    amount         bigint      NOT NULL CHECK (amount <> 0),
    posting_type   text        NOT NULL CHECK (posting_type IN ('charge', 'refund')),
    source_id      text        NOT NULL,
    description    text        CHECK (char_length(description) <= 1100),
    created_at     timestamptz NOT NULL,
    available_on   timestamptz NOT NULL,
    PRIMARY KEY (account_id, posting_id, line)
);

-- Balance transaction lists and balance sums read the merchant's lines by time.
CREATE INDEX ledger_entries_merchant ON ledger_entries (account_id, livemode, created_at DESC, posting_id DESC)
    WHERE ledger_account = 'merchant_balance';
-- At most one posting per charge or refund.
CREATE UNIQUE INDEX ledger_entries_one_posting_per_source ON ledger_entries (account_id, source_id)
    WHERE line = 1;

-- Every INSERT must leave each of its postings balanced, in a single currency and with one set of posting
-- fields. Checked once per statement over the rows it inserted, so a posting cannot be split across statements.
CREATE FUNCTION ledger_entries_check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced text;
BEGIN
    SELECT posting_id INTO unbalanced
    FROM inserted
    GROUP BY account_id, posting_id
    HAVING sum(amount) <> 0
        OR count(DISTINCT currency) <> 1
        OR count(DISTINCT (livemode, posting_type, source_id, created_at, available_on)) <> 1
        OR count(*) < 2
        OR min(line) <> 1
        OR max(line) <> count(*)
    LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger posting % is not balanced', unbalanced USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_check_balanced();

-- Append-only: nothing updates or deletes a ledger row.
CREATE FUNCTION ledger_entries_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_refuse_change();

CREATE TRIGGER ledger_entries_no_truncate
    BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_refuse_change();
