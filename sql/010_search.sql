-- Search (`GET /v1/charges/search`, `/v1/payment_intents/search`, `/v1/customers/search`): indexes that lead with
-- the account and mode, so a search reads only its own scope's index entries and rows, never another account's.
--
-- Metadata clauses (`metadata["order"]:"6735"`) are `metadata @> {"order": "6735"}`, which a GIN index answers with
-- jsonb_path_ops. btree_gin lets the same GIN index hold the account and the mode, so the index itself intersects
-- "this account and mode" with "has this pair": another account's rows with the same pair are never visited.
-- btree_gin ships with PostgreSQL (contrib) and is a trusted extension, which the database's owner may create.
-- The GIN indexes are built with fastupdate off: every insert pays its own index entries, rather than a pending list
-- that some later insert, or an ANALYZE, flushes while every other insert into the table waits (a stall longer than
-- the request budget, seen with a few thousand rows).
--
-- The other clauses are served by btree indexes ending in the list order (created_at DESC, id DESC), so an exact
-- clause on a status, a currency or a customer reads its rows newest first and stops at the page size. `amount`
-- ranges read the account's amount index and sort what they find. Clauses without an index of their own (text
-- contains, a card's last four digits, negations) are filtered while reading the scope's list index, which still
-- reads only the scope's rows.

CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX charges_search_metadata ON charges USING gin (account_id, livemode, metadata jsonb_path_ops)
    WITH (fastupdate = off);
CREATE INDEX charges_search_status ON charges (account_id, livemode, status, created_at DESC, id DESC);
CREATE INDEX charges_search_currency ON charges (account_id, livemode, currency, created_at DESC, id DESC);
CREATE INDEX charges_search_amount ON charges (account_id, livemode, amount);
CREATE INDEX charges_search_payment_intent ON charges (account_id, livemode, payment_intent_id, created_at DESC, id DESC)
    WHERE payment_intent_id IS NOT NULL;

CREATE INDEX payment_intents_search_metadata ON payment_intents
    USING gin (account_id, livemode, metadata jsonb_path_ops) WITH (fastupdate = off);
CREATE INDEX payment_intents_search_status ON payment_intents (account_id, livemode, status, created_at DESC, id DESC);
CREATE INDEX payment_intents_search_currency ON payment_intents
    (account_id, livemode, currency, created_at DESC, id DESC);
CREATE INDEX payment_intents_search_amount ON payment_intents (account_id, livemode, amount);

-- Customers: e-mail already has customers_by_email (sql/007); deleted customers are never searched.
CREATE INDEX customers_search_metadata ON customers USING gin (account_id, livemode, metadata jsonb_path_ops)
    WITH (fastupdate = off)
    WHERE deleted_at IS NULL;
CREATE INDEX customers_search_name ON customers (account_id, livemode, name, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX customers_search_phone ON customers (account_id, livemode, phone, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
