# lib.sh - helpers for the command-line tests (sourced). JSON is checked
# with jq, installed by scripts/install-deps.sh.
fail() { echo "FAIL: $*"; exit 1; }
# expect_status WANT CMD...: runs CMD (stdout to out.txt, stderr to err.txt)
# and fails unless its exit status is WANT.
expect_status() {
    want=$1; shift
    "$@" >out.txt 2>err.txt; got=$?
    [ "$got" -eq "$want" ] || { cat out.txt err.txt; fail "'$*' exited $got, want $want"; }
}
contains() { grep -q -- "$2" "$1" || { cat "$1"; fail "$1 does not contain '$2'"; }; }
lacks() { ! grep -q -- "$2" "$1" || { cat "$1"; fail "$1 contains '$2'"; }; }
# jq_is FILE FILTER WANT: the jq filter's raw output on FILE must equal WANT.
jq_is() {
    got=$(jq -r "$2" "$1") || fail "jq '$2' failed on $1"
    [ "$got" = "$3" ] || { echo "got: $got"; fail "jq '$2' on $1: want '$3'"; }
}
