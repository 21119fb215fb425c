/* cluster.c - the online clusterer in memory: document frequencies, story
 * centroids, the candidate index, scores, storylines.
 *
 * A story's centroid is the sum of its members' unit term-frequency
 * vectors (one per space), kept sorted by term and cut to its
 * centroid_terms heaviest terms (by TF-IDF at the time of the cut). The
 * IDF is applied when comparing, with the document frequencies of that
 * moment, to the article and the centroid alike; terms are numbered as
 * they are first counted so that a frequency is an array read. Scoring an
 * article is a merge of two sorted arrays per candidate. A centroid
 * depends on the order of the decisions (each cut is made with the
 * frequencies of its moment, and a member that moved away once counted),
 * so the store keeps the engine's state itself (see "Exact persistence"
 * below) rather than replaying members.
 *
 * The candidate index maps (term, week) to the stories that had term among
 * their index_terms heaviest terms while active in that week. An article
 * of day d looks up its query_terms heaviest terms in the weeks around d,
 * and undated stories under a week of their own ("no week"), so the cost
 * of finding candidates depends on how many stories are active, not on
 * how many exist. An undated article looks in "no week" and around the
 * latest day seen.
 *
 * Storylines use a second index, without time: a story's heaviest names
 * and words point to it for ever. Only the most recent entries of a long
 * list are read (STORYLINE_SCAN) for a story's first STORYLINE_TERMS
 * terms, and the STORYLINE_SCORED stories met most often are scored,
 * which keeps the cost bounded and favours the recent developments of a
 * subject. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "util/util.h"

enum { RECENT = CLUSTER_RING, STORYLINE_SCAN = 256, STORYLINE_TERMS = 24, STORYLINE_SCORED = 24, NO_WEEK = 0x7fffffff, LOG_TABLE = 4096,
       EVICT_SCAN = 4096 };

/* Documents assumed to lack every term (see idf()). */
#define IDF_PRIOR 100.0

void cluster_params_default(cluster_params *p)
{
    p->threshold = 0.25;
    p->storyline_threshold = 0.22;
    p->space_weight[CLUSTER_WORDS] = 0.35;
    p->space_weight[CLUSTER_NAMES] = 0.35;
    p->space_weight[CLUSTER_NUMBERS] = 0.30;
    p->window_days = 14;
    p->decay_days = 10.0;
    p->slack_days = 3;
    p->query_terms = 40;
    p->max_candidates = 32;
    p->index_terms = 64;
    p->centroid_terms = 400;
    p->soft_gap_days = 60;
    p->soft_factor = 0.1;
    p->weak_band = 0.10;
    p->move_margin = 0.15;
}

/* ---- Containers ------------------------------------------------------------- */

typedef struct centry {
    uint64_t term;
    uint32_t tid; /* the term's number in the engine (its document frequency) */
    float w;
    uint8_t space;
} centry;

typedef struct u32vec {
    uint32_t *v;
    uint32_t n, cap;
} u32vec;

