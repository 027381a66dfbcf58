#!/usr/bin/env bash
# The Stripe SDK suite: a Python venv with the pinned SDK, a Paisa server on a free port against the given
# database, a fresh account with a secret and a read-only key, then pytest over Tests/sdk.
#
#   scripts/sdk-tests.sh DATABASE_URL
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DATABASE_URL="${1:?database url}"
export DATABASE_URL
VENV="$ROOT/.venv"
BIN="$ROOT/.build/debug/paisa"

if [ ! -x "$VENV/bin/python" ] || ! cmp -s Tests/sdk/requirements.txt "$VENV/requirements.txt"; then
  echo "sdk: creating the Python environment with $(tr '\n' ' ' < Tests/sdk/requirements.txt)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r Tests/sdk/requirements.txt
  cp Tests/sdk/requirements.txt "$VENV/requirements.txt"
fi

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ACCOUNT=$("$BIN" accounts create --name sdk-suite)
KEY=$("$BIN" keys create --account "$ACCOUNT")
READ_ONLY=$("$BIN" keys create --account "$ACCOUNT" --restricted --permission charges:read)

mkdir -p .paisa
"$BIN" serve --port "$PORT" --log-level warning --sandbox-pending-ms 500 > .paisa/sdk-server.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat .paisa/sdk-server.log >&2; exit 1; fi
  sleep 0.1
done
if ! curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "sdk: the server did not answer /healthz" >&2; cat .paisa/sdk-server.log >&2; exit 1
fi

PAISA_BASE_URL="http://127.0.0.1:$PORT" PAISA_KEY="$KEY" PAISA_READ_ONLY_KEY="$READ_ONLY" \
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider Tests/sdk
