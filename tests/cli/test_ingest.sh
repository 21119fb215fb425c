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

# A directory with link loops ends, names each loop once, and ingests each
# file once (timeout: before, it walked the loop until the depth guard, for
# ever in effect).
mkdir -p loop/sub && ln -s .. loop/sub/up && ln -s ../loop loop/self
printf 'One article inside a tree with link loops.\n' > loop/sub/a.txt
expect_status 0 timeout 30 "$ACCORD" --db "$TMP/loop.db" ingest loop
contains err.txt "loop/self: warning: link loop: this is loop again"
contains err.txt "loop/sub/up: warning: link loop: this is loop again"
[ "$(grep -c 'link loop' err.txt)" -eq 2 ] || { cat err.txt; fail "each loop reported once"; }
contains err.txt "ingested 1 file(s): 1 new"
lacks err.txt "cannot stat"

# Special files: a FIFO named is refused at once (it blocked before); one
# inside a directory is skipped with a warning naming it.
mkfifo fifo.jsonl
expect_status 1 timeout 10 "$ACCORD" --db "$TMP/special.db" ingest fifo.jsonl
contains err.txt "fifo.jsonl: error: a FIFO, not a regular file: refused"
mkdir special && mkfifo special/pipe.txt
printf 'A regular file beside a FIFO.\n' > special/ok.txt
expect_status 0 timeout 10 "$ACCORD" --db "$TMP/special.db" ingest special
contains err.txt "special/pipe.txt: warning: a FIFO, not a regular file: skipped"
contains err.txt "1 new"
expect_status 1 timeout 10 "$ACCORD" --db "$TMP/special.db" ingest /dev/null
contains err.txt "/dev/null: error: a character device, not a regular file: refused"

# Size first: a 200 MB page is refused from its size, before it is read.
truncate -s 200M big.html
expect_status 1 "$ACCORD" --db "$TMP/limits.db" ingest big.html
contains err.txt "big.html: error: file is 209715200 bytes, over the 16 MiB limit for a file of one article or page: not read"
# Gzip stops at the page limit while inflating: 64 MiB of one letter in one
# gzip member, and 1 GiB of it in 1,024 members of 1 MiB (1 MB on disk).
head -c 67108864 /dev/zero | tr '\0' a | gzip -1 > bomb.html.gz
expect_status 1 "$ACCORD" --db "$TMP/limits.db" ingest bomb.html.gz
contains err.txt "bomb.html.gz: error: gzip: decompresses to over 16 MiB, the limit for a file of one article or page: stopped there"
head -c 1048576 /dev/zero | tr '\0' a | gzip -9 > m.gz
for i in 1 2 3 4 5 6 7 8 9 10; do cat m.gz m.gz > m2.gz && mv m2.gz m.gz; done
mv m.gz bomb.txt.gz
expect_status 1 "$ACCORD" --db "$TMP/limits.db" ingest bomb.txt.gz
contains err.txt "bomb.txt.gz: error: gzip: decompresses to over 16 MiB"
# 1 GiB of zeros (1 MB of gzip): refused as binary after the first chunk.
head -c 1048576 /dev/zero | gzip -9 > z.gz
for i in 1 2 3 4 5 6 7 8 9 10; do cat z.gz z.gz > z2.gz && mv z2.gz z.gz; done
mv z.gz zeros.html.gz
expect_status 1 "$ACCORD" --db "$TMP/limits.db" ingest zeros.html.gz
contains err.txt "zeros.html.gz: error: binary data inside the gzip (NUL byte at byte 0)"
# JSONL inflates line by line: a 64 MiB line is skipped as it streams past,
# the lines after it are stored; concatenated gzip members are all read.
{ head -c 67108864 /dev/zero | tr '\0' b; echo; echo '{"id":"after","text":"The line after the long one."}'; } \
    | gzip -1 > long.jsonl.gz
echo '{"id":"second","text":"A second gzip member."}' | gzip >> long.jsonl.gz
expect_status 1 "$ACCORD" --db "$TMP/limits.db" ingest long.jsonl.gz
contains err.txt "long.jsonl.gz:1: error: line is 67108864 bytes, over the 8 MiB line limit"
contains err.txt "2 new"
expect_status 0 "$ACCORD" --db "$TMP/limits.db" article --json after
expect_status 0 "$ACCORD" --db "$TMP/limits.db" article --json second

# UTF-16 and UTF-32 with a byte order mark are converted, with a warning
# naming the encoding (they were refused as binary before).
printf '\357\273\277Caf\303\251 in Z\303\274rich: the mayor spoke \360\237\230\200 on Tuesday.\n' > u8.txt
for e in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do iconv -f UTF-8 -t $e u8.txt > $e.txt; done
expect_status 0 "$ACCORD" --db "$TMP/wide.db" ingest UTF-16LE.txt UTF-16BE.txt UTF-32LE.txt UTF-32BE.txt
for e in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do
    contains err.txt "$e.txt: warning: $e text (byte order mark): converted to UTF-8"
done
contains err.txt "1 new, 3 unchanged"
expect_status 0 "$ACCORD" --db "$TMP/wide.db" search Zürich --json
jq_is out.txt '.results | length' 1
id=$(jq -r '.results[0].id' out.txt)
expect_status 0 "$ACCORD" --db "$TMP/wide.db" article --json "$id"
jq_is out.txt '.text' "$(printf 'Caf\303\251 in Z\303\274rich: the mayor spoke \360\237\230\200 on Tuesday.')"

# JSONL fields of the wrong type: a warning with line and field, the raw
# value kept among the extra fields, a number id used as a string.
printf '%s\n' '{"id":"ok","text":"A well typed line."}' \
  '{"id":7,"title":{"en":"Oil"},"published":["2025-01-02"],"text":"Oil prices rose on Tuesday."}' > types.jsonl
expect_status 0 "$ACCORD" --db "$TMP/types.db" ingest types.jsonl
contains err.txt "types.jsonl:2: warning: field \"id\" is a number, not a string: used as \"7\""
contains err.txt "types.jsonl:2: warning: field \"title\" is an object, not a string: not used, kept among the extra fields"
contains err.txt "types.jsonl:2: warning: field \"published\" is an array, not a string"
expect_status 0 "$ACCORD" --db "$TMP/types.db" article --json 7
jq_is out.txt '.extra.title.en' Oil
jq_is out.txt '.extra.published[0]' 2025-01-02
jq_is out.txt '.extra.id' 7
