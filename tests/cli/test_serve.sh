# test_serve.sh - accord serve at the HTTP level: status codes, JSON
# errors, static files, no path traversal, the token for POST, limits,
# metrics, and reads answered while an ingest writes.
. "$ROOT/tests/cli/lib.sh"

command -v curl >/dev/null || fail "curl is needed"
"$ACCORD" --db demo.db ingest "$ROOT/data/demo" >/dev/null 2>&1 || fail "ingest of the demo corpus failed"

pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT

# start NAME ARGS...: starts a server on a free port; sets URL.
start() {
    name=$1; shift
    "$ACCORD" --db demo.db serve --port 0 "$@" >"$name.out" 2>"$name.err" &
    pids="$pids $!"
    i=0
    while ! grep -q '^accord: serving' "$name.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { cat "$name.err"; fail "the server did not start"; }
        sleep 0.05
    done
    URL=$(sed -n 's/^accord: serving .* at \(http:[^ ]*\)\/$/\1/p' "$name.out")
    [ -n "$URL" ] || { cat "$name.out"; fail "no address printed"; }
}

# get PATH [CURL ARGS...]: body in body.json, status in $code.
get() {
    p=$1; shift
    code=$(curl -s -o body.json -w '%{http_code}' "$@" "$URL$p") || fail "curl $p failed"
}
want() { [ "$code" = "$1" ] || { cat body.json; fail "$2: status $code, want $1"; }; }
json_error() { # the body is a JSON error with this status and a message
    jq_is body.json '.error.status' "$1"
    msg=$(jq -r '.error.message' body.json)
    [ -n "$msg" ] && [ "$msg" != null ] || fail "error without a message: $(cat body.json)"
}

start main --token test-token-123 --max-body 65536
case "$URL" in http://127.0.0.1:*) ;; *) fail "binds $URL, want 127.0.0.1 by default" ;; esac

# Health and the UI.
get /healthz; want 200 healthz
jq_is body.json '.status' ok
jq_is body.json '.articles' 5
get /; want 200 index
contains body.json '<title>accord</title>'
get /app.js; want 200 app.js
contains body.json "'use strict'"
curl -s -D headers.txt -o /dev/null "$URL/app.css"
contains headers.txt 'text/css'
contains headers.txt 'X-Content-Type-Options: nosniff'
etag=$(sed -n 's/^ETag: *\("[0-9a-f]*"\).*/\1/p' headers.txt | tr -d '\r')
[ -n "$etag" ] || fail "no ETag on app.css"
get /app.css -H "If-None-Match: $etag"; want 304 "app.css with its ETag"

# Articles, one article, search, stats.
get /api/articles; want 200 articles
jq_is body.json '.total' 5
jq_is body.json '.articles | length' 5
get '/api/articles?limit=2&offset=1'; want 200 "articles paged"
jq_is body.json '.articles | length' 2
get '/api/articles?limit=abc'; want 400 "limit=abc"
json_error 400
contains body.json limit
get '/api/articles?limit=0'; want 400 "limit=0"
get '/api/articles?since=2025-13-01'; want 400 "a bad date"
json_error 400
get /api/articles/16b94be4e16100e7; want 200 article
jq_is body.json '.id' 16b94be4e16100e7
jq_is body.json '.paragraphs | length > 3' true
get /api/articles/ffffffffffffffff; want 404 "a missing article"
json_error 404
get '/api/search?q=Peskov'; want 200 search
jq_is body.json '.results | length >= 2' true
jq_is body.json '[.results[].snippet | test("\\[Peskov\\]")] | all' true
get '/api/search'; want 400 "search without q"
json_error 400
get '/api/search?q=%22unclosed'; want 400 "a bad FTS query"
json_error 400
get /api/stats; want 200 stats
jq_is body.json '.articles' 5

# `total` counts what the filters match, paging aside.
get '/api/articles?source=Nobody'; want 200 "articles of no outlet"
jq_is body.json '.total' 0
get '/api/articles?since=2025-12-01&limit=1'; want 200 "articles since December"
jq_is body.json '.total' 1
get '/api/articles?until=2025-04-30&limit=1&offset=1'; want 200 "articles until April, paged"
jq_is body.json '.total' 4
jq_is body.json '.articles | length' 1

