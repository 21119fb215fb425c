/* extract_json.c - the extract stage's read queries as JSON: entities, one
 * entity, quotes, facts. The CLI's --json output and the HTTP API share
 * these shapes (see extract_store.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "extract_store.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/util.h"

static int db_fail(store *st)
{
    return acc_error(ACCORD_EINTERNAL, "extract: %s", sqlite3_errmsg(store_db(st)));
}

/* The entity a user means by name_or_id: an id, a key ("zelenskyy" finds
 * "Volodymyr Zelensky"), an alias, or a last name (most mentioned first). */
static int64_t find_entity(store *st, const char *q)
{
    if (!q || !*q) return 0;
    bool digits = true;
    for (const char *p = q; *p; p++) digits &= isdigit((unsigned char)*p) != 0;
    sqlite3_stmt *s;
    int64_t id = 0;
    if (digits) {
        s = store_prepare(st, "SELECT id FROM entities WHERE id = ?");
        if (!s) return 0;
        sqlite3_bind_int64(s, 1, strtoll(q, NULL, 10));
        if (sqlite3_step(s) == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        if (id) return id;
    }
    arena a;
    arena_init(&a);
    char *key = extract_entity_key(&a, q, strlen(q));
    if (key) {
        static const char *const sql[] = {
            "SELECT id FROM entities WHERE key = ?1",
            "SELECT entity FROM entity_aliases WHERE alias = ?2 COLLATE NOCASE LIMIT 1",
            ("SELECT e.id FROM entities e WHERE e.surname = ?1 ORDER BY e.words DESC, "
             "e.n_mentions DESC LIMIT 1"),
        };
        for (size_t i = 0; i < sizeof sql / sizeof sql[0] && !id; i++) {
            s = store_prepare(st, sql[i]);
            if (!s) break;
            sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 2, q, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(s) == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
            sqlite3_reset(s);
        }
    }
    arena_free(&a);
    return id;
}

static json_t *string_column(store *st, const char *sql, int64_t id)
{
    json_t *arr = json_array();
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s || !arr) return arr;
    sqlite3_bind_int64(s, 1, id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        if (v) json_array_append_new(arr, json_string(v));
    }
    sqlite3_reset(s);
    return arr;
}

static json_t *entity_head(store *st, sqlite3_stmt *s)
{
    int64_t id = sqlite3_column_int64(s, 0);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "name", acc_json_str((const char *)sqlite3_column_text(s, 1)));
    json_object_set_new(o, "type", acc_json_str((const char *)sqlite3_column_text(s, 2)));
    json_object_set_new(o, "mentions", json_integer(sqlite3_column_int64(s, 3)));
    json_object_set_new(o, "articles", json_integer(sqlite3_column_int64(s, 4)));
    return o;
}

int extract_entities_json(store *st, const char *type, int limit, int offset, char **json)
{
    *json = NULL;
    if (limit <= 0) limit = 100;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT e.id, e.name, e.type, e.n_mentions AS n, "
            "(SELECT count(DISTINCT m.article) FROM mentions m WHERE m.entity = e.id) AS na "
            "FROM entities e WHERE e.n_mentions > 0 AND (?1 IS NULL OR e.type = ?1) "
            "ORDER BY n DESC, e.name LIMIT ?2 OFFSET ?3");
    if (!s) return ACCORD_EINTERNAL;
    if (type) sqlite3_bind_text(s, 1, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(arr, entity_head(st, s));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_fail(st);
    }
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        int64_t id = json_integer_value(json_object_get(e, "id"));
        json_t *al = string_column(st, "SELECT alias FROM entity_aliases WHERE entity = ? ORDER BY alias", id);
        const char *name = json_string_value(json_object_get(e, "name"));
        for (size_t k = json_array_size(al); k-- > 0;)
            if (name && !strcmp(json_string_value(json_array_get(al, k)), name)) json_array_remove(al, k);
        json_object_set_new(e, "aliases", al);
        json_object_set_new(e, "roles", string_column(st, "SELECT DISTINCT role FROM mentions WHERE entity = ? AND role IS NOT NULL", id));
    }
    s = store_prepare(st, "SELECT count(*) FROM entities e WHERE e.n_mentions > 0 AND (?1 IS NULL OR e.type = ?1)");
    int64_t total = 0;
    if (s) {
        if (type) sqlite3_bind_text(s, 1, type, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW) total = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
    }
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "entities", arr);
    return acc_json_out(o, json);
}

