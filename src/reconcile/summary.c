/* summary.c - the sentences of a story: TF-IDF vectors, carriers (which
 * articles hold a fuzzily matching sentence), LexRank centrality, and the
 * MMR summary within a word budget; then what each outlet adds and the
 * passages they share.
 *
 * The cosine graph is kept sparse (edges at or above min_cosine) so a story
 * of a few thousand sentences stays small. Carriers are decided by dedup's
 * sentence similarity (character 4-grams, containment for dropped clauses),
 * the same judgement the copy detector uses, scored only for pairs whose
 * TF-IDF cosine is not negligible: sentences sharing no content word never
 * match. Every loop runs in article order, then sentence order, and every
 * sort breaks ties on those, so the output is a function of the input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "clean/dates.h"
#include "dedup/dedup.h"
#include "reconcile/reconcile_int.h"

enum { MAX_STORY_SENTENCES = 4000, MIN_ARTICLE_SENTENCES = 8 };

void reconcile_config_default(rec_config *c)
{
    memset(c, 0, sizeof *c);
    c->summary_words = 100;
    c->mmr_lambda = 0.7;
    c->damping = 0.85;
    c->position_prior = 0.0;
    c->min_cosine = 0.1;
    c->max_sentences = 80;
    c->max_additions = 3;
    c->max_timeline = 8;
}

/* ---- Words ------------------------------------------------------------------ */

static const char *const STOPWORDS[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "me", "more", "most", "mr", "mrs", "ms", "my", "myself", "no", "nor", "not",
    "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "said", "same", "say", "says", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "yours", "yourself", "yourselves",
};

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

bool rec_stopword(const char *w, size_t len)
{
    if (len == 0 || len > 12) return len == 0;
    char tmp[16];
    memcpy(tmp, w, len);
    tmp[len] = 0;
    const char *key = tmp;
    return bsearch(&key, STOPWORDS, sizeof STOPWORDS / sizeof STOPWORDS[0], sizeof STOPWORDS[0],
                   cmp_cstr) != NULL;
}

/* Lower-cases one token into out: ASCII directly, the rest through the
 * match key. Returns the length, 0 when the token cannot be keyed. */
size_t rec_token_key(const char *s, size_t len, buf *scratch, char *out, size_t cap)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) ascii = false;
    const char *src = s;
    size_t n = len;
    if (!ascii) {
        buf_clear(scratch);
        if (text_match_key(s, len, scratch) != 0 || buf_failed(scratch)) return 0;
        src = buf_cstr(scratch);
        n = scratch->len;
    }
    if (n > 2 && src[n - 2] == '\'' && (src[n - 1] == 's' || src[n - 1] == 'S')) n -= 2; /* Trump's */
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\'' || c == '.') continue; /* U.S. -> us */
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[o] = 0;
    return o;
}

/* ---- Sparse vectors ------------------------------------------------------------- */

static int cmp_term(const void *x, const void *y)
{
    const rec_term *a = x, *b = y;
    return a->h < b->h ? -1 : a->h > b->h;
}

double rec_cosine(const rec_vec *a, const rec_vec *b)
{
    size_t i = 0, j = 0;
    double dot = 0;
    while (i < a->n && j < b->n) {
        if (a->t[i].h < b->t[j].h) i++;
        else if (a->t[i].h > b->t[j].h) j++;
        else dot += a->t[i++].w * b->t[j++].w;
    }
    return dot;
}

