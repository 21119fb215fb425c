/* cluster_json.h - the read side of the cluster stage as jansson objects
 * (cluster_json.c). The public API (src/api_stories.c) serialises them,
 * after later stages have added their keys to a story. */
#ifndef ACCORD_CLUSTER_JSON_H
#define ACCORD_CLUSTER_JSON_H

#include <jansson.h>

#include "accord.h"
#include "store/store.h"

int cluster_stories_json(store *st, const accord_story_query *q, json_t **out);
/* One story with its articles (each with "id", "why", "copy_of"...). */
int cluster_story_object(store *st, int64_t id, json_t **out);
int cluster_storylines_json(store *st, int min_stories, int limit, int offset, json_t **out);
int cluster_export_articles(store *st, accord_line_fn emit, void *ud);
/* B-cubed of the stories against the label kept in each article's extra
 * fields under field. */
int cluster_eval_json(store *st, const char *field, json_t **out);

#endif
