/* cluster.h - the cluster stage: stories and storylines, built online,
 * with stable ids.
 *
 * A *story* is the set of articles that report one real-world event; a
 * *storyline* is the set of stories about one developing subject (the same
 * actors and subject weeks or months apart).
 *
 * How an article finds its story (details and the reasons for each weight
 * in docs/CLUSTERING.md):
 *
 *  1. Features. The article becomes a sparse vector in three spaces:
 *     words (stems of the title and body, the title and the lead weighing
 *     more), names (runs of capitalised words, whole and by their words,
 *     matched on match keys) and numbers (each number alone and with the
 *     word after it: "6.1 magnitud", "2008"). Weights are TF-IDF with
 *     document frequencies kept up to date as articles arrive.
 *  2. Candidates. Stories are indexed under their heaviest terms; an
 *     article looks up its own heaviest terms and gathers the stories
 *     active within CLUSTER_WINDOW_DAYS of its day. No story is ever
 *     scanned that shares none of those terms.
 *  3. Score. For each candidate, the cosine of the article and the story
 *     centroid in each space, mixed by fixed weights, times a time decay.
 *     The best story at or above the threshold takes the article; else the
 *     article starts a story. A copy (the copy index knows its original)
 *     joins its original's story directly.
 *  5. Second looks. After each article, weak members of the stories it
 *     was compared with (and lone articles) among the last few thousand
 *     move to its story when they fit it clearly better; a weak member of
 *     its story that no longer fits starts its own. Each move is recorded.
 *  6. Storylines. A story that is alone in its storyline looks, with the
 *     same index but no time limit and a looser threshold on names and
 *     heavy terms, for a storyline to join.
 *
 * Ids are stable: a story keeps its id for ever and ids are never reused;
 * an article changes story only by a recorded second look. The batch
 * re-clustering (cluster_recluster) runs the same algorithm over every
 * article in date order and keeps an old id for each new story that holds
 * most of an old story's articles; it reports what moved.
 *
 * The stage keeps its tables (migrations 5, 6 and 10): stories, their
 * members, and the engine's own state, saved as it is so that opening the
 * stage rebuilds it exactly (an interrupted ingest resumes as if it never
 * stopped). Stories long finished leave memory and come back from the
 * store when an article needs them. */
#ifndef ACCORD_CLUSTER_H
#define ACCORD_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/text.h"
#include "../util/arena.h"

/* A day number (days since 1970-01-01), as clean/dates.h; CLUSTER_NO_DAY
 * when the article has no date at all. */
#define CLUSTER_NO_DAY INT32_MIN

/* ---- Parameters ------------------------------------------------------------ */

enum cluster_space { CLUSTER_WORDS = 0, CLUSTER_NAMES = 1, CLUSTER_NUMBERS = 2, CLUSTER_SPACES = 3 };

typedef struct cluster_params {
    double threshold;            /* join the best story at or above this score */
    double storyline_threshold;  /* link a story to a storyline at or above this */
    double space_weight[CLUSTER_SPACES]; /* mix of the per-space cosines */
    int window_days;             /* candidates: stories within this many days */
    double decay_days;           /* time decay beyond the slack: exp(-d / decay) */
    int slack_days;              /* no decay within this many days */
    int query_terms;             /* an article's heaviest terms used to find candidates (0: all) */
    int max_candidates;          /* stories scored per article, those found by the most weight */
    int index_terms;             /* a story's heaviest terms it is indexed under */
    int centroid_terms;          /* terms kept in a story centroid */
    int soft_gap_days;           /* inferred days further apart than this... */
    double soft_factor;          /* ...multiply the score by down to this (both sure of their day) */
    double weak_band;            /* a member that joined below threshold + this may move... */
    double move_margin;          /* ...to a story it fits better by this much */
} cluster_params;

/* The settings used everywhere (ingest, recluster, eval, bench). */
void cluster_params_default(cluster_params *p);

/* ---- Features of one article ---------------------------------------------- */

typedef struct cluster_feature {
    uint64_t term;   /* hash of the space and the key */
    float weight;    /* raw weight (tf, boosted by position); TF-IDF after cluster_weigh() */
    uint8_t space;   /* cluster_space */
    uint32_t tid;    /* the term's number in an engine, set by cluster_engine_count() */
    const char *key; /* readable key ("putin", "6.1 magnitud"), in the arena */
} cluster_feature;

