-- UPI refunds are asynchronous: a refund is accepted as `pending` and completes or fails later, when the reconciler
-- asks the processor (UPI rails answer a refund with "accepted", then "completed" or "failed", minutes apart). Card
-- refunds stay synchronous. The money leaves the merchant's balance when the refund is made, whatever its status; a
-- refund that fails brings it back by a second posting, a `refund_failure`, whose source is the refund too.

ALTER TABLE refunds DROP CONSTRAINT refunds_status_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_status_check CHECK (status IN ('pending', 'succeeded', 'failed'));
ALTER TABLE refunds
    ADD COLUMN failure_reason text CHECK (failure_reason IN ('declined', 'unknown')),
    ADD COLUMN failure_balance_transaction_id text,
    -- When the reconciler next asks about a pending refund; named as on charges, so no event records its moves.
    ADD COLUMN reconcile_after timestamptz;
ALTER TABLE refunds ADD CONSTRAINT refunds_pending_is_reconciled
    CHECK ((status = 'pending') = (reconcile_after IS NOT NULL));
ALTER TABLE refunds ADD CONSTRAINT refunds_failure_is_explained
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL)
       AND (status = 'failed') = (failure_balance_transaction_id IS NOT NULL));
CREATE INDEX refunds_to_reconcile ON refunds (reconcile_after) WHERE status = 'pending';

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_posting_type_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_posting_type_check
    CHECK (posting_type IN ('charge', 'refund', 'refund_failure'));
-- Still one posting per source and kind: a refund has its refund posting, and at most one refund_failure.
DROP INDEX ledger_entries_one_posting_per_source;
CREATE UNIQUE INDEX ledger_entries_one_posting_per_source ON ledger_entries (account_id, source_id, posting_type)
    WHERE line = 1;

-- A refund's events: `refund.created`; then, when its status moves, `refund.updated` (or `refund.failed`) and
-- `charge.refund.updated`, as Stripe sends for refunds that settle later; a change of its metadata,
-- `refund.updated`.
CREATE OR REPLACE FUNCTION refunds_record_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM events_record(
            NEW.account_id, NEW.livemode, 'refund.created', 'refund', NEW.id, to_jsonb(NEW), NULL);
        RETURN NULL;
    END IF;
    previous := events_changed_columns(to_jsonb(OLD), to_jsonb(NEW));
    IF previous = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    PERFORM events_record(
        NEW.account_id, NEW.livemode,
        CASE WHEN NEW.status = 'failed' AND OLD.status <> 'failed' THEN 'refund.failed' ELSE 'refund.updated' END,
        'refund', NEW.id, to_jsonb(NEW), previous);
    IF NEW.status <> OLD.status THEN
        PERFORM events_record(
            NEW.account_id, NEW.livemode, 'charge.refund.updated', 'refund', NEW.id, to_jsonb(NEW), previous);
    END IF;
    RETURN NULL;
END;
$$;

-- The sandbox processor's record of the refunds it was asked about: the first question submits the refund and fixes
-- when it completes and how, so every instance, and every later question, gets the same answer.
CREATE TABLE sandbox_processor_refunds (
    refund_id   text        PRIMARY KEY CHECK (refund_id ~ '^re_[0-9A-Za-z]{1,64}$'),
    decision    text        NOT NULL CHECK (decision IN ('succeeded', 'failed')),
    settles_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
