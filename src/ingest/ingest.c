/* ingest.c - see ingest.h.
 *
 * Each file is read whole (articles are small; a JSONL file of a million
 * lines is a few GB at most and is walked line by line in place). Format
 * detection: the --format option, else the file name, else a sniff of the
 * first bytes. Encodings: UTF-16 and UTF-32 with a byte order mark are
 * converted; UTF-8 is checked; a file with no valid multi-byte sequence but
 * with high bytes is taken as Latin-1 / Windows-1252 and converted;
 * otherwise bad bytes are replaced with U+FFFD. Each is reported as a
 * warning (with the offset of the first bad byte when there is one).
 *
 * Limits hold before memory is spent: a file holding one article or page
 * (txt, html) larger than INGEST_MAX_FILE is refused from its size, before
 * it is read; gzip data is inflated a chunk at a time, a page stops at the
 * same limit, and JSONL is handed on line by line as it inflates, so a
 * small file that decompresses to gigabytes costs one line of memory. Only
 * regular files are read (a FIFO would block, a device never ends); a
 * directory walk remembers each directory by (device, inode), so a link
 * back to a directory being walked is reported once and not followed. */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "text/text.h"
#include "util/buf.h"
#include "util/util.h"

static void report(ingest_ctx *c, accord_event_kind kind, const char *file, uint64_t line,
                   uint64_t offset, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void report(ingest_ctx *c, accord_event_kind kind, const char *file, uint64_t line,
                   uint64_t offset, const char *id, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kind == ACCORD_EVENT_ERROR) c->errors++;
    if (kind == ACCORD_EVENT_WARNING) c->warnings++;
    if (kind == ACCORD_EVENT_SKIP) c->skipped++;
    if (c->report) {
        accord_event ev = {kind, file, line, offset, id, msg};
        c->report(c->ud, &ev);
    }
}

int ingest_format_parse(const char *name)
{
    if (!name || !strcmp(name, "auto")) return INGEST_AUTO;
    if (!strcmp(name, "txt") || !strcmp(name, "text")) return INGEST_TXT;
    if (!strcmp(name, "jsonl") || !strcmp(name, "ndjson")) return INGEST_JSONL;
    if (!strcmp(name, "html")) return INGEST_HTML;
    return -1;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Format by file name, ignoring a trailing .gz; INGEST_AUTO if unknown. */
static ingest_format format_by_name(const char *name)
{
    size_t n = strlen(name);
    if (ends_with(name, n, ".gz")) n -= 3;
    if (ends_with(name, n, ".txt") || ends_with(name, n, ".text")) return INGEST_TXT;
    if (ends_with(name, n, ".jsonl") || ends_with(name, n, ".ndjson")) return INGEST_JSONL;
    if (ends_with(name, n, ".html") || ends_with(name, n, ".htm")) return INGEST_HTML;
    return INGEST_AUTO;
}

bool ingest_wanted_name(const char *name)
{
    return format_by_name(name) != INGEST_AUTO;
}

static ingest_format sniff(const char *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i < n && p[i] == '{') return INGEST_JSONL;
    if (i < n && p[i] == '<') {
        size_t lim = n - i < 1024 ? n - i : 1024;
        for (size_t k = i; k + 5 <= i + lim; k++)
            if (!strncasecmp(p + k, "<html", 5) || !strncasecmp(p + k, "<!doc", 5) ||
                !strncasecmp(p + k, "<body", 5) || !strncasecmp(p + k, "<head", 5) ||
                !strncasecmp(p + k, "<div", 4) || !strncasecmp(p + k, "<p>", 3))
                return INGEST_HTML;
    }
    return INGEST_TXT;
}

/* Decides how to make p valid UTF-8. Returns 0 when it already is, else
 * fills out and sets *latin1 when the bytes look like a single-byte
 * encoding: high bytes present but not one well-formed multi-byte sequence. */
static uint64_t make_utf8(const char *p, size_t n, buf *out, bool *latin1, size_t *first_bad)
{
    *latin1 = false;
    if (text_utf8_valid(p, n, first_bad)) return 0;
    size_t good_multi = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
        bool ok = need && i + need <= n;
        for (size_t k = 1; ok && k < need; k++) ok = ((unsigned char)p[i + k] & 0xC0) == 0x80;
        if (ok) {
            good_multi++;
            i += need;
        } else {
            i++;
        }
    }
    bool has_nul = memchr(p, 0, n) != NULL;
    if (good_multi == 0 && !has_nul) {
        *latin1 = true;
        text_latin1_to_utf8(p, n, out);
        return 0;
    }
    return text_utf8_repair(p, n, out, NULL);
}

