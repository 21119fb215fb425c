/* shingle.c - words, word shingles and exact Jaccard.
 *
 * A shingle is k consecutive words of the text's match key; its hash
 * combines the k word hashes (XXH3 of each word's key) in order, so a text
 * is read once and no shingle string is ever built. Words are runs of
 * letters, digits and marks (Unicode categories L, M, N); every other
 * character separates words, so punctuation, quotes and spacing never make
 * two texts differ. ASCII words (nearly all of English news) are lower-cased
 * byte by byte; a word holding any other character is passed to
 * text_match_key() (NFKC, case folding) so "Straße" and "STRASSE" agree.
 *
 * Sets are sorted arrays of distinct hashes: introsort with a three-way
 * partition for the small sets of sentences and articles, an LSD radix
 * sort (six passes of 11 bits, linear) for large ones. */
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "accord.h"
#include "dedup_int.h"

/* 0: separator, 1: ASCII letter or digit, 2: start of a multi-byte char. */
static const unsigned char byte_class[256] = {
    ['0'] = 1,  ['1'] = 1,  ['2'] = 1,  ['3'] = 1,  ['4'] = 1,  ['5'] = 1,  ['6'] = 1,  ['7'] = 1,
    ['8'] = 1,  ['9'] = 1,  ['A'] = 1,  ['B'] = 1,  ['C'] = 1,  ['D'] = 1,  ['E'] = 1,  ['F'] = 1,
    ['G'] = 1,  ['H'] = 1,  ['I'] = 1,  ['J'] = 1,  ['K'] = 1,  ['L'] = 1,  ['M'] = 1,  ['N'] = 1,
    ['O'] = 1,  ['P'] = 1,  ['Q'] = 1,  ['R'] = 1,  ['S'] = 1,  ['T'] = 1,  ['U'] = 1,  ['V'] = 1,
    ['W'] = 1,  ['X'] = 1,  ['Y'] = 1,  ['Z'] = 1,  ['a'] = 1,  ['b'] = 1,  ['c'] = 1,  ['d'] = 1,
    ['e'] = 1,  ['f'] = 1,  ['g'] = 1,  ['h'] = 1,  ['i'] = 1,  ['j'] = 1,  ['k'] = 1,  ['l'] = 1,
    ['m'] = 1,  ['n'] = 1,  ['o'] = 1,  ['p'] = 1,  ['q'] = 1,  ['r'] = 1,  ['s'] = 1,  ['t'] = 1,
    ['u'] = 1,  ['v'] = 1,  ['w'] = 1,  ['x'] = 1,  ['y'] = 1,  ['z'] = 1,  [0xC2] = 2, [0xC3] = 2,
    [0xC4] = 2, [0xC5] = 2, [0xC6] = 2, [0xC7] = 2, [0xC8] = 2, [0xC9] = 2, [0xCA] = 2, [0xCB] = 2,
    [0xCC] = 2, [0xCD] = 2, [0xCE] = 2, [0xCF] = 2, [0xD0] = 2, [0xD1] = 2, [0xD2] = 2, [0xD3] = 2,
    [0xD4] = 2, [0xD5] = 2, [0xD6] = 2, [0xD7] = 2, [0xD8] = 2, [0xD9] = 2, [0xDA] = 2, [0xDB] = 2,
    [0xDC] = 2, [0xDD] = 2, [0xDE] = 2, [0xDF] = 2, [0xE0] = 2, [0xE1] = 2, [0xE2] = 2, [0xE3] = 2,
    [0xE4] = 2, [0xE5] = 2, [0xE6] = 2, [0xE7] = 2, [0xE8] = 2, [0xE9] = 2, [0xEA] = 2, [0xEB] = 2,
    [0xEC] = 2, [0xED] = 2, [0xEE] = 2, [0xEF] = 2, [0xF0] = 2, [0xF1] = 2, [0xF2] = 2, [0xF3] = 2,
    [0xF4] = 2,
};

/* Length of the word character starting at p (0 when it is not one). */
static size_t wordchar_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = *p;
    if (byte_class[c] == 1) return 1;
    if (byte_class[c] != 2) return 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    if (n <= 0) return 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) ? (size_t)n : 0;
}

/* Bytes to skip at p when it is not a word character. */
static size_t skip_len(const unsigned char *p, const unsigned char *end)
{
    if (byte_class[*p] != 2) return 1;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    return n > 0 ? (size_t)n : 1;
}

