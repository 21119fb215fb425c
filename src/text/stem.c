/* stem.c - word stems through libstemmer (Snowball).
 *
 * A text_stemmer wraps one Snowball stemmer, which keeps its own buffer and
 * so is not shared between threads: each thread or each article loop makes
 * its own. libstemmer knows languages by ISO 639-1 code as well as by name;
 * a language it does not know falls back to English, so stemming never
 * fails on a strange code.
 *
 * News repeats its words (the, said, Ukraine, talks), and a Snowball stem
 * costs a few hundred nanoseconds, so each stemmer keeps a small
 * direct-mapped cache of short words and their stems, allocated on first
 * use: a hit is a hash and a memcmp. */
#include "text.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_SLOTS = 2048, CACHE_WORD = 23 };

typedef struct stem_slot {
    uint8_t word_len, stem_len; /* word_len 0: empty */
    char word[CACHE_WORD];
    char stem[CACHE_WORD + 1]; /* NUL-terminated, as Snowball's result is */
} stem_slot;

struct text_stemmer {
    struct sb_stemmer *sb;
    stem_slot *cache; /* CACHE_SLOTS entries, or NULL */
    bool cache_tried;
};

text_stemmer *text_stemmer_new(const char *lang)
{
    text_stemmer *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (lang && *lang) s->sb = sb_stemmer_new(lang, "UTF_8");
    if (!s->sb) s->sb = sb_stemmer_new("english", "UTF_8");
    if (!s->sb) {
        free(s);
        return NULL;
    }
    return s;
}

void text_stemmer_free(text_stemmer *s)
{
    if (!s) return;
    sb_stemmer_delete(s->sb);
    free(s->cache);
    free(s);
}

/* FNV-1a over the word's bytes. */
static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)w[i];
        h *= 16777619u;
    }
    return h;
}

const char *text_stem(text_stemmer *s, const char *word, size_t len, size_t *out_len)
{
    /* On a word too long for int or an allocation failure inside Snowball,
     * the word is its own stem: matching degrades, nothing breaks. */
    if (!s || !word || len > (size_t)1 << 20) {
        if (out_len) *out_len = word ? len : 0;
        return word ? word : "";
    }
    stem_slot *slot = NULL;
    if (len > 0 && len <= CACHE_WORD) {
        if (!s->cache && !s->cache_tried) {
            s->cache_tried = true;
            s->cache = calloc(CACHE_SLOTS, sizeof *s->cache);
        }
        if (s->cache) {
            slot = &s->cache[word_hash(word, len) & (CACHE_SLOTS - 1)];
            if (slot->word_len == len && memcmp(slot->word, word, len) == 0) {
                if (out_len) *out_len = slot->stem_len;
                return slot->stem;
            }
        }
    }
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)len);
    if (!r) {
        if (out_len) *out_len = len;
        return word;
    }
    size_t n = (size_t)sb_stemmer_length(s->sb);
    if (slot && n <= CACHE_WORD) {
        slot->word_len = (uint8_t)len;
        memcpy(slot->word, word, len);
        slot->stem_len = (uint8_t)n;
        memcpy(slot->stem, r, n);
        slot->stem[n] = 0;
    }
    if (out_len) *out_len = n;
    return (const char *)r;
}