/* Raw term counts of one sentence (weights hold counts until weighting). */
static int sentence_terms(arena *a, const rec_article *art, const text_sentence *ts,
                          text_stemmer *stemmer, buf *scratch, rec_vec *v, uint32_t *n_words)
{
    v->t = NULL;
    v->n = 0;
    *n_words = 0;
    if (ts->n_tokens == 0) return 0;
    rec_term *t = arena_alloc(a, ts->n_tokens * sizeof *t);
    if (!t) return ACCORD_ENOMEM;
    size_t n = 0;
    for (uint32_t k = 0; k < ts->n_tokens; k++) {
        const text_token *tok = &art->doc.tokens[ts->first_token + k];
        if (tok->kind == TOK_PUNCT) continue;
        (*n_words)++;
        char key[64];
        size_t kl = rec_token_key(art->text + tok->start, tok->end - tok->start, scratch, key, sizeof key);
        if (kl == 0 || rec_stopword(key, kl)) continue;
        size_t sl = kl;
        const char *stem = tok->kind == TOK_WORD && stemmer ? text_stem(stemmer, key, kl, &sl) : key;
        if (!stem) continue;
        t[n].h = acc_hash64(stem, sl);
        t[n].w = 1;
        n++;
    }
    qsort(t, n, sizeof *t, cmp_term);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u && t[u - 1].h == t[i].h) t[u - 1].w += 1;
        else t[u++] = t[i];
    }
    v->t = t;
    v->n = u;
    return 0;
}

/* ---- Sentences, carriers, centrality ------------------------------------------- */

static int cmp_article_order(const void *x, const void *y, void *ctx)
{
    const reconcile *r = ctx;
    const rec_article *arts = r->articles;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const char *da = r->date_key[a], *db = r->date_key[b];
    if (da && db) {
        int c = strcmp(da, db);
        if (c) return c;
    } else if (da || db) {
        return da ? -1 : 1;
    }
    int c = strcmp(arts[a].id ? arts[a].id : "", arts[b].id ? arts[b].id : "");
    if (c) return c;
    return a < b ? -1 : a > b;
}

static uint32_t uf_find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static void uf_union(uint32_t *p, uint32_t a, uint32_t b)
{
    a = uf_find(p, a);
    b = uf_find(p, b);
    if (a == b) return;
    if (a < b) p[b] = a; /* the root is always the earliest member */
    else p[a] = b;
}

bool reconcile_statement(const char *p, size_t len, uint32_t n_words)
{
    if (n_words < 6 || n_words > 90 || len == 0) return false;
    /* A sentence without a lower-case word is a heading or a credit. */
    bool lower = false;
    for (size_t i = 0; i < len && !lower; i++) lower = p[i] >= 'a' && p[i] <= 'z';
    if (!lower) return false;
    /* A statement is finished: a heading, a dateline or a link has no final
     * stop, a trailing colon introduces something else, and a question is
     * not news. */
    size_t e = len;
    while (e > 0 && (p[e - 1] == '"' || p[e - 1] == '\'' || p[e - 1] == ')' ||
                     (e >= 3 && (unsigned char)p[e - 3] == 0xe2 && (unsigned char)p[e - 2] == 0x80 &&
                      ((unsigned char)p[e - 1] == 0x9d || (unsigned char)p[e - 1] == 0x99)))) {
        if (p[e - 1] == '"' || p[e - 1] == '\'' || p[e - 1] == ')') e--;
        else e -= 3;
    }
    if (e == 0) return false;
    char last = p[e - 1];
    if (last != '.' && last != '!') return false;
    /* A quotation opened and not closed is a piece of a longer quote. */
    int open = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"') open = !open;
        else if (i + 2 < len && (unsigned char)p[i] == 0xe2 && (unsigned char)p[i + 1] == 0x80) {
            if ((unsigned char)p[i + 2] == 0x9c) open++;
            else if ((unsigned char)p[i + 2] == 0x9d && open > 0) open--;
        }
    }
    return open == 0;
}

static bool junk_sentence(const rec_article *art, const rec_sentence *s)
{
    return !reconcile_statement(art->text + s->start, s->end - s->start, s->n_words);
}

