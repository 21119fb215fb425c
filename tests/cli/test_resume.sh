# An interrupted ingest, resumed, gives the same stories as one ingest of
# the same articles: stopped after a first part of the stream, and killed
# with -9 in the middle of a run, then started again with the whole file.
. "$ROOT/tests/cli/lib.sh"

# A small stream: 100 events on five subjects (look-alikes share the topic
# words, not places, people and figures) over four months, members out of
# order, a few short vague reports, and copies.
awk 'BEGIN {
    split("earthquake struck buildings collapsed rescue teams searched rubble|election results counted votes parliament coalition majority|factory strike workers union wages negotiations stopped production|flood river rains evacuated homes water levels rose|wildfire burned forest hectares firefighters wind spread", topic, "|");
    split("Napa Iquique Lisbon Osaka Quito Dakar Perth Bergen Tromso Cusco", place, " ");
    split("Maria_Lopez John_Carter Aiko_Tanaka Omar_Diallo Lena_Berg Paulo_Reis Sara_Khan Tom_Hale", person, " ");
    n = 600;
    for (i = 0; i < n; i++) {
        k = (i * 37 + 11) % n; ev = int(k / 6); j = k % 6;
        day = 10 + (ev * 53) % 120 + j % 3;
        m = 1 + int(day / 28); d = 1 + day % 28;
        p = place[1 + ev % 10]; who = person[1 + int(ev / 2) % 8]; gsub("_", " ", who);
        if (j == 5) text = sprintf("Reports said %s in %s, %d affected. Officials commented on the events of the week.", topic[1 + ev % 5], p, 100 + ev * 7);
        else text = sprintf("%s. In %s, %s said %d people were affected and %d.%d percent of the area. The report from %s cited %s. Local sources in %s confirmed the figures.", topic[1 + ev % 5], p, who, 100 + ev * 7, ev % 9, j, p, who, p);
        printf "{\"id\":\"a%03d\",\"source\":\"wire%d\",\"published\":\"2024-%02d-%02d\",\"text\":\"%s\"}\n", i, i % 4, m, d, text;
        if (i % 29 == 3) printf "{\"id\":\"c%03d\",\"source\":\"copy\",\"published\":\"2024-%02d-%02d\",\"text\":\"%s\"}\n", i, m, d, text;
    }
}' > stream.jsonl
lines=$(wc -l < stream.jsonl)
[ "$lines" -gt 600 ] || fail "the stream has $lines lines"
head -n 201 stream.jsonl > first.jsonl

# One ingest.
expect_status 0 "$ACCORD" --db one.db ingest --quiet stream.jsonl
expect_status 0 "$ACCORD" --db one.db export articles
mv out.txt one.txt
[ "$(wc -l < one.txt)" -eq "$lines" ] || fail "one.db exports $(wc -l < one.txt) articles, want $lines"
stories=$(jq -r .story one.txt | sort -u | wc -l)
[ "$stories" -gt 10 ] || fail "only $stories stories: the stream does not test much"

# The first 201 articles, then the whole stream again.
expect_status 0 "$ACCORD" --db two.db ingest --quiet first.jsonl
expect_status 0 "$ACCORD" --db two.db ingest --quiet stream.jsonl
expect_status 0 "$ACCORD" --db two.db export articles
cmp -s out.txt one.txt || { diff one.txt out.txt | head; fail "a resumed ingest exports other stories"; }

# Killed with -9 wherever it is, then the whole stream again.
"$ACCORD" --db three.db ingest --quiet stream.jsonl >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
expect_status 0 "$ACCORD" --db three.db ingest --quiet stream.jsonl
expect_status 0 "$ACCORD" --db three.db export articles
cmp -s out.txt one.txt || { diff one.txt out.txt | head; fail "an ingest killed and started again exports other stories"; }
# An outlet's repeated line is learned as boilerplate between the two runs:
# the articles stored before are the same input, so they stay unchanged
# (not cleaned again into a new version), and the stream ends as in one run.
awk 'BEGIN {
    split("Napa Iquique Lisbon Osaka Quito Dakar", place, " ");
    for (i = 0; i < 300; i++)
        printf "{\"id\":\"r%03d\",\"source\":\"wire%d\",\"published\":\"2024-03-%02d\",\"text\":\"Reports said the river rose in %s after days of rain. Officials commented on the events of the week.\"}\n", i, i % 3, 1 + i % 28, place[1 + i % 6];
}' > repeat.jsonl
head -n 100 repeat.jsonl > repeat-first.jsonl
expect_status 0 "$ACCORD" --db r1.db ingest --quiet repeat.jsonl
expect_status 0 "$ACCORD" --db r1.db export articles
mv out.txt r1.txt
expect_status 0 "$ACCORD" --db r2.db ingest --quiet repeat-first.jsonl
expect_status 0 "$ACCORD" --db r2.db ingest --json repeat.jsonl
jq_is out.txt '.unchanged' 100
jq_is out.txt '.new_versions' 0
expect_status 0 "$ACCORD" --db r2.db export articles
cmp -s out.txt r1.txt || { diff r1.txt out.txt | head; fail "boilerplate learned between two runs changed the stored articles"; }
exit 0
