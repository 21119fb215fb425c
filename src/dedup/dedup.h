/* dedup.h - copies and shared passages: word shingles, MinHash, LSH, copy
 * groups and sentence-level passage alignment.
 *
 * Two relations between articles, deliberately kept apart:
 *
 *  - A *copy* (near-duplicate, "version"): the exact Jaccard similarity of
 *    the two articles' word-shingle sets is at least the threshold (default
 *    0.8). Copies form groups: the connected components of verified copy
 *    pairs. The group's original is the earliest published member, ties
 *    broken by id. Candidates come from MinHash + LSH; every candidate is
 *    verified against the exact Jaccard before it is reported, so nothing
 *    below the threshold is ever reported.
 *
 *  - *Shared passages*: two articles whose sentences align (fuzzily) on at
 *    least DEDUP_MIN_SHARED sentences, while the articles as wholes may be
 *    far apart (one outlet took six paragraphs of a wire story and wrote
 *    the rest itself). These are not copies and never join a copy group;
 *    they are listed apart, with the aligned sentences.
 *
 * Every result is a function of the set of stored texts, never of the
 * order in which they arrived: candidate generation is symmetric (the later
 * article of a pair always finds the earlier one), verification is exact,
 * groups are connected components, and ties break on ids. (One cost bound
 * is the exception, see dedup_store.c: a text shared by more than 8
 * articles.)
 *
 * Match keys: shingles are built over words of the match key of the text
 * (text_match_key(): NFKC, case folded, quotes unified), so "Trump's" and
 * "TRUMP’S" shingle alike. Pure-ASCII words take a fast path with the same
 * result. */
#ifndef ACCORD_DEDUP_H
#define ACCORD_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/text.h"
#include "../util/arena.h"
#include "../util/buf.h"

/* ---- Configuration -------------------------------------------------------- */

enum {
    DEDUP_MAX_HASHES = 1024,
    DEDUP_MAX_SHINGLE = 16,
    DEDUP_MIN_SHARED = 2, /* aligned sentences for a "shares passages" pair */
    /* Texts shorter than this many words are never copies: a dividend line
     * or a caption carries too little to tell a copy from a template. */
    DEDUP_MIN_COPY_WORDS = 10,
};

typedef struct dedup_config {
    int shingle_words; /* words per shingle; default 4 */
    int n_hashes;      /* MinHash values per signature; default 128 */
    double threshold;  /* copy threshold on exact Jaccard; default 0.8 */
    int bands, rows;   /* LSH banding; 0 = chosen from threshold (see below) */
} dedup_config;

/* Defaults: 4-word shingles, 128 hashes, threshold 0.8, bands/rows chosen. */
void dedup_config_default(dedup_config *c);
/* Validates c and, when bands or rows is 0, chooses them: the largest rows r
 * (with bands b = n_hashes / r) whose candidate probability
 * 1 - (1 - t^r)^b at the threshold t is still >= 0.995, so that pairs at
 * the threshold are found and fewer dissimilar pairs need verifying. For
 * 128 hashes and t = 0.8 that is r = 6, b = 21. Returns 0 or ACCORD_EUSAGE. */
int dedup_config_finish(dedup_config *c);
/* The LSH S-curve: probability that a pair with Jaccard s shares a band. */
double dedup_lsh_probability(double s, int bands, int rows);

/* ---- Shingles ------------------------------------------------------------- */

/* A sorted set of distinct 64-bit shingle hashes. */
typedef struct dedup_shingles {
    uint64_t *h;
    size_t n;
} dedup_shingles;

/* Word hashes of text: one XXH3 hash per word of the match key, in order.
 * Words are runs of letters, digits and marks; everything else separates.
 * *out lives in arena a. 0 or ACCORD_ENOMEM. */
int dedup_word_hashes(arena *a, const char *text, size_t len, uint64_t **out, size_t *n);
/* Shingle set of text with k-word shingles (a text shorter than k words
 * gives one shingle of all its words; an empty text an empty set). */
int dedup_shingle_text(arena *a, const char *text, size_t len, int k, dedup_shingles *out);
/* The same from word hashes already computed. */
int dedup_shingle_words(arena *a, const uint64_t *words, size_t n_words, int k,
                        dedup_shingles *out);
/* Exact Jaccard similarity |A∩B| / |A∪B| of two shingle sets (0 when both
 * are empty). */
double dedup_jaccard(const dedup_shingles *a, const dedup_shingles *b);

/* ---- MinHash and LSH ------------------------------------------------------ */

