-- What the money-path review asked of the schema: the processor's record says whose payment it is and whether it
-- was voided, so approvals without a charge can be found; pending charges are checked in turn, not oldest first.

-- The sandbox processor's record names the account and mode it charged for, like an acquirer's merchant id, and
-- the moment a payment Paisa could not record was voided. Rows written before this migration have neither.
ALTER TABLE sandbox_processor_payments
    ADD COLUMN account_id text,
    ADD COLUMN livemode   boolean,
    ADD COLUMN voided_at  timestamptz;

-- The sweep for approvals without a charge reads the record by creation time.
CREATE INDEX sandbox_processor_payments_by_created ON sandbox_processor_payments (created_at, processor_key);

-- When the reconciler next asks the processor about a pending charge. Each check that finds it still pending moves
-- it back in the queue, so a few charges that stay pending cannot keep newer ones from being looked at.
ALTER TABLE charges ADD COLUMN reconcile_after timestamptz;
UPDATE charges SET reconcile_after = created_at WHERE status = 'pending';
ALTER TABLE charges ADD CHECK (status <> 'pending' OR reconcile_after IS NOT NULL);

DROP INDEX charges_pending;
CREATE INDEX charges_pending ON charges (reconcile_after) WHERE status = 'pending';
