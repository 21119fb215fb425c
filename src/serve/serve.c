/* serve.c - the server: libmicrohttpd set-up, one store connection per
 * worker thread, request dispatch, static files, /healthz and /metrics.
 *
 * A request goes through access_handler() two or more times (libmicrohttpd
 * hands over a body in pieces): the first call only creates the request
 * and, for a POST, checks the token and the declared length before a byte
 * of the body is read, so an unauthorised or oversized upload is refused
 * without being buffered. The last call dispatches: /api/ to api.c,
 * /healthz and /metrics here, anything else to the embedded web UI.
 *
 * Before any of that, the address is checked as the client sent it
 * (uri_seen sees it before libmicrohttpd decodes it): over 4096 bytes with
 * its query is a 414, a %00 (which would cut the decoded path short) and
 * a path or argument that is not UTF-8 are 400s. Error messages may echo
 * the client's text, so error_json() replaces what is not UTF-8: every
 * error is a JSON document.
 *
 * Connections are admitted by limits.c (per address, a reserve for
 * addresses holding few) and get HEADER_TIMEOUT seconds of silence until
 * their headers are in; then --timeout. libmicrohttpd's timeouts count
 * silence only, so a client that sends a byte every few seconds would
 * never be cut: a sweeper thread shuts down a connection whose headers
 * are not in HEADER_DEADLINE seconds after it began to wait for them
 * (libmicrohttpd sees the connection end, and closes it as its own).
 *
 * The reply is built in a `reply` and queued in one place (send_reply),
 * which also adds the security headers and counts the request in the
 * metrics by endpoint, status and latency. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve_int.h"
#include "util/util.h"

enum {
    CACHE_BYTES = 64 << 20,
    DEFAULT_MAX_BODY = 32 << 20,
    DEFAULT_TIMEOUT = 30,
    DEFAULT_MAX_CONNECTIONS = 1024,
    HEADER_TIMEOUT = 5,   /* seconds of silence allowed until the request headers are in */
    HEADER_DEADLINE = 10, /* seconds in all to send the request line and headers */
    MAX_URL = 4096,
    WEB_FILE_MAX = 8 << 20
};

/* ---- Text from the client ------------------------------------------------------- */

/* The length of the well-formed UTF-8 character at s (n bytes left), or 0
 * when the bytes there are not one (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF). */
static size_t utf8_char_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;      /* overlong */
        else if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;      /* overlong */
        else if (c == 0xF4) hi = 0x8F; /* past U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return len;
}

bool serve_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(p + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

size_t serve_utf8_scrub(char *out, size_t cap, const char *in)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char_len(p + i, n - i);
        const char *piece = k ? in + i : "\xEF\xBF\xBD"; /* U+FFFD for a bad byte */
        size_t plen = k ? k : 3;
        if (o + plen >= cap) break;
        memcpy(out + o, piece, plen);
        o += plen;
        i += k ? k : 1;
    }
    out[o] = 0;
    return o;
}


/* ---- Replies ------------------------------------------------------------------ */

void reply_json(reply *r, int status, char *json)
{
    r->status = status;
    r->body = json;
    r->len = json ? strlen(json) : 0;
    r->body_static = false;
    r->type = "application/json; charset=utf-8";
}

/* The message may echo what the client sent: bytes that are not UTF-8
 * become U+FFFD, so that the error is always a JSON document. */
static char *error_json(int status, const char *message)
{
    char clean[1536];
    serve_utf8_scrub(clean, sizeof clean, message);
    json_t *o = json_pack("{s:{s:i, s:s}}", "error", "status", status, "message", clean);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

void reply_error(reply *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->body && !r->body_static) free(r->body);
    r->body = NULL;
    reply_json(r, status, error_json(status, msg));
}

