# Two writers and a reader on one database: the second `accord ingest`
# waits its turn instead of dropping its batches, and both inputs are
# stored whole (hardening: two writers).
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"

# Two inputs of 1,500 short articles each, different ids.
for part in a b; do
    i=0
    while [ $i -lt 1500 ]; do
        printf '{"id":"%s%d","source":"Outlet %s","published":"2024-01-%02d","title":"Report %d","text":"The council of town %d voted on the budget for %d. Members debated the plan for two hours before the vote, and the mayor said the result was fair."}\n' \
            "$part" $i "$part" $((i % 28 + 1)) $i $i $((2000 + i % 30))
        i=$((i + 1))
    done > "$part.jsonl"
done

"$ACCORD" ingest --quiet a.jsonl >a.out 2>a.err &
pa=$!
"$ACCORD" ingest --quiet b.jsonl >b.out 2>b.err &
pb=$!
# A reader meanwhile: once the store exists it never fails, and it never
# blocks the writers. (Before the first batch is committed there is no
# store to read yet.)
i=0
until "$ACCORD" stats --json >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 300 ] || fail "no store after 60 s of two writers"
    sleep 0.2
done
reads=0
while kill -0 $pa 2>/dev/null || kill -0 $pb 2>/dev/null; do
    "$ACCORD" stats --json >/dev/null 2>r.err || { cat r.err; fail "a reader failed beside two writers"; }
    reads=$((reads + 1))
    sleep 0.2
done
wait $pa; ra=$?
wait $pb; rb=$?
[ $ra -eq 0 ] || { cat a.err; fail "the first writer exited $ra"; }
[ $rb -eq 0 ] || { cat b.err; fail "the second writer exited $rb"; }
lacks a.err "locked"
lacks b.err "locked"
expect_status 0 "$ACCORD" articles --json --limit 1
jq_is out.txt '.total' 3000
