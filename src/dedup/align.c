/* align.c - passage alignment between two articles.
 *
 * Each sentence becomes two feature sets over its match key with
 * punctuation dropped and words joined by single spaces: its distinct word
 * hashes, and its distinct character 4-grams (four bytes packed exactly
 * into an integer, so no gram is ever confused with another). Light edits
 * change few 4-grams: "Mr Trump promised" against "Trump promised" adds
 * three, "Zelenskyy" against "Zelensky" one, while a different sentence on
 * the same subject shares few.
 *
 * The score of a sentence pair is the Dice coefficient of the 4-gram sets;
 * when the shorter sentence is long enough to be specific (40 grams, some
 * eight words) its containment in the longer one counts too, because an
 * outlet that drops a clause leaves the rest of the sentence contained.
 * Numbers are facts: a pair that disagrees on its numbers loses up to half
 * its score, so one template filled with other figures does not align.
 *
 * Candidates: B's sentences are indexed by word; a sentence of A is scored
 * only against sentences of B that share at least 40% of the smaller one's
 * distinct words (fewer cannot reach the threshold on 4-grams), words
 * carried by more than CANDIDATE_LIMIT sentences being ignored as
 * uninformative (the whole sentence's key is also indexed, so repeated
 * sentences still find each other). Pairs at or above the threshold are taken best first, each
 * sentence at most once; ties go to the earlier positions, so the result
 * is deterministic. Runs of pairs consecutive in both texts are passages. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "accord.h"
#include "dedup_int.h"

/* A shorter sentence counts as contained in a longer one when this share
 * of its 4-grams is there: a dropped clause leaves nearly all of the rest;
 * a template sentence with other names and figures does not. */
#define CONTAIN_MIN 0.8

enum {
    MIN_WORDS = 3,          /* shorter sentences are not aligned */
    CONTAIN_MIN_GRAMS = 40, /* containment counts from this size */
    CANDIDATE_LIMIT = 64,   /* postings longer than this are skipped */
};

static uint64_t gram_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    return (uint64_t)u[0] << 24 | (uint64_t)u[1] << 16 | (uint64_t)u[2] << 8 | u[3];
}

static int prepare_sentence(arena *a, const char *text, uint32_t start, uint32_t end, buf *norm,
                            dedup_sentence *s)
{
    memset(s, 0, sizeof *s);
    s->start = start;
    s->end = end;
    buf_clear(norm);
    buf_putc(norm, ' ');
    size_t cap = 16, nw = 0, cap_nums = 0, n_nums = 0;
    uint64_t *nums = NULL;
    uint64_t *words = arena_alloc(a, cap * sizeof *words);
    if (!words) return ACCORD_ENOMEM;
    dedup_words w;
    dedup_words_init(&w, text + start, end - start);
    while (dedup_words_next(&w)) {
        if (nw == cap) {
            words = arena_grow(a, words, cap, cap * 2, sizeof *words);
            if (!words) {
                dedup_words_free(&w);
                return ACCORD_ENOMEM;
            }
            cap *= 2;
        }
        words[nw++] = w.hash;
        for (size_t k = 0; k < w.key_len; k++)
            if (w.key[k] >= '0' && w.key[k] <= '9') {
                if (n_nums == cap_nums) {
                    size_t nc = cap_nums ? cap_nums * 2 : 8;
                    nums = arena_grow(a, nums, cap_nums, nc, sizeof *nums);
                    if (!nums) {
                        dedup_words_free(&w);
                        return ACCORD_ENOMEM;
                    }
                    cap_nums = nc;
                }
                nums[n_nums++] = w.hash;
                break;
            }
        buf_append(norm, w.key, w.key_len);
        buf_putc(norm, ' ');
    }
    int failed = w.failed;
    dedup_words_free(&w);
    if (failed || buf_failed(norm)) return ACCORD_ENOMEM;
    s->n_words = (uint32_t)nw;
    s->words = words;
    s->n_word_set = (uint32_t)dedup_sort_unique(words, nw);
    s->nums = nums;
    s->n_nums = (uint32_t)dedup_sort_unique(nums, n_nums);
    s->key = XXH3_64bits(norm->data, norm->len) ^ 0x5bd1e995u;
    if (nw == 0) return 0;
    size_t ng = norm->len >= 4 ? norm->len - 3 : 0;
    uint64_t *g = arena_alloc(a, (ng ? ng : 1) * sizeof *g);
    if (!g) return ACCORD_ENOMEM;
    for (size_t i = 0; i < ng; i++)
        g[i] = gram_at(norm->data + i);
    size_t n = dedup_sort_unique(g, ng);
    /* A 4-gram is four bytes: kept in 32 bits, half the memory of a
     * prepared document (the copy index caches them) and of a pass over
     * two sentences' grams. */
    uint32_t *g32 = arena_alloc(a, (n ? n : 1) * sizeof *g32);
    if (!g32) return ACCORD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        g32[i] = (uint32_t)g[i];
    s->grams = g32;
    s->n_grams = (uint32_t)n;
    return 0;
}

