#!/usr/bin/env bash
# The Python venvs the suite needs: the pinned Stripe SDK (.venv), one per older SDK major the legacy suite
# covers (.venv-stripe<major>, from Tests/sdk-legacy/requirements-stripe<major>.txt) and schemathesis
# (.venv-schemathesis). Each is made again whenever its requirements file changes; otherwise nothing is done.
# `make test` runs this while the Swift build runs; the SDK suite and schemathesis run it again before they start
# (a no-op by then), so that each also works alone.
#
#   scripts/venvs.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

venv() {
  local dir="$1" requirements="$2"
  if [ ! -x "$dir/bin/python" ] || ! cmp -s "$requirements" "$dir/requirements.txt"; then
    echo "venvs: creating $(basename "$dir") with $(tr '\n' ' ' < "$requirements")" >&2
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$dir/requirements.txt"
  fi
}

venv .venv Tests/sdk/requirements.txt
for requirements in Tests/sdk-legacy/requirements-stripe*.txt; do
  major=${requirements##*requirements-stripe}
  venv ".venv-stripe${major%.txt}" "$requirements"
done
venv .venv-schemathesis Tests/schemathesis/requirements.txt