static const char quote_cols[] =
    "SELECT q.id, a.id AS article, a.source, q.text, q.start, q.end, q.partial, "
    "coalesce(e.name, q.speaker) AS speaker, q.entity, "
    "(SELECT m.role FROM mentions m WHERE m.entity = q.entity AND m.role IS NOT NULL LIMIT 1) AS role, "
    "q.speaker_text, q.cue, q.how "
    "FROM quotes q JOIN articles a ON a.rowid = q.article "
    "LEFT JOIN entities e ON e.id = q.entity ";

/* The filter on a list of articles: ?N is NULL (any article) or a JSON
 * array of rowids, which json_each() reads, so the statement is cached. */
#define IN_ARTICLES(col, n) "(?" #n " IS NULL OR " col " IN (SELECT value FROM json_each(?" #n ")))"

static int bind_articles(sqlite3_stmt *s, int i, const int64_t *articles, size_t n)
{
    if (!articles) return sqlite3_bind_null(s, i) == SQLITE_OK ? 0 : ACCORD_EINTERNAL;
    buf b = BUF_INIT;
    buf_putc(&b, '[');
    for (size_t k = 0; k < n; k++) buf_printf(&b, "%s%lld", k ? "," : "", (long long)articles[k]);
    buf_putc(&b, ']');
    if (buf_failed(&b)) {
        buf_free(&b);
        return acc_error(ACCORD_ENOMEM, "out of memory");
    }
    int rc = sqlite3_bind_text(s, i, buf_cstr(&b), (int)b.len, SQLITE_TRANSIENT);
    buf_free(&b);
    return rc == SQLITE_OK ? 0 : ACCORD_EINTERNAL;
}

static int64_t count_of(store *st, sqlite3_stmt *s)
{
    int64_t n = 0;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    (void)st;
    return n;
}

int extract_entity_json(store *st, const char *name_or_id, char **json)
{
    *json = NULL;
    int64_t id = find_entity(st, name_or_id);
    if (!id) return acc_error(ACCORD_ENOTFOUND, "no entity '%s' in the store (try: accord entities)", name_or_id ? name_or_id : "");
    sqlite3_stmt *s = store_prepare(st, "SELECT e.id, e.name, e.type, e.n_mentions, "
                                        "(SELECT count(DISTINCT article) FROM mentions m WHERE m.entity = e.id) "
                                        "FROM entities e WHERE e.id = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return acc_error(ACCORD_ENOTFOUND, "no entity %lld", (long long)id);
    }
    json_t *o = entity_head(st, s);
    sqlite3_reset(s);
    json_t *al = string_column(st, "SELECT alias FROM entity_aliases WHERE entity = ? ORDER BY alias", id);
    const char *name = json_string_value(json_object_get(o, "name"));
    for (size_t k = json_array_size(al); k-- > 0;)
        if (name && !strcmp(json_string_value(json_array_get(al, k)), name)) json_array_remove(al, k);
    json_object_set_new(o, "aliases", al);
    json_object_set_new(o, "roles", string_column(st, "SELECT DISTINCT role FROM mentions WHERE entity = ? AND role IS NOT NULL", id));
    s = store_prepare(st, "SELECT a.id AS article, a.source, m.text, m.honorific, m.role, m.start, m.end "
                          "FROM mentions m JOIN articles a ON a.rowid = m.article WHERE m.entity = ? "
                          "ORDER BY m.article, m.start LIMIT 500");
    if (!s) {
        json_decref(o);
        return ACCORD_EINTERNAL;
    }
    sqlite3_bind_int64(s, 1, id);
    json_object_set_new(o, "mention_list", acc_json_rows(s));
    sqlite3_reset(s);
    char sql[1024];
    snprintf(sql, sizeof sql, "%s WHERE q.entity = ? ORDER BY q.article, q.start LIMIT 500", quote_cols);
    s = store_prepare(st, sql);
    if (!s) {
        json_decref(o);
        return ACCORD_EINTERNAL;
    }
    sqlite3_bind_int64(s, 1, id);
    json_object_set_new(o, "quotes", acc_json_rows(s));
    sqlite3_reset(s);
    return acc_json_out(o, json);
}