int rec_prepare(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                text_stemmer *stemmer, reconcile *r, rec_work *w)
{
    memset(r, 0, sizeof *r);
    memset(w, 0, sizeof *w);
    r->articles = arts;
    r->n_articles = n;
    r->order = arena_calloc(a, n ? n : 1, sizeof *r->order);
    r->rank = arena_calloc(a, n ? n : 1, sizeof *r->rank);
    r->article_first = arena_calloc(a, n + 1, sizeof *r->article_first);
    if (!r->order || !r->rank || !r->article_first) return ACCORD_ENOMEM;
    int rc = rec_reference_days(a, r);
    if (rc) return rc;
    r->date_key = arena_calloc(a, n ? n : 1, sizeof *r->date_key);
    if (!r->date_key) return ACCORD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        r->order[i] = (uint32_t)i;
        r->date_key[i] = arts[i].ref_date ? arts[i].date ? arts[i].date : arts[i].ref_date : NULL;
        if (!r->date_key[i] && r->ref_day[i] != INT32_MIN) {
            char *d = arena_alloc(a, 11);
            if (!d) return ACCORD_ENOMEM;
            date_format(r->ref_day[i], d);
            r->date_key[i] = d;
        }
        if (!r->date_key[i]) r->date_key[i] = arts[i].date;
    }
    qsort_r(r->order, n, sizeof *r->order, cmp_article_order, r);
    for (size_t i = 0; i < n; i++) r->rank[r->order[i]] = (uint32_t)i;

    /* The graph is quadratic in sentences: a large story reads fewer
     * sentences of each article (leads first), keeping the total bounded. */
    size_t per = cfg->max_sentences > 0 ? (size_t)cfg->max_sentences : SIZE_MAX;
    if (n > 0 && per != SIZE_MAX && per * n > MAX_STORY_SENTENCES) {
        per = MAX_STORY_SENTENCES / n;
        if (per < MIN_ARTICLE_SENTENCES) per = MIN_ARTICLE_SENTENCES;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = arts[i].doc.n_sentences;
        if (k > per) k = per;
        total += k;
    }
    r->sentences = arena_calloc(a, total ? total : 1, sizeof *r->sentences);
    w->vec = arena_calloc(a, total ? total : 1, sizeof *w->vec);
    w->ded = arena_calloc(a, total ? total : 1, sizeof *w->ded);
    if (!r->sentences || !w->vec || !w->ded) return ACCORD_ENOMEM;

    buf scratch = BUF_INIT;
    size_t m = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const rec_article *art = &arts[i];
        r->article_first[i] = (uint32_t)m;
        dedup_doc dd = {0};
        if (!cfg->skip_matching && dedup_doc_prepare(a, &art->doc, &dd) != 0) {
            rc = ACCORD_ENOMEM;
            break;
        }
        size_t k = art->doc.n_sentences;
        if (k > per) k = per;
        for (size_t s = 0; s < k && !rc; s++, m++) {
            const text_sentence *ts = &art->doc.sentences[s];
            rec_sentence *rs = &r->sentences[m];
            rs->article = (uint32_t)i;
            rs->index = (uint32_t)s;
            rs->start = ts->start;
            rs->end = ts->end;
            rc = sentence_terms(a, art, ts, stemmer, &scratch, &w->vec[m], &rs->n_words);
            if (!cfg->skip_matching && s < dd.n_sentences) w->ded[m] = &dd.sentences[s];
            rs->usable = !junk_sentence(art, rs);
        }
    }
    buf_free(&scratch);
    if (rc) return rc;
    r->article_first[n] = (uint32_t)m;
    r->n_sentences = m;

    /* TF-IDF: sentence frequency of each term over the story. */
    size_t nt = 0;
    for (size_t i = 0; i < m; i++) nt += w->vec[i].n;
    uint64_t *all = arena_alloc(a, (nt ? nt : 1) * sizeof *all);
    if (!all) return ACCORD_ENOMEM;
    nt = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < w->vec[i].n; k++) all[nt++] = w->vec[i].t[k].h;
    qsort(all, nt, sizeof *all, rec_cmp_u64);
    for (size_t i = 0; i < m; i++) {
        rec_vec *v = &w->vec[i];
        double norm = 0;
        for (size_t k = 0; k < v->n; k++) {
            size_t lo = rec_lower_bound(all, nt, v->t[k].h);
            size_t hi = rec_lower_bound(all, nt, v->t[k].h + 1);
            if (v->t[k].h == UINT64_MAX) hi = nt;
            double df = (double)(hi - lo);
            double idf = 1.0 + log(((double)m + 1.0) / df);
            v->t[k].w = (1.0 + log(v->t[k].w)) * (idf > 0.05 ? idf : 0.05);
            norm += v->t[k].w * v->t[k].w;
        }
        norm = sqrt(norm);
        for (size_t k = 0; k < v->n && norm > 0; k++) v->t[k].w /= norm;
    }

    /* Edges of the cosine graph, and matches between articles. */
    size_t cap = 64;
    w->edges = malloc(cap * sizeof *w->edges);
    uint32_t *parent = arena_alloc(a, (m ? m : 1) * sizeof *parent);
    if (!w->edges || !parent) return ACCORD_ENOMEM;
    for (size_t i = 0; i < m; i++) parent[i] = (uint32_t)i;
    /* Per sentence, a bitmap-free carrier list: collected as pairs first. */
    size_t pcap = 64, np = 0;
    uint32_t(*pairs)[2] = malloc(pcap * sizeof *pairs);
    if (!pairs) return ACCORD_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        if (w->vec[i].n == 0) continue;
        for (size_t j = i + 1; j < m; j++) {
            if (w->vec[j].n == 0) continue;
            double c = rec_cosine(&w->vec[i], &w->vec[j]);
            if (c >= cfg->min_cosine) {
                if (w->n_edges + 2 > cap) {
                    cap *= 2;
                    rec_edge *e = realloc(w->edges, cap * sizeof *e);
                    if (!e) {
                        free(pairs);
                        return ACCORD_ENOMEM;
                    }
                    w->edges = e;
                }
                w->edges[w->n_edges++] = (rec_edge){(uint32_t)i, (uint32_t)j, c};
                w->edges[w->n_edges++] = (rec_edge){(uint32_t)j, (uint32_t)i, c};
            }
            if (cfg->skip_matching || c < 0.15) continue;
            if (r->sentences[i].article == r->sentences[j].article) continue;
            if (!w->ded[i] || !w->ded[j] || w->ded[i]->n_words < 3 || w->ded[j]->n_words < 3) continue;
            if (dedup_sentence_similarity(w->ded[i], w->ded[j], NULL) < DEDUP_ALIGN_THRESHOLD) continue;
            uf_union(parent, (uint32_t)i, (uint32_t)j);
            if (np + 2 > pcap) {
                pcap *= 2;
                void *p2 = realloc(pairs, pcap * sizeof *pairs);
                if (!p2) {
                    free(pairs);
                    return ACCORD_ENOMEM;
                }
                pairs = p2;
            }
            pairs[np][0] = (uint32_t)i;
            pairs[np++][1] = (uint32_t)j;
            pairs[np][0] = (uint32_t)j;
            pairs[np++][1] = (uint32_t)i;
        }
    }
    /* Carriers: the sentence's own article plus the articles of its direct matches. */
    qsort(pairs, np, sizeof *pairs, rec_cmp_pair);
    size_t p = 0;
    for (size_t i = 0; i < m; i++) {
        rec_sentence *rs = &r->sentences[i];
        rs->group = uf_find(parent, (uint32_t)i);
        size_t q = p;
        while (q < np && pairs[q][0] == i) q++;
        uint32_t *car = arena_alloc(a, (q - p + 1) * sizeof *car);
        if (!car) {
            free(pairs);
            return ACCORD_ENOMEM;
        }
        size_t nc = 0;
        car[nc++] = rs->article;
        for (size_t k = p; k < q; k++) car[nc++] = r->sentences[pairs[k][1]].article;
        qsort(car, nc, sizeof *car, rec_cmp_u32);
        size_t u = 0;
        for (size_t k = 0; k < nc; k++)
            if (!u || car[u - 1] != car[k]) car[u++] = car[k];
        rs->carriers = car;
        rs->n_carriers = (uint32_t)u;
        p = q;
    }
    free(pairs);
    return rec_lexrank(a, cfg, r, w);
}

