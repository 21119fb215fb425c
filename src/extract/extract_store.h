/* extract_store.h - the extract stage's tables: entities across the store,
 * their aliases, and per-article mentions, quotes, quantities and time
 * expressions (migration 4, see migrations.c).
 *
 * An article's entities join the store's by extract_entity_key(); a one-
 * word person name ("Putin") joins the only person of the store whose last
 * name it is (the most mentioned, when several); a full name joins a
 * person with the same last name when the first names agree (same key or
 * an initial); when a full name arrives after its one-word form was stored
 * alone, the one-word entity is folded into it. Reading functions build the
 * JSON the CLI prints with --json and the HTTP API sends. */
#ifndef ACCORD_EXTRACT_STORE_H
#define ACCORD_EXTRACT_STORE_H

#include <stdint.h>

#include "extract.h"
#include "store/store.h"

/* Extracts one stored article (rowid) and replaces its rows. pub_date
 * ("YYYY-MM-DD" or NULL) anchors relative dates. 0 or negative. */
int extract_store_article(store *st, int64_t article, arena *a, const text_doc *doc,
                          const char *pub_date);

/* Persists a result already computed for the article. */
int extract_store_result(store *st, int64_t article, const extract_result *r);

/* {"total", "entities": [{"id", "name", "type", "mentions", "articles",
 * "aliases", "roles"}]}, most mentioned first; type (PERSON, ORG, PLACE)
 * may be NULL. */
int extract_entities_json(store *st, const char *type, int limit, int offset, char **json);
/* One entity by id or name: {"id", "name", "type", "aliases", "roles",
 * "mentions": [{"article", "text", "role", "start", "end"}], "quotes",
 * "stories"}. ACCORD_ENOTFOUND when there is none. */
int extract_entity_json(store *st, const char *name_or_id, char **json);
/* {"total", "quotes": [{"id", "article", "text", "start", "end", "partial",
 * "speaker", "entity", "role", "speaker_text", "cue", "how", "story"}]};
 * speaker (a name, matched like `entity`) and story (0: any) filter. */
int extract_quotes_json(store *st, const char *speaker, int64_t story, int limit, int offset,
                        char **json);
/* {"total", "facts": [{"id", "article", "text", "value", "bound", "measure",
 * "unit", "where", "when", "start", "end", "story"}]}; story 0: any. */
int extract_facts_json(store *st, int64_t story, int limit, int offset, char **json);

#endif
