-- PaymentIntents: a payment's state machine on top of charges. Each confirmation makes one charge through the
-- charge path (its key, its processor call, its phase 3); the intent follows its latest charge by a trigger, so the
-- intent and the charge cannot disagree whichever path moves the charge (a confirmation, the reconciler settling a
-- pending UPI payment, a capture).

CREATE TABLE payment_intents (
    account_id          text        NOT NULL REFERENCES accounts (id),
    livemode            boolean     NOT NULL,
    id                  text        NOT NULL CHECK (id ~ '^pi_[0-9A-Za-z]{1,64}$'),
    amount              bigint      NOT NULL CHECK (amount BETWEEN 1 AND 99999999),
    currency            text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    status              text        NOT NULL CHECK (status IN (
                                        'requires_payment_method', 'requires_confirmation', 'processing',
                                        'requires_capture', 'succeeded', 'canceled')),
    capture_method      text        NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    -- The payment method as the client named it (`pm_card_visa`), or a UPI address given as
    -- `payment_method_data[upi][vpa]` (then `payment_method` is the id Paisa gave it).
    payment_method      text        CHECK (char_length(payment_method) <= 100),
    upi_vpa             text        CHECK (char_length(upi_vpa) <= 255),
    customer_id         text,
    description         text        CHECK (char_length(description) <= 1000),
    metadata            jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    receipt_email       text        CHECK (char_length(receipt_email) <= 254),
    statement_descriptor text       CHECK (char_length(statement_descriptor) <= 22),
    latest_charge_id    text,
    amount_capturable   bigint      NOT NULL DEFAULT 0 CHECK (amount_capturable BETWEEN 0 AND amount),
    amount_received     bigint      NOT NULL DEFAULT 0 CHECK (amount_received BETWEEN 0 AND amount),
    client_secret       text        NOT NULL,
    canceled_at         timestamptz,
    cancellation_reason text        CHECK (cancellation_reason IN (
                                        'duplicate', 'fraudulent', 'requested_by_customer', 'abandoned')),
    last_payment_error  jsonb       CHECK (jsonb_typeof(last_payment_error) = 'object'),
    -- The processor key of the confirmation in flight (unique to its idempotency key's row, unlike the key's
    -- text, which may be used again once the key is reaped): while it is set, only that confirmation may confirm,
    -- and nothing may change the amount or cancel. Cleared when the confirmation's charge is recorded, or when the
    -- confirmation ends without one.
    confirming_processor_key text,
    -- The processor key of a create with `confirm=true`, which makes the intent and confirms it under one key:
    -- every attempt of that key finds the intent the first one made.
    creating_processor_key text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, livemode, id),
    FOREIGN KEY (account_id, livemode, customer_id) REFERENCES customers (account_id, livemode, id),
    CHECK ((status = 'canceled') = (canceled_at IS NOT NULL))
);

CREATE UNIQUE INDEX payment_intents_by_creator ON payment_intents (account_id, livemode, creating_processor_key)
    WHERE creating_processor_key IS NOT NULL;
CREATE INDEX payment_intents_confirming ON payment_intents (account_id, livemode, confirming_processor_key)
    WHERE confirming_processor_key IS NOT NULL;
CREATE INDEX payment_intents_by_created ON payment_intents (account_id, livemode, created_at DESC, id DESC);
CREATE INDEX payment_intents_by_customer ON payment_intents (account_id, livemode, customer_id, created_at DESC, id DESC)
    WHERE customer_id IS NOT NULL;

ALTER TABLE charges
    ADD COLUMN payment_intent_id text,
    ADD FOREIGN KEY (account_id, livemode, payment_intent_id)
        REFERENCES payment_intents (account_id, livemode, id);

