/* fuzz_quotes.c - the quote finder and speaker attribution on any bytes.
 * Input is repaired to valid UTF-8 first, as ingest does; every quote found
 * must lie inside the text with its speaker span too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "extract/extract.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf b = BUF_INIT;
    text_utf8_repair((const char *)data, size, &b, NULL);
    if (buf_failed(&b)) {
        buf_free(&b);
        return 0;
    }
    arena a;
    arena_init(&a);
    extract_result r;
    if (extract_quotes_text(&a, buf_cstr(&b), b.len, &r) == 0) {
        for (size_t i = 0; i < r.n_quotes; i++) {
            const extract_quote *q = &r.quotes[i];
            if (q->start > q->end || q->end > b.len) abort();
            if (q->speaker_text && (q->speaker_start > q->speaker_end || q->speaker_end > b.len)) abort();
            if (q->speaker_entity >= 0 && (size_t)q->speaker_entity >= r.n_entities) abort();
        }
        for (size_t i = 0; i < r.n_mentions; i++)
            if (r.mentions[i].end > b.len || r.mentions[i].entity >= (int32_t)r.n_entities) abort();
    }
    arena_free(&a);
    buf_free(&b);
    return 0;
}
