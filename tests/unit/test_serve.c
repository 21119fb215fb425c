/* test_serve.c - the server's parts that need no network: the routing of
 * API paths to endpoints, the cache of story documents (generations, LRU,
 * one build per key), the checks of text from clients, the connection
 * limits, the article reads the API serves, and start-up errors. The
 * HTTP behaviour end to end is tests/cli/test_serve.sh. */
#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve_int.h"
#include "test.h"

TEST(serve_routes_api_paths)
{
    bool post;
    CHECK(api_endpoint("/api/articles", &post) == EP_ARTICLES && post);
    CHECK(api_endpoint("/api/articles/16b94be4e16100e7", &post) == EP_ARTICLE && !post);
    CHECK(api_endpoint("/api/stories", &post) == EP_STORIES && !post);
    CHECK(api_endpoint("/api/stories/12", &post) == EP_STORY);
    CHECK(api_endpoint("/api/storylines/3", &post) == EP_STORYLINE);
    CHECK(api_endpoint("/api/entities/Dmitry Peskov", &post) == EP_ENTITY);
    CHECK(api_endpoint("/api/passages/abc", &post) == EP_PASSAGES);
    CHECK(api_endpoint("/api/compare", &post) == EP_COMPARE);
    CHECK(api_endpoint("/api/search", &post) == EP_SEARCH);
    CHECK(api_endpoint("/api/coverage", &post) == EP_COVERAGE);
    /* No id, two segments, or a list that does not exist: no endpoint. */
    CHECK(api_endpoint("/api/passages", &post) == EP_OTHER);
    CHECK(api_endpoint("/api/stories/", &post) == EP_OTHER);
    CHECK(api_endpoint("/api/stories/1/articles", &post) == EP_OTHER);
    CHECK(api_endpoint("/api/articles/../../etc/passwd", &post) == EP_OTHER);
    CHECK(api_endpoint("/api/quotes/7", &post) == EP_OTHER);
    CHECK(api_endpoint("/api/nothing", &post) == EP_OTHER);
    CHECK_STR(api_path_id("/api/stories/42", "/api/stories"), "42");
    CHECK(api_path_id("/api/storylines/4", "/api/stories") == NULL);
}

TEST(serve_cache_keeps_one_generation)
{
    serve_cache *c = cache_new(1 << 20);
    REQUIRE(c);
    size_t len = 0;
    CHECK(cache_get(c, "story:1", 5, &len) == NULL);
    cache_put(c, "story:1", 5, "{\"id\":1}", 8);
    char *got = cache_get(c, "story:1", 5, &len);
    CHECK(got && len == 8 && !strcmp(got, "{\"id\":1}"));
    free(got);
    /* After the store changed, the old document is not served. */
    CHECK(cache_get(c, "story:1", 6, &len) == NULL);
    cache_abandon(c, "story:1");
    CHECK(cache_get(c, "story:1", 5, &len) == NULL); /* dropped, not kept aside */
    cache_abandon(c, "story:1");
    uint64_t hits, misses;
    size_t bytes, entries;
    cache_stats(c, &hits, &misses, &bytes, &entries);
    CHECK(hits == 1 && misses == 3 && entries == 0 && bytes == 0);
    cache_free(c);
}

TEST(serve_cache_evicts_least_recently_used)
{
    serve_cache *c = cache_new(4000); /* room for four documents of 1000 bytes */
    REQUIRE(c);
    char doc[1001];
    memset(doc, 'x', 1000);
    doc[1000] = 0;
    size_t len;
    cache_put(c, "a", 1, doc, 1000);
    cache_put(c, "b", 1, doc, 1000);
    cache_put(c, "c", 1, doc, 1000);
    cache_put(c, "d", 1, doc, 1000);
    free(cache_get(c, "a", 1, &len)); /* a is used again: b is now the oldest */
    cache_put(c, "e", 1, doc, 1000);
    char *a = cache_get(c, "a", 1, &len), *b = cache_get(c, "b", 1, &len);
    CHECK(a != NULL);
    CHECK(b == NULL);
    free(a);
    free(b);
    cache_abandon(c, "b");
    /* A document over a quarter of the budget is not kept at all. */
    char *big = malloc(2000);
    REQUIRE(big);
    memset(big, 'y', 2000);
    cache_put(c, "big", 1, big, 2000);
    CHECK(cache_get(c, "big", 1, &len) == NULL);
    cache_abandon(c, "big");
    free(big);
    cache_free(c);
}

typedef struct waiter {
    serve_cache *c;
    char *got;
} waiter;

static void *second_reader(void *arg)
{
    waiter *w = arg;
    size_t len;
    w->got = cache_get(w->c, "story:9", 1, &len);
    return NULL;
}

