/* sql_plan.c - query plans for tests (see sql_plan.h). */
#include "sql_plan.h"

#include <stdio.h>
#include <string.h>

bool test_sql_plan(sqlite3 *db, const char *sql, char *out, size_t cap)
{
    char q[4096];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s = NULL;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
        snprintf(out, cap, "%s", sqlite3_errmsg(db));
        sqlite3_finalize(s);
        return false;
    }
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        int w = snprintf(out + n, cap - n, "%s\n", detail ? detail : "");
        if (w < 0 || (size_t)w >= cap - n) break;
        n += (size_t)w;
    }
    sqlite3_finalize(s);
    return true;
}

bool test_sql_uses_index(sqlite3 *db, const char *sql, char *why, size_t cap)
{
    char plan[4096];
    if (!test_sql_plan(db, sql, plan, sizeof plan)) {
        snprintf(why, cap, "does not prepare: %s", plan);
        return false;
    }
    for (const char *line = plan; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= 5 && !strncmp(line, "SCAN ", 5) && strncmp(line, "SCAN CONSTANT ROW", 17) != 0) {
            snprintf(why, cap, "%s\n  reads a table whole:\n%s", sql, plan);
            return false;
        }
        line += len + (end != NULL);
    }
    why[0] = 0;
    return true;
}
