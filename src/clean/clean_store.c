/* clean_store.c - each outlet's learned boilerplate, in memory while
 * ingesting and written behind to the store (see clean_store.h; the rule
 * and the in-memory state are in learn.c).
 *
 * Observations and epochs. Every stored article (NEW or VERSION) is one
 * observation, whatever its outlet; the writer observes them in input
 * order. A fragment that meets the rule at observation m is learned then,
 * and becomes visible to views at the first epoch boundary at or after m
 * (its visible_from). So the learned set an article is cleaned with is
 * a function of the articles stored before it: batches, threads and time
 * do not enter. Boundaries are multiples of the epoch length, which is
 * 1/32 of the observations so far as a power of two, from 1 to 1,024
 * (learn.h): a young store learns from each article, a grown one every
 * 1,024, so that parallel preparation rarely sees a view change under it.
 * An outlet's version is the boundary at which its view last changed: the
 * largest visible_from of its visible fragments.
 *
 * Tables (migration 9):
 *   clean_state(k = 1, observed)   observations so far;
 *   clean_sources(id, source, n_articles)   articles observed per outlet;
 *   clean_fragments(source, key, n, seen, seen_at, visible_from, sample)
 *     per outlet (clean_sources.id) and fragment key: in how many of its
 *     articles it occurred (n), the outlet's article count and the
 *     observation count when last seen (which drive forgetting), and, once
 *     learned, visible_from (NULL: not learned) and a sample of its text.
 *
 * The store holds exactly the in-memory state as of the last flush, which
 * runs before each COMMIT: the counts, the forgotten entries deleted, and
 * visible_from for learned fragments. Whatever batch was committed last,
 * open reads the observation count N, makes visible the learned fragments
 * with visible_from <= N, keeps the others pending, and sets each outlet's
 * version: the view and the pending counts of an uninterrupted run at N.
 *
 * Memory: forgetting (learn.h) drops fragments that have not recurred; a
 * learned fragment is never dropped, and stops being counted. Open reads
 * the two tables whole, once per ingest; each flush writes only the rows
 * that changed, each by its primary key. */
#include "clean_store.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

const char clean_store_migration_learn[] =
    "ALTER TABLE clean_sources RENAME TO clean_sources_3;\n"
    "ALTER TABLE clean_fragments RENAME TO clean_fragments_3;\n"
    "DROP INDEX clean_fragments_learned;\n"
    "CREATE TABLE clean_state (k INTEGER PRIMARY KEY CHECK (k = 1), observed INTEGER NOT NULL);\n"
    "CREATE TABLE clean_sources (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source TEXT NOT NULL UNIQUE,\n"
    "  n_articles INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE clean_fragments (\n"
    "  source INTEGER NOT NULL,\n"
    "  key INTEGER NOT NULL,\n"
    "  n INTEGER NOT NULL,\n"
    "  seen INTEGER NOT NULL,\n"
    "  seen_at INTEGER NOT NULL,\n"
    "  visible_from INTEGER,\n"
    "  sample TEXT,\n"
    "  PRIMARY KEY (source, key)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO clean_sources(source, n_articles)\n"
    "  SELECT source, n_articles FROM clean_sources_3 WHERE n_articles > 0 ORDER BY source;\n"
    "INSERT INTO clean_state VALUES (1, (SELECT coalesce(sum(n_articles), 0) FROM clean_sources));\n"
    /* what was learned stays learned, visible at once; the rest counts as
     * just seen and is forgotten by the usual rule if it does not recur */
    "INSERT INTO clean_fragments\n"
    "  SELECT s.id, f.key, f.n, s.n_articles, (SELECT observed FROM clean_state),\n"
    "         CASE WHEN f.boilerplate = 1 THEN 0 END, CASE WHEN f.boilerplate = 1 THEN f.sample END\n"
    "  FROM clean_fragments_3 f JOIN clean_sources s ON s.source = f.source;\n"
    "DROP TABLE clean_fragments_3;\n"
    "DROP TABLE clean_sources_3;\n";

