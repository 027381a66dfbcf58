-- What the money-path review asked of the schema: the processor's record says whose payment it is and whether it
-- was voided, approvals without a charge are found and kept until they are resolved, the completer's give-up is a
-- state of its own, and pending charges are checked in turn rather than oldest first.

-- The sandbox processor's record names the account and mode it charged for, like an acquirer's merchant id, and
-- the moment a payment Paisa could not record was voided.
ALTER TABLE sandbox_processor_payments
    ADD COLUMN account_id text,
    ADD COLUMN livemode   boolean,
    ADD COLUMN voided_at  timestamptz;

-- Records made before this migration: their scope is read back from the key, or the charge, that used them.
UPDATE sandbox_processor_payments p SET account_id = k.account_id, livemode = k.livemode
FROM idempotency_keys k WHERE k.processor_key = p.processor_key AND p.account_id IS NULL;
UPDATE sandbox_processor_payments p SET account_id = c.account_id, livemode = c.livemode
FROM charges c WHERE c.processor_key = p.processor_key AND p.account_id IS NULL;

-- The approval sweep reads the record by creation time.
CREATE INDEX sandbox_processor_payments_by_created ON sandbox_processor_payments (created_at, processor_key);

-- A void the processor received, kept apart from the payments so that a void can arrive before the authorization
-- it cancels (an authorization still in flight when its request gave up): an authorization under a voided key is
-- declined.
CREATE TABLE sandbox_processor_voids (
    processor_key text        PRIMARY KEY CHECK (char_length(processor_key) BETWEEN 1 AND 100),
    voided_at     timestamptz NOT NULL DEFAULT now()
);

-- Payments the processor approved that have no charge in Paisa, as the approval sweep found them: each stays here
-- until a charge is recorded for it or it is voided. An operator's table, not a tenant's: it is small, and keyed by
-- the processor's key (account_id is null where the processor's record names no merchant).
CREATE TABLE unrecorded_approvals (
    processor_key text        PRIMARY KEY,
    account_id    text,
    livemode      boolean,
    amount        bigint      NOT NULL CHECK (amount > 0),
    currency      text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    approved_at   timestamptz NOT NULL,
    found_at      timestamptz NOT NULL DEFAULT now(),
    -- Set once the approval has gone without a charge for too long; it was then logged and counted once.
    stranded_at   timestamptz
);

-- Where the sweep has got to in the processor's record, and which instance is sweeping (a lease, so that one
-- instance sweeps at a time and a dead one is replaced).
CREATE TABLE approval_sweep (
    id                boolean     PRIMARY KEY DEFAULT true CHECK (id),
    watermark_created timestamptz,
    watermark_key     text,
    locked_until      timestamptz
);
INSERT INTO approval_sweep (id) VALUES (true);

-- The completer's give-up: once set, the key is off its list, and the give-up was logged and counted once.
ALTER TABLE idempotency_keys ADD COLUMN gave_up_at timestamptz;

-- When the reconciler next asks the processor about a pending charge. Each check moves the charge back in the
-- queue, so a few charges that stay pending cannot keep newer ones from being looked at. The default keeps an
-- instance that does not know the column (during a rolling deploy) writing valid pending charges.
ALTER TABLE charges ADD COLUMN reconcile_after timestamptz DEFAULT now();
UPDATE charges SET reconcile_after = created_at WHERE status = 'pending';
ALTER TABLE charges ADD CHECK (status <> 'pending' OR reconcile_after IS NOT NULL);

DROP INDEX charges_pending;
CREATE INDEX charges_pending ON charges (reconcile_after) WHERE status = 'pending';