/* |A ∩ B| of two sorted distinct arrays of 4-grams. */
static size_t intersect_grams(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            c++;
            i++;
            j++;
        }
    }
    return c;
}

int dedup_doc_prepare(arena *a, const text_doc *td, dedup_doc *out)
{
    memset(out, 0, sizeof *out);
    out->text = td->text;
    out->len = td->len;
    if (td->n_sentences == 0) return 0;
    out->sentences = arena_calloc(a, td->n_sentences, sizeof *out->sentences);
    if (!out->sentences) return ACCORD_ENOMEM;
    buf norm = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < td->n_sentences && !rc; i++) {
        const text_sentence *ts = &td->sentences[i];
        uint32_t end = ts->end <= td->len ? ts->end : (uint32_t)td->len;
        uint32_t start = ts->start <= end ? ts->start : end;
        rc = prepare_sentence(a, td->text, start, end, &norm, &out->sentences[i]);
    }
    buf_free(&norm);
    if (rc) return rc;
    out->n_sentences = td->n_sentences;
    return 0;
}

int dedup_doc_from_text(arena *a, const char *text, size_t len, dedup_doc *out)
{
    text_doc td;
    if (!text) {
        text = "";
        len = 0;
    }
    if (text_analyze(a, text, len, &td) != 0) return ACCORD_ENOMEM;
    return dedup_doc_prepare(a, &td, out);
}

double dedup_sentence_similarity(const dedup_sentence *a, const dedup_sentence *b, int *partial)
{
    if (partial) *partial = 0;
    if (a->n_grams == 0 || b->n_grams == 0) return 0;
    size_t inter = intersect_grams(a->grams, a->n_grams, b->grams, b->n_grams);
    double score = 2.0 * (double)inter / (double)(a->n_grams + b->n_grams);
    int contained = 0;
    uint32_t small = a->n_grams < b->n_grams ? a->n_grams : b->n_grams;
    if (small >= CONTAIN_MIN_GRAMS) {
        /* Containment counts, discounted a little so that a full copy still
         * outranks a sentence that merely contains another. */
        double raw = (double)inter / (double)small, contain = 0.95 * raw;
        if (raw >= CONTAIN_MIN && contain > score) {
            score = contain;
            contained = 1;
        }
    }
    if (a->n_nums || b->n_nums) {
        size_t common = dedup_intersect_count(a->nums, a->n_nums, b->nums, b->n_nums);
        /* Contained: the shorter sentence's numbers must be in the longer. */
        const dedup_sentence *shorter = a->n_grams <= b->n_grams ? a : b;
        double q = contained ? (shorter->n_nums ? (double)common / shorter->n_nums : 1.0)
                             : (double)common / (double)(a->n_nums + b->n_nums - common);
        score *= 0.5 + 0.5 * q;
    }
    if (partial) *partial = contained;
    return score;
}