/* UTF-16 and UTF-32 are taken only with a byte order mark: without one,
 * guessing them from NUL patterns would also "convert" binary files. */
typedef enum wide_enc { WIDE_NONE, WIDE_UTF16LE, WIDE_UTF16BE, WIDE_UTF32LE, WIDE_UTF32BE } wide_enc;
static const char *const wide_names[] = {"", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};

static wide_enc wide_bom(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    /* UTF-32LE first: its mark starts with the UTF-16LE one. */
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) return WIDE_UTF32LE;
    if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) return WIDE_UTF32BE;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) return WIDE_UTF16LE;
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return WIDE_UTF16BE;
    return WIDE_NONE;
}

static void put_utf8(buf *b, uint32_t cp)
{
    char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    buf_append(b, u, k);
}

/* Converts UTF-16 / UTF-32 text after its byte order mark to UTF-8. An
 * unpaired surrogate, a value past U+10FFFF or a cut last unit becomes
 * U+FFFD; returns how many, and the byte offset of the first in *first_bad. */
static uint64_t wide_to_utf8(const char *s, size_t n, wide_enc e, buf *out, size_t *first_bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t unit = e == WIDE_UTF32LE || e == WIDE_UTF32BE ? 4 : 2;
    bool le = e == WIDE_UTF16LE || e == WIDE_UTF32LE;
    uint64_t bad = 0;
    *first_bad = 0;
    /* At most 3 bytes of UTF-8 for 2 bytes of UTF-16, 4 for 4 of UTF-32. */
    buf_reserve(out, n / 2 * 3 + 8);
    size_t i = unit;
    while (i + unit <= n) {
        size_t at = i;
        uint32_t u = unit == 4 ? (le ? (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                                           (uint32_t)p[i + 3] << 24
                                     : (uint32_t)p[i + 3] | (uint32_t)p[i + 2] << 8 | (uint32_t)p[i + 1] << 16 |
                                           (uint32_t)p[i] << 24)
                               : (le ? (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 : (uint32_t)p[i + 1] | (uint32_t)p[i] << 8);
        i += unit;
        if (unit == 2 && u >= 0xD800 && u <= 0xDBFF && i + 2 <= n) {
            uint32_t v = le ? (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 : (uint32_t)p[i + 1] | (uint32_t)p[i] << 8;
            if (v >= 0xDC00 && v <= 0xDFFF) {
                i += 2;
                put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
                continue;
            }
        }
        if ((u >= 0xD800 && u <= 0xDFFF) || u > 0x10FFFF) {
            if (!bad++) *first_bad = at;
            put_utf8(out, 0xFFFD);
            continue;
        }
        put_utf8(out, u);
    }
    if (i < n) {
        if (!bad++) *first_bad = i;
        put_utf8(out, 0xFFFD);
    }
    return bad;
}

static bool is_hex_id(const char *s, size_t n)
{
    if (n < 6 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

/* The id from a file name "NNN_<hex>.ext", written into out; false if none. */
static bool id_from_name(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    const char *us = NULL;
    for (size_t i = 0; i < n; i++)
        if (base[i] == '_') us = base + i;
    const char *s = us ? us + 1 : base;
    size_t k = (size_t)(base + n - s);
    if (!is_hex_id(s, k) || k + 1 > cap) return false;
    for (size_t i = 0; i < k; i++) out[i] = (char)((s[i] >= 'A' && s[i] <= 'F') ? s[i] + 32 : s[i]);
    out[k] = 0;
    return true;
}

static int ingest_txt(ingest_ctx *c, const char *name, const char *p, size_t n, uint64_t repaired,
                      const char *warning)
{
    raw_article a = {0};
    a.file = name;
    a.repaired_bytes = repaired;
    a.warning = warning;
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    char given[11];
    if (n - i >= 15 && !strncmp(p + i, "date", 4) && (p[i + 4] == ' ' || p[i + 4] == '\t')) {
        size_t j = i + 4;
        while (j < n && (p[j] == ' ' || p[j] == '\t')) j++;
        if (n - j >= 10 && acc_is_date(p + j, 10) && (n - j == 10 || p[j + 10] == ' ' || p[j + 10] == '\t' ||
                                                    p[j + 10] == '\n' || p[j + 10] == '\r')) {
            memcpy(given, p + j, 10);
            given[10] = 0;
            a.given_date = given;
            i = j + 10;
            while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
        }
    }
    while (n > i && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n')) n--;
    if (n == i) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "no text (only white space or a date header)");
        return 0;
    }
    if (n - i > INGEST_MAX_ARTICLE) {
        report(c, ACCORD_EVENT_ERROR, name, 0, INGEST_MAX_ARTICLE, NULL,
               "article is %zu bytes, over the %u MiB limit for one article", n - i, INGEST_MAX_ARTICLE >> 20);
        return 0;
    }
    char id[80];
    if (!id_from_name(name, id, sizeof id)) acc_hash_hex(p + i, n - i, id);
    a.id = id;
    a.body = p + i;
    a.body_len = n - i;
    return c->sink(c->ud, &a);
}

static int ingest_html(ingest_ctx *c, const char *name, const char *p, size_t n, uint64_t repaired,
                       const char *warning)
{
    if (n > INGEST_MAX_FILE) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "page is %zu bytes, over the %u MiB limit", n,
               INGEST_MAX_FILE >> 20);
        return 0;
    }
    raw_article a = {0};
    a.file = name;
    a.repaired_bytes = repaired;
    a.warning = warning;
    char id[80];
    if (!id_from_name(name, id, sizeof id)) acc_hash_hex(p, n, id);
    a.id = id;
    a.body = p;
    a.body_len = n;
    a.is_html = true;
    return c->sink(c->ud, &a);
}

static const char *const known_fields[] = {"id",      "url",   "source", "title", "text",
                                           "html",    "published", "fetched", "author", "lang",
                                           "given_date", NULL};

static const char *json_type_name(const json_t *v)
{
    return json_is_array(v)     ? "an array"
           : json_is_object(v)  ? "an object"
           : json_is_number(v)  ? "a number"
           : json_is_boolean(v) ? "a boolean"
                                : "not a string";
}

/* A known field of the wrong type is not used (a number id is, written out)
 * but kept among the extra fields as it came, and reported: a feed that
 * sends "title": {"en": ...} should hear about it, not lose the title. */
static bool known_field_checked(ingest_ctx *c, const char *name, uint64_t lineno, uint64_t offset, const char *k,
                                json_t *v)
{
    int known = -1;
    for (int i = 0; known_fields[i]; i++)
        if (!strcmp(k, known_fields[i])) known = i;
    if (known < 0) return false;
    if (json_is_string(v) || json_is_null(v)) return true;
    if (!strcmp(k, "id") && json_is_integer(v))
        report(c, ACCORD_EVENT_WARNING, name, lineno, offset, NULL,
               "field \"id\" is a number, not a string: used as \"%lld\", the number kept among the extra fields",
               (long long)json_integer_value(v));
    else
        report(c, ACCORD_EVENT_WARNING, name, lineno, offset, NULL,
               "field \"%s\" is %s, not a string: not used, kept among the extra fields", k, json_type_name(v));
    return false;
}

static int ingest_json_line(ingest_ctx *c, const char *name, uint64_t lineno, uint64_t offset,
                            const char *p, size_t n)
{
    buf fixed = BUF_INIT;
    const char *warning = NULL;
    char wbuf[160];
    size_t first_bad;
    uint64_t repaired = 0;
    if (!text_utf8_valid(p, n, &first_bad)) {
        repaired = text_utf8_repair(p, n, &fixed, NULL);
        snprintf(wbuf, sizeof wbuf, "%llu invalid UTF-8 byte(s) replaced (first at byte %llu)",
                 (unsigned long long)repaired, (unsigned long long)(offset + first_bad));
        warning = wbuf;
        p = fixed.data;
        n = fixed.len;
    }
    json_error_t err;
    json_t *o = json_loadb(p, n, 0, &err);
    json_t *extra = NULL;
    int rc = 0;
    if (!o) {
        report(c, ACCORD_EVENT_ERROR, name, lineno, offset + (uint64_t)(err.position > 0 ? err.position : 0), NULL,
               "bad JSON at column %d: %s", err.column, err.text);
        goto done;
    }
    if (!json_is_object(o)) {
        report(c, ACCORD_EVENT_ERROR, name, lineno, offset, NULL, "a line must hold one JSON object");
        goto done;
    }
    /* Type checks first, so a wrong "text" is named before "no text". */
    extra = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (!known_field_checked(c, name, lineno, offset, k, v)) json_object_set(extra, k, v);
    }
    char t1[32];
    raw_article a = {0};
    a.file = name;
    a.line = lineno;
    a.repaired_bytes = repaired;
    a.warning = warning;
    json_t *idv = json_object_get(o, "id");
    if (json_is_integer(idv)) {
        snprintf(t1, sizeof t1, "%lld", (long long)json_integer_value(idv));
        a.id = t1;
    } else {
        a.id = json_string_value(idv);
    }
    a.url = json_string_value(json_object_get(o, "url"));
    a.source = json_string_value(json_object_get(o, "source"));
    a.title = json_string_value(json_object_get(o, "title"));
    a.author = json_string_value(json_object_get(o, "author"));
    a.lang = json_string_value(json_object_get(o, "lang"));
    a.published = json_string_value(json_object_get(o, "published"));
    a.fetched = json_string_value(json_object_get(o, "fetched"));
    a.given_date = json_string_value(json_object_get(o, "given_date"));
    const char *text = json_string_value(json_object_get(o, "text"));
    const char *html = json_string_value(json_object_get(o, "html"));
    if (text && *text) {
        a.body = text;
        a.body_len = json_string_length(json_object_get(o, "text"));
    } else if (html && *html) {
        a.body = html;
        a.body_len = json_string_length(json_object_get(o, "html"));
        a.is_html = true;
    } else {
        report(c, ACCORD_EVENT_ERROR, name, lineno, offset, a.id, "no \"text\" or \"html\" field with content");
        goto done;
    }
    if (memchr(a.body, 0, a.body_len)) {
        report(c, ACCORD_EVENT_ERROR, name, lineno, offset, a.id, "the text holds a NUL character (\\u0000)");
        goto done;
    }
    if (a.body_len > INGEST_MAX_ARTICLE) {
        report(c, ACCORD_EVENT_ERROR, name, lineno, offset, a.id, "article is %zu bytes, over the %u MiB limit",
               a.body_len, INGEST_MAX_ARTICLE >> 20);
        goto done;
    }
    char idbuf[17];
    if (!a.id || !*a.id) {
        if (a.url)
            acc_hash_hex(a.url, strlen(a.url), idbuf);
        else
            acc_hash_hex(a.body, a.body_len, idbuf);
        a.id = idbuf;
    }
    char *extra_s = json_object_size(extra) ? json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    a.extra_json = extra_s;
    rc = c->sink(c->ud, &a);
    free(extra_s);
done:
    json_decref(extra);
    json_decref(o);
    buf_free(&fixed);
    return rc;
}

/* JSONL is handed on line by line as it arrives: all at once from a file in
 * memory, or a chunk at a time from inflating gzip. A line over the limit
 * is skipped as it streams past and reported with its length at its end. */
typedef struct jsonl_reader {
    uint64_t lineno;
    uint64_t offset; /* of the first byte not yet consumed */
    bool started;    /* byte order mark looked for */
    bool skipping;   /* inside a line over the limit */
    uint64_t skip_line, skip_offset, skip_len;
} jsonl_reader;

static void line_too_long(ingest_ctx *c, const char *name, uint64_t line, uint64_t offset, uint64_t len)
{
    report(c, ACCORD_EVENT_ERROR, name, line, offset, NULL, "line is %llu bytes, over the %u MiB line limit",
           (unsigned long long)len, INGEST_MAX_LINE >> 20);
}

/* Hands on each complete line of p[0..n), and the unterminated last one
 * when last; *used is how much was consumed (the rest is fed again with
 * what follows). Negative only when the sink says stop. */
static int jsonl_feed(ingest_ctx *c, const char *name, jsonl_reader *r, const char *p, size_t n, bool last,
                      size_t *used)
{
    size_t i = 0;
    int rc = 0;
    *used = 0;
    if (!r->started) {
        if (n < 3 && !last) return 0;
        r->started = true;
        if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) i = 3;
    }
    while (i < n && rc >= 0) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        if (r->skipping) {
            r->skip_len += end - i;
            i = nl ? end + 1 : n;
            if (nl || last) {
                r->skipping = false;
                line_too_long(c, name, r->skip_line, r->skip_offset, r->skip_len);
            }
            continue;
        }
        if (!nl && !last) {
            if (n - i > INGEST_MAX_LINE) { /* cannot fit: skip it as it streams past */
                r->skipping = true;
                r->skip_line = ++r->lineno;
                r->skip_offset = r->offset + i;
                r->skip_len = n - i;
                i = n;
            }
            break;
        }
        r->lineno++;
        size_t s = i, e = end;
        while (s < e && (p[s] == ' ' || p[s] == '\t' || p[s] == '\r')) s++;
        while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r')) e--;
        if (e - s > INGEST_MAX_LINE)
            line_too_long(c, name, r->lineno, r->offset + i, e - s);
        else if (e > s)
            rc = ingest_json_line(c, name, r->lineno, r->offset + s, p + s, e - s);
        i = nl ? end + 1 : n;
    }
    if (r->skipping && last) {
        r->skipping = false;
        line_too_long(c, name, r->skip_line, r->skip_offset, r->skip_len);
    }
    r->offset += i;
    *used = i;
    return rc < 0 ? rc : 0;
}

