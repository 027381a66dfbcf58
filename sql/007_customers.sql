-- Customers, and the customer a charge is for.
--
-- A deleted customer keeps its row (`deleted_at` set): the charges that name it keep a customer to point to, and a
-- charge whose request checked the customer before the processor was asked can still be recorded if the customer
-- is deleted in between (the foreign key below never refuses it). A charge may name a customer deleted after its
-- idempotency key was first used, so that every attempt under the key decides alike. Deleted customers are shown as Stripe shows
-- them: `{"id", "object": "customer", "deleted": true}`; lists leave them out.

CREATE TABLE customers (
    account_id  text        NOT NULL REFERENCES accounts (id),
    livemode    boolean     NOT NULL,
    id          text        NOT NULL CHECK (id ~ '^cus_[0-9A-Za-z]{1,64}$'),
    email       text        CHECK (char_length(email) <= 254),
    name        text        CHECK (char_length(name) <= 256),
    phone       text        CHECK (char_length(phone) <= 20),
    description text        CHECK (char_length(description) <= 1000),
    metadata    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz,
    PRIMARY KEY (account_id, id),
    -- What a charge's foreign key names: the customer of the charge's own mode.
    UNIQUE (account_id, livemode, id)
);

CREATE INDEX customers_by_created ON customers (account_id, livemode, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX customers_by_email ON customers (account_id, livemode, email, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

ALTER TABLE charges
    ADD COLUMN customer_id text,
    ADD FOREIGN KEY (account_id, livemode, customer_id) REFERENCES customers (account_id, livemode, id);

CREATE INDEX charges_by_customer ON charges (account_id, livemode, customer_id, created_at DESC, id DESC)
    WHERE customer_id IS NOT NULL;

ALTER TABLE events DROP CONSTRAINT events_object_type_check;
ALTER TABLE events ADD CONSTRAINT events_object_type_check CHECK (object_type IN ('charge', 'refund', 'customer'));

-- A customer's event: created, deleted (once, when `deleted_at` is set), or updated by what changed.
CREATE FUNCTION customers_record_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous jsonb;
    event_type text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        event_type := 'customer.created';
    ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
        event_type := 'customer.deleted';
    ELSE
        previous := events_changed_columns(to_jsonb(OLD), to_jsonb(NEW));
        IF previous = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
        event_type := 'customer.updated';
    END IF;
    PERFORM events_record(NEW.account_id, NEW.livemode, event_type, 'customer', NEW.id, to_jsonb(NEW), previous);
    RETURN NULL;
END;
$$;

CREATE TRIGGER customers_events
    AFTER INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_record_event();
