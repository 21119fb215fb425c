#!/bin/sh
# make bench: throughput and memory of each stage at several corpus sizes.
# Figures are reported, never asserted. The corpus is generated
# deterministically (bench/gen_corpus.c); BENCH_SIZES overrides the ingest
# sizes (default 10k, 100k and 1M: the 1M rows take most of an hour on two
# cores), BENCH_ONLY=ingest stops after the ingest table.
# Real articles: the Reuters-21578 files in ../shared/data, when present.
set -eu
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(dirname "$ACCORD")
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"
CFLAGS="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I$ROOT/include -I$ROOT/src"
LIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
cc $CFLAGS -o "$OUT/gen_corpus" "$ROOT/bench/gen_corpus.c"
cc $CFLAGS -o "$OUT/reuters_jsonl" "$ROOT/bench/reuters_jsonl.c" -lz

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo

# timed CMD...: runs CMD with its stdout in $OUT/stdout.txt; prints
# "wall_seconds cpu_seconds peak_kib written_bytes". CPU is user + system
# of every thread; written bytes are what the process sent to the file
# system (pages it dirtied), from the kernel's accounting.
timed() {
    /usr/bin/time -f "%e %U %S %M %O" -o "$OUT/time.txt" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" || true
    tail -n 1 "$OUT/time.txt" | awk '{ printf "%s %.2f %s %.0f\n", $1, $2 + $3, $4, $5 * 512 }'
}
store_bytes() { cat "$1" "$1-wal" 2>/dev/null | wc -c; }
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }

HEAD='| corpus | articles | jobs | wall s | CPU s | articles/s wall | articles/s per core | MB/s per core | peak MB | MB written | store MB | written / store | CPU / floor | last 10% / first 10% |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'

# ingest_rows NAME FILE: the floor (the same JSONL parsed into a bare
# SQLite table with FTS5, one transaction), then accord with --jobs 1 and
# --jobs 2. The input goes in as ten parts in one command; the ingest's
# JSON summary gives each part's CPU, so the cost of the last tenth of the
# stream is set beside the first's.
ingest_rows() {
    name=$1 file=$2
    n=$(wc -l < "$file")
    bytes=$(stat -c %s "$file")
    rm -rf "$OUT/parts" && mkdir -p "$OUT/parts"
    split -d -n l/10 "$file" "$OUT/parts/part-" && for f in "$OUT/parts"/part-*; do mv "$f" "$f.jsonl"; done
    fresh "$OUT/floor.db"
    set -- $(timed "$OUT/floor_fts5" "$OUT/floor.db" "$file")
    fcpu=$2
    fstore=$(store_bytes "$OUT/floor.db")
    awk -v name="$name" -v n="$n" -v b="$bytes" -v s="$1" -v c="$2" -v k="$3" -v w="$4" -v st="$fstore" 'BEGIN {
        if (c < 0.01) c = 0.01
        printf "| %s (floor: bare SQLite + FTS5) | %d | 1 | %.2f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %.2f | 1 | |\n",
            name, n, s, c, n/s, n/c, b/1e6/c, k/1024, w/1e6, st/1e6, w/st }'
    for jobs in 1 2; do
        fresh "$OUT/bench.db"
        set -- $(timed "$ACCORD" --db "$OUT/bench.db" ingest --quiet --json --jobs $jobs "$OUT/parts"/part-*.jsonl)
        st=$(store_bytes "$OUT/bench.db")
        tenths=$(jq -r '[.paths[0], .paths[-1]] | map(.cpu_seconds / ([.new, 1] | max)) | "\(.[0]) \(.[1])"' "$OUT/stdout.txt" 2>/dev/null || echo "0 0")
        awk -v name="$name" -v n="$n" -v b="$bytes" -v s="$1" -v c="$2" -v k="$3" -v w="$4" -v st="$st" \
            -v j="$jobs" -v f="$fcpu" -v t="$tenths" 'BEGIN {
            if (c < 0.01) c = 0.01; if (f < 0.01) f = 0.01
            split(t, q, " ")
            printf "| %s | %d | %d | %.2f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %.2f | %.1f | %s |\n",
                name, n, j, s, c, n/s, n/c, b/1e6/c, k/1024, w/1e6, st/1e6, w/st, c/f,
                (q[1] > 0 ? sprintf("%.2f", q[2]/q[1]) : "-") }'
    done
}

echo "## Ingest end to end (read, clean, text, copies, extract, stories, store)"
echo
echo "Each size once as ten parts in one command; the floor is the same JSONL written"
echo "to a bare SQLite table with an FTS5 index in one transaction."
echo
cc $CFLAGS -o "$OUT/floor_fts5" "$ROOT/bench/floor_fts5.c" -lsqlite3 -ljansson
echo "$HEAD"
for n in $SIZES; do
    "$OUT/gen_corpus" "$n" 42 > "$OUT/corpus-$n.jsonl"
    ingest_rows "synthetic 4 KB" "$OUT/corpus-$n.jsonl"
done
REUTERS="$ROOT/../shared/data/reuters21578"
if [ -d "$REUTERS" ]; then
    "$OUT/reuters_jsonl" "$REUTERS"/*.sgm.gz > "$OUT/reuters.jsonl"
    ingest_rows "Reuters-21578" "$OUT/reuters.jsonl"
else
    echo
    echo "(Reuters-21578 not found at $REUTERS: skipped)"
fi
echo

[ "${BENCH_ONLY:-}" = ingest ] && exit 0

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
