#!/bin/sh
# Runs every tests/cli/test_*.sh against the accord binary given as $1 and
# prints the closing "N passed, N failed" line. Each test script gets
# ACCORD (the binary), ROOT (the repository), and a fresh scratch folder in
# TMP; it exits 0 when it passes and prints what failed otherwise.
set -u
# "Now" is pinned for reproducible results unless ACCORD_NOW is already set
# (set it empty to run on the clock).
: "${ACCORD_NOW=2026-01-05T12:00:00Z}"
export ACCORD_NOW
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ACCORD ROOT
passed=0
failed=0
for t in "$ROOT"/tests/cli/test_*.sh; do
    [ -f "$t" ] || continue
    TMP=$(mktemp -d)
    export TMP
    if out=$(cd "$TMP" && sh "$t" 2>&1); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $(basename "$t")"
        echo "$out" | tail -20 | sed 's/^/    /'
    fi
    rm -rf "$TMP"
done
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
