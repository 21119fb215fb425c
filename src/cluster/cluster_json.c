/* cluster_json.c - reading stories: the story list, one story with why each
 * article belongs, storylines, the article export, and the B-cubed
 * evaluation against gold labels.
 *
 * Each builder returns a jansson object so that the public API (and later
 * stages, through it) can add keys before it is serialised: `accord story`
 * gets its summary, facts and quotes added to the object built here. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clean/dates.h"
#include "cluster_json.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/util.h"

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "%s failed: %s", what, sqlite3_errmsg(store_db(st)));
}

/* A stored day number as "YYYY-MM-DD", or null. */
static json_t *day_json(sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL) return json_null();
    char d[11];
    date_format((date_day)sqlite3_column_int(s, col), d);
    return json_string(d);
}

static int bind_date(sqlite3_stmt *s, int i, const char *date)
{
    if (!date) return 0;
    date_day d = date_parse_iso(date, strlen(date));
    if (d == DATE_NONE || strlen(date) != 10)
        return acc_error(ACCORD_EUSAGE, "'%s' is not a date: give YYYY-MM-DD", date);
    sqlite3_bind_int(s, i, d);
    return 0;
}

/* An FTS5 phrase query for a name, quotes doubled. */
static char *phrase(const char *name)
{
    buf b = BUF_INIT;
    buf_putc(&b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"') buf_putc(&b, '"');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '"');
    return buf_failed(&b) ? (buf_free(&b), NULL) : buf_detach(&b);
}

/* A story's span from its members' dates (event, else published, else
 * given) when none of them had a day to cluster by. */
#define INFERRED_SPAN(story)                                                                       \
    "(SELECT min(substr(coalesce(a.event_date, a.published, a.given_date), 1, 10)) FROM story_articles sa " \
    "JOIN articles a ON a.rowid = sa.article WHERE sa.story = " story ") AS inf_first, "           \
    "(SELECT max(substr(coalesce(a.event_date, a.published, a.given_date), 1, 10)) FROM story_articles sa " \
    "JOIN articles a ON a.rowid = sa.article WHERE sa.story = " story ") AS inf_last"

/* Sets "first", "last" and "dates" ("metadata", "inferred" or null). */
static void set_span(json_t *o, sqlite3_stmt *s, int first, int inf_first)
{
    if (sqlite3_column_type(s, first) != SQLITE_NULL) {
        json_object_set_new(o, "first", day_json(s, first));
        json_object_set_new(o, "last", day_json(s, first + 1));
        json_object_set_new(o, "dates", json_string("metadata"));
    } else if (sqlite3_column_type(s, inf_first) != SQLITE_NULL) {
        json_object_set_new(o, "first", acc_json_column(s, inf_first));
        json_object_set_new(o, "last", acc_json_column(s, inf_first + 1));
        json_object_set_new(o, "dates", json_string("inferred"));
    } else {
        json_object_set_new(o, "first", json_null());
        json_object_set_new(o, "last", json_null());
        json_object_set_new(o, "dates", json_null());
    }
}

#define OUTLETS_OF(story)                                                                          \
    "(SELECT json_group_array(o) FROM (SELECT DISTINCT coalesce(a.source, a.id) AS o "              \
    "FROM story_articles sa JOIN articles a ON a.rowid = sa.article WHERE sa.story = " story       \
    " ORDER BY o)) AS outlets_json"

int cluster_stories_json(store *st, const accord_story_query *q, json_t **out)
{
    accord_story_query none = {0};
    if (!q) q = &none;
    *out = NULL;
    const char *where =
        "WHERE (?1 IS NULL OR s.last_day >= ?1) AND (?2 IS NULL OR s.first_day <= ?2) "
        "AND (?3 IS NULL OR s.id IN (SELECT sa.story FROM articles_fts f JOIN story_articles sa "
        "ON sa.article = f.rowid WHERE articles_fts MATCH ?3)) "
        "AND (?4 IS NULL OR s.id IN (SELECT sa.story FROM story_articles sa JOIN articles a "
        "ON a.rowid = sa.article WHERE a.source = ?4)) ";
    buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT s.id, s.label, s.first_day, s.last_day, s.n_articles, s.n_distinct, s.storyline, "
               OUTLETS_OF("s.id") ", " INFERRED_SPAN("s.id") " FROM stories s %s"
               "ORDER BY s.last_day DESC NULLS LAST, s.id DESC LIMIT ?5 OFFSET ?6",
               where);
    buf cnt = BUF_INIT;
    buf_printf(&cnt, "SELECT count(*) FROM stories s %s", where);
    if (buf_failed(&sql) || buf_failed(&cnt)) {
        buf_free(&sql);
        buf_free(&cnt);
        return acc_error(ACCORD_ENOMEM, "out of memory");
    }
    char *ph = q->entity ? phrase(q->entity) : NULL;
    int rc = 0;
    json_t *items = json_array();
    long long total = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        sqlite3_stmt *s = store_prepare(st, buf_cstr(pass ? &cnt : &sql));
        if (!s) {
            rc = db_fail(st, "listing stories");
            break;
        }
        if ((rc = bind_date(s, 1, q->since)) || (rc = bind_date(s, 2, q->until))) {
            sqlite3_reset(s);
            break;
        }
        if (ph) sqlite3_bind_text(s, 3, ph, -1, SQLITE_TRANSIENT);
        if (q->source) sqlite3_bind_text(s, 4, q->source, -1, SQLITE_TRANSIENT);
        if (!pass) {
            sqlite3_bind_int(s, 5, q->limit > 0 ? q->limit : 50);
            sqlite3_bind_int(s, 6, q->offset > 0 ? q->offset : 0);
        }
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            if (pass) {
                total = sqlite3_column_int64(s, 0);
                continue;
            }
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
            json_object_set_new(o, "label", acc_json_column(s, 1));
            set_span(o, s, 2, 8);
            json_object_set_new(o, "articles", acc_json_column(s, 4));
            json_object_set_new(o, "distinct", acc_json_column(s, 5));
            const char *ol = (const char *)sqlite3_column_text(s, 7);
            json_t *outlets = ol ? json_loads(ol, 0, NULL) : NULL;
            json_object_set_new(o, "outlets", outlets ? outlets : json_array());
            json_object_set_new(o, "storyline", acc_json_column(s, 6));
            json_array_append_new(items, o);
        }
        sqlite3_reset(s);
        if (step != SQLITE_DONE)
            rc = q->entity ? acc_error(ACCORD_EUSAGE, "bad entity '%s': %s", q->entity, sqlite3_errmsg(store_db(st)))
                           : db_fail(st, "listing stories");
    }
    free(ph);
    buf_free(&sql);
    buf_free(&cnt);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:I, s:o}", "total", (json_int_t)total, "stories", items);
    return *out ? 0 : acc_error(ACCORD_ENOMEM, "out of memory");
}

