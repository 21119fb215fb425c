# The clean stage end to end: `accord extract` on the demo texts and on an
# HTML page, the clean metadata kept with stored articles, learned
# boilerplate, and `accord eval extract` on a small folder in the
# trafilatura layout.
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"

# Plain text: title, dateline, caption and credits out of the text.
expect_status 0 "$ACCORD" extract --json "$ROOT/data/demo/002_fdafb20dd39c0d62.txt"
jq_is out.txt '.input' text
jq_is out.txt '.title' "Russia sees progress in Ukraine peace talks but US relations strained"
jq_is out.txt '.dateline' MOSCOW
jq_is out.txt '.text | contains("PHOTO")' false
jq_is out.txt '.text | contains("newsletters")' false
jq_is out.txt '.captions | length' 1
jq_is out.txt '[.removed[].reason] | index("newsletter") != null' true
jq_is out.txt '.dates.event.value' 2025-04-18
jq_is out.txt '.paragraphs[0] | startswith("The Kremlin said on April 18")' true

# The header date of file 000 is the given date, flagged against the text.
expect_status 0 "$ACCORD" extract --json "$ROOT/data/demo/000_16b94be4e16100e7.txt"
jq_is out.txt '.dates.given.value' 2025-06-12
jq_is out.txt '.dates.given.source' header
jq_is out.txt '.date_flag | contains("after the events reported")' true
jq_is out.txt '.text | contains("See Also")' false
jq_is out.txt '.text | contains(" Loading ")' false

# Terminal output: the text, and --removed lists the reasons.
expect_status 0 "$ACCORD" extract --removed "$ROOT/data/demo/003_f8f6c89b85bfc837.txt"
contains out.txt "The US will walk away"
contains out.txt "\[ad\] ARTICLE AD BOX"

# HTML from standard input.
cat > page.html <<'HTML'
<!DOCTYPE html><html lang="en"><head><title>Dam opens | River Times</title>
<meta property="og:site_name" content="River Times">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Dam opens</h1><p>The new dam opened on Tuesday after six years of work, the water board said.</p>
<p>It will supply power to forty thousand homes and protect the valley from floods, officials added.</p>
<aside class="related"><a href="/x">Other story about something else entirely</a></aside></article>
<footer>Copyright River Times</footer></body></html>
HTML
expect_status 0 "$ACCORD" extract --json - < page.html
jq_is out.txt '.input' html
jq_is out.txt '.title' "Dam opens"
jq_is out.txt '.site_name' "River Times"
jq_is out.txt '.dates.published.value' "2024-03-05T10:00:00Z"
jq_is out.txt '.dates.published.source' "meta:article:published_time"
jq_is out.txt '.dates.event.value' 2024-03-05
jq_is out.txt '.paragraphs | length' 2
jq_is out.txt '.text | contains("Home")' false
jq_is out.txt '.text | contains("Copyright")' false

# Bad input and usage.
expect_status 1 "$ACCORD" extract "$TMP/no-such-file.html"
expect_status 2 "$ACCORD" extract
expect_status 2 "$ACCORD" extract --date 2025-99-99 page.html

# Stored articles keep what cleaning found.
expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"
expect_status 0 "$ACCORD" article --json fdafb20dd39c0d62
jq_is out.txt '.title' "Russia sees progress in Ukraine peace talks but US relations strained"
jq_is out.txt '.event_date' 2025-04-18
jq_is out.txt '.meta.dateline' MOSCOW
jq_is out.txt '.meta.captions | length' 1
jq_is out.txt '[.meta.removed[] | select(.reason == "credit")] | length' 2
expect_status 0 "$ACCORD" article --json 16b94be4e16100e7
jq_is out.txt '.meta.date_flag | contains("2025-06-12")' true

# Learned boilerplate: a line one outlet repeats in every article goes,
# with its reason, once the outlet has enough articles.
: > feed.jsonl
i=0
for w in apples bananas cherries dates figs grapes lemons mangoes olives pears; do
    i=$((i + 1))
    printf '{"id":"g%s","source":"gazette","text":"The harbour handled a ship full of %s today, its director said.\\nFollow the Harbour Gazette for the latest shipping news and analysis every day.\\nTraders expect the price of %s to fall."}\n' \
        "$i" "$w" "$w" >> feed.jsonl
done
expect_status 0 "$ACCORD" ingest feed.jsonl
printf '{"id":"g11","source":"gazette","text":"A new crane arrived at the harbour on Monday, workers said.\\nFollow the Harbour Gazette for the latest shipping news and analysis every day."}\n' > more.jsonl
expect_status 0 "$ACCORD" ingest more.jsonl
expect_status 0 "$ACCORD" article --json g11
jq_is out.txt '.text | contains("Follow the Harbour Gazette")' false
jq_is out.txt '[.meta.removed[] | select(.reason == "learned-boilerplate:gazette")] | length' 1

# eval extract on a two-page folder in the trafilatura layout.
mkdir -p set/html
cp page.html set/html/a.html
printf '<html><body><div><p>Only menu</p></div></body></html>' > set/html/b.html
cat > set/gold.jsonl <<'JSON'
{"url": "https://x.example/a", "file": "html/a.html", "with": ["six years of work", "forty thousand homes"], "without": ["Copyright River Times", "Other story about"]}
{"url": "https://x.example/b", "file": "html/b.html", "with": ["text that is not there"], "without": ["Only menu"]}
JSON
expect_status 0 "$ACCORD" eval extract --json set
jq_is out.txt '.trafilatura.pages' 2
jq_is out.txt '.trafilatura.tp' 2
jq_is out.txt '.trafilatura.fn' 1
expect_status 1 "$ACCORD" eval extract "$TMP/nothing-here"
