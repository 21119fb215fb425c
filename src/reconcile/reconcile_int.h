/* reconcile_int.h - what the files of the reconcile stage share. */
#ifndef ACCORD_RECONCILE_INT_H
#define ACCORD_RECONCILE_INT_H

#include <stdint.h>
#include <stdlib.h>

#include "dedup/dedup.h"
#include "reconcile/reconcile.h"
#include "util/util.h"

typedef struct rec_term {
    uint64_t h; /* hash of the stem */
    double w;
} rec_term;

/* A sparse, L2-normalised TF-IDF vector sorted by h. */
typedef struct rec_vec {
    rec_term *t;
    size_t n;
} rec_vec;

typedef struct rec_edge {
    uint32_t from, to;
    double w;
} rec_edge;

/* Working state of one run (edges are malloc'd: free(w.edges)). */
typedef struct rec_work {
    rec_vec *vec;             /* per sentence */
    const dedup_sentence **ded; /* per sentence, NULL when matching is off */
    rec_edge *edges;
    size_t n_edges;
} rec_work;

int rec_prepare(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                text_stemmer *stemmer, reconcile *r, rec_work *w);
int rec_lexrank(arena *a, const rec_config *cfg, reconcile *r, rec_work *w);
int rec_mmr(arena *a, const rec_config *cfg, reconcile *r, rec_work *w);
int rec_additions(arena *a, const rec_config *cfg, reconcile *r);
int rec_facts(arena *a, reconcile *r);
int rec_quotes(arena *a, reconcile *r);
int rec_claims(arena *a, reconcile *r);
int rec_reference_days(arena *a, reconcile *r);
int rec_time_claims(arena *a, reconcile *r, const rec_work *w);
int rec_timeline(arena *a, const rec_config *cfg, reconcile *r);

double rec_cosine(const rec_vec *a, const rec_vec *b);
bool rec_sentence_before(const reconcile *r, uint32_t a, uint32_t b);
bool rec_stopword(const char *w, size_t len);
/* Lower-cased key of one word (apostrophes and periods dropped, a final
 * possessive 's removed) into out[cap]; its length, 0 when none. */
size_t rec_token_key(const char *s, size_t len, buf *scratch, char *out, size_t cap);
/* The sentence index (into r->sentences) of sentence k of article a, or
 * UINT32_MAX when it was not considered. */
static inline uint32_t rec_sentence_of(const reconcile *r, uint32_t article, uint32_t k)
{
    uint32_t s = r->article_first[article] + k;
    return s < r->article_first[article + 1] ? s : UINT32_MAX;
}

static inline int rec_cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}
static inline int rec_cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}
static inline int rec_cmp_pair(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}
static inline size_t rec_lower_bound(const uint64_t *v, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < k) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

#endif
