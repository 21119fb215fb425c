/* json.h - small helpers over jansson for building read results.
 *
 * Read queries build a json_t and hand it out with acc_json_out(); rows of
 * SQLite statements become objects keyed by column name. */
#ifndef ACCORD_UTIL_JSON_H
#define ACCORD_UTIL_JSON_H

#include <jansson.h>
#include <sqlite3.h>

/* A JSON string, or null for NULL. */
json_t *acc_json_str(const char *s);
/* Column i of a row as JSON (integer, real, string or null). */
json_t *acc_json_column(sqlite3_stmt *s, int i);
/* The current row as an object keyed by column names. Columns whose name
 * ends in "_json" are parsed and stored under the name without the suffix. */
json_t *acc_json_row(sqlite3_stmt *s);
/* Steps s to the end, collecting every row as an object in an array. */
json_t *acc_json_rows(sqlite3_stmt *s);
/* Serialises o (compact, keys in insertion order), takes ownership of o
 * (decref'd), and sets *out to a malloc'd string. 0 or ACCORD_ENOMEM. */
int acc_json_out(json_t *o, char **out);

#endif
