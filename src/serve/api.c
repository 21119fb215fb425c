/* api.c - the JSON API under /api/: each endpoint reads its arguments,
 * calls the library's read function on the worker's read-only store and
 * sends the JSON as the library made it; POST /api/articles ingests
 * through the one writable connection.
 *
 * Arguments are checked before the store is touched: numbers must be
 * numbers in range, dates must be dates, and a bad one is a 400 naming
 * the argument. Library errors map to statuses in reply_accord_error()
 * (not found 404, bad input 400, the rest 500).
 *
 * A POST follows one rule whatever its form: a bad article (a bad line
 * of JSON lines, a bad element of a JSON array) is skipped and reported
 * with its line or index; the others are stored. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"
#include "util/util.h"

enum { MAX_LIMIT = 1000, MAX_OFFSET = 100000000, MAX_EVENTS = 1000 };

/* The id in "/api/<collection>/<id>", or NULL when path has no id or more
 * than one segment after the collection. */
const char *api_path_id(const char *path, const char *collection)
{
    size_t n = strlen(collection);
    if (strncmp(path, collection, n) != 0 || path[n] != '/') return NULL;
    const char *id = path + n + 1;
    if (!*id || strchr(id, '/')) return NULL;
    return id;
}

endpoint api_endpoint(const char *path, bool *allows_post)
{
    *allows_post = false;
    if (!strcmp(path, "/api/articles")) {
        *allows_post = true;
        return EP_ARTICLES;
    }
    static const struct {
        const char *collection;
        endpoint list, one;
    } table[] = {
        {"/api/articles", EP_ARTICLES, EP_ARTICLE}, {"/api/stories", EP_STORIES, EP_STORY},
        {"/api/storylines", EP_STORYLINES, EP_STORYLINE}, {"/api/entities", EP_ENTITIES, EP_ENTITY},
        {"/api/quotes", EP_QUOTES, EP_OTHER}, {"/api/facts", EP_FACTS, EP_OTHER},
        {"/api/dups", EP_DUPS, EP_OTHER}, {"/api/passages", EP_OTHER, EP_PASSAGES},
    };
    if (!strcmp(path, "/api/stats")) return EP_STATS;
    if (!strcmp(path, "/api/compare")) return EP_COMPARE;
    if (!strcmp(path, "/api/coverage")) return EP_COVERAGE;
    if (!strcmp(path, "/api/search")) return EP_SEARCH;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (!strcmp(path, table[i].collection) && table[i].list != EP_OTHER) return table[i].list;
        if (api_path_id(path, table[i].collection)) return table[i].one;
    }
    return EP_OTHER;
}

static bool date_arg(request *rq, reply *r, const char *name, const char **out)
{
    *out = req_arg(rq, name);
    if (*out && !**out) *out = NULL;
    if (*out && !(strlen(*out) == 10 && acc_is_date(*out, 10))) {
        reply_error(r, 400, "'%s' must be a date YYYY-MM-DD, not '%.64s'", name, *out);
        return false;
    }
    return true;
}

/* Sends the library's answer, or its error. */
static void finish(reply *r, int rc, char *json)
{
    if (rc != 0) {
        free(json);
        reply_accord_error(r, rc);
        return;
    }
    if (!json) {
        reply_error(r, 500, "the library returned nothing");
        return;
    }
    reply_json(r, 200, json);
}

static void get_articles(request *rq, accord *db, reply *r)
{
    accord_article_query q = {0};
    q.source = req_arg(rq, "source");
    if (q.source && !*q.source) q.source = NULL;
    if (!date_arg(rq, r, "since", &q.since) || !date_arg(rq, r, "until", &q.until)) return;
    if (!req_int(rq, r, "limit", 50, 1, MAX_LIMIT, &q.limit)) return;
    if (!req_int(rq, r, "offset", 0, 0, MAX_OFFSET, &q.offset)) return;
    char *json = NULL;
    int rc = accord_articles_json(db, &q, &json);
    finish(r, rc, json);
}

