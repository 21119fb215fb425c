/* dedup_int.h - helpers shared by the files of the dedup stage only. */
#ifndef ACCORD_DEDUP_INT_H
#define ACCORD_DEDUP_INT_H

#include <stdint.h>

#include "dedup.h"

/* Walks the words of a text, giving each word's match key and its hash.
 * Pure-ASCII words are lower-cased in place of a full match key (the same
 * result); words with other characters go through text_match_key(). */
typedef struct dedup_words {
    const unsigned char *p, *end, *begin;
    const char *key; /* the current word's match key (not NUL-terminated) */
    size_t key_len;
    uint32_t start, stop; /* the current word's byte span */
    uint64_t hash;
    buf scratch;
    char small[96];
    int failed; /* out of memory */
} dedup_words;

void dedup_words_init(dedup_words *w, const char *text, size_t len);
/* 1 when a word was read, 0 at the end (or on failure: check w->failed). */
int dedup_words_next(dedup_words *w);
void dedup_words_free(dedup_words *w);

/* The hash of a word's match key: XXH3 with the key's length as seed, over
 * the key zero-padded to 16 bytes when it is shorter (nearly every word),
 * so the hash always takes XXH3's 16-byte path and its branches are always
 * predicted, or over the key itself when longer. */
uint64_t dedup_key_hash(const char *key, size_t len);

/* The word hashes of a text, a block at a time: the fast path. A block is
 * up to DEDUP_BLOCK bytes ending at an ASCII separator; a pure-ASCII block
 * is lower-cased and split with SIMD bit masks, any other goes through
 * dedup_words. Gives exactly the hashes dedup_words would. */
enum { DEDUP_BLOCK = 4096 };

typedef struct dedup_word_stream {
    const char *text;
    size_t len, pos;
    size_t n;                        /* hashes in h */
    uint64_t h[DEDUP_BLOCK / 2 + 2]; /* a block has at most DEDUP_BLOCK / 2 + 1 words */
    int failed;
} dedup_word_stream;

void dedup_word_stream_init(dedup_word_stream *s, const char *text, size_t len);
/* Fills s->h with the next block's word hashes; returns s->n, 0 at the end
 * (or on failure: s->failed). Blocks without words are skipped. */
size_t dedup_word_stream_next(dedup_word_stream *s);

/* The hash of one shingle: its k word hashes, in order. */
static inline uint64_t dedup_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* A shingle's hash is mix(sum of w[j] * P^(k-1-j)) mod 2^64 plus a term
 * for k: a polynomial in the word hashes, so a sliding window updates it
 * with two multiplications (dedup_sketch_text) and gets the same value as
 * computing it afresh. */
#define DEDUP_POLY 0x9e3779b97f4a7c15ULL

static inline uint64_t dedup_shingle_sum(const uint64_t *w, int k)
{
    uint64_t h = 0;
    for (int i = 0; i < k; i++)
        h = h * DEDUP_POLY + w[i];
    return h;
}

static inline uint64_t dedup_shingle_finish(uint64_t sum, int k)
{
    return dedup_mix64(sum ^ ((uint64_t)k << 56));
}

static inline uint64_t dedup_shingle_hash(const uint64_t *w, int k)
{
    return dedup_shingle_finish(dedup_shingle_sum(w, k), k);
}

/* Sorts v[0..n) ascending and removes repeats; returns the new count. */
size_t dedup_sort_unique(uint64_t *v, size_t n);
/* |A ∩ B| of two sorted distinct arrays. */
size_t dedup_intersect_count(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

#endif
