/* test_ingest.c - formats, ids, the date header, encodings, limits. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/ingest.h"
#include "test.h"
#include "text/text.h"

typedef struct {
    int n;
    char id[64], given[16], body[256], title[64], extra[256];
    int html, valid;
    int errors, warnings;
    char last_error[512];
    unsigned long long line;
} seen;

static int sink(void *ud, const raw_article *a)
{
    seen *s = ud;
    s->n++;
    snprintf(s->id, sizeof s->id, "%s", a->id);
    snprintf(s->given, sizeof s->given, "%s", a->given_date ? a->given_date : "");
    snprintf(s->body, sizeof s->body, "%.*s", (int)(a->body_len < 255 ? a->body_len : 255), a->body);
    s->html = a->is_html;
    s->valid = text_utf8_valid(a->body, a->body_len, NULL);
    snprintf(s->title, sizeof s->title, "%s", a->title ? a->title : "");
    snprintf(s->extra, sizeof s->extra, "%s", a->extra_json ? a->extra_json : "");
    return 0;
}

static void report(void *ud, const accord_event *ev)
{
    seen *s = ud;
    if (ev->kind == ACCORD_EVENT_ERROR) {
        s->errors++;
        snprintf(s->last_error, sizeof s->last_error, "%s", ev->message);
        s->line = ev->line;
    }
    if (ev->kind == ACCORD_EVENT_WARNING) s->warnings++;
}

static seen run(const char *name, const char *data, size_t len)
{
    seen s = {0};
    ingest_ctx c = {0};
    c.sink = sink;
    c.report = report;
    c.ud = &s;
    ingest_buffer(&c, name, data, len);
    return s;
}

TEST(ingest_txt_date_header_shares_line)
{
    const char *t = " date 2025-06-12 Kremlin spokesman said so.\n\nSecond paragraph.";
    seen s = run("000_16b94be4e16100e7.txt", t, strlen(t));
    CHECK(s.n == 1);
    CHECK_STR(s.id, "16b94be4e16100e7");
    CHECK_STR(s.given, "2025-06-12");
    CHECK(!strncmp(s.body, "Kremlin spokesman", 17));
}

TEST(ingest_txt_not_a_header)
{
    const char *t = "date palms grow in the oasis.";
    seen s = run("notes.txt", t, strlen(t));
    CHECK(s.n == 1);
    CHECK_STR(s.given, "");
    CHECK(!strncmp(s.body, "date palms", 10));
    CHECK(strlen(s.id) == 16); /* a content hash */
}

TEST(ingest_latin1_converted)
{
    const char *t = "Caf\xe9 in Z\xfcrich.";
    seen s = run("l.txt", t, strlen(t));
    CHECK(s.n == 1);
    CHECK(s.warnings == 1);
    CHECK_STR(s.body, "Caf\xc3\xa9 in Z\xc3\xbcrich.");
}

TEST(ingest_jsonl_errors_have_lines)
{
    const char *t = "{\"id\":\"a\",\"text\":\"ok\"}\n\n{\"id\":\"b\",\"text\":\"x\"\n[1,2]\n";
    seen s = run("f.jsonl", t, strlen(t));
    CHECK(s.n == 1);
    CHECK(s.errors == 2);
    CHECK(s.line == 4);
    CHECK(strstr(s.last_error, "one JSON object") != NULL);
}

TEST(ingest_sniffs_html_and_jsonl)
{
    const char *h = "<!DOCTYPE html><html><body><p>Hi</p></body></html>";
    seen s = run("-", h, strlen(h));
    CHECK(s.n == 1 && s.html);
    const char *j = "  {\"id\":\"z\",\"text\":\"t\"}";
    s = run("-", j, strlen(j));
    CHECK(s.n == 1 && !s.html);
    CHECK_STR(s.id, "z");
}

TEST(ingest_empty_and_binary)
{
    seen s = run("e.txt", "", 0);
    CHECK(s.n == 0 && s.errors == 1);
    CHECK(strstr(s.last_error, "empty") != NULL);
    s = run("b.txt", "ab\0cd", 5);
    CHECK(s.n == 0 && s.errors == 1);
    CHECK(strstr(s.last_error, "binary") != NULL);
}

/* Deflates data as one gzip member, for the tests below. */
static size_t gzip_mem(const char *in, size_t n, char **out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    size_t cap = deflateBound(&z, (uLong)n);
    *out = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (unsigned char *)*out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? len : 0;
}