void reply_accord_error(reply *r, int code)
{
    const char *msg = accord_error_last();
    int status = code == ACCORD_ENOTFOUND                     ? 404
                 : code == ACCORD_EUSAGE || code == ACCORD_EINPUT ? 400
                 : code == ACCORD_ENOMEM                         ? 503
                                                                 : 500;
    if (!msg || !*msg) msg = status == 404 ? "not found" : "the store failed";
    reply_error(r, status, "%s", msg);
}

void reply_header(reply *r, const char *name, const char *fmt, ...)
{
    if (r->n_hdr >= 4) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->hdr_value[r->n_hdr], sizeof r->hdr_value[0], fmt, ap);
    va_end(ap);
    r->hdr_name[r->n_hdr++] = name;
}

const char *req_arg(request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool req_int(request *rq, reply *r, const char *name, int def, int lo, int hi, int *out)
{
    const char *v = req_arg(rq, name);
    *out = def;
    if (!v || !*v) return true;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi) {
        reply_error(r, 400, "'%s' must be a whole number from %d to %d, not '%.64s'", name, lo, hi, v);
        return false;
    }
    *out = (int)n;
    return true;
}

/* ---- One read-only store per worker thread -------------------------------------- */

static __thread accord *tls_reader;
static __thread const serve *tls_owner;

accord *serve_reader(request *rq, reply *r)
{
    serve *s = rq->srv;
    if (tls_reader && tls_owner == s) return tls_reader;
    accord *db = NULL;
    int rc = accord_open_readonly(s->db_path, &db);
    if (rc != 0) {
        reply_error(r, 503, "cannot open the store '%s': %s", s->db_path, accord_error_last());
        return NULL;
    }
    pthread_mutex_lock(&s->readers_lock);
    if (s->n_readers == s->cap_readers) {
        size_t cap = s->cap_readers ? s->cap_readers * 2 : 16;
        accord **grown = realloc(s->readers, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&s->readers_lock);
            accord_close(db);
            reply_error(r, 503, "out of memory");
            return NULL;
        }
        s->readers = grown;
        s->cap_readers = cap;
    }
    s->readers[s->n_readers++] = db;
    pthread_mutex_unlock(&s->readers_lock);
    tls_reader = db;
    tls_owner = s;
    return db;
}

/* ---- Static files ---------------------------------------------------------------- */

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return "application/octet-stream";
    if (!strcmp(dot, ".html")) return "text/html; charset=utf-8";
    if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
    if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".svg")) return "image/svg+xml";
    if (!strcmp(dot, ".png")) return "image/png";
    if (!strcmp(dot, ".ico")) return "image/x-icon";
    if (!strcmp(dot, ".json")) return "application/json; charset=utf-8";
    if (!strcmp(dot, ".txt")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

/* A web file name is one path segment of letters, digits, '-', '_' and
 * dots, not starting with a dot: nothing that could leave the folder. */
static bool safe_file_name(const char *name)
{
    if (!*name || *name == '.' || strlen(name) > 128) return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return !strstr(name, "..");
}

static void serve_static(request *rq, const char *path, reply *r)
{
    if (!strcmp(path, "/")) path = "/index.html";
    if (rq->srv->web_dir) {
        if (!safe_file_name(path + 1)) {
            reply_error(r, 404, "no such page '%.200s'", path);
            return;
        }
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", rq->srv->web_dir, path + 1);
        int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > WEB_FILE_MAX) {
            if (fd >= 0) close(fd);
            reply_error(r, 404, "no such page '%.200s'", path);
            return;
        }
        char *data = malloc((size_t)st.st_size + 1);
        ssize_t got = data ? read(fd, data, (size_t)st.st_size) : -1;
        close(fd);
        if (got != st.st_size) {
            free(data);
            reply_error(r, 500, "cannot read '%.200s'", path);
            return;
        }
        r->status = 200;
        r->body = data;
        r->len = (size_t)got;
        r->type = content_type_of(path);
        reply_header(r, "Cache-Control", "no-cache");
        return;
    }
    for (const web_asset *a = web_assets; a->path; a++) {
        if (strcmp(a->path, path) != 0) continue;
        /* The ETag is the content's hash: a reload costs a 304, not the file. */
        char etag[17];
        acc_hash_hex(a->data, a->len, etag);
        const char *inm = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "If-None-Match");
        char quoted[20];
        snprintf(quoted, sizeof quoted, "\"%s\"", etag);
        reply_header(r, "ETag", "%s", quoted);
        reply_header(r, "Cache-Control", "no-cache");
        r->type = content_type_of(path);
        r->body_static = true;
        if (inm && !strcmp(inm, quoted)) {
            r->status = 304;
            r->body = NULL;
            r->len = 0;
            return;
        }
        r->status = 200;
        r->body = (char *)a->data;
        r->len = a->len;
        return;
    }
    reply_error(r, 404, "no such page '%.200s'", path);
}

