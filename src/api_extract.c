/* api_extract.c - the entity, quote and fact reads of accord.h, and the
 * extract stage's evaluations. The work is in src/extract/.
 *
 * The extract stage comes before the cluster stage and knows nothing of
 * stories: "quotes of story 7" is the extract read over the story's
 * members, which this file gets from the cluster stage, and the "story" of
 * each row and an entity's "stories" are added here the same way. */
#include <stdlib.h>

#include "extract/eval.h"
#include "cluster/cluster.h"
#include "extract/extract_store.h"
#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* An article's story (0: none), from the cluster stage. */
static int64_t article_story(store *st, int64_t article)
{
    int64_t story = 0;
    return cluster_story_of(st, article, &story) == 0 ? story : 0;
}

static json_t *story_label(store *st, int64_t story)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT label FROM stories WHERE id = ?1");
    if (!s) return json_null();
    sqlite3_bind_int64(s, 1, story);
    json_t *v = sqlite3_step(s) == SQLITE_ROW ? acc_json_str((const char *)sqlite3_column_text(s, 0)) : json_null();
    sqlite3_reset(s);
    return v;
}

/* Adds "story" to each row of rows (rows cite their article by id). */
static void set_row_stories(store *st, json_t *rows, int64_t story)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t sid = story;
        if (!sid) {
            int64_t rowid = store_article_rowid(st, json_string_value(json_object_get(row, "article")));
            sid = rowid ? article_story(st, rowid) : 0;
        }
        json_object_set_new(row, "story", sid ? json_integer(sid) : json_null());
    }
}

/* The same for the array key of the JSON text *json. */
static int add_row_stories(store *st, const char *key, int64_t story, char **json)
{
    json_error_t err;
    json_t *o = json_loads(*json, 0, &err);
    if (!o) return acc_error(ACCORD_ENOMEM, "out of memory");
    set_row_stories(st, json_object_get(o, key), story);
    free(*json);
    *json = NULL;
    return acc_json_out(o, json);
}

int accord_entities_json(accord *db, const char *type, int limit, int offset, char **json)
{
    return extract_entities_json(db->st, type, limit, offset, json);
}

int accord_entity_json(accord *db, const char *name_or_id, char **json)
{
    int rc = extract_entity_json(db->st, name_or_id, json);
    if (rc) return rc;
    json_error_t err;
    json_t *o = json_loads(*json, 0, &err);
    if (!o) return acc_error(ACCORD_ENOMEM, "out of memory");
    int64_t *arts = NULL;
    size_t n = 0;
    rc = extract_entity_articles(db->st, json_integer_value(json_object_get(o, "id")), &arts, &n);
    if (rc) {
        json_decref(o);
        return rc;
    }
    /* Its stories, most of its articles first, then by id. */
    int64_t *st = malloc((n ? n : 1) * sizeof *st);
    if (!st) {
        free(arts);
        json_decref(o);
        return acc_error(ACCORD_ENOMEM, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t s = article_story(db->st, arts[i]);
        if (s) st[m++] = s;
    }
    free(arts);
    qsort(st, m, sizeof *st, cmp_i64);
    json_t *stories = json_array();
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && st[j] == st[i]) j++;
        json_t *e = json_pack("{s:I, s:o, s:I}", "id", (json_int_t)st[i], "label", story_label(db->st, st[i]),
                              "articles", (json_int_t)(j - i));
        size_t at = json_array_size(stories);
        while (at > 0 && json_integer_value(json_object_get(json_array_get(stories, at - 1), "articles")) <
                             (json_int_t)(j - i))
            at--;
        json_array_insert_new(stories, at, e);
        i = j;
    }
    free(st);
    json_object_set_new(o, "stories", stories);
    set_row_stories(db->st, json_object_get(o, "quotes"), 0);
    free(*json);
    *json = NULL;
    return acc_json_out(o, json);
}

int accord_quotes_json(accord *db, const char *speaker, int64_t story, int limit, int offset, char **json)
{
    int64_t *arts = NULL;
    size_t n = 0;
    int rc = story ? cluster_story_members(db->st, story, &arts, &n) : 0;
    if (!rc) rc = extract_quotes_json(db->st, speaker, story ? (arts ? arts : (int64_t[1]){0}) : NULL, n, limit,
                                      offset, json);
    free(arts);
    if (!rc) rc = add_row_stories(db->st, "quotes", story, json);
    return rc;
}

int accord_facts_json(accord *db, int64_t story, int limit, int offset, char **json)
{
    int64_t *arts = NULL;
    size_t n = 0;
    int rc = story ? cluster_story_members(db->st, story, &arts, &n) : 0;
    if (!rc) rc = extract_facts_json(db->st, story ? (arts ? arts : (int64_t[1]){0}) : NULL, n, limit, offset, json);
    free(arts);
    if (!rc) rc = add_row_stories(db->st, "facts", story, json);
    return rc;
}

int accord_eval_ner_json(const char *path, char **json) { return extract_eval_ner(path, json); }

int accord_eval_quotes_json(const char *dir, char **json) { return extract_eval_quotes(dir, json); }
