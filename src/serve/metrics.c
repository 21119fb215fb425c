/* metrics.c - counters for /metrics, in the Prometheus text format.
 *
 * Requests are counted by endpoint and status, and their latency goes into
 * a fixed histogram per endpoint (buckets from half a millisecond to ten
 * seconds). One mutex guards it all: an update is a few additions, far
 * cheaper than the SQLite query beside it. The store's own figures
 * (articles, stories, ...) are read at scrape time, so they are never
 * stale. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"
#include "util/util.h"

const char *const endpoint_names[EP_COUNT] = {
    "static",  "healthz",    "metrics",   "stats",    "articles", "article", "ingest", "search", "stories",
    "story",   "storylines", "storyline", "entities", "entity",   "quotes",  "facts",  "dups",   "passages", "compare", "coverage", "other"};

static const double bucket_le[METRIC_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
static const int statuses[METRIC_STATUSES] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                              408, 413, 414, 415, 422, 429, 500, 503, 504};

void metrics_init(metrics *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->c.started = acc_now();
}

void metrics_destroy(metrics *m)
{
    pthread_mutex_destroy(&m->lock);
}

void metrics_observe(metrics *m, endpoint ep, int status, double seconds)
{
    if ((int)ep < 0 || ep >= EP_COUNT) ep = EP_OTHER;
    int si = METRIC_STATUSES;
    for (int i = 0; i < METRIC_STATUSES; i++)
        if (statuses[i] == status) si = i;
    int bi = METRIC_BUCKETS; /* beyond the last bucket: only +Inf */
    for (int i = 0; i < METRIC_BUCKETS; i++) {
        if (seconds <= bucket_le[i]) {
            bi = i;
            break;
        }
    }
    pthread_mutex_lock(&m->lock);
    endpoint_metrics *e = &m->c.ep[ep];
    e->by_status[si]++;
    if (bi < METRIC_BUCKETS) e->hist[bi]++;
    e->count++;
    e->seconds += seconds;
    pthread_mutex_unlock(&m->lock);
}

void metrics_ingest(metrics *m, const accord_ingest_stats *st, size_t bytes, double seconds)
{
    pthread_mutex_lock(&m->lock);
    m->c.ingest_requests++;
    m->c.ingest_new += st->articles_new;
    m->c.ingest_same += st->articles_same;
    m->c.ingest_versions += st->articles_versioned;
    m->c.ingest_errors += st->errors;
    m->c.ingest_bytes += bytes;
    m->c.ingest_seconds += seconds;
    uint64_t n = st->articles_new + st->articles_same + st->articles_versioned;
    if (seconds > 0 && n) m->c.ingest_last_rate = (double)n / seconds;
    pthread_mutex_unlock(&m->lock);
}

/* The "total" of a library list answer, or -1. */
static long long total_of(int rc, char *js)
{
    long long n = -1;
    if (rc == 0 && js) {
        json_t *o = json_loads(js, 0, NULL);
        if (json_is_integer(json_object_get(o, "total"))) n = (long long)json_integer_value(json_object_get(o, "total"));
        json_decref(o);
    }
    free(js);
    return n;
}

/* What the store holds, as gauges: the totals of one-item pages of the
 * lists (counts on indexed tables), not accord_stats_json, which reads
 * every text and is too slow to scrape on a large store. */
static void store_gauges(buf *b, accord *db)
{
    if (!db) return;
    /* Each call first, then its answer: the order matters. */
    char *js = NULL;
    accord_article_query aq = {.limit = 1};
    int rc = accord_articles_json(db, &aq, &js);
    long long articles = total_of(rc, js);
    js = NULL;
    accord_story_query sq = {.limit = 1};
    rc = accord_stories_json(db, &sq, &js);
    long long stories = total_of(rc, js);
    js = NULL;
    rc = accord_entities_json(db, NULL, 1, 0, &js);
    long long entities = total_of(rc, js);
    js = NULL;
    rc = accord_quotes_json(db, NULL, 0, 1, 0, &js);
    long long quotes = total_of(rc, js);
    js = NULL;
    rc = accord_facts_json(db, 0, 1, 0, &js);
    long long facts = total_of(rc, js);
    if (articles >= 0)
        buf_printf(b, "# HELP accord_articles Articles in the store.\n# TYPE accord_articles gauge\n"
                      "accord_articles %lld\n", articles);
    if (stories >= 0)
        buf_printf(b, "# HELP accord_stories Stories in the store.\n# TYPE accord_stories gauge\n"
                      "accord_stories %lld\n", stories);
    buf_puts(b, "# HELP accord_store_count What the store holds, by kind.\n# TYPE accord_store_count gauge\n");
    const struct {
        const char *kind;
        long long n;
    } counts[] = {{"articles", articles}, {"stories", stories}, {"entities", entities}, {"quotes", quotes},
                  {"facts", facts}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].n >= 0) buf_printf(b, "accord_store_count{kind=\"%s\"} %lld\n", counts[i].kind, counts[i].n);
}

