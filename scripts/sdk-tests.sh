#!/usr/bin/env bash
# The Stripe SDK suite: a Python venv with the pinned SDK and one per older major (7.x, 5.x), a Paisa server on a
# free port against the given database, a fresh account with a secret and a read-only key (and a second account's
# secret key, to show one account cannot reach another's objects), then pytest over Tests/sdk (the pinned SDK's
# StripeClient) and Tests/sdk-legacy (each older major's module-level calls).
#
#   scripts/sdk-tests.sh DATABASE_URL
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DATABASE_URL="${1:?database url}"
export DATABASE_URL
VENV="$ROOT/.venv"
BIN="$ROOT/.build/debug/paisa"

# The venvs (the pinned SDK's, and one per older major still common in production, in the module-level style
# their integrations use, newest first), made or brought up to date.
LEGACY_VENVS=$(scripts/venvs.sh)

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ACCOUNT=$("$BIN" accounts create --name sdk-suite)
KEY=$("$BIN" keys create --account "$ACCOUNT")
READ_ONLY=$("$BIN" keys create --account "$ACCOUNT" --restricted --permission charges:read)
OTHER_KEY=$("$BIN" keys create --account "$("$BIN" accounts create --name sdk-suite-other)")

mkdir -p .paisa
# Webhook retries in milliseconds, not minutes, so Tests/sdk/test_webhooks.py sees a retried delivery arrive. No
# rate limit: the suite's requests come faster than test mode's 25/s, and the limit has a server of its own below.
"$BIN" serve --port "$PORT" --log-level warning --sandbox-pending-ms 500 --rate-limit-test 0 \
  --webhook-retry-first-ms 200 --webhook-retry-max-ms 1000 --webhook-poll-ms 50 > .paisa/sdk-server.log 2>&1 &
SERVER=$!
# A second server on the same database whose test mode admits one request a second of each kind: the SDKs'
# RateLimitError. Its background services work on the same database (webhook deliveries, pending payments and
# refunds), so it takes the same settings as the first, or a delivery it attempts is retried on its schedule.
LIMITED_PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --port "$LIMITED_PORT" --log-level warning --rate-limit-test 1 --sandbox-pending-ms 500 \
  --webhook-retry-first-ms 200 --webhook-retry-max-ms 1000 --webhook-poll-ms 50 > .paisa/sdk-limited-server.log 2>&1 &
LIMITED=$!
trap 'kill "$SERVER" "$LIMITED" 2>/dev/null || true; wait "$SERVER" "$LIMITED" 2>/dev/null || true' EXIT

for port in "$PORT" "$LIMITED_PORT"; do
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER" "$LIMITED" 2>/dev/null; then cat .paisa/sdk-server.log .paisa/sdk-limited-server.log >&2; exit 1; fi
    sleep 0.1
  done
  if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "sdk: the server on port $port did not answer /healthz" >&2; exit 1
  fi
done
export PAISA_LIMITED_BASE_URL="http://127.0.0.1:$LIMITED_PORT"

echo "sdk: stripe $("$VENV/bin/python" -c 'import stripe; print(stripe.VERSION)') (StripeClient)" >&2
PAISA_BASE_URL="http://127.0.0.1:$PORT" PAISA_KEY="$KEY" PAISA_READ_ONLY_KEY="$READ_ONLY" \
  PAISA_OTHER_ACCOUNT_KEY="$OTHER_KEY" "$VENV/bin/python" -m pytest -q -p no:cacheprovider Tests/sdk
for legacy in $LEGACY_VENVS; do
  python="$legacy/bin/python"
  echo "sdk: stripe $("$python" -c 'import stripe.version; print(stripe.version.VERSION)') (module-level calls)" >&2
  PAISA_BASE_URL="http://127.0.0.1:$PORT" PAISA_KEY="$KEY" "$python" -m pytest -q -p no:cacheprovider Tests/sdk-legacy
done