typedef struct cluster_doc {
    int64_t article;          /* the article's integer key */
    int32_t day;              /* its day from metadata, or CLUSTER_NO_DAY */
    int32_t soft_day;         /* its event day inferred from the text alone, or CLUSTER_NO_DAY */
    float soft_conf;          /* the confidence of soft_day, 0..1 */
    cluster_feature *f;       /* sorted by term, distinct */
    size_t n;
    const char *headline;     /* title, else its most central sentence (arena) */
    bool has_title;
} cluster_doc;

/* Features of an analysed article (title may be NULL). All memory in a.
 * 0 or ACCORD_ENOMEM. */
int cluster_features(arena *a, text_stemmer *stem, const char *title, const text_doc *doc,
                     cluster_doc *out);

/* ---- The online clusterer, in memory ------------------------------------------ */

typedef struct cluster_engine cluster_engine;

/* An earlier article that moved to the new article's story. */
typedef struct cluster_move {
    int64_t article;
    uint32_t from, to;
    double score;  /* its score with the story it moved to */
    double before; /* and with the rest of the story it left */
} cluster_move;

enum { CLUSTER_MAX_MOVES = 8 };

/* Why an article belongs to its story. */
typedef struct cluster_match {
    uint32_t story;                    /* story id (1-based) */
    bool created;                      /* the article started the story */
    bool copy;                         /* joined as a copy of another article */
    double score;                      /* the mixed score (1 for a copy or a new story) */
    double space[CLUSTER_SPACES];      /* cosine in each space */
    double time;                       /* the time factor */
    const char *matched[8];            /* keys that weighed most in the score (arena) */
    int n_matched;
    cluster_move moves[CLUSTER_MAX_MOVES]; /* earlier articles this one drew to its story */
    int n_moves;
} cluster_match;

cluster_engine *cluster_engine_new(const cluster_params *p);
void cluster_engine_free(cluster_engine *e);
const cluster_params *cluster_engine_params(const cluster_engine *e);

/* Counts d's terms into the document frequencies (before weighing it). */
int cluster_engine_count(cluster_engine *e, cluster_doc *d);
/* Turns d's raw weights into unit vectors per space, in place (the IDF is
 * applied when comparing, with the frequencies of that moment). */
void cluster_engine_weigh(const cluster_engine *e, cluster_doc *d);
/* Finds the story of a weighed d, or starts one, and adds d to it.
 * copy_of_story (0: none) forces the story of the original. 0 or ENOMEM. */
int cluster_engine_add(cluster_engine *e, arena *a, const cluster_doc *d, uint32_t copy_of_story,
                       cluster_match *out);
/* Adds an already weighed article to a known story (reloading, copies),
 * with the score it joined with (1 when it started the story or is a
 * copy). Creates the story (with that id) when it does not exist yet. */
int cluster_engine_put(cluster_engine *e, const cluster_doc *d, uint32_t story, double score);
/* The number of stories (the highest id). */
uint32_t cluster_engine_n_stories(const cluster_engine *e);
/* The number of articles added. */
uint64_t cluster_engine_n_docs(const cluster_engine *e);

/* Storylines: the storyline of a story (0 when it has none yet). */
uint32_t cluster_engine_storyline(const cluster_engine *e, uint32_t story);
void cluster_engine_set_storyline(cluster_engine *e, uint32_t story, uint32_t storyline);
/* Links story to a storyline when it is alone in its own (or has none):
 * the best storyline of other stories at or above the storyline threshold,
 * else a storyline of its own (*created). Returns the storyline id. */
uint32_t cluster_engine_link(cluster_engine *e, uint32_t story, bool *created, double *score);

/* The member of a story closest to its centroid (its article key), for the
 * label; titled members are preferred when nearly as close. */
int64_t cluster_engine_central(const cluster_engine *e, uint32_t story);
/* The number of articles in a story. */
uint32_t cluster_engine_story_size(const cluster_engine *e, uint32_t story);
/* Span of a story's days (CLUSTER_NO_DAY when undated). */
void cluster_engine_span(const cluster_engine *e, uint32_t story, int32_t *first, int32_t *last);

/* ---- Exact persistence (the store keeps the engine's state, see cluster.c) ---- */

/* A story posted in the candidate index (kind 0: key is hash(term, week))
 * or the storyline index (kind 1: key is the term). */
typedef struct cluster_posting {
    uint8_t kind;
    uint64_t key;
    uint32_t story;
} cluster_posting;

/* The counters: story and storyline ids given, the latest day seen, the
 * ring of recent articles (its head slot and fill). */
typedef struct cluster_globals {
    uint32_t n_stories, n_lines;
    int32_t max_day;
    uint32_t ring_head, ring_n;
} cluster_globals;

/* Brings an evicted story's state back: *blob (malloc'd) as written by
 * cluster_engine_story_encode. 0 or an ACCORD_E* code. */