/* One-permutation MinHash with optimal densification (Li, Owen, Zhang 2012;
 * Shrivastava 2017): each shingle hash is mixed once, its high half picks
 * one of n_hashes bins and its low half is the value kept if smaller; an
 * empty bin borrows the value of the first non-empty bin on a fixed probe
 * sequence of its own. One hash per shingle instead of n_hashes, with the
 * same collision probability (the Jaccard) as independent permutations.
 * h[0..n) may be unsorted and hold repeats. sig gets c->n_hashes values; no
 * shingle at all gives an all-ones signature. */
void dedup_minhash(const dedup_config *c, const uint64_t *h, size_t n, uint32_t *sig);
/* Words, shingles and signature of a text in one pass with no allocation
 * (the fast path); the same signature as dedup_minhash over
 * dedup_shingle_text's set. Returns the number of words, or a negative
 * ACCORD_E* code. */
long dedup_sketch_text(const dedup_config *c, const char *text, size_t len, uint32_t *sig);
/* Estimated Jaccard: the share of equal signature values. */
double dedup_minhash_estimate(const uint32_t *a, const uint32_t *b, int n_hashes);
/* The c->bands band keys of a signature (each a hash of the band's rows and
 * its band number, so equal keys mean the same band agrees). */
void dedup_band_keys(const dedup_config *c, const uint32_t *sig, uint64_t *keys);

/* ---- In-memory LSH index -------------------------------------------------- */

/* A multimap from band key to document number (uint32), open addressing.
 * Serves batch work and the bench; the persistent index lives in the store
 * (dedup_store_*). About 12 bytes per slot, bands slots per document. */
typedef struct dedup_index dedup_index;

dedup_index *dedup_index_new(const dedup_config *c, size_t expected_docs);
void dedup_index_free(dedup_index *ix);
/* Adds doc under its band keys. 0 or ACCORD_ENOMEM. */
int dedup_index_add(dedup_index *ix, uint32_t doc, const uint64_t *keys);
/* Removes doc (given the same keys it was added with). */
void dedup_index_remove(dedup_index *ix, uint32_t doc, const uint64_t *keys);
/* Documents sharing at least one band with keys, each once, sorted, doc
 * `self` excluded; *out is malloc'd (free()). 0 or ACCORD_ENOMEM. */
int dedup_index_query(dedup_index *ix, const uint64_t *keys, uint32_t self, uint32_t **out,
                      size_t *n);
size_t dedup_index_memory(const dedup_index *ix); /* bytes held */

/* ---- Copy groups ------------------------------------------------------------ */

typedef struct dedup_pair {
    uint32_t a, b; /* a < b */
    double jaccard;
} dedup_pair;

/* Connected components of pairs over docs 0..n_docs-1: group[i] gets the
 * doc number of the original of i's group, the member with the smallest
 * rank (rank[i] orders docs: earliest published first, ties by id; NULL
 * means rank = doc number). Docs in no pair are their own group. 0 or
 * ACCORD_ENOMEM. */
int dedup_components(const dedup_pair *pairs, size_t n_pairs, size_t n_docs, const uint32_t *rank,
                     uint32_t *group);

/* ---- Passage alignment ---------------------------------------------------- */

/* One sentence as the aligner sees it: its span and feature sets. */
typedef struct dedup_sentence {
    uint32_t start, end; /* byte span in the text */
    uint32_t *grams;     /* sorted distinct character 4-grams of the match key (4 bytes each) */
    uint32_t n_grams;
    uint32_t n_words;
    uint64_t *words; /* sorted distinct word hashes */
    uint32_t n_word_set;
    uint64_t key;          /* hash of the whole normalised sentence */
    uint64_t *nums;        /* sorted distinct hashes of its words with digits */
    uint32_t n_nums;
} dedup_sentence;

typedef struct dedup_doc {
    const char *text;
    size_t len;
    dedup_sentence *sentences;
    size_t n_sentences;
} dedup_doc;

/* Prepares a document for alignment from text_analyze()'s sentences. All
 * memory in a. 0 or ACCORD_ENOMEM. */
int dedup_doc_prepare(arena *a, const text_doc *td, dedup_doc *out);
/* The same, analysing text itself. */
int dedup_doc_from_text(arena *a, const char *text, size_t len, dedup_doc *out);

/* Similarity of two sentences in 0..1: the Dice coefficient of their
 * character 4-gram sets, raised to the containment of the shorter one when
 * it is long enough (a dropped clause leaves the rest contained); *partial
 * (if not NULL) is set when the containment decided. Numbers are facts:
 * the score is scaled by (1 + q) / 2 where q is the share of numbers the
 * two agree on, so "profit 545,000 vs loss 13.1 mln" and "profit 5,695,000
 * vs loss 1,268,000" (one template, different facts) do not align. */