enum { SQL_STATE, SQL_SOURCE, SQL_DELETE, SQL_FRAGMENT, SQL_SAMPLE };
const char *const clean_learn_batch_sql[] = {
    [SQL_STATE] = "INSERT INTO clean_state(k, observed) VALUES (1, ?1) "
                  "ON CONFLICT(k) DO UPDATE SET observed = excluded.observed",
    [SQL_SOURCE] = "INSERT INTO clean_sources(id, source, n_articles) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(id) DO UPDATE SET n_articles = excluded.n_articles",
    [SQL_DELETE] = "DELETE FROM clean_fragments WHERE source = ?1 AND key = ?2",
    [SQL_FRAGMENT] = "INSERT INTO clean_fragments(source, key, n, seen, seen_at, visible_from) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT(source, key) DO UPDATE SET n = excluded.n, seen = excluded.seen, "
                     "seen_at = excluded.seen_at, visible_from = excluded.visible_from",
    [SQL_SAMPLE] = "UPDATE clean_fragments SET sample = ?3 WHERE source = ?1 AND key = ?2",
    NULL,
};

enum { SQL_OPEN_STATE, SQL_OPEN_SOURCES, SQL_OPEN_FRAGMENTS };
const char *const clean_learn_open_sql[] = {
    [SQL_OPEN_STATE] = "SELECT observed FROM clean_state WHERE k = 1",
    [SQL_OPEN_SOURCES] = "SELECT id, source, n_articles FROM clean_sources ORDER BY id",
    [SQL_OPEN_FRAGMENTS] = "SELECT source, key, n, seen, seen_at, visible_from FROM clean_fragments "
                           "ORDER BY source, key",
    NULL,
};

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "clean: %s: %s", what, sqlite3_errmsg(store_db(st)));
}

static int read_observed(store *st, uint64_t *out)
{
    sqlite3_stmt *s = store_prepare(st, clean_learn_open_sql[SQL_OPEN_STATE]);
    if (!s) return db_fail(st, "reading the learned state");
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_fail(st, "reading the learned state");
    return 0;
}

typedef struct {
    int64_t id;
    clean_learn_outlet *o;
} outlet_id;

static int load(store *st, clean_learn *L)
{
    int rc = read_observed(st, &L->observed);
    if (rc) return rc;

    sqlite3_stmt *s = store_prepare(st, clean_learn_open_sql[SQL_OPEN_SOURCES]);
    if (!s) return db_fail(st, "reading the learned sources");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        clean_learn_outlet *o = name ? clean_learn_outlet_get(L, name, true) : NULL;
        if (!o) {
            sqlite3_reset(s);
            return acc_error(ACCORD_ENOMEM, "clean: out of memory reading the learned sources");
        }
        o->id = sqlite3_column_int64(s, 0);
        o->n_articles = (uint32_t)sqlite3_column_int64(s, 2);
        o->dirty = false;
        o->stored = true;
        if (o->id >= L->next_id) L->next_id = o->id + 1;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return db_fail(st, "reading the learned sources");

    /* outlets come in id order (ORDER BY id), so ids map by binary search */
    s = store_prepare(st, clean_learn_open_sql[SQL_OPEN_FRAGMENTS]);
    if (!s) return db_fail(st, "reading the learned fragments");
    clean_learn_outlet *o = NULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (!o || o->id != id) {
            size_t lo = 0, hi = L->n_outlets;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (L->outlets[mid].id < id) lo = mid + 1;
                else hi = mid;
            }
            o = lo < L->n_outlets && L->outlets[lo].id == id ? &L->outlets[lo] : NULL;
            if (!o) {
                sqlite3_reset(s);
                return acc_error(ACCORD_EINTERNAL, "clean: learned fragments of an unknown source %lld",
                                 (long long)id);
            }
        }
        bool learned = sqlite3_column_type(s, 5) != SQLITE_NULL;
        sqlite3_int64 n = sqlite3_column_int64(s, 2);
        clean_learn_entry e = {
            .key = (uint64_t)sqlite3_column_int64(s, 1),
            .n = (uint32_t)(n > CLEAN_LEARN_N_MAX ? CLEAN_LEARN_N_MAX : n),
            .seen = (uint32_t)sqlite3_column_int64(s, 3),
            .seen_at = (uint32_t)sqlite3_column_int64(s, 4),
            .visible_from = learned ? (uint32_t)sqlite3_column_int64(s, 5) : 0,
            .flags = learned ? CLEAN_LEARN_BOILERPLATE : 0,
        };
        if (clean_learn_load_entry(L, o, &e)) {
            sqlite3_reset(s);
            return acc_error(ACCORD_ENOMEM, "clean: out of memory reading the learned fragments");
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return db_fail(st, "reading the learned fragments");
    if (clean_learn_loaded(L)) return acc_error(ACCORD_ENOMEM, "clean: out of memory reading the learned fragments");
    return 0;
}

