/* clean_store.c - learned boilerplate in the store (see clean_store.h and
 * learn.h for the rule). */
#include "clean_store.h"

#include <string.h>

#include "learn.h"
#include "util/util.h"

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "clean: %s: %s", what, sqlite3_errmsg(store_db(st)));
}

int clean_store_learned(store *st, const char *source, arena *a, clean_learned *out)
{
    out->keys = NULL;
    out->n_keys = 0;
    if (!source || !*source) return 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT key FROM clean_fragments WHERE source = ? AND boilerplate = 1");
    if (!s) return db_fail(st, "reading learned boilerplate");
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    size_t n = 0, cap = 0;
    uint64_t *keys = NULL;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            uint64_t *nv = arena_grow(a, keys, cap, nc, sizeof *nv);
            if (!nv) {
                sqlite3_reset(s);
                return acc_error(ACCORD_ENOMEM, "clean: out of memory reading learned boilerplate");
            }
            keys = nv;
            cap = nc;
        }
        keys[n++] = (uint64_t)sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return db_fail(st, "reading learned boilerplate");
    if (clean_learned_from_keys(a, keys, n, out))
        return acc_error(ACCORD_ENOMEM, "clean: out of memory reading learned boilerplate");
    return 0;
}

int clean_store_observe(store *st, const char *source, const clean_result *r, arena *a)
{
    if (!source || !*source || !r) return 0;
    sqlite3_stmt *s = store_prepare(st, "INSERT INTO clean_sources(source, n_articles) VALUES (?, 1) "
                                        "ON CONFLICT(source) DO UPDATE SET n_articles = n_articles + 1 "
                                        "RETURNING n_articles");
    if (!s) return db_fail(st, "counting a source");
    sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
    long total = 0;
    if (sqlite3_step(s) == SQLITE_ROW) total = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (total <= 0) return db_fail(st, "counting a source");

    clean_fragment *f;
    size_t n;
    if (clean_learn_fragments(a, r, &f, &n)) return acc_error(ACCORD_ENOMEM, "clean: out of memory");
    sqlite3_stmt *up = store_prepare(st, "INSERT INTO clean_fragments(source, key, n, boilerplate, sample) "
                                         "VALUES (?1, ?2, 1, 0, ?3) "
                                         "ON CONFLICT(source, key) DO UPDATE SET n = n + 1 "
                                         "RETURNING n, boilerplate");
    if (!up) return db_fail(st, "counting fragments");
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(up, 1, source, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 2, (sqlite3_int64)f[i].key);
        sqlite3_bind_text(up, 3, f[i].text, (int)(f[i].len > 200 ? 200 : f[i].len), SQLITE_TRANSIENT);
        long count = 0;
        int learned = 0;
        int rc = sqlite3_step(up);
        if (rc == SQLITE_ROW) {
            count = (long)sqlite3_column_int64(up, 0);
            learned = sqlite3_column_int(up, 1);
            rc = sqlite3_step(up);
        }
        sqlite3_reset(up);
        if (rc != SQLITE_DONE) return db_fail(st, "counting fragments");
        if (!learned && clean_learn_is_boilerplate(count, total)) {
            sqlite3_stmt *mk = store_prepare(st, "UPDATE clean_fragments SET boilerplate = 1 "
                                                 "WHERE source = ? AND key = ?");
            if (!mk) return db_fail(st, "marking boilerplate");
            sqlite3_bind_text(mk, 1, source, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(mk, 2, (sqlite3_int64)f[i].key);
            rc = sqlite3_step(mk);
            sqlite3_reset(mk);
            if (rc != SQLITE_DONE) return db_fail(st, "marking boilerplate");
        }
    }
    return 0;
}
