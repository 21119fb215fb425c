/* test_clean.c - the clean stage: junk out of plain text and HTML, captions
 * and credits into metadata, titles and datelines, dates (given, published,
 * event), learned boilerplate. The demo corpus is checked sentence by
 * sentence against its answer key. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/dates.h"
#include "clean/learn.h"
#include "test.h"
#include "util/util.h"

/* ---- helpers ---------------------------------------------------------------- */

static char *squeeze_ws(const char *s)
{
    size_t n = strlen(s);
    char *r = malloc(n + 1);
    size_t k = 0;
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            sp = k > 0;
            continue;
        }
        if (sp) r[k++] = ' ';
        sp = 0;
        r[k++] = (char)c;
    }
    r[k] = 0;
    return r;
}

static bool in_removed(const clean_result *r, const char *s)
{
    for (size_t i = 0; i < r->n_removed; i++)
        if (strstr(r->removed[i].text, s) || strstr(s, r->removed[i].text)) return true;
    return false;
}

static bool in_list(const char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(v[i], s)) return true;
    return false;
}

/* Reads a demo file the way ingest does: a leading "date YYYY-MM-DD" is
 * the given date. */
static char *demo(const char *name, char given[11], const char **body)
{
    char path[256];
    snprintf(path, sizeof path, "../../data/demo/%s", name);
    char *t = test_read_file(path, NULL);
    if (!t) return NULL;
    const char *p = t;
    while (*p == ' ' || *p == '\n') p++;
    given[0] = 0;
    if (!strncmp(p, "date ", 5)) {
        memcpy(given, p + 5, 10);
        given[10] = 0;
        p += 15;
    }
    *body = p;
    return t;
}

static date_day day(const char *s) { return date_parse_iso(s, strlen(s)); }

/* ---- calendar ------------------------------------------------------------------ */

TEST(clean_dates_calendar)
{
    date_day d = date_from_ymd(2025, 4, 18);
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    CHECK(y == 2025 && m == 4 && dd == 18);
    CHECK(date_weekday(d) == 4); /* Friday */
    CHECK(date_weekday(date_from_ymd(1970, 1, 1)) == 3);
    CHECK(date_from_ymd(2025, 2, 29) == DATE_NONE);
    CHECK(date_from_ymd(2024, 2, 29) != DATE_NONE);
    CHECK(date_easter(2025) == date_from_ymd(2025, 4, 20));
    CHECK(date_easter(2024) == date_from_ymd(2024, 3, 31));
    CHECK(date_orthodox_easter(2025) == date_from_ymd(2025, 4, 20));
    CHECK(date_orthodox_easter(2024) == date_from_ymd(2024, 5, 5));
    CHECK(date_parse_iso("2025-06-12T10:00:00Z", 20) == date_from_ymd(2025, 6, 12));
    CHECK(date_parse_iso("20250612", 8) == date_from_ymd(2025, 6, 12));
    CHECK(date_parse_iso("2025-13-01", 10) == DATE_NONE);
    CHECK(date_parse_iso("nonsense", 8) == DATE_NONE);
    char b[11];
    date_format(d, b);
    CHECK_STR(b, "2025-04-18");
    CHECK(date_add_months(date_from_ymd(2025, 1, 31), 1) == date_from_ymd(2025, 2, 28));
    for (date_day k = date_from_ymd(1999, 12, 25); k < date_from_ymd(2001, 3, 1); k++) {
        date_to_ymd(k, &y, &m, &dd);
        if (date_from_ymd(y, m, dd) != k) {
            CHECK(!"round trip");
            break;
        }
    }
}

/* ---- expressions ------------------------------------------------------------------ */

static const date_expr *find_expr(const date_expr *e, size_t n, const char *text, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(what) == e[i].end - e[i].start && !memcmp(text + e[i].start, what, strlen(what))) return &e[i];
    return NULL;
}

TEST(clean_dates_resolve_relative)
{
    const char *t = "The Kremlin said on Friday that talks had moved. On Tuesday evening the envoy arrived. "
                    "Officials said last month that a deal was near. They will meet again next week. "
                    "The talks this week were the first. He may meet them on Wednesday. "
                    "On April 18 he spoke; on 3 March 2024 he had not. In November 2024 it was worse. "
                    "The war began in 2022. Yesterday was calm.";
    arena a;
    arena_init(&a);
    date_expr *e;
    size_t n;
    REQUIRE(date_find(&a, t, strlen(t), &e, &n) == 0);
    date_day ref = date_from_ymd(2025, 4, 18), f, l;
    const date_expr *x;

    REQUIRE((x = find_expr(e, n, t, "Friday")) != NULL);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == ref);
    REQUIRE((x = find_expr(e, n, t, "Tuesday")) != NULL);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2025, 4, 15));
    REQUIRE((x = find_expr(e, n, t, "last month")) != NULL);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2025, 3, 1) && l == date_from_ymd(2025, 3, 31));
    REQUIRE((x = find_expr(e, n, t, "next week")) != NULL);
    CHECK(x->future);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2025, 4, 21) && l == date_from_ymd(2025, 4, 27));
    REQUIRE((x = find_expr(e, n, t, "this week")) != NULL);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2025, 4, 14) && l == date_from_ymd(2025, 4, 20));
    REQUIRE((x = find_expr(e, n, t, "Wednesday")) != NULL);
    CHECK(x->future); /* "may meet": the coming Wednesday */
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2025, 4, 23));
    REQUIRE((x = find_expr(e, n, t, "April 18")) != NULL);
    CHECK(x->kind == DATE_EXPR_MONTH_DAY);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == ref);
    REQUIRE((x = find_expr(e, n, t, "3 March 2024")) != NULL);
    CHECK(x->kind == DATE_EXPR_FULL && date_resolve(x, ref, &f, &l) == 0 && f == date_from_ymd(2024, 3, 3));
    REQUIRE((x = find_expr(e, n, t, "November 2024")) != NULL);
    CHECK(x->kind == DATE_EXPR_MONTH_YEAR);
    REQUIRE((x = find_expr(e, n, t, "in 2022")) != NULL);
    CHECK(x->kind == DATE_EXPR_YEAR && x->year == 2022);
    REQUIRE((x = find_expr(e, n, t, "Yesterday")) != NULL);
    CHECK(date_resolve(x, ref, &f, &l) == 0 && f == ref - 1);
    /* "may" the verb is not a month */
    for (size_t i = 0; i < n; i++) CHECK(!(e[i].kind == DATE_EXPR_MONTH && e[i].month == 5));
    arena_free(&a);
}

