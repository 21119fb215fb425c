/* test_ingest_path.c - the shape of the ingest path: every statement it runs
 * is served by an index, and the number of threads changes nothing. */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "accord.h"
#include "pipeline.h"
#include "test.h"

static void tmp_db(char *path, size_t cap, const char *name)
{
    snprintf(path, cap, "/tmp/accord-test-%d-%s.db", (int)getpid(), name);
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

typedef struct seen_sql {
    char **sql;
    size_t n, cap;
} seen_sql;

static int on_trace(unsigned type, void *ud, void *p, void *x)
{
    (void)type;
    (void)x;
    seen_sql *s = ud;
    const char *sql = sqlite3_sql(p);
    if (!sql || !strncmp(sql, "--", 2)) return 0; /* trigger bodies report as comments */
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->sql[i], sql)) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->sql = realloc(s->sql, s->cap * sizeof *s->sql);
    }
    s->sql[s->n++] = strdup(sql);
    return 0;
}

/* A plan step that reads a whole table (or a whole index) is a full scan.
 * Constant rows, table-valued functions and the FTS5 index are not. */
static bool full_scan(const char *detail)
{
    if (strncmp(detail, "SCAN ", 5) != 0) return false;
    if (strstr(detail, "CONSTANT ROW") || strstr(detail, "VIRTUAL TABLE")) return false;
    if (strstr(detail, "json_each") || strstr(detail, "json_tree")) return false;
    if (strstr(detail, "_fts_config")) return false; /* FTS5's own settings row */
    return true;
}

/* Articles that go down every branch of ingest: copies, a new version, an
 * outlet's repeated lines, dated and undated reports. */
static const char corpus[] =
    "{\"id\":\"p1\",\"source\":\"Wire\",\"published\":\"2024-03-04\",\"title\":\"Port strike halts "
    "shipping\",\"text\":\"Dock workers in Rotterdam walked out on Monday, halting container traffic at "
    "Europe's largest port.\\nThe union said the strike would last 48 hours.\\nFollow Wire on social "
    "media for more.\"}\n"
    "{\"id\":\"p2\",\"source\":\"Wire\",\"published\":\"2024-03-04\",\"title\":\"Port strike halts "
    "shipping\",\"text\":\"Dock workers in Rotterdam walked out on Monday, halting container traffic at "
    "Europe's largest port.\\nThe union said the strike would last 48 hours, its leader Jan de Vries "
    "told reporters.\\nFollow Wire on social media for more.\"}\n"
    "{\"id\":\"p3\",\"source\":\"Daily\",\"title\":\"Rotterdam dockers strike\",\"text\":\"The strike "
    "at Rotterdam began on Monday. \\\"We will not back down,\\\" said Jan de Vries, who leads the "
    "union. Some 2,000 workers took part.\"}\n"
    "{\"id\":\"p4\",\"source\":\"Wire\",\"published\":\"2024-05-10\",\"title\":\"Central bank holds "
    "rates\",\"text\":\"The central bank kept its main rate at 4.5 percent on Friday, citing "
    "inflation.\\nFollow Wire on social media for more.\"}\n";

static const char new_version[] =
    "{\"id\":\"p1\",\"source\":\"Wire\",\"published\":\"2024-03-04\",\"title\":\"Port strike halts "
    "shipping\",\"text\":\"Dock workers in Rotterdam walked out on Monday, halting all container "
    "traffic at Europe's largest port.\\nThe union said the strike would last 48 hours.\"}\n";

