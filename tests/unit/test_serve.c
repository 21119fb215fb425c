/* test_serve.c - the server's parts that need no network: the routing of
 * API paths to endpoints, the cache of story documents (generations, LRU,
 * one build per key), and start-up errors. The HTTP behaviour end to end
 * is tests/cli/test_serve.sh. */
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