/* ---- /healthz and /metrics ------------------------------------------------------------ */

static void serve_healthz(request *rq, reply *r)
{
    accord *db = serve_reader(rq, r);
    if (!db) return;
    /* A one-item page of articles: the store answers, cheaply (the full
     * statistics read every text). */
    char *page = NULL;
    accord_article_query q = {.limit = 1};
    int rc = accord_articles_json(db, &q, &page);
    if (rc != 0) {
        reply_error(r, 503, "the store does not answer: %s", accord_error_last());
        return;
    }
    json_t *st = json_loads(page, 0, NULL);
    free(page);
    json_t *o = json_pack("{s:s, s:s, s:b, s:O?}", "status", "ok", "version", accord_version(), "ingest",
                          rq->srv->writer != NULL, "articles", json_object_get(st, "total"));
    json_decref(st);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s) {
        reply_error(r, 503, "out of memory");
        return;
    }
    reply_json(r, 200, s);
}

static void serve_metrics(request *rq, reply *r)
{
    reply scratch = {0};
    accord *db = serve_reader(rq, &scratch);
    if (scratch.body && !scratch.body_static) free(scratch.body);
    char *text = metrics_render(&rq->srv->m, db, rq->srv->cache, rq->srv->limits);
    if (!text) {
        reply_error(r, 503, "out of memory");
        return;
    }
    r->status = 200;
    r->body = text;
    r->len = strlen(text);
    r->type = "text/plain; version=0.0.4; charset=utf-8";
}

/* ---- Dispatch ------------------------------------------------------------------------------ */

static enum MHD_Result send_reply(request *rq, reply *r)
{
    struct MHD_Response *resp;
    if (r->body_static || !r->body)
        resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (char *)"",
                                               MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        if (!r->body_static) free(r->body);
        return MHD_NO;
    }
    if (r->type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    bool has_cache = false;
    for (int i = 0; i < r->n_hdr; i++) {
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
        if (!strcmp(r->hdr_name[i], "Cache-Control")) has_cache = true;
    }
    if (!has_cache) MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(rq->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    double took = acc_now() - rq->started;
    metrics_observe(&rq->srv->m, rq->ep, r->status, took);
    if (rq->srv->o.access_log)
        fprintf(stderr, "%s %.200s %d %.1f ms\n", rq->method, rq->url, r->status, took * 1000);
    rq->answered = true;
    return ok;
}

static bool token_matches(const serve *s, struct MHD_Connection *conn)
{
    const char *given = NULL;
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && !strncasecmp(auth, "Bearer ", 7)) given = auth + 7;
    if (!given) given = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Accord-Token");
    if (!given) return false;
    /* Compare in time independent of where the strings differ. */
    size_t n = strlen(s->token), m = strlen(given);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++) diff |= (unsigned char)(s->token[i] ^ given[i < m ? i : 0]);
    return diff == 0;
}

/* Checks made before the body of a POST is read. True when the request
 * may go on; otherwise r holds the refusal. */