/* Binary data: a NUL byte, or many control characters, in the first 64 KiB. */
static bool refuse_binary(ingest_ctx *c, const char *name, const char *data, size_t len, const char *what)
{
    size_t probe = len < 65536 ? len : 65536, ctrl = 0;
    const char *nul = memchr(data, 0, probe);
    for (size_t i = 0; i < probe; i++) {
        unsigned char b = (unsigned char)data[i];
        ctrl += b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f';
    }
    if (nul)
        report(c, ACCORD_EVENT_ERROR, name, 0, (uint64_t)(nul - data), NULL,
               "binary %s (NUL byte at byte %zu): not text, JSONL or HTML", what, (size_t)(nul - data));
    else if (ctrl * 10 > probe)
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL,
               "binary %s (%zu control bytes in the first %zu): not text, JSONL or HTML", what, ctrl, probe);
    return nul || ctrl * 10 > probe;
}

/* Bytes of one file, decompressed: encodings, then the format. */
static int ingest_decoded(ingest_ctx *c, const char *name, const char *data, size_t len, ingest_format f)
{
    int rc = 0;
    buf wide = BUF_INIT, fixed = BUF_INIT;
    char warning[200];
    const char *w = NULL;
    uint64_t repaired = 0;
    size_t first_bad = 0;
    wide_enc e = wide_bom(data, len);
    if (e != WIDE_NONE) {
        repaired = wide_to_utf8(data, len, e, &wide, &first_bad);
        if (buf_failed(&wide)) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "out of memory converting from %s", wide_names[e]);
            rc = acc_error(ACCORD_ENOMEM, "%s: out of memory converting from %s", name, wide_names[e]);
            goto out;
        }
        if (repaired)
            snprintf(warning, sizeof warning,
                     "%s text (byte order mark): converted to UTF-8; %llu bad unit(s) replaced with U+FFFD "
                     "(first at byte %zu)",
                     wide_names[e], (unsigned long long)repaired, first_bad);
        else
            snprintf(warning, sizeof warning, "%s text (byte order mark): converted to UTF-8", wide_names[e]);
        w = warning;
        report(c, ACCORD_EVENT_WARNING, name, 0, first_bad, NULL, "%s", w);
        c->repaired_bytes += repaired;
        data = buf_cstr(&wide);
        len = wide.len;
        if (len == 0) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "no text after the %s byte order mark", wide_names[e]);
            goto out;
        }
    }
    if (f == INGEST_AUTO) f = sniff(data, len);
    if (refuse_binary(c, name, data, len, "file")) goto out;
    if (f == INGEST_JSONL) {
        jsonl_reader r = {0};
        size_t used;
        rc = jsonl_feed(c, name, &r, data, len, true, &used);
        goto out;
    }
    /* Converted text is valid UTF-8 but for U+0000, which the binary check
     * sees only in the first 64 KiB: repair it as in UTF-8 input. */
    bool latin1 = false;
    char fixnote[200];
    uint64_t fixed_n = make_utf8(data, len, &fixed, &latin1, &first_bad);
    if (latin1) {
        snprintf(fixnote, sizeof fixnote,
                 "not UTF-8 (first bad byte at %zu): converted from Latin-1 / Windows-1252", first_bad);
        w = fixnote;
    } else if (fixed_n) {
        snprintf(fixnote, sizeof fixnote, "%llu invalid UTF-8 byte(s) replaced with U+FFFD (first at byte %zu)",
                 (unsigned long long)fixed_n, first_bad);
        w = fixnote;
    }
    if (latin1 || fixed_n) report(c, ACCORD_EVENT_WARNING, name, 0, first_bad, NULL, "%s", fixnote);
    c->repaired_bytes += fixed_n;
    repaired += fixed_n;
    const char *p = fixed.len ? fixed.data : data;
    size_t n = fixed.len ? fixed.len : len;
    rc = f == INGEST_HTML ? ingest_html(c, name, p, n, repaired, w) : ingest_txt(c, name, p, n, repaired, w);
