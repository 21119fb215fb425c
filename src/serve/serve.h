/* serve.h - the HTTP face of accord: a JSON API under /api/, /healthz,
 * /metrics, and the web UI (web/), on libmicrohttpd.
 *
 * The server answers every read with the same JSON the library's read
 * functions return (accord.h), so the command line's --json, the C API and
 * the HTTP API share one shape. Errors are JSON too:
 *
 *     {"error": {"status": 404, "message": "no story with id '9'"}}
 *
 * Concurrency: libmicrohttpd runs a pool of worker threads; each worker
 * opens its own read-only connection to the store the first time it needs
 * one (SQLite in WAL mode lets these read while a writer writes), and
 * POST /api/articles goes through the one writable connection, behind a
 * mutex. Readers are therefore never blocked by ingest.
 *
 * Safety: the server binds 127.0.0.1 unless told otherwise; request bodies
 * are limited (max_body) and idle connections time out; a client gets a
 * few seconds to send its request headers (serve.c), one address may hold only a
 * share of the connections, and the last connections are kept for
 * addresses that hold few (limits.c); static files come
 * from a fixed table embedded at build time (or, for development, from a
 * directory whose file names are checked), so no path reaches the file
 * system; ingest needs the token given at start, and without one it is
 * refused. */
#ifndef ACCORD_SERVE_H
#define ACCORD_SERVE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct serve_opts {
    const char *db_path; /* the store; created when a token allows writing */
    const char *bind;    /* address to listen on; NULL: "127.0.0.1" */
    int port;            /* 0: any free port (see serve_port) */
    const char *token;   /* bearer token for POST /api/articles; NULL or "": no ingest */
    const char *web_dir; /* serve the UI from this directory instead of the embedded copy */
    int threads;         /* worker threads; 0: the number of CPUs, at least 4 */
    size_t max_body;     /* largest request body in bytes; 0: 32 MiB */
    int timeout;         /* seconds an idle connection is kept; 0: 30 */
    int max_connections; /* open connections in all; 0: 1024 (see limits.c) */
    bool access_log;     /* one line per request on stderr */
} serve_opts;

typedef struct serve serve;

/* Opens the store and starts listening. Returns 0 or a negative ACCORD_E*
 * code with accord_error_last() set (bad address, port in use, no store). */
int serve_start(const serve_opts *opts, serve **out);
/* The port actually bound (useful after asking for port 0). */
int serve_port(const serve *s);
/* Stops accepting, waits for requests in flight, closes every connection
 * to the store and frees s. */
void serve_stop(serve *s);

#endif
