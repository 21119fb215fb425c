/* synth.h - a deterministic generator of news-like synthetic articles, for
 * the dedup bench and evaluation.
 *
 * Words come from a Zipf-distributed vocabulary of pseudo-words (as in real
 * text, a few words are very common and most are rare), grouped into
 * sentences of 8 to 30 words with capitals, commas and full stops, and
 * paragraphs of 2 to 5 sentences. Everything is drawn from a seeded
 * xorshift generator, so a seed always gives the same article. Near-copies
 * are made by word-level edits (substitute, insert, delete) and dropped
 * sentences at a given rate. */
#ifndef ACCORD_BENCH_SYNTH_H
#define ACCORD_BENCH_SYNTH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SYNTH_VOCAB = 30000, SYNTH_ZIPF_TABLE = 1 << 16 };

typedef struct synth {
    char words[SYNTH_VOCAB][12];
    uint8_t lens[SYNTH_VOCAB];
    uint16_t zipf[SYNTH_ZIPF_TABLE]; /* uniform 16 bits -> word rank */
} synth;

static inline uint64_t synth_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static inline void synth_init(synth *g, uint64_t seed)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
    for (int i = 0; i < SYNTH_VOCAB; i++) {
        int len = 2 + (int)(synth_next(&s) % 9);
        if (i < 100) len = 2 + (int)(synth_next(&s) % 3); /* common words are short */
        for (int k = 0; k < len; k++)
            g->words[i][k] = (char)('a' + synth_next(&s) % 26);
        g->words[i][len] = 0;
        g->lens[i] = (uint8_t)len;
    }
    /* Zipf with exponent 1: P(rank r) ~ 1/r. */
    double h = 0;
    for (int r = 1; r <= SYNTH_VOCAB; r++)
        h += 1.0 / r;
    double cum = 0;
    int r = 0;
    for (int i = 0; i < SYNTH_ZIPF_TABLE; i++) {
        double u = (i + 0.5) / SYNTH_ZIPF_TABLE;
        while (r < SYNTH_VOCAB - 1 && cum + 1.0 / (r + 1) / h < u)
            cum += 1.0 / (++r) / h;
        g->zipf[i] = (uint16_t)r;
    }
}

static inline int synth_word(const synth *g, uint64_t *s)
{
    uint64_t x = synth_next(s);
    int w = g->zipf[x & (SYNTH_ZIPF_TABLE - 1)];
    /* The table's top ranks are coarse: spread the tail uniformly. */
    if (w >= 2000) w = 2000 + (int)((x >> 20) % (SYNTH_VOCAB - 2000));
    return w;
}

/* Writes an article of about `bytes` bytes for seed into out (cap bytes,
 * cap > bytes + 400); returns its length. */
static inline size_t synth_article(const synth *g, uint64_t seed, size_t bytes, char *out,
                                   size_t cap)
{
    uint64_t s = seed * 0xd1342543de82ef95ULL + 0x9e3779b97f4a7c15ULL;
    synth_next(&s);
    size_t n = 0;
    int in_para = 0, para_len = 2 + (int)(synth_next(&s) % 4);
    while (n < bytes && n + 400 < cap) {
        int len = 8 + (int)(synth_next(&s) % 23);
        for (int i = 0; i < len; i++) {
            int w = synth_word(g, &s);
            const char *p = g->words[w];
            if (i) out[n++] = ' ';
            memcpy(out + n, p, g->lens[w]);
            if (i == 0) out[n] = (char)(out[n] - 32);
            n += g->lens[w];
            if (i > 2 && i < len - 2 && synth_next(&s) % 12 == 0) out[n++] = ',';
        }
        out[n++] = '.';
        if (++in_para == para_len) {
            out[n++] = '\n';
            in_para = 0;
            para_len = 2 + (int)(synth_next(&s) % 4);
        } else {
            out[n++] = ' ';
        }
    }
    out[n] = 0;
    return n;
}

/* A near-copy of src: each word is substituted, deleted or followed by an
 * inserted word with probability rate / 3 each, and each sentence dropped
 * with probability rate / 4. Returns the copy's length. */
static inline size_t synth_edit(const synth *g, uint64_t seed, double rate, const char *src,
                                size_t len, char *out, size_t cap)
{
    uint64_t s = seed * 0x2545f4914f6cdd1dULL + 77;
    synth_next(&s);
    uint64_t word_cut = (uint64_t)(rate / 3 * 1e6), sent_cut = (uint64_t)(rate / 4 * 1e6);
    size_t n = 0, i = 0;
    int drop = synth_next(&s) % 1000000 < sent_cut;
    while (i < len && n + 40 < cap) {
        /* One token: a word with what follows it up to the next word. */
        size_t j = i;
        while (j < len && src[j] != ' ' && src[j] != '\n')
            j++;
        int end_sentence = j > i && src[j - 1] == '.';
        if (j < len) j++;
        if (!drop) {
            uint64_t r = synth_next(&s) % 1000000;
            if (r < word_cut) { /* substitute, keeping punctuation */
                int w = synth_word(g, &s);
                memcpy(out + n, g->words[w], g->lens[w]);
                n += g->lens[w];
                size_t k = i;
                while (k < j &&
                       ((src[k] >= 'a' && src[k] <= 'z') || (src[k] >= 'A' && src[k] <= 'Z')))
                    k++;
                memcpy(out + n, src + k, j - k);
                n += j - k;
            } else if (r < 2 * word_cut && !end_sentence) { /* delete */
            } else {
                memcpy(out + n, src + i, j - i);
                n += j - i;
                if (r < 3 * word_cut && !end_sentence) { /* insert after */
                    int w = synth_word(g, &s);
                    if (n && out[n - 1] != ' ') out[n++] = ' ';
                    memcpy(out + n, g->words[w], g->lens[w]);
                    n += g->lens[w];
                    out[n++] = ' ';
                }
            }
        }
        if (end_sentence) drop = synth_next(&s) % 1000000 < sent_cut;
        i = j;
    }
    out[n] = 0;
    return n;
}

#endif
