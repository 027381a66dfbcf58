-- Events and webhook deliveries.
--
-- An event is written by a trigger on the table that changed, in the transaction that changed it: a change
-- without its event, or an event for a change that rolled back, cannot happen. The event keeps the object's row as
-- it was after the change (`data`, the row as JSON) and the changed columns' values before it (`previous`); the
-- API renders both into the object's wire shape, in the reader's version, when the event is read or delivered.
-- The request that made the change is named by two transaction-local settings its statement sets
-- (`paisa.request_id`, `paisa.idempotency_key`); a change made in the background (the reconciler) has neither.

CREATE TABLE events (
    account_id      text        NOT NULL,
    livemode        boolean     NOT NULL,
    id              text        NOT NULL CHECK (id ~ '^evt_[0-9A-Za-z]{1,64}$'),
    type            text        NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    object_type     text        NOT NULL CHECK (object_type IN ('charge', 'refund')),
    object_id       text        NOT NULL,
    data            jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    previous        jsonb       CHECK (jsonb_typeof(previous) = 'object'),
    request_id      text,
    idempotency_key text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);

CREATE INDEX events_by_created ON events (account_id, livemode, created_at DESC, id DESC);
CREATE INDEX events_by_type ON events (account_id, livemode, type, created_at DESC, id DESC);
CREATE INDEX events_reapable ON events (created_at);

CREATE TABLE webhook_endpoints (
    account_id     text        NOT NULL REFERENCES accounts (id),
    livemode       boolean     NOT NULL,
    id             text        NOT NULL CHECK (id ~ '^we_[0-9A-Za-z]{1,64}$'),
    url            text        NOT NULL CHECK (octet_length(url) BETWEEN 1 AND 2048),
    enabled_events text[]      NOT NULL CHECK (cardinality(enabled_events) BETWEEN 1 AND 64),
    description    text        CHECK (char_length(description) <= 5000),
    metadata       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    api_version    text        CHECK (api_version ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[a-z]+)?$'),
    status         text        NOT NULL CHECK (status IN ('enabled', 'disabled')),
    -- Needed to sign every delivery, so kept as it is (unlike API keys, which are only ever compared).
    secret         text        NOT NULL CHECK (secret ~ '^whsec_[0-9A-Za-z]{1,64}$'),
    -- Since when every attempt has failed (NULL after a success), and the last failure: a streak of failures too
    -- long is disabled; a gap between failures (no traffic) starts a new streak.
    failing_since  timestamptz,
    last_failure_at timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (account_id, livemode) WHERE status = 'enabled';
CREATE INDEX webhook_endpoints_by_created ON webhook_endpoints (account_id, livemode, created_at DESC, id DESC);

-- One row per event and endpoint: the delivery's state and, while it is pending, when it is next due. A claimed
-- delivery is due again when its lease ends (`next_attempt_at` is the lease), so an instance that dies holding it
-- only delays it. No foreign key to the endpoint: a charge's trigger must never wait on, or fail for, an endpoint
-- being deleted at the same moment (the charge's payment is already approved). Deleting an endpoint deletes its
-- deliveries; one a concurrent charge added meanwhile is never claimed (claims join the endpoint) and goes with its
-- event.
CREATE TABLE webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      text        NOT NULL,
    livemode        boolean     NOT NULL,
    endpoint_id     text        NOT NULL,
    event_id        text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'given_up')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 1000000),
    next_attempt_at timestamptz NOT NULL,
    -- The claiming attempt's token: only it may record the outcome.
    lease_token     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (account_id, event_id, endpoint_id),
    FOREIGN KEY (account_id, event_id) REFERENCES events (account_id, id) ON DELETE CASCADE,
    CHECK ((state = 'pending') = (finished_at IS NULL))
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (account_id, endpoint_id, next_attempt_at)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (account_id, endpoint_id);

CREATE TABLE webhook_attempts (
    delivery_id bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     integer     NOT NULL CHECK (attempt >= 1),
    started_at  timestamptz NOT NULL,
    duration_ms integer     NOT NULL CHECK (duration_ms >= 0),
    -- The endpoint's HTTP status; NULL when there was none (timeout, refused connection), with `error` saying why.
    status_code integer     CHECK (status_code BETWEEN 100 AND 599),
    error       text        CHECK (char_length(error) <= 1000),
    PRIMARY KEY (delivery_id, attempt)
);

-- The columns of a row that no event reports: bookkeeping the API never shows.
CREATE FUNCTION events_changed_columns(old jsonb, new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'::jsonb)
    FROM jsonb_each(old) AS o
    WHERE o.key NOT IN ('updated_at', 'reconcile_after') AND o.value IS DISTINCT FROM new -> o.key
$$;

-- Writes one event, and one delivery for each of the account's enabled endpoints that listens for its type.
CREATE FUNCTION events_record(
    p_account text, p_livemode boolean, p_type text, p_object_type text, p_object_id text, p_data jsonb,
    p_previous jsonb
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event_id text := 'evt_' || replace(gen_random_uuid()::text, '-', '');
BEGIN
    INSERT INTO events (
        account_id, livemode, id, type, object_type, object_id, data, previous, request_id, idempotency_key)
    VALUES (
        p_account, p_livemode, event_id, p_type, p_object_type, p_object_id, p_data, p_previous,
        nullif(current_setting('paisa.request_id', true), ''),
        nullif(current_setting('paisa.idempotency_key', true), ''));
    INSERT INTO webhook_deliveries (account_id, livemode, endpoint_id, event_id, next_attempt_at)
    SELECT p_account, p_livemode, e.id, event_id, now()
    FROM webhook_endpoints AS e
    WHERE e.account_id = p_account AND e.livemode = p_livemode AND e.status = 'enabled'
      AND (e.enabled_events @> ARRAY['*'] OR e.enabled_events @> ARRAY[p_type]);
END;
$$;

-- A charge's event: its first status when it is made; a pending charge's final status when it settles; then
-- captured, refunded or updated, by what changed.
CREATE FUNCTION charges_record_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous jsonb;
    event_type text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        event_type := 'charge.' || NEW.status;
    ELSE
        previous := events_changed_columns(to_jsonb(OLD), to_jsonb(NEW));
        IF previous = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
        event_type := CASE
            WHEN OLD.status = 'pending' AND NEW.status <> 'pending' THEN 'charge.' || NEW.status
            WHEN NEW.captured AND NOT OLD.captured THEN 'charge.captured'
            WHEN NEW.amount_refunded > OLD.amount_refunded THEN 'charge.refunded'
            ELSE 'charge.updated'
        END;
    END IF;
    PERFORM events_record(NEW.account_id, NEW.livemode, event_type, 'charge', NEW.id, to_jsonb(NEW), previous);
    RETURN NULL;
END;
$$;

CREATE TRIGGER charges_events
    AFTER INSERT OR UPDATE ON charges
    FOR EACH ROW EXECUTE FUNCTION charges_record_event();

CREATE FUNCTION refunds_record_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM events_record(
            NEW.account_id, NEW.livemode, 'refund.created', 'refund', NEW.id, to_jsonb(NEW), NULL);
    ELSE
        previous := events_changed_columns(to_jsonb(OLD), to_jsonb(NEW));
        IF previous <> '{}'::jsonb THEN
            PERFORM events_record(
                NEW.account_id, NEW.livemode, 'refund.updated', 'refund', NEW.id, to_jsonb(NEW), previous);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER refunds_events
    AFTER INSERT OR UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_record_event();
