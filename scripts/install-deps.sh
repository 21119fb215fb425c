#!/bin/sh
# Installs the Debian packages accord needs that are missing on this machine.
# Run as root (the Makefile calls it before building); it never prompts.
# With --browser it also installs what the browser tests need: Debian's
# chromium, Node.js with npm, and playwright-core from npm (no browser download).
set -eu

BUILD_PKGS="build-essential pkg-config libsqlite3-dev libutf8proc-dev libstemmer-dev \
libxml2-dev libxxhash-dev libjansson-dev libmicrohttpd-dev libcld2-dev zlib1g-dev \
clang libclang-rt-dev jq time curl faketime python3"
BROWSER_PKGS="chromium nodejs npm"

want="$BUILD_PKGS"
[ "${1:-}" = "--browser" ] && want="$want $BROWSER_PKGS"

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# node and npm may come from elsewhere than Debian; only install them when absent.
case " $missing " in *" nodejs "*|*" npm "*)
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
    fi;;
esac
missing=$(echo $missing)

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing Debian packages: $missing" >&2
        echo "install-deps: run as root, or: sudo apt-get install -y $missing" >&2
        exit 1
    fi
    echo "install-deps: installing $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ "${1:-}" = "--browser" ]; then
    dir=$(dirname "$0")/../tests/browser
    if [ ! -d "$dir/node_modules/playwright-core" ]; then
        echo "install-deps: installing playwright-core from npm (no browser download)" >&2
        (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent >/dev/null)
    fi
fi
