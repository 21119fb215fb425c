/* clean_store.h - the clean stage's state: each outlet's learned
 * boilerplate, kept in memory while ingesting and written behind to the
 * store; and the clean result as the JSON kept in articles.meta.
 *
 * The rule (learn.h): a fragment (a line, or a sentence of a line) that
 * recurs in enough of an outlet's articles is that outlet's boilerplate.
 * clean_learn holds the counts. The writer observes each stored article in
 * input order; the learned set an article is cleaned with is a view that
 * changes only at epoch boundaries (learn.h), so it depends only on how
 * many articles were stored before it: not on batches, threads or time.
 * The tables and why they rebuild the state exactly are in clean_store.c.
 *
 * In the two-phase ingest: clean_learn_open() with the other stages; in
 * phase 1, per article, clean_learn_view() of its outlet (keep the
 * version), clean with it, and clean_learn_fragments() of the result; in
 * phase 2, in input order, if clean_learn_version() of the outlet is no
 * longer the one kept, prepare the article again, then, once it is stored
 * (NEW or VERSION), clean_learn_observe_fragments(); clean_learn_flush()
 * before COMMIT; after a ROLLBACK, clean_learn_free() and open again. */
#ifndef ACCORD_CLEAN_STORE_H
#define ACCORD_CLEAN_STORE_H

#include "clean.h"
#include "learn.h"
#include "store/store.h"

/* Loads the learned state from the store: the view and the pending counts
 * are exactly those of an uninterrupted run that stored the same articles.
 * 0, ACCORD_ENOMEM or ACCORD_EINTERNAL. */
int clean_learn_open(store *st, clean_learn **out);
void clean_learn_free(clean_learn *L);

/* The learned boilerplate of source visible now (empty for a NULL, empty or
 * unknown source), and its version (may be NULL). Read-only: any number of
 * threads may call it at once while no clean_learn_observe() runs. The keys
 * belong to L and stay valid until the next clean_learn_observe(). */
void clean_learn_view(const clean_learn *L, const char *source, clean_learned *out, uint64_t *version);

/* Changes exactly when the view of source changes (0: nothing learned). */
uint64_t clean_learn_version(const clean_learn *L, const char *source);

/* How many articles were observed so far. */
uint64_t clean_learn_observed(const clean_learn *L);

/* Counts a stored article (NEW or VERSION) of source (may be NULL: it still
 * counts towards the epochs), in input order, on the writer thread. Rows are
 * queued for clean_learn_flush(). 0 or ACCORD_ENOMEM (then free L and open
 * it again). */
int clean_learn_observe(clean_learn *L, const char *source, const clean_result *r);

/* clean_learn_observe() in two steps: the fragments of the article (a pure
 * function of the clean result, clean_learn_fragments(), which worker
 * threads may run), then counting them on the writer thread. f is sorted
 * by key without repeats, as clean_learn_fragments() gives it; the texts
 * are read only for samples of what gets learned. 0 or ACCORD_ENOMEM. */
int clean_learn_observe_fragments(clean_learn *L, const char *source, const clean_fragment *f, size_t n);

/* Writes the queued rows, inside the batch's transaction, before COMMIT.
 * After a failure or a ROLLBACK, free L and open it again. 0 or
 * ACCORD_EINTERNAL. */
int clean_learn_flush(clean_learn *L, store *st);

/* The SQL of the stage's statements, for tests of their query plans:
 * per-batch statements (flush) and the ones run once at open. NULL-ended. */
extern const char *const clean_learn_batch_sql[];
extern const char *const clean_learn_open_sql[];

/* The schema change of migration 9 (the tables in clean_store.c). */
extern const char clean_store_migration_learn[];

/* Transitional, for a pipeline that stores one article at a time: the view
 * of source and counting an article, through a state kept with the store's
 * connection and checked against the store before each use (so a rolled
 * back article is forgotten). Not thread-safe. Keys live in a.
 * 0, ACCORD_ENOMEM or ACCORD_EINTERNAL. */
int clean_store_learned(store *st, const char *source, arena *a, clean_learned *out);
int clean_store_observe(store *st, const char *source, const clean_result *r, arena *a);

/* The clean result as a JSON object (malloc'd string): title, site_name,
 * author, canonical_url, lang, dateline, dates {given, published, modified,
 * event: {value, source, confidence}}, date_flag, captions, credits and
 * removed [{text, reason}]. with_text adds "text" and "paragraphs" (the
 * text split at line ends). NULL when out of memory. */
char *clean_result_json(const clean_result *r, bool with_text);

#endif
