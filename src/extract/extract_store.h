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

/* Extracts one stored article (rowid) and replaces its rows: a wrapper of
 * extract_article() and extract_store_result(). ref_date ("YYYY-MM-DD" or
 * NULL) is the article's reference date. 0 or negative. */
int extract_store_article(store *st, int64_t article, arena *a, const text_doc *doc,
                          const char *ref_date);

/* The apply step: stores a result computed by extract_article() for the
 * article (rowid), replacing its rows, and merges its entities into the
 * store's. Reads and writes only the extract stage's tables. 0 or
 * ACCORD_EINTERNAL / ACCORD_ENOMEM (a store failure). */
int extract_store_result(store *st, int64_t article, const extract_result *r);

/* The article's reference date changed (say, it was dated from the other
 * articles of its story): re-resolves its stored time expressions, and the
 * "when" of its quantities, against ref_date ("YYYY-MM-DD", or NULL: no
 * reference, they become unresolved). Touches only that article's rows;
 * the result is what extract_store_article() with the new date would have
 * stored. (Rows stored before migration 11 lack the parsed expression:
 * their time expressions are parsed again from their text, and their
 * quantities keep their "when".) 0 or negative. */
int extract_store_redate(store *st, int64_t article, const char *ref_date);

/* ---- Reads ------------------------------------------------------------------- */

/* The stored extractions of the articles articles[0..n) (rowids), as
 * extract_article() gives them: out[i] gets article i's mentions, entities,
 * quotes, quantities and time expressions (an article without rows gets an
 * empty result). An article's entities are its mentions grouped by the
 * store's entity; each is named by its fullest mention in the article
 * (most words, then longest, then first), keyed by extract_entity_key() of
 * that name, with the first role its mentions give. Memory in a. 0 or
 * negative. */
int extract_read_results(store *st, arena *a, const int64_t *articles, size_t n, extract_result *out);

/* The articles (rowids, ascending, malloc'd) that mention entity id. */
int extract_entity_articles(store *st, int64_t entity, int64_t **rowids, size_t *n);

/* ---- JSON ---------------------------------------------------------------------- */

/* A list of articles filters the reads below: articles == NULL means every
 * article; otherwise only articles[0..n_articles) (rowids). The caller gets
 * the list from the stage that knows it (a story's members: the cluster
 * stage). "total" always counts every match, paging aside. */

/* {"total", "entities": [{"id", "name", "type", "mentions", "articles",
 * "aliases", "roles"}]}, most mentioned first; type (PERSON, ORG, PLACE)
 * may be NULL. */
int extract_entities_json(store *st, const char *type, int limit, int offset, char **json);
/* One entity by id or name: {"id", "name", "type", "aliases", "roles",
 * "mention_list": [{"article", "text", "role", "start", "end"}], "quotes"}.
 * ACCORD_ENOTFOUND when there is none. */
int extract_entity_json(store *st, const char *name_or_id, char **json);
/* {"total", "quotes": [{"id", "article", "text", "start", "end", "partial",
 * "speaker", "entity", "role", "speaker_text", "cue", "how"}]}; speaker (a
 * name, matched like `entity`) filters. */
int extract_quotes_json(store *st, const char *speaker, const int64_t *articles, size_t n_articles, int limit,
                        int offset, char **json);
/* {"total", "facts": [{"id", "article", "text", "value", "bound", "measure",
 * "unit", "where", "when", "start", "end"}]}: quantities with a measure. */
int extract_facts_json(store *st, const int64_t *articles, size_t n_articles, int limit, int offset, char **json);

#endif
