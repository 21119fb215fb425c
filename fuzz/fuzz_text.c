/* fuzz_text.c - the text layer on arbitrary bytes.
 *
 * Repair, Latin-1 conversion, NFC, match keys, analysis, stems and language
 * run on whatever the fuzzer makes up, and the invariants the later stages
 * rely on are checked: repaired and normalised text is valid UTF-8, and the
 * NFC equals utf8proc's reference NFC; every offset lies inside the text;
 * tokens are sorted and do not overlap; sentences cover their paragraph's
 * tokens in order and lie inside their paragraph. A broken invariant aborts, which the fuzzer
 * reports. */
#include "text/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define ENSURE(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_text: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_doc(const text_doc *d, const char *text, size_t len)
{
    ENSURE(d->text == text && d->len == len);
    size_t next_tok = 0, next_sent = 0;
    uint32_t prev_end = 0;
    for (size_t p = 0; p < d->n_paragraphs; p++) {
        const text_paragraph *pp = &d->paragraphs[p];
        ENSURE(pp->start < pp->end && pp->end <= len && pp->start >= prev_end);
        ENSURE(pp->first_sentence == next_sent && pp->n_sentences > 0);
        ENSURE(pp->first_sentence + pp->n_sentences <= d->n_sentences);
        for (size_t s = pp->first_sentence; s < pp->first_sentence + pp->n_sentences; s++) {
            const text_sentence *ss = &d->sentences[s];
            ENSURE(ss->paragraph == p);
            ENSURE(ss->start >= pp->start && ss->end <= pp->end && ss->start < ss->end);
            ENSURE(ss->first_token == next_tok && ss->n_tokens > 0);
            ENSURE(ss->first_token + ss->n_tokens <= d->n_tokens);
            ENSURE(d->tokens[ss->first_token].start == ss->start);
            ENSURE(d->tokens[ss->first_token + ss->n_tokens - 1].end == ss->end);
            /* no line break inside a sentence */
            ENSURE(!memchr(text + ss->start, '\n', ss->end - ss->start));
            next_tok = ss->first_token + ss->n_tokens;
        }
        next_sent = pp->first_sentence + pp->n_sentences;
        prev_end = pp->end;
    }
    ENSURE(next_sent == d->n_sentences && next_tok == d->n_tokens);
    for (size_t t = 0; t < d->n_tokens; t++) {
        const text_token *k = &d->tokens[t];
        ENSURE(k->start < k->end && k->end <= len);
        ENSURE(k->kind >= TOK_WORD && k->kind <= TOK_PUNCT);
        if (t) ENSURE(k->start >= d->tokens[t - 1].end);
    }
}

/* More than 30 combining marks in a row (text_nfc then inserts U+034F)? */
static bool has_long_mark_run(const char *s, size_t len)
{
    size_t i = 0, run = 0;
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (n <= 0) return true;
        const utf8proc_property_t *p = utf8proc_get_property(c);
        bool mark = c >= 0x300 &&
                    (p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
                     p->category == UTF8PROC_CATEGORY_MC || p->category == UTF8PROC_CATEGORY_ME);
        run = mark ? run + 1 : 0;
        if (run > 30) return true;
        i += (size_t)n;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static text_stemmer *stemmer;
    if (!stemmer) stemmer = text_stemmer_new("en");
    const char *in = (const char *)data;

    size_t bad = 0;
    bool valid = text_utf8_valid(in, size, &bad);
    ENSURE(valid ? bad == SIZE_MAX : bad < size);

    buf fixed = BUF_INIT, latin = BUF_INIT, nfc = BUF_INIT, key = BUF_INIT;
    size_t bad2 = 0;
    size_t repaired = text_utf8_repair(in, size, &fixed, &bad2);
    ENSURE((repaired == 0) == valid && bad2 == bad);
    ENSURE(text_utf8_valid(fixed.data, fixed.len, NULL));

    text_latin1_to_utf8(in, size, &latin);
    ENSURE(text_utf8_valid(latin.data, latin.len, NULL) || memchr(in, 0, size));

    ENSURE(text_nfc(fixed.data, fixed.len, &nfc) == 0);
    ENSURE(text_utf8_valid(nfc.data, nfc.len, NULL));
    ENSURE(!memchr(buf_cstr(&nfc), '\r', nfc.len));
    /* the shortcuts of text_nfc must give utf8proc's own NFC (which the
     * stream-safe limit on runs of marks changes on purpose) */
    if (fixed.len && !has_long_mark_run(fixed.data, fixed.len)) {
        utf8proc_uint8_t *ref = NULL;
        utf8proc_ssize_t rn =
            utf8proc_map((const utf8proc_uint8_t *)fixed.data, (utf8proc_ssize_t)fixed.len, &ref,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_NLF2LF);
        ENSURE(rn >= 0 && (size_t)rn == nfc.len && memcmp(ref, nfc.data, nfc.len) == 0);
        free(ref);
    }

    arena a;
    arena_init(&a);
    text_doc d;
    ENSURE(text_analyze(&a, nfc.data, nfc.len, &d) == 0);
    check_doc(&d, nfc.data, nfc.len);
    /* match keys and stems of the first words */
    for (size_t t = 0; t < d.n_tokens && t < 64; t++) {
        const text_token *k = &d.tokens[t];
        buf_clear(&key);
        ENSURE(text_match_key(nfc.data + k->start, k->end - k->start, &key) == 0);
        ENSURE(text_utf8_valid(key.data, key.len, NULL));
        if (k->kind == TOK_WORD && stemmer && key.len) {
            size_t n = 0;
            const char *stem = text_stem(stemmer, key.data, key.len, &n);
            ENSURE(stem != NULL);
        }
    }
    double conf = 0;
    const char *lang = text_language(nfc.data, nfc.len, &conf);
    ENSURE(lang && conf >= 0 && conf <= 1);

    /* the raw bytes, unrepaired, must not break the analyser either */
    arena_reset(&a);
    ENSURE(text_analyze(&a, in, size, &d) == 0);
    check_doc(&d, in, size);
    buf_clear(&key);
    ENSURE(text_match_key(in, size, &key) == 0);

    arena_free(&a);
    buf_free(&fixed);
    buf_free(&latin);
    buf_free(&nfc);
    buf_free(&key);
    return 0;
}