static bool admit_post(request *rq, reply *r)
{
    serve *s = rq->srv;
    if (!s->writer) {
        reply_error(r, 403, "ingest over HTTP is off: start the server with --token TOKEN "
                            "(or ACCORD_TOKEN) to allow POST /api/articles");
        return false;
    }
    if (!token_matches(s, rq->conn)) {
        reply_error(r, 401, "POST /api/articles needs the server's token: "
                            "send 'Authorization: Bearer TOKEN'");
        reply_header(r, "WWW-Authenticate", "Bearer realm=\"accord\"");
        return false;
    }
    const char *cl = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
        reply_error(r, 413, "the body is %s bytes; this server takes at most %zu (--max-body)", cl,
                    s->o.max_body);
        return false;
    }
    return true;
}

/* The first argument whose name or value is not UTF-8. */
typedef struct bad_arg {
    const char *key, *value;
} bad_arg;

static enum MHD_Result find_bad_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    bad_arg *b = cls;
    if ((key && !serve_utf8_valid(key, strlen(key))) || (value && !serve_utf8_valid(value, strlen(value)))) {
        b->key = key ? key : "";
        b->value = value ? value : "";
        return MHD_NO;
    }
    return MHD_YES;
}

/* Checks of the address before it is routed: its length (path and query
 * together), no NUL byte (which would cut it short), and UTF-8 in the
 * path and in every argument. False with r set otherwise. */
static bool address_ok(request *rq, reply *r)
{
    size_t len = rq->uri_len ? rq->uri_len : strlen(rq->url);
    if (len > MAX_URL) {
        reply_error(r, 414, "the address (path and query) is %zu bytes, over the limit of %d", len, MAX_URL);
        return false;
    }
    if (rq->uri_nul) {
        reply_error(r, 400, "the address holds a NUL byte (%%00)");
        return false;
    }
    if (!serve_utf8_valid(rq->url, strlen(rq->url))) {
        reply_error(r, 400, "the path is not UTF-8: '%.200s'", rq->url);
        return false;
    }
    bad_arg b = {0};
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, find_bad_arg, &b);
    if (b.key) {
        reply_error(r, 400, "the argument '%.64s' is not UTF-8: '%.200s'", b.key, b.value);
        return false;
    }
    return true;
}

static void dispatch(request *rq, reply *r)
{
    const char *url = rq->url;
    bool is_get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    bool is_post = !strcmp(rq->method, "POST");
    if (!address_ok(rq, r)) return;
    if (!strncmp(url, "/api/", 5) || !strcmp(url, "/api")) {
        bool allows_post = false;
        rq->ep = api_endpoint(url, &allows_post);
        if (is_post && allows_post) {
            api_ingest(rq, r);
        } else if (is_get) {
            api_get(rq, url, r);
        } else if (rq->ep == EP_OTHER) {
            reply_error(r, 404, "no such API endpoint '%.200s' (see docs/API.md)", url);
        } else {
            reply_error(r, 405, "%s is not allowed on %.200s", rq->method, url);
            reply_header(r, "Allow", "%s", allows_post ? "GET, HEAD, POST" : "GET, HEAD");
        }
        return;
    }
    if (!strcmp(url, "/healthz")) rq->ep = EP_HEALTHZ;
    else if (!strcmp(url, "/metrics")) rq->ep = EP_METRICS;
    else rq->ep = EP_STATIC;
    if (!is_get) {
        reply_error(r, 405, "%s is not allowed on %.200s", rq->method, url);
        reply_header(r, "Allow", "GET, HEAD");
        return;
    }
    if (rq->ep == EP_HEALTHZ) serve_healthz(rq, r);
    else if (rq->ep == EP_METRICS) serve_metrics(rq, r);
    else serve_static(rq, url, r);
}

/* ---- The header deadline ------------------------------------------------------------ */

/* The connection waits for request headers (from its start, and again
 * after each answer on a kept-alive connection), or has them. */