out:
    buf_free(&fixed);
    buf_free(&wide);
    return rc;
}

/* Inflates gzip data (one member or several) a chunk at a time. JSONL goes
 * on line by line as it comes; any other format, and JSONL in UTF-16/32
 * (converted whole), is collected up to INGEST_MAX_FILE and stopped there. The first 64 KiB are checked for
 * binary data before more is inflated, so a bomb of zeros costs one chunk. */
static int ingest_gzip(ingest_ctx *c, const char *name, const char *p, size_t n, ingest_format f)
{
    enum { CHUNK = 1 << 16 };
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "gzip: cannot start zlib");
        return 0;
    }
    const unsigned char *in = (const unsigned char *)p;
    z.next_in = (unsigned char *)(uintptr_t)in;
    buf out = BUF_INIT;
    jsonl_reader jr = {0};
    bool probed = false, stream = false;
    int rc = 0;
    for (;;) {
        size_t at = (size_t)(z.next_in - in);
        if (z.avail_in == 0 && at < n) z.avail_in = (uInt)(n - at < UINT32_MAX ? n - at : UINT32_MAX);
        if (!buf_reserve(&out, CHUNK)) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "gzip: out of memory");
            break;
        }
        z.next_out = (unsigned char *)out.data + out.len;
        z.avail_out = CHUNK;
        int zrc = inflate(&z, Z_NO_FLUSH);
        out.len = (size_t)((char *)z.next_out - out.data);
        out.data[out.len] = 0;
        bool end = false;
        if (zrc == Z_STREAM_END) {
            /* Concatenated gzip files are one stream (cat a.gz b.gz). */
            size_t next = (size_t)(z.next_in - in);
            if (next + 2 <= n && in[next] == 0x1f && in[next + 1] == 0x8b) {
                inflateReset(&z);
            } else {
                if (next < n)
                    report(c, ACCORD_EVENT_WARNING, name, 0, next, NULL,
                           "gzip: %zu byte(s) after the compressed data ignored", n - next);
                end = true;
            }
        } else if (zrc != Z_OK) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "gzip: truncated or corrupt gzip data (byte %zu)",
                   (size_t)(z.next_in - in));
            break;
        }
        if (!probed && (out.len >= CHUNK || end)) {
            probed = true;
            bool wide = wide_bom(out.data, out.len) != WIDE_NONE;
            if (f == INGEST_AUTO && !wide) f = sniff(out.data, out.len);
            if (!wide && refuse_binary(c, name, out.data, out.len, "data inside the gzip")) break;
            stream = f == INGEST_JSONL && !wide;
        }
        if (stream) {
            size_t used;
            rc = jsonl_feed(c, name, &jr, out.data, out.len, end, &used);
            memmove(out.data, out.data + used, out.len - used);
            out.len -= used;
            if (rc < 0) break;
        } else if (out.len > INGEST_MAX_FILE) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL,
                   "gzip: decompresses to over %u MiB, the limit for a file of one article or page: stopped there",
                   INGEST_MAX_FILE >> 20);
            break;
        }
        if (end) {
            if (!stream) {
                if (out.len == 0)
                    report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "empty file (once decompressed)");
                else
                    rc = ingest_decoded(c, name, out.data, out.len, f);
            }
            break;
        }
    }
    inflateEnd(&z);
    buf_free(&out);
    return rc;
}