int extract_entity_articles(store *st, int64_t entity, int64_t **rowids, size_t *n)
{
    *rowids = NULL;
    *n = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT DISTINCT article FROM mentions WHERE entity = ? ORDER BY article");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, entity);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            int64_t *v = realloc(*rowids, nc * sizeof *v);
            if (!v) {
                sqlite3_reset(s);
                free(*rowids);
                *rowids = NULL;
                *n = 0;
                return acc_error(ACCORD_ENOMEM, "out of memory");
            }
            *rowids = v;
            cap = nc;
        }
        (*rowids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(*rowids);
        *rowids = NULL;
        *n = 0;
        return db_fail(st);
    }
    return 0;
}

int extract_quotes_json(store *st, const char *speaker, const int64_t *articles, size_t n_articles, int limit,
                        int offset, char **json)
{
    *json = NULL;
    if (limit <= 0) limit = 200;
    int64_t ent = 0;
    if (speaker && *speaker) {
        ent = find_entity(st, speaker);
        if (!ent) {
            json_t *o = json_pack("{s:i,s:[]}", "total", 0, "quotes");
            return acc_json_out(o, json);
        }
    }
    char sql[2048];
    snprintf(sql, sizeof sql,
             "%s WHERE (?1 = 0 OR q.entity = ?1) AND " IN_ARTICLES("q.article", 2) " "
             "ORDER BY q.entity IS NULL, speaker, q.article, q.start LIMIT ?3 OFFSET ?4",
             quote_cols);
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, ent);
    int rc = bind_articles(s, 2, articles, n_articles);
    if (rc) return rc;
    sqlite3_bind_int(s, 3, limit);
    sqlite3_bind_int(s, 4, offset);
    json_t *rows = acc_json_rows(s);
    sqlite3_reset(s);
    s = store_prepare(st, "SELECT count(*) FROM quotes q WHERE (?1 = 0 OR q.entity = ?1) AND " IN_ARTICLES("q.article", 2));
    if (!s) {
        json_decref(rows);
        return ACCORD_EINTERNAL;
    }
    sqlite3_bind_int64(s, 1, ent);
    if ((rc = bind_articles(s, 2, articles, n_articles))) {
        json_decref(rows);
        return rc;
    }
    int64_t total = count_of(st, s);
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "quotes", rows ? rows : json_array());
    return acc_json_out(o, json);
}

int extract_facts_json(store *st, const int64_t *articles, size_t n_articles, int limit, int offset, char **json)
{
    *json = NULL;
    if (limit <= 0) limit = 500;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT f.id, a.id AS article, a.source, f.text, f.value, f.bound, f.measure, f.unit, "
            "f.place AS \"where\", f.day AS \"when\", f.start, f.end "
            "FROM quantities f JOIN articles a ON a.rowid = f.article "
            "WHERE " IN_ARTICLES("f.article", 1) " AND f.measure IS NOT NULL "
            "ORDER BY f.measure, f.article, f.start LIMIT ?2 OFFSET ?3");
    if (!s) return ACCORD_EINTERNAL;
    int rc = bind_articles(s, 1, articles, n_articles);
    if (rc) return rc;
    sqlite3_bind_int(s, 2, limit);
    sqlite3_bind_int(s, 3, offset);
    json_t *rows = acc_json_rows(s);
    sqlite3_reset(s);
    /* Every match, paging aside. */
    s = store_prepare(st, "SELECT count(*) FROM quantities f WHERE " IN_ARTICLES("f.article", 1)
                          " AND f.measure IS NOT NULL");
    if (!s) {
        json_decref(rows);
        return ACCORD_EINTERNAL;
    }
    if ((rc = bind_articles(s, 1, articles, n_articles))) {
        json_decref(rows);
        return rc;
    }
    int64_t total = count_of(st, s);
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer(total));
    json_object_set_new(o, "facts", rows ? rows : json_array());
    return acc_json_out(o, json);
}
