/* eval_dedup.c - quality of the copy index: recall and precision of
 * near-duplicate pairs against the exact Jaccard.
 *
 * 1. Planted near-duplicates: base articles of about 4 KB (bench/synth.h)
 *    and, for one base in five, one to three near-copies made with random
 *    word edits and dropped sentences at rates from 1% to 30%, so the
 *    planted pairs spread over Jaccard 0.3..1. The truth is the exact
 *    Jaccard of every pair inside a family. The index (MinHash, LSH,
 *    exact verification) must find the planted pairs at or above the
 *    threshold (recall) and report nothing below it (precision). The run is
 *    repeated with the articles in another order: the pairs and groups
 *    must be identical.
 * 2. Real newswire, when a JSONL file is given (Reuters-21578 converted by
 *    bench/reuters_jsonl): the copy groups found, checked against the
 *    exact all-pairs answer (prefix filtering, which skips only pairs that
 *    cannot reach the threshold), with examples.
 *
 * usage: eval_dedup [--planted N_BASE] [--reuters FILE.jsonl] */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/synth.h"
#include "dedup/dedup.h"
#include "util/util.h"

typedef struct doc {
    dedup_shingles sh;
    uint64_t keys[DEDUP_MAX_HASHES];
    char *id, *title, *date;
    int family;
} doc;

typedef struct pairset {
    dedup_pair *v;
    size_t n, cap;
} pairset;

static void pair_add(pairset *p, uint32_t a, uint32_t b, double j)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
        if (!p->v) {
            fprintf(stderr, "eval_dedup: out of memory\n");
            exit(3);
        }
    }
    p->v[p->n++] = (dedup_pair){a < b ? a : b, a < b ? b : a, j};
}

static int cmp_pair(const void *x, const void *y)
{
    const dedup_pair *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static int has_pair(const pairset *p, uint32_t a, uint32_t b)
{
    dedup_pair k = {a < b ? a : b, a < b ? b : a, 0};
    return bsearch(&k, p->v, p->n, sizeof k, cmp_pair) != NULL;
}

/* Streams docs in the given order through the index, verifying every
 * candidate exactly. Returns the verified pairs (sorted) and counts. */
static pairset run_index(const dedup_config *c, doc *docs, size_t n, const uint32_t *order,
                         size_t *candidates, size_t *rejected)
{
    pairset out = {0};
    dedup_index *ix = dedup_index_new(c, n);
    *candidates = *rejected = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t d = order[k];
        uint32_t *v;
        size_t m;
        if (docs[d].sh.n == 0) continue; /* too short to be a copy */
        if (dedup_index_query(ix, docs[d].keys, d, &v, &m) != 0) exit(3);
        for (size_t i = 0; i < m; i++) {
            double j = dedup_jaccard(&docs[d].sh, &docs[v[i]].sh);
            (*candidates)++;
            if (j >= c->threshold)
                pair_add(&out, d, v[i], j);
            else
                (*rejected)++;
        }
        free(v);
        if (dedup_index_add(ix, d, docs[d].keys) != 0) exit(3);
    }
    dedup_index_free(ix);
    if (out.n) qsort(out.v, out.n, sizeof *out.v, cmp_pair);
    return out;
}

static void sketch_doc(const dedup_config *c, arena *a, doc *d, const char *text, size_t len)
{
    uint32_t sig[DEDUP_MAX_HASHES];
    uint64_t *words;
    size_t n_words;
    if (dedup_word_hashes(a, text, len, &words, &n_words) != 0) exit(3);
    /* Texts under DEDUP_MIN_COPY_WORDS words are never copies: an empty set
     * keeps them out of the index's pairs and of the truth alike. */
    if (n_words < DEDUP_MIN_COPY_WORDS) n_words = 0;
    if (dedup_shingle_words(a, words, n_words, c->shingle_words, &d->sh) != 0) exit(3);
    dedup_minhash(c, d->sh.h, d->sh.n, sig);
    dedup_band_keys(c, sig, d->keys);
}