TEST(clean_dates_infer_from_weekdays_and_months)
{
    /* Past month mentioned twice, a Tuesday, and the same month with a year
     * as the earlier record: early December of the next year. */
    const char *t = "The Kremlin said on Tuesday evening that no deal was reached. "
                    "In November the army made its biggest advance. "
                    "Its record was 725 square kilometers in November 2024. "
                    "Officials met on Tuesday. In November, more drones were fired than in the previous month.";
    arena a;
    arena_init(&a);
    date_hints h = DATE_HINTS_INIT;
    h.latest = date_from_ymd(2026, 6, 1);
    date_inference r;
    REQUIRE(date_infer_reference(&a, t, strlen(t), NULL, 0, &h, &r) == 0);
    CHECK(r.day == date_from_ymd(2025, 12, 2));
    CHECK(r.n_evidence >= 4);
    /* peers of the same story pull an undetermined text to their day */
    const char *t2 = "Rubio said on Friday that the talks could end. Talks in Paris on Thursday were useful.";
    date_day peer = date_from_ymd(2025, 4, 18);
    double pc = 0.8;
    h.peers = &peer;
    h.peer_confidence = &pc;
    h.n_peers = 1;
    REQUIRE(date_infer_reference(&a, t2, strlen(t2), NULL, 0, &h, &r) == 0);
    CHECK(r.day == peer);
    arena_free(&a);
}

/* ---- the reference date ---------------------------------------------------------- */

/* The expression of kind k in e[0..n), or NULL. */
static const date_expr *expr_of_kind(const date_expr *e, size_t n, int k)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].kind == k) return &e[i];
    return NULL;
}

static const char wire_1987[] =
    "Acme Bancorp said it raised its prime rate to 7-3/4 pct from 7-1/2 pct, effective March 2.\n"
    "The bank said the move followed similar increases by other major banks. "
    "Acme said the rate had last been changed in 1986.";

TEST(clean_reference_date_places_a_1987_wire)
{
    /* Published 1987-02-26: "effective March 2" is 1987-03-02, whatever
     * the day the test runs. */
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, wire_1987, strlen(wire_1987), NULL, "1987-02-26T15:01:01", "Reuters", &r) == 0);
    REQUIRE(r.event.value != NULL);
    CHECK_STR(r.event.value, "1987-02-26");
    CHECK_STR(r.event.source, "reference");
    CHECK_STR(r.published.value, "1987-02-26");
    CHECK_STR(r.published.source, "reference");
    date_expr *e;
    size_t n;
    REQUIRE(date_find(&a, r.text, r.len, &e, &n) == 0);
    const date_expr *x = expr_of_kind(e, n, DATE_EXPR_MONTH_DAY);
    REQUIRE(x != NULL);
    date_day f, l;
    REQUIRE(date_resolve(x, day(r.event.value), &f, &l) == 0);
    CHECK(f == date_from_ymd(1987, 3, 2) && l == f);
    /* Without a reference nothing places the text: no year is guessed. */
    REQUIRE(clean_text(&a, wire_1987, strlen(wire_1987), NULL, NULL, "Reuters", &r) == 0);
    CHECK(r.event.value == NULL || !strncmp(r.event.value, "1986", 4));
    /* Years named in passing do not move a text away from its reference. */
    const char *since = "It was the worst fire in the city since 2017. Firefighters said the fire began on "
                        "27 March. Officials said on 27 March that the cause was unknown.";
    REQUIRE(clean_text(&a, since, strlen(since), NULL, "2024-12-27", NULL, &r) == 0);
    CHECK(r.event.value && !strncmp(r.event.value, "2024", 4));
    /* A past "March 2" in a wire of March 4 is March 2 of that year. */
    const char *t = "The central bank said on March 2 it would hold rates. Traders said the move was expected.";
    REQUIRE(clean_text(&a, t, strlen(t), NULL, "1987-03-04", NULL, &r) == 0);
    CHECK_STR(r.event.value, "1987-03-02");
    arena_free(&a);
}

TEST(clean_reference_date_resolves_weekdays_against_the_article)
{
    /* "on Friday" is the Friday before the article's own date: 1987-02-27
     * for a wire of Wednesday 1987-03-04, 2025-04-18 for one of 2025-04-20. */
    const char *t = "The company said on Friday that it would cut 300 jobs. Shares fell 3 pct.";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, "1987-03-04", NULL, &r) == 0);
    CHECK_STR(r.event.value, "1987-02-27");
    REQUIRE(clean_text(&a, t, strlen(t), NULL, "2025-04-20T08:00:00Z", NULL, &r) == 0);
    CHECK_STR(r.event.value, "2025-04-18");
    /* the given date outranks the reference */
    REQUIRE(clean_text(&a, t, strlen(t), "1987-03-04", "2025-04-20", NULL, &r) == 0);
    CHECK_STR(r.event.value, "1987-02-27");
    /* with neither, a weekday alone dates nothing */
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK(r.event.value == NULL);
    /* a publication date in the page's metadata outranks the reference */
    const char *p = "<html><head><meta property=\"article:published_time\" content=\"2024-05-03T08:00:00Z\">"
                    "</head><body><article><p>The company said on Friday that it would cut 300 jobs at its "
                    "plant in the north of the country, the latest in a series of cuts.</p></article></body></html>";
    REQUIRE(clean_html(&a, p, strlen(p), NULL, NULL, "2031-06-01", &r) == 0);
    CHECK_STR(r.published.value, "2024-05-03T08:00:00Z");
    CHECK_STR(r.event.value, "2024-05-03");
    arena_free(&a);
}

/* The whole clean result as dates, for comparing runs. */
static void dates_of(arena *a, const char *text, const char *ref, char out[128])
{
    clean_result r;
    if (clean_text(a, text, strlen(text), NULL, ref, NULL, &r) != 0) {
        snprintf(out, 128, "error");
        return;
    }
    snprintf(out, 128, "%s|%s|%s|%.3f", r.published.value ? r.published.value : "-",
             r.event.value ? r.event.value : "-", r.event.source ? r.event.source : "-", r.event.confidence);
}

