-- Accounts (merchants) and their API keys. Keys are stored only as SHA-256 hashes.

CREATE TABLE accounts (
    id               text        PRIMARY KEY CHECK (id ~ '^acct_[0-9A-Za-z]{1,64}$'),
    name             text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    -- The API version requests without a Stripe-Version header are answered in.
    default_version  text        NOT NULL CHECK (default_version ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[a-z]+)?$'),
    default_currency text        NOT NULL DEFAULT 'inr' CHECK (default_currency ~ '^[a-z]{3}$'),
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    account_id  text        NOT NULL REFERENCES accounts (id),
    id          text        NOT NULL CHECK (id ~ '^key_[0-9A-Za-z]{1,64}$'),
    key_hash    bytea       NOT NULL CHECK (octet_length(key_hash) = 32),
    kind        text        NOT NULL CHECK (kind IN ('secret', 'restricted')),
    livemode    boolean     NOT NULL,
    -- resource:level pairs; only restricted keys carry them (secret keys may do everything).
    permissions text[]      NOT NULL DEFAULT '{}',
    last4       text        NOT NULL CHECK (char_length(last4) = 4),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    PRIMARY KEY (account_id, id),
    CHECK (kind = 'restricted' OR cardinality(permissions) = 0),
    CHECK (cardinality(permissions) <= 16)
);

-- The one lookup that does not start from an account: which account a presented key belongs to. With Citus this
-- table is a reference table (copied to every node), so this index stays global.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