uint64_t dedup_key_hash(const char *key, size_t len)
{
    if (len > 16) return XXH3_64bits_withSeed(key, len, len);
    unsigned char pad[16] = {0};
    memcpy(pad, key, len);
    return XXH3_64bits_withSeed(pad, 16, len);
}

/* The same for a key at p with at least 16 readable bytes from p. */
static inline uint64_t key_hash_padded(const unsigned char *p, size_t len)
{
    static const uint64_t keep[9] = {0,
                                     0xffULL,
                                     0xffffULL,
                                     0xffffffULL,
                                     0xffffffffULL,
                                     0xffffffffffULL,
                                     0xffffffffffffULL,
                                     0xffffffffffffffULL,
                                     ~0ULL};
    if (len > 16) return XXH3_64bits_withSeed(p, len, len);
    uint64_t w[2];
    memcpy(w, p, 16);
    w[0] &= keep[len < 8 ? len : 8];
    w[1] &= keep[len > 8 ? len - 8 : 0];
    return XXH3_64bits_withSeed(w, 16, len);
}

void dedup_words_init(dedup_words *w, const char *text, size_t len)
{
    memset(w, 0, sizeof *w);
    w->begin = w->p = (const unsigned char *)(text ? text : "");
    w->end = w->p + (text ? len : 0);
}

void dedup_words_free(dedup_words *w)
{
    buf_free(&w->scratch);
}

int dedup_words_next(dedup_words *w)
{
    const unsigned char *p = w->p, *end = w->end;
    size_t n;
    for (;;) {
        if (p >= end) {
            w->p = p;
            return 0;
        }
        unsigned char cls = byte_class[*p];
        if (cls == 1) break;
        if (cls == 0) {
            p++;
            continue;
        }
        if ((n = wordchar_len(p, end)) > 0) break;
        p += skip_len(p, end);
    }
    const unsigned char *start = p;
    size_t k = 0;
    int ascii = 1;
    while (p < end) {
        unsigned char c = *p;
        unsigned char cls = byte_class[c];
        if (cls == 1) {
            if (k < sizeof w->small) w->small[k] = (char)(c | ((c >= 'A' && c <= 'Z') << 5));
            k++;
            p++;
            continue;
        }
        if (cls == 0) break;
        n = wordchar_len(p, end);
        if (!n) break;
        ascii = 0;
        p += n;
    }
    w->p = p;
    w->start = (uint32_t)(start - w->begin);
    w->stop = (uint32_t)(p - w->begin);
    size_t len = (size_t)(p - start);
    if (ascii && k <= sizeof w->small) {
        w->key = w->small;
        w->key_len = k;
    } else {
        buf_clear(&w->scratch);
        if (ascii || text_match_key((const char *)start, len, &w->scratch) != 0) {
            /* Long ASCII word, or a key that could not be built: lower-case
             * the bytes themselves. */
            buf_clear(&w->scratch);
            buf_append(&w->scratch, start, len);
            if (!buf_failed(&w->scratch))
                for (size_t i = 0; i < len; i++) {
                    char c = w->scratch.data[i];
                    if (c >= 'A' && c <= 'Z') w->scratch.data[i] = (char)(c + 32);
                }
        }
        if (buf_failed(&w->scratch)) {
            w->failed = 1;
            return 0;
        }
        w->key = w->scratch.data ? w->scratch.data : "";
        w->key_len = w->scratch.len;
    }
    w->hash = dedup_key_hash(w->key, w->key_len);
    return 1;
}

void dedup_word_stream_init(dedup_word_stream *s, const char *text, size_t len)
{
    s->text = text ? text : "";
    s->len = text ? len : 0;
    s->pos = 0;
    s->n = 0;
    s->failed = 0;
}

/* Lower-cases an ASCII block into low and sets bit i of mask when low[i] is
 * a letter or digit. */