TEST(clean_dates_do_not_read_the_clock)
{
    /* The same text and reference give the same dates whatever "now" is. */
    const char *texts[] = {wire_1987,
                           "The Kremlin said on Tuesday evening that no deal was reached. In November the army "
                           "made its biggest advance. Its record was 725 square kilometers in November 2024.",
                           "Officials met on Friday. Another meeting is planned for next week."};
    const char *refs[] = {NULL, "1987-02-26", "2025-12-03T10:00:00Z"};
    const char *nows[] = {"2026-01-05", "2026-12-20T12:00:00Z", "2031-06-01"};
    const char *saved = getenv("ACCORD_NOW");
    char *keep = saved ? strdup(saved) : NULL;
    arena a;
    arena_init(&a);
    for (int t = 0; t < 3; t++)
        for (int k = 0; k < 3; k++) {
            char first[128], again[128];
            setenv("ACCORD_NOW", nows[0], 1);
            dates_of(&a, texts[t], refs[k], first);
            for (int w = 1; w < 3; w++) {
                setenv("ACCORD_NOW", nows[w], 1);
                dates_of(&a, texts[t], refs[k], again);
                CHECK_STR(again, first);
            }
        }
    if (keep) setenv("ACCORD_NOW", keep, 1);
    else unsetenv("ACCORD_NOW");
    free(keep);
    arena_free(&a);
}

TEST(util_reference_now_reads_accord_now)
{
    const char *saved = getenv("ACCORD_NOW");
    char *keep = saved ? strdup(saved) : NULL;
    char out[21];
    setenv("ACCORD_NOW", "2031-06-01", 1);
    CHECK(acc_reference_now(out) == 0);
    CHECK_STR(out, "2031-06-01T00:00:00Z");
    setenv("ACCORD_NOW", "2026-01-05T12:30:15Z", 1);
    CHECK(acc_reference_now(out) == 0);
    CHECK_STR(out, "2026-01-05T12:30:15Z");
    setenv("ACCORD_NOW", "2026-01-05T01:30+02:00", 1);
    CHECK(acc_reference_now(out) == 0);
    CHECK_STR(out, "2026-01-04T23:30:00Z");
    setenv("ACCORD_NOW", "2026-01-05T12:30:15.250", 1);
    CHECK(acc_reference_now(out) == 0);
    CHECK_STR(out, "2026-01-05T12:30:15Z");
    const char *bad[] = {"yesterday", "2026-02-30", "2026-13-01", "2026-01-05T25:00:00Z", "2026-01-05Tx", "20260105",
                         "2026-01-05 junk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("ACCORD_NOW", bad[i], 1);
        CHECK(acc_reference_now(out) == ACCORD_EUSAGE);
        CHECK(strstr(accord_error_last(), "ACCORD_NOW") != NULL);
    }
    /* unset or empty: the clock, in the same shape */
    setenv("ACCORD_NOW", "", 1);
    CHECK(acc_reference_now(out) == 0 && strlen(out) == 20 && out[10] == 'T' && out[19] == 'Z');
    if (keep) setenv("ACCORD_NOW", keep, 1);
    else unsetenv("ACCORD_NOW");
    free(keep);
}

TEST(clean_dates_infer_without_a_bound)
{
    /* No given date, no reference: only the text's own explicit dates place
     * it. */
    const char *t = "The Kremlin said on Tuesday evening that no deal was reached. "
                    "In November the army made its biggest advance. "
                    "Its record was 725 square kilometers in November 2024. "
                    "Officials met on Tuesday. In November, more drones were fired than in the previous month.";
    arena a;
    arena_init(&a);
    date_inference r;
    REQUIRE(date_infer_reference(&a, t, strlen(t), NULL, 0, NULL, &r) == 0);
    CHECK(r.day == date_from_ymd(2025, 12, 2));
    /* the same text with a reference years later: the earliest reading */
    date_hints h = DATE_HINTS_INIT;
    h.latest = date_from_ymd(2031, 6, 1);
    REQUIRE(date_infer_reference(&a, t, strlen(t), NULL, 0, &h, &r) == 0);
    CHECK(r.day == date_from_ymd(2025, 12, 2));
    /* a weekday alone: nothing */
    const char *w = "Officials met on Friday.";
    REQUIRE(date_infer_reference(&a, w, strlen(w), NULL, 0, NULL, &r) == 0);
    CHECK(r.day == DATE_NONE);
    arena_free(&a);
}

/* ---- plain text ------------------------------------------------------------------- */

TEST(clean_text_inline_junk_generic)
{
    const char *t =
        "Markets rallied on Monday, traders said. Advertisement The central bank held rates steady. "
        "Read more: Oil prices slump as demand fears grow The minister added that growth would pick up.\n"
        "Subscribe to our newsletter for daily updates\n"
        "Photo: AP\n"
        "The decision was widely expected. AFP\n"
        "(Reporting by Jane Doe; Editing by John Roe)\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "Markets rallied on Monday, traders said.") != NULL);
    CHECK(strstr(r.text, "The central bank held rates steady.") != NULL);
    CHECK(strstr(r.text, "The minister added that growth would pick up.") != NULL);
    CHECK(strstr(r.text, "The decision was widely expected.") != NULL);
    CHECK(strstr(r.text, "Advertisement") == NULL);
    CHECK(strstr(r.text, "Oil prices slump") == NULL);
    CHECK(strstr(r.text, "newsletter") == NULL);
    CHECK(strstr(r.text, "Photo: AP") == NULL);
    CHECK(strstr(r.text, "AFP") == NULL);
    CHECK(strstr(r.text, "Reporting by") == NULL);
    CHECK(in_removed(&r, "Read more: Oil prices slump as demand fears grow"));
    CHECK(in_list(r.credits, r.n_credits, "Reporting by Jane Doe"));
    CHECK(in_list(r.credits, r.n_credits, "AFP"));
    for (size_t i = 0; i < r.n_removed; i++) CHECK(r.removed[i].reason && *r.removed[i].reason);
    arena_free(&a);
}

