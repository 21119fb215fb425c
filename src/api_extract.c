/* api_extract.c - the entity, quote and fact reads of accord.h, and the
 * extract stage's evaluations. The work is in src/extract/. */
#include "extract/eval.h"
#include "extract/extract_store.h"
#include "pipeline.h"

int accord_entities_json(accord *db, const char *type, int limit, int offset, char **json)
{
    return extract_entities_json(db->st, type, limit, offset, json);
}

int accord_entity_json(accord *db, const char *name_or_id, char **json)
{
    return extract_entity_json(db->st, name_or_id, json);
}

int accord_quotes_json(accord *db, const char *speaker, int64_t story, int limit, int offset, char **json)
{
    return extract_quotes_json(db->st, speaker, story, limit, offset, json);
}

int accord_facts_json(accord *db, int64_t story, int limit, int offset, char **json)
{
    return extract_facts_json(db->st, story, limit, offset, json);
}

int accord_eval_ner_json(const char *path, char **json) { return extract_eval_ner(path, json); }

int accord_eval_quotes_json(const char *dir, char **json) { return extract_eval_quotes(dir, json); }