# Search in one column; an unknown column is a 400 naming the columns.
get '/api/search?q=title:Russia'; want 200 "search in titles"
jq_is body.json '.results | length' 2
jq_is body.json '[.results[].title | test("Russia")] | all' true
get '/api/search?q=text:Peskov%20title:Ukraine'; want 200 "search in text and titles"
jq_is body.json '.results | length >= 1' true
get '/api/search?q=author:Peskov'; want 400 "search in a column that is not indexed"
json_error 400
contains body.json 'title and text'

# Bytes that are not UTF-8, a NUL, an overlong query: JSON errors, the
# input echoed with U+FFFD for the bad bytes.
for p in '/api/search?q=%ff' '/api/search?q=%c0%af' '/api/search?q=ok%ed%a0%80' '/api/stories?since=%ff' \
         '/api/entities/%ff' '/api/articles/%c0%af' '/api/quotes?speaker=%fe'; do
    get "$p"; want 400 "$p"
    json_error 400
    contains body.json 'not UTF-8'
done
jq -r .error.message body.json | grep -q "$(printf '\357\277\275')" || fail "no U+FFFD in $(cat body.json)"
get "/api/search?q=$(printf '\377')"; want 400 "a raw 0xFF byte in the query"
json_error 400
get /api/stories/1%00; want 400 "a NUL in the path"
json_error 400
contains body.json 'NUL'
get '/api/search?q=Peskov%00x'; want 400 "a NUL in the query"
# A message that cuts what it echoes never cuts a character in two.
get "/api/stories/$(head -c 63 /dev/zero | tr '\0' a)%c3%a9"; want 404 "a long story id"
json_error 404
long=$(head -c 5000 /dev/zero | tr '\0' 'q')
get "/api/articles?source=$long"; want 414 "a 5000-byte query string"
json_error 414
get "/api/stories?x=$(head -c 4000 /dev/zero | tr '\0' 'q')"; want 200 "a 4000-byte query string"
get /api/; want 200 "the endpoint list"
jq_is body.json '.endpoints | length > 5' true

# Stories, storylines, entities, quotes, facts, copies.
get /api/stories; want 200 stories
jq_is body.json '.total >= 1' true
story=$(jq -r '.stories[0].id' body.json)
get "/api/stories/$story"; want 200 "one story"
jq_is body.json '.id' "$story"
jq_is body.json '.articles | length >= 1' true
cp body.json story1.json
get "/api/stories/$story"; want 200 "the same story again"
cmp -s body.json story1.json || fail "the story changed between two reads of an unchanged store"
get /api/stories/abc; want 404 "a story id that is not a number"
json_error 404
get /api/stories/999999; want 404 "a missing story"
json_error 404
get '/api/stories?since=yesterday'; want 400 "stories since=yesterday"
json_error 400
get '/api/stories?limit=1&offset=0'; want 200 "stories paged"
jq_is body.json '.stories | length' 1
get /api/storylines; want 200 storylines
line=$(jq -r '.storylines[0].id' body.json)
get "/api/storylines/$line"; want 200 "one storyline"
jq_is body.json '.id' "$line"
get /api/storylines/999999; want 404 "a missing storyline"
json_error 404
get '/api/entities?type=PERSON'; want 200 entities
jq_is body.json '[.entities[].type] | unique | join(",")' PERSON
get '/api/entities?type=ANIMAL'; want 400 "a bad entity type"
json_error 400
get /api/entities/Peskov; want 200 "an entity by name"
jq_is body.json '.name' 'Dmitry Peskov'
get /api/entities/Nobody%20Atall; want 404 "a missing entity"
json_error 404
get '/api/quotes?speaker=Peskov'; want 200 quotes
jq_is body.json '.quotes | length >= 1' true
get '/api/quotes?story=abc'; want 400 "quotes of story abc"
json_error 400
get "/api/facts?story=$story"; want 200 facts
jq_is body.json '.facts | length >= 1' true
get /api/dups; want 200 dups
get /api/passages/16b94be4e16100e7; want 200 passages
jq_is body.json '.id' 16b94be4e16100e7
get '/api/compare?a=16b94be4e16100e7&b=f8f6c89b85bfc837'; want 200 compare
get '/api/compare?a=16b94be4e16100e7'; want 400 "compare with one id"
json_error 400
get "/api/coverage?stories=$story,999999"; want 200 coverage
jq_is body.json ".coverage[\"$story\"].counts | add >= 1" true
jq_is body.json '.coverage["999999"]' null
get '/api/coverage?stories=1,abc'; want 400 "coverage of a bad id"
json_error 400
get /metrics; want 200 "metrics of the cache"
contains body.json 'accord_cache_requests_total{result="hit"} [1-9]'