TEST(clean_text_title_dateline_byline)
{
    const char *t = "Storm floods the coast as rivers burst their banks\n"
                    "By Maria Lopez\n"
                    "LISBON (Reuters) - Heavy rain flooded towns along the coast on Sunday, officials said.\n"
                    "Rescue teams evacuated hundreds of residents.\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK_STR(r.title, "Storm floods the coast as rivers burst their banks");
    CHECK_STR(r.author, "Maria Lopez");
    CHECK_STR(r.dateline, "LISBON");
    CHECK(!strncmp(r.text, "Heavy rain flooded towns", 24));
    CHECK(strstr(r.text, "Rescue teams evacuated hundreds of residents.") != NULL);
    arena_free(&a);
}

TEST(clean_text_bad_input)
{
    arena a;
    arena_init(&a);
    clean_result r;
    CHECK(clean_text(&a, "", 0, NULL, NULL, NULL, &r) == 0 && r.len == 0);
    CHECK(clean_text(NULL, "x", 1, NULL, NULL, NULL, &r) < 0);
    CHECK(clean_text(&a, NULL, 5, NULL, NULL, NULL, &r) < 0);
    const char junk[] = "\x01\x02 date 9999-99-99 \xff\xfe\n\n\n. . . ? ! ” ’ — -";
    CHECK(clean_text(&a, junk, sizeof junk - 1, "garbage", NULL, "src", &r) == 0);
    CHECK(clean_html(&a, junk, sizeof junk - 1, "not a url", NULL, NULL, &r) == 0);
    CHECK(clean_html(&a, "", 0, NULL, NULL, NULL, &r) == 0 && r.len == 0);
    arena_free(&a);
}

/* ---- the demo corpus against its answer key ---------------------------------------------- */

/* Sentences of a text: split at line ends and at . ! ? (after closing
 * quotes) followed by a space. */
static size_t split_sentences(char *s, char **out, size_t cap)
{
    size_t n = 0;
    char *p = s;
    while (*p && n < cap) {
        while (*p == ' ' || *p == '\n') p++;
        if (!*p) break;
        char *st = p;
        for (;;) {
            if (!*p || *p == '\n') break;
            if (*p == '.' || *p == '!' || *p == '?') {
                char *q = p + 1;
                while (*q == '"' || *q == '\'' || (!strncmp(q, "\xE2\x80\x9D", 3) && (q += 2)) ||
                       (!strncmp(q, "\xE2\x80\x99", 3) && (q += 2)))
                    q++;
                if (*q == ' ' || *q == '\n' || !*q) {
                    p = q;
                    break;
                }
            }
            p++;
        }
        char keep = *p;
        *p = 0;
        out[n++] = st;
        if (!keep) break;
        p++;
    }
    return n;
}

static void erase(char *s, const char *what)
{
    if (!what || !*what) return;
    char *p;
    size_t l = strlen(what);
    while ((p = strstr(s, what))) memset(p, ' ', l);
}

static json_t *gold(void)
{
    json_error_t err;
    return json_load_file("../../data/demo/seeds-gold.json", 0, &err);
}

TEST(clean_demo_against_gold)
{
    json_t *g = gold();
    REQUIRE(g != NULL);
    json_t *arts = json_object_get(g, "articles");
    const char *id;
    json_t *ga;
    int files = 0;
    json_object_foreach(arts, id, ga)
    {
        const char *file = json_string_value(json_object_get(ga, "file"));
        char given[11];
        const char *body;
        char *raw = demo(file, given, &body);
        REQUIRE(raw != NULL);
        files++;
        arena a;
        arena_init(&a);
        clean_result r;
        REQUIRE(clean_text(&a, body, strlen(body), given[0] ? given : NULL, NULL, NULL, &r) == 0);
        char *text = squeeze_ws(r.text);

        /* every junk item is out of the text and kept aside */
        static const char *const lists[] = {"boilerplate_inline", "boilerplate_lines", "caption_lines"};
        char *expect = strdup(body);
        for (int k = 0; k < 3; k++) {
            json_t *v;
            size_t i;
            json_array_foreach(json_object_get(ga, lists[k]), i, v)
            {
                const char *item = json_string_value(v);
                if (strstr(text, item) != NULL) fprintf(stderr, "    %s: still in text: %s\n", file, item);
                CHECK(strstr(text, item) == NULL);
                bool kept = in_removed(&r, item) || in_list(r.captions, r.n_captions, item) ||
                            in_list(r.credits, r.n_credits, item);
                CHECK(kept);
                if (k == 2) CHECK(in_list(r.captions, r.n_captions, item));
                erase(expect, item);
            }
        }
        const char *credit = json_string_value(json_object_get(ga, "credit_line"));
        if (credit) {
            CHECK(strstr(text, credit) == NULL);
            CHECK(in_list(r.credits, r.n_credits, credit));
            erase(expect, credit);
        }
        const char *trailing = json_string_value(json_object_get(ga, "trailing_credit"));
        if (trailing) {
            CHECK(in_list(r.credits, r.n_credits, trailing));
            /* the last paragraph no longer ends with the credit */
            size_t tl = strlen(text), cl = strlen(trailing);
            CHECK(!(tl >= cl && !strcmp(text + tl - cl, trailing)));
            char *last = strstr(expect, trailing);
            char *next;
            while (last && (next = strstr(last + 1, trailing))) last = next;
            if (last) memset(last, ' ', cl);
        }
        const char *title = json_string_value(json_object_get(ga, "title"));
        if (title) {
            CHECK_STR(r.title, title);
            erase(expect, title);
        } else {
            CHECK(r.title == NULL);
        }
        const char *dateline = json_string_value(json_object_get(ga, "dateline"));
        if (dateline) {
            CHECK_STR(r.dateline, dateline);
            char dl[64];
            snprintf(dl, sizeof dl, "%s - ", dateline);
            erase(expect, dl);
        }

        /* no sentence of news text is lost */
        char *sq = squeeze_ws(expect);
        char *sents[512];
        size_t ns = split_sentences(sq, sents, 512);
        CHECK(ns > 5);
        for (size_t i = 0; i < ns; i++) {
            char *s = squeeze_ws(sents[i]);
            if (*s && !strstr(text, s)) {
                fprintf(stderr, "    %s: sentence lost: %s\n", file, s);
                CHECK(!"news sentence lost");
            }
            free(s);
        }
        free(sq);
        free(expect);
        free(text);
        arena_free(&a);
        free(raw);
    }
    CHECK(files == 5);
    json_decref(g);
}

