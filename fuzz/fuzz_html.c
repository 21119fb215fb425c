/* fuzz_html.c - HTML main-text extraction on arbitrary bytes.
 *
 * The page goes through clean_html() (libxml2's parser, our block tree,
 * the choice of the article, metadata, JSON-LD, dates) and the result is
 * checked: the text is NUL-terminated at its length, has no empty
 * paragraph, every removed piece has a reason, and every date value is
 * parseable. The first bytes also choose a URL and a given date, so those
 * paths are fuzzed too. A broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/dates.h"

#define ENSURE(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_html: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check(const clean_result *r)
{
    ENSURE(r->text != NULL);
    ENSURE(strlen(r->text) == r->len);
    for (size_t i = 0; i + 1 < r->len; i++) ENSURE(!(r->text[i] == '\n' && r->text[i + 1] == '\n'));
    ENSURE(r->len == 0 || (r->text[0] != '\n' && r->text[r->len - 1] != '\n'));
    for (size_t i = 0; i < r->n_removed; i++) ENSURE(r->removed[i].text && r->removed[i].reason && *r->removed[i].reason);
    for (size_t i = 0; i < r->n_captions; i++) ENSURE(r->captions[i] != NULL);
    for (size_t i = 0; i < r->n_credits; i++) ENSURE(r->credits[i] != NULL);
    const clean_date *d[] = {&r->given, &r->published, &r->modified, &r->event};
    for (int i = 0; i < 4; i++)
        if (d[i]->value) {
            ENSURE(d[i]->source != NULL);
            ENSURE(date_parse_iso(d[i]->value, strlen(d[i]->value)) != DATE_NONE);
            ENSURE(d[i]->confidence >= 0 && d[i]->confidence <= 1);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const urls[] = {NULL, "https://example.org/2024/05/03/story.html",
                                       "https://example.org/news/20240503-x", "not a url"};
    static const char *const dates[] = {NULL, "2025-06-12", "1999-01-01", "junk"};
    const char *url = size ? urls[data[0] & 3] : NULL;
    const char *given = size ? dates[(data[0] >> 2) & 3] : NULL;
    arena a;
    arena_init(&a);
    clean_result r;
    if (clean_html(&a, (const char *)data, size, url, given, given, &r) == 0) check(&r);
    arena_free(&a);
    return 0;
}
