/* store.c - see store.h.
 *
 * Prepared statements are cached by their SQL text in a small open-addressed
 * table, so hot paths (one insert per article) prepare once per connection.
 * Every error names the SQLite message and what accord was doing. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/util.h"

enum { STMT_CACHE = 256 };

struct store {
    sqlite3 *db;
    char *path;
    struct {
        const char *sql; /* owned copy */
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE];
    int savepoint_depth;
    int64_t data_version; /* as last seen by store_changed_elsewhere */
};

static int db_error(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

int store_exec(store *st, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        int rc = acc_error(ACCORD_EINTERNAL, "%s: %s (in: %.80s)", st->path, err ? err : "error", sql);
        sqlite3_free(err);
        return rc;
    }
    return 0;
}

sqlite3_stmt *store_prepare(store *st, const char *sql)
{
    uint64_t h = acc_hash64(sql, strlen(sql));
    for (int i = 0; i < STMT_CACHE; i++) {
        int slot = (int)((h + (uint64_t)i) % STMT_CACHE);
        if (!st->cache[slot].sql) {
            sqlite3_stmt *s = NULL;
            if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
                db_error(st, "preparing a statement");
                return NULL;
            }
            char *copy = strdup(sql);
            if (!copy) {
                sqlite3_finalize(s);
                acc_error(ACCORD_ENOMEM, "out of memory");
                return NULL;
            }
            st->cache[slot].sql = copy;
            st->cache[slot].stmt = s;
            return s;
        }
        if (strcmp(st->cache[slot].sql, sql) == 0) {
            sqlite3_stmt *s = st->cache[slot].stmt;
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
    }
    /* Cache full: an uncached statement would leak; this is a bug. */
    acc_error(ACCORD_EINTERNAL, "statement cache full");
    return NULL;
}

int store_schema_version(store *st)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

int store_begin(store *st);

static int migrate(store *st)
{
    int have = store_schema_version(st);
    int newest = store_migrations[store_n_migrations - 1].version;
    if (have < 0) return db_error(st, "reading the schema version");
    if (have > newest)
        return acc_error(ACCORD_EVERSION,
                         "%s: this database has schema version %d, written by a newer accord; "
                         "this accord (%s) knows versions up to %d: upgrade accord",
                         st->path, have, accord_version(), newest);
    if (have == newest) return 0;
    if (store_begin(st) != 0) return ACCORD_EINTERNAL;
    /* Another process may have upgraded the store while this one waited
     * for the lock: read the version again inside the transaction. */
    have = store_schema_version(st);
    if (have < 0 || have > newest) {
        store_exec(st, "ROLLBACK");
        return have < 0 ? db_error(st, "reading the schema version") : migrate(st);
    }
    for (int i = 0; i < store_n_migrations; i++) {
        const store_migration *m = &store_migrations[i];
        if (m->version <= have) continue;
        if (store_exec(st, m->sql) != 0) {
            char msg[1200];
            snprintf(msg, sizeof msg, "%s", accord_error_last());
            store_exec(st, "ROLLBACK");
            return acc_error(ACCORD_EINTERNAL, "migration %d (%s) failed: %s", m->version, m->name, msg);
        }
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
        if (store_exec(st, sql) != 0) {
            store_exec(st, "ROLLBACK");
            return ACCORD_EINTERNAL;
        }
    }
    return store_exec(st, "COMMIT");
}