TEST(clean_demo_dates)
{
    json_t *g = gold();
    REQUIRE(g != NULL);
    json_t *arts = json_object_get(g, "articles");
    const char *id;
    json_t *ga;
    json_object_foreach(arts, id, ga)
    {
        const char *file = json_string_value(json_object_get(ga, "file"));
        const char *want = json_string_value(json_object_get(ga, "event_date"));
        char given[11];
        const char *body;
        char *raw = demo(file, given, &body);
        REQUIRE(raw != NULL);
        arena a;
        arena_init(&a);
        clean_result r;
        REQUIRE(clean_text(&a, body, strlen(body), given[0] ? given : NULL, NULL, NULL, &r) == 0);
        if (!strcmp(id, "9cf57e1aec268059") || !strcmp(id, "f8f6c89b85bfc837")) {
            /* no year: 001 names no month but February, 003 Easter weekend,
             * Palm Sunday and "20 April". With no reference date they are
             * left undated rather than dated to a guess (the story's other
             * articles date them, see clean_demo_dates_with_story_peers);
             * first seen two days after the events, they are dated by it. */
            CHECK(r.event.value == NULL);
            CHECK(r.published.value == NULL);
            REQUIRE(clean_text(&a, body, strlen(body), NULL, "2025-04-20T09:00:00Z", NULL, &r) == 0);
            REQUIRE(r.event.value != NULL);
            CHECK(labs((long)day(r.event.value) - day(want)) <= 1);
            CHECK(r.published.value == NULL || !strcmp(r.published.source, "reference"));
            arena_free(&a);
            free(raw);
            continue;
        }
        REQUIRE(r.event.value != NULL);
        long diff = (long)day(r.event.value) - day(want);
        if (!strcmp(id, "fdafb20dd39c0d62") || !strcmp(id, "3bdb60a11d8d6c44")) {
            /* dated by the text alone: explicit "April 18" with a caption
             * from Dec 2024; November twice beside "November 2024" and
             * Tuesdays. First seen two days after the events, the same. */
            char seen[11];
            date_format(day(want) + 2, seen);
            clean_result rl;
            REQUIRE(clean_text(&a, body, strlen(body), NULL, seen, NULL, &rl) == 0);
            CHECK_STR(rl.event.value, r.event.value);
            if (labs(diff) > 1) fprintf(stderr, "    %s: event %s, want %s\n", file, r.event.value, want);
            CHECK(labs(diff) <= 1);
        }
        if (!strcmp(id, "16b94be4e16100e7")) {
            /* given 2025-06-12; the text reports a Friday in April: flagged,
             * and dated to that April within a week */
            CHECK_STR(r.given.value, "2025-06-12");
            CHECK(r.date_flag != NULL && strstr(r.date_flag, "2025-06-12") && strstr(r.date_flag, "after"));
            CHECK(labs(diff) <= 7);
            CHECK(date_weekday(day(r.event.value)) == 4);
        }
        /* a caption's date is never the article's */
        CHECK(strcmp(r.event.value, "2024-12-19") != 0);
        arena_free(&a);
        free(raw);
    }
    json_decref(g);
}

TEST(clean_demo_dates_with_story_peers)
{
    /* 000 and 001 cannot be pinned to the day alone: 001 names no month
     * but February and no year. With the story's other articles as peers
     * (as the story stage knows them), both land on 2025-04-18. */
    const char *files[] = {"000_16b94be4e16100e7.txt", "001_9cf57e1aec268059.txt"};
    for (int k = 0; k < 2; k++) {
        char given[11];
        const char *body;
        char *raw = demo(files[k], given, &body);
        REQUIRE(raw != NULL);
        arena a;
        arena_init(&a);
        date_hints h = DATE_HINTS_INIT;
        if (given[0]) h.given = day(given);
        date_day peers[2] = {date_from_ymd(2025, 4, 18), date_from_ymd(2025, 4, 18)};
        double conf[2] = {0.5, 0.4};
        h.peers = peers;
        h.peer_confidence = conf;
        h.n_peers = 2;
        date_inference inf, ev;
        REQUIRE(date_infer_reference(&a, body, strlen(body), NULL, 0, &h, &inf) == 0);
        date_expr *e;
        size_t n;
        REQUIRE(date_find(&a, body, strlen(body), &e, &n) == 0);
        REQUIRE(date_event(body, strlen(body), e, n, inf.day, &ev) == 0);
        CHECK(labs((long)ev.day - date_from_ymd(2025, 4, 18)) <= 1);
        arena_free(&a);
        free(raw);
    }
}

TEST(clean_demo_dates_under_late_first_ingest)
{
    /* Undated, the demo's articles are bounded by when they were first
     * ingested, and that bound must not draw them to it: weeks, a year and
     * years after the events, each text's own evidence places it (002:
     * "April 18" after its photo of Dec 2024; 003: Easter on 20 April, a
     * Friday at the start of the Easter weekend; 004: a November set
     * against "November 2024", Tuesdays), and 000 and 001, which cannot,
     * take the day of the story's others. */
    static const char *const bounds[] = {"2026-01-05T12:00:00Z", "2026-12-20T12:00:00Z", "2031-06-01T12:00:00Z"};
    static const char *const files[] = {"000_16b94be4e16100e7.txt", "001_9cf57e1aec268059.txt",
                                        "002_fdafb20dd39c0d62.txt", "003_f8f6c89b85bfc837.txt",
                                        "004_3bdb60a11d8d6c44.txt"};
    static const char *const want[] = {"2025-04-18", "2025-04-18", "2025-04-18", "2025-04-18", "2025-12-02"};
    for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
        arena a;
        arena_init(&a);
        char given[5][11];
        const char *body[5];
        char *raw[5];
        clean_result r[5];
        for (int k = 0; k < 5; k++) {
            REQUIRE((raw[k] = demo(files[k], given[k], &body[k])) != NULL);
            REQUIRE(clean_text_learned(&a, body[k], strlen(body[k]), given[k][0] ? given[k] : NULL, NULL, bounds[b],
                                       NULL, NULL, &r[k]) == 0);
        }
        for (int k = 2; k < 5; k++) {
            CHECK_STR(r[k].event.value, want[k]);
            if (!r[k].event.value || strcmp(r[k].event.value, want[k]))
                fprintf(stderr, "    %s first seen %s\n", files[k], bounds[b]);
        }
        /* 000 and 001 with the April articles as peers */
        const char *peer_days[2] = {r[2].event.value, r[3].event.value};
        double peer_conf[2] = {r[2].event.confidence, r[3].event.confidence};
        for (int k = 0; k < 2; k++) {
            clean_date ev;
            REQUIRE(clean_event_date_with_peers(&a, body[k], strlen(body[k]), given[k][0] ? given[k] : NULL, NULL,
                                                bounds[b], peer_days, peer_conf, 2, &ev) == 0);
            CHECK_STR(ev.value, want[k]);
        }
        for (int k = 0; k < 5; k++) free(raw[k]);
        arena_free(&a);
    }
}