int rec_lexrank(arena *a, const rec_config *cfg, reconcile *r, rec_work *w)
{
    size_t m = r->n_sentences;
    if (m == 0) return 0;
    double *deg = arena_calloc(a, m, sizeof *deg);
    double *v = arena_calloc(a, m, sizeof *v);
    double *p = arena_calloc(a, m, sizeof *p);
    double *q = arena_calloc(a, m, sizeof *q);
    if (!deg || !v || !p || !q) return ACCORD_ENOMEM;
    for (size_t e = 0; e < w->n_edges; e++) deg[w->edges[e].from] += w->edges[e].w;
    double vs = 0;
    for (size_t i = 0; i < m; i++) {
        double pos = (double)r->sentences[i].index;
        v[i] = cfg->position_prior > 0 ? pow(pos + 1.0, -cfg->position_prior) : 1.0;
        vs += v[i];
    }
    for (size_t i = 0; i < m; i++) {
        v[i] /= vs;
        p[i] = 1.0 / (double)m;
    }
    double d = cfg->damping;
    for (int it = 0; it < 200; it++) {
        double dangling = 0;
        for (size_t i = 0; i < m; i++) {
            q[i] = 0;
            if (deg[i] <= 0) dangling += p[i];
        }
        for (size_t e = 0; e < w->n_edges; e++) {
            const rec_edge *ed = &w->edges[e];
            q[ed->to] += p[ed->from] * ed->w / deg[ed->from];
        }
        double diff = 0;
        for (size_t i = 0; i < m; i++) {
            double nv = (1.0 - d) * v[i] + d * (q[i] + dangling * v[i]);
            diff += fabs(nv - p[i]);
            q[i] = nv;
        }
        memcpy(p, q, m * sizeof *p);
        if (diff < 1e-10) break;
    }
    for (size_t i = 0; i < m; i++) r->sentences[i].centrality = p[i];
    return 0;
}

