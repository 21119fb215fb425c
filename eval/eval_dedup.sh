#!/bin/sh
# The copy index's quality (see eval/eval_dedup.c): recall and precision of
# near-duplicate pairs on planted copies, and on Reuters-21578 against a
# brute-force exact Jaccard, then the same Reuters articles through the
# whole pipeline and `accord dups`. Reuters is read from ../shared/data in
# place and skipped with a message when absent.
# usage: eval_dedup.sh ACCORD   (EVAL_DEDUP_PLANTED: base articles, default 10000)
set -eu
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${ACCORD_DATA:-$ROOT/../shared/data}
BUILD=$(dirname "$ACCORD")
OUT=$BUILD/eval
mkdir -p "$OUT"
CFLAGS="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I$ROOT/include -I$ROOT/src"
LIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
cc $CFLAGS -o "$OUT/eval_dedup" "$ROOT/eval/eval_dedup.c" "$BUILD/libaccord.a" $LIBS

REUTERS="$DATA/reuters21578"
if [ -d "$REUTERS" ]; then
    cc $CFLAGS -o "$OUT/reuters_jsonl" "$ROOT/bench/reuters_jsonl.c" -lz
    "$OUT/reuters_jsonl" "$REUTERS"/*.sgm.gz > "$OUT/reuters.jsonl"
    "$OUT/eval_dedup" --planted "${EVAL_DEDUP_PLANTED:-10000}" --reuters "$OUT/reuters.jsonl"
    # The same through the store and the whole pipeline (cleaning, dedup,
    # extraction, clustering) on the first EVAL_DEDUP_PIPELINE items, which
    # keeps `make eval` short: ingest, then `accord dups`.
    n=${EVAL_DEDUP_PIPELINE:-2000}
    head -n "$n" "$OUT/reuters.jsonl" > "$OUT/reuters-head.jsonl"
    rm -f "$OUT/dedup.db" "$OUT/dedup.db-wal" "$OUT/dedup.db-shm"
    "$ACCORD" --db "$OUT/dedup.db" ingest --quiet "$OUT/reuters-head.jsonl" 2>/dev/null || true
    "$ACCORD" --db "$OUT/dedup.db" dups --json > "$OUT/reuters-dups.json"
    echo "### The first $n Reuters-21578 items through the pipeline (\`accord dups\`, cleaned texts)"
    echo
    jq -r '"copy pairs: \(.pairs | length), copy groups: \(.groups | length), articles in groups: \([.groups[].size] | add // 0), pairs sharing passages (not copies): \(.shared_passages | length)"' \
        "$OUT/reuters-dups.json"
else
    "$OUT/eval_dedup" --planted "${EVAL_DEDUP_PLANTED:-10000}"
    echo "(Reuters-21578 not found at $REUTERS: skipped)"
fi
