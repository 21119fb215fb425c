/* accord.c - the public interface (accord.h): opening a store, ingest with
 * transactions and progress, and the article reads.
 *
 * Ingest batches articles into transactions of up to INGEST_BATCH articles
 * or half a second, each article inside its own savepoint: a bad article
 * rolls back alone, and a killed process loses at most the open batch,
 * never part of an article. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

enum { INGEST_BATCH = 512 };

const char *accord_version(void)
{
#ifdef ACCORD_VERSION
    return ACCORD_VERSION;
#else
    return "0.0.0";
#endif
}

static int open_common(const char *path, bool readonly, accord **out)
{
    *out = NULL;
    accord *db = calloc(1, sizeof *db);
    if (!db) return acc_error(ACCORD_ENOMEM, "out of memory");
    int rc = store_open(path, readonly, &db->st);
    if (rc == 0) {
        db->readonly = readonly;
        rc = pipeline_open(db);
        if (rc != 0) pipeline_close(db);
    }
    if (rc != 0) {
        store_close(db->st);
        free(db);
        return rc;
    }
    *out = db;
    return 0;
}

int accord_open(const char *path, accord **out)
{
    return open_common(path, false, out);
}

int accord_open_readonly(const char *path, accord **out)
{
    return open_common(path, true, out);
}

void accord_close(accord *db)
{
    if (!db) return;
    pipeline_close(db);
    store_close(db->st);
    free(db);
}

/* ---- Ingest ----------------------------------------------------------------- */

typedef struct ingest_run {
    accord *db;
    const accord_ingest_opts *opts;
    accord_ingest_stats *stats;
    ingest_ctx *ic;
    int in_batch;
    double batch_started, last_progress;
    int failed; /* a store failure: stop */
} ingest_run;

static void emit(ingest_run *r, accord_event_kind kind, const raw_article *a, const char *msg)
{
    if (!r->opts || !r->opts->on_event) return;
    accord_event ev = {kind, a->file, a->line, 0, a->id, msg};
    r->opts->on_event(r->opts->ud, &ev);
}

static void sync_stats(ingest_run *r)
{
    r->stats->files = r->ic->files;
    r->stats->bytes = r->ic->bytes;
    r->stats->errors = r->ic->errors;
    r->stats->warnings = r->ic->warnings;
    r->stats->skipped = r->ic->skipped;
    r->stats->repaired_bytes = r->ic->repaired_bytes;
}

static int flush_batch(ingest_run *r)
{
    if (!r->in_batch) return 0;
    r->in_batch = 0;
    return store_commit(r->db->st);
}

static int sink(void *ud, const raw_article *a)
{
    ingest_run *r = ud;
    store *st = r->db->st;
    if (!r->in_batch) {
        if (store_begin(st) != 0) return ACCORD_EINTERNAL;
        r->in_batch = 1;
        r->batch_started = acc_now();
    } else {
        r->in_batch++;
    }
    if (store_savepoint(st) != 0) return ACCORD_EINTERNAL;
    accord_event_kind kind = ACCORD_EVENT_ERROR;
    int rc = pipeline_ingest(r->db, a, &kind);
    if (rc != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", accord_error_last());
        if (store_rollback_savepoint(st) != 0) return ACCORD_EINTERNAL;
        r->ic->errors++;
        emit(r, ACCORD_EVENT_ERROR, a, msg);
        if (rc != ACCORD_EINPUT) return rc;
    } else {
        if (store_release(st) != 0) return ACCORD_EINTERNAL;
        if (kind == ACCORD_EVENT_NEW) r->stats->articles_new++;
        if (kind == ACCORD_EVENT_SAME) r->stats->articles_same++;
        if (kind == ACCORD_EVENT_VERSION) r->stats->articles_versioned++;
        emit(r, kind, a, kind == ACCORD_EVENT_SAME ? "already stored, unchanged" :
                         kind == ACCORD_EVENT_VERSION ? "text changed: stored as a new version" : "stored");
    }
    double now = acc_now();
    if (r->in_batch >= INGEST_BATCH || now - r->batch_started > 0.5) {
        if (flush_batch(r) != 0) return ACCORD_EINTERNAL;
    }
    if (r->opts && r->opts->on_progress && now - r->last_progress > 0.25) {
        r->last_progress = now;
        sync_stats(r);
        r->opts->on_progress(r->opts->ud, r->stats);
    }
    return 0;
}

static void on_report(void *ud, const accord_event *ev)
{
    ingest_run *r = ud;
    if (r->opts && r->opts->on_event) r->opts->on_event(r->opts->ud, ev);
}

static int ingest_common(accord *db, const char *path, const char *data, size_t len, const char *name,
                         const accord_ingest_opts *opts, accord_ingest_stats *stats)
{
    accord_ingest_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    if (db->readonly) return acc_error(ACCORD_EUSAGE, "the store is open read-only");
    int fmt = ingest_format_parse(opts ? opts->format : NULL);
    if (fmt < 0) return acc_error(ACCORD_EUSAGE, "unknown format '%s' (txt, jsonl, html or auto)", opts->format);
    ingest_ctx ic = {0};
    ingest_run r = {db, opts, stats, &ic, 0, 0, 0, 0};
    ic.format = (ingest_format)fmt;
    ic.sink = sink;
    ic.report = on_report;
    ic.ud = &r;
    int rc = path ? ingest_path(&ic, path) : ingest_buffer(&ic, name, data, len);
    if (rc < 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", accord_error_last());
        store_rollback(db->st);
        sync_stats(&r);
        return acc_error(rc, "%s", msg);
    }
    if (flush_batch(&r) != 0) return ACCORD_EINTERNAL;
    sync_stats(&r);
    return stats->errors ? acc_error(ACCORD_EINPUT, "%llu problem(s) in the input",
                                     (unsigned long long)stats->errors)
                         : 0;
}

int accord_ingest_path(accord *db, const char *path, const accord_ingest_opts *opts,
                       accord_ingest_stats *stats)
{
    return ingest_common(db, path, NULL, 0, NULL, opts, stats);
}

int accord_ingest_buffer(accord *db, const char *data, size_t len, const char *name,
                         const accord_ingest_opts *opts, accord_ingest_stats *stats)
{
    return ingest_common(db, NULL, data, len, name ? name : "-", opts, stats);
}