/* ---- MMR summary ---------------------------------------------------------------- */

/* Is a better than b as a representative? Centrality, then article order,
 * then position. */
bool rec_sentence_before(const reconcile *r, uint32_t a, uint32_t b)
{
    const rec_sentence *x = &r->sentences[a], *y = &r->sentences[b];
    if (x->centrality != y->centrality) return x->centrality > y->centrality;
    if (x->article != y->article) return r->rank[x->article] < r->rank[y->article];
    return x->index < y->index;
}

static int cmp_central_r(const void *x, const void *y, void *ctx)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (a == b) return 0;
    return rec_sentence_before(ctx, a, b) ? -1 : 1;
}

/* A sentence that opens on a pronoun or a connective ("He said", "But",
 * "Meanwhile") leans on the sentence before it, which a summary may not
 * show: it is taken only when clearly more central than the others. */
static const double DANGLING_FACTOR = 0.85;

static bool dangling_start(const rec_article *art, const rec_sentence *s)
{
    static const char *const OPENERS[] = {
        "he", "she", "they", "it", "this", "these", "that", "those", "his", "her", "their", "its",
        "but", "however", "furthermore", "meanwhile", "also", "and", "yet", "still", "moreover",
        "alternatively", "instead", "otherwise", "then", "thus", "therefore", "so",
    };
    const char *p = art->text + s->start;
    size_t len = s->end - s->start, n = 0;
    if (len > 17 && !strncasecmp(p, "on the other hand", 17)) return true;
    if (len > 14 && !strncasecmp(p, "in addition to", 14)) return false;
    if (len > 11 && !strncasecmp(p, "in addition", 11)) return true;
    while (n < len && n < 15 && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))) n++;
    if (n == 0 || n == 15) return false;
    char w[16];
    for (size_t i = 0; i < n; i++) w[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    w[n] = 0;
    for (size_t i = 0; i < sizeof OPENERS / sizeof OPENERS[0]; i++)
        if (!strcmp(w, OPENERS[i])) return true;
    return false;
}

