/* ingest.h - reading articles from files, directories and standard input.
 *
 * Ingest knows formats, not meaning: it turns bytes into raw articles
 * (text or HTML plus the metadata the input gives) and reports each
 * problem with the file and the line or byte offset. It never stops the
 * batch for one bad file or line.
 *
 * Formats:
 *  - txt: one article per file. A leading "date YYYY-MM-DD" pair is the
 *    given date (it may share its line with the text). The id is the hex id
 *    after the last underscore of the file name ("000_16b94be4e16100e7.txt"),
 *    or a hash of the content.
 *  - jsonl: one JSON object per line with fields id, url, source, title,
 *    text or html, published, fetched, author, lang; unknown fields are kept.
 *  - html: one page per file; the id is a hash of the URL or the content.
 * Invalid UTF-8 is repaired (text) or, when the whole file looks like
 * Latin-1 / Windows-1252, converted; UTF-16 and UTF-32 with a byte order
 * mark are converted; each with a warning naming the encoding.
 * JSONL fields of the wrong type are warned about (line and field), not
 * used (a number id is, written out), and kept among the extra fields.
 * Only regular files are read: a FIFO, device or socket named is refused
 * (standard input is "-"), one met in a directory is skipped with a
 * warning. A directory walk follows links but never enters a directory
 * twice: a link back to one being walked is reported once as a loop. */
#ifndef ACCORD_INGEST_H
#define ACCORD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accord.h"

/* Largest article body, and largest JSONL line, accepted. */
#define INGEST_MAX_ARTICLE (4u << 20)
#define INGEST_MAX_LINE (8u << 20)
/* Largest file of one article or page (txt, html): a larger one is refused
 * from its size before it is read, and gzip data stops inflating there.
 * JSONL has no file limit: it is read line by line, even from gzip. */
#define INGEST_MAX_FILE (INGEST_MAX_ARTICLE * 4)

typedef struct raw_article {
    const char *id;
    const char *url, *source, *title, *author, *lang;
    const char *published, *fetched, *given_date;
    const char *body; /* valid UTF-8 */
    size_t body_len;
    bool is_html;
    const char *extra_json; /* unknown JSONL fields as a JSON object, or NULL */
    const char *file;       /* for messages */
    uint64_t line;          /* 0 when not line-oriented */
    uint64_t repaired_bytes;
    const char *warning;    /* conversion note, or NULL */
} raw_article;

typedef enum ingest_format {
    INGEST_AUTO = 0,
    INGEST_TXT,
    INGEST_JSONL,
    INGEST_HTML,
} ingest_format;

/* Called for each raw article; returns 0 to go on, or a negative code to
 * stop the batch (only for failures of the store, never for bad input). */
typedef int (*ingest_sink)(void *ud, const raw_article *a);
/* Called for each problem (kind WARNING, ERROR or SKIP). */
typedef void (*ingest_report)(void *ud, const accord_event *ev);

typedef struct ingest_ctx {
    ingest_format format;
    ingest_sink sink;
    ingest_report report;
    void *ud;
    uint64_t files, bytes, errors, warnings, skipped, repaired_bytes;
} ingest_ctx;

/* Parses a format name ("txt", "jsonl", "html", "auto"); -1 if unknown. */
int ingest_format_parse(const char *name);
/* True when a file of this name is taken by a directory walk. */
bool ingest_wanted_name(const char *name);
/* Ingests a file, a directory (recursively, in sorted order) or "-".
 * Returns 0, or a negative code when the batch must stop (the sink's, or
 * ACCORD_ENOMEM); bad input is reported and counted, never returned. */
int ingest_path(ingest_ctx *c, const char *path);
/* Ingests bytes already read, named name. */
int ingest_buffer(ingest_ctx *c, const char *name, const char *data, size_t len);

/* A source of raw articles other than files (fetched pages, feeds): it
 * hands each article to c->sink(c->ud, &raw) in order, reports problems
 * through c->report, and returns 0 or the sink's negative code. */
typedef int (*ingest_producer)(ingest_ctx *c, void *ud);
/* Ingests what produce hands over through the same batches, worker threads
 * and transactions as a file (implemented in accord.c). Every article
 * produce handed over is committed when this returns 0 or ACCORD_EINPUT. */
int accord_ingest_produce(accord *db, ingest_producer produce, void *ud, const accord_ingest_opts *opts,
                          accord_ingest_stats *stats);

#endif
