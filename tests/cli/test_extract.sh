# Who said what end to end: accord entities, entity, quotes, facts and eval,
# on the demo corpus against its answer key.
. "$ROOT/tests/cli/lib.sh"
export ACCORD_DB="$TMP/t.db"
GOLD="$ROOT/data/demo/seeds-gold.json"

expect_status 0 "$ACCORD" ingest "$ROOT/data/demo"

# Every gold quote is listed with its speaker.
expect_status 0 "$ACCORD" quotes --json
cp out.txt quotes.json
n=$(jq '.quotes | length' "$GOLD")
i=0
while [ "$i" -lt "$n" ]; do
    starts=$(jq -r ".quotes[$i].starts" "$GOLD")
    speaker=$(jq -r ".quotes[$i].speaker" "$GOLD")
    found=$(jq -r --arg s "$starts" '[.quotes[] | select(.text | startswith($s)) | .speaker] | first' quotes.json)
    # The store keeps the fullest spelling; both are one entity.
    expect_status 0 "$ACCORD" entity --json "$speaker"
    name=$(jq -r ".name" out.txt)
    [ "$found" = "$name" ] || fail "quote '$starts': speaker '$found', want '$name'"
    i=$((i + 1))
done

# Aliases resolve to one entity; different people stay apart.
expect_status 0 "$ACCORD" entity --json Zelenskyy
jq_is out.txt '.name' "Volodymyr Zelensky"
jq_is out.txt '.type' PERSON
expect_status 0 "$ACCORD" entity --json "Mr Peskov"
jq_is out.txt '.name' "Dmitry Peskov"
jq_is out.txt '[.roles[] | select(. == "Kremlin spokesman")] | length' 1
peskov=$(jq -r '.id' out.txt)
expect_status 0 "$ACCORD" entity --json "Dmitry Medvedev"
medvedev=$(jq -r '.id' out.txt)
[ "$peskov" != "$medvedev" ] || fail "Peskov and Medvedev merged"
expect_status 0 "$ACCORD" entity --json "J.D. Vance"
jq_is out.txt '.name' "J.D. Vance"
expect_status 1 "$ACCORD" entity "Nobody Atall"

expect_status 0 "$ACCORD" entities --json --type PERSON
jq_is out.txt '[.entities[] | select(.name == "Easter" or .name == "Palm Sunday" or .name == "Oval Office" or .name == "Friday")] | length' 0
expect_status 0 "$ACCORD" entities
contains out.txt "Dmitry Peskov"

expect_status 0 "$ACCORD" quotes --speaker Peskov --json
jq_is out.txt '.total' 4
expect_status 0 "$ACCORD" quotes --speaker Rubio
contains out.txt "Marco Rubio"

# Facts: the Sumy tolls with their bounds.
expect_status 0 "$ACCORD" facts --json
jq_is out.txt '[.facts[] | select(.measure == "killed" and .value == 35 and .bound == "exact")] | length' 1
jq_is out.txt '[.facts[] | select(.measure == "killed" and .value == 34 and .bound == "at_least" and .where == "Sumy")] | length' 1
jq_is out.txt '[.facts[] | select(.measure == "drones and missiles" and .value == 5600)] | length' 1
expect_status 0 "$ACCORD" facts
contains out.txt "at_least 34"

# Evaluations: a small IOB file and a small BRAT folder made here.
printf 'Peter NNP B-PER\nSmith NNP I-PER\nvisited VBD O\nParis NNP B-LOC\n. . O\n\n' > ner.txt
expect_status 0 "$ACCORD" eval ner ner.txt --json
jq_is out.txt '.overall.f1' 1
mkdir -p brat/text brat/attributions
printf '\342\200\234We will win,\342\200\235 said Jane Smith.\n' > brat/text/a.txt
printf 'T1\tSource 20 30\tJane Smith\nT2\tCue 15 19\tsaid\nT3\tContent 0 14\t\342\200\234We will win,\342\200\235\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n' > brat/attributions/a_0001.ann
expect_status 0 "$ACCORD" eval quotes brat --json
jq_is out.txt '.direct_quotes' 1
jq_is out.txt '.accuracy' 1
expect_status 2 "$ACCORD" eval nothing here
expect_status 1 "$ACCORD" eval ner missing.txt
