/* clean_store.h - the clean stage's tables: learned boilerplate per source,
 * and the clean result as the JSON kept in articles.meta.
 *
 * Tables (migration 3): clean_sources(source, n_articles) counts the
 * articles seen per source; clean_fragments(source, key, n, boilerplate,
 * sample) counts in how many of them each fragment occurred, and marks it
 * boilerplate once the rule of learn.h says so. */
#ifndef ACCORD_CLEAN_STORE_H
#define ACCORD_CLEAN_STORE_H

#include "clean.h"
#include "store/store.h"

/* The fragments learned as boilerplate of source (none for a NULL source).
 * Keys live in a. 0 or ACCORD_EINTERNAL. */
int clean_store_learned(store *st, const char *source, arena *a, clean_learned *out);

/* Counts a cleaned article of source towards its learned boilerplate.
 * Does nothing for a NULL or empty source. 0 or ACCORD_EINTERNAL. */
int clean_store_observe(store *st, const char *source, const clean_result *r, arena *a);

/* The clean result as a JSON object (malloc'd string): title, site_name,
 * author, canonical_url, lang, dateline, dates {given, published, modified,
 * event: {value, source, confidence}}, date_flag, captions, credits and
 * removed [{text, reason}]. with_text adds "text" and "paragraphs" (the
 * text split at line ends). NULL when out of memory. */
char *clean_result_json(const clean_result *r, bool with_text);

#endif