int rec_mmr(arena *a, const rec_config *cfg, reconcile *r, rec_work *w)
{
    size_t m = r->n_sentences;
    r->n_summary = 0;
    r->summary_words = 0;
    r->summary = arena_calloc(a, m ? m : 1, sizeof *r->summary);
    uint32_t *cand = arena_calloc(a, m ? m : 1, sizeof *cand);
    bool *group_used = arena_calloc(a, m ? m : 1, sizeof *group_used);
    if (!r->summary || !cand || !group_used) return ACCORD_ENOMEM;
    size_t nc = 0;
    double cmax = 0;
    for (size_t i = 0; i < m; i++) {
        if (!r->sentences[i].usable) continue;
        cand[nc++] = (uint32_t)i;
        if (r->sentences[i].centrality > cmax) cmax = r->sentences[i].centrality;
    }
    if (nc == 0) {
        /* Nothing passes the filters (very short texts): take what there is. */
        for (size_t i = 0; i < m; i++)
            if (r->sentences[i].n_words >= 3) cand[nc++] = (uint32_t)i;
        for (size_t i = 0; i < nc; i++)
            if (r->sentences[cand[i]].centrality > cmax) cmax = r->sentences[cand[i]].centrality;
    }
    qsort_r(cand, nc, sizeof *cand, cmp_central_r, r);
    int budget = cfg->summary_words > 0 ? cfg->summary_words : 100;
    int words = 0;
    double lambda = cfg->mmr_lambda;
    for (;;) {
        double best = -1e300;
        size_t bi = nc;
        for (size_t k = 0; k < nc; k++) {
            uint32_t i = cand[k];
            const rec_sentence *s = &r->sentences[i];
            if (group_used[s->group]) continue;
            int nw = (int)s->n_words;
            if (words + nw > budget && !(r->n_summary == 0 && nw <= budget * 3 / 2)) continue;
            double red = 0;
            for (size_t j = 0; j < r->n_summary; j++) {
                double c = rec_cosine(&w->vec[i], &w->vec[r->summary[j]]);
                if (c > red) red = c;
            }
            if (red >= 0.6) continue; /* says again what is already there */
            double rel = cmax > 0 ? s->centrality / cmax : 0;
            if (dangling_start(&r->articles[s->article], s)) rel *= DANGLING_FACTOR;
            if (cfg->lead_weight > 0) rel *= pow(1.0 + (double)s->index, -cfg->lead_weight);
            double score = lambda * rel - (1.0 - lambda) * red;
            if (score > best) { /* strict: the earlier candidate (more central) wins ties */
                best = score;
                bi = k;
            }
        }
        if (bi == nc) break;
        uint32_t i = cand[bi];
        r->summary[r->n_summary++] = i;
        group_used[r->sentences[i].group] = true;
        words += (int)r->sentences[i].n_words;
        if (budget - words < 5) break;
    }
    r->summary_words = words;
    return 0;
}

uint32_t reconcile_first_carrier(const reconcile *r, uint32_t s)
{
    const rec_sentence *rs = &r->sentences[s];
    uint32_t best = rs->article;
    for (uint32_t k = 0; k < rs->n_carriers; k++)
        if (r->rank[rs->carriers[k]] < r->rank[best]) best = rs->carriers[k];
    return best;
}