typedef struct posting {
    uint64_t key;
    uint32_t sentence;
} posting;

static int cmp_posting(const void *x, const void *y)
{
    const posting *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->sentence > b->sentence) - (a->sentence < b->sentence);
}

static int cmp_pair_best(const void *x, const void *y)
{
    const dedup_sentence_pair *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

static int cmp_pair_a(const void *x, const void *y)
{
    const dedup_sentence_pair *a = x, *b = y;
    if (a->a != b->a) return (a->a > b->a) - (a->a < b->a);
    return (a->b > b->b) - (a->b < b->b);
}

/* Hash of a sentence's whole word sequence, indexed beside its words. */
static uint64_t sentence_key(const dedup_sentence *s)
{
    return s->key;
}

/* First posting with key >= k. */
static size_t lower_bound(const posting *p, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int alignable(const dedup_sentence *s)
{
    return s->n_words >= MIN_WORDS && s->n_grams > 0;
}

int dedup_align(arena *ar, const dedup_doc *a, const dedup_doc *b, dedup_alignment *out)
{
    memset(out, 0, sizeof *out);
    if (a->n_sentences == 0 || b->n_sentences == 0) return 0;
    int rc = ACCORD_ENOMEM;
    posting *post = NULL;
    uint32_t *stamp = NULL, *touched = NULL, *shared = NULL;
    dedup_sentence_pair *cand = NULL;
    size_t n_post = 0, cap_post = 0, n_cand = 0, cap_cand = 0;

    /* Index B: every distinct word of each alignable sentence, plus the
     * sentence's own key. */
    for (size_t j = 0; j < b->n_sentences; j++) {
        const dedup_sentence *s = &b->sentences[j];
        if (!alignable(s)) continue;
        size_t need = n_post + s->n_word_set + 1;
        if (need > cap_post) {
            size_t nc = cap_post ? cap_post : 256;
            while (nc < need)
                nc *= 2;
            posting *np = realloc(post, nc * sizeof *np);
            if (!np) goto done;
            post = np;
            cap_post = nc;
        }
        for (uint32_t k = 0; k < s->n_word_set; k++)
            post[n_post++] = (posting){s->words[k], (uint32_t)j};
        post[n_post++] = (posting){sentence_key(s), (uint32_t)j};
    }
    if (n_post) qsort(post, n_post, sizeof *post, cmp_posting);

    stamp = calloc(b->n_sentences, sizeof *stamp);
    touched = malloc(b->n_sentences * sizeof *touched);
    shared = malloc(b->n_sentences * sizeof *shared);
    if (!stamp || !touched || !shared) goto done;

    for (size_t i = 0; i < a->n_sentences; i++) {
        const dedup_sentence *s = &a->sentences[i];
        if (!alignable(s)) continue;
        size_t n_touched = 0;
        uint32_t mark = (uint32_t)i + 1;
        for (uint32_t k = 0; k <= s->n_word_set; k++) {
            int whole = k == s->n_word_set;
            uint64_t key = whole ? sentence_key(s) : s->words[k];
            size_t lo = lower_bound(post, n_post, key), hi = lo;
            while (hi < n_post && post[hi].key == key)
                hi++;
            if (!whole && hi - lo > CANDIDATE_LIMIT) continue;
            if (whole && hi - lo > CANDIDATE_LIMIT) hi = lo + CANDIDATE_LIMIT;
            for (size_t p = lo; p < hi; p++) {
                uint32_t j = post[p].sentence;
                if (stamp[j] != mark) {
                    stamp[j] = mark;
                    shared[j] = 0;
                    touched[n_touched++] = j;
                }
                /* The whole-sentence key counts as all the words. */
                shared[j] += whole ? s->n_word_set : 1;
            }
        }
        for (size_t t = 0; t < n_touched; t++) {
            uint32_t j = touched[t];
            /* Sentences that share under 40% of the smaller one's distinct
             * words cannot reach the threshold on 4-grams: skip the exact
             * score. */
            uint32_t small = s->n_word_set < b->sentences[j].n_word_set
                                 ? s->n_word_set
                                 : b->sentences[j].n_word_set;
            if ((double)shared[j] < 0.4 * small) continue;
            int partial;
            double sc = dedup_sentence_similarity(s, &b->sentences[j], &partial);
            if (sc < DEDUP_ALIGN_THRESHOLD) continue;
            if (n_cand == cap_cand) {
                size_t nc = cap_cand ? cap_cand * 2 : 64;
                dedup_sentence_pair *np = realloc(cand, nc * sizeof *np);
                if (!np) goto done;
                cand = np;
                cap_cand = nc;
            }
            cand[n_cand++] = (dedup_sentence_pair){(uint32_t)i, j, sc, partial};
        }
    }

    /* Best first, one to one. */
    if (n_cand) qsort(cand, n_cand, sizeof *cand, cmp_pair_best);
    unsigned char *used_a = arena_calloc(ar, a->n_sentences, 1);
    unsigned char *used_b = arena_calloc(ar, b->n_sentences, 1);
    dedup_sentence_pair *pairs = arena_alloc(ar, (n_cand ? n_cand : 1) * sizeof *pairs);
    if (!used_a || !used_b || !pairs) goto done;
    size_t n_pairs = 0;
    /* used_x: 1 taken whole, 2 taken as the container of a shorter one
     * (it may contain more). */
    for (size_t c = 0; c < n_cand; c++) {
        const dedup_sentence_pair *p = &cand[c];
        unsigned char ua = used_a[p->a], ub = used_b[p->b];
        if (ua || ub) {
            if (!p->partial) continue;
            int a_longer = a->sentences[p->a].n_grams > b->sentences[p->b].n_grams;
            /* The shorter side must be free, the longer one a container. */
            if (a_longer ? (ub || ua != 2) : (ua || ub != 2)) continue;
        }
        if (p->partial) {
            int a_longer = a->sentences[p->a].n_grams > b->sentences[p->b].n_grams;
            used_a[p->a] = a_longer ? 2 : 1;
            used_b[p->b] = a_longer ? 1 : 2;
        } else {
            used_a[p->a] = used_b[p->b] = 1;
        }
        pairs[n_pairs++] = *p;
    }
    if (n_pairs > 1) qsort(pairs, n_pairs, sizeof *pairs, cmp_pair_a);

    dedup_passage *pas = arena_alloc(ar, (n_pairs ? n_pairs : 1) * sizeof *pas);
    if (!pas) goto done;
    size_t n_pas = 0;
    for (size_t p = 0; p < n_pairs; p++) {
        const dedup_sentence_pair *q = &pairs[p];
        dedup_passage *cur = n_pas ? &pas[n_pas - 1] : NULL;
        if (cur) {
            uint32_t a_last = cur->a_first + cur->a_count - 1,
                     b_last = cur->b_first + cur->b_count - 1;
            int next_a = q->a == a_last + 1, same_a = q->a == a_last;
            int next_b = q->b == b_last + 1, same_b = q->b == b_last;
            if ((next_a && next_b) || (next_a && same_b) || (same_a && next_b)) {
                cur->a_count += (uint32_t)next_a;
                cur->b_count += (uint32_t)next_b;
                cur->n_pairs++;
                cur->score += q->score;
                continue;
            }
        }
        pas[n_pas++] = (dedup_passage){q->a, 1, q->b, 1, 1, q->score};
    }
    for (size_t p = 0; p < n_pas; p++)
        pas[p].score /= pas[p].n_pairs;
    out->pairs = pairs;
    out->n_pairs = n_pairs;
    out->passages = pas;
    out->n_passages = n_pas;
    rc = 0;
done:
    free(post);
    free(stamp);
    free(touched);
    free(shared);
    free(cand);
    return rc;
}
