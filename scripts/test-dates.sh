#!/bin/sh
# The demo's gold checks run unpinned (ACCORD_NOW empty: "now" is the
# clock) under faked clocks after the events, with Debian's faketime: weeks
# after, a year after, years after. A result that moves with the clock fails
# here. usage: sh scripts/test-dates.sh [BUILD_DIR]   (default build)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$ROOT/${1:-build}" && pwd)
GOLD="$ROOT/data/demo/seeds-gold.json"
command -v faketime >/dev/null 2>&1 || { echo "test-dates: faketime is missing (sh scripts/install-deps.sh)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
for day in 2026-01-05 2026-12-20 2031-06-01; do
    at="$day 12:00:00"
    # faketime must really move the clock the process sees
    seen=$(faketime "$at" date -u +%Y-%m-%d)
    if [ "$seen" != "$day" ]; then
        echo "test-dates: faketime '$at' shows $seen: the clock is not faked" >&2
        exit 1
    fi
    # the unit tests on the demo corpus (all orders) and on the clock
    for filter in demo clock; do
        if ! (cd "$ROOT/tests/unit" && ACCORD_NOW= faketime "$at" "$BUILD/unit-tests" "$filter" >"$TMP/unit.txt" 2>&1); then
            echo "FAIL unit tests '$filter' at $day"
            tail -20 "$TMP/unit.txt" | sed 's/^/    /'
            failed=$((failed + 1))
        fi
    done
    # an ingest of the demo corpus: the gold stories and event dates
    rm -f "$TMP"/t.db*
    ACCORD_NOW= faketime "$at" "$BUILD/accord" --db "$TMP/t.db" ingest --quiet "$ROOT/data/demo"
    ACCORD_NOW= faketime "$at" "$BUILD/accord" --db "$TMP/t.db" export articles >"$TMP/export.jsonl"
    got=$(jq -sc '[group_by(.story)[] | [.[].id] | sort] | sort' "$TMP/export.jsonl")
    want=$(jq -c '[.stories[].articles | sort] | sort' "$GOLD")
    got_dates=$(jq -sc 'map({(.id): .event_date}) | add' "$TMP/export.jsonl")
    want_dates=$(jq -c '.articles | with_entries({key: .key, value: .value.event_date})' "$GOLD")
    if [ "$got" != "$want" ] || [ "$(echo "$got_dates" | jq -S -c .)" != "$(echo "$want_dates" | jq -S -c .)" ]; then
        echo "FAIL demo ingest at $day: stories $got, want $want; dates $got_dates, want $want_dates"
        failed=$((failed + 1))
    fi
    echo "test-dates: $day checked"
done
[ "$failed" -eq 0 ] && echo "test-dates: passed under 3 faked dates"
[ "$failed" -eq 0 ]