int cluster_story_object(store *st, int64_t id, json_t **out)
{
    *out = NULL;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT s.id, s.label, s.first_day, s.last_day, s.n_articles, s.n_distinct, s.storyline, "
            "(SELECT count(*) FROM stories t WHERE t.storyline = s.storyline) AS line_stories, " OUTLETS_OF("s.id")
            ", " INFERRED_SPAN("s.id") " FROM stories s WHERE s.id = ?1");
    if (!s) return db_fail(st, "reading a story");
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return acc_error(ACCORD_ENOTFOUND, "no story %lld: see 'accord stories' for the ids", (long long)id);
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "label", acc_json_column(s, 1));
    set_span(o, s, 2, 9);
    json_object_set_new(o, "articles_count", acc_json_column(s, 4));
    json_object_set_new(o, "distinct", acc_json_column(s, 5));
    if (sqlite3_column_type(s, 6) != SQLITE_NULL)
        json_object_set_new(o, "storyline", json_pack("{s:I, s:I}", "id", (json_int_t)sqlite3_column_int64(s, 6),
                                                      "stories", (json_int_t)sqlite3_column_int64(s, 7)));
    else
        json_object_set_new(o, "storyline", json_null());
    const char *ol = (const char *)sqlite3_column_text(s, 8);
    json_t *outlets = ol ? json_loads(ol, 0, NULL) : NULL;
    json_object_set_new(o, "outlets", outlets ? outlets : json_array());
    sqlite3_reset(s);

    sqlite3_stmt *m = store_prepare(
        st, "SELECT a.id, a.source, a.title, a.url, a.published, a.event_date, a.given_date, sa.day, "
            "sa.headline, sa.score, sa.why, c.id FROM story_articles sa JOIN articles a ON a.rowid = sa.article "
            "LEFT JOIN articles c ON c.rowid = sa.copy_of WHERE sa.story = ?1 "
            "ORDER BY sa.day NULLS LAST, sa.seq");
    if (!m) {
        json_decref(o);
        return db_fail(st, "reading a story's articles");
    }
    sqlite3_bind_int64(m, 1, id);
    json_t *arts = json_array();
    while (sqlite3_step(m) == SQLITE_ROW) {
        json_t *a = json_object();
        json_object_set_new(a, "id", acc_json_column(m, 0));
        json_object_set_new(a, "source", acc_json_column(m, 1));
        json_object_set_new(a, "title", acc_json_column(m, 2));
        json_object_set_new(a, "url", acc_json_column(m, 3));
        json_object_set_new(a, "published", acc_json_column(m, 4));
        json_object_set_new(a, "event_date", acc_json_column(m, 5));
        json_object_set_new(a, "given_date", acc_json_column(m, 6));
        json_object_set_new(a, "day", day_json(m, 7));
        json_object_set_new(a, "headline", acc_json_column(m, 8));
        json_object_set_new(a, "score", acc_json_column(m, 9));
        const char *w = (const char *)sqlite3_column_text(m, 10);
        json_t *why = w ? json_loads(w, 0, NULL) : NULL;
        json_object_set_new(a, "why", why ? why : json_null());
        json_object_set_new(a, "copy_of", acc_json_column(m, 11));
        json_array_append_new(arts, a);
    }
    sqlite3_reset(m);
    json_object_set_new(o, "articles", arts);
    *out = o;
    return 0;
}