char *metrics_render(metrics *m, accord *db, serve_cache *cache, conn_limits *limits)
{
    buf b = BUF_INIT;
    metrics_counts snap;
    pthread_mutex_lock(&m->lock);
    snap = m->c;
    pthread_mutex_unlock(&m->lock);

    buf_puts(&b, "# HELP accord_http_requests_total HTTP requests answered, by endpoint and status.\n"
                 "# TYPE accord_http_requests_total counter\n");
    for (int e = 0; e < EP_COUNT; e++) {
        for (int i = 0; i <= METRIC_STATUSES; i++) {
            if (!snap.ep[e].by_status[i]) continue;
            char code[8];
            if (i < METRIC_STATUSES) snprintf(code, sizeof code, "%d", statuses[i]);
            else snprintf(code, sizeof code, "other");
            buf_printf(&b, "accord_http_requests_total{endpoint=\"%s\",status=\"%s\"} %llu\n", endpoint_names[e],
                       code, (unsigned long long)snap.ep[e].by_status[i]);
        }
    }
    buf_puts(&b, "# HELP accord_http_request_duration_seconds Time from the request's arrival to its "
                 "reply, by endpoint.\n# TYPE accord_http_request_duration_seconds histogram\n");
    for (int e = 0; e < EP_COUNT; e++) {
        const endpoint_metrics *em = &snap.ep[e];
        if (!em->count) continue;
        uint64_t cum = 0;
        for (int i = 0; i < METRIC_BUCKETS; i++) {
            cum += em->hist[i];
            buf_printf(&b, "accord_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
                       endpoint_names[e], bucket_le[i], (unsigned long long)cum);
        }
        buf_printf(&b, "accord_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
                   endpoint_names[e], (unsigned long long)em->count);
        buf_printf(&b, "accord_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", endpoint_names[e],
                   em->seconds);
        buf_printf(&b, "accord_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n", endpoint_names[e],
                   (unsigned long long)em->count);
    }
    buf_printf(&b,
               "# HELP accord_ingest_requests_total POST /api/articles requests that reached the store.\n"
               "# TYPE accord_ingest_requests_total counter\naccord_ingest_requests_total %llu\n"
               "# HELP accord_ingest_articles_total Articles ingested over HTTP, by outcome.\n"
               "# TYPE accord_ingest_articles_total counter\n"
               "accord_ingest_articles_total{outcome=\"new\"} %llu\n"
               "accord_ingest_articles_total{outcome=\"same\"} %llu\n"
               "accord_ingest_articles_total{outcome=\"version\"} %llu\n"
               "accord_ingest_articles_total{outcome=\"error\"} %llu\n"
               "# HELP accord_ingest_bytes_total Request body bytes ingested.\n"
               "# TYPE accord_ingest_bytes_total counter\naccord_ingest_bytes_total %llu\n"
               "# HELP accord_ingest_seconds_total Time spent ingesting.\n"
               "# TYPE accord_ingest_seconds_total counter\naccord_ingest_seconds_total %.6f\n"
               "# HELP accord_ingest_rate_articles_per_second Articles per second of the last ingest request.\n"
               "# TYPE accord_ingest_rate_articles_per_second gauge\n"
               "accord_ingest_rate_articles_per_second %.3f\n",
               (unsigned long long)snap.ingest_requests, (unsigned long long)snap.ingest_new,
               (unsigned long long)snap.ingest_same, (unsigned long long)snap.ingest_versions,
               (unsigned long long)snap.ingest_errors, (unsigned long long)snap.ingest_bytes,
               snap.ingest_seconds, snap.ingest_last_rate);
    buf_printf(&b, "# HELP accord_uptime_seconds Seconds since the server started.\n"
                   "# TYPE accord_uptime_seconds gauge\naccord_uptime_seconds %.3f\n",
               acc_now() - snap.started);
    uint64_t hits, misses;
    size_t bytes, entries;
    cache_stats(cache, &hits, &misses, &bytes, &entries);
    buf_printf(&b, "# HELP accord_cache_requests_total Lookups in the cache of story documents.\n"
                   "# TYPE accord_cache_requests_total counter\n"
                   "accord_cache_requests_total{result=\"hit\"} %llu\n"
                   "accord_cache_requests_total{result=\"miss\"} %llu\n"
                   "# HELP accord_cache_bytes Bytes held in the cache.\n# TYPE accord_cache_bytes gauge\n"
                   "accord_cache_bytes %zu\n"
                   "# HELP accord_cache_entries Documents held in the cache.\n# TYPE accord_cache_entries gauge\n"
                   "accord_cache_entries %zu\n",
               (unsigned long long)hits, (unsigned long long)misses, bytes, entries);
    uint64_t refused[LIMITS_REASONS];
    unsigned open = limits_stats(limits, refused);
    buf_printf(&b, "# HELP accord_connections Connections open now.\n# TYPE accord_connections gauge\n"
                   "accord_connections %u\n"
                   "# HELP accord_connections_refused_total Connections closed at once by the limits.\n"
                   "# TYPE accord_connections_refused_total counter\n"
                   "accord_connections_refused_total{reason=\"full\"} %llu\n"
                   "accord_connections_refused_total{reason=\"address\"} %llu\n"
                   "accord_connections_refused_total{reason=\"reserve\"} %llu\n",
               open, (unsigned long long)refused[LIMITS_FULL], (unsigned long long)refused[LIMITS_ADDRESS],
               (unsigned long long)refused[LIMITS_RESERVE]);
    store_gauges(&b, db);
    if (buf_failed(&b)) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}
