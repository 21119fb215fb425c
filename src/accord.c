/* accord.c - the public interface (accord.h): opening a store, ingest with
 * transactions and progress, and the article reads.
 *
 * Ingest gathers up to INGEST_BATCH articles (or 64 MB, or a second of
 * input, or up to where learned boilerplate next changes) into a batch,
 * prepares them on --jobs threads while the batch before is applied in
 * input order (pipeline.h), inside transactions of about a thousand
 * articles or a second: a killed process loses at most the open
 * transaction, never part of an article, and bad input is refused in the
 * prepare phase, before anything is written. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* the hash state on the stack */
#include <xxhash.h>

#include "accord.h"
#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

enum { INGEST_BATCH = 128, INGEST_TXN_ARTICLES = 1024 };
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

typedef struct batch {
    slot *slots;
    size_t n, cap;
    size_t bytes;     /* raw bytes held */
    size_t limit;     /* articles it takes at most */
    bool slow;        /* closed by the clock: the input comes slowly */
    double started;
    char now[32];     /* the first-ingest time stamped on new ids */
} batch;

/* The workers: with --jobs N, N threads prepare one batch while the
 * calling thread applies the one before it. With --jobs 1 the calling
 * thread does both, one after the other. */
typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    accord *db;
    batch *b;         /* being prepared, or NULL */
    size_t next, finished;
    bool stop;
    int n_threads;
    pthread_t threads[64];
    pipeline_worker workers[64];
} pool;

typedef struct ingest_run {
    accord *db;
    const accord_ingest_opts *opts;
    accord_ingest_stats *stats;
    ingest_ctx *ic;
    batch bufs[2];
    batch *filling;   /* the reader adds here */
    batch *inflight;  /* handed to the pool, applied next; or NULL */
    int jobs;
    pool *pool;
    pipeline_worker self; /* the calling thread's tools */
    double last_progress;
    bool in_txn;
    double txn_started;
    accord_ingest_stats txn; /* what the open transaction stored */
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

static void *pool_loop(void *p)
{
    pipeline_worker *w = p;
    pool *pl = w->pool;
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (!pl->stop && (!pl->b || pl->next >= pl->b->n)) pthread_cond_wait(&pl->work, &pl->mu);
        if (pl->stop) break;
        batch *b = pl->b;
        size_t i = pl->next++;
        pthread_mutex_unlock(&pl->mu);
        pipeline_prepare(pl->db, w, &b->slots[i].pa);
        pthread_mutex_lock(&pl->mu);
        if (++pl->finished == b->n) pthread_cond_broadcast(&pl->done);
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

static void pool_free(pool *pl)
{
    if (!pl) return;
    pthread_mutex_lock(&pl->mu);
    pl->stop = true;
    pthread_cond_broadcast(&pl->work);
    pthread_mutex_unlock(&pl->mu);
    for (int t = 0; t < pl->n_threads; t++) pthread_join(pl->threads[t], NULL);
    for (int t = 0; t < pl->n_threads; t++) text_stemmer_free(pl->workers[t].stemmer);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->work);
    pthread_cond_destroy(&pl->done);
    free(pl);
}

static int pool_new(accord *db, int n, pool **out)
{
    pool *pl = calloc(1, sizeof *pl);
    if (!pl) return acc_error(ACCORD_ENOMEM, "out of memory");
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->work, NULL);
    pthread_cond_init(&pl->done, NULL);
    pl->db = db;
    *out = pl;
    for (int t = 0; t < n; t++) {
        pl->workers[t].pool = pl;
        if (!(pl->workers[t].stemmer = text_stemmer_new("en"))) return acc_error(ACCORD_ENOMEM, "out of memory");
        if (pthread_create(&pl->threads[t], NULL, pool_loop, &pl->workers[t]) != 0) {
            text_stemmer_free(pl->workers[t].stemmer);
            return acc_error(ACCORD_EINTERNAL, "cannot start a worker thread");
        }
        pl->n_threads++;
    }
    return 0;
}

static void pool_submit(pool *pl, batch *b)
{
    pthread_mutex_lock(&pl->mu);
    pl->b = b;
    pl->next = 0;
    pl->finished = 0;
    pthread_cond_broadcast(&pl->work);
    pthread_mutex_unlock(&pl->mu);
}

