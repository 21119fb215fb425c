/* json.c - see json.h. */
#include "json.h"

#include <string.h>

#include "util.h"

json_t *acc_json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *acc_json_column(sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(s, i));
    case SQLITE_NULL: return json_null();
    default: {
        const char *t = (const char *)sqlite3_column_text(s, i);
        json_t *j = json_stringn(t ? t : "", (size_t)sqlite3_column_bytes(s, i));
        return j ? j : json_string("\xEF\xBF\xBD");
    }
    }
}

json_t *acc_json_row(sqlite3_stmt *s)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(s);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(s, i);
        size_t len = strlen(name);
        if (len > 5 && !strcmp(name + len - 5, "_json")) {
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(len - 5), name);
            const char *t = (const char *)sqlite3_column_text(s, i);
            json_t *v = t ? json_loads(t, 0, NULL) : NULL;
            json_object_set_new(o, key, v ? v : json_null());
        } else {
            json_object_set_new(o, name, acc_json_column(s, i));
        }
    }
    return o;
}

json_t *acc_json_rows(sqlite3_stmt *s)
{
    json_t *a = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) json_array_append_new(a, acc_json_row(s));
    sqlite3_reset(s);
    return a;
}

int acc_json_out(json_t *o, char **out)
{
    *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!*out) return acc_error(ACCORD_ENOMEM, "out of memory writing JSON");
    return 0;
}
