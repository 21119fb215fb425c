/* rouge.c - ROUGE-N (Lin 2004) for scoring summaries.
 *
 * Words are runs of letters and digits of the match key, lower-cased and
 * stemmed (Snowball English, close to the Porter stemmer of ROUGE-1.5.5
 * with -m); stop words are kept, as ROUGE does by default. The overlap of
 * two n-gram multisets counts each n-gram min(count in candidate, count in
 * reference) times. */
#include <ctype.h>
#include <string.h>

#include "reconcile/reconcile_int.h"

static size_t stemmed_words(text_stemmer *st, const char *s, size_t len, uint64_t **out)
{
    buf key = BUF_INIT;
    if (text_match_key(s, len, &key) != 0 || buf_failed(&key)) {
        buf_free(&key);
        *out = NULL;
        return 0;
    }
    const char *t = buf_cstr(&key);
    size_t n = 0, cap = 64;
    uint64_t *w = malloc(cap * sizeof *w);
    size_t i = 0;
    while (w && i < key.len) {
        while (i < key.len && !(isalnum((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80)) i++;
        size_t b = i;
        while (i < key.len && (isalnum((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80)) i++;
        if (i == b) break;
        if (n == cap) {
            cap *= 2;
            uint64_t *w2 = realloc(w, cap * sizeof *w);
            if (!w2) {
                free(w);
                w = NULL;
                break;
            }
            w = w2;
        }
        size_t sl = i - b;
        const char *stem = st ? text_stem(st, t + b, i - b, &sl) : t + b;
        w[n++] = acc_hash64(stem ? stem : t + b, stem ? sl : i - b);
    }
    buf_free(&key);
    *out = w;
    return w ? n : 0;
}

static size_t grams(const uint64_t *w, size_t n, int k, uint64_t **out)
{
    *out = NULL;
    if (n < (size_t)k) return 0;
    size_t m = n - (size_t)k + 1;
    uint64_t *g = malloc(m * sizeof *g);
    if (!g) return 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t h = 0x9E3779B97F4A7C15ull;
        for (int j = 0; j < k; j++) h = (h ^ w[i + (size_t)j]) * 0x100000001B3ull + (uint64_t)j;
        g[i] = h;
    }
    qsort(g, m, sizeof *g, rec_cmp_u64);
    *out = g;
    return m;
}

void reconcile_rouge(text_stemmer *st, const char *cand, size_t cand_len, const char *ref, size_t ref_len,
                     int n, rec_rouge *out)
{
    memset(out, 0, sizeof *out);
    uint64_t *cw, *rw, *cg, *rg;
    size_t ncw = stemmed_words(st, cand, cand_len, &cw);
    size_t nrw = stemmed_words(st, ref, ref_len, &rw);
    size_t ncg = grams(cw, ncw, n, &cg), nrg = grams(rw, nrw, n, &rg);
    size_t i = 0, j = 0, hit = 0;
    while (i < ncg && j < nrg) {
        if (cg[i] < rg[j]) i++;
        else if (cg[i] > rg[j]) j++;
        else {
            hit++;
            i++;
            j++;
        }
    }
    out->recall = nrg ? (double)hit / (double)nrg : 0;
    out->precision = ncg ? (double)hit / (double)ncg : 0;
    out->f1 = out->recall + out->precision > 0
                  ? 2 * out->recall * out->precision / (out->recall + out->precision)
                  : 0;
    free(cw);
    free(rw);
    free(cg);
    free(rg);
}