int cluster_storylines_json(store *st, int min_stories, int limit, int offset, json_t **out)
{
    *out = NULL;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT storyline, count(*), min(first_day), max(last_day), sum(n_articles) FROM stories "
            "WHERE storyline IS NOT NULL GROUP BY storyline HAVING count(*) >= ?1 "
            "ORDER BY max(last_day) DESC NULLS LAST, storyline DESC LIMIT ?2 OFFSET ?3");
    if (!s) return db_fail(st, "listing storylines");
    sqlite3_bind_int(s, 1, min_stories > 0 ? min_stories : 1);
    sqlite3_bind_int(s, 2, limit > 0 ? limit : 50);
    sqlite3_bind_int(s, 3, offset > 0 ? offset : 0);
    json_t *lines = json_array();
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", acc_json_column(s, 0));
        json_object_set_new(o, "stories_count", acc_json_column(s, 1));
        json_object_set_new(o, "first", day_json(s, 2));
        json_object_set_new(o, "last", day_json(s, 3));
        json_object_set_new(o, "articles", acc_json_column(s, 4));
        json_array_append_new(lines, o);
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *ni = realloc(ids, cap * sizeof *ni);
            if (!ni) {
                sqlite3_reset(s);
                free(ids);
                json_decref(lines);
                return acc_error(ACCORD_ENOMEM, "out of memory");
            }
            ids = ni;
        }
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    sqlite3_stmt *m = store_prepare(st, "SELECT s.id, s.label, s.first_day, s.last_day, s.n_articles, s.n_distinct, "
                                        INFERRED_SPAN("s.id") " FROM stories s "
                                        "WHERE s.storyline = ?1 ORDER BY s.first_day NULLS LAST, inf_first NULLS LAST, s.id");
    if (!m) {
        free(ids);
        json_decref(lines);
        return db_fail(st, "listing storylines");
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(m, 1, ids[i]);
        json_t *stories = json_array();
        json_t *label = NULL;
        long long best = -1;
        while (sqlite3_step(m) == SQLITE_ROW) {
            json_t *o = json_object();
            json_object_set_new(o, "id", acc_json_column(m, 0));
            json_object_set_new(o, "label", acc_json_column(m, 1));
            set_span(o, m, 2, 6);
            json_object_set_new(o, "articles", acc_json_column(m, 4));
            json_object_set_new(o, "distinct", acc_json_column(m, 5));
            /* The storyline reads as its largest story (the earliest of equals). */
            if (sqlite3_column_int64(m, 4) > best) {
                best = sqlite3_column_int64(m, 4);
                json_decref(label);
                label = acc_json_column(m, 1);
            }
            json_array_append_new(stories, o);
        }
        sqlite3_reset(m);
        json_t *line = json_array_get(lines, i);
        json_object_set_new(line, "label", label ? label : json_null());
        json_object_set_new(line, "stories", stories);
    }
    free(ids);
    *out = json_pack("{s:o}", "storylines", lines);
    return *out ? 0 : acc_error(ACCORD_ENOMEM, "out of memory");
}

