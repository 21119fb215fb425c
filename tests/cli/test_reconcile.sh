# test_reconcile.sh - accord summarize, the reconcile keys of accord story,
# and accord eval summaries, end to end on the demo corpus.
. "$ROOT/tests/cli/lib.sh"
DEMO=$ROOT/data/demo

# A summary of four files as one story, without a store.
expect_status 0 "$ACCORD" summarize --json "$DEMO"/000_*.txt "$DEMO"/001_*.txt "$DEMO"/002_*.txt "$DEMO"/003_*.txt
cp out.txt sum.json
jq_is sum.json '.articles | length' 4
jq_is sum.json '(.summary | length) >= 2' true
jq_is sum.json '[.summary[] | .articles | length >= 1] | all' true
jq_is sum.json '.words <= 100' true
jq_is sum.json '[.summary[].text | test("ARTICLE AD BOX|Sign up now")] | any' false
[ ! -f accord.db ] || fail "summarize wrote a store"

# The budget is kept.
expect_status 0 "$ACCORD" summarize --json --words 40 "$DEMO"/000_*.txt "$DEMO"/003_*.txt
jq_is out.txt '.words <= 40' true

# The terminal shows the summary with citations.
expect_status 0 "$ACCORD" summarize "$DEMO"/000_*.txt "$DEMO"/003_*.txt
contains out.txt "Summary"
contains out.txt "16b94b"
contains out.txt "f8f6c8"

# Everything: the answer key's verdicts and cross-outlet quotes.
expect_status 0 "$ACCORD" summarize --all --json "$DEMO"/000_*.txt "$DEMO"/001_*.txt "$DEMO"/002_*.txt "$DEMO"/003_*.txt
cp out.txt all.json
jq_is all.json '[.facts[] | select(.measure == "killed" and .where == "Sumy" and (.reports | length) == 2)][0].verdict' consistent
jq_is all.json '[.facts[] | select(.measure == "killed" and .where == "Kharkiv")][0].verdict' agree
jq_is all.json '[.facts[] | select(.measure == "injured" and .where == "Kharkiv")][0].verdict' agree
jq_is all.json '[.facts[] | select(.measure == "killed" and .where == "Sumy" and (.reports[0].article == "9cf57e1aec268059"))][0].verdict' "separate event"
jq_is all.json '[.quotes[] | select(.text | test("bigger challenges that we need to figure out")) | .articles | length][0]' 2
jq_is all.json '[.quotes[] | select(.text == "mistake") | .articles | length][0]' 2
jq_is all.json '(.outlet_additions | length) == 4' true
jq_is all.json '[.claims_in_tension[] | select([.a.says, .b.says] | sort == ["next week", "this month"])][0].verdict' "compatible, stated differently"

# Deterministic: the same input gives the same bytes.
expect_status 0 "$ACCORD" summarize --all --json "$DEMO"/000_*.txt "$DEMO"/001_*.txt "$DEMO"/002_*.txt "$DEMO"/003_*.txt
cmp -s out.txt all.json || fail "two runs differ"

# Claims in tension in the December report.
expect_status 0 "$ACCORD" summarize --all --json "$DEMO"/004_*.txt
jq_is out.txt '[.claims_in_tension[] | select((.a.who | test("Rubio")) and (.b.who | test("Kremlin")))] | length' 1

# Usage and input errors.
expect_status 2 "$ACCORD" summarize
expect_status 2 "$ACCORD" summarize --words many "$DEMO"/000_*.txt
expect_status 1 "$ACCORD" summarize "$TMP/no-such-file.txt"

# accord story carries the reconcile keys, in JSON and in the terminal.
expect_status 0 "$ACCORD" --db demo.db ingest "$DEMO"
expect_status 0 "$ACCORD" --db demo.db stories --json
id=$(jq -r '.stories[0].id' out.txt)
expect_status 0 "$ACCORD" --db demo.db story --json "$id"
for k in summary facts quotes outlet_additions timeline; do
    jq_is out.txt "has(\"$k\")" true
done
cp out.txt story.json
expect_status 0 "$ACCORD" --db demo.db story --json "$id"
cmp -s out.txt story.json || fail "accord story differs between two reads"
# When the clustering puts the two stories in one storyline, the timeline
# shows both, the April events before the December ones.
if [ "$(jq -r '.storyline.stories // 1' story.json)" = 2 ]; then
    jq_is story.json '[.timeline[] | .story] | unique | length' 2
    jq_is story.json '([.timeline[] | select(.date | startswith("2025-04")) | .date] | max) < ([.timeline[] | select(.date | startswith("2025-12")) | .date] | min)' true
fi
expect_status 0 "$ACCORD" --db demo.db story "$id"
contains out.txt "Summary"

# accord eval summaries on a small events file.
cat > events.jsonl <<'EOF'
{"id": "e1-0", "event": "e1", "text": "A storm flooded the port city on Monday. Rescue teams evacuated thousands of people. The mayor thanked volunteers for their help."}
{"id": "e1-1", "event": "e1", "text": "Rescue teams evacuated thousands of people after a storm flooded the port city. Power was cut to many homes overnight."}
{"id": "e1-2", "event": "e1", "text": "The storm that flooded the port city on Monday forced thousands from their homes. Insurers expect large claims from owners."}
{"id": "e2-0", "event": "e2", "text": "The central bank raised interest rates by half a point on Tuesday. Markets fell after the decision was announced."}
{"id": "e2-1", "event": "e2", "text": "Markets fell on Tuesday after the central bank raised rates by half a point. Analysts had expected a smaller rise."}
{"id": "e2-2", "event": "e2", "text": "The central bank's half-point rate rise surprised investors on Tuesday. Borrowing costs will rise for households."}
EOF
expect_status 0 "$ACCORD" eval summaries --json events.jsonl
jq_is out.txt '.events' 2
jq_is out.txt '.pairs' 6
jq_is out.txt '[.systems[].name] | index("baseline_first_article_lead") != null' true
echo '{"id": 1}' > bad.jsonl
expect_status 1 "$ACCORD" eval summaries bad.jsonl
exit 0
