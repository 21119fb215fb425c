/* accord.c - the public interface (accord.h): opening a store, ingest with
 * transactions and progress, and the article reads.
 *
 * Ingest gathers up to INGEST_BATCH articles (or 64 MB, or a second of
 * input) into a batch, prepares them on --jobs threads and applies them in
 * input order inside one transaction (pipeline.h): a killed process loses
 * at most the open batch, never part of an article, and bad input is
 * refused in the prepare phase, before anything is written. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accord.h"
#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

enum { INGEST_BATCH = 256 };
#define INGEST_BATCH_BYTES (64u << 20)

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

/* A batch: raw articles copied out of the reader's buffers, each with its
 * own arena, prepared in parallel and applied in input order. */
typedef struct slot {
    arena a;
    raw_article raw;
    pipeline_article pa;
} slot;

typedef struct ingest_run {
    accord *db;
    const accord_ingest_opts *opts;
    accord_ingest_stats *stats;
    ingest_ctx *ic;
    slot *slots;
    size_t n, cap;
    size_t bytes; /* raw bytes held by the batch */
    int jobs;
    pipeline_worker *workers;
    double batch_started, last_progress;
    char now[32]; /* the first-ingest time stamped on new ids of this batch */
} ingest_run;

int accord_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

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

/* The parallel phase: workers take the next article until none is left. */
typedef struct prepare_job {
    ingest_run *r;
    size_t next;
    pthread_mutex_t mu;
} prepare_job;

typedef struct prepare_arg {
    prepare_job *job;
    pipeline_worker *w;
} prepare_arg;

static void *prepare_loop(void *p)
{
    prepare_arg *arg = p;
    prepare_job *job = arg->job;
    for (;;) {
        pthread_mutex_lock(&job->mu);
        size_t i = job->next++;
        pthread_mutex_unlock(&job->mu);
        if (i >= job->r->n) break;
        pipeline_prepare(job->r->db, arg->w, &job->r->slots[i].pa);
    }
    return NULL;
}

static void prepare_all(ingest_run *r)
{
    prepare_job job = {r, 0, PTHREAD_MUTEX_INITIALIZER};
    enum { MAX_JOBS = 64 };
    pthread_t th[MAX_JOBS];
    prepare_arg args[MAX_JOBS];
    int started = 0;
    int extra = r->jobs - 1;
    if ((size_t)extra > r->n) extra = (int)r->n;
    for (int t = 0; t < extra && t < MAX_JOBS - 1; t++) {
        args[t] = (prepare_arg){&job, &r->workers[t + 1]};
        if (pthread_create(&th[t], NULL, prepare_loop, &args[t]) != 0) break;
        started++;
    }
    prepare_arg self = {&job, &r->workers[0]};
    prepare_loop(&self);
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    pthread_mutex_destroy(&job.mu);
}

static void free_slots(ingest_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->slots[i].pa.clean_meta);
        arena_free(&r->slots[i].a);
    }
    r->n = 0;
    r->bytes = 0;
}

/* Prepares and applies the batch held, in one transaction. A store failure
 * rolls the whole batch back and stage state is read again from the store. */