int clean_learn_open(store *st, clean_learn **out)
{
    *out = NULL;
    clean_learn *L = clean_learn_new();
    if (!L) return acc_error(ACCORD_ENOMEM, "clean: out of memory");
    int rc = load(st, L);
    if (rc) {
        clean_learn_free(L);
        return rc;
    }
    *out = L;
    return 0;
}

static int cmp_ref(const void *x, const void *y)
{
    const clean_learn_ref *a = x, *b = y;
    if (a->outlet != b->outlet) return a->outlet < b->outlet ? -1 : 1;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int clean_learn_flush(clean_learn *L, store *st)
{
    sqlite3_stmt *s;
    for (size_t i = 0; i < L->n_outlets; i++) {
        clean_learn_outlet *o = &L->outlets[i];
        if (!o->dirty) continue;
        if (!(s = store_prepare(st, clean_learn_batch_sql[SQL_SOURCE]))) return db_fail(st, "writing a source");
        sqlite3_bind_int64(s, 1, o->id);
        sqlite3_bind_text(s, 2, o->source, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, o->n_articles);
        if (step_done(s)) return db_fail(st, "writing a source");
        o->dirty = false;
        o->stored = true;
    }

    /* forgotten rows go first: a fragment forgotten and seen again in the
     * same batch is written afresh below */
    if (L->n_gone > 1) qsort(L->gone, L->n_gone, sizeof *L->gone, cmp_ref);
    for (size_t i = 0; i < L->n_gone; i++) {
        if (!(s = store_prepare(st, clean_learn_batch_sql[SQL_DELETE]))) return db_fail(st, "forgetting fragments");
        sqlite3_bind_int64(s, 1, L->outlets[L->gone[i].outlet].id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)L->gone[i].key);
        if (step_done(s)) return db_fail(st, "forgetting fragments");
    }
    L->n_gone = 0;

    if (L->n_dirty > 1) qsort(L->dirty, L->n_dirty, sizeof *L->dirty, cmp_ref);
    for (size_t i = 0; i < L->n_dirty; i++) {
        clean_learn_outlet *o = &L->outlets[L->dirty[i].outlet];
        clean_learn_entry *e = clean_learn_entry_find(o, L->dirty[i].key);
        if (!e || !(e->flags & CLEAN_LEARN_DIRTY)) continue;
        if (!(s = store_prepare(st, clean_learn_batch_sql[SQL_FRAGMENT]))) return db_fail(st, "counting fragments");
        sqlite3_bind_int64(s, 1, o->id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)e->key);
        sqlite3_bind_int64(s, 3, e->n);
        sqlite3_bind_int64(s, 4, e->seen);
        sqlite3_bind_int64(s, 5, e->seen_at);
        if (e->flags & CLEAN_LEARN_BOILERPLATE) sqlite3_bind_int64(s, 6, e->visible_from);
        if (step_done(s)) return db_fail(st, "counting fragments");
        e->flags = (e->flags & ~CLEAN_LEARN_DIRTY) | CLEAN_LEARN_STORED;
    }
    L->n_dirty = 0;

    for (size_t i = 0; i < L->n_samples; i++) {
        clean_learn_sample *p = &L->samples[i];
        if (!(s = store_prepare(st, clean_learn_batch_sql[SQL_SAMPLE]))) return db_fail(st, "marking boilerplate");
        sqlite3_bind_int64(s, 1, L->outlets[p->outlet].id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)p->key);
        sqlite3_bind_text(s, 3, p->text, -1, SQLITE_STATIC);
        if (step_done(s)) return db_fail(st, "marking boilerplate");
        free(p->text);
        p->text = NULL;
    }
    L->n_samples = 0;

    if (L->observed_dirty) {
        if (!(s = store_prepare(st, clean_learn_batch_sql[SQL_STATE]))) return db_fail(st, "writing the learned state");
        sqlite3_bind_int64(s, 1, (sqlite3_int64)L->observed);
        if (step_done(s)) return db_fail(st, "writing the learned state");
        L->observed_dirty = false;
    }
    return 0;
}