TEST(ingest_gzip_page_stops_at_limit)
{
    size_t n = (size_t)INGEST_MAX_FILE * 3;
    char *page = malloc(n);
    memset(page, 'a', n);
    char *gz = NULL;
    size_t len = gzip_mem(page, n, &gz);
    free(page);
    CHECK(len > 0);
    seen s = run("p.html.gz", gz, len);
    CHECK(s.n == 0 && s.errors == 1);
    CHECK(strstr(s.last_error, "decompresses to over 16 MiB") != NULL);
    free(gz);
}

TEST(ingest_gzip_jsonl_streams_past_long_line)
{
    size_t n = (size_t)INGEST_MAX_LINE * 2;
    const char *good = "\n{\"id\":\"g\",\"text\":\"After the long line.\"}\n";
    char *data = malloc(n + strlen(good));
    memset(data, 'x', n);
    memcpy(data + n, good, strlen(good));
    char *gz = NULL;
    size_t len = gzip_mem(data, n + strlen(good), &gz);
    free(data);
    seen s = run("l.jsonl.gz", gz, len);
    CHECK(s.n == 1 && s.errors == 1);
    CHECK_STR(s.id, "g");
    CHECK(strstr(s.last_error, "over the 8 MiB line limit") != NULL);
    CHECK(s.line == 1);
    free(gz);
}

TEST(ingest_utf16_and_utf32_converted)
{
    /* "Zürich 😀" with a byte order mark, in each encoding. */
    static const char le16[] = "\xFF\xFEZ\0\xFC\0r\0i\0c\0h\0 \0\x3D\xD8\x00\xDE";
    static const char be16[] = "\xFE\xFF\0Z\0\xFC\0r\0i\0c\0h\0 \xD8\x3D\xDE\x00";
    static const char le32[] = "\xFF\xFE\0\0Z\0\0\0\xFC\0\0\0r\0\0\0i\0\0\0c\0\0\0h\0\0\0 \0\0\0\x00\xF6\x01\0";
    static const char be32[] = "\0\0\xFE\xFF\0\0\0Z\0\0\0\xFC\0\0\0r\0\0\0i\0\0\0c\0\0\0h\0\0\0 \0\x01\xF6\x00";
    const struct {
        const char *p;
        size_t n;
    } v[] = {{le16, sizeof le16 - 1}, {be16, sizeof be16 - 1}, {le32, sizeof le32 - 1}, {be32, sizeof be32 - 1}};
    for (int i = 0; i < 4; i++) {
        seen s = run("w.txt", v[i].p, v[i].n);
        CHECK(s.n == 1 && s.errors == 0 && s.warnings == 1);
        CHECK_STR(s.body, "Z\xc3\xbcrich \xf0\x9f\x98\x80");
    }
    /* A lone surrogate and a cut last unit become U+FFFD. */
    static const char bad[] = "\xFF\xFEO\0\x00\xD8k\0!";
    seen s = run("b.txt", bad, sizeof bad - 1);
    CHECK(s.n == 1 && s.warnings == 1);
    CHECK_STR(s.body, "O\xef\xbf\xbdk\xef\xbf\xbd");
}

TEST(ingest_jsonl_wrong_types_warned_and_kept)
{
    const char *t = "{\"id\":42,\"title\":{\"en\":\"T\"},\"published\":[\"2025-01-02\"],\"text\":\"Body.\"}\n";
    seen s = run("t.jsonl", t, strlen(t));
    CHECK(s.n == 1);
    CHECK(s.warnings == 3);
    CHECK_STR(s.id, "42");
    CHECK(strstr(s.extra, "\"title\":{\"en\":\"T\"}") != NULL);
    CHECK(strstr(s.extra, "\"published\":[\"2025-01-02\"]") != NULL);
    CHECK(strstr(s.extra, "\"id\":42") != NULL);
    CHECK_STR(s.title, "");
}

/* Found by fuzz_ingest: a U+0000 past the first 64 KiB of UTF-16 text
 * passed the binary check and reached the sink as a NUL byte. */
TEST(ingest_utf16_late_nul_repaired)
{
    size_t units = 70000, n = 2 + units * 2 + 4;
    char *t = calloc(n, 1);
    t[0] = (char)0xFF;
    t[1] = (char)0xFE;
    for (size_t i = 0; i < units; i++) t[2 + 2 * i] = (i % 7 == 6) ? ' ' : 'a';
    t[n - 2] = 'b'; /* U+0000 then "b" */
    seen s = run("late.txt", t, n);
    CHECK(s.n == 1 && s.errors == 0 && s.warnings == 2);
    CHECK(s.valid);
    free(t);
}