static void watch_waiting(serve *s, struct MHD_Connection *conn, bool waiting)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_watch *w = ci ? ci->socket_context : NULL;
    if (!w) return;
    pthread_mutex_lock(&s->watch_lock);
    w->waiting_since = waiting ? acc_now() : 0;
    pthread_mutex_unlock(&s->watch_lock);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **con_cls)
{
    serve *s = cls;
    request *rq = *con_cls;
    if (!rq) { /* the address was not seen by uri_seen() (out of memory) */
        rq = calloc(1, sizeof *rq);
        if (!rq) return MHD_NO;
        rq->srv = s;
        rq->conn = conn;
        rq->started = acc_now();
        *con_cls = rq;
    }
    if (!rq->seen) {
        rq->seen = true;
        rq->method = method;
        rq->url = url;
        rq->ep = EP_OTHER;
        /* The headers are in: from now on the connection may idle as long
         * as --timeout allows (a body can be slow to come). */
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)s->o.timeout);
        watch_waiting(s, conn, false);
        if (!strcmp(method, "POST") && !strncmp(url, "/api/", 5)) {
            bool allows_post = false;
            rq->ep = api_endpoint(url, &allows_post);
            if (allows_post) {
                rq->ep = EP_INGEST;
                reply r = {0};
                if (!address_ok(rq, &r) || !admit_post(rq, &r)) return send_reply(rq, &r);
            }
        }
        return MHD_YES;
    }
    if (rq->answered) {
        *upload_data_size = 0; /* refused already: drop the rest of the body */
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!rq->too_big) {
            if (rq->body.len + *upload_data_size > s->o.max_body) {
                rq->too_big = true;
                buf_free(&rq->body);
            } else {
                buf_append(&rq->body, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    reply r = {0};
    if (rq->too_big)
        reply_error(&r, 413, "the body is larger than %zu bytes (--max-body)", s->o.max_body);
    else if (buf_failed(&rq->body))
        reply_error(&r, 503, "out of memory while reading the body");
    else
        dispatch(rq, &r);
    if (!r.status) reply_error(&r, 500, "no answer for %.200s", url);
    return send_reply(rq, &r);
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    request *rq = *con_cls;
    /* A kept-alive connection now waits for the next request's headers:
     * the short timeout again. */
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)HEADER_TIMEOUT);
        watch_waiting(cls, conn, true);
    }
    if (!rq) return;
    buf_free(&rq->body);
    free(rq);
    *con_cls = NULL;
}

/* Cuts the connections that take too long to send their headers. */
static void *sweeper_main(void *arg)
{
    serve *s = arg;
    pthread_mutex_lock(&s->watch_lock);
    while (!s->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&s->watch_wake, &s->watch_lock, &until);
        double now = acc_now();
        for (conn_watch *w = s->watched; w; w = w->next) {
            if (w->cut || w->waiting_since == 0 || now - w->waiting_since < HEADER_DEADLINE) continue;
            shutdown(w->fd, SHUT_RDWR);
            w->cut = true;
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
    return NULL;
}

/* Called with the address as the client sent it, before libmicrohttpd
 * decodes it: its length (with the query) and a %00 are only visible
 * here. The request made here is the handler's *con_cls. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq) return NULL;
    rq->srv = cls;
    rq->conn = conn;
    rq->started = acc_now();
    rq->uri_len = strlen(uri);
    for (const char *p = strchr(uri, '%'); p; p = strchr(p + 1, '%'))
        if (p[1] == '0' && p[2] == '0') rq->uri_nul = true;
    return rq;
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    serve *s = cls;
    return limits_admit(s->limits, addr) ? MHD_YES : MHD_NO;
}

/* Counts connections by address, and gives a new one HEADER_TIMEOUT
 * seconds of silence at most until its request headers are in. */
static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
    serve *s = cls;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *addr = ci ? ci->client_addr : NULL;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        limits_opened(s->limits, addr);
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)HEADER_TIMEOUT);
        const union MHD_ConnectionInfo *fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_watch *w = fi ? calloc(1, sizeof *w) : NULL;
        if (w) { /* without one (out of memory) the connection has only the timeouts */
            w->fd = fi->connect_fd;
            w->waiting_since = acc_now();
            pthread_mutex_lock(&s->watch_lock);
            w->next = s->watched;
            if (w->next) w->next->prev = w;
            s->watched = w;
            pthread_mutex_unlock(&s->watch_lock);
        }
        *socket_context = w;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        limits_closed(s->limits, addr);
        /* Unlinked before libmicrohttpd closes the socket: the sweeper never
         * shuts down a number the system has given to another connection. */
        conn_watch *w = *socket_context;
        if (w) {
            pthread_mutex_lock(&s->watch_lock);
            if (w->prev) w->prev->next = w->next;
            else s->watched = w->next;
            if (w->next) w->next->prev = w->prev;
            pthread_mutex_unlock(&s->watch_lock);
            free(w);
            *socket_context = NULL;
        }
    }
}