TEST(clean_dates_evidence_beats_the_bound)
{
    /* A weekday beside a day-month picks the years where that day is that
     * weekday; the years named are history, not the date: June 7 was a
     * Saturday in 2025 (and 2014), not in any other year since 2019. First
     * seen weeks or years later, the text is dated to 2025. */
    const char *fest = "The festival opened on Saturday, June 7, and closed on Sunday, June 8. "
                       "Organisers said attendance beat the record set in 2019.";
    /* A day and a movable feast tied to it in one sentence: Easter fell on
     * 20 April in 2025 (and 2014), and the Friday before it is Good Friday. */
    const char *feast = "Pilgrims filled the old town on Friday, at the start of the Easter weekend, five days "
                        "after the Palm Sunday processions. The mayor said the square would stay closed until "
                        "20 April, the day on which Easter will fall this year.";
    static const char *const bounds[] = {"2025-07-01", "2026-01-05", "2026-12-20", "2031-06-01"};
    arena a;
    arena_init(&a);
    date_expr *e;
    size_t n;
    REQUIRE(date_find(&a, fest, strlen(fest), &e, &n) == 0);
    const date_expr *x = expr_of_kind(e, n, DATE_EXPR_MONTH_DAY);
    REQUIRE(x != NULL);
    CHECK(x->month == 6 && x->day == 7 && x->weekday == 5);
    for (size_t b = 0; b < sizeof bounds / sizeof *bounds; b++) {
        date_hints h = DATE_HINTS_INIT;
        h.latest = day(bounds[b]);
        date_inference r;
        REQUIRE(date_infer_reference(&a, fest, strlen(fest), NULL, 0, &h, &r) == 0);
        int y = 0;
        if (r.day != DATE_NONE) date_to_ymd(r.day, &y, NULL, NULL);
        CHECK(y == 2025);
        clean_result cr;
        REQUIRE(clean_text_learned(&a, fest, strlen(fest), NULL, NULL, bounds[b], NULL, NULL, &cr) == 0);
        CHECK(cr.event.value && !strncmp(cr.event.value, "2025-06-0", 9));
        REQUIRE(date_infer_reference(&a, feast, strlen(feast), NULL, 0, &h, &r) == 0);
        CHECK(r.day == date_from_ymd(2025, 4, 18));
        REQUIRE(clean_text_learned(&a, feast, strlen(feast), NULL, NULL, bounds[b], NULL, NULL, &cr) == 0);
        CHECK_STR(cr.event.value, "2025-04-18");
    }
    /* Without the weekday, the day-month is the same in every year: the
     * year named ("in 2019") draws the text to it, not the bound. */
    const char *loose = "The festival opened on June 7 and closed on June 8. "
                        "Organisers said attendance beat the record set in 2019.";
    date_hints h = DATE_HINTS_INIT;
    h.latest = day("2031-06-01");
    date_inference r;
    REQUIRE(date_infer_reference(&a, loose, strlen(loose), NULL, 0, &h, &r) == 0);
    int y = 0;
    if (r.day != DATE_NONE) date_to_ymd(r.day, &y, NULL, NULL);
    CHECK(y == 2019);
    /* A November set against "November 2024" is the next one, whether the
     * text is first seen weeks or years later. */
    const char *nov = "The Kremlin said on Tuesday evening that no deal was reached. "
                      "In November the army made its biggest advance. "
                      "Its record was 725 square kilometers in November 2024. "
                      "Officials met on Tuesday. In November, more drones were fired than in the previous month.";
    for (size_t b = 1; b < sizeof bounds / sizeof *bounds; b++) {
        h.latest = day(bounds[b]);
        REQUIRE(date_infer_reference(&a, nov, strlen(nov), NULL, 0, &h, &r) == 0);
        CHECK(r.day == date_from_ymd(2025, 12, 2));
    }
    arena_free(&a);
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static const char page[] =
    "<!DOCTYPE html><html lang=\"en-GB\"><head><title>Bridge reopens after repairs | The Daily Example</title>"
    "<meta property=\"og:site_name\" content=\"The Daily Example\">"
    "<meta property=\"article:published_time\" content=\"2024-05-03T08:00:00Z\">"
    "<meta property=\"article:modified_time\" content=\"2024-05-04T09:30:00Z\">"
    "<link rel=\"canonical\" href=\"https://example.org/2024/05/03/bridge\">"
    "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Bridge reopens after "
    "repairs\",\"author\":{\"@type\":\"Person\",\"name\":\"Sam Writer\"}}</script>"
    "<style>p{color:red}</style></head><body>"
    "<nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>"
    "<div class=\"cookie-banner\">We use cookies to improve your experience. Accept all cookies?</div>"
    "<main><article class=\"story\"><h1>Bridge reopens after repairs</h1>"
    "<p class=\"byline\">By Sam Writer</p>"
    "<figure><img src=\"b.jpg\"><figcaption>The bridge at dawn on Friday. Photo: Jo Lens</figcaption></figure>"
    "<p>The old river bridge reopened to traffic on Friday after eighteen months of repairs, the city said.</p>"
    "<p>Engineers replaced the steel deck, strengthened the piers and repainted the whole structure, "
    "at a cost of 40 million euros.</p>"
    "<div class=\"ad-slot\">Advertisement</div>"
    "<h2>Traffic expected to ease</h2>"
    "<p>Commuters, who had faced detours of up to an hour, welcomed the reopening, and shops near the "
    "bridge expect more customers.</p>"
    "<div class=\"newsletter-signup\"><p>Sign up for our morning newsletter, delivered to your inbox.</p></div>"
    "<aside class=\"related\"><h3>Related stories</h3><ul><li><a href=\"/a\">Tunnel plan approved by the "
    "council after a long debate</a></li><li><a href=\"/b\">Ferry service to end this summer</a></li></ul></aside>"
    "</article></main>"
    "<footer><p>Copyright 2024 The Daily Example. All rights reserved.</p><a href=\"/privacy\">Privacy</a></footer>"
    "<script>var x = '<p>not text</p>';</script></body></html>";

TEST(clean_html_main_text_and_metadata)
{
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_html(&a, page, sizeof page - 1, "https://example.org/2024/05/03/bridge", NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "The old river bridge reopened to traffic on Friday") != NULL);
    CHECK(strstr(r.text, "Engineers replaced the steel deck") != NULL);
    CHECK(strstr(r.text, "Commuters, who had faced detours") != NULL);
    CHECK(strstr(r.text, "Traffic expected to ease") != NULL);
    CHECK(strstr(r.text, "Home") == NULL);
    CHECK(strstr(r.text, "cookies") == NULL);
    CHECK(strstr(r.text, "Advertisement") == NULL);
    CHECK(strstr(r.text, "newsletter") == NULL);
    CHECK(strstr(r.text, "Tunnel plan") == NULL);
    CHECK(strstr(r.text, "Related stories") == NULL);
    CHECK(strstr(r.text, "Copyright") == NULL);
    CHECK(strstr(r.text, "not text") == NULL);
    CHECK(strstr(r.text, "The bridge at dawn") == NULL);
    CHECK(strstr(r.text, "By Sam Writer") == NULL);
    /* one paragraph per line */
    size_t lines = 1;
    for (size_t i = 0; i < r.len; i++) lines += r.text[i] == '\n';
    CHECK(lines == 4);
    CHECK(in_list(r.captions, r.n_captions, "The bridge at dawn on Friday."));
    CHECK_STR(r.title, "Bridge reopens after repairs");
    CHECK_STR(r.site_name, "The Daily Example");
    CHECK_STR(r.author, "Sam Writer");
    CHECK_STR(r.canonical_url, "https://example.org/2024/05/03/bridge");
    CHECK_STR(r.lang, "en");
    CHECK(r.published.value && !strncmp(r.published.value, "2024-05-03", 10));
    CHECK_STR(r.published.source, "meta:article:published_time");
    CHECK(r.modified.value && !strncmp(r.modified.value, "2024-05-04", 10));
    /* "on Friday", published Friday 3 May 2024 */
    CHECK_STR(r.event.value, "2024-05-03");
    arena_free(&a);
}