double dedup_sentence_similarity(const dedup_sentence *a, const dedup_sentence *b, int *partial);

/* Sentences whose similarity reaches this are aligned. */
#define DEDUP_ALIGN_THRESHOLD 0.62

typedef struct dedup_sentence_pair {
    uint32_t a, b; /* sentence numbers */
    double score;
    int partial; /* 1: the shorter sentence is contained in the longer one */
} dedup_sentence_pair;

/* A passage: a run of aligned pairs that follow each other in both texts:
 * sentences a_first .. a_first+a_count-1 of A against b_first ..
 * b_first+b_count-1 of B (the counts differ when sentences were merged). */
typedef struct dedup_passage {
    uint32_t a_first, a_count, b_first, b_count;
    uint32_t n_pairs;
    double score; /* mean of its pairs' scores */
} dedup_passage;

typedef struct dedup_alignment {
    dedup_sentence_pair *pairs; /* sorted by a */
    size_t n_pairs;
    dedup_passage *passages; /* sorted by a_first */
    size_t n_passages;
} dedup_alignment;

/* Aligns the sentences of a and b: every pair of sentences at or above
 * DEDUP_ALIGN_THRESHOLD is a candidate, candidates are taken best first
 * (ties by position), each sentence once, except that a long sentence may
 * take in several shorter ones it contains (two sentences merged into one
 * by an editor). Aligned pairs that follow each other in both texts merge
 * into passages. Order-free, so moved paragraphs still align. Memory in ar.
 * 0 or ACCORD_ENOMEM. */
int dedup_align(arena *ar, const dedup_doc *a, const dedup_doc *b, dedup_alignment *out);

/* ---- Phase 1: preparing an article (prepare.c) ------------------------------ */

/* One sentence fingerprint: a hash and the sentence it belongs to. */
typedef struct dedup_fingerprint {
    uint64_t fp;
    uint32_t sentence;
} dedup_fingerprint;

/* Everything the copy index needs from one article, computed from its text
 * alone. All memory in the arena given to dedup_prepare(); doc points into
 * the text, which must outlive it. */
typedef struct dedup_prepared {
    size_t n_words, n_sentences;
    dedup_shingles shingles; /* sorted distinct shingle hashes */
    uint32_t *signature;     /* n_hashes MinHash values */
    uint64_t *band_keys;     /* bands LSH keys */
    int n_bands;             /* bands, or 0 for a text too short to be a copy */
    dedup_fingerprint *fps;  /* up to two per sentence of six words or more */
    size_t n_fps;
    dedup_doc doc; /* the sentences as the aligner sees them */
} dedup_prepared;

/* Phase 1: computes *out from an article's NFC text and its analysis (doc
 * must be text_analyze() of exactly this text; NULL analyses here). A pure,
 * reentrant function of its arguments: no store, no clock, no shared state;
 * all memory in a. c is the index's configuration (dedup_state_config()).
 * 0 or ACCORD_ENOMEM. */
int dedup_prepare(arena *a, const dedup_config *c, const char *text, size_t len,
                  const text_doc *doc, dedup_prepared *out);

/* ---- Phase 2: the copy index as in-memory state (dedup_store.c) -------------- */

struct store;

/* The copy index while ingesting. It holds no copy of the postings: the
 * band and fingerprint postings live in the store, and the state keeps
 * what makes reading them rare and cheap — a filter of every band key and
 * fingerprint stored (no false negatives: a key it does not hold is in no
 * posting, so most keys of a new article cost no read at all), the
 * fingerprints known to be too common to count, the articles indexed, the
 * rows of the current batch not yet written, and a bounded cache of the
 * prepared sentences of recent articles for alignment. None of these
 * changes a result: what an article is matched against is read from the
 * store (and the unwritten rows), so the result for an article depends only
 * on the articles applied before it, whatever the cache holds, and a state
 * opened again after any committed batch behaves exactly as the one that
 * wrote it. */
typedef struct dedup_state dedup_state;

/* What dedup_apply() found for one article. */
typedef struct dedup_match {
    int64_t copy_of;     /* the earlier (lower rowid) article it is a copy of, the
                            closest, ties to the lowest rowid; or 0 */
    double copy_jaccard; /* the exact Jaccard with copy_of */
    size_t n_copies;     /* copy pairs found */
    size_t n_shared;     /* shared-passage pairs found */
} dedup_match;

/* Opens the state from the store's tables (reading every stored band key
 * and fingerprint once). *out is freed with dedup_state_free(). 0 or a
 * negative ACCORD_E* code. */
