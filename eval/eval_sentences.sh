#!/bin/sh
# The sentence splitter's quality (see eval/eval_sentences.c): boundary
# precision, recall and F1 against the gold sentences of ECB+, read from
# ../shared/data in place and skipped with a message when absent.
# usage: eval_sentences.sh ACCORD
set -eu
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${ACCORD_DATA:-$ROOT/../shared/data}
BUILD=$(dirname "$ACCORD")
OUT=$BUILD/eval
mkdir -p "$OUT"
ECB="$DATA/ecbplus/ecbplus.jsonl"
if [ ! -f "$ECB" ]; then
    echo "(skipped: $ECB not found)"
    exit 0
fi
CFLAGS="-O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I$ROOT/include -I$ROOT/src"
LIBS=$(make -s --no-print-directory -C "$ROOT" print-ldlibs)
cc $CFLAGS -o "$OUT/eval_sentences" "$ROOT/eval/eval_sentences.c" "$BUILD/libaccord.a" $LIBS
"$OUT/eval_sentences" "$ECB"