int store_open(const char *path, bool readonly, store **out)
{
    *out = NULL;
    store *st = calloc(1, sizeof *st);
    if (!st) return acc_error(ACCORD_ENOMEM, "out of memory");
    st->path = strdup(path);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (!st->path || sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = acc_error(ACCORD_EINPUT, "%s: cannot open the database: %s", path,
                           st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 10000);
    int rc = 0;
    /* 64 MB of page cache: the ingest path reads the indexes it writes,
     * and the story pages read many rows. (No memory-mapped I/O: the
     * mapped pages would count in the process's memory without being its
     * own, and reads through the cache measured no slower.) */
    if (store_exec(st, "PRAGMA cache_size=-65536;") != 0) rc = ACCORD_EINTERNAL;
    if (rc == 0 && !readonly) {
        /* Checkpoints every 32 MB of WAL rather than 4: a page that ingest
         * changes again and again reaches the database file fewer times. */
        rc = store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                            "PRAGMA wal_autocheckpoint=8192;");
        if (rc == 0) rc = migrate(st);
    } else if (rc == 0) {
        int have = store_schema_version(st);
        int newest = store_migrations[store_n_migrations - 1].version;
        if (have > newest)
            rc = acc_error(ACCORD_EVERSION, "%s: schema version %d is newer than this accord's %d",
                           path, have, newest);
        else if (have < newest)
            rc = acc_error(ACCORD_EINPUT,
                           "%s: schema version %d is older than %d: open it once for writing "
                           "(e.g. accord stats) to upgrade it",
                           path, have, newest);
    }
    if (rc != 0) {
        store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

void store_close(store *st)
{
    if (!st) return;
    for (int i = 0; i < STMT_CACHE; i++) {
        if (st->cache[i].stmt) sqlite3_finalize(st->cache[i].stmt);
        free((void *)st->cache[i].sql);
    }
    if (st->db) sqlite3_close(st->db);
    free(st->path);
    free(st);
}

sqlite3 *store_db(store *st)
{
    return st->db;
}

/* PRAGMA data_version changes when another connection commits: the sign
 * that the writer we wait for makes progress. */
static int64_t data_version(store *st)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

int store_begin(store *st)
{
    enum { PATIENCE_S = 60 };
    int64_t seen = data_version(st);
    double since = acc_now();
    for (;;) {
        /* The busy handler waits up to 10 s for the lock each time. */
        int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK) return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) return db_error(st, "starting a transaction");
        int64_t now = data_version(st);
        if (now != seen) {
            seen = now;
            since = acc_now();
        } else if (acc_now() - since > PATIENCE_S) {
            return acc_error(ACCORD_EINTERNAL,
                             "%s: another writer has held the database for %d s without committing; "
                             "try again when it is done",
                             st->path, PATIENCE_S);
        }
        /* (never a busy loop, should SQLite answer busy without waiting) */
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

bool store_changed_elsewhere(store *st)
{
    int64_t v = data_version(st);
    bool changed = st->data_version != 0 && v != st->data_version;
    st->data_version = v;
    return changed;
}

int store_commit(store *st)
{
    return store_exec(st, "COMMIT");
}
int store_rollback(store *st)
{
    return sqlite3_get_autocommit(st->db) ? 0 : store_exec(st, "ROLLBACK");
}
int store_savepoint(store *st)
{
    return store_exec(st, "SAVEPOINT article");
}
int store_release(store *st)
{
    return store_exec(st, "RELEASE article");
}
int store_rollback_savepoint(store *st)
{
    return store_exec(st, "ROLLBACK TO article; RELEASE article");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* The article's fields as parameters ?1 to ?17, in the order of the
 * columns of INSERT INTO articles (see store_article_put). */
static void bind_article(sqlite3_stmt *s, const store_article *a, const char *hash, const char *now)
{
    const char *text_fields[] = {a->id,         a->source,    a->url,     a->title,      a->author,
                                 a->given_date, a->published, a->fetched, a->event_date, a->lang};
    for (int i = 0; i < 10; i++) bind_text(s, i + 1, text_fields[i]);
    sqlite3_bind_text(s, 11, a->text, (int)a->text_len, SQLITE_TRANSIENT);
    bind_text(s, 12, hash);
    bind_text(s, 13, a->meta_json);
    bind_text(s, 14, a->extra_json);
    bind_text(s, 15, a->origin);
    sqlite3_bind_int64(s, 16, (sqlite3_int64)a->repaired_bytes);
    bind_text(s, 17, now);
    bind_text(s, 19, a->first_seen ? a->first_seen : now);
    bind_text(s, 23, a->raw_hash);
    bind_text(s, 20, a->own_event);
    sqlite3_bind_double(s, 21, a->own_conf);
    sqlite3_bind_int(s, 22, a->date_weak);
}

int store_article_seen(store *st, const char *id, struct arena *a, const char **first_seen,
                       const char **raw_hash)
{
    *first_seen = *raw_hash = NULL;
    sqlite3_stmt *s = store_prepare(st, "SELECT first_seen, raw_hash FROM articles WHERE id = ?");
    if (!s) return ACCORD_EINTERNAL;
    bind_text(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *f = (const char *)sqlite3_column_text(s, 0), *h = (const char *)sqlite3_column_text(s, 1);
        if (f) *first_seen = arena_strdup(a, f);
        if (h) *raw_hash = arena_strdup(a, h);
        rc = (f && !*first_seen) || (h && !*raw_hash) ? acc_error(ACCORD_ENOMEM, "out of memory") : 0;
    } else {
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(st, "looking up an article");
    }
    sqlite3_reset(s);
    return rc;
}

int64_t store_article_rowid(store *st, const char *id)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT rowid FROM articles WHERE id = ?");
    if (!s) return 0;
    bind_text(s, 1, id);
    int64_t r = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return r;
}

int store_article_put(store *st, const store_article *a, store_put_outcome *outcome, int64_t *rowid,
                      int *version)
{
    char hash[17];
    acc_hash_hex(a->text, a->text_len, hash);
    char now[21];
    acc_utc_now(now);

    sqlite3_stmt *s = store_prepare(st, "SELECT rowid, version, text_hash FROM articles WHERE id = ?");
    if (!s) return ACCORD_EINTERNAL;
    bind_text(s, 1, a->id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(s, 0);
        int ver = sqlite3_column_int(s, 1);
        bool same = strcmp((const char *)sqlite3_column_text(s, 2), hash) == 0;
        sqlite3_reset(s);
        *rowid = rid;
        if (same) {
            *outcome = STORE_PUT_SAME;
            *version = ver;
            return 0;
        }
        sqlite3_stmt *v = store_prepare(
            st, "INSERT INTO article_versions(article, version, title, text, text_hash, replaced_at) "
                "SELECT rowid, version, title, text, text_hash, ? FROM articles WHERE rowid = ?");
        if (!v) return ACCORD_EINTERNAL;
        bind_text(v, 1, now);
        sqlite3_bind_int64(v, 2, rid);
        if (sqlite3_step(v) != SQLITE_DONE) return db_error(st, "keeping the previous version");
        sqlite3_reset(v);
        sqlite3_stmt *u = store_prepare(
            st, "UPDATE articles SET version = version + 1, source = coalesce(?2, source), "
                "url = coalesce(?3, url), title = ?4, author = coalesce(?5, author), "
                "given_date = coalesce(?6, given_date), published = coalesce(?7, published), "
                "fetched = coalesce(?8, fetched), event_date = ?9, lang = ?10, text = ?11, "
                "text_hash = ?12, meta = ?13, extra = coalesce(?14, extra), origin = ?15, "
                "repaired_bytes = ?16, ingested_at = ?17, own_event = ?20, own_conf = ?21, date_weak = ?22, "
                "raw_hash = ?23 "
                "WHERE rowid = ?18");
        if (!u) return ACCORD_EINTERNAL;
        bind_article(u, a, hash, now);
        sqlite3_bind_int64(u, 18, rid);
        if (sqlite3_step(u) != SQLITE_DONE) return db_error(st, "storing a new version");
        sqlite3_reset(u);
        *outcome = STORE_PUT_VERSION;
        *version = ver + 1;
        return 0;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return db_error(st, "looking up an article");

    sqlite3_stmt *ins = store_prepare(
        st, "INSERT INTO articles(id, source, url, title, author, given_date, published, fetched, "
            "event_date, lang, text, text_hash, meta, extra, origin, repaired_bytes, ingested_at, first_seen, "
            "own_event, own_conf, date_weak, raw_hash) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?19,?20,?21,?22,?23)");
    if (!ins) return ACCORD_EINTERNAL;
    bind_article(ins, a, hash, now);
    if (sqlite3_step(ins) != SQLITE_DONE) return db_error(st, "storing an article");
    sqlite3_reset(ins);
    *rowid = sqlite3_last_insert_rowid(st->db);
    *outcome = STORE_PUT_NEW;
    *version = 1;
    return 0;
}

int store_meta_set(store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = store_prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
    if (!s) return ACCORD_EINTERNAL;
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_error(st, "writing meta");
    sqlite3_reset(s);
    return rc;
}

char *store_meta_get(store *st, const char *key)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?");
    if (!s) return NULL;
    bind_text(s, 1, key);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return v;
}