int dedup_state_open(struct store *st, dedup_state **out);
void dedup_state_free(dedup_state *ds);
/* The configuration articles must be prepared with. */
const dedup_config *dedup_state_config(const dedup_state *ds);
/* Bytes the state holds (filters, cache, queued rows). */
size_t dedup_state_memory(const dedup_state *ds);
/* Bounds the cache of prepared sentences (default DEDUP_CACHE_BYTES); a
 * smaller cache reads more texts back from the store, with the same
 * results. */
void dedup_state_set_cache(dedup_state *ds, size_t bytes);
#define DEDUP_CACHE_BYTES ((size_t)48 << 20)

/* Phase 2, in input order on one thread, inside the caller's transaction:
 * removes what was indexed for the article before (a new version), finds
 * its copies (band candidates verified against the exact Jaccard) and the
 * earlier articles it shares passages with (fingerprint candidates aligned
 * sentence by sentence), adds it to the index and queues its rows. m may
 * be NULL. Fails only when the store or memory does (then the caller
 * rolls back and opens the state again). */
int dedup_apply(dedup_state *ds, struct store *st, int64_t article, const dedup_prepared *p,
                dedup_match *m);
/* Writes the queued rows; the caller commits right after. */
int dedup_flush(dedup_state *ds, struct store *st);
/* Forgets an article (its rows, and what the state knows of it). */
int dedup_state_remove(dedup_state *ds, struct store *st, int64_t article);

/* ---- Read functions ----------------------------------------------------------- */

/* The original of a copy: the article stored before it (lower rowid) that
 * it is a verified copy of, the closest first (highest Jaccard, then lowest
 * rowid); *original = 0 when it is a copy of none. 0 or ACCORD_EINTERNAL. */
int dedup_original_of(struct store *st, int64_t article, int64_t *original);

/* ---- The store: one article at a time (dedup_store.c) ------------------------ */

/* Indexes an article just stored (its integer key, NFC text and, if the
 * caller has it, the text's analysis; NULL analyses here): dedup_prepare,
 * dedup_apply and dedup_flush in one call, against the store alone (no
 * filter: every key is looked up), so as slow as the store. Its shingles,
 * signature and bands, the candidates found through the bands verified
 * against the exact Jaccard (copy pairs), and its sentence fingerprints,
 * whose candidates are aligned (shared-passage pairs). Replaces whatever
 * was indexed for that article before (a new version). Runs inside the
 * caller's transaction. 0 or a negative ACCORD_E* code. */
int dedup_store_article(struct store *st, int64_t article, const char *text, size_t len,
                        const text_doc *doc);
/* The configuration the store's index was built with (saved in its meta
 * table on first use, so signatures stay comparable). */
int dedup_store_config(struct store *st, dedup_config *c);
/* Forgets an article: its signature, bands, shingles and pairs (no state
 * open on the store may be in use: see dedup_state_remove). */
int dedup_store_remove(struct store *st, int64_t article);

/* JSON documents (malloc'd strings), the shapes of the CLI's --json output
 * and of the HTTP API. Articles are named by id; every list is sorted by
 * ids or by position, never by arrival, so the same articles give the same
 * document.
 *
 * dups:     {"config": {...}, "groups": [{"original", "size", "articles":
 *           [{"id", "title", "source", "date"}]}], "pairs": [{"a", "b",
 *           "jaccard"}], "shared_passages": [{"a", "b", "jaccard",
 *           "sentences_a", "shared_a", "sentences_b", "shared_b",
 *           "passages"}]}
 * compare:  {"a": {article, "sentences", "shared"}, "b": {...}, "jaccard",
 *           "copy", "threshold", "pairs": [{"a", "b", "score", "partial",
 *           "a_text", "b_text"}], "passages": [{"a_first", "a_count",
 *           "b_first", "b_count", "score"}], "a_sentences": [...],
 *           "b_sentences": [...]}
 * passages: {article, "sentences", "shared_sentences", "shared_share",
 *           "related": [{article, "relation", "jaccard",
 *           "aligned_sentences"}], "passages": [{"first", "count",
 *           "sentences": [...], "carried_by": [ids], "first_carrier",
 *           "first_date"}], "only_here": [{"sentence", "text"}]}
 * Returns 0, ACCORD_ENOTFOUND (no such article) or another ACCORD_E*. */
int dedup_dups_json(struct store *st, char **json);
int dedup_compare_json(struct store *st, const char *id_a, const char *id_b, char **json);
int dedup_passages_json(struct store *st, const char *id, char **json);

#endif
