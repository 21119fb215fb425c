/* learn.h - learning each outlet's boilerplate as the store grows.
 *
 * Every cleaned article of a known source contributes its fragments: each
 * paragraph and each sentence of at most CLEAN_LEARN_MAX_WORDS words, as a
 * key (clean_fragment_key(): case, digits and punctuation folded away). A
 * fragment that recurs in at least CLEAN_LEARN_MIN_ARTICLES articles of the
 * source and in at least CLEAN_LEARN_MIN_SHARE of them is that source's
 * boilerplate: the next articles of the source lose it, with the reason
 * "learned-boilerplate:<source>".
 *
 * The rule and the fragmenting are pure functions (tested without a
 * database); clean_store.c keeps the counts in the store's clean_fragments
 * and clean_sources tables. */
#ifndef ACCORD_CLEAN_LEARN_H
#define ACCORD_CLEAN_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "clean.h"

#define CLEAN_LEARN_MAX_WORDS 40
#define CLEAN_LEARN_MIN_ARTICLES 8
#define CLEAN_LEARN_MIN_SHARE 0.3

/* A fragment and its key. text points into the result (or its removed list). */
typedef struct clean_fragment {
    uint64_t key;
    const char *text;
    size_t len;
} clean_fragment;

/* The distinct fragments of a cleaned article: its paragraphs and
 * sentences, and the pieces already removed as learned boilerplate (so a
 * fragment keeps being counted once learned). 0 or -1 (out of memory). */
int clean_learn_fragments(arena *a, const clean_result *r, clean_fragment **out, size_t *n);

/* The rule: is a fragment seen in n_with of the source's n_articles
 * articles boilerplate? */
bool clean_learn_is_boilerplate(long n_with, long n_articles);

/* A learned set from a list of keys (sorted, deduplicated, in a). */
int clean_learned_from_keys(arena *a, const uint64_t *keys, size_t n, clean_learned *out);

#endif
