#!/usr/bin/env bash
# Builds the package and its tests, then fails if the build printed a warning about the package's own targets
# (its sources, its tests, or files SwiftPM does not know what to do with). Warnings from dependencies are
# theirs to fix and are only counted.
#
#   scripts/build-quietly.sh [swift build arguments…]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOG=.paisa/build.log
mkdir -p .paisa

# SwiftPM reports unhandled files when it loads the manifest, which it caches: touching the manifest makes it
# look again (a cheap step; sources are not recompiled). Compiler warnings show for the files compiled in this
# build, which on a clean clone is every file.
touch Package.swift
swift build --build-tests "$@" 2>&1 | tee "$LOG"

# Our warnings: a compiler diagnostic in Sources/ or Tests/, or SwiftPM's about this package, which SwiftPM names
# after the checkout's folder.
PACKAGE=$(basename "$ROOT" | tr '[:upper:]' '[:lower:]')
OURS="^$ROOT/(Sources|Tests)/|warning: '$PACKAGE'"
ours=$(grep -E "warning:" "$LOG" | grep -E "$OURS" | sort -u || true)
theirs=$(grep -E "warning:" "$LOG" | grep -cvE "$OURS" || true)
if [ -n "$ours" ]; then
  echo "build: warnings from the package's own targets:" >&2
  echo "$ours" >&2
  exit 1
fi
echo "build: no warnings from the package's own targets ($theirs from dependencies)"