static int u32_push(u32vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        uint32_t cap = a->cap ? a->cap * 2 : 4;
        uint32_t *v = realloc(a->v, cap * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

/* A posting list: stories in the order they were posted. Most lists hold
 * one or two (a story's own names under one week), kept inline. */
typedef struct plist {
    union {
        uint32_t *v;
        uint32_t in[2];
    } u;
    uint32_t n, cap; /* cap 2 or less: inline */
} plist;

static const uint32_t *plist_data(const plist *p)
{
    return p->cap > 2 ? p->u.v : p->u.in;
}

static int plist_push(plist *p, uint32_t x)
{
    if (p->cap <= 2 && p->n < 2) {
        p->u.in[p->n++] = x;
        p->cap = 2;
        return 0;
    }
    if (p->cap <= 2 || p->n == p->cap) {
        uint32_t cap = p->cap <= 2 ? 8 : p->cap * 2;
        uint32_t *v = malloc(cap * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        memcpy(v, plist_data(p), p->n * sizeof *v);
        if (p->cap > 2) free(p->u.v);
        p->u.v = v;
        p->cap = cap;
    }
    p->u.v[p->n++] = x;
    return 0;
}

/* Open addressing map from a non-zero 64-bit key to a uint32 value. */
typedef struct kmap {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} kmap;

static uint32_t *kmap_slot(kmap *m, uint64_t k, bool create)
{
    if (create && (m->n + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        uint32_t *vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            size_t j = (m->keys[i] * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
            while (keys[j]) j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    if (!m->cap) return NULL;
    size_t j = (k * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != k) j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        if (!create) return NULL;
        m->keys[j] = k;
        m->vals[j] = 0;
        m->n++;
    }
    return &m->vals[j];
}

static void kmap_free(kmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A recent article, kept to re-examine its place when a better story for
 * it forms after it came (see cluster_engine_add). */
typedef struct recent {
    cluster_doc d;   /* its weighed vector (f owned here, keys dropped) */
    uint32_t story;
    float attach;    /* its score when it joined; for a story's first member,
                        the score of the second; 1 for a copy */
} recent;

typedef struct story {
    centry *c;
    uint32_t n, cap;
    int32_t first, last;
    int32_t soft_day;  /* the inferred day of the member surest of it */
    float soft_conf;   /* and its confidence */
    int64_t soft_art;  /* that member */
    int32_t soft_day2; /* the runner-up's, for the story without that member */
    float soft_conf2;
    uint32_t creator_slot; /* the ring slot of the member that started it */
    uint32_t n_docs;
    uint32_t storyline;
    int32_t posted_week;      /* the week its terms were last posted under */
    uint64_t *posted;         /* terms posted for that week */
    uint32_t n_posted, cap_posted;
    uint64_t *lined;          /* terms in the storyline index */
    uint32_t n_lined, cap_lined;
    int64_t central, central_titled;
    double central_score, central_titled_score;
    bool dirty;   /* changed since the store last had it (cluster_engine_clean) */
    bool evicted; /* c, posted and lined are not in memory (story_ready loads them) */
} story;

struct cluster_engine {
    cluster_params p;
    kmap df;          /* term -> document frequency */
    uint64_t n_docs;
    story *stories;   /* index 0 unused: ids are 1-based */
    uint32_t n_stories, cap_stories;
    kmap index;       /* hash(term, week) -> postings number */
    kmap lines;       /* term -> postings number (storylines) */
    plist *postings;
    uint32_t n_postings, cap_postings;
    uint32_t *lines_size; /* stories per storyline */
    uint32_t n_lines, cap_lines;
    int32_t max_day;
    uint32_t *seen;   /* per story: the stamp of the last query that saw it */
    uint32_t *pos;    /* per story: its place among that query's candidates */
    uint32_t stamp;
    double log_n;     /* log(n_docs + IDF_PRIOR + 1) */
    uint32_t *dfv;    /* document frequency per term number */
    uint32_t n_terms, cap_terms;
    double log_df[LOG_TABLE]; /* log(df + 0.5) */
    struct recent *ring; /* the last RECENT articles, for re-examination */
    uint32_t ring_n, ring_head;
    kmap member;      /* article -> its story */
    cluster_posting *log; /* postings made since the last clean, in order */
    size_t n_log, cap_log;
    unsigned char ring_dirty[RECENT]; /* ring slots changed since the last clean */
    cluster_story_loader load; /* brings an evicted story back */
    void *load_ud;
    int failed;       /* a loader failure inside a function that cannot return it */
    u32vec dirty_list; /* the stories marked dirty */
    uint32_t evict_cursor; /* where the next eviction scan starts */
};

/* Marks a story as changed since the store last had it. */
static void mark(cluster_engine *e, uint32_t id)
{
    if (e->stories[id].dirty) return;
    e->stories[id].dirty = true;
    if (u32_push(&e->dirty_list, id)) e->failed = ACCORD_ENOMEM;
}

cluster_engine *cluster_engine_new(const cluster_params *p)
{
    cluster_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    if (p) e->p = *p;
    else cluster_params_default(&e->p);
    e->max_day = CLUSTER_NO_DAY;
    for (int i = 0; i < LOG_TABLE; i++) e->log_df[i] = log(i + 0.5);
    e->log_n = log(IDF_PRIOR + 1.0);
    return e;
}

void cluster_engine_free(cluster_engine *e)
{
    if (!e) return;
    for (uint32_t i = 0; i <= e->n_stories && e->stories; i++) {
        free(e->stories[i].c);
        free(e->stories[i].posted);
        free(e->stories[i].lined);
    }
    free(e->stories);
    for (uint32_t i = 0; i < e->n_postings; i++)
        if (e->postings[i].cap > 2) free(e->postings[i].u.v);
    free(e->postings);
    free(e->lines_size);
    free(e->seen);
    free(e->pos);
    free(e->dfv);
    for (uint32_t i = 0; i < e->ring_n; i++) free(e->ring[i].d.f);
    free(e->ring);
    kmap_free(&e->df);
    kmap_free(&e->index);
    kmap_free(&e->lines);
    kmap_free(&e->member);
    free(e->log);
    free(e->dirty_list.v);
    free(e);
}

const cluster_params *cluster_engine_params(const cluster_engine *e)
{
    return &e->p;
}

uint32_t cluster_engine_n_stories(const cluster_engine *e)
{
    return e->n_stories;
}

uint64_t cluster_engine_n_docs(const cluster_engine *e)
{
    return e->n_docs;
}

/* ---- Document frequencies and weights ------------------------------------------- */

int cluster_engine_count(cluster_engine *e, cluster_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        uint32_t *v = kmap_slot(&e->df, d->f[i].term, true);
        if (!v) return ACCORD_ENOMEM;
        if (*v == 0) {
            if (e->n_terms == e->cap_terms) {
                uint32_t cap = e->cap_terms ? e->cap_terms * 2 : 4096;
                uint32_t *nv = realloc(e->dfv, cap * sizeof *nv);
                if (!nv) return ACCORD_ENOMEM;
                e->dfv = nv;
                e->cap_terms = cap;
            }
            e->dfv[e->n_terms] = 0;
            *v = ++e->n_terms; /* 1-based: 0 is "none" */
        }
        d->f[i].tid = *v - 1;
        e->dfv[*v - 1]++;
    }
    e->n_docs++;
    e->log_n = log((double)e->n_docs + IDF_PRIOR + 1.0);
    return 0;
}

static double idf(const cluster_engine *e, uint32_t tid)
{
    uint32_t df = tid < e->n_terms ? e->dfv[tid] : 0;
    if (df < LOG_TABLE) return e->log_n - e->log_df[df];
    /* IDF_PRIOR documents that lack every term: a small store has not seen
     * enough to know which words are common, and would otherwise weigh a
     * story's own vocabulary (present in all its few articles) as noise. */
    return e->log_n - log(df + 0.5);
}

void cluster_engine_weigh(const cluster_engine *e, cluster_doc *d)
{
    (void)e;
    double norm[CLUSTER_SPACES] = {0};
    for (size_t i = 0; i < d->n; i++) norm[d->f[i].space] += (double)d->f[i].weight * d->f[i].weight;
    for (int s = 0; s < CLUSTER_SPACES; s++) norm[s] = norm[s] > 0 ? sqrt(norm[s]) : 1;
    for (size_t i = 0; i < d->n; i++) d->f[i].weight = (float)(d->f[i].weight / norm[d->f[i].space]);
}

/* The article's TF-IDF unit vector per space, with today's frequencies. */
static void doc_tfidf(const cluster_engine *e, const cluster_doc *d, float *w)
{
    double norm[CLUSTER_SPACES] = {0};
    for (size_t i = 0; i < d->n; i++) {
        double x = d->f[i].weight * idf(e, d->f[i].tid);
        if (x < 0) x = 0;
        w[i] = (float)x;
        norm[d->f[i].space] += x * x;
    }
    for (int s = 0; s < CLUSTER_SPACES; s++) norm[s] = norm[s] > 0 ? sqrt(norm[s]) : 1;
    for (size_t i = 0; i < d->n; i++) w[i] = (float)(w[i] / norm[d->f[i].space]);
}

/* ---- Stories --------------------------------------------------------------------- */

static story *story_get(cluster_engine *e, uint32_t id, bool create)
{
    if (id == 0) return NULL;
    if (id > e->n_stories) {
        if (!create) return NULL;
        if (id >= e->cap_stories) {
            uint32_t cap = e->cap_stories ? e->cap_stories : 1024;
            while (cap <= id) cap *= 2;
            story *s = realloc(e->stories, cap * sizeof *s);
            uint32_t *seen = realloc(e->seen, cap * sizeof *seen);
            if (seen) e->seen = seen;
            uint32_t *pos = realloc(e->pos, cap * sizeof *pos);
            if (pos) e->pos = pos;
            if (!s || !seen || !pos) {
                if (s) e->stories = s;
                return NULL;
            }
            memset(s + e->cap_stories, 0, (cap - e->cap_stories) * sizeof *s);
            memset(e->seen + e->cap_stories, 0, (cap - e->cap_stories) * sizeof *seen);
            e->stories = s;
            e->cap_stories = cap;
        }
        for (uint32_t k = e->n_stories + 1; k <= id; k++) {
            e->stories[k].first = e->stories[k].last = CLUSTER_NO_DAY;
            e->stories[k].soft_day = e->stories[k].soft_day2 = CLUSTER_NO_DAY;
            e->stories[k].creator_slot = UINT32_MAX;
            e->stories[k].posted_week = NO_WEEK;
            e->stories[k].dirty = true;
            if (u32_push(&e->dirty_list, k)) e->failed = ACCORD_ENOMEM;
        }
        e->n_stories = id;
    }
    return &e->stories[id];
}

static int story_ready(cluster_engine *e, uint32_t id);

static int32_t week_of(int32_t day)
{
    if (day == CLUSTER_NO_DAY) return NO_WEEK;
    return day >= 0 ? day / 7 : -((-day + 6) / 7);
}

static uint64_t index_key(uint64_t term, int32_t week)
{
    uint64_t k = term ^ ((uint64_t)(uint32_t)week * 0xC2B2AE3D27D4EB4Full);
    return k ? k : 1;
}

static int post(cluster_engine *e, kmap *m, uint64_t key, uint32_t story_id, bool log)
{
    uint32_t *slot = kmap_slot(m, key, true);
    if (!slot) return ACCORD_ENOMEM;
    if (*slot == 0) {
        if (e->n_postings == e->cap_postings) {
            uint32_t cap = e->cap_postings ? e->cap_postings * 2 : 4096;
            plist *p = realloc(e->postings, cap * sizeof *p);
            if (!p) return ACCORD_ENOMEM;
            memset(p + e->cap_postings, 0, (cap - e->cap_postings) * sizeof *p);
            e->postings = p;
            e->cap_postings = cap;
        }
        *slot = ++e->n_postings; /* 1-based: 0 is "none" */
    }
    plist *v = &e->postings[*slot - 1];
    if (v->n && plist_data(v)[v->n - 1] == story_id) return 0;
    if (log) {
        if (e->n_log == e->cap_log) {
            size_t cap = e->cap_log ? e->cap_log * 2 : 1024;
            cluster_posting *l = realloc(e->log, cap * sizeof *l);
            if (!l) return ACCORD_ENOMEM;
            e->log = l;
            e->cap_log = cap;
        }
        e->log[e->n_log++] = (cluster_posting){m == &e->lines, key, story_id};
    }
    return plist_push(v, story_id);
}

static plist *postings_of(cluster_engine *e, kmap *m, uint64_t key)
{
    uint32_t *slot = kmap_slot(m, key, false);
    return slot && *slot ? &e->postings[*slot - 1] : NULL;
}

static bool has_term(const uint64_t *a, uint32_t n, uint64_t t)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] == t) return true;
    return false;
}

static int push_term(uint64_t **a, uint32_t *n, uint32_t *cap, uint64_t t)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 16;
        uint64_t *v = realloc(*a, c * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        *a = v;
        *cap = c;
    }
    (*a)[(*n)++] = t;
    return 0;
}

/* The k heaviest entries of an array (indices into it), by weight; ties by term. */
typedef struct ranked {
    uint32_t i;
    float w;
    uint64_t term;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

/* The norm per space of a story's centroid weighed with today's IDF. */
static void story_norms(const cluster_engine *e, const story *s, double norm[CLUSTER_SPACES])
{
    for (int k = 0; k < CLUSTER_SPACES; k++) norm[k] = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        double x = s->c[i].w * idf(e, s->c[i].tid);
        norm[s->c[i].space] += x * x;
    }
    for (int k = 0; k < CLUSTER_SPACES; k++) norm[k] = sqrt(norm[k]);
}

/* Posts a story's heaviest terms under the weeks of its span end, and its
 * heaviest names and words in the storyline index. */
static int story_post(cluster_engine *e, uint32_t id)
{
    story *s = &e->stories[id];
    mark(e, id);
    uint32_t k = (uint32_t)e->p.index_terms;
    ranked *r = malloc((s->n ? s->n : 1) * sizeof *r);
    if (!r) return ACCORD_ENOMEM;
    double norm[CLUSTER_SPACES];
    story_norms(e, s, norm);
    for (uint32_t i = 0; i < s->n; i++) {
        double nm = norm[s->c[i].space] > 0 ? norm[s->c[i].space] : 1;
        double sw = e->p.space_weight[s->c[i].space];
        r[i] = (ranked){i, (float)(s->c[i].w * idf(e, s->c[i].tid) / nm * sw), s->c[i].term};
    }
    qsort(r, s->n, sizeof *r, cmp_ranked);
    uint32_t top = s->n < k ? s->n : k;
    int32_t week = week_of(s->last);
    int rc = 0;
    if (week != s->posted_week) {
        s->posted_week = week;
        s->n_posted = 0;
    }
    for (uint32_t i = 0; i < top && rc == 0; i++) {
        uint64_t t = r[i].term;
        if (!has_term(s->posted, s->n_posted, t)) {
            rc = post(e, &e->index, index_key(t, week), id, true);
            if (rc == 0) rc = push_term(&s->posted, &s->n_posted, &s->cap_posted, t);
        }
        if (rc == 0 && s->c[r[i].i].space != CLUSTER_NUMBERS && !has_term(s->lined, s->n_lined, t) &&
            s->n_lined < 4 * k) {
            rc = post(e, &e->lines, t, id, true);
            if (rc == 0) rc = push_term(&s->lined, &s->n_lined, &s->cap_lined, t);
        }
    }
    free(r);
    return rc;
}

/* Adds a unit vector to a story's centroid, keeping the heaviest terms. */
static int centroid_add(cluster_engine *e, story *s, const cluster_doc *d)
{
    size_t cap = s->n + d->n;
    centry *m = malloc((cap ? cap : 1) * sizeof *m);
    if (!m) return ACCORD_ENOMEM;
    size_t i = 0, j = 0, n = 0;
    while (i < s->n || j < d->n) {
        if (j >= d->n || (i < s->n && s->c[i].term < d->f[j].term)) {
            m[n++] = s->c[i++];
        } else if (i >= s->n || d->f[j].term < s->c[i].term) {
            m[n++] = (centry){d->f[j].term, d->f[j].tid, d->f[j].weight, d->f[j].space};
            j++;
        } else {
            m[n] = s->c[i++];
            m[n++].w += d->f[j++].weight;
        }
    }
    size_t keep = (size_t)e->p.centroid_terms;
    if (n > keep) {
        /* Keep the heaviest: find the cut weight, then filter in place
         * (terms at the cut weight are kept by term order). */
        ranked *r = malloc(n * sizeof *r);
        if (!r) {
            free(m);
            return ACCORD_ENOMEM;
        }
        for (size_t q = 0; q < n; q++) r[q] = (ranked){(uint32_t)q, (float)(m[q].w * idf(e, m[q].tid)), m[q].term};
        qsort(r, n, sizeof *r, cmp_ranked);
        unsigned char *mark = calloc(n, 1);
        if (!mark) {
            free(r);
            free(m);
            return ACCORD_ENOMEM;
        }
        for (size_t q = 0; q < keep; q++) mark[r[q].i] = 1;
        size_t w = 0;
        for (size_t q = 0; q < n; q++)
            if (mark[q]) m[w++] = m[q];
        n = w;
        free(mark);
        free(r);
    }
    if (n < cap) {
        /* Most of a long story's merge was cut: give the room back. */
        centry *fit = realloc(m, (n ? n : 1) * sizeof *m);
        if (fit) {
            m = fit;
            cap = n;
        }
    }
    free(s->c);
    s->c = m;
    s->n = (uint32_t)n;
    s->cap = (uint32_t)cap;
    return 0;
}

/* The time factor between a day and a story's span: 1 within the slack,
 * then an exponential decay; 0 beyond the window.
 *
 * Without a day from metadata on both sides, the days inferred from the
 * text weigh by their confidence (c, c' in 0..1): far apart (more than
 * soft_gap_days), the score is multiplied by 1 - (1 - soft_factor) c c'.
 * A weak inference moves the score a little, two sure ones a lot, and an
 * undated side not at all. */
static double time_factor(const cluster_params *p, const cluster_doc *d, const story *s)
{
    int32_t day = d->day;
    if (day == CLUSTER_NO_DAY || s->first == CLUSTER_NO_DAY) {
        int32_t sd = d->soft_day;
        if (sd == CLUSTER_NO_DAY || s->soft_day == CLUSTER_NO_DAY) return 1.0;
        int32_t gap = sd > s->soft_day ? sd - s->soft_day : s->soft_day - sd;
        if (gap <= p->soft_gap_days) return 1.0;
        return 1.0 - (1.0 - p->soft_factor) * d->soft_conf * s->soft_conf;
    }
    int32_t dist = day < s->first ? s->first - day : day > s->last ? day - s->last : 0;
    if (dist > p->window_days) return 0.0;
    if (dist <= p->slack_days) return 1.0;
    return exp(-(double)(dist - p->slack_days) / p->decay_days);
}

/* Cosine per space between a weighed doc and a story; contributions of
 * the doc's features go to contrib (may be NULL). */
static void similarity(const cluster_engine *e, const cluster_doc *d, const float *w, const story *s,
                       double cos[CLUSTER_SPACES], float *contrib)
{
    double dot[CLUSTER_SPACES] = {0}, norm[CLUSTER_SPACES];
    story_norms(e, s, norm);
    size_t i = 0, j = 0;
    if (contrib)
        for (size_t q = 0; q < d->n; q++) contrib[q] = 0;
    while (i < d->n && j < s->n) {
        if (d->f[i].term < s->c[j].term) i++;
        else if (s->c[j].term < d->f[i].term) j++;
        else {
            double x = (double)w[i] * s->c[j].w * idf(e, s->c[j].tid);
            dot[d->f[i].space] += x;
            if (contrib) contrib[i] = (float)(x / (norm[d->f[i].space] > 0 ? norm[d->f[i].space] : 1));
            i++;
            j++;
        }
    }
    for (int k = 0; k < CLUSTER_SPACES; k++) cos[k] = norm[k] > 0 ? dot[k] / norm[k] : 0;
}

/* Mixes the per-space cosines: spaces the article lacks give their weight
 * to the others, so a text without figures is not punished for it. */
static double mix(const cluster_params *p, const bool present[CLUSTER_SPACES], const double cos[CLUSTER_SPACES])
{
    double w = 0, sum = 0;
    for (int k = 0; k < CLUSTER_SPACES; k++) {
        if (!present[k]) continue;
        w += p->space_weight[k];
        sum += p->space_weight[k] * cos[k];
    }
    return w > 0 ? sum / w : 0;
}

static void spaces_present(const cluster_doc *d, bool present[CLUSTER_SPACES])
{
    for (int k = 0; k < CLUSTER_SPACES; k++) present[k] = false;
    for (size_t i = 0; i < d->n; i++)
        if (d->f[i].weight > 0) present[d->f[i].space] = true;
}

typedef struct cand {
    uint32_t story;
    float weight; /* the summed weight of the article's terms that found it */
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    return x->story < y->story ? -1 : x->story > y->story;
}

/* Gathers candidate stories for d into *out (malloc'd): the stories
 * indexed under the article's query_terms heaviest terms in the weeks
 * around its day, best found first, at most max_candidates of them. */
static int candidates(cluster_engine *e, const cluster_doc *d, const float *w, uint32_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (++e->stamp == 0) {
        memset(e->seen, 0, e->cap_stories * sizeof *e->seen);
        e->stamp = 1;
    }
    size_t k = e->p.query_terms > 0 ? (size_t)e->p.query_terms : d->n;
    ranked *r = malloc((d->n ? d->n : 1) * sizeof *r);
    if (!r) return ACCORD_ENOMEM;
    for (size_t i = 0; i < d->n; i++)
        r[i] = (ranked){(uint32_t)i, w[i] * (float)e->p.space_weight[d->f[i].space], d->f[i].term};
    if (k < d->n) qsort(r, d->n, sizeof *r, cmp_ranked);
    if (d->n < k) k = d->n;
    /* Weeks to look in: around the article's day, or around the latest
     * day seen for an undated article; always the undated stories. */
    int32_t around = d->day != CLUSTER_NO_DAY ? d->day : e->max_day;
    int32_t w0 = NO_WEEK, w1 = NO_WEEK;
    if (around != CLUSTER_NO_DAY) {
        w0 = week_of(around - e->p.window_days);
        w1 = week_of(around + e->p.window_days);
    }
    cand *c = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (size_t q = 0; q < k && rc == 0; q++) {
        for (int32_t wk = w0;; wk++) {
            int32_t week = wk;
            bool last = false;
            if (w0 == NO_WEEK || wk > w1) {
                week = NO_WEEK;
                last = true;
            }
            plist *v = postings_of(e, &e->index, index_key(r[q].term, week));
            const uint32_t *vv = v ? plist_data(v) : NULL;
            for (uint32_t i = 0; v && i < v->n; i++) {
                uint32_t sid = vv[i];
                if (e->seen[sid] == e->stamp) {
                    c[e->pos[sid]].weight += r[q].w;
                    continue;
                }
                e->seen[sid] = e->stamp;
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    cand *nc = realloc(c, cap * sizeof *nc);
                    if (!nc) {
                        rc = ACCORD_ENOMEM;
                        break;
                    }
                    c = nc;
                }
                e->pos[sid] = (uint32_t)n;
                c[n++] = (cand){sid, r[q].w};
            }
            if (last || rc) break;
        }
    }
    free(r);
    if (rc) {
        free(c);
        return rc;
    }
    if (n) qsort(c, n, sizeof *c, cmp_cand);
    size_t keep = n < (size_t)e->p.max_candidates ? n : (size_t)e->p.max_candidates;
    uint32_t *ids = malloc((keep ? keep : 1) * sizeof *ids);
    if (!ids) {
        free(c);
        return ACCORD_ENOMEM;
    }
    for (size_t i = 0; i < keep; i++) ids[i] = c[i].story;
    free(c);
    *out = ids;
    *n_out = keep;
    return 0;
}