int ingest_buffer(ingest_ctx *c, const char *name, const char *data, size_t len)
{
    c->files++;
    c->bytes += len;
    if (len == 0) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "empty file");
        return 0;
    }
    ingest_format f = c->format != INGEST_AUTO ? c->format : format_by_name(name);
    if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b)
        return ingest_gzip(c, name, data, len, f);
    return ingest_decoded(c, name, data, len, f);
}

static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
           : S_ISDIR(m)  ? "a directory"
                         : "not a regular file";
}

/* Reads a regular file whole. A file of one article or page (any format
 * but JSONL) over INGEST_MAX_FILE is refused from its size, before it is
 * read. 0 when read; 1 when refused (reported); ACCORD_ENOMEM. */
static int read_regular(ingest_ctx *c, const char *path, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    /* O_NONBLOCK: should the path have become a FIFO since it was looked
     * at, opening it must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot stat: %s", strerror(errno));
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "%s, not a regular file: refused", file_kind(st.st_mode));
        close(fd);
        return 1;
    }
    char head[4096];
    ssize_t h = pread(fd, head, sizeof head, 0);
    if (h < 0) h = 0;
    ingest_format f = c->format != INGEST_AUTO ? c->format : format_by_name(path);
    bool gz = h >= 2 && (unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b;
    if (f == INGEST_AUTO && !gz) f = sniff(head, (size_t)h);
    /* gzip never grows data by more than a few bytes per 16 KiB block, so
     * a larger compressed file cannot hold a page within the limit. */
    uint64_t limit = UINT64_MAX;
    if (f == INGEST_TXT || f == INGEST_HTML)
        limit = gz ? (uint64_t)INGEST_MAX_FILE + INGEST_MAX_FILE / 256 + 4096 : INGEST_MAX_FILE;
    if ((uint64_t)st.st_size > limit) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL,
               "%sfile is %llu bytes, over the %u MiB limit for a file of one article or page: not read",
               gz ? "compressed " : "",
               (unsigned long long)st.st_size, INGEST_MAX_FILE >> 20);
        close(fd);
        return 1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    if (cap < 4096) cap = 4096;
    char *p = malloc(cap);
    int rc = 0;
    for (;;) {
        if (!p) {
            report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "out of memory reading the file");
            rc = acc_error(ACCORD_ENOMEM, "%s: out of memory reading the file", path);
            break;
        }
        if (n + 1 == cap) { /* the file grew while read */
            char *q = realloc(p, cap * 2);
            if (!q) free(p);
            p = q;
            cap *= 2;
            continue;
        }
        ssize_t got = read(fd, p + n, cap - n - 1);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
            rc = 1;
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
        if (n > limit) {
            report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL,
                   "file grew over the %u MiB limit for a file of one article or page while read",
                   INGEST_MAX_FILE >> 20);
            rc = 1;
            break;
        }
    }
    close(fd);
    if (rc != 0) {
        free(p);
        return rc;
    }
    p[n] = 0;
    *data = p;
    *len = n;
    return 0;
}

