/* buf.h - a growable byte string on the heap.
 *
 * The workhorse for building output and normalised text. Data is always
 * NUL-terminated (when non-empty) so it can be handed to C string APIs. On
 * allocation failure the buf is marked failed, later appends do nothing, and
 * buf_failed() reports it, so call sites can check once at the end. */
#ifndef ACCORD_UTIL_BUF_H
#define ACCORD_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len, cap;
    bool failed;
} buf;

#define BUF_INIT {0}

bool buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
static inline bool buf_failed(const buf *b) { return b->failed; }
static inline const char *buf_cstr(const buf *b) { return b->data ? b->data : ""; }
void buf_clear(buf *b);          /* length 0, keep memory */
char *buf_detach(buf *b);        /* hand the string to the caller (free()), reset b */
void buf_free(buf *b);

#endif