static void pool_wait(pool *pl)
{
    pthread_mutex_lock(&pl->mu);
    while (pl->b && pl->finished < pl->b->n) pthread_cond_wait(&pl->done, &pl->mu);
    pl->b = NULL;
    pthread_mutex_unlock(&pl->mu);
}

static void free_batch(batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->slots[i].pa.clean_meta);
        arena_free(&b->slots[i].a);
    }
    b->n = 0;
    b->bytes = 0;
    b->slow = false;
}

/* The hash of an article as it came in: its bytes and every given field,
 * each with its length, so that no two inputs share one by concatenation. */
static void raw_hash(const raw_article *r, char out[17])
{
    XXH64_state_t h;
    XXH64_reset(&h, 0x61636364u);
    const char *fields[] = {r->url, r->source, r->title, r->author, r->lang, r->published,
                            r->fetched, r->given_date, r->extra_json};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        uint64_t n = fields[i] ? strlen(fields[i]) + 1 : 0; /* NULL and "" differ */
        XXH64_update(&h, &n, sizeof n);
        if (fields[i]) XXH64_update(&h, fields[i], n - 1);
    }
    uint64_t n = r->body_len, html = r->is_html;
    XXH64_update(&h, &html, sizeof html);
    XXH64_update(&h, &n, sizeof n);
    XXH64_update(&h, r->body, r->body_len);
    snprintf(out, 17, "%016llx", (unsigned long long)XXH64_digest(&h));
}

/* What prepare needs from the store, read by the calling thread before the
 * batch goes to the workers: when each id was first ingested, and the views
 * of stage state. */
static int batch_views(ingest_run *r, batch *b)
{
    accord *db = r->db;
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        slot *sl = &b->slots[i];
        sl->pa.raw = &sl->raw;
        sl->pa.a = &sl->a;
        const char *stored_hash = NULL;
        rc = store_article_seen(db->st, sl->raw.id, &sl->a, &sl->pa.first_seen, &stored_hash);
        if (rc == 0 && !sl->pa.first_seen) sl->pa.first_seen = b->now;
        raw_hash(&sl->raw, sl->pa.raw_hash);
        /* The same input as before (a second ingest, a resumed one): no
         * need to clean it again, and no chance that boilerplate learned
         * since makes it look changed. */
        sl->pa.unchanged = stored_hash && strcmp(stored_hash, sl->pa.raw_hash) == 0;
    }
    pipeline_article **pas = rc == 0 ? malloc((b->n ? b->n : 1) * sizeof *pas) : NULL;
    if (!pas && rc == 0) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    for (size_t i = 0; i < b->n && pas; i++) pas[i] = &b->slots[i].pa;
    if (rc == 0) rc = pipeline_views(db, pas, b->n);
    free(pas);
    return rc;
}

/* Batches are applied inside transactions of up to INGEST_TXN_ARTICLES
 * stored articles or a second: fewer commits rewrite the same index pages
 * less often. What a transaction stored counts once it is committed. */
static int txn_commit(ingest_run *r)
{
    if (!r->in_txn) return 0;
    int rc = store_commit(r->db->st);
    if (rc != 0) return rc;
    r->in_txn = false;
    r->stats->articles_new += r->txn.articles_new;
    r->stats->articles_same += r->txn.articles_same;
    r->stats->articles_versioned += r->txn.articles_versioned;
    memset(&r->txn, 0, sizeof r->txn);
    return 0;
}

/* A store failure: the open transaction is rolled back whole, said so, and
 * every stage reads its state again from the store. */
static void txn_abort(ingest_run *r)
{
    accord *db = r->db;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", accord_error_last());
    uint64_t lost = r->txn.articles_new + r->txn.articles_versioned;
    store_rollback(db->st);
    r->in_txn = false;
    memset(&r->txn, 0, sizeof r->txn);
    if (pipeline_reset(db) == 0) pipeline_ingest_state(db);
    r->self.stemmer = db->stemmer;
    if (lost && r->opts && r->opts->on_event) {
        char note[1200];
        snprintf(note, sizeof note, "the store failed (%s): the last %llu article(s) reported stored were rolled back",
                 msg, (unsigned long long)lost);
        accord_event ev = {ACCORD_EVENT_ERROR, "-", 0, 0, NULL, note};
        r->opts->on_event(r->opts->ud, &ev);
    }
    acc_error(ACCORD_EINTERNAL, "%s", msg);
}

