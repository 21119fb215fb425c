# Copies and shared passages end to end: accord dups, accord compare,
# accord article --passages, on the demo corpus and planted copies.
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"
GOLD="$ROOT/data/demo/seeds-gold.json"

expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"

# The demo has no copies, and the not_copies pairs of the gold are not pairs.
expect_status 0 "$ACCORD" dups --json
jq_is out.txt '.config.threshold' 0.8
jq_is out.txt '.pairs | length' 0
for pair in $(jq -r '.syndication.not_copies[] | sort | join(":")' "$GOLD"); do
    a=${pair%:*}; b=${pair#*:}
    jq_is out.txt "[.pairs[] | select(.a == \"$a\" and .b == \"$b\")] | length" 0
done
# 000 and 003 carry the same wire copy in part: they share passages, with at
# least the gold's number of sentences on each side, but are not copies.
A=$(jq -r '.syndication.pairs[0].a' "$GOLD")
B=$(jq -r '.syndication.pairs[0].b' "$GOLD")
MIN=$(jq -r '.syndication.pairs[0].min_shared_sentences' "$GOLD")
jq_is out.txt "[.shared_passages[] | select(.a == \"$A\" and .b == \"$B\" and .shared_a >= $MIN and .shared_b >= $MIN and .jaccard < 0.8)] | length" 1
expect_status 0 "$ACCORD" dups
contains out.txt "Shared passages"
contains out.txt "$A · $B"

# compare: every gold example sentence is in an aligned pair.
expect_status 0 "$ACCORD" compare "$A" "$B" --json
cp out.txt compare.json
jq_is compare.json "(.pairs | length) >= $MIN" true
jq_is compare.json '.copy' false
jq -r '.syndication.pairs[0].examples[]' "$GOLD" > examples.txt
while IFS= read -r ex; do
    n=$(jq --arg ex "$ex" '[.pairs[] | select(.a_text | contains($ex))] | length' compare.json)
    [ "$n" -ge 1 ] || fail "not aligned: $ex"
done < examples.txt
jq_is compare.json '[.pairs[] | .score >= 0.62 and .score <= 1] | all' true
jq_is compare.json '[.pairs[] | (.a_text | length) > 0 and (.b_text | length) > 0] | all' true
COLUMNS=120 expect_status 0 "$ACCORD" compare "$A" "$B"
contains out.txt "=P1"
contains out.txt "not copies"

# article --passages
expect_status 0 "$ACCORD" article --passages --json "$A"
jq_is out.txt ".shared_sentences >= $MIN" true
jq_is out.txt '.related[0].id' "$B"
jq_is out.txt '.related[0].relation' "shares passages"
jq_is out.txt '(.shared_sentences + (.only_here | length)) == .sentences' true
jq_is out.txt '[.passages[].carried_by[]] | unique | join(",")' "$B"
expect_status 0 "$ACCORD" article --passages "$A"
contains out.txt "Only here"

# A planted copy: article 004 with light edits under another id is a copy;
# the earlier-id article is the original (neither is dated).
mkdir copies
sed -e 's/Zelensky/Zelenskyy/g' -e 's/ Mr / /' \
    "$ROOT/data/demo/004_3bdb60a11d8d6c44.txt" > copies/900_ffff000011112222.txt
expect_status 0 "$ACCORD" ingest copies
expect_status 0 "$ACCORD" dups --json
jq_is out.txt '.pairs | length' 1
jq_is out.txt '.pairs[0].a + ":" + .pairs[0].b' "3bdb60a11d8d6c44:ffff000011112222"
jq_is out.txt '.pairs[0].jaccard >= 0.8' true
jq_is out.txt '.groups | length' 1
jq_is out.txt '.groups[0].original' 3bdb60a11d8d6c44
jq_is out.txt '.groups[0].size' 2
jq -S . out.txt > order1.json
expect_status 0 "$ACCORD" article --passages --json ffff000011112222
jq_is out.txt '.related[0].relation' copy
jq_is out.txt '.shared_share > 0.9' true

# The same articles in another order give the same document.
ACCORD_DB="$TMP/t2.db" expect_status 0 "$ACCORD" ingest copies
ACCORD_DB="$TMP/t2.db" expect_status 0 "$ACCORD" ingest "$ROOT/data/demo/004_3bdb60a11d8d6c44.txt"
ACCORD_DB="$TMP/t2.db" expect_status 0 "$ACCORD" ingest "$ROOT/data/demo/003_f8f6c89b85bfc837.txt"
ACCORD_DB="$TMP/t2.db" expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"
ACCORD_DB="$TMP/t2.db" expect_status 0 "$ACCORD" dups --json
jq -S . out.txt > order2.json
cmp -s order1.json order2.json || { diff order1.json order2.json; fail "dups depends on arrival order"; }

# Errors: unknown ids, wrong arguments.
expect_status 1 "$ACCORD" compare "$A" nosuchid
contains err.txt "nosuchid"
expect_status 2 "$ACCORD" compare "$A"
expect_status 1 "$ACCORD" article --passages nosuchid
expect_status 2 "$ACCORD" dups extra
exit 0