static int ingest_file(ingest_ctx *c, const char *path)
{
    char *data;
    size_t len;
    int rc = read_regular(c, path, &data, &len);
    if (rc != 0) return rc < 0 ? rc : 0;
    rc = ingest_buffer(c, path, data, len);
    free(data);
    return rc;
}

/* The directories of one walk, found by (device, inode) in a small hash
 * table; "open" while the directory is being walked, so a link to it from
 * inside is a loop and a link to one walked before is only a repeat. */
typedef struct walk_dir {
    dev_t dev;
    ino_t ino;
    bool open;
    char *path;
} walk_dir;

typedef struct walk {
    walk_dir *dirs;
    size_t n, cap;
    uint32_t *slots; /* index + 1 into dirs; 0 is empty */
    size_t nslots;   /* a power of two, at most half full */
} walk;

static size_t walk_hash(dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)ino * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 31));
}

static walk_dir *walk_find(const walk *w, const struct stat *st)
{
    if (!w->nslots) return NULL;
    for (size_t k = walk_hash(st->st_dev, st->st_ino) & (w->nslots - 1);; k = (k + 1) & (w->nslots - 1)) {
        uint32_t s = w->slots[k];
        if (!s) return NULL;
        walk_dir *d = &w->dirs[s - 1];
        if (d->dev == st->st_dev && d->ino == st->st_ino) return d;
    }
}