TEST(clean_html_title_and_url_date_fallbacks)
{
    const char *p = "<html><head><title>Council votes on budget - City News</title>"
                    "<meta property=\"og:site_name\" content=\"City News\"></head><body>"
                    "<div id=\"content\"><p>The council voted on Tuesday to approve the budget, with 30 votes "
                    "in favour and 12 against, after a debate that lasted most of the day.</p>"
                    "<p>The mayor said the vote showed that the city could plan ahead, and that spending on "
                    "schools would rise.</p></div></body></html>";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_html(&a, p, strlen(p), "https://news.example/2023/11/07/council-budget", NULL, NULL, &r) == 0);
    CHECK_STR(r.title, "Council votes on budget");
    CHECK(r.published.value && !strcmp(r.published.value, "2023-11-07"));
    CHECK_STR(r.published.source, "url");
    CHECK(strstr(r.text, "The council voted on Tuesday") != NULL);
    CHECK_STR(r.event.value, "2023-11-07");
    arena_free(&a);
}

/* ---- learned boilerplate ------------------------------------------------------------------------ */

TEST(clean_learned_boilerplate)
{
    CHECK(!clean_learn_is_boilerplate(3, 4));
    CHECK(clean_learn_is_boilerplate(8, 10));
    CHECK(!clean_learn_is_boilerplate(8, 100));
    CHECK(clean_fragment_key("Updated 3 May, 2024", 19) == clean_fragment_key("updated 4 may 2025", 18));
    CHECK(clean_fragment_key("Some text", 9) != clean_fragment_key("Other text", 10));

    const char *t = "The port handled record volumes this year, its director said. "
                    "Follow the Harbour Gazette for the latest shipping news and analysis.\n"
                    "Cargo rose by a tenth.\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, "gazette", &r) == 0);
    clean_fragment *f;
    size_t n;
    REQUIRE(clean_learn_fragments(&a, &r, &f, &n) == 0);
    const char *boiler = "Follow the Harbour Gazette for the latest shipping news and analysis.";
    uint64_t want = clean_fragment_key(boiler, strlen(boiler));
    bool has = false;
    for (size_t i = 0; i < n; i++) has = has || f[i].key == want;
    CHECK(has);
    clean_learned learned;
    REQUIRE(clean_learned_from_keys(&a, &want, 1, &learned) == 0);
    REQUIRE(clean_text_learned(&a, t, strlen(t), NULL, NULL, NULL, "gazette", &learned, &r) == 0);
    CHECK(strstr(r.text, "Follow the Harbour Gazette") == NULL);
    CHECK(strstr(r.text, "its director said.") != NULL);
    CHECK(strstr(r.text, "Cargo rose by a tenth.") != NULL);
    bool reason = false;
    for (size_t i = 0; i < r.n_removed; i++)
        reason = reason || !strcmp(r.removed[i].reason, "learned-boilerplate:gazette");
    CHECK(reason);
    /* once learned, the fragment is still counted (from the removed list) */
    REQUIRE(clean_learn_fragments(&a, &r, &f, &n) == 0);
    has = false;
    for (size_t i = 0; i < n; i++) has = has || f[i].key == want;
    CHECK(has);
    arena_free(&a);
}

