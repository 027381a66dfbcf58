-- The sandbox processor's own durable record, one row per processor key, as a real acquirer keeps one per
-- idempotency key: asking again with the same key returns the first decision and moves no more money.

CREATE TABLE sandbox_processor_payments (
    processor_key         text        PRIMARY KEY CHECK (char_length(processor_key) BETWEEN 1 AND 100),
    amount                bigint      NOT NULL CHECK (amount > 0),
    currency              text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    source                text        NOT NULL CHECK (char_length(source) <= 255),
    -- The final decision; until settles_at (when set) the processor still reports 'pending'.
    decision              text        NOT NULL CHECK (decision IN ('approved', 'declined')),
    available_immediately boolean     NOT NULL DEFAULT false,
    failure_code          text,
    decline_code          text,
    failure_message       text,
    -- When the processor's answer reaches the caller (its latency), and when a pending answer becomes final.
    answers_at            timestamptz NOT NULL,
    settles_at            timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((decision = 'declined') = (failure_code IS NOT NULL))
);