typedef int (*cluster_story_loader)(void *ud, uint32_t story, void **blob, size_t *len);

/* A story's whole state as bytes (malloc'd), and back. */
int cluster_engine_story_encode(const cluster_engine *e, uint32_t story, unsigned char **blob, size_t *len);
int cluster_engine_story_restore(cluster_engine *e, uint32_t story, const void *blob, size_t len);
/* What changed since cluster_engine_clean: stories, postings (in the order
 * made), slots of the ring of recent articles (CLUSTER_RING of them). */
enum { CLUSTER_RING = 2048 };
bool cluster_engine_story_dirty(const cluster_engine *e, uint32_t story);
/* The dirty stories (each once, in the order they changed). */
const uint32_t *cluster_engine_dirty_stories(const cluster_engine *e, size_t *n);
const cluster_posting *cluster_engine_new_postings(const cluster_engine *e, size_t *n);
bool cluster_engine_ring_dirty(const cluster_engine *e, uint32_t slot);
void cluster_engine_clean(cluster_engine *e);
/* Restoring, after the frequencies were counted: postings in their order,
 * ring slots (1 when the slot is in use), counters, article -> story. */
int cluster_engine_posting_restore(cluster_engine *e, const cluster_posting *p);
int cluster_engine_ring_entry(const cluster_engine *e, uint32_t slot, int64_t *article, uint32_t *story,
                              float *attach);
int cluster_engine_ring_restore(cluster_engine *e, uint32_t slot, const cluster_doc *d, uint32_t story,
                                float attach);
void cluster_engine_globals(const cluster_engine *e, cluster_globals *g);
int cluster_engine_set_globals(cluster_engine *e, const cluster_globals *g);
int cluster_engine_set_member(cluster_engine *e, int64_t article, uint32_t story);
/* The story an article is in (0: none), in memory. */
uint32_t cluster_engine_story_of(const cluster_engine *e, int64_t article);
int32_t cluster_engine_max_day(const cluster_engine *e);

/* Bounded memory: stories whose last day is before before_day and that the
 * store has as they are (not dirty) drop their centroid and index terms;
 * the loader brings them back the moment they are needed, exactly, so
 * eviction never changes a result. Without a loader nothing is evicted.
 * Each call looks at up to 4,096 stories, going round them over calls.
 * Returns the number of stories evicted. */
void cluster_engine_set_loader(cluster_engine *e, cluster_story_loader load, void *ud);
size_t cluster_engine_evict(cluster_engine *e, int32_t before_day);
/* Bytes the engine holds, by part (allocated capacity), and the stories
 * whose centroid is in memory. */
typedef struct cluster_memory {
    size_t stories, centroids, index, frequencies, members, ring;
    uint32_t resident;
} cluster_memory;
void cluster_engine_memory(const cluster_engine *e, cluster_memory *m);
/* A loader failure met where it could not be returned (storylines); the
 * caller treats the article as failed. */
int cluster_engine_failed(const cluster_engine *e);

/* ---- Serialising feature vectors ------------------------------------------------ */

/* The weighed vector of d as bytes (for the store) and back. The keys are
 * not kept. decode allocates f in a. */
size_t cluster_vector_size(const cluster_doc *d);
void cluster_vector_encode(const cluster_doc *d, unsigned char *out);
int cluster_vector_decode(arena *a, const void *blob, size_t len, cluster_doc *d);

/* ---- The stage in the store (cluster_store.c) -------------------------------------- */

struct accord;
struct pipeline_article;

/* The day of an article (days since 1970-01-01): its event date, else its
 * publication date, else the date it was given with; CLUSTER_NO_DAY. */
int32_t cluster_day_of(const char *event_date, const char *published, const char *given);

/* The day an article is clustered by: its publication date from metadata
 * (or its event date when that falls in the week before);
 * CLUSTER_NO_DAY when it has none (see docs/CLUSTERING.md). */
int32_t cluster_event_day(const char *published, const char *event_date);
/* The event day inferred from the text alone, when its confidence is high
 * enough to weigh softly for or against a match; else CLUSTER_NO_DAY.
 * *conf gets the confidence it weighs with. */
int32_t cluster_soft_day(const char *event_date, double confidence, float *conf);

/* ---- The stage on the ingest path ----------------------------------------------------------
 *
 * Phase 1, any thread: cluster_prepare() turns an analysed article into its
 * features (unit vectors per space; nothing that depends on the corpus).
 * Phase 2, the writer, in input order: cluster_apply() decides the story
 * from the record alone (cluster_input) and the state in memory; the
 * decisions and the state are written by cluster_flush(), which the
 * pipeline calls before each batch's COMMIT. cluster_state_open() rebuilds
 * the state exactly from the store, so that an ingest resumed after any
 * committed batch (kill -9 included) decides as an uninterrupted one. After
 * a failed flush or apply the state is dropped; open it again after the
 * rollback. */