static void ascii_block(const unsigned char *p, size_t n, unsigned char *low, uint64_t *mask)
{
    size_t i = 0;
    memset(mask, 0, ((n + 63) / 64) * sizeof *mask);
#ifdef __SSE2__
    const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1);
    const __m128i la1 = _mm_set1_epi8('a' - 1), lz1 = _mm_set1_epi8('z' + 1);
    const __m128i d1 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
    const __m128i bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmplt_epi8(v, z1));
        __m128i lo = _mm_or_si128(v, _mm_and_si128(up, bit));
        __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, la1), _mm_cmplt_epi8(lo, lz1));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmplt_epi8(v, d9));
        _mm_storeu_si128((__m128i *)(low + i), lo);
        uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
        mask[i / 64] |= m << (i % 64);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = p[i];
        low[i] = (unsigned char)(c | ((c >= 'A' && c <= 'Z') << 5));
        if (byte_class[c] == 1) mask[i / 64] |= (uint64_t)1 << (i % 64);
    }
}

size_t dedup_word_stream_next(dedup_word_stream *s)
{
    s->n = 0;
    while (s->n == 0 && s->pos < s->len) {
        const unsigned char *t = (const unsigned char *)s->text;
        size_t start = s->pos, end = start + DEDUP_BLOCK < s->len ? start + DEDUP_BLOCK : s->len;
        /* Never split a word: end the block at an ASCII separator. */
        while (end < s->len && end > start && byte_class[t[end - 1]] != 0)
            end--;
        if (end == start) { /* one huge word: take it whole */
            end = start + DEDUP_BLOCK;
            while (end < s->len && byte_class[t[end]] != 0)
                end++;
        }
        s->pos = end;
        size_t n = end - start;
        int ascii = n <= DEDUP_BLOCK;
        if (ascii) {
            uint64_t acc = 0;
            size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                uint64_t x;
                memcpy(&x, t + start + i, 8);
                acc |= x;
            }
            for (; i < n; i++)
                acc |= t[start + i];
            ascii = !(acc & 0x8080808080808080ULL);
        }
        if (ascii) {
            unsigned char low[DEDUP_BLOCK + 16];
            uint64_t mask[DEDUP_BLOCK / 64 + 1];
            ascii_block(t + start, n, low, mask);
            memset(low + n, 0, 16);
            /* Word starts are 1-bits after a 0-bit, word ends 0-bits after
             * a 1-bit; they alternate, so one pass pairs them. */
            size_t nw = (n + 63) / 64, open = 0;
            uint64_t carry = 0;
            for (size_t wi = 0; wi < nw; wi++) {
                uint64_t m = mask[wi], shifted = (m << 1) | carry;
                uint64_t starts = m & ~shifted, ends = ~m & shifted;
                carry = m >> 63;
                size_t base = wi * 64;
                while (starts | ends) {
                    size_t ps = starts ? (size_t)__builtin_ctzll(starts) : 64;
                    size_t pe = ends ? (size_t)__builtin_ctzll(ends) : 64;
                    if (pe < ps) {
                        size_t e = base + pe < n ? base + pe : n;
                        s->h[s->n++] = key_hash_padded(low + open, e - open);
                        ends &= ends - 1;
                    } else {
                        open = base + ps;
                        starts &= starts - 1;
                    }
                }
            }
            if (carry) s->h[s->n++] = key_hash_padded(low + open, n - open);
        } else {
            dedup_words w;
            dedup_words_init(&w, s->text + start, n);
            size_t cap = sizeof s->h / sizeof s->h[0];
            while (dedup_words_next(&w)) {
                if (s->n == cap) { /* cannot happen: a word takes two bytes */
                    break;
                }
                s->h[s->n++] = w.hash;
            }
            s->failed = w.failed;
            dedup_words_free(&w);
            if (s->failed) return s->n = 0;
        }
    }
    return s->n;
}

int dedup_word_hashes(arena *a, const char *text, size_t len, uint64_t **out, size_t *n)
{
    size_t cap = 64, cnt = 0;
    uint64_t *v = arena_alloc(a, cap * sizeof *v);
    dedup_word_stream *st = malloc(sizeof *st);
    if (!v || !st) {
        free(st);
        return ACCORD_ENOMEM;
    }
    dedup_word_stream_init(st, text, len);
    while (dedup_word_stream_next(st)) {
        if (cnt + st->n > cap) {
            size_t nc = cap;
            while (nc < cnt + st->n)
                nc *= 2;
            v = arena_grow(a, v, cap, nc, sizeof *v);
            if (!v) {
                free(st);
                return ACCORD_ENOMEM;
            }
            cap = nc;
        }
        memcpy(v + cnt, st->h, st->n * sizeof *v);
        cnt += st->n;
    }
    int failed = st->failed;
    free(st);
    if (failed) return ACCORD_ENOMEM;
    *out = v;
    *n = cnt;
    return 0;
}

