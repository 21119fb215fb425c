# The spine end to end: ingest, idempotence, versions, articles, article,
# search, stats, and bad input reported with file and position.
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"

# The demo corpus: five articles; the gold file beside them is skipped.
expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"
contains err.txt "5 new"
expect_status 0 "$ACCORD" articles --json
jq_is out.txt '.total' 5
jq_is out.txt '[.articles[].id] | sort | join(",")' \
    "16b94be4e16100e7,3bdb60a11d8d6c44,9cf57e1aec268059,f8f6c89b85bfc837,fdafb20dd39c0d62"
# The leading "date 2025-06-12" of file 000 is metadata, not text.
expect_status 0 "$ACCORD" article --json 16b94be4e16100e7
jq_is out.txt '.given_date' 2025-06-12
jq_is out.txt '.text | startswith("Kremlin spokesman Dmitry Peskov")' true
jq_is out.txt '.paragraphs | length' 5

# A second ingest adds nothing and says so.
expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"
contains err.txt "0 new, 5 unchanged"
contains err.txt "nothing changed"

# Search: exactly the four articles that name Peskov.
expect_status 0 "$ACCORD" search Peskov --json
jq_is out.txt '[.results[].id] | sort | join(",")' \
    "16b94be4e16100e7,9cf57e1aec268059,f8f6c89b85bfc837,fdafb20dd39c0d62"
jq_is out.txt '[.results[].snippet | contains("[Peskov]")] | all' true
expect_status 0 "$ACCORD" search "Rubio Lavrov" --json
jq_is out.txt '.results | length' 2

# A changed text under the same id is a new version.
mkdir v && cp "$ROOT/data/demo/004_3bdb60a11d8d6c44.txt" v/
echo "A new closing sentence was added by the outlet." >> v/004_3bdb60a11d8d6c44.txt
expect_status 0 "$ACCORD" ingest v
contains err.txt "1 new version"
expect_status 0 "$ACCORD" article --json 3bdb60a11d8d6c44
jq_is out.txt '.version' 2
jq_is out.txt '.previous_versions | length' 1

# JSONL: fields, unknown fields kept, a truncated line reported with its number.
printf '%s\n' \
  '{"id":"j1","source":"Wire","title":"First","text":"Alpha beta gamma. Delta.","published":"2025-01-02","desk":"world"}' \
  '{"id":"j2","source":"Wire","title":"Second","text":"Another text here."' \
  '{"id":"j3","html":"","text":""}' \
  '{"id":"j4","source":"Other","text":"A third good article."}' > a.jsonl
expect_status 1 "$ACCORD" ingest a.jsonl
contains err.txt "a.jsonl:2: error: bad JSON"
contains err.txt "a.jsonl:3: error: no \"text\" or \"html\""
contains err.txt "2 new"
expect_status 0 "$ACCORD" article --json j1
jq_is out.txt '.extra.desk' world
jq_is out.txt '.source' Wire
expect_status 0 "$ACCORD" articles --source Other --json
jq_is out.txt '[.articles[].id] | join(",")' j4

# Standard input, format detected.
echo '{"id":"s1","text":"From standard input."}' | "$ACCORD" ingest - 2>err.txt || fail "stdin ingest"
contains err.txt "1 new"

# Bad files beside good ones: each reported, the good one stored.
mkdir bad
: > bad/empty.txt
printf 'PK\003\004\000\000binary\000data' > bad/blob.txt
head -c 10485760 /dev/zero | tr '\0' 'a' > bad/huge.txt
printf 'Caf\351 cr\350me in Z\374rich, said the mayor.\n' > bad/latin1.txt
printf 'A good article sits beside the bad ones.\n' > bad/good.txt
head -c 10485760 /dev/zero | tr '\0' 'b' | sed 's/^/{"id":"big","text":"/; s/$/"}/' > bad/huge.jsonl
expect_status 1 "$ACCORD" ingest bad
contains err.txt "empty.txt: error: empty file"
contains err.txt "blob.txt (byte 4): error: binary file"
contains err.txt "huge.txt (byte 4194304): error: article is 10485760 bytes"
contains err.txt "huge.jsonl:1: error: line is"
contains err.txt "latin1.txt: warning: not UTF-8 (first bad byte at 3): converted from Latin-1"
expect_status 0 "$ACCORD" search Zürich --json
jq_is out.txt '.results | length' 1
expect_status 0 "$ACCORD" search "good article beside" --json
jq_is out.txt '.results | length' 1
# Invalid UTF-8 inside otherwise UTF-8 text is repaired and counted.
printf 'Kyiv \342\200\231 ok \377 bad byte.\n' > mixed.txt
expect_status 0 "$ACCORD" ingest mixed.txt
contains err.txt "1 invalid UTF-8 byte(s) replaced"
contains err.txt "1 byte(s) repaired"

# Usage errors exit 2; a missing article exits 1; a missing path is bad input.
expect_status 2 "$ACCORD" ingest
expect_status 2 "$ACCORD" nosuchcommand
expect_status 1 "$ACCORD" article nosuchid
expect_status 1 "$ACCORD" ingest does/not/exist
contains err.txt "does/not/exist: error: cannot open"
expect_status 0 "$ACCORD" --version
expect_status 0 "$ACCORD" search --help
contains out.txt "usage: accord search"
expect_status 0 "$ACCORD" stats --json
jq_is out.txt '.schema_version > 0' true

# What cleaning removed is kept with its reason and shown by --removed.
expect_status 0 "$ACCORD" --db "$TMP/demo.db" ingest "$ROOT/data/demo"
expect_status 0 "$ACCORD" --db "$TMP/demo.db" article --removed --json fdafb20dd39c0d62
jq_is out.txt '[.removed[] | select(.reason == "newsletter") | .text] | join("")' \
    "Sign up now: Get ST's newsletters delivered to your inbox"
jq_is out.txt '[.removed[] | select(.reason == "caption")] | length' 1
expect_status 0 "$ACCORD" --db "$TMP/demo.db" article --removed 16b94be4e16100e7
contains out.txt "See Also Son of sheriff"
contains out.txt "given date 2025-06-12"