struct store;
typedef struct cluster_state cluster_state;

/* What cluster_apply needs of an article, all from its record. */
typedef struct cluster_input {
    int64_t rowid;              /* articles.rowid */
    const char *published;      /* publication date (metadata), or NULL */
    const char *given_date;     /* the date the article was given with, or NULL */
    const char *event_date;     /* its event date (clean), or NULL */
    double event_confidence;    /* of event_date, 0..1 */
    int64_t copy_of;            /* rowid of its original (dedup), or 0 */
    const cluster_doc *features; /* from cluster_prepare */
} cluster_input;

/* What cluster_apply decided. */
typedef struct cluster_decision {
    int64_t story;              /* the article's story */
    bool created, copy;         /* it started the story / joined as a copy */
    double score;
    cluster_move moves[CLUSTER_MAX_MOVES]; /* earlier articles it drew to its story */
    int n_moves;
} cluster_decision;

/* A story's member, in memory: its own event day (CLUSTER_NO_DAY when it
 * has none) and the confidence of that day. */
typedef struct cluster_member {
    int64_t article;
    int32_t event_day;
    float event_conf;
} cluster_member;

/* Features of one article: pure and reentrant (stem is the caller's own).
 * 0 or ACCORD_ENOMEM. All memory in a. */
int cluster_prepare(arena *a, text_stemmer *stem, const char *title, const text_doc *doc, cluster_doc *out);

int cluster_state_open(struct store *st, cluster_state **out);
void cluster_state_free(cluster_state *cs);
/* Loads the state when it is not loaded yet (cluster_open loads on first
 * use), or again when the store moved on without it (another writer, a
 * rolled-back batch: its sequence number differs, or decisions were never
 * flushed). Call it at the start of a batch, inside its transaction. */
int cluster_state_sync(cluster_state *cs, struct store *st);
/* Decides the story of one article (a new version of an article already
 * in a story stays there). a is the article's arena. out may be NULL.
 * Fails only when memory or the store (bringing back an evicted story)
 * fails; the state is then dropped. */
int cluster_apply(cluster_state *cs, arena *a, const cluster_input *in, cluster_decision *out);
/* Writes what was decided since the last flush, inside the caller's
 * transaction, then lets long-finished stories leave memory. */
int cluster_flush(cluster_state *cs, struct store *st);
/* In memory, without SQL (decisions not flushed yet included): a story's
 * members in rowid order (valid until the next apply), and an article's
 * story (0: none). */
int cluster_members(const cluster_state *cs, int64_t story, const cluster_member **members, size_t *n);
int64_t cluster_story_in_memory(const cluster_state *cs, int64_t article);

/* Read functions for later stages (what the store holds after the last
 * flush). cluster_story_of sets *story to 0 when the article has none;
 * cluster_story_members gives a malloc'd array in rowid order. */
int cluster_story_of(struct store *st, int64_t article, int64_t *story);
int cluster_story_members(struct store *st, int64_t story, int64_t **rowids, size_t *n);

/* The SQL of migration 10 (the saved state). */
extern const char cluster_migration_10[];

/* Today's one-article path: db->cluster_state is a cluster_state, loaded
 * on the first article and checked against the store before each one;
 * cluster_article prepares, applies and flushes one article. copy_of is
 * the integer key of the article it copies, or 0 (the copy index is then
 * asked). */
int cluster_open(struct accord *db);
void cluster_close(struct accord *db);
int cluster_article(struct accord *db, const struct pipeline_article *pa, int64_t copy_of);

/* What moved in a re-clustering. */
typedef struct cluster_recluster_report {
    uint64_t articles, stories_before, stories_after, storylines_after;
    uint64_t articles_moved;   /* articles whose story id changed */
    uint64_t stories_kept;     /* old ids that survive */
    uint64_t stories_new, stories_gone;
    double seconds;
} cluster_recluster_report;

/* Re-runs the clustering over every stored article, as one batch: document
 * frequencies from the whole store, articles in order of event day then id
 * (undated ones last). New stories inherit the id of the old story they hold
 * most articles of (each old id once, larger overlaps first); the others
 * get fresh ids. When dry_run, nothing is written. moves_json (may be NULL)
 * gets a malloc'd JSON document listing the moves. */
int cluster_recluster(struct accord *db, bool dry_run, cluster_recluster_report *rep,
                      char **moves_json);

#endif
