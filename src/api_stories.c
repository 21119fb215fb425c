/* api_stories.c - the story reads of accord.h: stories, one story,
 * storylines, the batch re-clustering, the article export and the
 * clustering evaluation. The cluster stage builds the objects; one story
 * is the place where later stages add their keys before it is handed out. */
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster.h"
#include "cluster/cluster_json.h"
#include "pipeline.h"
#include "reconcile/reconcile.h"
#include "util/json.h"
#include "util/util.h"

int accord_stories_json(accord *db, const accord_story_query *q, char **json)
{
    json_t *o;
    int rc = cluster_stories_json(db->st, q, &o);
    return rc ? rc : acc_json_out(o, json);
}

int accord_story_json(accord *db, int64_t id, char **json)
{
    json_t *o;
    int rc = cluster_story_object(db->st, id, &o);
    if (rc) return rc;
    /* Later stages add their keys to o here (summary, facts, quotes). */
    rc = reconcile_story_add(db->st, id, o);
    if (rc) {
        json_decref(o);
        return rc;
    }
    return acc_json_out(o, json);
}

int accord_storylines_json(accord *db, int min_stories, int limit, int offset, char **json)
{
    json_t *o;
    int rc = cluster_storylines_json(db->st, min_stories, limit, offset, &o);
    return rc ? rc : acc_json_out(o, json);
}

int accord_recluster(accord *db, bool dry_run, char **json)
{
    if (db->readonly && !dry_run) return acc_error(ACCORD_EUSAGE, "the store is open read-only");
    cluster_recluster_report rep;
    bool own = !dry_run;
    if (own && store_begin(db->st) != 0) return ACCORD_EINTERNAL;
    int rc = cluster_recluster(db, dry_run, &rep, json);
    if (own) {
        if (rc == 0) rc = store_commit(db->st) == 0 ? 0 : ACCORD_EINTERNAL;
        else store_rollback(db->st);
    }
    return rc;
}

int accord_export_articles(accord *db, accord_line_fn emit, void *ud)
{
    return cluster_export_articles(db->st, emit, ud);
}

int accord_eval_stories_json(accord *db, const char *label_field, char **json)
{
    json_t *o;
    int rc = cluster_eval_json(db->st, label_field, &o);
    return rc ? rc : acc_json_out(o, json);
}
