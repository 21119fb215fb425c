/* store.h - the SQLite store: connection, schema migrations, articles,
 * full-text search.
 *
 * One store is one SQLite database in WAL mode, so readers never block the
 * writer. The schema is a list of numbered migrations (migrations.c), kept
 * in PRAGMA user_version: an older database is upgraded in place inside a
 * transaction; a newer one is refused. Stages after this one keep their
 * own tables, created by their migration, and use store_db() directly. */
#ifndef ACCORD_STORE_H
#define ACCORD_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

typedef struct store store;

typedef struct store_migration {
    int version;
    const char *name;
    const char *sql;
} store_migration;

/* The migrations, in order; the last one's version is the schema version. */
extern const store_migration store_migrations[];
extern const int store_n_migrations;

int store_open(const char *path, bool readonly, store **out);
void store_close(store *st);
sqlite3 *store_db(store *st);
int store_schema_version(store *st);

/* Transactions. store_begin starts an IMMEDIATE transaction; while another
 * writer holds the database it waits its turn, as long as that writer makes
 * progress (ACCORD_EINTERNAL after a minute without any). Savepoints nest
 * inside it so one bad article rolls back alone. */
int store_begin(store *st);
int store_commit(store *st);
/* Whether another connection committed since the last call (inside a
 * transaction: since this one began). Stage state held in memory is then
 * read again. */
bool store_changed_elsewhere(store *st);
int store_rollback(store *st);
int store_savepoint(store *st);
int store_release(store *st);
int store_rollback_savepoint(store *st);

/* Runs one SQL statement with no result; 0 or ACCORD_EINTERNAL. */
int store_exec(store *st, const char *sql);
/* A cached prepared statement (reset and cleared on return); NULL on error. */
sqlite3_stmt *store_prepare(store *st, const char *sql);

/* ---- Articles ---------------------------------------------------------------- */

typedef struct store_article {
    const char *id;
    const char *source, *url, *title, *author;
    const char *given_date, *published, *fetched, *event_date;
    const char *lang;
    const char *text; /* NFC, paragraphs separated by "\n" */
    size_t text_len;
    const char *meta_json;  /* clean-stage metadata (JSON object) or NULL */
    const char *extra_json; /* unknown input fields (JSON object) or NULL */
    const char *origin;     /* "path" or "path:line" */
    uint64_t repaired_bytes;
    const char *first_seen; /* first ingest of this id (kept from the first version) */
    const char *own_event;  /* the event date the article found on its own */
    double own_conf;        /* its confidence */
    bool date_weak;         /* no publication date and only a weak inferred one */
    const char *raw_hash;   /* hash of the input as it came (16 hex digits) */
} store_article;

typedef enum store_put_outcome {
    STORE_PUT_NEW = 1,
    STORE_PUT_SAME = 2,
    STORE_PUT_VERSION = 3,
} store_put_outcome;

/* Stores an article. Same id and same text: nothing changes (STORE_PUT_SAME).
 * Same id, different text: the old text is kept in article_versions and the
 * article gets version+1 (STORE_PUT_VERSION). *rowid gets the article's
 * integer key, which other tables reference. */
int store_article_put(store *st, const store_article *a, store_put_outcome *outcome,
                      int64_t *rowid, int *version);
/* What the store knows of an id before its article is prepared: when it
 * was first ingested and the hash of its input then, in a (both NULL when
 * the id is new). */
int store_article_seen(store *st, const char *id, struct arena *a, const char **first_seen,
                       const char **raw_hash);
/* The integer key of an article id, or 0 when absent. */
int64_t store_article_rowid(store *st, const char *id);
/* Meta key-value (schema facts, settings, counters). */
int store_meta_set(store *st, const char *key, const char *value);
/* Returns a malloc'd value or NULL. */
char *store_meta_get(store *st, const char *key);

#endif
