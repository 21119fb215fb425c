#!/bin/sh
# make bench: throughput and memory of each stage at several corpus sizes.
# Figures are reported, never asserted. The corpus is generated
# deterministically (bench/gen_corpus.c); BENCH_SIZES overrides the sizes.
# Real articles: the Reuters-21578 files in ../shared/data, when present.
set -eu
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(dirname "$ACCORD")
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"
CFLAGS="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I$ROOT/include -I$ROOT/src"
LIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
cc $CFLAGS -o "$OUT/gen_corpus" "$ROOT/bench/gen_corpus.c"
cc $CFLAGS -o "$OUT/reuters_jsonl" "$ROOT/bench/reuters_jsonl.c" -lz

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo

# timed CMD...: runs CMD, prints "wall_seconds cpu_seconds peak_kib". Rates
# are per core from CPU time (user + system), which holds on a busy machine.
timed() {
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || true
    tail -n 1 "$OUT/time.txt" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}
ROW='BEGIN { if (c < 0.01) c = 0.01;
    printf "| %d | %.1f | %.2f | %.2f | %.0f | %.2f | %.0f |\n", n, b/1e6, s, c, n/c, b/1e6/c, k/1024 }'
HEAD='| articles | MB | wall s | CPU s | articles/s per core | MB/s per core | peak MB |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |'

echo "## Ingest (read + clean + text + store + every stage after it), one core"
echo
echo "$HEAD"
for n in $SIZES; do
    "$OUT/gen_corpus" "$n" 42 > "$OUT/corpus-$n.jsonl"
    rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
    set -- $(timed "$ACCORD" --db "$OUT/bench.db" ingest --quiet "$OUT/corpus-$n.jsonl")
    bytes=$(stat -c %s "$OUT/corpus-$n.jsonl")
    awk -v n="$n" -v b="$bytes" -v s="$1" -v c="$2" -v k="$3" "$ROW"
done
echo

REUTERS="$ROOT/../shared/data/reuters21578"
if [ -d "$REUTERS" ]; then
    "$OUT/reuters_jsonl" "$REUTERS"/*.sgm.gz > "$OUT/reuters.jsonl"
    n=$(wc -l < "$OUT/reuters.jsonl")
    bytes=$(stat -c %s "$OUT/reuters.jsonl")
    rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
    set -- $(timed "$ACCORD" --db "$OUT/bench.db" ingest --quiet "$OUT/reuters.jsonl")
    echo "## Ingest of Reuters-21578 (real newswire)"
    echo
    echo "$HEAD"
    awk -v n="$n" -v b="$bytes" -v s="$1" -v c="$2" -v k="$3" "$ROW"
    echo
else
    echo "(Reuters-21578 not found at $REUTERS: skipped)"
    echo
fi

# Stage benchmarks: each stage adds its section below.

echo "## Text layer (UTF-8, NFC, paragraphs/sentences/tokens, keys, stems, language), one core"
echo
cc $CFLAGS -o "$OUT/bench_text" "$ROOT/bench/bench_text.c" "$BUILD/libaccord.a" $LIBS
"$OUT/bench_text" -m "${BENCH_TEXT_MB:-64}" "$ROOT"/data/demo/*.txt
echo

echo "## Copy index (words, 4-word shingles, MinHash, LSH) and passage alignment, one core"
echo
cc $CFLAGS -o "$OUT/bench_dedup" "$ROOT/bench/bench_dedup.c" "$BUILD/libaccord.a" $LIBS
"$OUT/bench_dedup" "${BENCH_DEDUP_MAX:-1000000}"
echo

echo "## Extract (names, entities, roles, quotes, quantities, dates), one core"
echo
cc $CFLAGS -o "$OUT/bench_extract" "$ROOT/bench/bench_extract.c" "$BUILD/libaccord.a" $LIBS
"$OUT/bench_extract" -m "${BENCH_EXTRACT_MB:-16}" "$ROOT"/data/demo/*.txt
echo

echo "## HTTP load on loopback: story and search endpoints (accord serve)"
echo
# A store of BENCH_SERVE_ARTICLES generated articles; bench_serve is a
# small C client (threads, keep-alive sockets), bounded in time and count.
# "story, first" asks each of the 20 newest stories once on a fresh server
# (the document is built: reconcile runs); "story" then asks them again
# (kept in the server's cache until the store changes); search is never
# cached.
n=${BENCH_SERVE_ARTICLES:-2000}
secs=${BENCH_SERVE_SECONDS:-5}
cc $CFLAGS -o "$OUT/bench_serve" "$ROOT/bench/bench_serve.c" -lpthread
"$OUT/gen_corpus" "$n" 7 > "$OUT/serve-corpus.jsonl"
rm -f "$OUT/serve.db" "$OUT/serve.db-wal" "$OUT/serve.db-shm"
"$ACCORD" --db "$OUT/serve.db" ingest --quiet "$OUT/serve-corpus.jsonl" >/dev/null 2>&1 || true
"$ACCORD" --db "$OUT/serve.db" serve --port 0 >"$OUT/serve.out" 2>"$OUT/serve.err" </dev/null &
serve_pid=$!
i=0
while ! grep -q '^accord: serving' "$OUT/serve.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/^accord: serving .*:\([0-9]*\)\/$/\1/p' "$OUT/serve.out")
if [ -n "$port" ]; then
    stories=$(curl -s "http://127.0.0.1:$port/api/stories?limit=20" | jq -r '.stories[].id' | sed 's|^|/api/stories/|')
    words="summit fire election storm strike minister%20said central%20bank firefighters officials"
    searches=$(for w in $words; do echo "/api/search?q=$w"; done)
    echo "$n articles, $(echo "$stories" | wc -l) stories asked in turn, $(nproc) cores; latency in ms"
    echo
    echo "| endpoint | clients | requests | errors | requests/s | p50 | p90 | p99 | max |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    "$OUT/bench_serve" -c 1 -d 600 -n "$(echo "$stories" | wc -l)" -l "story, first" "$port" $stories || true
    for c in 1 64; do "$OUT/bench_serve" -c $c -d "$secs" -n 500000 -l story "$port" $stories || true; done
    for c in 1 64; do "$OUT/bench_serve" -c $c -d "$secs" -n 500000 -l search "$port" $searches || true; done
else
    echo "(the server did not start: $(cat "$OUT/serve.err"))"
fi
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
echo

echo "## Clustering: online stories on a synthetic stream (cluster)"
echo
# Features and the online clusterer per article, in memory, at growing
# corpus sizes (the store is measured by the ingest table above).
# BENCH_CLUSTER_SIZES overrides the sizes (default 10k, 100k, 1M).
cc $CFLAGS -o "$OUT/bench_cluster" "$ROOT/bench/bench_cluster.c" "$BUILD/libaccord.a" $LIBS
"$OUT/bench_cluster" ${BENCH_CLUSTER_SIZES:-10000 100000 1000000}
echo
