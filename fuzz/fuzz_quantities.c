/* fuzz_quantities.c - the quantity parser on any bytes. Input is repaired
 * to valid UTF-8 first, as ingest does; every quantity must lie inside the
 * text and carry a known bound. */
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
    if (extract_quantities_text(&a, buf_cstr(&b), b.len, &r) == 0) {
        for (size_t i = 0; i < r.n_quantities; i++) {
            const extract_quantity *q = &r.quantities[i];
            if (q->start > q->end || q->end > b.len) abort();
            if (q->bound > EXTRACT_BOUND_LESS_THAN) abort();
            if (!q->text) abort();
        }
    }
    arena_free(&a);
    buf_free(&b);
    return 0;
}
