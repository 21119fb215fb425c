# The cluster stage end to end: stories, one story with why, storylines,
# the article export, re-clustering, and the clustering evaluation.
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"

expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"

# The demo: two stories, the April one with four articles from four outlets.
expect_status 0 "$ACCORD" stories --json
jq_is out.txt '.total' 2
jq_is out.txt '[.stories[].articles] | sort | join(",")' "1,4"
april=$(jq -r '.stories[] | select(.articles == 4) | .id' out.txt)
dec=$(jq -r '.stories[] | select(.articles == 1) | .id' out.txt)
jq_is out.txt ".stories[] | select(.id == $april) | .outlets | length" 4

# One story: its articles with why each belongs.
expect_status 0 "$ACCORD" story --json "$april"
jq_is out.txt '.articles | length' 4
jq_is out.txt '[.articles[].id] | sort | join(",")' "16b94be4e16100e7,9cf57e1aec268059,f8f6c89b85bfc837,fdafb20dd39c0d62"
jq_is out.txt '[.articles[] | select(.why.started_story == false) | .why.score >= 0.25] | all' true
jq_is out.txt '[.articles[] | select(.why.started_story == false) | .why.matched | length > 0] | all' true
jq_is out.txt '.storyline.stories' 2
expect_status 0 "$ACCORD" story "$april"
contains out.txt "4 articles from 4 outlets"
contains out.txt "matched:"
expect_status 1 "$ACCORD" story 999
contains err.txt "no story 999"
expect_status 2 "$ACCORD" story abc

# Both stories in one storyline.
expect_status 0 "$ACCORD" storylines --json
jq_is out.txt '.storylines | length' 1
jq_is out.txt '[.storylines[0].stories[].id] | sort | join(",")' "$(printf '%s\n%s\n' "$april" "$dec" | sort | paste -sd,)"

# Filters: by entity and by outlet (the demo has no outlet names: none match).
expect_status 0 "$ACCORD" stories --json --entity Ushakov
jq_is out.txt '.total' 1
jq_is out.txt '.stories[0].id' "$dec"
expect_status 0 "$ACCORD" stories --json --source "No Such Outlet"
jq_is out.txt '.total' 0
expect_status 2 "$ACCORD" stories --since 2025-13-45

# Export: one line per article with its story and storyline.
expect_status 0 "$ACCORD" export articles
[ "$(wc -l < out.txt)" -eq 5 ] || fail "export: want 5 lines"
jq -s -e 'all(.[]; has("id") and has("story") and has("storyline") and has("copy_of") and has("event_date"))' out.txt >/dev/null ||
    fail "export: missing fields"
jq_is out.txt 'select(.id == "3bdb60a11d8d6c44") | .story' "$dec"
expect_status 2 "$ACCORD" export nothing

# A dry run of the re-clustering reports and changes nothing.
expect_status 0 "$ACCORD" export articles
cp out.txt before.txt
expect_status 0 "$ACCORD" recluster --dry-run --json
jq_is out.txt '.articles' 5
jq_is out.txt '.dry_run' true
expect_status 0 "$ACCORD" export articles
cmp -s out.txt before.txt || fail "recluster --dry-run changed the stories"

# New articles join the stories they report, ids unchanged.
cat > more.jsonl <<'EOF'
{"id": "n1", "source": "Wire", "text": "A magnitude 6.1 earthquake struck near Napa, California on Sunday, injuring 120 people. Governor Jerry Brown declared an emergency in Napa County."}
{"id": "n2", "source": "Daily", "text": "Napa was hit by a 6.1 magnitude quake on Sunday; 120 people were hurt and Jerry Brown declared a state of emergency for Napa County."}
EOF
expect_status 0 "$ACCORD" ingest more.jsonl
expect_status 0 "$ACCORD" export articles
jq_is out.txt 'select(.id == "3bdb60a11d8d6c44") | .story' "$dec"
jq_is out.txt 'select(.id == "16b94be4e16100e7") | .story' "$april"
n1=$(jq -r 'select(.id == "n1") | .story' out.txt)
jq_is out.txt 'select(.id == "n2") | .story' "$n1"

# Re-clustering keeps the ids of stories that survive: the Napa story keeps its id.
expect_status 0 "$ACCORD" recluster --json
jq_is out.txt '.articles' 7
expect_status 0 "$ACCORD" export articles
jq_is out.txt 'select(.id == "n1") | .story' "$n1"
jq_is out.txt 'select(.id == "n2") | .story' "$n1"
expect_status 0 "$ACCORD" stories --json --source Daily
jq_is out.txt '.total' 1

# The evaluation on a small labelled JSONL file.
cat > gold.jsonl <<'EOF'
{"id": "a1", "event": "napa", "text": "A magnitude 6.1 earthquake struck near Napa, California on Sunday, injuring 120 people. Governor Jerry Brown declared an emergency in Napa County."}
{"id": "a2", "event": "napa", "text": "Napa was hit by a 6.1 magnitude quake on Sunday; 120 people were hurt and Jerry Brown declared a state of emergency for Napa County."}
{"id": "a3", "event": "chile", "text": "A magnitude 7.3 earthquake shook Iquique in northern Chile, killing 6 people. President Michelle Bachelet declared a disaster zone in Tarapaca."}
EOF
if "$ACCORD" eval --help 2>/dev/null | grep -q "^  stories"; then
    expect_status 0 "$ACCORD" eval stories --json gold.jsonl
    jq_is out.txt '.stream.f1' 1
    jq_is out.txt '.batch.events' 2
fi

# A copy (the copy index's verified near-duplicate) joins its original's
# story directly, and the story counts it once.
export ACCORD_DB="$TMP/copies.db"
cat > copies.jsonl <<'EOF2'
{"id": "o1", "source": "Wire", "text": "A magnitude 6.1 earthquake struck near Napa, California on Sunday, injuring 120 people. Governor Jerry Brown declared an emergency in Napa County. Officials said the damage was extensive in the downtown area and several buildings collapsed. Rescue teams worked through the night to search for survivors in the rubble."}
{"id": "o2", "source": "Paper", "text": "A magnitude 6.1 earthquake struck near Napa, California on Sunday, injuring 120 people. Governor Jerry Brown declared an emergency in Napa County. Officials said the damage was extensive in the downtown area and several buildings collapsed. Rescue teams worked through the night to search for survivors in the rubble."}
EOF2
expect_status 0 "$ACCORD" ingest copies.jsonl
expect_status 0 "$ACCORD" export articles
jq_is out.txt 'select(.id == "o2") | .copy_of' o1
expect_status 0 "$ACCORD" stories --json
jq_is out.txt '.stories[0].articles' 2
jq_is out.txt '.stories[0].distinct' 1