static bool flag_arg(request *rq, const char *name, bool def)
{
    const char *v = req_arg(rq, name);
    if (!v) return def;
    return !(!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"));
}

static void get_article(request *rq, accord *db, const char *id, reply *r)
{
    unsigned flags = 0;
    if (flag_arg(rq, "text", true)) flags |= ACCORD_ARTICLE_TEXT;
    if (flag_arg(rq, "sentences", true)) flags |= ACCORD_ARTICLE_SENTENCES;
    if (flag_arg(rq, "removed", false)) flags |= ACCORD_ARTICLE_REMOVED;
    char *json = NULL;
    int rc = accord_article_json(db, id, flags, &json);
    finish(r, rc, json);
}

static void get_search(request *rq, accord *db, reply *r)
{
    const char *q = req_arg(rq, "q");
    if (!q || !*q) {
        reply_error(r, 400, "give a query: /api/search?q=words");
        return;
    }
    if (strlen(q) > 1000) {
        reply_error(r, 400, "the query is longer than 1000 bytes");
        return;
    }
    int limit, offset;
    if (!req_int(rq, r, "limit", 20, 1, MAX_LIMIT, &limit)) return;
    if (!req_int(rq, r, "offset", 0, 0, MAX_OFFSET, &offset)) return;
    char *json = NULL;
    int rc = accord_search_json(db, q, limit, offset, &json);
    finish(r, rc, json);
}

static void get_stats(accord *db, reply *r)
{
    char *json = NULL;
    int rc = accord_stats_json(db, &json);
    finish(r, rc, json);
}

static void get_index(reply *r)
{
    static const char index[] =
        "{\"endpoints\":[\"GET /api/stats\",\"GET /api/articles\",\"GET /api/articles/ID\","
        "\"POST /api/articles\",\"GET /api/search?q=\",\"GET /api/stories\",\"GET /api/stories/ID\","
        "\"GET /api/storylines\",\"GET /api/storylines/ID\",\"GET /api/entities\",\"GET /api/entities/ID\","
        "\"GET /api/quotes\",\"GET /api/facts\",\"GET /api/dups\",\"GET /api/passages/ID\","
        "\"GET /api/compare?a=ID&b=ID\",\"GET /api/coverage?stories=ID,ID\",\"GET /healthz\",\"GET /metrics\"],"
        "\"docs\":\"docs/API.md\"}";
    r->status = 200;
    r->body = (char *)index;
    r->len = sizeof index - 1;
    r->body_static = true;
    r->type = "application/json; charset=utf-8";
}

void api_get(request *rq, const char *path, reply *r)
{
    if (!strcmp(path, "/api") || !strcmp(path, "/api/")) {
        get_index(r);
        return;
    }
    if (rq->ep == EP_OTHER) {
        reply_error(r, 404, "no such API endpoint '%.200s' (GET /api/ lists them)", path);
        return;
    }
    accord *db = serve_reader(rq, r);
    if (!db) return;
    const char *id;
    switch (rq->ep) {
    case EP_STATS: get_stats(db, r); break;
    case EP_ARTICLES: get_articles(rq, db, r); break;
    case EP_ARTICLE:
        id = api_path_id(path, "/api/articles");
        get_article(rq, db, id, r);
        break;
    case EP_SEARCH: get_search(rq, db, r); break;
    default: api_get_stage(rq, db, path, r); break;
    }
}

/* ---- POST /api/articles ------------------------------------------------------------- */

typedef struct ingest_log {
    json_t *articles, *errors, *warnings;
    bool by_index; /* the body was JSON: events name the element, not the line */
} ingest_log;

static const char *event_status(accord_event_kind k)
{
    switch (k) {
    case ACCORD_EVENT_NEW: return "new";
    case ACCORD_EVENT_SAME: return "same";
    case ACCORD_EVENT_VERSION: return "version";
    default: return "other";
    }
}

static void on_event(void *ud, const accord_event *ev)
{
    ingest_log *log = ud;
    json_t *list = ev->kind == ACCORD_EVENT_ERROR     ? log->errors
                   : ev->kind == ACCORD_EVENT_WARNING ? log->warnings
                   : ev->kind == ACCORD_EVENT_SKIP    ? NULL
                                                      : log->articles;
    if (!list || json_array_size(list) >= MAX_EVENTS) return;
    json_t *o = json_object();
    if (!o) return;
    /* A JSON body went to the ingest stage as one line per element, so
     * line N is element N-1. */
    if (ev->line) json_object_set_new(o, log->by_index ? "index" : "line",
                                      json_integer((json_int_t)ev->line - (log->by_index ? 1 : 0)));
    if (ev->id) json_object_set_new(o, "id", json_string(ev->id));
    if (list == log->articles) json_object_set_new(o, "status", json_string(event_status(ev->kind)));
    else if (ev->message) json_object_set_new(o, "message", json_string(ev->message));
    json_array_append_new(list, o);
}

/* A JSON body (one article object, or an array of them) becomes JSON
 * lines, the form the ingest stage reads, element i on line i+1; a
 * JSON-lines body is taken as it is. An element that is not an object is
 * what a bad line is in JSON lines: it is skipped (an empty line keeps
 * the numbering) and reported in log->errors with its index, and the
 * others go on. False with r set when the body as a whole is not what it
 * claims. */
static bool body_as_jsonl(request *rq, reply *r, buf *out, ingest_log *log, uint64_t *skipped)
{
    const char *type = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *data = buf_cstr(&rq->body);
    size_t len = rq->body.len;
    bool lines = type && (strstr(type, "ndjson") || strstr(type, "jsonl") || strstr(type, "json-lines"));
    bool json = type && strstr(type, "application/json");
    if (!lines && !json) {
        reply_error(r, 415, "send articles as application/json (an object or an array of objects) or "
                            "application/x-ndjson (one object a line), not '%.100s'",
                    type ? type : "no Content-Type");
        return false;
    }
    if (lines) {
        buf_append(out, data, len);
        return true;
    }
    log->by_index = true;
    json_error_t err;
    json_t *v = json_loadb(data, len, 0, &err);
    if (!v) {
        reply_error(r, 400, "the body is not JSON: %s at line %d, column %d", err.text, err.line, err.column);
        return false;
    }
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        reply_error(r, 400, "the body must be an article object or an array of them");
        return false;
    }
    json_t *one = json_is_object(v) ? v : NULL;
    size_t n = one ? 1 : json_array_size(v);
    for (size_t i = 0; i < n; i++) {
        json_t *a = one ? one : json_array_get(v, i);
        if (!json_is_object(a)) {
            static const char *const kinds[] = {"an object", "an array", "a string", "a number",
                                                "a number", "true", "false", "null"};
            char msg[96];
            snprintf(msg, sizeof msg, "element %zu is %s, not an article object", i,
                     kinds[json_typeof(a) <= JSON_NULL ? json_typeof(a) : JSON_NULL]);
            if (json_array_size(log->errors) < MAX_EVENTS)
                json_array_append_new(log->errors, json_pack("{s:I, s:s}", "index", (json_int_t)i, "message", msg));
            (*skipped)++;
            buf_putc(out, '\n');
            continue;
        }
        char *line = json_dumps(a, JSON_COMPACT);
        if (!line) {
            json_decref(v);
            reply_error(r, 503, "out of memory");
            return false;
        }
        buf_puts(out, line);
        buf_putc(out, '\n');
        free(line);
    }
    json_decref(v);
    return true;
}

