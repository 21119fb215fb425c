/* sql_plan.h - query plans for tests: does a statement use an index?
 *
 * For the test that every statement on the ingest path uses an index:
 * pass each statement's SQL (with its ?N parameters) and the connection
 * whose schema it runs on. */
#ifndef ACCORD_TEST_SQL_PLAN_H
#define ACCORD_TEST_SQL_PLAN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* The lines of EXPLAIN QUERY PLAN for sql, one per line, into out (cap
 * bytes, NUL-terminated). false when the statement does not prepare. */
bool test_sql_plan(sqlite3 *db, const char *sql, char *out, size_t cap);

/* True when the plan of sql reads no table or index whole: no "SCAN"
 * line (a "SCAN CONSTANT ROW" reads no table). On false, why (cap bytes)
 * holds the plan or the error. */
bool test_sql_uses_index(sqlite3 *db, const char *sql, char *why, size_t cap);

#endif