TEST(serve_cache_builds_each_document_once)
{
    serve_cache *c = cache_new(1 << 20);
    REQUIRE(c);
    size_t len;
    /* The first reader misses and builds; a second reader of the same key
     * waits for that build instead of building it again. */
    CHECK(cache_get(c, "story:9", 1, &len) == NULL);
    waiter w = {c, NULL};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, second_reader, &w) == 0);
    usleep(50000);
    cache_put(c, "story:9", 1, "{\"id\":9}", 8);
    pthread_join(t, NULL);
    CHECK(w.got && !strcmp(w.got, "{\"id\":9}"));
    free(w.got);
    cache_free(c);
}

TEST(serve_start_refuses_bad_options)
{
    char dir[] = "/tmp/accord-serve-XXXXXX";
    REQUIRE(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/store.db", dir);
    serve *s = NULL;
    serve_opts o = {.db_path = path, .port = 0, .bind = "not-an-address"};
    CHECK(serve_start(&o, &s) == ACCORD_EUSAGE && s == NULL);
    o.bind = NULL;
    o.port = 70000;
    CHECK(serve_start(&o, &s) == ACCORD_EUSAGE && s == NULL);
    /* A store that does not exist is not created by a read-only server. */
    o.port = 0;
    CHECK(serve_start(&o, &s) != 0 && s == NULL);
    /* With a token the store is created, and the server listens. */
    o.token = "a-long-enough-token";
    REQUIRE(serve_start(&o, &s) == 0);
    CHECK(serve_port(s) > 0);
    serve_stop(s);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

TEST(serve_utf8_checks_and_scrubs)
{
    CHECK(serve_utf8_valid("plain", 5));
    CHECK(serve_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
    CHECK(!serve_utf8_valid("\xff", 1));
    CHECK(!serve_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!serve_utf8_valid("\xe0\x80\xaf", 3));     /* overlong, three bytes */
    CHECK(!serve_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    CHECK(!serve_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!serve_utf8_valid("\xc3", 1));             /* cut short */
    char out[32];
    CHECK(serve_utf8_scrub(out, sizeof out, "a\xff" "b") == 5);
    CHECK_STR(out, "a\xef\xbf\xbd" "b");
    serve_utf8_scrub(out, sizeof out, "\xc0\xaf");
    CHECK_STR(out, "\xef\xbf\xbd\xef\xbf\xbd");
    /* Cut on a character boundary, always terminated. */
    CHECK(serve_utf8_scrub(out, 5, "ab\xc3\xa9\xc3\xa9") == 4);
    CHECK_STR(out, "ab\xc3\xa9");
    CHECK(serve_utf8_valid(out, strlen(out)));
}

static struct sockaddr_in v4(const char *ip)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 v6(const char *ip)
{
    struct sockaddr_in6 a = {0};
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

TEST(serve_limits_keep_room_for_others)
{
    /* 64 in all, 8 from one address, the last 16 for addresses holding
     * fewer than LIMITS_FEW. */
    conn_limits *l = limits_new(64, 8, 16);
    REQUIRE(l);
    struct sockaddr_in one = v4("127.0.0.1");
    const struct sockaddr *a1 = (const struct sockaddr *)&one;
    int got = 0;
    for (int i = 0; i < 100; i++)
        if (limits_admit(l, a1)) {
            limits_opened(l, a1);
            got++;
        }
    CHECK(got == 8);
    /* Five more addresses at their limit: 48 open, into the reserve. */
    char ip[32];
    for (int k = 2; k <= 6; k++) {
        snprintf(ip, sizeof ip, "127.0.0.%d", k);
        struct sockaddr_in a = v4(ip);
        for (int i = 0; i < 8; i++) {
            REQUIRE(limits_admit(l, (const struct sockaddr *)&a));
            limits_opened(l, (const struct sockaddr *)&a);
        }
    }
    struct sockaddr_in late = v4("127.0.0.7");
    const struct sockaddr *al = (const struct sockaddr *)&late;
    got = 0;
    for (int i = 0; i < 8; i++)
        if (limits_admit(l, al)) {
            limits_opened(l, al);
            got++;
        }
    CHECK(got == LIMITS_FEW);
    unsigned mine = 0;
    CHECK(limits_open(l, al, &mine) == 48 + LIMITS_FEW && mine == LIMITS_FEW);
    /* A newcomer still gets in; one that closes makes room again. */
    struct sockaddr_in fresh = v4("10.0.0.1");
    CHECK(limits_admit(l, (const struct sockaddr *)&fresh));
    CHECK(!limits_admit(l, a1));
    limits_closed(l, a1);
    CHECK(limits_open(l, a1, &mine) == 47 + LIMITS_FEW && mine == 7);
    /* An IPv6 client counts by its /64; an IPv4-mapped one as IPv4. */
    struct sockaddr_in6 x = v6("2001:db8:1:2::1"), y = v6("2001:db8:1:2::ffff"), z = v6("::ffff:127.0.0.1");
    limits_opened(l, (const struct sockaddr *)&x);
    CHECK(limits_open(l, (const struct sockaddr *)&y, &mine) && mine == 1);
    CHECK(limits_open(l, (const struct sockaddr *)&z, &mine) && mine == 7);
    uint64_t refused[LIMITS_REASONS];
    CHECK(limits_stats(l, refused) == 48 + LIMITS_FEW);
    CHECK(refused[LIMITS_ADDRESS] == 93 && refused[LIMITS_RESERVE] == 8 - LIMITS_FEW && refused[LIMITS_FULL] == 0);
    limits_free(l);
}

/* A store of four articles from two outlets on two dates. */
static accord *small_store(char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/accord-serve-api-%d.db", (int)getpid());
    unlink(path);
    accord *db = NULL;
    if (accord_open(path, &db) != 0) return NULL;
    const char *doc =
        "{\"id\":\"s1\",\"source\":\"Wire\",\"published\":\"2025-04-18\",\"title\":\"Oil prices rise\","
        "\"text\":\"Oil prices rose on Friday after the talks in Paris.\"}\n"
        "{\"id\":\"s2\",\"source\":\"Wire\",\"published\":\"2025-04-19\",\"title\":\"Talks end\","
        "\"text\":\"The talks ended without a deal on oil exports.\"}\n"
        "{\"id\":\"s3\",\"source\":\"Daily\",\"published\":\"2025-04-19\",\"title\":\"Weather\","
        "\"text\":\"Rain fell over the city for the third day.\"}\n"
        "{\"id\":\"s4\",\"source\":\"Daily\",\"published\":\"2025-04-20\",\"title\":\"Markets\","
        "\"text\":\"Shares fell as investors waited for news.\"}\n";
    accord_ingest_stats st;
    if (accord_ingest_buffer(db, doc, strlen(doc), "small.jsonl", NULL, &st) != 0 || st.articles_new != 4) {
        accord_close(db);
        return NULL;
    }
    return db;
}

static long long json_int_at(const char *json, const char *key)
{
    json_t *o = json_loads(json, 0, NULL);
    long long v = json_integer_value(json_object_get(o, key));
    json_decref(o);
    return v;
}

static size_t json_len_at(const char *json, const char *key)
{
    json_t *o = json_loads(json, 0, NULL);
    size_t n = json_array_size(json_object_get(o, key));
    json_decref(o);
    return n;
}

TEST(serve_article_total_counts_the_filtered_list)
{
    char path[128];
    accord *db = small_store(path, sizeof path);
    REQUIRE(db);
    char *json = NULL;
    accord_article_query q = {.source = "Nobody", .limit = 10};
    REQUIRE(accord_articles_json(db, &q, &json) == 0);
    CHECK(json_int_at(json, "total") == 0);
    free(json);
    q = (accord_article_query){.source = "Wire", .limit = 1};
    REQUIRE(accord_articles_json(db, &q, &json) == 0);
    CHECK(json_int_at(json, "total") == 2 && json_len_at(json, "articles") == 1);
    free(json);
    q = (accord_article_query){.since = "2025-04-19", .limit = 10, .offset = 1};
    REQUIRE(accord_articles_json(db, &q, &json) == 0);
    CHECK(json_int_at(json, "total") == 3 && json_len_at(json, "articles") == 2);
    free(json);
    q = (accord_article_query){.source = "Daily", .until = "2025-04-19", .limit = 10};
    REQUIRE(accord_articles_json(db, &q, &json) == 0);
    CHECK(json_int_at(json, "total") == 1);
    free(json);
    accord_close(db);
    unlink(path);
}

TEST(serve_search_columns_and_bad_text)
{
    char path[128];
    accord *db = small_store(path, sizeof path);
    REQUIRE(db);
    char *json = NULL;
    REQUIRE(accord_search_json(db, "oil", 10, 0, &json) == 0);
    CHECK(json_len_at(json, "results") == 2);
    free(json);
    /* title:oil keeps to titles: one of the two. */
    REQUIRE(accord_search_json(db, "title:oil", 10, 0, &json) == 0);
    CHECK(json_len_at(json, "results") == 1 && strstr(json, "\"s1\""));
    free(json);
    REQUIRE(accord_search_json(db, "TEXT:exports", 10, 0, &json) == 0);
    CHECK(json_len_at(json, "results") == 1 && strstr(json, "\"s2\""));
    free(json);
    json = NULL;
    CHECK(accord_search_json(db, "author:oil", 10, 0, &json) == ACCORD_EUSAGE && !json);
    CHECK(strstr(accord_error_last(), "title and text") != NULL);
    /* Text that is not UTF-8 is bad input, not a failure to write JSON. */
    CHECK(accord_search_json(db, "oil \xff", 10, 0, &json) == ACCORD_EINPUT && !json);
    CHECK(accord_search_json(db, "\xc0\xaf", 10, 0, &json) == ACCORD_EINPUT && !json);
    accord_close(db);
    unlink(path);
}