static void walk_slot(walk *w, size_t i)
{
    size_t k = walk_hash(w->dirs[i].dev, w->dirs[i].ino) & (w->nslots - 1);
    while (w->slots[k]) k = (k + 1) & (w->nslots - 1);
    w->slots[k] = (uint32_t)(i + 1);
}

static bool walk_add(walk *w, const struct stat *st, const char *path)
{
    if (w->n >= UINT32_MAX - 1) return false;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        walk_dir *v = realloc(w->dirs, cap * sizeof *v);
        if (!v) return false;
        w->dirs = v;
        w->cap = cap;
    }
    if ((w->n + 1) * 2 > w->nslots) {
        size_t ns = w->nslots ? w->nslots * 2 : 64;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return false;
        free(w->slots);
        w->slots = sl;
        w->nslots = ns;
        for (size_t i = 0; i < w->n; i++) walk_slot(w, i);
    }
    char *copy = strdup(path);
    if (!copy) return false;
    w->dirs[w->n] = (walk_dir){st->st_dev, st->st_ino, true, copy};
    walk_slot(w, w->n++);
    return true;
}

static void walk_free(walk *w)
{
    for (size_t i = 0; i < w->n; i++) free(w->dirs[i].path);
    free(w->dirs);
    free(w->slots);
}