static void story_touch(cluster_engine *e, story *s, const cluster_doc *d, double centrality)
{
    if (d->day != CLUSTER_NO_DAY) {
        if (s->first == CLUSTER_NO_DAY || d->day < s->first) s->first = d->day;
        if (s->last == CLUSTER_NO_DAY || d->day > s->last) s->last = d->day;
        if (e->max_day == CLUSTER_NO_DAY || d->day > e->max_day) e->max_day = d->day;
    }
    /* The story's inferred day is its surest member's (the earlier day
     * on a tie), so it does not depend on the order members came in. */
    if (d->soft_day != CLUSTER_NO_DAY) {
        if (s->soft_day == CLUSTER_NO_DAY || d->soft_conf > s->soft_conf ||
            (d->soft_conf == s->soft_conf && d->soft_day < s->soft_day)) {
            s->soft_day2 = s->soft_day;
            s->soft_conf2 = s->soft_conf;
            s->soft_day = d->soft_day;
            s->soft_conf = d->soft_conf;
            s->soft_art = d->article;
        } else if (s->soft_day2 == CLUSTER_NO_DAY || d->soft_conf > s->soft_conf2 ||
                   (d->soft_conf == s->soft_conf2 && d->soft_day < s->soft_day2)) {
            s->soft_day2 = d->soft_day;
            s->soft_conf2 = d->soft_conf;
        }
    }
    s->n_docs++;
    if (s->central == 0 || centrality > s->central_score ||
        (centrality == s->central_score && d->article < s->central)) {
        s->central = d->article;
        s->central_score = centrality;
    }
    if (d->has_title && (s->central_titled == 0 || centrality > s->central_titled_score ||
                         (centrality == s->central_titled_score && d->article < s->central_titled))) {
        s->central_titled = d->article;
        s->central_titled_score = centrality;
    }
}