TEST(ingest_path_statements_use_indexes)
{
    char path[256];
    tmp_db(path, sizeof path, "plans");
    accord *db = NULL;
    REQUIRE(accord_open(path, &db) == 0);
    seen_sql seen = {0};
    sqlite3 *conn = store_db(db->st);
    accord_ingest_opts o = {0};
    o.jobs = 2;
    /* Stage state is read whole once, when a stage first needs it; what is
     * checked is what runs for each article after that. */
    CHECK(accord_ingest_path(db, "../../data/demo", &o, NULL) == 0);
    sqlite3_trace_v2(conn, SQLITE_TRACE_STMT, on_trace, &seen);
    CHECK(accord_ingest_buffer(db, corpus, sizeof corpus - 1, "corpus.jsonl", &o, NULL) == 0);
    CHECK(accord_ingest_buffer(db, new_version, sizeof new_version - 1, "v2.jsonl", &o, NULL) == 0);
    CHECK(accord_ingest_buffer(db, corpus, sizeof corpus - 1, "corpus.jsonl", &o, NULL) == 0);
    sqlite3_trace_v2(conn, 0, NULL, NULL);
    CHECK(seen.n > 10);
    int scans = 0;
    for (size_t i = 0; i < seen.n; i++) {
        const char *sql = seen.sql[i];
        /* Schema changes and settings have no plan to check. */
        bool skip = !strncmp(sql, "PRAGMA", 6) || !strncmp(sql, "BEGIN", 5) || !strncmp(sql, "COMMIT", 6) ||
                    !strncmp(sql, "ROLLBACK", 8) || !strncmp(sql, "SAVEPOINT", 9) || !strncmp(sql, "RELEASE", 7) ||
                    !strncmp(sql, "CREATE", 6) || !strncmp(sql, "ALTER", 5);
        if (skip) continue;
        size_t len = strlen(sql) + 32;
        char *q = malloc(len);
        snprintf(q, len, "EXPLAIN QUERY PLAN %s", sql);
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(conn, q, -1, &s, NULL) == SQLITE_OK) {
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *detail = (const char *)sqlite3_column_text(s, 3);
                if (detail && full_scan(detail)) {
                    fprintf(stderr, "    full scan (%s) in: %.300s\n", detail, sql);
                    scans++;
                }
            }
        }
        sqlite3_finalize(s);
        free(q);
    }
    CHECK(scans == 0);
    for (size_t i = 0; i < seen.n; i++) free(seen.sql[i]);
    free(seen.sql);
    accord_close(db);
    unlink(path);
}

typedef struct export_buf {
    char *out;
    size_t n, cap;
} export_buf;

static int append_line(void *ud, const char *line, size_t len)
{
    export_buf *e = ud;
    while (e->n + len + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 1 << 16;
        char *g = realloc(e->out, e->cap);
        if (!g) return -1;
        e->out = g;
    }
    memcpy(e->out + e->n, line, len);
    e->n += len;
    e->out[e->n++] = '\n';
    e->out[e->n] = 0;
    return 0;
}

static char *export_all(accord *db)
{
    export_buf e = {0};
    if (accord_export_articles(db, append_line, &e) != 0) {
        free(e.out);
        return NULL;
    }
    return e.out;
}

/* The same articles with one thread and with four: the same stories, the
 * same copies, the same dates. */
TEST(ingest_path_jobs_change_nothing)
{
    char *exports[2] = {NULL, NULL};
    int jobs[2] = {1, 4};
    for (int k = 0; k < 2; k++) {
        char path[256];
        tmp_db(path, sizeof path, k ? "jobs4" : "jobs1");
        accord *db = NULL;
        REQUIRE(accord_open(path, &db) == 0);
        accord_ingest_opts o = {0};
        o.jobs = jobs[k];
        CHECK(accord_ingest_buffer(db, corpus, sizeof corpus - 1, "corpus.jsonl", &o, NULL) == 0);
        CHECK(accord_ingest_path(db, "../../data/demo", &o, NULL) == 0);
        CHECK(accord_ingest_buffer(db, new_version, sizeof new_version - 1, "v2.jsonl", &o, NULL) == 0);
        exports[k] = export_all(db);
        accord_close(db);
        unlink(path);
    }
    REQUIRE(exports[0] && exports[1]);
    CHECK(strlen(exports[0]) > 500);
    CHECK_STR(exports[0], exports[1]);
    free(exports[0]);
    free(exports[1]);
}
