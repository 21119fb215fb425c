/* api_reconcile.c - the reconcile reads of accord.h that need no store:
 * summarising files as one story, and the summaries evaluation. (A stored
 * story gets its reconcile keys in accord_story_json(), api_stories.c.) */
#include "accord.h"
#include "reconcile/reconcile.h"
#include "util/util.h"

int accord_summarize_files_json(const char *const *paths, size_t n, int words, bool everything, char **json)
{
    if (!paths || !json) return acc_error(ACCORD_EUSAGE, "accord_summarize_files_json: paths and json are required");
    rec_config cfg;
    reconcile_config_default(&cfg);
    if (words > 0) cfg.summary_words = words;
    return reconcile_files_json(paths, NULL, n, &cfg, everything, json);
}

int accord_eval_summaries_json(const char *path, int words, char **json)
{
    if (!path || !json) return acc_error(ACCORD_EUSAGE, "accord_eval_summaries_json: path and json are required");
    return reconcile_eval_summaries(path, words, json);
}
