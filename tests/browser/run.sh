#!/bin/sh
# run.sh ACCORD - the browser tests of the web UI. Builds a demo store in a
# scratch folder, starts `accord serve` on a free loopback port, drives
# Debian's chromium headless through playwright-core (ui.test.mjs), saves
# screenshots in tests/browser/screenshots/, and prints the closing line
# "browser: N passed, M failed". Needs no terminal and no network.
set -u
[ $# -ge 1 ] || { echo "usage: sh tests/browser/run.sh path/to/accord" >&2; exit 2; }
ACCORD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ] || [ ! -d "$HERE/node_modules/playwright-core" ] || ! command -v node >/dev/null; then
    echo "browser: chromium, node or playwright-core is missing: run 'sh scripts/install-deps.sh --browser'" >&2
    echo "browser: 0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

if ! "$ACCORD" --db "$TMP/demo.db" ingest "$ROOT/data/demo" >"$TMP/ingest.log" 2>&1; then
    cat "$TMP/ingest.log" >&2
    echo "browser: the demo corpus did not ingest" >&2
    echo "browser: 0 passed, 1 failed"
    exit 1
fi

# A token lets the tests post an article whose title is markup, to check
# that the UI shows it as text.
TOKEN="browser-test-$$-token"
"$ACCORD" --db "$TMP/demo.db" serve --port 0 --token "$TOKEN" >"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
pid=$!
i=0
while ! grep -q '^accord: serving' "$TMP/serve.out" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$TMP/serve.err" >&2
        echo "browser: the server did not start" >&2
        echo "browser: 0 passed, 1 failed"
        exit 1
    fi
    sleep 0.05
done
URL=$(sed -n 's/^accord: serving .* at \(http:[^ ]*\)\/$/\1/p' "$TMP/serve.out")

mkdir -p "$HERE/screenshots"
BASE_URL="$URL" TOKEN="$TOKEN" SCREENSHOTS="$HERE/screenshots" CHROMIUM="$CHROMIUM" PROFILE="$TMP/profile" \
    node "$HERE/ui.test.mjs" </dev/null >"$TMP/node.log" 2>&1
rc=$?
cat "$TMP/node.log"
if ! grep -q '^browser: [0-9]* passed, [0-9]* failed' "$TMP/node.log"; then
    echo "browser: the test script stopped early (status $rc)" >&2
    echo "browser: 0 passed, 1 failed"
    rc=1
fi
# The README's picture of the story page: made when missing, and renewed
# on demand (UPDATE_SCREENSHOT=1), so that a test run leaves docs/ alone.
if [ -f "$HERE/screenshots/story-1440.png" ] && [ -d "$ROOT/docs" ] &&
   { [ ! -f "$ROOT/docs/screenshot-story.png" ] || [ "${UPDATE_SCREENSHOT:-0}" = 1 ]; }; then
    cp "$HERE/screenshots/story-1440.png" "$ROOT/docs/screenshot-story.png"
fi
exit $rc