static int planted(const dedup_config *c, size_t n_base)
{
    synth *g = malloc(sizeof *g);
    if (!g) return 3;
    synth_init(g, 2);
    size_t cap = n_base * 2, n = 0;
    doc *docs = calloc(cap, sizeof *docs);
    arena a;
    arena_init(&a);
    static const double rates[] = {0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3};
    char base[6000], copy[6000];
    uint64_t s = 99;
    for (size_t b = 0; b < n_base; b++) {
        size_t len = synth_article(g, 1000000 + b, 4096, base, sizeof base);
        docs[n].family = (int)b;
        sketch_doc(c, &a, &docs[n++], base, len);
        if (synth_next(&s) % 5 != 0) continue;
        int copies = 1 + (int)(synth_next(&s) % 3);
        for (int k = 0; k < copies; k++) {
            double rate = rates[synth_next(&s) % (sizeof rates / sizeof rates[0])];
            size_t cl = synth_edit(g, synth_next(&s), rate, base, len, copy, sizeof copy);
            docs[n].family = (int)b;
            sketch_doc(c, &a, &docs[n++], copy, cl);
        }
    }
    /* Truth: exact Jaccard inside each family (families are consecutive). */
    pairset truth = {0};
    size_t planted_pairs = 0, bins[10] = {0}, found_bins[10] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && docs[j].family == docs[i].family; j++) {
            double jac = dedup_jaccard(&docs[i].sh, &docs[j].sh);
            planted_pairs++;
            bins[jac >= 1 ? 9 : (int)(jac * 10)]++;
            if (jac >= c->threshold) pair_add(&truth, (uint32_t)i, (uint32_t)j, jac);
        }
    qsort(truth.v, truth.n, sizeof *truth.v, cmp_pair);

    uint32_t *order = calloc(n ? n : 1, sizeof *order);
    if (!order) return 3;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    size_t cands, rejected;
    double t0 = acc_now();
    pairset got = run_index(c, docs, n, order, &cands, &rejected);
    double secs = acc_now() - t0;
    size_t hit = 0, below = 0, outside = 0;
    for (size_t i = 0; i < got.n; i++) {
        if (got.v[i].jaccard < c->threshold) below++;
        if (has_pair(&truth, got.v[i].a, got.v[i].b))
            hit++;
        else
            outside++;
    }
    /* Found pairs by Jaccard decile, for the S-curve in practice. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && docs[j].family == docs[i].family; j++) {
            double jac = dedup_jaccard(&docs[i].sh, &docs[j].sh);
            if (jac >= c->threshold && has_pair(&got, (uint32_t)i, (uint32_t)j))
                found_bins[jac >= 1 ? 9 : (int)(jac * 10)]++;
        }
    /* Another order: a stride permutation (7919 is prime), else reversed. */
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)(n % 7919 ? (i * 7919) % n : n - 1 - i);
    size_t c2, r2;
    pairset again = run_index(c, docs, n, order, &c2, &r2);
    int same = again.n == got.n;
    for (size_t i = 0; same && i < got.n; i++)
        same = got.v[i].a == again.v[i].a && got.v[i].b == again.v[i].b;
    uint32_t *g1 = malloc(n * sizeof *g1), *g2 = malloc(n * sizeof *g2);
    dedup_components(got.v, got.n, n, NULL, g1);
    dedup_components(again.v, again.n, n, NULL, g2);
    int same_groups = memcmp(g1, g2, n * sizeof *g1) == 0;

    printf("### Planted near-duplicates (synthetic, %zu articles of ~4 KB)\n\n", n);
    printf("%d-word shingles, %d hashes, %d bands x %d rows, threshold %.2f\n\n", c->shingle_words,
           c->n_hashes, c->bands, c->rows, c->threshold);
    printf(
        "| planted pairs | with J >= %.2f | found | recall | reported | reported below threshold | "
        "precision vs exact J | candidates verified | rejected by verification |\n",
        c->threshold);
    printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    printf("| %zu | %zu | %zu | %.4f | %zu | %zu | %.4f | %zu | %zu |\n\n", planted_pairs, truth.n,
           hit, truth.n ? (double)hit / truth.n : 1.0, got.n, below,
           got.n ? (double)(got.n - below) / got.n : 1.0, cands, rejected);
    printf("planted pairs by exact Jaccard (found / all):");
    for (int i = 0; i < 10; i++)
        if (bins[i])
            printf("  %.1f-%.1f: %zu/%zu", i / 10.0, (i + 1) / 10.0, found_bins[i], bins[i]);
    printf(
        "\n\nreported pairs outside the planted families (exact J >= threshold by chance): %zu\n",
        outside);
    printf("same pairs and groups in another arrival order: %s\n",
           same && same_groups ? "yes" : "NO");
    printf("index + verification: %.2f s for %zu articles\n\n", secs, n);
    int ok = truth.n == 0 || (double)hit / truth.n >= 0.95;
    ok = ok && below == 0 && same && same_groups;
    free(order);
    free(g1);
    free(g2);
    free(truth.v);
    free(got.v);
    free(again.v);
    free(docs);
    free(g);
    arena_free(&a);
    return ok ? 0 : 1;
}

