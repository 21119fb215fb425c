/* serve_int.h - what the server's files share: the server object, one
 * request, the reply a handler builds, metrics, and the embedded web UI. */
#ifndef ACCORD_SERVE_INT_H
#define ACCORD_SERVE_INT_H

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "accord.h"
#include "serve/serve.h"
#include "util/buf.h"

/* ---- Metrics ---------------------------------------------------------------- */

/* Endpoints, as counted in /metrics (label endpoint="..."). */
typedef enum endpoint {
    EP_STATIC, EP_HEALTHZ, EP_METRICS, EP_STATS, EP_ARTICLES, EP_ARTICLE, EP_INGEST, EP_SEARCH,
    EP_STORIES, EP_STORY, EP_STORYLINES, EP_STORYLINE, EP_ENTITIES, EP_ENTITY, EP_QUOTES, EP_FACTS,
    EP_DUPS, EP_PASSAGES, EP_COMPARE, EP_COVERAGE, EP_OTHER, EP_COUNT
} endpoint;

extern const char *const endpoint_names[EP_COUNT];

enum { METRIC_BUCKETS = 14, METRIC_STATUSES = 18 };

typedef struct endpoint_metrics {
    uint64_t by_status[METRIC_STATUSES + 1]; /* the last one: any other status */
    uint64_t hist[METRIC_BUCKETS];            /* non-cumulative; summed when printed */
    uint64_t count;
    double seconds;
} endpoint_metrics;

typedef struct metrics_counts {
    endpoint_metrics ep[EP_COUNT];
    uint64_t ingest_requests, ingest_new, ingest_same, ingest_versions, ingest_errors, ingest_bytes;
    double ingest_seconds, ingest_last_rate;
    double started;
} metrics_counts;

typedef struct metrics {
    pthread_mutex_t lock; /* guards c */
    metrics_counts c;
} metrics;

typedef struct serve_cache serve_cache;
typedef struct conn_limits conn_limits;
void metrics_init(metrics *m);
void metrics_destroy(metrics *m);
void metrics_observe(metrics *m, endpoint ep, int status, double seconds);
void metrics_ingest(metrics *m, const accord_ingest_stats *st, size_t bytes, double seconds);
/* The Prometheus text exposition, with the store's gauges read through db
 * (may be NULL). Returns a malloc'd string. */
char *metrics_render(metrics *m, accord *db, serve_cache *cache, conn_limits *limits);

/* ---- The cache of expensive answers (cache.c) ---------------------------------- */

typedef struct serve_cache serve_cache;

serve_cache *cache_new(size_t max_bytes);
void cache_free(serve_cache *c);
/* A malloc'd copy of the document under key made at this generation, or
 * NULL: then the caller builds it and must call cache_put (or
 * cache_abandon when the build failed); meanwhile other readers of the
 * same key wait for it rather than build it too. */
char *cache_get(serve_cache *c, const char *key, uint64_t generation, size_t *len);
void cache_put(serve_cache *c, const char *key, uint64_t generation, const char *data, size_t len);
void cache_abandon(serve_cache *c, const char *key);
void cache_stats(serve_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes, size_t *entries);

/* ---- Coverage per story for sparklines (coverage.c) ---------------------------- */

typedef struct serve_coverage serve_coverage;
serve_coverage *coverage_new(void);
void coverage_free(serve_coverage *c);

/* ---- Connection limits (limits.c) -------------------------------------------- */

/* Who may open one more connection: at most max_total in all, at most
 * per_address from one address (an IPv6 address counts by its /64), and
 * once fewer than reserve are left, only an address holding fewer than
 * LIMITS_FEW may open one. A pure counter: the caller says when a
 * connection opens and closes. Thread-safe. */
enum { LIMITS_FEW = 4 };
conn_limits *limits_new(unsigned max_total, unsigned per_address, unsigned reserve);
void limits_free(conn_limits *l);
/* True when a connection from addr may open now. */
bool limits_admit(conn_limits *l, const struct sockaddr *addr);
void limits_opened(conn_limits *l, const struct sockaddr *addr);
void limits_closed(conn_limits *l, const struct sockaddr *addr);
/* Open connections in all, and from addr. */
unsigned limits_open(conn_limits *l, const struct sockaddr *addr, unsigned *from_addr);
/* Why a connection was refused: the server was full, its address held
 * its share, or only the reserve was left. */
enum { LIMITS_FULL, LIMITS_ADDRESS, LIMITS_RESERVE, LIMITS_REASONS };
/* Open connections, and the refusals so far by reason. */
unsigned limits_stats(conn_limits *l, uint64_t refused[LIMITS_REASONS]);

/* ---- Text from the client ------------------------------------------------------ */

