/* fuzz_clean_text.c - the plain-text cleaner and the date scanner on
 * arbitrary bytes.
 *
 * The input is repaired to valid UTF-8 first (as ingest does), then
 * cleaned, with and without a learned set made from the input's own
 * first line. The invariants: the text is NUL-terminated at its length
 * and is valid UTF-8 (the cleaner cuts only at ASCII boundaries), every
 * removed piece has a reason, dates parse, and every time expression found
 * lies inside the text and resolves without trouble. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/dates.h"
#include "text/text.h"

#define ENSURE(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_clean_text: invariant failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check(const clean_result *r)
{
    ENSURE(r->text != NULL && strlen(r->text) == r->len);
    ENSURE(text_utf8_valid(r->text, r->len, NULL));
    for (size_t i = 0; i < r->n_removed; i++) ENSURE(r->removed[i].text && r->removed[i].reason);
    const clean_date *d[] = {&r->given, &r->published, &r->modified, &r->event};
    for (int i = 0; i < 4; i++)
        if (d[i]->value) ENSURE(date_parse_iso(d[i]->value, strlen(d[i]->value)) != DATE_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf b = BUF_INIT;
    text_utf8_repair((const char *)data, size, &b, NULL);
    if (buf_failed(&b)) {
        buf_free(&b);
        return 0;
    }
    const char *t = buf_cstr(&b);
    size_t n = b.len;
    arena a;
    arena_init(&a);
    clean_result r;
    if (clean_text(&a, t, n, size && (data[0] & 1) ? "2025-06-12" : NULL, size && (data[0] & 2) ? "2026-01-01" : NULL,
                   "fuzz", &r) == 0) check(&r);

    const char *nl = memchr(t, '\n', n);
    uint64_t key = clean_fragment_key(t, nl ? (size_t)(nl - t) : n);
    clean_learned learned = {&key, 1};
    if (clean_text_learned(&a, t, n, NULL, NULL, NULL, "fuzz", &learned, &r) == 0) check(&r);

    date_expr *e;
    size_t ne;
    if (date_find(&a, t, n, &e, &ne) == 0) {
        date_day ref = date_from_ymd(2025, 4, 18), f, l;
        for (size_t i = 0; i < ne; i++) {
            ENSURE(e[i].start <= e[i].end && e[i].end <= n);
            if (date_resolve(&e[i], ref, &f, &l) == 0) ENSURE(f <= l);
        }
        date_hints h = DATE_HINTS_INIT;
        h.latest = date_from_ymd(2026, 1, 1);
        date_inference inf;
        ENSURE(date_infer_reference(&a, t, n, e, ne, &h, &inf) == 0);
    }
    arena_free(&a);
    buf_free(&b);
    return 0;
}
