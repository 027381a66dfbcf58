#!/usr/bin/env bash
# The Python venvs the suite needs: the pinned Stripe SDK (.venv), one per older SDK major the legacy suite
# covers (.venv-stripe<major>, from Tests/sdk-legacy/requirements-stripe<major>.txt) and schemathesis
# (.venv-schemathesis). Each is made again whenever its requirements file changes; otherwise nothing is done.
# `make test` runs this while the Swift build runs; the SDK suite and schemathesis run it again before they start
# (a no-op by then), so that each also works alone. Prints the legacy SDK venvs, newest major first.
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
    # Anything the tools print goes to stderr: stdout carries only the list this script prints.
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$dir/requirements.txt"
  fi
}

venv .venv Tests/sdk/requirements.txt
legacy=()
for requirements in Tests/sdk-legacy/requirements-stripe*.txt; do
  major=${requirements##*requirements-stripe}
  legacy+=("$ROOT/.venv-stripe${major%.txt}")
  venv "${legacy[-1]}" "$requirements"
done
venv .venv-schemathesis Tests/schemathesis/requirements.txt
printf '%s\n' "${legacy[@]}" | sort -r
