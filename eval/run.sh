#!/bin/sh
# make eval: quality on the development datasets in ../shared/data (read in
# place, never copied into the project). Each section runs one
# `accord eval ...` command, which works on any data in the same format;
# a dataset that is absent is skipped with a message.
set -u
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
