/* api_articles.c - the article reads of accord.h: lists, one article with its
 * paragraphs and sentences, full-text search, and store statistics. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

#define ARTICLE_COLUMNS                                                                            \
    "id, version, source, url, title, author, given_date, published, fetched, event_date, lang, " \
    "length(text) AS bytes, (SELECT story FROM story_articles WHERE article = articles.rowid) AS story"

/* The filters of an article list, shared by the page and its count so
 * that `total` counts exactly what paging walks through. */
#define ARTICLE_FILTERS                                                                          \
    "WHERE (?1 IS NULL OR source = ?1) "                                                         \
    "AND (?2 IS NULL OR substr(coalesce(published, event_date, given_date), 1, 10) >= ?2) "      \
    "AND (?3 IS NULL OR substr(coalesce(published, event_date, given_date), 1, 10) <= ?3) "

static void bind_article_filters(sqlite3_stmt *s, const accord_article_query *q)
{
    if (q->source) sqlite3_bind_text(s, 1, q->source, -1, SQLITE_TRANSIENT);
    if (q->since) sqlite3_bind_text(s, 2, q->since, -1, SQLITE_TRANSIENT);
    if (q->until) sqlite3_bind_text(s, 3, q->until, -1, SQLITE_TRANSIENT);
}

int accord_articles_json(accord *db, const accord_article_query *q, char **json)
{
    accord_article_query none = {0};
    if (!q) q = &none;
    sqlite3_stmt *s = store_prepare(db->st, "SELECT " ARTICLE_COLUMNS " FROM articles " ARTICLE_FILTERS
                                            "ORDER BY coalesce(published, event_date, given_date) DESC NULLS LAST, id "
                                            "LIMIT ?4 OFFSET ?5");
    if (!s) return ACCORD_EINTERNAL;
    bind_article_filters(s, q);
    sqlite3_bind_int(s, 4, q->limit > 0 ? q->limit : 100);
    sqlite3_bind_int(s, 5, q->offset > 0 ? q->offset : 0);
    json_t *items = acc_json_rows(s);
    sqlite3_stmt *c = store_prepare(db->st, "SELECT count(*) FROM articles " ARTICLE_FILTERS);
    if (!c) {
        json_decref(items);
        return ACCORD_EINTERNAL;
    }
    bind_article_filters(c, q);
    int rc = sqlite3_step(c);
    long long total = rc == SQLITE_ROW ? sqlite3_column_int64(c, 0) : 0;
    sqlite3_reset(c);
    if (rc != SQLITE_ROW) {
        json_decref(items);
        return acc_error(ACCORD_EINTERNAL, "cannot count the articles: %s", sqlite3_errmsg(store_db(db->st)));
    }
    return acc_json_out(json_pack("{s:I, s:o}", "total", (json_int_t)total, "articles", items), json);
}

static json_t *structure_json(const char *text, size_t len)
{
    arena a;
    arena_init(&a);
    text_doc d;
    json_t *paras = json_array();
    if (text_analyze(&a, text, len, &d) == 0) {
        for (size_t p = 0; p < d.n_paragraphs; p++) {
            const text_paragraph *tp = &d.paragraphs[p];
            json_t *sents = json_array();
            for (uint32_t k = 0; k < tp->n_sentences; k++) {
                const text_sentence *ts = &d.sentences[tp->first_sentence + k];
                json_array_append_new(sents, json_pack("{s:i, s:i, s:s%}", "start", (int)ts->start, "end",
                                                       (int)ts->end, "text", text + ts->start,
                                                       (size_t)(ts->end - ts->start)));
            }
            json_array_append_new(paras, json_pack("{s:i, s:i, s:o}", "start", (int)tp->start, "end",
                                                   (int)tp->end, "sentences", sents));
        }
    }
    arena_free(&a);
    return paras;
}

int accord_article_json(accord *db, const char *id, unsigned flags, char **json)
{
    sqlite3_stmt *s = store_prepare(db->st, "SELECT rowid, " ARTICLE_COLUMNS ", origin, repaired_bytes, "
                                            "ingested_at, meta AS meta_json, extra AS extra_json, text "
                                            "FROM articles WHERE id = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return acc_error(ACCORD_ENOTFOUND, "no article with id '%s'", id);
    }
    json_t *o = acc_json_row(s);
    int64_t rowid = sqlite3_column_int64(s, 0);
    const char *text = (const char *)sqlite3_column_text(s, sqlite3_column_count(s) - 1);
    size_t len = (size_t)sqlite3_column_bytes(s, sqlite3_column_count(s) - 1);
    json_object_del(o, "rowid");
    if (!(flags & ACCORD_ARTICLE_TEXT)) json_object_del(o, "text");
    if (flags & ACCORD_ARTICLE_SENTENCES) json_object_set_new(o, "paragraphs", structure_json(text, len));
    if (flags & ACCORD_ARTICLE_REMOVED) {
        json_t *r = json_object_get(json_object_get(o, "meta"), "removed");
        json_object_set_new(o, "removed", r ? json_incref(r) : json_array());
    }
    sqlite3_reset(s);
    sqlite3_stmt *v = store_prepare(db->st, "SELECT version, replaced_at, length(text) AS bytes "
                                            "FROM article_versions WHERE article = ? ORDER BY version");
    if (v) {
        sqlite3_bind_int64(v, 1, rowid);
        json_object_set_new(o, "previous_versions", acc_json_rows(v));
    }
    return acc_json_out(o, json);
}