/* Keeps d in the ring of recent articles, as a member of story_id. */
static int ring_push(cluster_engine *e, const cluster_doc *d, uint32_t story_id, double attach, uint32_t *slot)
{
    if (!e->ring) {
        e->ring = calloc(RECENT, sizeof *e->ring);
        if (!e->ring) return ACCORD_ENOMEM;
    }
    cluster_feature *f = malloc((d->n ? d->n : 1) * sizeof *f);
    if (!f) return ACCORD_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        f[i] = d->f[i];
        f[i].key = NULL; /* the keys live in the caller's arena */
    }
    uint32_t at = e->ring_head;
    recent *r = &e->ring[at];
    e->ring_dirty[at] = 1;
    if (e->ring_n == RECENT) free(r->d.f);
    else e->ring_n++;
    r->d = *d;
    r->d.f = f;
    r->d.headline = NULL;
    r->story = story_id;
    r->attach = (float)attach;
    e->ring_head = (at + 1) % RECENT;
    *slot = at;
    return 0;
}

/* Adds a weighed member to a story's centroid and span. */
static int story_join(cluster_engine *e, story *s, const cluster_doc *d, const float *w)
{
    mark(e, (uint32_t)(s - e->stories));
    int rc = centroid_add(e, s, d);
    if (rc) return rc;
    /* Centrality: the member's mixed cosine with the centroid it joined. */
    double cos[CLUSTER_SPACES];
    bool present[CLUSTER_SPACES];
    similarity(e, d, w, s, cos, NULL);
    spaces_present(d, present);
    story_touch(e, s, d, mix(&e->p, present, cos));
    return 0;
}

static int put_weighted(cluster_engine *e, const cluster_doc *d, const float *w, uint32_t story_id, double attach)
{
    story *s = story_get(e, story_id, true);
    if (!s) return ACCORD_ENOMEM;
    int rc = story_ready(e, story_id);
    if (rc) return rc;
    uint32_t *m = d->article > 0 ? kmap_slot(&e->member, (uint64_t)d->article, true) : NULL;
    if (d->article > 0 && !m) return ACCORD_ENOMEM;
    if (m) *m = story_id;
    rc = story_join(e, s, d, w);
    if (rc) return rc;
    /* The first member's attachment is the second one's score: the link
     * between the two is only as strong as that. */
    if (s->n_docs == 2 && s->creator_slot != UINT32_MAX && s->creator_slot < e->ring_n &&
        e->ring[s->creator_slot].story == story_id && attach < e->ring[s->creator_slot].attach) {
        e->ring[s->creator_slot].attach = (float)attach;
        e->ring_dirty[s->creator_slot] = 1;
    }
    uint32_t slot;
    rc = ring_push(e, d, story_id, s->n_docs == 1 ? 1.0 : attach, &slot);
    if (rc) return rc;
    if (s->n_docs == 1) s->creator_slot = slot;
    return story_post(e, story_id);
}

int cluster_engine_put(cluster_engine *e, const cluster_doc *d, uint32_t story_id, double score)
{
    float *w = malloc((d->n ? d->n : 1) * sizeof *w);
    if (!w) return ACCORD_ENOMEM;
    doc_tfidf(e, d, w);
    int rc = put_weighted(e, d, w, story_id, score);
    free(w);
    return rc;
}

/* ---- Re-examining recent members ------------------------------------------------- */

/* The time factor of a member against the rest of its story: the story's
 * inferred day without the member's own. */
