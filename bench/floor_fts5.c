/* floor_fts5.c - the floor beside which ingest is measured: the same JSONL
 * articles parsed and written to a bare SQLite table with an FTS5 index, in
 * one transaction, and nothing else. What accord costs above this is the
 * cost of its stages.
 *
 * usage: floor_fts5 DB FILE.jsonl... */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor_fts5 DB FILE.jsonl...\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
    const char *schema =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE articles(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, source TEXT, title TEXT, "
        "published TEXT, text TEXT);"
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid', "
        "tokenize='porter unicode61 remove_diacritics 2');"
        "BEGIN;";
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "floor_fts5: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *ins, *fts;
    sqlite3_prepare_v2(db, "INSERT INTO articles(id, source, title, published, text) VALUES (?,?,?,?,?)", -1,
                       &ins, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO articles_fts(rowid, title, text) VALUES (?,?,?)", -1, &fts, NULL);
    long n = 0;
    char *line = NULL;
    size_t cap = 0;
    for (int f = 2; f < argc; f++) {
        FILE *in = fopen(argv[f], "r");
        if (!in) {
            perror(argv[f]);
            return 1;
        }
        ssize_t len;
        while ((len = getline(&line, &cap, in)) > 0) {
            json_t *o = json_loadb(line, (size_t)len, 0, NULL);
            if (!o) continue;
            const char *text = str(o, "text");
            if (text) {
                const char *fields[] = {str(o, "id"), str(o, "source"), str(o, "title"), str(o, "published")};
                for (int i = 0; i < 4; i++) sqlite3_bind_text(ins, i + 1, fields[i], -1, SQLITE_STATIC);
                sqlite3_bind_text(ins, 5, text, -1, SQLITE_STATIC);
                if (sqlite3_step(ins) == SQLITE_DONE) {
                    sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db));
                    sqlite3_bind_text(fts, 2, fields[2], -1, SQLITE_STATIC);
                    sqlite3_bind_text(fts, 3, text, -1, SQLITE_STATIC);
                    sqlite3_step(fts);
                    sqlite3_reset(fts);
                    n++;
                }
                sqlite3_reset(ins);
            }
            json_decref(o);
        }
        fclose(in);
    }
    free(line);
    sqlite3_finalize(ins);
    sqlite3_finalize(fts);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return 1;
    sqlite3_close(db);
    printf("%ld\n", n);
    return 0;
}
