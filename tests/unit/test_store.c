/* test_store.c - migrations, versions, idempotence and crash safety. */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accord.h"
#include "store/store.h"
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

TEST(store_migrates_older_database)
{
    char path[256];
    tmp_db(path, sizeof path, "old");
    sqlite3 *raw;
    REQUIRE(sqlite3_open(path, &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, store_migrations[0].sql, NULL, NULL, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 1; INSERT INTO articles(id, text, text_hash, "
                              "ingested_at) VALUES ('old1', 'kept text', 'x', 'now')",
                         NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(raw);
    store *st;
    REQUIRE(store_open(path, false, &st) == 0);
    CHECK(store_schema_version(st) == store_migrations[store_n_migrations - 1].version);
    CHECK(store_article_rowid(st, "old1") > 0);
    store_close(st);
    unlink(path);
}

TEST(store_refuses_newer_database)
{
    char path[256];
    tmp_db(path, sizeof path, "new");
    sqlite3 *raw;
    REQUIRE(sqlite3_open(path, &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 9999", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(raw);
    accord *db = NULL;
    CHECK(accord_open(path, &db) == ACCORD_EVERSION);
    CHECK(db == NULL);
    CHECK(strstr(accord_error_last(), "newer accord") != NULL);
    unlink(path);
}

TEST(store_same_article_twice_changes_nothing)
{
    char path[256];
    tmp_db(path, sizeof path, "idem");
    accord *db;
    REQUIRE(accord_open(path, &db) == 0);
    const char *doc = "{\"id\":\"a1\",\"text\":\"One sentence here. And another.\"}\n";
    accord_ingest_stats st;
    CHECK(accord_ingest_buffer(db, doc, strlen(doc), "x.jsonl", NULL, &st) == 0);
    CHECK(st.articles_new == 1);
    CHECK(accord_ingest_buffer(db, doc, strlen(doc), "x.jsonl", NULL, &st) == 0);
    CHECK(st.articles_new == 0 && st.articles_same == 1);
    const char *v2 = "{\"id\":\"a1\",\"text\":\"One sentence here. And a changed one.\"}\n";
    CHECK(accord_ingest_buffer(db, v2, strlen(v2), "x.jsonl", NULL, &st) == 0);
    CHECK(st.articles_versioned == 1);
    char *json = NULL;
    REQUIRE(accord_article_json(db, "a1", ACCORD_ARTICLE_TEXT, &json) == 0);
    CHECK(strstr(json, "\"version\":2") != NULL);
    CHECK(strstr(json, "a changed one") != NULL);
    accord_free(json);
    accord_close(db);
    unlink(path);
}

/* A process killed in the middle of a large ingest leaves only whole
 * articles: every stored article has its full text and its search entry. */
TEST(store_killed_ingest_leaves_whole_articles)
{
    char path[256];
    tmp_db(path, sizeof path, "kill");
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        accord *db;
        if (accord_open(path, &db) != 0) _exit(1);
        char line[4096];
        for (int round = 0; round < 1000000; round++) {
            int n = snprintf(line, sizeof line,
                             "{\"id\":\"k%d\",\"text\":\"Article %d tells of an event. It has a second "
                             "sentence with the marker zebra%d and an end.\"}\n",
                             round, round, round);
            accord_ingest_buffer(db, line, (size_t)n, "k.jsonl", NULL, NULL);
        }
        _exit(0);
    }
    usleep(400 * 1000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    accord *db;
    REQUIRE(accord_open(path, &db) == 0);
    accord_close(db);
    sqlite3 *raw;
    REQUIRE(sqlite3_open(path, &raw) == SQLITE_OK);
    sqlite3_stmt *s;
    REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    REQUIRE(sqlite3_prepare_v2(raw,
                               "SELECT count(*), sum(text LIKE '%and an end.'), "
                               "(SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'event') "
                               "FROM articles",
                               -1, &s, NULL) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    int n = sqlite3_column_int(s, 0);
    CHECK(n > 0);
    CHECK(sqlite3_column_int(s, 1) == n);
    CHECK(sqlite3_column_int(s, 2) == n);
    sqlite3_finalize(s);
    sqlite3_close(raw);
    unlink(path);
}