/* True when s is well-formed UTF-8: the query is echoed in the answer,
 * and JSON holds nothing else. */
static bool utf8_valid(const char *s)
{
    size_t n = strlen(s);
    return utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, NULL, 0, 0) >= 0;
}

int accord_search_json(accord *db, const char *query, int limit, int offset, char **json)
{
    if (!query || !*query) return acc_error(ACCORD_EUSAGE, "an empty search");
    if (!utf8_valid(query)) return acc_error(ACCORD_EINPUT, "the search query is not UTF-8");
    /* Plain words are quoted one by one so that punctuation in a user's
     * query (U.S., Zelensky's) is not read as FTS5 syntax; a query that
     * already uses FTS5 operators or quotes is passed as it is. A word
     * "column:words" keeps to one indexed column. */
    buf q = BUF_INIT;
    bool raw = strchr(query, '"') || strstr(query, " OR ") || strstr(query, " NOT ") ||
               strstr(query, " NEAR") || strchr(query, '*');
    if (raw) {
        buf_puts(&q, query);
    } else {
        const char *p = query;
        while (*p) {
            while (*p == ' ' || *p == '\t') p++;
            const char *e = p;
            while (*e && *e != ' ' && *e != '\t') e++;
            const char *col = p;
            while (col < e && ((*col >= 'a' && *col <= 'z') || (*col >= 'A' && *col <= 'Z'))) col++;
            if (col > p && col + 1 < e && *col == ':') {
                size_t n = (size_t)(col - p);
                if (!((n == 5 && !strncasecmp(p, "title", 5)) || (n == 4 && !strncasecmp(p, "text", 4)))) {
                    buf_free(&q);
                    return acc_error(ACCORD_EUSAGE,
                                     "no column '%.*s' to search in '%.*s': the columns are title and text",
                                     (int)n, p, (int)(e - p), p);
                }
                buf_puts(&q, n == 5 ? "title:" : "text:");
                p = col + 1;
            }
            if (e > p) {
                buf_putc(&q, '"');
                for (const char *k = p; k < e; k++) {
                    if (*k == '"') buf_putc(&q, '"');
                    buf_putc(&q, *k);
                }
                buf_puts(&q, "\" ");
            }
            p = e;
        }
    }
    sqlite3_stmt *s = store_prepare(
        db->st, "SELECT a.id, a.title, a.source, coalesce(a.published, a.event_date, a.given_date) AS date, "
                "round(bm25(articles_fts, 2.0, 1.0), 4) AS score, "
                "snippet(articles_fts, 1, '[', ']', ' … ', 24) AS snippet, "
                "(SELECT story FROM story_articles WHERE article = a.rowid) AS story "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ?1 ORDER BY bm25(articles_fts, 2.0, 1.0), a.id LIMIT ?2 OFFSET ?3");
    if (!s) {
        buf_free(&q);
        return ACCORD_EINTERNAL;
    }
    sqlite3_bind_text(s, 1, buf_cstr(&q), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit > 0 ? limit : 20);
    sqlite3_bind_int(s, 3, offset > 0 ? offset : 0);
    json_t *hits = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(hits, acc_json_row(s));
    sqlite3_reset(s);
    buf_free(&q);
    if (rc != SQLITE_DONE) {
        json_decref(hits);
        return acc_error(ACCORD_EUSAGE, "bad search query '%s': %s", query, sqlite3_errmsg(store_db(db->st)));
    }
    return acc_json_out(json_pack("{s:s, s:o}", "query", query, "results", hits), json);
}

int accord_stats_json(accord *db, char **json)
{
    sqlite3_stmt *s = store_prepare(
        db->st, "SELECT count(*) AS articles, coalesce(sum(length(text)), 0) AS text_bytes, "
                "count(DISTINCT source) AS sources, "
                "min(coalesce(published, event_date, given_date)) AS first_date, "
                "max(coalesce(published, event_date, given_date)) AS last_date, "
                "(SELECT count(*) FROM article_versions) AS previous_versions FROM articles");
    if (!s || sqlite3_step(s) != SQLITE_ROW) return ACCORD_EINTERNAL;
    json_t *o = acc_json_row(s);
    sqlite3_reset(s);
    json_object_set_new(o, "schema_version", json_integer(store_schema_version(db->st)));
    json_object_set_new(o, "accord_version", json_string(accord_version()));
    return acc_json_out(o, json);
}