/* True when s[0..n) is well-formed UTF-8 (no overlong forms, surrogates
 * or code points past U+10FFFF). */
bool serve_utf8_valid(const char *s, size_t n);
/* Copies the NUL-terminated in to out (cap bytes, cap > 0, always
 * terminated), each byte that is not part of well-formed UTF-8 replaced
 * by U+FFFD, cut on a character boundary when out is full. Returns the
 * length written. */
size_t serve_utf8_scrub(char *out, size_t cap, const char *in);

/* ---- The server ------------------------------------------------------------- */

/* One open connection, watched for the header deadline (serve.c). */
typedef struct conn_watch {
    struct conn_watch *prev, *next;
    int fd;
    double waiting_since; /* when it began to wait for request headers; 0: it has them */
    bool cut;             /* shut down for taking too long */
} conn_watch;

struct serve {
    serve_opts o;
    char *token;
    char *web_dir;
    char *db_path;
    struct MHD_Daemon *daemon;
    int port;
    accord *writer; /* NULL when no token: the server is read-only */
    pthread_mutex_t write_lock;
    /* Every reader opened by a worker thread, closed by serve_stop. */
    pthread_mutex_t readers_lock;
    accord **readers;
    size_t n_readers, cap_readers;
    metrics m;
    serve_cache *cache;
    _Atomic uint64_t generation; /* moves whenever the store changes (cache.c) */
    serve_coverage *coverage;    /* articles per hour of each story (coverage.c) */
    pthread_mutex_t coverage_lock;
    accord *checker;             /* a reader that only watches for changes */
    pthread_mutex_t checker_lock;
    int64_t checker_version;
    conn_limits *limits;
    /* Every open connection, and a thread that cuts those whose request
     * headers take longer than HEADER_DEADLINE in all. */
    pthread_mutex_t watch_lock;
    pthread_cond_t watch_wake;
    conn_watch *watched;
    pthread_t sweeper;
    bool sweeper_started, stopping;
};

/* The store's current generation; read it before building a document to
 * cache. */
uint64_t serve_generation(serve *s);
/* This server changed the store (an ingest): a new generation. */
void serve_store_changed(serve *s);

/* What a handler answers: a status, a body (malloc'd, or static when
 * body_static), its type, and up to a few extra headers. */
typedef struct reply {
    int status;
    char *body;
    size_t len;
    bool body_static;
    const char *type;
    const char *hdr_name[4];
    char hdr_value[4][160];
    int n_hdr;
} reply;

/* One request while it is being read and answered. */
typedef struct request {
    serve *srv;
    struct MHD_Connection *conn;
    const char *method, *url;
    size_t uri_len;   /* the address as sent, path and query */
    bool uri_nul;     /* it holds %00 */
    bool seen;        /* the handler has been called for it */
    double started;
    endpoint ep;
    buf body;
    bool too_big;
    bool answered; /* a reply was queued before the body was read */
} request;

/* The calling worker thread's read-only store, opened on first use.
 * NULL (with reply r set to a 503) when the store cannot be opened. */
accord *serve_reader(request *rq, reply *r);

/* Replies. */
void reply_json(reply *r, int status, char *json);          /* takes json */
void reply_error(reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a library error code and accord_error_last() to a JSON error. */
void reply_accord_error(reply *r, int code);
void reply_header(reply *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Query-string arguments. */
const char *req_arg(request *rq, const char *name);
/* An integer argument in [lo, hi]; def when absent. False (and a 400 in r)
 * when present but not such a number. */
bool req_int(request *rq, reply *r, const char *name, int def, int lo, int hi, int *out);

/* The API under /api/ (api.c): fills r for a GET; ep gets the endpoint. */
void api_get(request *rq, const char *path, reply *r);
/* The id in "/api/<collection>/<id>" (one segment), or NULL. */
const char *api_path_id(const char *path, const char *collection);
/* The endpoints backed by the later stages: stories, storylines,
 * entities, quotes, facts, copies (api_stages.c). */
void api_get_stage(request *rq, accord *db, const char *path, reply *r);
/* GET /api/coverage?stories=1,2: articles per hour or day of each story. */
void api_coverage(request *rq, accord *db, reply *r);
/* POST /api/articles: ingest the body (api.c). */
void api_ingest(request *rq, reply *r);
/* The endpoint a path under /api/ belongs to, for metrics and methods. */
endpoint api_endpoint(const char *path, bool *allows_post);

/* ---- The web UI ---------------------------------------------------------------- */

typedef struct web_asset {
    const char *path; /* "/index.html" */
    size_t len;
    const unsigned char *data;
} web_asset;

/* Generated at build time from web/ (see the Makefile); ends with a NULL path. */
extern const web_asset web_assets[];

#endif
