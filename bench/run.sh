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
LIBS="$(pkg-config --libs sqlite3 libutf8proc gumbo jansson libmicrohttpd libxxhash zlib) -lstemmer -lcld2 -lstdc++ -lm -lpthread"
cc $CFLAGS -o "$OUT/gen_corpus" "$ROOT/bench/gen_corpus.c"
cc $CFLAGS -o "$OUT/reuters_jsonl" "$ROOT/bench/reuters_jsonl.c" -lz

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo

# timed LABEL CMD...: runs CMD, prints "seconds peak_kib" on stdout.
timed() {
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || true
    cat "$OUT/time.txt"
}

echo "## Ingest (read + clean + text + store + every stage after it), one core"
echo
echo "| articles | MB | seconds | articles/s | MB/s | peak MB |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
    "$OUT/gen_corpus" "$n" 42 > "$OUT/corpus-$n.jsonl"
    rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
    set -- $(timed "$ACCORD" --db "$OUT/bench.db" ingest --quiet "$OUT/corpus-$n.jsonl")
    bytes=$(stat -c %s "$OUT/corpus-$n.jsonl")
    awk -v n="$n" -v b="$bytes" -v s="$1" -v k="$2" 'BEGIN {
        if (s < 0.01) s = 0.01;
        printf "| %d | %.1f | %.2f | %.0f | %.2f | %.0f |\n", n, b/1e6, s, n/s, b/1e6/s, k/1024 }'
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
    echo "| articles | MB | seconds | articles/s | MB/s | peak MB |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -v n="$n" -v b="$bytes" -v s="$1" -v k="$2" 'BEGIN {
        if (s < 0.01) s = 0.01;
        printf "| %d | %.1f | %.2f | %.0f | %.2f | %.0f |\n", n, b/1e6, s, n/s, b/1e6/s, k/1024 }'
    echo
else
    echo "(Reuters-21578 not found at $REUTERS: skipped)"
    echo
fi

# Stage benchmarks: each stage adds its section below.
