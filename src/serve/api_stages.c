/* api_stages.c - the endpoints backed by the stages after the store:
 * stories and storylines (cluster, with what reconcile adds to a story),
 * entities, quotes and facts (extract), copies and shared passages
 * (dedup). Each reads its arguments, checks them, and hands back its
 * stage's public JSON function (accord.h) as it is. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"
#include "util/util.h"

enum { MAX_LIMIT = 1000, MAX_OFFSET = 100000000 };

static void finish(reply *r, int rc, char *json)
{
    if (rc != 0) {
        free(json);
        reply_accord_error(r, rc);
    } else if (!json) {
        reply_error(r, 500, "the library returned nothing");
    } else {
        reply_json(r, 200, json);
    }
}

static const char *str_arg(request *rq, const char *name)
{
    const char *v = req_arg(rq, name);
    return v && *v ? v : NULL;
}

static bool date_arg(request *rq, reply *r, const char *name, const char **out)
{
    *out = str_arg(rq, name);
    if (*out && !(strlen(*out) == 10 && acc_is_date(*out, 10))) {
        reply_error(r, 400, "'%s' must be a date YYYY-MM-DD, not '%.64s'", name, *out);
        return false;
    }
    return true;
}

/* A story or storyline id: a positive whole number. */
static bool parse_id(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18) return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0) return false;
    *out = v;
    return true;
}

static bool paging(request *rq, reply *r, int def_limit, int *limit, int *offset)
{
    return req_int(rq, r, "limit", def_limit, 1, MAX_LIMIT, limit) &&
           req_int(rq, r, "offset", 0, 0, MAX_OFFSET, offset);
}

static void get_stories(request *rq, accord *db, reply *r)
{
    accord_story_query q = {0};
    if (!date_arg(rq, r, "since", &q.since) || !date_arg(rq, r, "until", &q.until)) return;
    q.entity = str_arg(rq, "entity");
    q.source = str_arg(rq, "source");
    if (!paging(rq, r, 50, &q.limit, &q.offset)) return;
    char *json = NULL;
    int rc = accord_stories_json(db, &q, &json);
    finish(r, rc, json);
}

/* A story is the most expensive read (reconcile runs over its articles),
 * so it is kept in the cache until the store changes. */
static void get_story(request *rq, accord *db, const char *sid, reply *r)
{
    int64_t id;
    if (!parse_id(sid, &id)) {
        reply_error(r, 404, "no story with id '%.64s' (story ids are whole numbers)", sid);
        return;
    }
    char key[48];
    snprintf(key, sizeof key, "story:%lld", (long long)id);
    uint64_t gen = serve_generation(rq->srv);
    size_t len;
    char *json = cache_get(rq->srv->cache, key, gen, &len);
    if (json) {
        reply_json(r, 200, json);
        return;
    }
    int rc = accord_story_json(db, id, &json);
    if (rc == 0 && json) cache_put(rq->srv->cache, key, gen, json, strlen(json));
    else cache_abandon(rq->srv->cache, key);
    finish(r, rc, json);
}

static void get_storylines(request *rq, accord *db, reply *r)
{
    int min, limit, offset;
    if (!req_int(rq, r, "min_stories", 1, 1, 1000000, &min) || !paging(rq, r, 50, &limit, &offset)) return;
    char *json = NULL;
    int rc = accord_storylines_json(db, min, limit, offset, &json);
    finish(r, rc, json);
}

/* One storyline: the library lists storylines; this pages through the
 * list for the one asked for (storylines are few next to articles). */
static void get_storyline(accord *db, const char *sid, reply *r)
{
    int64_t id;
    if (!parse_id(sid, &id)) {
        reply_error(r, 404, "no storyline with id '%.64s' (storyline ids are whole numbers)", sid);
        return;
    }
    enum { PAGE = 1000 };
    for (int offset = 0;; offset += PAGE) {
        char *json = NULL;
        int rc = accord_storylines_json(db, 1, PAGE, offset, &json);
        if (rc != 0) {
            finish(r, rc, json);
            return;
        }
        json_t *o = json_loads(json, 0, NULL);
        free(json);
        json_t *list = json_object_get(o, "storylines");
        size_t i, n = json_array_size(list);
        json_t *l;
        json_array_foreach(list, i, l) {
            if (json_integer_value(json_object_get(l, "id")) != id) continue;
            char *one = json_dumps(l, JSON_COMPACT);
            json_decref(o);
            if (!one) reply_error(r, 503, "out of memory");
            else reply_json(r, 200, one);
            return;
        }
        json_decref(o);
        if (n < PAGE) break;
    }
    reply_error(r, 404, "no storyline with id %lld", (long long)id);
}

