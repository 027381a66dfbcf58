-- Refunds: money returned from a captured charge, in full or in parts up to what was captured.

CREATE TABLE refunds (
    account_id             text        NOT NULL,
    livemode               boolean     NOT NULL,
    id                     text        NOT NULL CHECK (id ~ '^re_[0-9A-Za-z]{1,64}$'),
    charge_id              text        NOT NULL,
    amount                 bigint      NOT NULL CHECK (amount BETWEEN 1 AND 99999999),
    currency               text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    status                 text        NOT NULL CHECK (status IN ('succeeded')),
    reason                 text        CHECK (reason IN ('duplicate', 'fraudulent', 'requested_by_customer')),
    metadata               jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    balance_transaction_id text        NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, charge_id) REFERENCES charges (account_id, id)
);

CREATE INDEX refunds_by_created ON refunds (account_id, livemode, created_at DESC, id DESC);
CREATE INDEX refunds_by_charge ON refunds (account_id, charge_id, created_at DESC, id DESC);