-- An intent follows its latest charge: pending is processing, a decline asks for another payment method (with
-- the decline as `last_payment_error`, the payment method let go as Stripe does), an authorization waits for its
-- capture, a capture succeeds. A new charge must be the confirmation that holds the intent (its processor key is
-- the intent's `confirming_processor_key`); anything else is refused as a constraint violation, which the charge
-- path answers by voiding the payment. A change of an older charge (a declined one's metadata) moves nothing.
CREATE FUNCTION charges_move_payment_intent() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE payment_intents SET
        latest_charge_id = NEW.id,
        status = CASE
            WHEN NEW.status = 'pending' THEN 'processing'
            WHEN NEW.status = 'failed' THEN 'requires_payment_method'
            WHEN NEW.captured THEN 'succeeded'
            ELSE 'requires_capture'
        END,
        amount_received = NEW.amount_captured,
        amount_capturable = CASE WHEN NEW.status = 'succeeded' AND NOT NEW.captured THEN NEW.amount ELSE 0 END,
        last_payment_error = CASE WHEN NEW.status = 'failed' THEN jsonb_build_object(
            'charge', NEW.id, 'code', NEW.failure_code, 'decline_code', NEW.decline_code,
            'message', NEW.failure_message) END,
        payment_method = CASE WHEN NEW.status = 'failed' THEN NULL ELSE payment_method END,
        upi_vpa = CASE WHEN NEW.status = 'failed' THEN NULL ELSE upi_vpa END,
        confirming_processor_key = NULL,
        updated_at = now()
    WHERE account_id = NEW.account_id AND id = NEW.payment_intent_id
      AND CASE WHEN TG_OP = 'INSERT' THEN confirming_processor_key = NEW.processor_key
               ELSE latest_charge_id = NEW.id END;
    IF TG_OP = 'INSERT' AND NOT FOUND THEN
        RAISE EXCEPTION 'charge % is not the confirmation that holds payment intent %', NEW.id, NEW.payment_intent_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER charges_payment_intents_insert
    AFTER INSERT ON charges
    FOR EACH ROW WHEN (NEW.payment_intent_id IS NOT NULL)
    EXECUTE FUNCTION charges_move_payment_intent();

CREATE TRIGGER charges_payment_intents_update
    AFTER UPDATE ON charges
    FOR EACH ROW WHEN (NEW.payment_intent_id IS NOT NULL
        AND (OLD.status, OLD.captured, OLD.amount_captured) IS DISTINCT FROM
            (NEW.status, NEW.captured, NEW.amount_captured))
    EXECUTE FUNCTION charges_move_payment_intent();

ALTER TABLE events DROP CONSTRAINT events_object_type_check;
ALTER TABLE events ADD CONSTRAINT events_object_type_check
    CHECK (object_type IN ('charge', 'refund', 'customer', 'payment_intent'));

-- An intent's event, by the status it moved to, and `payment_failed` for every declined confirmation (a decline
-- can leave the status as it was: an intent without a payment method confirmed with a declined card). Other changes
-- (an update of its metadata, a confirmation taking the intent) write none, as Stripe sends no event for them.
CREATE FUNCTION payment_intents_record_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    event_type text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        event_type := 'payment_intent.created';
    ELSIF NEW.status = 'requires_payment_method' AND NEW.last_payment_error IS NOT NULL
          AND (OLD.status <> NEW.status OR NEW.last_payment_error IS DISTINCT FROM OLD.last_payment_error) THEN
        event_type := 'payment_intent.payment_failed';
    ELSIF NEW.status = OLD.status THEN
        RETURN NULL;
    ELSE
        event_type := CASE NEW.status
            WHEN 'processing' THEN 'payment_intent.processing'
            WHEN 'succeeded' THEN 'payment_intent.succeeded'
            WHEN 'requires_capture' THEN 'payment_intent.amount_capturable_updated'
            WHEN 'canceled' THEN 'payment_intent.canceled'
        END;
        IF event_type IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM events_record(
        NEW.account_id, NEW.livemode, event_type, 'payment_intent', NEW.id, to_jsonb(NEW),
        CASE WHEN TG_OP = 'UPDATE' THEN events_changed_columns(to_jsonb(OLD), to_jsonb(NEW)) END);
    RETURN NULL;
END;
$$;

CREATE TRIGGER payment_intents_events
    AFTER INSERT OR UPDATE ON payment_intents
    FOR EACH ROW EXECUTE FUNCTION payment_intents_record_event();
