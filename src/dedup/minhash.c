/* minhash.c - MinHash signatures and LSH band keys.
 *
 * Why one-permutation hashing: classic MinHash applies k independent hash
 * functions to every shingle, k * (about 700) multiplications for a 4 KB
 * article with k = 128. One-permutation hashing (Li, Owen, Zhang 2012)
 * hashes each shingle once: the high half of the hash picks one of k bins,
 * the low half competes for that bin's minimum. Two documents agree on a
 * bin with probability equal to their Jaccard similarity, as with k
 * permutations. Bins left empty (short texts) are filled by optimal
 * densification (Shrivastava 2017): an empty bin takes the value of the
 * first non-empty bin on a probe sequence that depends only on the bin's
 * number, so two documents fill it from the same place and the collision
 * probability stays the Jaccard.
 *
 * Banding (Leskovec, Rajaraman, Ullman, Mining of Massive Datasets, 3.4):
 * with b bands of r rows a pair of similarity s becomes a candidate with
 * probability 1 - (1 - s^r)^b, an S-curve. We want pairs at the copy
 * threshold t found almost surely, and as few dissimilar pairs as possible
 * to verify: the largest r whose probability at t is still >= 0.995. For
 * 128 hashes and t = 0.8: r = 6, b = 21 (126 rows used), which finds
 * 99.8% of pairs at 0.8 and all but 1e-7 at 0.9, while a pair at 0.5 is a
 * candidate 28% of the time and one at 0.3 only 1.5%. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "accord.h"
#include "dedup_int.h"

void dedup_config_default(dedup_config *c)
{
    c->shingle_words = 4;
    c->n_hashes = 128;
    c->threshold = 0.8;
    c->bands = 0;
    c->rows = 0;
}

double dedup_lsh_probability(double s, int bands, int rows)
{
    if (s <= 0) return 0;
    if (s >= 1) return 1;
    return 1.0 - pow(1.0 - pow(s, rows), bands);
}

int dedup_config_finish(dedup_config *c)
{
    if (c->shingle_words < 1 || c->shingle_words > DEDUP_MAX_SHINGLE) return ACCORD_EUSAGE;
    if (c->n_hashes < 8 || c->n_hashes > DEDUP_MAX_HASHES) return ACCORD_EUSAGE;
    if (!(c->threshold > 0.0 && c->threshold <= 1.0)) return ACCORD_EUSAGE;
    if (c->bands < 0 || c->rows < 0) return ACCORD_EUSAGE;
    if (c->bands == 0 || c->rows == 0) {
        if (c->rows == 0) {
            int best = 1;
            for (int r = c->n_hashes; r >= 1; r--) {
                int b = c->bands ? c->bands : c->n_hashes / r;
                if (b < 1 || b * r > c->n_hashes) continue;
                if (dedup_lsh_probability(c->threshold, b, r) >= 0.995) {
                    best = r;
                    break;
                }
            }
            c->rows = best;
        }
        if (c->bands == 0) c->bands = c->n_hashes / c->rows;
    }
    if (c->bands < 1 || (long)c->bands * c->rows > c->n_hashes) return ACCORD_EUSAGE;
    return 0;
}

static inline uint32_t bin_of(uint64_t h, uint32_t k)
{
    return (uint32_t)(((h >> 32) * (uint64_t)k) >> 32);
}

/* Fills the empty bins of sig (filled[i] == 0) by optimal densification. */
static void densify(uint32_t *sig, const unsigned char *filled, uint32_t k, size_t n_filled)
{
    if (n_filled == k) return;
    if (n_filled == 0) {
        for (uint32_t i = 0; i < k; i++)
            sig[i] = UINT32_MAX;
        return;
    }
    for (uint32_t i = 0; i < k; i++) {
        if (filled[i]) continue;
        uint32_t src = UINT32_MAX;
        for (uint64_t t = 1; t <= 64; t++) {
            uint32_t j = bin_of(dedup_mix64(((uint64_t)i << 32) ^ t ^ 0x5851f42d4c957f2dULL), k);
            if (filled[j]) {
                src = j;
                break;
            }
        }
        if (src == UINT32_MAX) /* rare: the next filled bin, circularly */
            for (uint32_t d = 1; d < k; d++)
                if (filled[(i + d) % k]) {
                    src = (i + d) % k;
                    break;
                }
        sig[i] = sig[src];
    }
}