static void get_entities(request *rq, accord *db, reply *r)
{
    const char *type = str_arg(rq, "type");
    if (type && strcmp(type, "PERSON") && strcmp(type, "ORG") && strcmp(type, "PLACE")) {
        reply_error(r, 400, "'type' must be PERSON, ORG or PLACE, not '%.32s'", type);
        return;
    }
    int limit, offset;
    if (!paging(rq, r, 100, &limit, &offset)) return;
    char *json = NULL;
    int rc = accord_entities_json(db, type, limit, offset, &json);
    finish(r, rc, json);
}

static void get_entity(accord *db, const char *id, reply *r)
{
    char *json = NULL;
    int rc = accord_entity_json(db, id, &json);
    finish(r, rc, json);
}

static bool story_arg(request *rq, reply *r, int64_t *story)
{
    const char *s = str_arg(rq, "story");
    *story = 0;
    if (s && !parse_id(s, story)) {
        reply_error(r, 400, "'story' must be a story id (a whole number), not '%.64s'", s);
        return false;
    }
    return true;
}

static void get_quotes(request *rq, accord *db, reply *r)
{
    int64_t story;
    int limit, offset;
    if (!story_arg(rq, r, &story) || !paging(rq, r, 200, &limit, &offset)) return;
    char *json = NULL;
    int rc = accord_quotes_json(db, str_arg(rq, "speaker"), story, limit, offset, &json);
    finish(r, rc, json);
}

static void get_facts(request *rq, accord *db, reply *r)
{
    int64_t story;
    int limit, offset;
    if (!story_arg(rq, r, &story) || !paging(rq, r, 500, &limit, &offset)) return;
    char *json = NULL;
    int rc = accord_facts_json(db, story, limit, offset, &json);
    finish(r, rc, json);
}

static void get_dups(accord *db, reply *r)
{
    char *json = NULL;
    int rc = accord_dups_json(db, &json);
    finish(r, rc, json);
}

static void get_passages(accord *db, const char *id, reply *r)
{
    char *json = NULL;
    int rc = accord_passages_json(db, id, &json);
    finish(r, rc, json);
}

static void get_compare(request *rq, accord *db, reply *r)
{
    const char *a = str_arg(rq, "a"), *b = str_arg(rq, "b");
    if (!a || !b) {
        reply_error(r, 400, "give two article ids: /api/compare?a=ID&b=ID");
        return;
    }
    char *json = NULL;
    int rc = accord_compare_json(db, a, b, &json);
    finish(r, rc, json);
}

void api_get_stage(request *rq, accord *db, const char *path, reply *r)
{
    switch (rq->ep) {
    case EP_STORIES: get_stories(rq, db, r); break;
    case EP_STORY: get_story(rq, db, api_path_id(path, "/api/stories"), r); break;
    case EP_STORYLINES: get_storylines(rq, db, r); break;
    case EP_STORYLINE: get_storyline(db, api_path_id(path, "/api/storylines"), r); break;
    case EP_ENTITIES: get_entities(rq, db, r); break;
    case EP_ENTITY: get_entity(db, api_path_id(path, "/api/entities"), r); break;
    case EP_QUOTES: get_quotes(rq, db, r); break;
    case EP_FACTS: get_facts(rq, db, r); break;
    case EP_DUPS: get_dups(db, r); break;
    case EP_PASSAGES: get_passages(db, api_path_id(path, "/api/passages"), r); break;
    case EP_COMPARE: get_compare(rq, db, r); break;
    case EP_COVERAGE: api_coverage(rq, db, r); break;
    default: reply_error(r, 404, "no such API endpoint '%.200s'", path); break;
    }
}