static double time_without(const cluster_engine *e, const cluster_doc *d, const story *s)
{
    story rest = *s;
    if (s->soft_art == d->article) {
        rest.soft_day = s->soft_day2;
        rest.soft_conf = s->soft_conf2;
    }
    return time_factor(&e->p, d, &rest);
}

/* The mixed score of a member against its own story without it: the
 * centroid less the member's vector, and time_without(). */
static double score_without(const cluster_engine *e, const cluster_doc *d, const float *w, const story *s)
{
    double dot[CLUSTER_SPACES] = {0}, norm[CLUSTER_SPACES] = {0};
    size_t i = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        while (i < d->n && d->f[i].term < s->c[j].term) i++;
        bool mine = i < d->n && d->f[i].term == s->c[j].term;
        double cw = s->c[j].w - (mine ? d->f[i].weight : 0.0f);
        if (cw <= 1e-6) continue;
        double x = cw * idf(e, s->c[j].tid);
        norm[s->c[j].space] += x * x;
        if (mine) dot[s->c[j].space] += (double)w[i] * x;
    }
    double cos[CLUSTER_SPACES];
    for (int k = 0; k < CLUSTER_SPACES; k++) cos[k] = norm[k] > 0 ? dot[k] / sqrt(norm[k]) : 0;
    bool present[CLUSTER_SPACES];
    spaces_present(d, present);
    return mix(&e->p, present, cos) * time_without(e, d, s);
}

static double score_with(const cluster_engine *e, const cluster_doc *d, const float *w, const story *s)
{
    double cos[CLUSTER_SPACES];
    bool present[CLUSTER_SPACES];
    similarity(e, d, w, s, cos, NULL);
    spaces_present(d, present);
    return mix(&e->p, present, cos) * time_factor(&e->p, d, s);
}

/* Takes a member out of a story: its vector off the centroid. The span of
 * metadata days stays as it was (it only ever widens); a label that was the
 * member's is cleared, and the store names another member. */
static void story_remove(story *s, const cluster_doc *d)
{
    size_t i = 0, n = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        while (i < d->n && d->f[i].term < s->c[j].term) i++;
        centry c = s->c[j];
        if (i < d->n && d->f[i].term == c.term) c.w -= d->f[i].weight;
        if (c.w > 1e-6f) s->c[n++] = c;
    }
    s->n = (uint32_t)n;
    s->n_docs--;

    if (s->central == d->article) {
        s->central = 0;
        s->central_score = -1;
    }
    if (s->central_titled == d->article) {
        s->central_titled = 0;
        s->central_titled_score = -1;
    }
    if (s->soft_art == d->article) {
        s->soft_day = s->soft_day2;
        s->soft_conf = s->soft_conf2;
        s->soft_art = 0;
        s->soft_day2 = CLUSTER_NO_DAY;
        s->soft_conf2 = 0;
    }
}

/* After an article joined or started story t: recent members of the other
 * stories it was compared with that joined them only weakly move to t
 * when they now fit t clearly better than the rest of their own story.
 * This is how an early, marginal decision is mended once the story it
 * belonged to forms (the outcome then depends less on arrival order).
 * Only these moves ever change a member's story; ids never change. */
static int reexamine(cluster_engine *e, const cluster_doc *x, uint32_t t, const uint32_t *ids, size_t n_cand,
                     cluster_match *out)
{
    if (!e->ring_n) return 0;
    if (++e->stamp == 0) {
        memset(e->seen, 0, e->cap_stories * sizeof *e->seen);
        e->stamp = 1;
    }
    for (size_t i = 0; i < n_cand; i++)
        if (ids[i] != t) e->seen[ids[i]] = e->stamp;
    double weak = e->p.threshold + e->p.weak_band;
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        int before = out->n_moves;
        for (uint32_t k = 0; k < e->ring_n && out->n_moves < CLUSTER_MAX_MOVES; k++) {
            /* Oldest first. */
            recent *r = &e->ring[(e->ring_head + RECENT - e->ring_n + k) % RECENT];
            bool mine = r->story == t;
            if (r->story > e->n_stories || (!mine && e->seen[r->story] != e->stamp)) continue;
            if (r->d.article == x->article) continue;
            story *s = &e->stories[r->story];
            int lr = story_ready(e, r->story);
            if (lr) return lr;
            bool alone = s->n_docs < 2;
            if (alone && mine) continue;
            if (!alone && r->attach >= weak) continue;
            float *w = malloc((r->d.n ? r->d.n : 1) * sizeof *w);
            if (!w) return ACCORD_ENOMEM;
            doc_tfidf(e, &r->d, w);
            double own = score_without(e, &r->d, w, s);
            uint32_t to = 0;
            double there = 0;
            if (mine) {
                /* The new article changed its story: a weak member that
                 * no longer fits the rest of it starts a story again. */
                if (own < e->p.threshold && time_without(e, &r->d, s) < 1.0) to = e->n_stories + 1;
                there = 1.0;
            } else {
                there = score_with(e, &r->d, w, &e->stories[t]);
                if (there >= e->p.threshold && there >= own + e->p.move_margin) to = t;
            }
            if (to) {
                mark(e, r->story);
                story_remove(s, &r->d);
                if (s->n_docs == 0) cluster_engine_set_storyline(e, r->story, 0); /* absorbed */
                cluster_move *mv = &out->moves[out->n_moves++];
                *mv = (cluster_move){r->d.article, r->story, to, there, own};
                story *dest = story_get(e, to, true);
                if (!dest) rc = ACCORD_ENOMEM;
                if (rc == 0) rc = story_ready(e, to);
                uint32_t *mm = rc == 0 ? kmap_slot(&e->member, (uint64_t)r->d.article, true) : NULL;
                if (rc == 0 && !mm) rc = ACCORD_ENOMEM;
                if (rc == 0) {
                    *mm = to;
                    e->ring_dirty[r - e->ring] = 1;
                    r->story = to;
                    r->attach = (float)there;
                    rc = story_join(e, dest, &r->d, w);
                }
                if (rc == 0) {
                    if (dest->n_docs == 1) dest->creator_slot = (uint32_t)(r - e->ring);
                    rc = story_post(e, to);
                }
            }
            free(w);
            if (rc) break;
        }
        if (out->n_moves == before) break;
    }
    return rc;
}

static int cmp_contrib_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int cluster_engine_add(cluster_engine *e, arena *a, const cluster_doc *d, uint32_t copy_of_story,
                       cluster_match *out)
{
    memset(out, 0, sizeof *out);
    bool present[CLUSTER_SPACES];
    spaces_present(d, present);
    float *contrib = d->n ? arena_alloc(a, d->n * sizeof *contrib) : NULL;
    float *best_contrib = d->n ? arena_alloc(a, d->n * sizeof *best_contrib) : NULL;
    float *w = d->n ? arena_alloc(a, d->n * sizeof *w) : NULL;
    if (d->n && (!contrib || !best_contrib || !w)) return ACCORD_ENOMEM;
    doc_tfidf(e, d, w);
    uint32_t best = 0;
    double best_score = -1, best_cos[CLUSTER_SPACES] = {0}, best_time = 0;
    uint32_t *cand_ids = NULL;
    size_t n_cand = 0;

    if (copy_of_story && copy_of_story <= e->n_stories) {
        int lr = story_ready(e, copy_of_story);
        if (lr) return lr;
        best = copy_of_story;
        similarity(e, d, w, &e->stories[best], best_cos, best_contrib);
        best_time = time_factor(&e->p, d, &e->stories[best]);
        best_score = 1.0;
        out->copy = true;
    } else {
        uint32_t *c;
        size_t n;
        int rc = candidates(e, d, w, &c, &n);
        if (rc) return rc;
        for (size_t i = 0; i < n; i++) {
            story *s = &e->stories[c[i]];
            double t = time_factor(&e->p, d, s);
            if (t <= 0) continue;
            if ((rc = story_ready(e, c[i])) != 0) {
                free(c);
                return rc;
            }
            double cos[CLUSTER_SPACES];
            similarity(e, d, w, s, cos, contrib);
            double score = mix(&e->p, present, cos) * t;
            if (score > best_score || (score == best_score && c[i] < best)) {
                best = c[i];
                best_score = score;
                best_time = t;
                memcpy(best_cos, cos, sizeof cos);
                if (d->n) memcpy(best_contrib, contrib, d->n * sizeof *contrib);
            }
        }
        if (best_score < e->p.threshold) best = 0;
        cand_ids = c;
        n_cand = n;
    }
    if (best) {
        out->story = best;
        out->score = best_score;
        memcpy(out->space, best_cos, sizeof best_cos);
        out->time = best_time;
        /* The features that weighed most in the match. */
        ranked *r = arena_alloc(a, (d->n ? d->n : 1) * sizeof *r);
        if (!r) {
            free(cand_ids);
            return ACCORD_ENOMEM;
        }
        size_t m = 0;
        for (size_t i = 0; i < d->n; i++)
            if (best_contrib[i] > 0)
                r[m++] = (ranked){(uint32_t)i, best_contrib[i] * (float)e->p.space_weight[d->f[i].space], 0};
        qsort(r, m, sizeof *r, cmp_contrib_desc);
        for (size_t i = 0; i < m && out->n_matched < 8; i++)
            if (d->f[r[i].i].key) out->matched[out->n_matched++] = d->f[r[i].i].key;
    } else {
        out->story = e->n_stories + 1;
        out->created = true;
        out->score = 1.0;
        out->time = 1.0;
        for (int k = 0; k < CLUSTER_SPACES; k++) out->space[k] = present[k] ? 1.0 : 0.0;
    }
    int rc = put_weighted(e, d, w, out->story, out->copy ? 1.0 : out->score);
    if (rc == 0) rc = reexamine(e, d, out->story, cand_ids, n_cand, out);
    free(cand_ids);
    return rc;
}

