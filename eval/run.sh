#!/bin/sh
# make eval: quality on the development datasets in ../shared/data (read in
# place, never copied into the project). Each section runs one
# `accord eval ...` command, which works on any data in the same format;
# a dataset that is absent is skipped with a message.
set -u
# Articles that carry no date (ECB+) are dated from their text, bounded by
# when they were first ingested: "now" is pinned so that the figures are the
# same on any day (override with ACCORD_NOW).
export ACCORD_NOW=${ACCORD_NOW:-2026-01-05}
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${ACCORD_DATA:-$ROOT/../shared/data}
BUILD=$(dirname "$ACCORD")
OUT=$BUILD/eval
mkdir -p "$OUT"
status=0

# section TITLE PATH CMD...: runs CMD when PATH exists.
section() {
    title=$1; path=$2; shift 2
    echo "## $title"
    echo
    if [ ! -e "$path" ]; then
        echo "(skipped: $path not found)"
    else
        "$@" || status=1
    fi
    echo
}

# Each stage adds its sections below.

section "Extraction: trafilatura set and Readability pages (clean)" "$DATA/extraction" \
    "$ACCORD" eval extract "$DATA/extraction"

section "Copies: planted near-duplicates, Reuters-21578 (dedup)" "$ROOT/eval/eval_dedup.sh" \
    sh "$ROOT/eval/eval_dedup.sh" "$ACCORD"

section "Sentences: ECB+ gold sentence boundaries (text)" "$DATA/ecbplus/ecbplus.jsonl" \
    sh "$ROOT/eval/eval_sentences.sh" "$ACCORD"

section "Stories: ECB+ events, B-cubed, stream (file order, by topic) and one batch (cluster)" "$DATA/ecbplus/ecbplus.jsonl" \
    "$ACCORD" eval stories "$DATA/ecbplus/ecbplus.jsonl"

section "Entities: CoNLL-2003 valid, P/R/F1 per type, MISC left out (extract)" "$DATA/conll2003/valid.txt" \
    "$ACCORD" eval ner "$DATA/conll2003/valid.txt"

section "Quote speakers: PolNeAR dev, direct quotes (extract)" "$DATA/polnear/dev" \
    "$ACCORD" eval quotes "$DATA/polnear/dev"

section "Summaries: ECB+ events, ROUGE against held-out leads (reconcile)" "$DATA/ecbplus/ecbplus.jsonl" \
    "$ACCORD" eval summaries "$DATA/ecbplus/ecbplus.jsonl"

exit $status