/* ---- one article at a time ----------------------------------------------------------------------
 *
 * The state lives with the connection it was read from: a function
 * registered on the connection is its close hook (SQLite calls its
 * destructor when the connection closes), so a new connection never sees
 * an old state. Before each use the state's observation count is compared
 * with the store's: an article rolled back after it was observed, or
 * another writer, makes it read again. */

static struct {
    sqlite3 *db;
    clean_learn *L;
} one;

static void one_noop(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_null(c);
}

static void one_closed(void *db)
{
    if (one.db != db) return;
    clean_learn_free(one.L);
    one.L = NULL;
    one.db = NULL;
}

static int one_state(store *st, clean_learn **out)
{
    sqlite3 *db = store_db(st);
    if (one.db != db) {
        clean_learn_free(one.L);
        one.L = NULL;
        one.db = NULL;
        if (sqlite3_create_function_v2(db, "accord_clean_learn", 0, SQLITE_UTF8, db, one_noop, NULL, NULL,
                                       one_closed) != SQLITE_OK)
            return db_fail(st, "keeping the learned state");
        one.db = db;
    }
    uint64_t observed;
    int rc = read_observed(st, &observed);
    if (rc) return rc;
    if (one.L && one.L->observed != observed) {
        clean_learn_free(one.L);
        one.L = NULL;
    }
    if (!one.L && (rc = clean_learn_open(st, &one.L))) return rc;
    *out = one.L;
    return 0;
}

int clean_store_learned(store *st, const char *source, arena *a, clean_learned *out)
{
    out->keys = NULL;
    out->n_keys = 0;
    if (!source || !*source) return 0;
    clean_learn *L;
    int rc = one_state(st, &L);
    if (rc) return rc;
    clean_learned v;
    clean_learn_view(L, source, &v, NULL);
    if (clean_learned_from_keys(a, v.keys, v.n_keys, out))
        return acc_error(ACCORD_ENOMEM, "clean: out of memory reading learned boilerplate");
    return 0;
}

int clean_store_observe(store *st, const char *source, const clean_result *r, arena *a)
{
    (void)a;
    clean_learn *L;
    int rc = one_state(st, &L);
    if (rc) return rc;
    rc = clean_learn_observe(L, source, r);
    if (rc) rc = acc_error(ACCORD_ENOMEM, "clean: out of memory learning boilerplate");
    else rc = clean_learn_flush(L, st);
    if (rc) {
        clean_learn_free(one.L);
        one.L = NULL;
    }
    return rc;
}