/* Applies a prepared batch in input order, inside the open transaction
 * (begun here when none is). A store failure rolls the transaction back
 * and stage state is read again from the store. */
static int batch_apply(ingest_run *r, batch *b)
{
    accord *db = r->db;
    int rc = 0;
    if (!r->in_txn) {
        rc = store_begin(db->st);
        if (rc == 0) rc = pipeline_batch_begin(db);
        r->self.stemmer = db->stemmer;
        r->in_txn = rc == 0;
        r->txn_started = acc_now();
        memset(&r->txn, 0, sizeof r->txn);
    }
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        pipeline_article *pa = &b->slots[i].pa;
        accord_event_kind kind = ACCORD_EVENT_ERROR;
        /* refused when prepared, or when prepared again at apply */
        if (pa->status == 0) rc = pipeline_apply(db, &r->self, pa, &kind);
        if (rc != 0) break;
        if (pa->status != 0) {
            r->ic->errors++;
            emit(r, ACCORD_EVENT_ERROR, pa->raw, pa->error);
            if (pa->status != ACCORD_EINPUT) rc = acc_error(pa->status, "%s", pa->error);
            continue;
        }
        if (kind == ACCORD_EVENT_NEW) r->txn.articles_new++;
        if (kind == ACCORD_EVENT_SAME) r->txn.articles_same++;
        if (kind == ACCORD_EVENT_VERSION) r->txn.articles_versioned++;
        emit(r, kind, pa->raw,
             kind == ACCORD_EVENT_SAME      ? "already stored, unchanged"
             : kind == ACCORD_EVENT_VERSION ? "text changed: stored as a new version"
                                            : "stored");
    }
    if (rc == 0) rc = pipeline_flush(db);
    bool slow = b->slow;
    free_batch(b);
    /* A slow input commits each batch: nothing waits in an open transaction
     * (holding the store from other writers) for articles yet to come. */
    if (rc == 0 && (slow || r->txn.articles_new + r->txn.articles_versioned >= INGEST_TXN_ARTICLES ||
                    acc_now() - r->txn_started > 1.0))
        rc = txn_commit(r);
    if (rc != 0) txn_abort(r);
    return rc;
}

/* The batch being filled is full (or the input ended): it goes to the
 * workers, and the one they prepared before it is applied meanwhile. */
static int batch_turn(ingest_run *r)
{
    batch *b = r->filling;
    int rc = 0;
    /* An outlet's learned boilerplate changes only where an epoch ends
     * (pipeline_until_view_change). When one ends inside or at the end of
     * the batch the workers hold, that batch is applied before this one's
     * views are taken, so that they are not already out of date. */
    if (r->inflight && b->n && pipeline_until_view_change(r->db, 0) <= r->inflight->n) {
        pool_wait(r->pool);
        batch *prev = r->inflight;
        r->inflight = NULL;
        rc = batch_apply(r, prev);
        if (rc != 0) {
            free_batch(b);
            return rc;
        }
    }
    if (b->n) rc = batch_views(r, b);
    if (!r->pool) { /* --jobs 1: prepare, then apply */
        for (size_t i = 0; i < b->n && rc == 0; i++) pipeline_prepare(r->db, &r->self, &b->slots[i].pa);
        if (rc != 0) {
            free_batch(b);
            return rc;
        }
        return batch_apply(r, b);
    }
    batch *prev = r->inflight;
    if (prev) pool_wait(r->pool);
    r->inflight = NULL;
    if (rc == 0 && b->n) {
        pool_submit(r->pool, b);
        r->inflight = b;
        r->filling = b == &r->bufs[0] ? &r->bufs[1] : &r->bufs[0];
    } else if (rc != 0) {
        free_batch(b);
    }
    if (prev) {
        int arc = rc == 0 ? batch_apply(r, prev) : (free_batch(prev), rc);
        if (rc == 0) rc = arc;
    }
    return rc;
}

/* The last batches: what is being filled, then what the workers hold. */
static int batch_drain(ingest_run *r)
{
    int rc = batch_turn(r);
    if (r->inflight) {
        pool_wait(r->pool);
        batch *b = r->inflight;
        r->inflight = NULL;
        if (rc == 0) rc = batch_apply(r, b);
        else free_batch(b);
    }
    return rc;
}

