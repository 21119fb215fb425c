/* pipeline.h - the stages for a batch of articles, and the engine object.
 *
 * An article travels through the stages as one record (pipeline_article).
 * The work is split in two phases (docs/ARCHITECTURE.md):
 *
 *   prepare  runs on a pool of worker threads, one article at a time, with
 *            no store access and no shared mutable state: clean, text
 *            analysis, extraction. Its inputs are the raw article, its
 *            reference date and read-only views of stage state that do not
 *            change while the phase runs.
 *   apply    runs on one thread, in input order, inside the batch's one
 *            transaction: the article row, then each stage's apply step
 *            (learned boilerplate, copies, extraction rows, the story).
 *
 * Everything an article's result depends on is the article itself, its
 * reference date and the articles stored before it, so the number of
 * threads and where batches end change nothing. */
#ifndef ACCORD_PIPELINE_H
#define ACCORD_PIPELINE_H

#include "accord.h"
#include "clean/clean.h"
#include "cluster/cluster.h"
#include "dedup/dedup.h"
#include "extract/extract.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "text/text.h"
#include "util/arena.h"

struct accord {
    store *st;
    bool readonly;
    text_stemmer *stemmer; /* the writer thread's */
    /* State a stage keeps between articles (owned by that stage). */
    void *dedup_state;
    void *clean_state;
    void *extract_state;
    void *cluster_state;
};

/* One article on its way through the stages. */
typedef struct pipeline_article {
    const raw_article *raw;
    arena *a; /* the article's memory, freed after apply */
    const char *id;
    /* The date every relative or yearless date of the article resolves
     * against: published (given, or found by clean in the page's own
     * metadata), else given, else fetched, else the time of first ingest. */
    const char *ref_date;
    const char *first_seen; /* when this id was first ingested */
    char raw_hash[17];      /* of the input as it came */
    bool unchanged;         /* the same input as stored: nothing to prepare */
    /* prepare: clean and text */
    int status;          /* 0, or the ACCORD_E* code that refused the article */
    char error[512];     /* why, when status != 0 */
    const void *clean;   /* the clean stage's result (clean_result *) */
    char *clean_meta;    /* its JSON for articles.meta (malloc'd) */
    clean_learned learned;    /* the outlet's learned boilerplate, as prepare saw it */
    dedup_config dedup_config; /* the copy index's settings */
    uint64_t learned_version; /* and its version */
    const char *text;    /* the stored NFC text: paragraphs separated by "\n" */
    size_t len;
    text_doc doc;        /* paragraphs, sentences, tokens of text */
    const char *title, *source, *url, *lang, *author;
    const char *given_date, *published, *event_date;
    double event_confidence; /* of an inferred event date; 1 for a stated one */
    /* prepare: the copy index's view of the text */
    dedup_prepared dd;
    /* prepare: the cluster stage's features */
    cluster_doc features;
    /* prepare: extract */
    const char *anchor; /* what its time expressions resolve against */
    extract_result ex;
    /* apply */
    int64_t rowid; /* articles.rowid */
    int version;
    store_put_outcome outcome;
    dedup_match copies;     /* what dedup found: the original of a copy, if any */
    cluster_decision story; /* what cluster decided */
} pipeline_article;

/* A worker's own tools (libstemmer objects are not thread-safe). */
typedef struct pipeline_worker {
    text_stemmer *stemmer;
    void *pool; /* the pool the worker belongs to, if any */
} pipeline_worker;

/* Phase 1 for one article: everything that needs no store. Thread-safe
 * between different articles. Sets pa->status on bad input. */
void pipeline_prepare(accord *db, pipeline_worker *w, pipeline_article *pa);

/* Views of stage state that prepare reads; taken by the writer before a
 * prepare phase (no writer runs while workers read them). */
int pipeline_views(accord *db, pipeline_article *const *pa, size_t n);

/* Phase 2 for one prepared article, in input order, inside the caller's
 * transaction. *kind gets NEW, SAME or VERSION. Returns 0 or a store
 * failure (bad input never reaches apply). */
int pipeline_apply(accord *db, pipeline_worker *w, pipeline_article *pa, accord_event_kind *kind);

/* How many more articles can be stored, after `ahead` more than so far,
 * before an outlet's learned boilerplate may change (an epoch ends). */
uint64_t pipeline_until_view_change(accord *db, uint64_t ahead);

/* At the start of a batch's transaction: stage state is read again when
 * another writer committed, or when it was never read. */
int pipeline_batch_begin(accord *db);

/* Writes what the stages hold back, just before the batch's COMMIT. */
int pipeline_flush(accord *db);

/* Called once after accord_open and before accord_close, for stage state;
 * pipeline_reset drops in-memory stage state after a failed batch so that
 * it is read again from the store. */
int pipeline_open(accord *db);
void pipeline_close(accord *db);
int pipeline_reset(accord *db);
/* Reads the state that only ingest needs (the copy index, ...), once,
 * before the first batch; 0 or the store's failure. */
int pipeline_ingest_state(accord *db);

#endif