int cluster_export_articles(store *st, accord_line_fn emit, void *ud)
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT a.id, a.source, a.url, a.title, a.published, a.event_date, a.given_date, sa.story, "
            "s.storyline, c.id AS copy_of FROM articles a LEFT JOIN story_articles sa ON sa.article = a.rowid "
            "LEFT JOIN stories s ON s.id = sa.story LEFT JOIN articles c ON c.rowid = sa.copy_of ORDER BY a.rowid");
    if (!s) return db_fail(st, "exporting articles");
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *o = acc_json_row(s);
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!line) {
            rc = acc_error(ACCORD_ENOMEM, "out of memory exporting");
            break;
        }
        rc = emit(ud, line, strlen(line));
        free(line);
        if (rc) break;
    }
    sqlite3_reset(s);
    if (rc == 0 && step != SQLITE_DONE) rc = db_fail(st, "exporting articles");
    return rc;
}

int cluster_eval_json(store *st, const char *field, json_t **out)
{
    *out = NULL;
    if (!field || !*field) field = "event";
    for (const char *p = field; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return acc_error(ACCORD_EUSAGE, "label field '%s': use letters, digits and _", field);
    char path[160];
    snprintf(path, sizeof path, "$.%s", field);
    sqlite3_stmt *s = store_prepare(
        st, "WITH x AS (SELECT sa.story AS s, CAST(json_extract(a.extra, ?1) AS TEXT) AS l "
            "  FROM articles a JOIN story_articles sa ON sa.article = a.rowid "
            "  WHERE json_valid(a.extra) AND json_extract(a.extra, ?1) IS NOT NULL), "
            "sl AS (SELECT s, l, count(*) AS n FROM x GROUP BY s, l), "
            "ss AS (SELECT s, count(*) AS n FROM x GROUP BY s), "
            "ll AS (SELECT l, count(*) AS n FROM x GROUP BY l) "
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM x), (SELECT count(*) FROM ll), "
            "(SELECT count(*) FROM ss), "
            "(SELECT sum(1.0 * sl.n * sl.n / ss.n) FROM sl JOIN ss ON ss.s = sl.s), "
            "(SELECT sum(1.0 * sl.n * sl.n / ll.n) FROM sl JOIN ll ON ll.l = sl.l)");
    if (!s) return db_fail(st, "evaluating stories");
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return db_fail(st, "evaluating stories");
    }
    long long articles = sqlite3_column_int64(s, 0), labelled = sqlite3_column_int64(s, 1);
    long long events = sqlite3_column_int64(s, 2), stories = sqlite3_column_int64(s, 3);
    double p = labelled ? sqlite3_column_double(s, 4) / (double)labelled : 0;
    double r = labelled ? sqlite3_column_double(s, 5) / (double)labelled : 0;
    sqlite3_reset(s);
    if (!labelled)
        return acc_error(ACCORD_EINPUT, "no article carries a '%s' label: give JSONL lines with a \"%s\" field",
                         field, field);
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    *out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:f, s:f, s:f}", "label", field, "articles", (json_int_t)articles,
                     "labelled", (json_int_t)labelled, "events", (json_int_t)events, "stories",
                     (json_int_t)stories, "precision", round(p * 10000) / 10000, "recall", round(r * 10000) / 10000,
                     "f1", round(f * 10000) / 10000);
    return *out ? 0 : acc_error(ACCORD_ENOMEM, "out of memory");
}