static char *dup_field(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static int sink(void *ud, const raw_article *a)
{
    ingest_run *r = ud;
    batch *b = r->filling;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        slot *ns = realloc(b->slots, cap * sizeof *ns);
        if (!ns) return acc_error(ACCORD_ENOMEM, "out of memory");
        b->slots = ns;
        b->cap = cap;
    }
    if (b->n == 0) {
        /* A batch ends where the learned boilerplate next changes, so that
         * what the workers prepare with stays what the writer expects. */
        size_t ahead = r->inflight ? r->inflight->n : 0;
        uint64_t room = pipeline_until_view_change(r->db, ahead);
        b->limit = room < INGEST_BATCH ? (size_t)room : INGEST_BATCH;
        if (b->limit == 0) b->limit = 1;
        b->started = acc_now();
        /* The first-ingest time of the batch's new ids (ACCORD_NOW pins it;
         * it was checked when the ingest began). */
        if (acc_reference_now(b->now) != 0) acc_utc_now(b->now);
    }
    slot *sl = &b->slots[b->n];
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
    b->n++;
    if (!c->body || (a->id && !c->id) || (a->file && !c->file)) return acc_error(ACCORD_ENOMEM, "out of memory");
    b->bytes += a->body_len;
    double now = acc_now();
    int rc = 0;
    b->slow = now - b->started > 1.0;
    if (b->n >= b->limit || b->bytes >= INGEST_BATCH_BYTES || b->slow) rc = batch_turn(r);
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
                         ingest_producer produce, void *produce_ud, const accord_ingest_opts *opts,
                         accord_ingest_stats *stats)
{
    accord_ingest_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    if (db->readonly) return acc_error(ACCORD_EUSAGE, "the store is open read-only");
    int fmt = ingest_format_parse(opts ? opts->format : NULL);
    if (fmt < 0) return acc_error(ACCORD_EUSAGE, "unknown format '%s' (txt, jsonl, html or auto)", opts->format);
    ingest_ctx ic = {0};
    ingest_run r = {.db = db, .opts = opts, .stats = stats, .ic = &ic};
    r.filling = &r.bufs[0];
    r.jobs = opts && opts->jobs > 0 ? opts->jobs : accord_default_jobs();
    if (r.jobs > 64) r.jobs = 64;
    r.self.stemmer = db->stemmer;
    char now[21];
    int rc = acc_reference_now(now); /* a bad ACCORD_NOW is refused before anything is read */
    if (rc == 0) rc = pipeline_ingest_state(db);
    if (rc == 0 && r.jobs > 1) rc = pool_new(db, r.jobs, &r.pool);
    ic.format = (ingest_format)fmt;
    ic.sink = sink;
    ic.report = on_report;
    ic.ud = &r;
    if (rc == 0)
        rc = produce ? produce(&ic, produce_ud) : path ? ingest_path(&ic, path) : ingest_buffer(&ic, name, data, len);
    if (rc == 0) rc = batch_drain(&r);
    if (rc == 0) rc = txn_commit(&r);
    if (rc != 0 && r.in_txn) txn_abort(&r);
    if (r.inflight) pool_wait(r.pool);
    pool_free(r.pool);
    for (int k = 0; k < 2; k++) {
        free_batch(&r.bufs[k]);
        free(r.bufs[k].slots);
    }
    sync_stats(&r);
    if (rc < 0) return rc;
    return stats->errors ? acc_error(ACCORD_EINPUT, "%llu problem(s) in the input",
                                     (unsigned long long)stats->errors)
                         : 0;
}

int accord_ingest_path(accord *db, const char *path, const accord_ingest_opts *opts,
                       accord_ingest_stats *stats)
{
    return ingest_common(db, path, NULL, 0, NULL, NULL, NULL, opts, stats);
}

int accord_ingest_buffer(accord *db, const char *data, size_t len, const char *name,
                         const accord_ingest_opts *opts, accord_ingest_stats *stats)
{
    return ingest_common(db, NULL, data, len, name ? name : "-", NULL, NULL, opts, stats);
}

int accord_ingest_produce(accord *db, ingest_producer produce, void *ud, const accord_ingest_opts *opts,
                          accord_ingest_stats *stats)
{
    return ingest_common(db, NULL, NULL, 0, NULL, produce, ud, opts, stats);
}