/* ---- Storylines ---------------------------------------------------------------------- */

uint32_t cluster_engine_storyline(const cluster_engine *e, uint32_t story_id)
{
    return story_id && story_id <= e->n_stories ? e->stories[story_id].storyline : 0;
}

static int lines_adjust(cluster_engine *e, uint32_t line, int delta)
{
    if (line == 0) return 0;
    if (line >= e->cap_lines) {
        uint32_t cap = e->cap_lines ? e->cap_lines : 1024;
        while (cap <= line) cap *= 2;
        uint32_t *v = realloc(e->lines_size, cap * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        memset(v + e->cap_lines, 0, (cap - e->cap_lines) * sizeof *v);
        e->lines_size = v;
        e->cap_lines = cap;
    }
    if (line > e->n_lines) e->n_lines = line;
    e->lines_size[line] = (uint32_t)((int)e->lines_size[line] + delta);
    return 0;
}

void cluster_engine_set_storyline(cluster_engine *e, uint32_t story_id, uint32_t line)
{
    story *s = story_get(e, story_id, false);
    if (!s || s->storyline == line) return;
    mark(e, story_id);
    if (s->storyline && s->storyline < e->cap_lines && e->lines_size[s->storyline]) lines_adjust(e, s->storyline, -1);
    s->storyline = line;
    lines_adjust(e, line, +1);
}

/* Storyline similarity of two stories: cosine of their centroids on names
 * and words (numbers say which event, not which subject). */
static double line_similarity(const cluster_engine *e, const story *a, const story *b)
{
    double dot[CLUSTER_SPACES] = {0}, na[CLUSTER_SPACES], nb[CLUSTER_SPACES];
    story_norms(e, a, na);
    story_norms(e, b, nb);
    uint32_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->c[i].term < b->c[j].term) i++;
        else if (b->c[j].term < a->c[i].term) j++;
        else {
            double x = idf(e, a->c[i].tid);
            dot[a->c[i].space] += (double)a->c[i].w * b->c[j].w * x * x;
            i++;
            j++;
        }
    }
    double wn = e->p.space_weight[CLUSTER_NAMES], ww = e->p.space_weight[CLUSTER_WORDS];
    double cn = na[CLUSTER_NAMES] > 0 && nb[CLUSTER_NAMES] > 0 ? dot[CLUSTER_NAMES] / (na[CLUSTER_NAMES] * nb[CLUSTER_NAMES]) : 0;
    double cw = na[CLUSTER_WORDS] > 0 && nb[CLUSTER_WORDS] > 0 ? dot[CLUSTER_WORDS] / (na[CLUSTER_WORDS] * nb[CLUSTER_WORDS]) : 0;
    return (wn * cn + ww * cw) / (wn + ww);
}

uint32_t cluster_engine_link(cluster_engine *e, uint32_t story_id, bool *created, double *score)
{
    *created = false;
    *score = 0;
    story *s = story_get(e, story_id, false);
    if (!s) return 0;
    if (s->storyline && s->storyline <= e->n_lines && e->lines_size[s->storyline] > 1) return s->storyline;
    if (story_ready(e, story_id) != 0) return s->storyline; /* the store failed: e->failed says so */
    if (++e->stamp == 0) {
        memset(e->seen, 0, e->cap_stories * sizeof *e->seen);
        e->stamp = 1;
    }
    e->seen[story_id] = e->stamp;
    /* Candidates: stories met under the story's first STORYLINE_TERMS
     * indexed terms (its heaviest when it started), counted by how many
     * they share; the STORYLINE_SCORED most shared are scored. */
    cand *c = NULL;
    size_t n = 0, cap = 0;
    uint32_t terms = s->n_lined < STORYLINE_TERMS ? s->n_lined : STORYLINE_TERMS;
    for (uint32_t q = 0; q < terms; q++) {
        plist *v = postings_of(e, &e->lines, s->lined[q]);
        if (!v) continue;
        uint32_t from = v->n > STORYLINE_SCAN ? v->n - STORYLINE_SCAN : 0;
        for (uint32_t i = from; i < v->n; i++) {
            uint32_t o = plist_data(v)[i];
            if (!e->stories[o].storyline) continue;
            if (e->seen[o] == e->stamp) {
                if (o != story_id) c[e->pos[o]].weight += 1;
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                cand *nc = realloc(c, cap * sizeof *nc);
                if (!nc) break; /* out of memory: link with what was found */
                c = nc;
            }
            e->seen[o] = e->stamp;
            e->pos[o] = (uint32_t)n;
            c[n++] = (cand){o, 1};
        }
    }
    if (n) qsort(c, n, sizeof *c, cmp_cand);
    if (n > STORYLINE_SCORED) n = STORYLINE_SCORED;
    uint32_t best_line = 0;
    double best = -1;
    for (size_t i = 0; i < n; i++) {
        story *t = &e->stories[c[i].story];
        if (story_ready(e, c[i].story) != 0) continue; /* the store failed: e->failed says so */
        double sim = line_similarity(e, s, t);
        if (sim > best || (sim == best && t->storyline < best_line)) {
            best = sim;
            best_line = t->storyline;
        }
    }
    free(c);
    if (best_line && best >= e->p.storyline_threshold) {
        *score = best;
        cluster_engine_set_storyline(e, story_id, best_line);
        return best_line;
    }
    if (!s->storyline) {
        *created = true;
        cluster_engine_set_storyline(e, story_id, e->n_lines + 1);
    }
    return s->storyline;
}

int64_t cluster_engine_central(const cluster_engine *e, uint32_t story_id)
{
    if (!story_id || story_id > e->n_stories) return 0;
    const story *s = &e->stories[story_id];
    if (s->central_titled && s->central_titled_score >= 0.85 * s->central_score) return s->central_titled;
    return s->central;
}

uint32_t cluster_engine_story_size(const cluster_engine *e, uint32_t story_id)
{
    return story_id && story_id <= e->n_stories ? e->stories[story_id].n_docs : 0;
}

void cluster_engine_span(const cluster_engine *e, uint32_t story_id, int32_t *first, int32_t *last)
{
    *first = *last = CLUSTER_NO_DAY;
    if (!story_id || story_id > e->n_stories) return;
    *first = e->stories[story_id].first;
    *last = e->stories[story_id].last;
}

/* ---- Vectors as bytes: per feature 8 bytes term, 4 bytes weight, 1 byte space --- */

size_t cluster_vector_size(const cluster_doc *d)
{
    return d->n * 13;
}