static int by_index(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "index"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "index"));
    return (x > y) - (x < y);
}

/* The errors of a JSON body in the order of its elements: the skipped
 * elements were listed before the ingest stage reported the others. */
static void sort_by_index(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **v = n > 1 ? malloc(n * sizeof *v) : NULL;
    if (!v) return;
    for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(list, i));
    qsort(v, n, sizeof *v, by_index); /* indexes are distinct: the order is total */
    json_array_clear(list);
    for (size_t i = 0; i < n; i++) json_array_append_new(list, v[i]);
    free(v);
}

void api_ingest(request *rq, reply *r)
{
    serve *s = rq->srv;
    rq->ep = EP_INGEST;
    if (rq->body.len == 0) {
        reply_error(r, 400, "the body is empty: send one article object, an array, or JSON lines");
        return;
    }
    buf lines = BUF_INIT;
    ingest_log log = {json_array(), json_array(), json_array(), false};
    uint64_t skipped = 0;
    if (!log.articles || !log.errors || !log.warnings || !body_as_jsonl(rq, r, &lines, &log, &skipped) ||
        buf_failed(&lines)) {
        if (!r->status) reply_error(r, 503, "out of memory");
        buf_free(&lines);
        json_decref(log.articles);
        json_decref(log.errors);
        json_decref(log.warnings);
        return;
    }
    accord_ingest_opts opts = {.format = "jsonl", .on_event = on_event, .ud = &log};
    accord_ingest_stats st = {0};
    double t0 = acc_now();
    pthread_mutex_lock(&s->write_lock);
    int rc = accord_ingest_buffer(s->writer, buf_cstr(&lines), lines.len, "request", &opts, &st);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", accord_error_last());
    pthread_mutex_unlock(&s->write_lock);
    double took = acc_now() - t0;
    st.errors += skipped;
    if (skipped) sort_by_index(log.errors);
    if (st.articles_new || st.articles_versioned) serve_store_changed(s);
    metrics_ingest(&s->m, &st, rq->body.len, took);
    buf_free(&lines);
    uint64_t stored = st.articles_new + st.articles_same + st.articles_versioned;
    if (rc != 0 && rc != ACCORD_EINPUT) {
        json_decref(log.articles);
        json_decref(log.errors);
        json_decref(log.warnings);
        reply_error(r, rc == ACCORD_ENOMEM ? 503 : 500, "ingest failed: %s", msg);
        return;
    }
    int status = st.articles_new || st.articles_versioned ? 201 : 200;
    json_t *o;
    if (stored == 0 && st.errors) {
        status = 400;
        const char *first = json_string_value(json_object_get(json_array_get(log.errors, 0), "message"));
        o = json_pack("{s:{s:i, s:s}}", "error", "status", status, "message",
                      json_array_size(log.errors) == 1 && first
                          ? first
                          : "no article in the body could be stored (see errors)");
    } else {
        o = json_object();
    }
    json_object_set_new(o, "stored",
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "new", (json_int_t)st.articles_new, "same",
                                  (json_int_t)st.articles_same, "versions", (json_int_t)st.articles_versioned,
                                  "errors", (json_int_t)st.errors, "warnings", (json_int_t)st.warnings,
                                  "seconds", took));
    json_object_set_new(o, "articles", log.articles);
    json_object_set_new(o, "errors", log.errors);
    json_object_set_new(o, "warnings", log.warnings);
    char *js = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!js) {
        reply_error(r, 503, "out of memory");
        return;
    }
    reply_json(r, status, js);
}
