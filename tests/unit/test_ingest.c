/* test_ingest.c - formats, ids, the date header, encodings, limits. */
#include <stdlib.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "test.h"

typedef struct {
    int n;
    char id[64], given[16], body[256];
    int html;
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
