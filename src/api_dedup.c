/* api_dedup.c - the copy and shared-passage reads of accord.h, over the
 * dedup stage's store tables (src/dedup/dedup_json.c builds the documents). */
#include "dedup/dedup.h"
#include "pipeline.h"
#include "util/util.h"

int accord_dups_json(accord *db, char **json)
{
    if (!db || !json) return acc_error(ACCORD_EUSAGE, "accord_dups_json: no store or output");
    return dedup_dups_json(db->st, json);
}

int accord_compare_json(accord *db, const char *id_a, const char *id_b, char **json)
{
    if (!db || !json || !id_a || !id_b)
        return acc_error(ACCORD_EUSAGE, "accord_compare_json: give two article ids");
    return dedup_compare_json(db->st, id_a, id_b, json);
}

int accord_passages_json(accord *db, const char *id, char **json)
{
    if (!db || !json || !id)
        return acc_error(ACCORD_EUSAGE, "accord_passages_json: give an article id");
    return dedup_passages_json(db->st, id, json);
}