void dedup_minhash(const dedup_config *c, const uint64_t *h, size_t n, uint32_t *sig)
{
    uint32_t k = (uint32_t)c->n_hashes;
    unsigned char filled[DEDUP_MAX_HASHES];
    memset(filled, 0, k);
    size_t n_filled = 0;
    for (uint32_t i = 0; i < k; i++)
        sig[i] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t b = bin_of(h[i], k), v = (uint32_t)h[i];
        if (!filled[b]) {
            filled[b] = 1;
            n_filled++;
            sig[b] = v;
        } else if (v < sig[b]) {
            sig[b] = v;
        }
    }
    densify(sig, filled, k, n_filled);
}

long dedup_sketch_text(const dedup_config *c, const char *text, size_t len, uint32_t *sig)
{
    uint32_t k = (uint32_t)c->n_hashes;
    int sw = c->shingle_words;
    unsigned char filled[DEDUP_MAX_HASHES];
    memset(filled, 0, k);
    size_t n_filled = 0;
    for (uint32_t i = 0; i < k; i++)
        sig[i] = UINT32_MAX;
    /* Each block's word hashes follow the last sw - 1 of the block before,
     * so every shingle is a fixed-length polynomial over a plain array:
     * no loop-carried dependency, and the multiplications of consecutive
     * shingles overlap in the pipeline. */
    uint64_t pw[DEDUP_MAX_SHINGLE];
    pw[sw - 1] = 1;
    for (int i = sw - 2; i >= 0; i--)
        pw[i] = pw[i + 1] * DEDUP_POLY;
    dedup_word_stream *ws = malloc(sizeof *ws);
    if (!ws) return ACCORD_ENOMEM;
    uint64_t *ext = malloc((sizeof ws->h / sizeof ws->h[0] + DEDUP_MAX_SHINGLE) * sizeof *ext);
    if (!ext) {
        free(ws);
        return ACCORD_ENOMEM;
    }
    long n_words = 0;
    size_t carry = 0;
    dedup_word_stream_init(ws, text, len);
    while (dedup_word_stream_next(ws)) {
        memcpy(ext + carry, ws->h, ws->n * sizeof *ext);
        size_t total = carry + ws->n;
        n_words += (long)ws->n;
        if (total >= (size_t)sw) {
            size_t last = total - (size_t)sw;
            if (sw == 4) {
                const uint64_t p0 = pw[0], p1 = pw[1], p2 = pw[2];
                for (size_t i = 0; i <= last; i++) {
                    uint64_t sum = ext[i] * p0 + ext[i + 1] * p1 + ext[i + 2] * p2 + ext[i + 3];
                    uint64_t h = dedup_shingle_finish(sum, 4);
                    uint32_t b = bin_of(h, k), v = (uint32_t)h, cur = sig[b];
                    filled[b] = 1; /* branch-free: the minimum by a conditional move */
                    sig[b] = v < cur ? v : cur;
                }
            } else {
                for (size_t i = 0; i <= last; i++) {
                    uint64_t sum = 0;
                    for (int j = 0; j < sw; j++)
                        sum += ext[i + (size_t)j] * pw[j];
                    uint64_t h = dedup_shingle_finish(sum, sw);
                    uint32_t b = bin_of(h, k), v = (uint32_t)h, cur = sig[b];
                    filled[b] = 1;
                    sig[b] = v < cur ? v : cur;
                }
            }
        }
        carry = total < (size_t)(sw - 1) ? total : (size_t)(sw - 1);
        memmove(ext, ext + total - carry, carry * sizeof *ext);
    }
    for (uint32_t i = 0; i < k; i++)
        n_filled += filled[i];
    int failed = ws->failed;
    free(ws);
    if (failed) {
        free(ext);
        return ACCORD_ENOMEM;
    }
    if (n_words > 0 && n_words < sw) {
        uint64_t h = dedup_shingle_hash(ext, (int)n_words);
        uint32_t b = bin_of(h, k);
        filled[b] = 1;
        n_filled = 1;
        sig[b] = (uint32_t)h;
    }
    free(ext);
    densify(sig, filled, k, n_filled);
    return n_words;
}

double dedup_minhash_estimate(const uint32_t *a, const uint32_t *b, int n_hashes)
{
    if (n_hashes <= 0) return 0;
    int eq = 0;
    for (int i = 0; i < n_hashes; i++)
        eq += a[i] == b[i];
    return (double)eq / n_hashes;
}

void dedup_band_keys(const dedup_config *c, const uint32_t *sig, uint64_t *keys)
{
    for (int b = 0; b < c->bands; b++)
        keys[b] = XXH3_64bits_withSeed(sig + (size_t)b * c->rows, (size_t)c->rows * sizeof *sig,
                                       0x243f6a8885a308d3ULL + (uint64_t)b);
}
