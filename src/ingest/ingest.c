/* ingest.c - see ingest.h.
 *
 * Each file is read whole (articles are small; a JSONL file of a million
 * lines is a few GB at most and is walked line by line in place). Format
 * detection: the --format option, else the file name, else a sniff of the
 * first bytes. Encodings: UTF-8 is checked; a file with no valid multi-byte
 * sequence but with high bytes is taken as Latin-1 / Windows-1252 and
 * converted; otherwise bad bytes are replaced with U+FFFD. Either is
 * reported as a warning with the offset of the first bad byte. */
#include "ingest.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    if (n > INGEST_MAX_ARTICLE * 4) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "page is %zu bytes, over the %u MiB limit",
               n, (INGEST_MAX_ARTICLE * 4) >> 20);
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

static const char *field_str(json_t *o, const char *k, char *tmp, size_t cap)
{
    json_t *v = json_object_get(o, k);
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(tmp, cap, "%lld", (long long)json_integer_value(v));
        return tmp;
    }
    return NULL;
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
    char t1[32], t2[32];
    raw_article a = {0};
    a.file = name;
    a.line = lineno;
    a.repaired_bytes = repaired;
    a.warning = warning;
    a.id = field_str(o, "id", t1, sizeof t1);
    a.url = field_str(o, "url", t2, sizeof t2);
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
    json_t *extra = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        bool known = false;
        for (int i = 0; known_fields[i]; i++) known |= !strcmp(k, known_fields[i]);
        if (!known) json_object_set(extra, k, v);
    }
    char *extra_s = json_object_size(extra) ? json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(extra);
    a.extra_json = extra_s;
    rc = c->sink(c->ud, &a);
    free(extra_s);
done:
    json_decref(o);
    buf_free(&fixed);
    return rc;
}

static int ingest_jsonl(ingest_ctx *c, const char *name, const char *p, size_t n)
{
    uint64_t lineno = 0;
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) i = 3;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        lineno++;
        size_t s = i, e = end;
        while (s < e && (p[s] == ' ' || p[s] == '\t' || p[s] == '\r')) s++;
        while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r')) e--;
        if (e - s > INGEST_MAX_LINE) {
            report(c, ACCORD_EVENT_ERROR, name, lineno, i, NULL, "line is %zu bytes, over the %u MiB line limit",
                   e - s, INGEST_MAX_LINE >> 20);
        } else if (e > s) {
            int rc = ingest_json_line(c, name, lineno, s, p + s, e - s);
            if (rc < 0) return rc;
        }
        i = end + 1;
    }
    return 0;
}

/* Inflates gzip data; 0 or -1 with a message in err. */
static int gunzip(const char *p, size_t n, buf *out, char *err, size_t errcap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        snprintf(err, errcap, "cannot start zlib");
        return -1;
    }
    z.next_in = (unsigned char *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    int rc;
    do {
        if (!buf_reserve(out, 1 << 16)) {
            inflateEnd(&z);
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        z.next_out = (unsigned char *)out->data + out->len;
        z.avail_out = 1 << 16;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)((char *)z.next_out - out->data);
        if (out->len > (size_t)INGEST_MAX_LINE * 256) {
            inflateEnd(&z);
            snprintf(err, errcap, "decompresses to over 2 GiB");
            return -1;
        }
    } while (rc == Z_OK);
    size_t at = (size_t)((const char *)z.next_in - p);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        snprintf(err, errcap, "truncated or corrupt gzip data (byte %zu)", at);
        return -1;
    }
    out->data[out->len] = 0;
    return 0;
}

int ingest_buffer(ingest_ctx *c, const char *name, const char *data, size_t len)
{
    c->files++;
    c->bytes += len;
    if (len == 0) {
        report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "empty file");
        return 0;
    }
    buf unz = BUF_INIT;
    if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        char err[128];
        if (gunzip(data, len, &unz, err, sizeof err) != 0) {
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL, "gzip: %s", err);
            buf_free(&unz);
            return 0;
        }
        data = unz.data;
        len = unz.len;
    }
    ingest_format f = c->format;
    if (f == INGEST_AUTO) f = format_by_name(name);
    if (f == INGEST_AUTO) f = sniff(data, len);

    /* Binary data: a NUL byte, or many control characters, in the first 64 KiB. */
    size_t probe = len < 65536 ? len : 65536, ctrl = 0;
    const char *nul = memchr(data, 0, probe);
    for (size_t i = 0; i < probe; i++) {
        unsigned char b = (unsigned char)data[i];
        ctrl += b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f';
    }
    int rc = 0;
    if (nul || ctrl * 10 > probe) {
        if (nul)
            report(c, ACCORD_EVENT_ERROR, name, 0, (uint64_t)(nul - data), NULL,
                   "binary file (NUL byte at byte %zu): not text, JSONL or HTML", (size_t)(nul - data));
        else
            report(c, ACCORD_EVENT_ERROR, name, 0, 0, NULL,
                   "binary file (%zu control bytes in the first %zu): not text, JSONL or HTML", ctrl, probe);
        goto out;
    }
    if (f == INGEST_JSONL) {
        rc = ingest_jsonl(c, name, data, len);
        goto out;
    }
    buf fixed = BUF_INIT;
    bool latin1 = false;
    size_t first_bad = 0;
    uint64_t repaired = make_utf8(data, len, &fixed, &latin1, &first_bad);
    char warning[200];
    const char *w = NULL;
    if (latin1) {
        snprintf(warning, sizeof warning,
                 "not UTF-8 (first bad byte at %zu): converted from Latin-1 / Windows-1252", first_bad);
        w = warning;
    } else if (repaired) {
        snprintf(warning, sizeof warning, "%llu invalid UTF-8 byte(s) replaced with U+FFFD (first at byte %zu)",
                 (unsigned long long)repaired, first_bad);
        w = warning;
    }
    if (w) report(c, ACCORD_EVENT_WARNING, name, 0, first_bad, NULL, "%s", w);
    c->repaired_bytes += repaired;
    const char *p = fixed.len ? fixed.data : data;
    size_t n = fixed.len ? fixed.len : len;
    rc = f == INGEST_HTML ? ingest_html(c, name, p, n, repaired, w) : ingest_txt(c, name, p, n, repaired, w);
    buf_free(&fixed);
out:
    buf_free(&unz);
    return rc;
}

static int ingest_dir(ingest_ctx *c, const char *path, int depth)
{
    if (depth > 64) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "directories nested too deep (a link loop?)");
        return 0;
    }
    char **names;
    size_t n;
    if (acc_list_dir(path, &names, &n) != 0) {
        report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot open directory: %s", strerror(errno));
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        if (!full) break;
        snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
        struct stat st;
        if (stat(full, &st) != 0) {
            report(c, ACCORD_EVENT_ERROR, full, 0, 0, NULL, "cannot stat: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = ingest_dir(c, full, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            if (ingest_wanted_name(names[i]) || c->format != INGEST_AUTO)
                rc = ingest_path(c, full);
            else
                report(c, ACCORD_EVENT_SKIP, full, 0, 0, NULL, "skipped: not a .txt, .jsonl or .html file");
        }
        free(full);
    }
    acc_free_names(names, n);
    return rc;
}

int ingest_path(ingest_ctx *c, const char *path)
{
    if (strcmp(path, "-") != 0) {
        struct stat st;
        if (stat(path, &st) != 0) {
            report(c, ACCORD_EVENT_ERROR, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
            return 0;
        }
        if (S_ISDIR(st.st_mode)) return ingest_dir(c, path, 0);
    }
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
