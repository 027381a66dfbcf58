#!/usr/bin/env bash
# Runs a command and says, on stderr, how long it took: `make test` reports where its time goes.
#
#   scripts/timed.sh NAME COMMAND [ARGUMENTS…]
set -uo pipefail
name=$1
shift
start=$SECONDS
"$@"
status=$?
echo "timed: $name took $((SECONDS - start)) s" >&2
exit $status
