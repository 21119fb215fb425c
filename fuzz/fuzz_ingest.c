/* fuzz_ingest.c - the ingest parsers (format sniffing, the date header and
 * ids of plain text, JSONL lines, gzip, encodings) on arbitrary bytes. The
 * first byte picks the format and the file name, so every path is reached.
 * Checks: no crash, every article handed on is valid UTF-8 within the size
 * limit, and its extra fields, if any, are one JSON object. The seeds
 * (fuzz/corpus/ingest) hold every format, gzip, UTF-16/32 and WARC pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ingest/ingest.h"
#include "text/text.h"

static int sink(void *ud, const raw_article *a)
{
    (void)ud;
    if (!a->id || !*a->id) abort();
    if (a->body_len > INGEST_MAX_FILE) abort();
    /* Plain text and HTML were repaired; JSONL strings come from jansson,
     * which yields only valid UTF-8 (NUL is refused before the sink). */
    if (!text_utf8_valid(a->body, a->body_len, NULL)) abort();
    if (a->extra_json) {
        json_t *x = json_loads(a->extra_json, 0, NULL);
        if (!json_is_object(x)) abort();
        json_decref(x);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *names[] = {"a.txt", "b.jsonl", "c.html", "d", "000_16b94be4e16100e7.txt", "e.txt.gz"};
    ingest_ctx c = {0};
    c.sink = sink;
    c.format = (ingest_format)(data[0] % 4);
    const char *name = names[(data[0] >> 2) % 6];
    ingest_buffer(&c, name, (const char *)data + 1, size - 1);
    return 0;
}