static int ingest_dir(ingest_ctx *c, walk *w, const char *path, const struct stat *dst, int depth)
{
    walk_dir *seen = walk_find(w, dst);
    if (seen && seen->open) {
        report(c, ACCORD_EVENT_WARNING, path, 0, 0, NULL, "link loop: this is %s again, not walked twice",
               seen->path);
        return 0;
    }
    if (seen) {
        report(c, ACCORD_EVENT_SKIP, path, 0, 0, NULL, "skipped: the same directory as %s, walked already",
               seen->path);
        return 0;
    }
    if (depth > 64) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "directories nested too deep (over 64 levels)");
        return 0;
    }
    size_t self = w->n;
    if (!walk_add(w, dst, path)) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "out of memory walking the directory");
        return acc_error(ACCORD_ENOMEM, "%s: out of memory walking the directory", path);
    }
    char **names;
    size_t n;
    if (acc_list_dir(path, &names, &n) != 0) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot open directory: %s", strerror(errno));
        w->dirs[self].open = false;
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        if (!full) {
            rc = acc_error(ACCORD_ENOMEM, "%s: out of memory walking the directory", path);
            break;
        }
        snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
        struct stat st;
        if (stat(full, &st) != 0) {
            report(c, ACCORD_EVENT_ERROR, full, 0, 0, NULL, "cannot stat: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = ingest_dir(c, w, full, &st, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            report(c, ACCORD_EVENT_WARNING, full, 0, 0, NULL, "%s, not a regular file: skipped",
                   file_kind(st.st_mode));
        } else if (ingest_wanted_name(names[i]) || c->format != INGEST_AUTO) {
            rc = ingest_file(c, full);
        } else {
            report(c, ACCORD_EVENT_SKIP, full, 0, 0, NULL, "skipped: not a .txt, .jsonl or .html file");
        }
        free(full);
    }
    acc_free_names(names, n);
    w->dirs[self].open = false;
    return rc;
}

int ingest_path(ingest_ctx *c, const char *path)
{
    if (strcmp(path, "-") == 0) {
        char *data = NULL;
        size_t len = 0;
        int rc = acc_read_file(path, &data, &len);
        if (rc != 0) {
            report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "%s", accord_error_last());
            return rc == ACCORD_ENOMEM ? rc : 0;
        }
        rc = ingest_buffer(c, path, data, len);
        free(data);
        return rc;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        walk w = {0};
        int rc = ingest_dir(c, &w, path, &st, 0);
        walk_free(&w);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL,
               "%s, not a regular file: refused (to read from it, give - and redirect it to standard input)",
               file_kind(st.st_mode));
        return 0;
    }
    return ingest_file(c, path);
}