TEST(clean_lines_of_the_trade_in_several_languages)
{
    const char *t = "Die Stadt baut eine neue Br\xC3\xBC" "cke \xC3\xBC" "ber den Fluss, sagte der B\xC3\xBCrgermeister.\n"
                    "Lesen Sie auch: Neue Radwege f\xC3\xBCr die Innenstadt\n"
                    "24. M\xC3\xA4rz 2004, 19:49\n"
                    "Telefon +81 158-23-2012\n"
                    "\xC2\xA9 2024 Stadtanzeiger. Alle Rechte vorbehalten.\n"
                    "Kommentare\n"
                    "Abbildung 2: Der Entwurf der Br\xC3\xBC" "cke\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "Die Stadt baut eine neue") != NULL);
    CHECK(strstr(r.text, "Telefon +81 158-23-2012") != NULL); /* a phone number is not a date */
    CHECK(strstr(r.text, "Lesen Sie auch") == NULL);
    CHECK(strstr(r.text, "2004") == NULL);
    CHECK(strstr(r.text, "Alle Rechte") == NULL);
    CHECK(strstr(r.text, "Kommentare") == NULL);
    CHECK(strstr(r.text, "Abbildung") == NULL);
    CHECK(in_list(r.captions, r.n_captions, "Abbildung 2"));
    bool related = false, meta = false;
    for (size_t i = 0; i < r.n_removed; i++) {
        related = related || (!strcmp(r.removed[i].reason, "related") && strstr(r.removed[i].text, "Lesen Sie auch"));
        meta = meta || (!strcmp(r.removed[i].reason, "metadata") && strstr(r.removed[i].text, "2004"));
    }
    CHECK(related);
    CHECK(meta);
    arena_free(&a);
}

/* A wire sign-off on the last line is a credit; the paragraph before it is
 * news, not a photo caption. */
TEST(clean_trailing_signoff_keeps_last_paragraph)
{
    arena a;
    arena_init(&a);
    const char *t = "Sri Lanka's Central Bank offered 250 mln rupees worth of three-month treasury "
                    "bills at its weekly tender, a Bank spokesman said.\nREUTER\n";
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, "Reuters", &r) == 0);
    CHECK(strstr(r.text, "Sri Lanka's Central Bank offered") == r.text);
    CHECK(r.n_captions == 0);
    CHECK(r.n_credits == 1);
    arena_free(&a);
}

/* A call to follow the outlet on a platform goes; news about the
 * platforms stays. */
TEST(clean_social_calls)
{
    const char *t = "The minister said on Twitter and Facebook that the bridge would reopen in May.\n"
                    "Follow the Harbour Gazette on Twitter and Instagram for more news.\n"
                    "Siguenos en Telegram, Instagram, Facebook y Twitter para recibir todas las noticias.\n"
                    "For the latest stories download the Gazette apps for iOS and Android.\n"
                    "The app is available for iOS and Android, the company said.\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "The minister said on Twitter") != NULL);
    CHECK(strstr(r.text, "The app is available for iOS") != NULL);
    CHECK(strstr(r.text, "Follow the Harbour Gazette") == NULL);
    CHECK(strstr(r.text, "Siguenos") == NULL);
    CHECK(strstr(r.text, "download the Gazette apps") == NULL);
    arena_free(&a);
}

/* Reprint notices, paywall prompts, disclosures and disclaimers go. */
TEST(clean_publisher_notices)
{
    const char *t = "The council approved the budget on Tuesday after a long debate.\n"
                    "This article is the copyrighted property of the Harbour Gazette.\n"
                    "To view the full story, please subscribe to the Harbour Gazette.\n"
                    "This post contains affiliate links; we may earn a commission.\n"
                    "The views expressed do not necessarily reflect those of the editors.\n"
                    "The mayor said spending on schools would rise next year.\n";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_text(&a, t, strlen(t), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "The council approved the budget") != NULL);
    CHECK(strstr(r.text, "The mayor said spending") != NULL);
    CHECK(strstr(r.text, "copyrighted") == NULL);
    CHECK(strstr(r.text, "please subscribe") == NULL);
    CHECK(strstr(r.text, "affiliate") == NULL);
    CHECK(strstr(r.text, "necessarily") == NULL);
    arena_free(&a);
}

/* The structure of real pages: an article split into deeply nested
 * sibling sections, a standfirst in the header, a label over a list of
 * tags; ruby readings, a <noscript> left open. */
#define NEST(x) "<div class=\"w\"><div class=\"w\"><div class=\"w\"><div class=\"w\">" x "</div></div></div></div>"
TEST(clean_html_page_structure)
{
    const char *p =
        "<html><head><title>Harbour expands - Gazette</title></head><body>"
        "<div class=\"page\"><header><h1>Harbour expands</h1>"
        "<p>The port will double its capacity by 2030, the city council decided.</p>"
        "<span class=\"byline\">By Ann Writer</span></header>"
        "<div class=\"sections\">"
        NEST("<p>The harbour of the city will get two new quays and a larger container yard, the council "
             "decided on Monday after a debate of several hours.</p>")
        NEST("<p>Shipping companies had asked for more room for years, and the port authority said that the "
             "work, which starts in spring, would take four years.</p>")
        NEST("<p>Residents near the docks, who fear more traffic, will be heard at a public meeting in "
             "March, the mayor said on Tuesday evening.</p>")
        "</div>"
        "<p>Themen im Artikel</p><ul><li><a href=\"/t/port\">Port</a></li><li><a href=\"/t/city\">City</a></li></ul>"
        "</div></body></html>";
    arena a;
    arena_init(&a);
    clean_result r;
    REQUIRE(clean_html(&a, p, strlen(p), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "two new quays") != NULL);
    CHECK(strstr(r.text, "take four years") != NULL);
    CHECK(strstr(r.text, "public meeting in March") != NULL);
    CHECK(strstr(r.text, "double its capacity") != NULL); /* the standfirst */
    CHECK(strstr(r.text, "Themen im Artikel") == NULL);

    const char *q = "<html><body><noscript><div id=\"nojs\"></noscript><div><p>"
                    "\xE5\xAD\x90<ruby>\xE6\xB3\x95<rt>\xE3\x81\xBB\xE3\x81\x86</rt></ruby>"
                    "\xE5\xBE\x8B\xE3\x81\x8C\xE3\x81\xA7\xE3\x81\x8D\xE3\x81\xBE\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82 "
                    "The new law on the protection of children was passed by parliament on Friday, and it comes "
                    "into force next year, the ministry said.</p></div></body></html>";
    REQUIRE(clean_html(&a, q, strlen(q), NULL, NULL, NULL, &r) == 0);
    CHECK(strstr(r.text, "The new law on the protection of children") != NULL);
    CHECK(strstr(r.text, "\xE5\xAD\x90\xE6\xB3\x95\xE5\xBE\x8B") != NULL); /* no reading, no break */
    CHECK(strstr(r.text, "\xE3\x81\xBB\xE3\x81\x86") == NULL);
    arena_free(&a);
}
#undef NEST