int rec_additions(arena *a, const rec_config *cfg, reconcile *r)
{
    size_t n = r->n_articles, m = r->n_sentences;
    r->additions = arena_calloc(a, n ? n : 1, sizeof *r->additions);
    r->n_additions = arena_calloc(a, n ? n : 1, sizeof *r->n_additions);
    if (!r->additions || !r->n_additions) return ACCORD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint32_t lo = r->article_first[i], hi = r->article_first[i + 1];
        uint32_t *v = arena_alloc(a, (hi - lo + 1) * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        size_t k = 0;
        for (uint32_t s = lo; s < hi; s++)
            if (r->sentences[s].usable && r->sentences[s].n_carriers == 1) v[k++] = s;
        qsort_r(v, k, sizeof *v, cmp_central_r, r);
        if (cfg->max_additions > 0 && k > (size_t)cfg->max_additions) k = (size_t)cfg->max_additions;
        r->additions[i] = v;
        r->n_additions[i] = k;
    }
    /* Shared passages: the best member of each group that 2+ articles carry. */
    uint32_t *best = arena_alloc(a, (m ? m : 1) * sizeof *best);
    uint32_t *nart = arena_calloc(a, m ? m : 1, sizeof *nart);
    r->shared = arena_alloc(a, (m ? m : 1) * sizeof *r->shared);
    if (!best || !nart || !r->shared) return ACCORD_ENOMEM;
    for (size_t s = 0; s < m; s++) best[s] = UINT32_MAX;
    for (size_t s = 0; s < m; s++) {
        uint32_t g = r->sentences[s].group;
        if (best[g] == UINT32_MAX || rec_sentence_before(r, (uint32_t)s, best[g])) best[g] = (uint32_t)s;
        if (r->sentences[s].n_carriers > nart[g]) nart[g] = r->sentences[s].n_carriers;
    }
    r->n_shared = 0;
    for (size_t g = 0; g < m; g++)
        if (best[g] != UINT32_MAX && nart[g] >= 2) r->shared[r->n_shared++] = best[g];
    qsort_r(r->shared, r->n_shared, sizeof *r->shared, cmp_central_r, r);
    return 0;
}

int reconcile_summarize(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                        text_stemmer *stemmer, reconcile *r)
{
    rec_config def;
    if (!cfg) {
        reconcile_config_default(&def);
        cfg = &def;
    }
    rec_work w;
    int rc = rec_prepare(a, arts, n, cfg, stemmer, r, &w);
    if (!rc) rc = rec_mmr(a, cfg, r, &w);
    free(w.edges);
    return rc;
}

const char *reconcile_label(arena *a, const reconcile *r)
{
    if (r->n_summary == 0) return NULL;
    const rec_sentence *top = &r->sentences[r->summary[0]];
    /* A title among the carriers of the top sentence, earliest article first. */
    for (size_t o = 0; o < r->n_articles; o++) {
        uint32_t i = r->order[o];
        if (!r->articles[i].title || !*r->articles[i].title) continue;
        for (uint32_t k = 0; k < top->n_carriers; k++)
            if (top->carriers[k] == i) return r->articles[i].title;
    }
    /* The titled article whose sentences are most central overall. */
    double best = 0;
    const char *title = NULL;
    for (size_t i = 0; i < r->n_articles; i++) {
        if (!r->articles[i].title || !*r->articles[i].title) continue;
        double c = 0;
        for (uint32_t s = r->article_first[i]; s < r->article_first[i + 1]; s++) c += r->sentences[s].centrality;
        uint32_t ns = r->article_first[i + 1] - r->article_first[i];
        if (ns) c /= ns;
        if (c > best) {
            best = c;
            title = r->articles[i].title;
        }
    }
    if (title) return title;
    /* The top sentence, cut after about sixteen words at a clause boundary. */
    const char *t = r->articles[top->article].text + top->start;
    size_t len = top->end - top->start, cut = len, words = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == ' ') words++;
        bool clause = t[i] == ',' || t[i] == ';' || (t[i] == ' ' && i + 2 < len && t[i + 1] == '-' && t[i + 2] == ' ') ||
                      (i + 4 < len && !memcmp(t + i, " \xe2\x80\x93 ", 5));
        if (clause && words >= 6) {
            cut = i;
            break;
        }
        if (words >= 16) {
            cut = i;
            break;
        }
    }
    while (cut > 0 && (t[cut - 1] == '.' || t[cut - 1] == ' ')) cut--;
    return arena_strndup(a, t, cut);
}
