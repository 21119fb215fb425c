/* coverage.c - GET /api/coverage?stories=1,2,3: how many articles each
 * story got per hour (or per day), for the river's sparklines.
 *
 * The library has no such read, but accord_export_articles() streams every
 * article with its story and dates. The server builds from it, once per
 * generation of the store (cache.c), an index: for each story, the sorted
 * times of its articles (the publication time, else the event date). A
 * request then costs a lookup per story. While an ingest keeps changing
 * the store, an index up to COVERAGE_MAX_AGE seconds old is still used, so
 * a busy writer does not make every page rebuild it.
 *
 * Unit: hours when the story's times carry a time of day and it spans at
 * most COVERAGE_MAX_HOURS hours; days otherwise. At most COVERAGE_MAX_BUCKETS
 * buckets are returned, the latest ones. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve_int.h"
#include "util/util.h"

enum { COVERAGE_MAX_HOURS = 96, COVERAGE_MAX_BUCKETS = 120, COVERAGE_MAX_STORIES = 200 };
#define COVERAGE_MAX_AGE 30.0

typedef struct cov_item {
    int64_t story;
    int64_t t;      /* seconds since 1970 */
    bool has_time;  /* the date carried a time of day */
} cov_item;

struct serve_coverage {
    cov_item *items; /* sorted by story, then time */
    size_t n, cap;
    uint64_t generation;
    double built;
    bool ready;
};

void coverage_free(serve_coverage *c)
{
    if (!c) return;
    free(c->items);
    free(c);
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM..." as seconds; false when not a date. */
static bool parse_time(const char *s, int64_t *t, bool *has_time)
{
    if (!s || strlen(s) < 10 || !acc_is_date(s, 10)) return false;
    struct tm tm = {0};
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    *has_time = false;
    if ((s[10] == 'T' || s[10] == ' ') && strlen(s) >= 16 && s[13] == ':') {
        tm.tm_hour = atoi(s + 11);
        tm.tm_min = atoi(s + 14);
        *has_time = tm.tm_hour || tm.tm_min;
    }
    *t = (int64_t)timegm(&tm);
    return true;
}

static int collect(void *ud, const char *line, size_t len)
{
    serve_coverage *c = ud;
    json_t *o = json_loadb(line, len, 0, NULL);
    if (!o) return 0;
    json_int_t story = json_integer_value(json_object_get(o, "story"));
    const char *date = json_string_value(json_object_get(o, "published"));
    if (!date) date = json_string_value(json_object_get(o, "event_date"));
    if (!date) date = json_string_value(json_object_get(o, "given_date"));
    cov_item it = {story, 0, false};
    if (story > 0 && parse_time(date, &it.t, &it.has_time)) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 1024;
            cov_item *g = realloc(c->items, cap * sizeof *g);
            if (!g) {
                json_decref(o);
                return ACCORD_ENOMEM;
            }
            c->items = g;
            c->cap = cap;
        }
        c->items[c->n++] = it;
    }
    json_decref(o);
    return 0;
}

static int cmp_item(const void *a, const void *b)
{
    const cov_item *x = a, *y = b;
    if (x->story != y->story) return x->story < y->story ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* Rebuilds the index when the store changed and the index is old enough.
 * Called with s->coverage_lock held. */
static int refresh(serve *s, accord *db)
{
    serve_coverage *c = s->coverage;
    uint64_t gen = serve_generation(s);
    double now = acc_now();
    if (c->ready && (c->generation == gen || now - c->built < COVERAGE_MAX_AGE)) return 0;
    c->n = 0;
    int rc = accord_export_articles(db, collect, c);
    if (rc != 0) {
        c->ready = false;
        return rc;
    }
    qsort(c->items, c->n, sizeof *c->items, cmp_item);
    c->generation = gen;
    c->built = now;
    c->ready = true;
    return 0;
}

static json_t *story_coverage(const serve_coverage *c, int64_t story)
{
    /* Binary search for the story's first item. */
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->items[mid].story < story) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    bool times = false;
    while (end < c->n && c->items[end].story == story) times |= c->items[end++].has_time;
    if (end == lo) return json_null();
    int64_t first = c->items[lo].t, last = c->items[end - 1].t;
    bool hourly = times && last - first <= COVERAGE_MAX_HOURS * 3600;
    int64_t step = hourly ? 3600 : 86400;
    int64_t b0 = first / step, b1 = last / step;
    if (b1 - b0 + 1 > COVERAGE_MAX_BUCKETS) b0 = b1 - COVERAGE_MAX_BUCKETS + 1;
    size_t nb = (size_t)(b1 - b0 + 1);
    json_int_t *counts = calloc(nb, sizeof *counts);
    if (!counts) return json_null();
    for (size_t i = lo; i < end; i++) {
        int64_t b = c->items[i].t / step;
        if (b >= b0) counts[b - b0]++;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < nb; i++) json_array_append_new(arr, json_integer(counts[i]));
    free(counts);
    char start[32];
    time_t t = (time_t)(b0 * step);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(start, sizeof start, hourly ? "%Y-%m-%dT%H:00:00Z" : "%Y-%m-%d", &tm);
    return json_pack("{s:s, s:s, s:I, s:o}", "unit", hourly ? "hour" : "day", "start", start, "articles",
                     (json_int_t)(end - lo), "counts", arr);
}

void api_coverage(request *rq, accord *db, reply *r)
{
    serve *s = rq->srv;
    const char *list = req_arg(rq, "stories");
    if (!list || !*list) {
        reply_error(r, 400, "give story ids: /api/coverage?stories=1,2,3");
        return;
    }
    int64_t ids[COVERAGE_MAX_STORIES];
    int n = 0;
    for (const char *p = list; *p;) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v <= 0 || (*end && *end != ',')) {
            reply_error(r, 400, "'stories' must be story ids separated by commas, not '%.64s'", list);
            return;
        }
        if (n == COVERAGE_MAX_STORIES) {
            reply_error(r, 400, "at most %d stories at a time", COVERAGE_MAX_STORIES);
            return;
        }
        ids[n++] = v;
        p = *end ? end + 1 : end;
    }
    pthread_mutex_lock(&s->coverage_lock);
    int rc = refresh(s, db);
    json_t *out = NULL;
    if (rc == 0) {
        json_t *map = json_object();
        for (int i = 0; i < n; i++) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)ids[i]);
            json_object_set_new(map, key, story_coverage(s->coverage, ids[i]));
        }
        out = json_pack("{s:o}", "coverage", map);
    }
    pthread_mutex_unlock(&s->coverage_lock);
    if (rc != 0) {
        reply_accord_error(r, rc);
        return;
    }
    char *js = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (!js) reply_error(r, 503, "out of memory");
    else reply_json(r, 200, js);
}

serve_coverage *coverage_new(void)
{
    return calloc(1, sizeof(serve_coverage));
}
