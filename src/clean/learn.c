/* learn.c - the fragments of an article and the rule that makes a
 * recurring fragment an outlet's boilerplate (see learn.h). */
#include "learn.h"

#include <stdlib.h>
#include <string.h>

#include "clean_internal.h"

bool clean_learn_is_boilerplate(long n_with, long n_articles)
{
    if (n_with < CLEAN_LEARN_MIN_ARTICLES || n_articles <= 0) return false;
    return (double)n_with >= CLEAN_LEARN_MIN_SHARE * (double)n_articles;
}

static int cmp_frag(const void *x, const void *y)
{
    const clean_fragment *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int push(arena *a, clean_fragment **v, size_t *n, size_t *cap, const char *s, size_t len)
{
    clean_trim(&s, &len);
    if (len < 8) return 0; /* "Share", "Loading": the line rules catch those */
    if (clean_word_count(s, len) > CLEAN_LEARN_MAX_WORDS) return 0;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        clean_fragment *nv = arena_grow(a, *v, *cap, nc, sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = (clean_fragment){clean_fragment_key(s, len), s, len};
    return 0;
}

/* Sentence ends, roughly: . ! ? followed by a space and a capital or a
 * quote. Good enough to cut boilerplate sentences glued to paragraphs. */
static bool sentence_end(const char *s, size_t len, size_t i)
{
    if (s[i] != '.' && s[i] != '!' && s[i] != '?') return false;
    size_t j = i + 1;
    while (j < len && (s[j] == '"' || s[j] == '\'' || s[j] == ')')) j++;
    if (j >= len) return true;
    if (s[j] != ' ') return false;
    while (j < len && s[j] == ' ') j++;
    return j < len && ((s[j] >= 'A' && s[j] <= 'Z') || s[j] == '"' || (unsigned char)s[j] >= 0xC0);
}

int clean_learn_fragments(arena *a, const clean_result *r, clean_fragment **out, size_t *n_out)
{
    clean_fragment *v = NULL;
    size_t n = 0, cap = 0;
    const char *t = r->text ? r->text : "";
    size_t len = r->text ? r->len : 0;
    size_t ps = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] != '\n') continue;
        const char *p = t + ps;
        size_t pl = i - ps;
        if (push(a, &v, &n, &cap, p, pl)) return -1;
        size_t ss = 0, sentences = 0;
        for (size_t k = 0; k < pl; k++) {
            if (!sentence_end(p, pl, k)) continue;
            size_t e = k + 1;
            while (e < pl && (p[e] == '"' || p[e] == '\'' || p[e] == ')')) e++;
            /* a paragraph of one sentence is already counted whole */
            if (e < pl || sentences) {
                if (push(a, &v, &n, &cap, p + ss, e - ss)) return -1;
            }
            sentences++;
            ss = e;
        }
        if (sentences > 1 && ss < pl && push(a, &v, &n, &cap, p + ss, pl - ss)) return -1;
        ps = i + 1;
    }
    for (size_t i = 0; i < r->n_removed; i++)
        if (r->removed[i].reason && !strncmp(r->removed[i].reason, "learned-boilerplate", 19))
            if (push(a, &v, &n, &cap, r->removed[i].text, strlen(r->removed[i].text))) return -1;
    if (n > 1) qsort(v, n, sizeof *v, cmp_frag);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || v[w - 1].key != v[i].key) v[w++] = v[i];
    *out = v;
    *n_out = w;
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

int clean_learned_from_keys(arena *a, const uint64_t *keys, size_t n, clean_learned *out)
{
    out->keys = NULL;
    out->n_keys = 0;
    if (!n) return 0;
    uint64_t *k = arena_alloc(a, n * sizeof *k);
    if (!k) return -1;
    memcpy(k, keys, n * sizeof *k);
    qsort(k, n, sizeof *k, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || k[w - 1] != k[i]) k[w++] = k[i];
    out->keys = k;
    out->n_keys = w;
    return 0;
}