static int cmp_post(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static int cmp_rank(const void *x, const void *y, void *ctx)
{
    const doc *d = ctx;
    const doc *a = &d[*(const uint32_t *)x], *b = &d[*(const uint32_t *)y];
    int c = strcmp(a->date, b->date);
    if (c) return c;
    return strcmp(a->id, b->id);
}

static int reuters(const dedup_config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "eval_dedup: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 32768, n = 0;
    doc *docs = calloc(cap, sizeof *docs);
    arena a;
    arena_init(&a);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while ((got = getline(&line, &lcap, f)) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o) continue;
        const char *text = json_string_value(json_object_get(o, "text"));
        if (text && *text) {
            if (n == cap) {
                cap *= 2;
                docs = realloc(docs, cap * sizeof *docs);
            }
            memset(&docs[n], 0, sizeof docs[n]);
            const char *id = json_string_value(json_object_get(o, "id"));
            const char *title = json_string_value(json_object_get(o, "title"));
            const char *date = json_string_value(json_object_get(o, "published"));
            docs[n].id = arena_strdup(&a, id ? id : "?");
            docs[n].title = arena_strdup(&a, title ? title : "");
            docs[n].date = arena_strdup(&a, date ? date : "");
            sketch_doc(c, &a, &docs[n], text, strlen(text));
            docs[n].family = (int)n;
            n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    uint32_t *order = calloc(n ? n : 1, sizeof *order);
    if (!order) return 3;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    size_t cands, rejected;
    double t0 = acc_now();
    pairset found = run_index(c, docs, n, order, &cands, &rejected);
    double secs = acc_now() - t0;

    /* The exact truth without comparing all pairs: prefix filtering
     * (Chaudhuri et al. 2006; Bayardo et al. 2007). Order each set's
     * elements globally (here by hash value, as stored); two sets with
     * J >= t must share an element among the first |x| - ceil(t|x|) + 1 of
     * each, so only pairs sharing a prefix element are compared, and the
     * comparison is exact. No pair at or above t is missed. */
    typedef struct {
        uint64_t h;
        uint32_t d;
    } post;
    size_t n_post = 0, cap_post = 1 << 16;
    post *posts = malloc(cap_post * sizeof *posts);
    if (!posts) return 3;
    for (size_t i = 0; i < n; i++) {
        size_t sz = docs[i].sh.n;
        if (!sz) continue;
        size_t need = (size_t)((double)sz * c->threshold);
        if ((double)need < (double)sz * c->threshold) need++;
        size_t prefix = sz - need + 1;
        for (size_t k = 0; k < prefix && k < sz; k++) {
            if (n_post == cap_post) {
                cap_post *= 2;
                posts = realloc(posts, cap_post * sizeof *posts);
                if (!posts) return 3;
            }
            posts[n_post++] = (post){docs[i].sh.h[k], (uint32_t)i};
        }
    }
    qsort(posts, n_post, sizeof *posts, cmp_post);
    pairset cand = {0}, truth = {0};
    t0 = acc_now();
    for (size_t i = 0; i < n_post;) {
        size_t j = i;
        while (j < n_post && posts[j].h == posts[i].h)
            j++;
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++)
                if (posts[x].d != posts[y].d) pair_add(&cand, posts[x].d, posts[y].d, 0);
        i = j;
    }
    if (cand.n) qsort(cand.v, cand.n, sizeof *cand.v, cmp_pair);
    for (size_t i = 0; i < cand.n; i++) {
        if (i && cand.v[i].a == cand.v[i - 1].a && cand.v[i].b == cand.v[i - 1].b) continue;
        double j = dedup_jaccard(&docs[cand.v[i].a].sh, &docs[cand.v[i].b].sh);
        if (j >= c->threshold) pair_add(&truth, cand.v[i].a, cand.v[i].b, j);
    }
    free(cand.v);
    free(posts);
    double brute = acc_now() - t0;
    if (truth.n) qsort(truth.v, truth.n, sizeof *truth.v, cmp_pair);
    size_t hit = 0;
    for (size_t i = 0; i < found.n; i++)
        hit += has_pair(&truth, found.v[i].a, found.v[i].b);

    uint32_t *group = malloc(n * sizeof *group), *rank = malloc(n * sizeof *rank);
    /* Rank: by date then id, so the group's original is the earliest. */
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, cmp_rank, docs);
    for (size_t i = 0; i < n; i++)
        rank[order[i]] = (uint32_t)i;
    dedup_components(found.v, found.n, n, rank, group);
    size_t *size = calloc(n, sizeof *size), groups = 0, in_groups = 0, largest = 0;
    for (size_t i = 0; i < n; i++)
        size[group[i]]++;
    for (size_t i = 0; i < n; i++)
        if (group[i] == i && size[i] > 1) {
            groups++;
            in_groups += size[i];
            if (size[i] > largest) largest = size[i];
        }
    printf("### Reuters-21578 (%zu articles with a body)\n\n", n);
    printf("| copy pairs (J >= %.2f) | exact (prefix-filtered all pairs) | found by the index | "
           "recall | copy groups | "
           "articles in groups | largest group | index s | exact all-pairs s |\n",
           c->threshold);
    printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    printf("| %zu | %zu | %zu | %.4f | %zu | %zu | %zu | %.2f | %.2f |\n\n", found.n, truth.n, hit,
           truth.n ? (double)hit / truth.n : 1.0, groups, in_groups, largest, secs, brute);
    printf("candidates verified %zu, rejected below the threshold %zu\n\n", cands, rejected);
    /* Examples: the five largest groups, then a few pairs with J < 1. */
    printf("Examples (largest groups; original first):\n\n");
    for (int shown = 0; shown < 5; shown++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (group[i] == i && size[i] > 1 && (best == SIZE_MAX || size[i] > size[best]))
                best = i;
        if (best == SIZE_MAX) break;
        printf("- %zu articles:", size[best]);
        int listed = 0;
        for (size_t k = 0; k < n && listed < 4; k++) {
            uint32_t d = order[k];
            if (group[d] != best) continue;
            printf("%s %s (%.10s) \"%.60s\"", listed ? ";" : "", docs[d].id, docs[d].date,
                   docs[d].title);
            listed++;
        }
        printf("%s\n", size[best] > 4 ? "; ..." : "");
        size[best] = 0;
    }
    printf("\nExamples of near (not exact) copies:\n\n");
    int shown = 0;
    for (size_t i = 0; i < found.n && shown < 5; i++) {
        if (found.v[i].jaccard >= 0.999) continue;
        const doc *x = &docs[found.v[i].a], *y = &docs[found.v[i].b];
        printf("- J %.3f: %s (%.10s) \"%.50s\" / %s (%.10s) \"%.50s\"\n", found.v[i].jaccard, x->id,
               x->date, x->title, y->id, y->date, y->title);
        shown++;
    }
    printf("\n");
    free(size);
    free(group);
    free(rank);
    free(order);
    free(found.v);
    free(truth.v);
    free(docs);
    arena_free(&a);
    return 0;
}

int main(int argc, char **argv)
{
    dedup_config c;
    dedup_config_default(&c);
    if (dedup_config_finish(&c) != 0) return 3;
    size_t n_base = 10000;
    const char *reut = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--planted") && i + 1 < argc)
            n_base = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--reuters") && i + 1 < argc)
            reut = argv[++i];
        else {
            fprintf(stderr, "usage: eval_dedup [--planted N_BASE] [--reuters FILE.jsonl]\n");
            return 2;
        }
    }
    int rc = n_base ? planted(&c, n_base) : 0;
    if (reut) rc |= reuters(&c, reut);
    return rc;
}