void cluster_vector_encode(const cluster_doc *d, unsigned char *out)
{
    for (size_t i = 0; i < d->n; i++) {
        unsigned char *p = out + i * 13;
        uint64_t t = d->f[i].term;
        for (int b = 0; b < 8; b++) p[b] = (unsigned char)(t >> (8 * b));
        uint32_t w;
        memcpy(&w, &d->f[i].weight, 4);
        for (int b = 0; b < 4; b++) p[8 + b] = (unsigned char)(w >> (8 * b));
        p[12] = d->f[i].space;
    }
}

int cluster_vector_decode(arena *a, const void *blob, size_t len, cluster_doc *d)
{
    if (len % 13) return acc_error(ACCORD_EINTERNAL, "a stored story vector of %zu bytes is damaged", len);
    d->n = len / 13;
    d->f = arena_alloc(a, (d->n ? d->n : 1) * sizeof *d->f);
    if (!d->f) return ACCORD_ENOMEM;
    const unsigned char *p = blob;
    for (size_t i = 0; i < d->n; i++, p += 13) {
        uint64_t t = 0;
        for (int b = 0; b < 8; b++) t |= (uint64_t)p[b] << (8 * b);
        uint32_t w = 0;
        for (int b = 0; b < 4; b++) w |= (uint32_t)p[8 + b] << (8 * b);
        d->f[i].term = t;
        memcpy(&d->f[i].weight, &w, 4);
        d->f[i].space = p[12] < CLUSTER_SPACES ? p[12] : CLUSTER_WORDS;
        d->f[i].key = NULL;
    }
    return 0;
}

/* ---- Exact persistence --------------------------------------------------------------
 *
 * The engine's state is a function of every decision it made, not of the
 * members a story ends with (a member that moved once counted in its old
 * story's centroid cut, span and index entries), so the store keeps the
 * state itself: each story's state as bytes, the postings in the order
 * they were made, the ring of recent articles and a few counters. Document
 * frequencies are integers and are counted again from the stored vectors.
 * Floats are kept as their bits: what comes back is what went out. */

static void put32(unsigned char **p, uint32_t v)
{
    for (int b = 0; b < 4; b++) *(*p)++ = (unsigned char)(v >> (8 * b));
}

static void put64(unsigned char **p, uint64_t v)
{
    for (int b = 0; b < 8; b++) *(*p)++ = (unsigned char)(v >> (8 * b));
}

static void putf(unsigned char **p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put32(p, v);
}

static void putd(unsigned char **p, double f)
{
    uint64_t v;
    memcpy(&v, &f, 8);
    put64(p, v);
}

typedef struct reader {
    const unsigned char *p, *end;
    bool bad;
} reader;

static uint64_t getn(reader *r, int n)
{
    if (r->bad || r->end - r->p < n) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int b = 0; b < n; b++) v |= (uint64_t)r->p[b] << (8 * b);
    r->p += n;
    return v;
}

static float getf(reader *r)
{
    uint32_t v = (uint32_t)getn(r, 4);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static double getd(reader *r)
{
    uint64_t v = getn(r, 8);
    double f;
    memcpy(&f, &v, 8);
    return f;
}

enum { STORY_HEAD = 4 + 4 * 4 + 8 + 4 * 3 + 4 * 5 + 8 * 4 + 4 * 3 };

int cluster_engine_story_encode(const cluster_engine *e, uint32_t id, unsigned char **blob, size_t *len)
{
    *blob = NULL;
    *len = 0;
    if (!id || id > e->n_stories) return ACCORD_EINTERNAL;
    const story *s = &e->stories[id];
    if (s->evicted) return ACCORD_EINTERNAL; /* only a story in memory has news for the store */
    size_t n = STORY_HEAD + (size_t)s->n * 13 + (size_t)s->n_posted * 8 + (size_t)s->n_lined * 8;
    unsigned char *b = malloc(n), *p = b;
    if (!b) return ACCORD_ENOMEM;
    put32(&p, 1); /* layout version */
    put32(&p, (uint32_t)s->first);
    put32(&p, (uint32_t)s->last);
    put32(&p, (uint32_t)s->soft_day);
    putf(&p, s->soft_conf);
    put64(&p, (uint64_t)s->soft_art);
    put32(&p, (uint32_t)s->soft_day2);
    putf(&p, s->soft_conf2);
    put32(&p, s->creator_slot);
    put32(&p, s->n_docs);
    put32(&p, s->storyline);
    put32(&p, (uint32_t)s->posted_week);
    put32(&p, 0); /* reserved */
    put64(&p, (uint64_t)s->central);
    put64(&p, (uint64_t)s->central_titled);
    putd(&p, s->central_score);
    putd(&p, s->central_titled_score);
    put32(&p, s->n);
    put32(&p, s->n_posted);
    put32(&p, s->n_lined);
    for (uint32_t i = 0; i < s->n; i++) {
        put64(&p, s->c[i].term);
        putf(&p, s->c[i].w);
        *p++ = s->c[i].space;
    }
    for (uint32_t i = 0; i < s->n_posted; i++) put64(&p, s->posted[i]);
    for (uint32_t i = 0; i < s->n_lined; i++) put64(&p, s->lined[i]);
    *blob = b;
    *len = (size_t)(p - b);
    return 0;
}

/* The engine's number of a term counted before (every stored term was). */
static int tid_of(const cluster_engine *e, uint64_t term, uint32_t *tid)
{
    uint32_t *v = kmap_slot((kmap *)&e->df, term, false);
    if (!v || !*v) return ACCORD_EINTERNAL;
    *tid = *v - 1;
    return 0;
}

/* Reads a story's state; with head false only its arrays (an evicted
 * story coming back keeps the scalars it never lost). */
static int story_decode(cluster_engine *e, story *s, const void *blob, size_t len, bool head)
{
    reader r = {blob, (const unsigned char *)blob + len, false};
    story t = {0};
    if (getn(&r, 4) != 1) return ACCORD_EINTERNAL;
    t.first = (int32_t)getn(&r, 4);
    t.last = (int32_t)getn(&r, 4);
    t.soft_day = (int32_t)getn(&r, 4);
    t.soft_conf = getf(&r);
    t.soft_art = (int64_t)getn(&r, 8);
    t.soft_day2 = (int32_t)getn(&r, 4);
    t.soft_conf2 = getf(&r);
    t.creator_slot = (uint32_t)getn(&r, 4);
    t.n_docs = (uint32_t)getn(&r, 4);
    t.storyline = (uint32_t)getn(&r, 4);
    t.posted_week = (int32_t)getn(&r, 4);
    getn(&r, 4);
    t.central = (int64_t)getn(&r, 8);
    t.central_titled = (int64_t)getn(&r, 8);
    t.central_score = getd(&r);
    t.central_titled_score = getd(&r);
    uint32_t n = (uint32_t)getn(&r, 4), np = (uint32_t)getn(&r, 4), nl = (uint32_t)getn(&r, 4);
    if (r.bad || (size_t)(r.end - r.p) != (size_t)n * 13 + (size_t)np * 8 + (size_t)nl * 8) return ACCORD_EINTERNAL;
    t.c = malloc((n ? n : 1) * sizeof *t.c);
    t.posted = malloc((np ? np : 1) * sizeof *t.posted);
    t.lined = malloc((nl ? nl : 1) * sizeof *t.lined);
    int rc = t.c && t.posted && t.lined ? 0 : ACCORD_ENOMEM;
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        t.c[i].term = getn(&r, 8);
        t.c[i].w = getf(&r);
        t.c[i].space = (uint8_t)getn(&r, 1);
        if (t.c[i].space >= CLUSTER_SPACES) rc = ACCORD_EINTERNAL;
        if (rc == 0) rc = tid_of(e, t.c[i].term, &t.c[i].tid);
    }
    for (uint32_t i = 0; rc == 0 && i < np; i++) t.posted[i] = getn(&r, 8);
    for (uint32_t i = 0; rc == 0 && i < nl; i++) t.lined[i] = getn(&r, 8);
    if (rc) {
        free(t.c);
        free(t.posted);
        free(t.lined);
        return rc;
    }
    t.n = t.cap = n;
    t.n_posted = t.cap_posted = np;
    t.n_lined = t.cap_lined = nl;
    free(s->c);
    free(s->posted);
    free(s->lined);
    if (head) {
        uint32_t line = t.storyline;
        t.storyline = s->storyline;
        *s = t;
        s->dirty = false;
        s->evicted = false;
        /* the storyline through its setter, which keeps the counts */
        if (line != s->storyline) {
            cluster_engine_set_storyline(e, (uint32_t)(s - e->stories), line);
            s->dirty = false;
        }
    } else {
        s->c = t.c;
        s->n = s->cap = n;
        s->posted = t.posted;
        s->n_posted = s->cap_posted = np;
        s->lined = t.lined;
        s->n_lined = s->cap_lined = nl;
        s->evicted = false;
    }
    return 0;
}