/* ---- Start and stop ------------------------------------------------------------------------ */

static int parse_bind(const char *bind, int port, struct sockaddr_storage *ss, socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    const char *b = bind;
    char tmp[64];
    if (*b == '[') { /* [::1] */
        snprintf(tmp, sizeof tmp, "%s", b + 1);
        char *e = strchr(tmp, ']');
        if (e) *e = 0;
        b = tmp;
    }
    if (inet_pton(AF_INET6, b, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return acc_error(ACCORD_EUSAGE, "'%s' is not an IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)", bind);
}

void serve_stop(serve *s)
{
    if (!s) return;
    if (s->sweeper_started) {
        pthread_mutex_lock(&s->watch_lock);
        s->stopping = true;
        pthread_cond_signal(&s->watch_wake);
        pthread_mutex_unlock(&s->watch_lock);
        pthread_join(s->sweeper, NULL);
    }
    if (s->daemon) MHD_stop_daemon(s->daemon);
    for (size_t i = 0; i < s->n_readers; i++) accord_close(s->readers[i]);
    free(s->readers);
    if (s->writer) accord_close(s->writer);
    if (s->checker) accord_close(s->checker);
    pthread_mutex_destroy(&s->checker_lock);
    pthread_mutex_destroy(&s->coverage_lock);
    coverage_free(s->coverage);
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->readers_lock);
    pthread_mutex_destroy(&s->watch_lock);
    pthread_cond_destroy(&s->watch_wake);
    metrics_destroy(&s->m);
    cache_free(s->cache);
    limits_free(s->limits);
    free(s->token);
    free(s->web_dir);
    free(s->db_path);
    free(s);
}

int serve_start(const serve_opts *opts, serve **out)
{
    *out = NULL;
    if (opts->port < 0 || opts->port > 65535)
        return acc_error(ACCORD_EUSAGE, "port %d is out of range (0-65535)", opts->port);
    serve *s = calloc(1, sizeof *s);
    if (!s) return acc_error(ACCORD_ENOMEM, "out of memory");
    s->o = *opts;
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->readers_lock, NULL);
    pthread_mutex_init(&s->checker_lock, NULL);
    pthread_mutex_init(&s->coverage_lock, NULL);
    pthread_mutex_init(&s->watch_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->watch_wake, &ca);
    pthread_condattr_destroy(&ca);
    s->checker_version = -1;
    metrics_init(&s->m);
    s->cache = cache_new(CACHE_BYTES);
    s->coverage = coverage_new();
    if (!s->o.bind || !*s->o.bind) s->o.bind = "127.0.0.1";
    if (!s->o.max_body) s->o.max_body = DEFAULT_MAX_BODY;
    if (s->o.timeout <= 0) s->o.timeout = DEFAULT_TIMEOUT;
    if (s->o.max_connections <= 0) s->o.max_connections = DEFAULT_MAX_CONNECTIONS;
    /* One address may hold a sixteenth of the connections (at least 4,
     * what a browser opens); the last eighth is kept for addresses that
     * hold few. */
    unsigned max_conn = (unsigned)s->o.max_connections;
    s->limits = limits_new(max_conn, max_conn / 16 > LIMITS_FEW ? max_conn / 16 : LIMITS_FEW, max_conn / 8);
    if (s->o.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->o.threads = n < 4 ? 4 : n > 64 ? 64 : (int)n;
    }
    s->db_path = strdup(opts->db_path ? opts->db_path : "accord.db");
    s->token = opts->token && *opts->token ? strdup(opts->token) : NULL;
    s->web_dir = opts->web_dir ? strdup(opts->web_dir) : NULL;
    s->o.db_path = s->db_path;
    s->o.token = s->token;
    s->o.web_dir = s->web_dir;
    if (!s->db_path || !s->cache || !s->coverage || !s->limits || (opts->token && *opts->token && !s->token) ||
        (opts->web_dir && !s->web_dir)) {
        serve_stop(s);
        return acc_error(ACCORD_ENOMEM, "out of memory");
    }
    if (s->web_dir) {
        struct stat st;
        if (stat(s->web_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            int rc = acc_error(ACCORD_EUSAGE, "--web '%s' is not a folder", s->web_dir);
            serve_stop(s);
            return rc;
        }
    }

    /* The writable connection: with a token it stays open for ingest;
     * without one it is only opened, when the store is writable, to create
     * or upgrade the schema before the readers come, then closed. */
    struct sockaddr_storage ss;
    socklen_t sslen;
    int brc = parse_bind(s->o.bind, s->o.port, &ss, &sslen);
    if (brc != 0) {
        serve_stop(s);
        return brc;
    }
    if (!s->token && access(s->db_path, F_OK) != 0) {
        int rc = acc_error(ACCORD_ENOTFOUND, "there is no store at '%s': build one with 'accord ingest', "
                                             "or start with --token to create it and ingest over HTTP",
                           s->db_path);
        serve_stop(s);
        return rc;
    }
    accord *w = NULL;
    int rc = accord_open(s->db_path, &w);
    if (rc != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", accord_error_last());
        if (s->token) {
            serve_stop(s);
            return acc_error(rc, "cannot open the store '%s' for writing: %s", opts->db_path, msg);
        }
    } else if (s->token) {
        s->writer = w;
    } else {
        accord_close(w);
    }
    /* The checker is the first reader: a store readers cannot open fails
     * here, at start, rather than on the first request. */
    rc = accord_open_readonly(s->db_path, &s->checker);
    if (rc != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", accord_error_last());
        serve_stop(s);
        return acc_error(rc, "cannot open the store '%s': %s", opts->db_path, msg);
    }

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    /* The limits are limits.c's (accept_policy); libmicrohttpd's own,
     * which it splits evenly between the worker threads, only backs them. */
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)s->o.port, accept_policy, s, access_handler, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HEADER_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT,
        max_conn * 2 + (unsigned)s->o.threads, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, s, MHD_OPTION_URI_LOG_CALLBACK, uri_seen, s,
        MHD_OPTION_NOTIFY_CONNECTION, connection_notify, s, MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        serve_stop(s);
        return acc_error(ACCORD_EUSAGE, "cannot listen on %s port %d%s%s", opts->bind ? opts->bind : "127.0.0.1",
                         opts->port, e ? ": " : "", e ? strerror(e) : "");
    }
    if (pthread_create(&s->sweeper, NULL, sweeper_main, s) != 0) {
        serve_stop(s);
        return acc_error(ACCORD_ENOMEM, "cannot start a thread");
    }
    s->sweeper_started = true;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->o.port;
    *out = s;
    return 0;
}

int serve_port(const serve *s)
{
    return s ? s->port : 0;
}