static void insertion_sort(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void sift_down(uint64_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && v[child + 1] > v[child]) child++;
        if (v[root] >= v[child]) return;
        uint64_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heap_sort(uint64_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (size_t end = n; end-- > 1;) {
        uint64_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

/* Introsort with a three-way partition: repeats (common in sets built from
 * repetitive text) fall into the middle part and are never recursed on,
 * and a depth limit hands pathological inputs to heap sort. */
static void intro_sort(uint64_t *v, size_t n, int depth)
{
    while (n > 24) {
        if (depth-- == 0) {
            heap_sort(v, n);
            return;
        }
        uint64_t a = v[0], b = v[n / 2], c = v[n - 1];
        uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            if (v[i] < pivot) {
                uint64_t t = v[lt];
                v[lt++] = v[i];
                v[i++] = t;
            } else if (v[i] > pivot) {
                uint64_t t = v[--gt];
                v[gt] = v[i];
                v[i] = t;
            } else {
                i++;
            }
        }
        /* Recurse on the smaller side, loop on the larger. */
        if (lt < n - gt) {
            intro_sort(v, lt, depth);
            v += gt;
            n -= gt;
        } else {
            intro_sort(v + gt, n - gt, depth);
            n = lt;
        }
    }
    insertion_sort(v, n);
}

size_t dedup_sort_unique(uint64_t *v, size_t n)
{
    if (n < 2) return n;
    if (n <= 4096) {
        int depth = 0;
        for (size_t m = n; m; m >>= 1)
            depth += 2;
        intro_sort(v, n, depth);
    } else {
        uint64_t *tmp = malloc(n * sizeof *tmp);
        if (!tmp) {
            int depth = 0;
            for (size_t m = n; m; m >>= 1)
                depth += 2;
            intro_sort(v, n, depth);
        } else {
            /* Large sets: LSD radix sort, six passes of 11 bits, linear. */
            uint64_t *src = v, *dst = tmp;
            for (int shift = 0; shift < 64; shift += 11) {
                size_t count[2048 + 1];
                memset(count, 0, sizeof count);
                for (size_t i = 0; i < n; i++)
                    count[((src[i] >> shift) & 2047) + 1]++;
                for (int d = 0; d < 2048; d++)
                    count[d + 1] += count[d];
                for (size_t i = 0; i < n; i++)
                    dst[count[(src[i] >> shift) & 2047]++] = src[i];
                uint64_t *t = src;
                src = dst;
                dst = t;
            }
            /* Six passes: the sorted data is back in v. */
            free(tmp);
        }
    }
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[m - 1]) v[m++] = v[i];
    return m;
}

size_t dedup_intersect_count(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
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

int dedup_shingle_words(arena *a, const uint64_t *words, size_t n_words, int k, dedup_shingles *out)
{
    out->h = NULL;
    out->n = 0;
    if (k < 1) k = 1;
    if (k > DEDUP_MAX_SHINGLE) k = DEDUP_MAX_SHINGLE;
    if (n_words == 0) return 0;
    size_t n = n_words >= (size_t)k ? n_words - (size_t)k + 1 : 1;
    uint64_t *h = arena_alloc(a, n * sizeof *h);
    if (!h) return ACCORD_ENOMEM;
    if (n_words < (size_t)k) {
        h[0] = dedup_shingle_hash(words, (int)n_words);
    } else {
        for (size_t i = 0; i < n; i++)
            h[i] = dedup_shingle_hash(words + i, k);
    }
    out->h = h;
    out->n = dedup_sort_unique(h, n);
    return 0;
}

int dedup_shingle_text(arena *a, const char *text, size_t len, int k, dedup_shingles *out)
{
    uint64_t *words;
    size_t n;
    int rc = dedup_word_hashes(a, text, len, &words, &n);
    if (rc) return rc;
    return dedup_shingle_words(a, words, n, k, out);
}

double dedup_jaccard(const dedup_shingles *a, const dedup_shingles *b)
{
    if (a->n == 0 && b->n == 0) return 0.0;
    size_t inter = dedup_intersect_count(a->h, a->n, b->h, b->n);
    return (double)inter / (double)(a->n + b->n - inter);
}