# Unknown things and wrong methods are JSON errors.
get /api/nothing-here; want 404 "unknown endpoint"
json_error 404
get /nothing.html; want 404 "unknown page"
json_error 404
get /api/articles -X DELETE; want 405 "DELETE"
json_error 405
curl -s -D headers.txt -o /dev/null -X DELETE "$URL/api/articles"
grep -qi '^Allow: GET, HEAD, POST' headers.txt || fail "405 without Allow"
get / -X PUT -d x; want 405 "PUT /"

# No path reaches the file system.
for p in '/../../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' \
         '/api/articles/..%2f..%2fetc%2fpasswd' '/./app.js/../../serve.h' '/web/app.js' '//etc/passwd'; do
    get "$p" --path-as-is
    [ "$code" -ge 400 ] || fail "$p answered $code"
    lacks body.json 'root:'
    json_error "$code"
done

# Ingest: token required, then JSON, an array, JSON lines.
art='{"id":"http-1","source":"Test Wire","published":"2025-04-19","title":"Talks resume in Paris","text":"Negotiators met again in Paris on Saturday to discuss a ceasefire.\nThe talks lasted six hours, officials said."}'
get /api/articles -X POST -H 'Content-Type: application/json' -d "$art"; want 401 "POST without a token"
json_error 401
get /api/articles -X POST -H 'Authorization: Bearer wrong-token-000' -H 'Content-Type: application/json' -d "$art"
want 401 "POST with a wrong token"
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: text/plain' -d "$art"
want 415 "POST as text/plain"
json_error 415
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H "Content-Type: text/$(printf '\377')" -d "$art"
want 415 "POST with a Content-Type that is not UTF-8"
json_error 415
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' -d '{"id": '
want 400 "POST of broken JSON"
json_error 400
contains body.json 'line 1'
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' -d "$art"
want 201 "POST of an article"
jq_is body.json '.stored.new' 1
jq_is body.json '.articles[0].id' http-1
get /api/articles -X POST -H 'X-Accord-Token: test-token-123' -H 'Content-Type: application/json' -d "[$art]"
want 200 "POST of the same article again"
jq_is body.json '.stored.same' 1
get /api/articles/http-1; want 200 "the posted article"
jq_is body.json '.source' 'Test Wire'
get '/api/articles?since=2025-04-19&until=2025-04-19'; want 200 "since and until"
jq_is body.json '[.articles[].id] | join(",")' http-1
get '/api/articles?source=Test%20Wire'; want 200 "by source"
jq_is body.json '[.articles[].id] | join(",")' http-1
printf '%s\n%s\n' '{"id":"http-2","text":"A second article about the talks in Paris and Moscow."}' 'not json' >lines.jsonl
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/x-ndjson' --data-binary @lines.jsonl
want 201 "POST of JSON lines with one bad line"
jq_is body.json '.stored.new' 1
jq_is body.json '.errors | length' 1
jq_is body.json '.errors[0].line' 2
# A JSON array follows the same rule: a bad element is skipped and named
# by its index, the others are stored.
good3='{"id":"http-3","source":"Test Wire","text":"A third article about the talks, this time in Rome."}'
good4='{"id":"http-4","source":"Test Wire","text":"A fourth article: the talks in Rome ended late."}'
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' \
    -d "[$good3, 7, {\"id\": \"no-text\"}, $good4]"
want 201 "POST of an array with two bad elements"
jq_is body.json '.stored.new' 2
jq_is body.json '.stored.errors' 2
jq_is body.json '[.articles[].index] | join(",")' 0,3
jq_is body.json '[.errors[].index] | join(",")' 1,2
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' -d '[1, "x"]'
want 400 "POST of an array with no article"
json_error 400
jq_is body.json '.errors | length' 2

# A change to the store is seen: the story is built again, not served
# from the cache.
misses=$(curl -s "$URL/metrics" | sed -n 's/^accord_cache_requests_total{result="miss"} //p')
get "/api/stories/$story"; want 200 "the story after an ingest"
misses2=$(curl -s "$URL/metrics" | sed -n 's/^accord_cache_requests_total{result="miss"} //p')
[ "$misses2" -gt "$misses" ] || fail "the story came from the cache after the store changed ($misses -> $misses2 misses)"

# Limits: a body over --max-body is refused before it is read.
head -c 100000 /dev/zero | tr '\0' 'a' >big.txt
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' --data-binary @big.txt
want 413 "an oversized body"
json_error 413
long=$(head -c 5000 /dev/zero | tr '\0' 'q')
get "/api/search?q=$long"; [ "$code" -ge 400 ] || fail "a 5000-byte query answered $code"

# Readers are answered while an ingest writes.
i=0
: >many.jsonl
while [ $i -lt 400 ]; do
    printf '{"id":"bulk-%d","source":"Bulk","text":"Bulk article number %d reports on the weather in town %d. It rained for %d hours."}\n' $i $i $i $i >>many.jsonl
    i=$((i + 1))
done
curl -s -o post.json -w '%{http_code}' -X POST -H 'Authorization: Bearer test-token-123' \
    -H 'Content-Type: application/x-ndjson' --data-binary @many.jsonl "$URL/api/articles" >post.code &
post=$!
n=0
while [ $n -lt 30 ]; do
    get '/api/search?q=Peskov'; want 200 "search during ingest"
    get /api/articles/16b94be4e16100e7; want 200 "article during ingest"
    n=$((n + 1))
done
wait $post
[ "$(cat post.code)" = 201 ] || { cat post.json; fail "bulk POST answered $(cat post.code)"; }
jq_is post.json '.stored.new' 400
get /api/stats; want 200 "stats after ingest"
jq_is body.json '.articles' 409

# Metrics in the Prometheus text format.
get /metrics; want 200 metrics
contains body.json 'accord_http_requests_total{endpoint="search",status="200"}'
contains body.json 'accord_http_requests_total{endpoint="ingest",status="401"}'
contains body.json 'accord_http_request_duration_seconds_bucket{endpoint="article",le="+Inf"}'
contains body.json 'accord_articles 409'
contains body.json 'accord_ingest_articles_total{outcome="new"} 404'
contains body.json 'accord_ingest_rate_articles_per_second'

# Without a token, ingest is refused outright.
start ro
get /api/articles -X POST -H 'Authorization: Bearer test-token-123' -H 'Content-Type: application/json' -d "$art"
want 403 "POST to a server without a token"
json_error 403
get /healthz; want 200 "read-only healthz"
jq_is body.json '.ingest' false

# The UI from a folder (--web): its files, and nothing beside them.
start web --web "$ROOT/web"
get /app.css; want 200 "app.css from --web"
contains body.json 'system-ui'
for p in '/..%2fMakefile' '/../Makefile' '/.hidden' '/%2e%2e%2fMakefile' '/embed-web.sh/../index.html'; do
    get "$p" --path-as-is
    [ "$code" = 404 ] || fail "--web answered $code for $p"
    json_error 404
done
expect_status 2 "$ACCORD" --db demo.db serve --port 0 --web "$TMP/no-such-folder"

# Slow and broken clients leave room for others (slow_clients.py says how).
command -v python3 >/dev/null || fail "python3 is needed"
start slow --max-connections 256 --token test-token-123
python3 "$ROOT/tests/cli/slow_clients.py" "${URL##*:}" test-token-123 || fail "slow clients took the server"
get /healthz; want 200 "healthz after the slow clients"
get /metrics; want 200 "metrics after the slow clients"
contains body.json 'accord_connections_refused_total{reason="address"} [1-9]'
contains body.json 'accord_connections_refused_total{reason="reserve"} [1-9]'

# Bad options are usage errors.
expect_status 2 "$ACCORD" --db demo.db serve --port 70000
expect_status 2 "$ACCORD" --db demo.db serve --token short
expect_status 2 "$ACCORD" --db demo.db serve --max-connections 3
expect_status 2 "$ACCORD" --db demo.db serve --bind not-an-address --port 0
expect_status 1 "$ACCORD" --db missing.db serve --port 0
contains err.txt 'no store'
[ ! -e missing.db ] || fail "a read-only server created a store"
expect_status 0 "$ACCORD" serve --help
contains out.txt '--token'
exit 0
