/* stem.c - word stems through libstemmer (Snowball).
 *
 * A text_stemmer wraps one Snowball stemmer, which keeps its own buffer and
 * so is not shared between threads: each thread or each article loop makes
 * its own. libstemmer knows languages by ISO 639-1 code as well as by name;
 * a language it does not know falls back to English, so stemming never
 * fails on a strange code. */
#include "text.h"

#include <libstemmer.h>
#include <stdlib.h>

struct text_stemmer {
    struct sb_stemmer *sb;
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
    free(s);
}

const char *text_stem(text_stemmer *s, const char *word, size_t len, size_t *out_len)
{
    /* On a word too long for int or an allocation failure inside Snowball,
     * the word is its own stem: matching degrades, nothing breaks. */
    if (!s || !word || len > (size_t)1 << 20) {
        if (out_len) *out_len = word ? len : 0;
        return word ? word : "";
    }
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)len);
    if (!r) {
        if (out_len) *out_len = len;
        return word;
    }
    if (out_len) *out_len = (size_t)sb_stemmer_length(s->sb);
    return (const char *)r;
}