static int run_batch(ingest_run *r)
{
    if (r->n == 0) return 0;
    accord *db = r->db;
    int rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        slot *sl = &r->slots[i];
        sl->pa.raw = &sl->raw;
        sl->pa.a = &sl->a;
        rc = store_article_first_seen(db->st, sl->raw.id, &sl->a, &sl->pa.first_seen);
        if (rc == 0 && !sl->pa.first_seen) sl->pa.first_seen = r->now;
    }
    /* Views of stage state for the prepare phase. */
    pipeline_article **pas = malloc(r->n * sizeof *pas);
    if (!pas && rc == 0) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n && pas; i++) pas[i] = &r->slots[i].pa;
    if (rc == 0) rc = pipeline_views(db, pas, r->n);
    free(pas);
    if (rc == 0) prepare_all(r);
    if (rc == 0) rc = store_begin(db->st);
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        pipeline_article *pa = &r->slots[i].pa;
        if (pa->status != 0) {
            r->ic->errors++;
            emit(r, ACCORD_EVENT_ERROR, pa->raw, pa->error);
            if (pa->status != ACCORD_EINPUT) rc = acc_error(pa->status, "%s", pa->error);
            continue;
        }
        accord_event_kind kind = ACCORD_EVENT_ERROR;
        rc = pipeline_apply(db, &r->workers[0], pa, &kind);
        if (rc != 0) break;
        if (kind == ACCORD_EVENT_NEW) r->stats->articles_new++;
        if (kind == ACCORD_EVENT_SAME) r->stats->articles_same++;
        if (kind == ACCORD_EVENT_VERSION) r->stats->articles_versioned++;
        emit(r, kind, pa->raw,
             kind == ACCORD_EVENT_SAME      ? "already stored, unchanged"
             : kind == ACCORD_EVENT_VERSION ? "text changed: stored as a new version"
                                            : "stored");
    }
    if (rc == 0) rc = pipeline_flush(db);
    if (rc == 0) rc = store_commit(db->st);
    if (rc != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", accord_error_last());
        store_rollback(db->st);
        pipeline_reset(db);
        rc = acc_error(rc, "%s", msg);
    }
    free_slots(r);
    return rc;
}

static char *dup_field(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static int sink(void *ud, const raw_article *a)
{
    ingest_run *r = ud;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        slot *ns = realloc(r->slots, cap * sizeof *ns);
        if (!ns) return acc_error(ACCORD_ENOMEM, "out of memory");
        r->slots = ns;
        r->cap = cap;
    }
    if (r->n == 0) {
        r->batch_started = acc_now();
        acc_utc_now(r->now);
    }
    slot *sl = &r->slots[r->n];
    memset(sl, 0, sizeof *sl);
    arena_init(&sl->a);
    arena *ar = &sl->a;
    raw_article *c = &sl->raw;
    *c = *a;
    c->id = dup_field(ar, a->id);
    c->url = dup_field(ar, a->url);
    c->source = dup_field(ar, a->source);
    c->title = dup_field(ar, a->title);
    c->author = dup_field(ar, a->author);
    c->lang = dup_field(ar, a->lang);
    c->published = dup_field(ar, a->published);
    c->fetched = dup_field(ar, a->fetched);
    c->given_date = dup_field(ar, a->given_date);
    c->extra_json = dup_field(ar, a->extra_json);
    c->file = dup_field(ar, a->file);
    c->warning = dup_field(ar, a->warning);
    c->body = arena_strndup(ar, a->body, a->body_len);
    r->n++;
    if (!c->body || (a->id && !c->id) || (a->file && !c->file)) return acc_error(ACCORD_ENOMEM, "out of memory");
    r->bytes += a->body_len;
    double now = acc_now();
    int rc = 0;
    if (r->n >= INGEST_BATCH || r->bytes >= INGEST_BATCH_BYTES || now - r->batch_started > 1.0) rc = run_batch(r);
    if (rc == 0 && r->opts && r->opts->on_progress && now - r->last_progress > 0.25) {
        r->last_progress = now;
        sync_stats(r);
        r->opts->on_progress(r->opts->ud, r->stats);
    }
    return rc;
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
    ingest_run r = {.db = db, .opts = opts, .stats = stats, .ic = &ic};
    r.jobs = opts && opts->jobs > 0 ? opts->jobs : accord_default_jobs();
    if (r.jobs > 64) r.jobs = 64;
    r.workers = calloc((size_t)r.jobs, sizeof *r.workers);
    if (!r.workers) return acc_error(ACCORD_ENOMEM, "out of memory");
    int rc = 0;
    for (int t = 0; t < r.jobs && rc == 0; t++)
        if (!(r.workers[t].stemmer = text_stemmer_new("en"))) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    ic.format = (ingest_format)fmt;
    ic.sink = sink;
    ic.report = on_report;
    ic.ud = &r;
    if (rc == 0) rc = path ? ingest_path(&ic, path) : ingest_buffer(&ic, name, data, len);
    if (rc == 0) rc = run_batch(&r);
    free_slots(&r);
    free(r.slots);
    for (int t = 0; t < r.jobs; t++) text_stemmer_free(r.workers[t].stemmer);
    free(r.workers);
    sync_stats(&r);
    if (rc < 0) return rc;
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