int cluster_engine_story_restore(cluster_engine *e, uint32_t id, const void *blob, size_t len)
{
    story *s = story_get(e, id, true);
    if (!s) return ACCORD_ENOMEM;
    return story_decode(e, s, blob, len, true);
}

static int story_ready(cluster_engine *e, uint32_t id)
{
    story *s = &e->stories[id];
    if (!s->evicted) return 0;
    if (!e->load) return e->failed = ACCORD_EINTERNAL;
    void *blob = NULL;
    size_t len = 0;
    int rc = e->load(e->load_ud, id, &blob, &len);
    if (rc == 0) rc = story_decode(e, s, blob, len, false);
    free(blob);
    if (rc) e->failed = rc;
    return rc;
}

const uint32_t *cluster_engine_dirty_stories(const cluster_engine *e, size_t *n)
{
    *n = e->dirty_list.n;
    return e->dirty_list.v;
}

bool cluster_engine_story_dirty(const cluster_engine *e, uint32_t id)
{
    return id && id <= e->n_stories && e->stories[id].dirty;
}

const cluster_posting *cluster_engine_new_postings(const cluster_engine *e, size_t *n)
{
    *n = e->n_log;
    return e->log;
}

bool cluster_engine_ring_dirty(const cluster_engine *e, uint32_t slot)
{
    return slot < RECENT && e->ring_dirty[slot];
}

void cluster_engine_clean(cluster_engine *e)
{
    for (uint32_t i = 0; i < e->dirty_list.n; i++) e->stories[e->dirty_list.v[i]].dirty = false;
    e->dirty_list.n = 0;
    e->n_log = 0;
    memset(e->ring_dirty, 0, sizeof e->ring_dirty);
}

int cluster_engine_posting_restore(cluster_engine *e, const cluster_posting *p)
{
    if (!p->story || p->story > e->n_stories) return ACCORD_EINTERNAL;
    return post(e, p->kind ? &e->lines : &e->index, p->key, p->story, false);
}

int cluster_engine_ring_entry(const cluster_engine *e, uint32_t slot, int64_t *article, uint32_t *story_id,
                              float *attach)
{
    if (!e->ring || slot >= RECENT) return 0;
    /* In use: one of the ring_n slots before the head, going round. */
    if ((e->ring_head + RECENT - 1 - slot) % RECENT >= e->ring_n) return 0;
    *article = e->ring[slot].d.article;
    *story_id = e->ring[slot].story;
    *attach = e->ring[slot].attach;
    return 1;
}

int cluster_engine_ring_restore(cluster_engine *e, uint32_t slot, const cluster_doc *d, uint32_t story_id, float attach)
{
    if (slot >= RECENT) return ACCORD_EINTERNAL;
    if (!e->ring) {
        e->ring = calloc(RECENT, sizeof *e->ring);
        if (!e->ring) return ACCORD_ENOMEM;
    }
    cluster_feature *f = malloc((d->n ? d->n : 1) * sizeof *f);
    if (!f) return ACCORD_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        f[i] = d->f[i];
        f[i].key = NULL;
        if (tid_of(e, f[i].term, &f[i].tid)) {
            free(f);
            return ACCORD_EINTERNAL;
        }
    }
    recent *r = &e->ring[slot];
    free(r->d.f);
    r->d = *d;
    r->d.f = f;
    r->d.headline = NULL;
    r->story = story_id;
    r->attach = attach;
    return 0;
}

void cluster_engine_globals(const cluster_engine *e, cluster_globals *g)
{
    g->n_stories = e->n_stories;
    g->n_lines = e->n_lines;
    g->max_day = e->max_day;
    g->ring_head = e->ring_head;
    g->ring_n = e->ring_n;
}

int cluster_engine_set_globals(cluster_engine *e, const cluster_globals *g)
{
    if (g->ring_head >= RECENT || g->ring_n > RECENT) return ACCORD_EINTERNAL;
    if (g->n_stories && !story_get(e, g->n_stories, true)) return ACCORD_ENOMEM;
    if (g->n_lines && lines_adjust(e, g->n_lines, 0)) return ACCORD_ENOMEM;
    e->max_day = g->max_day;
    e->ring_head = g->ring_head;
    e->ring_n = g->ring_n;
    if (g->ring_n && !e->ring && !(e->ring = calloc(RECENT, sizeof *e->ring))) return ACCORD_ENOMEM;
    return 0;
}

int cluster_engine_set_member(cluster_engine *e, int64_t article, uint32_t story_id)
{
    if (article <= 0) return 0;
    uint32_t *m = kmap_slot(&e->member, (uint64_t)article, true);
    if (!m) return ACCORD_ENOMEM;
    *m = story_id;
    return 0;
}

uint32_t cluster_engine_story_of(const cluster_engine *e, int64_t article)
{
    if (article <= 0) return 0;
    uint32_t *m = kmap_slot((kmap *)&e->member, (uint64_t)article, false);
    return m ? *m : 0;
}

void cluster_engine_set_loader(cluster_engine *e, cluster_story_loader load, void *ud)
{
    e->load = load;
    e->load_ud = ud;
}

int cluster_engine_failed(const cluster_engine *e)
{
    return e->failed;
}

size_t cluster_engine_evict(cluster_engine *e, int32_t before_day)
{
    if (!e->load || !e->n_stories) return 0;
    /* A bounded scan that goes round the stories over successive calls. */
    size_t n = 0;
    uint32_t scan = e->n_stories < EVICT_SCAN ? e->n_stories : EVICT_SCAN;
    for (uint32_t q = 0; q < scan; q++) {
        uint32_t i = e->evict_cursor % e->n_stories + 1;
        e->evict_cursor = i;
        story *s = &e->stories[i];
        if (s->dirty || s->evicted || s->last == CLUSTER_NO_DAY || s->last >= before_day) continue;
        free(s->c);
        free(s->posted);
        free(s->lined);
        s->c = NULL;
        s->posted = s->lined = NULL;
        s->n = s->cap = s->n_posted = s->cap_posted = s->n_lined = s->cap_lined = 0;
        s->evicted = true;
        n++;
    }
    return n;
}

int32_t cluster_engine_max_day(const cluster_engine *e)
{
    return e->max_day;
}

void cluster_engine_memory(const cluster_engine *e, cluster_memory *m)
{
    memset(m, 0, sizeof *m);
    m->stories = (size_t)e->cap_stories * (sizeof(story) + 2 * sizeof(uint32_t));
    for (uint32_t i = 1; i <= e->n_stories; i++) {
        const story *s = &e->stories[i];
        m->centroids += (size_t)s->cap * sizeof(centry) + ((size_t)s->cap_posted + s->cap_lined) * sizeof(uint64_t);
        m->resident += !s->evicted;
    }
    m->index = (e->index.cap + e->lines.cap) * (sizeof(uint64_t) + sizeof(uint32_t)) +
               (size_t)e->cap_postings * sizeof(plist);
    for (uint32_t i = 0; i < e->n_postings; i++)
        if (e->postings[i].cap > 2) m->index += (size_t)e->postings[i].cap * sizeof(uint32_t);
    m->frequencies = e->df.cap * (sizeof(uint64_t) + sizeof(uint32_t)) + (size_t)e->cap_terms * sizeof(uint32_t);
    m->members = e->member.cap * (sizeof(uint64_t) + sizeof(uint32_t));
    if (e->ring)
        for (uint32_t i = 0; i < RECENT; i++) m->ring += sizeof(recent) + e->ring[i].d.n * sizeof(cluster_feature);
}
