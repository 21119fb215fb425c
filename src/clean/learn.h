/* learn.h - learning each outlet's boilerplate as the store grows.
 *
 * Every cleaned article of a known source contributes its fragments: each
 * paragraph and each sentence of at most CLEAN_LEARN_MAX_WORDS words, as a
 * key (clean_fragment_key(): case, digits and punctuation folded away). A
 * fragment that recurs in at least CLEAN_LEARN_MIN_ARTICLES articles of the
 * source and in at least CLEAN_LEARN_MIN_SHARE of them is that source's
 * boilerplate: the articles of the source cleaned from the next epoch
 * boundary on lose it, with the reason "learned-boilerplate:<source>".
 * Once learned, a fragment stays learned.
 *
 * The rule and the fragmenting are pure functions (tested without a
 * database). The counts live in memory (clean_learn, below, a pure
 * function of the observed articles in order) and clean_store.c writes
 * them behind to the store and reads them back at open. */
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

typedef struct clean_learn clean_learn;

/* ---- the in-memory state (clean_learn, see clean_store.h) ----------------------------------- */

/* Epochs: learned fragments become visible to views at epoch boundaries,
 * counted in observations (stored articles, all outlets). The epoch is 1/32
 * of the observations so far, rounded down to a power of two, between 1
 * and CLEAN_LEARN_EPOCH: a young store learns from every article, a grown
 * one every 1,024. */
#define CLEAN_LEARN_EPOCH 1024

/* Forgetting (never a boilerplate fragment): a fragment seen in one article
 * only is forgotten once its outlet has had CLEAN_LEARN_FORGET_ONCE more
 * articles or the store CLEAN_LEARN_FORGET_ONCE_ALL more observations; a
 * recurring one after CLEAN_LEARN_FORGET outlet articles or
 * CLEAN_LEARN_FORGET_ALL observations. An outlet is swept every
 * CLEAN_LEARN_SWEEP of its articles, every outlet every
 * CLEAN_LEARN_SWEEP_ALL observations. */
#define CLEAN_LEARN_FORGET_ONCE 32
#define CLEAN_LEARN_FORGET_ONCE_ALL 16384
#define CLEAN_LEARN_FORGET 1024
#define CLEAN_LEARN_FORGET_ALL 131072
#define CLEAN_LEARN_SWEEP 32
#define CLEAN_LEARN_SWEEP_ALL 8192

/* The length of the epoch that observation count n falls in, and the first
 * epoch boundary at or after n. */
uint64_t clean_learn_epoch_len(uint64_t n);
uint64_t clean_learn_next_boundary(uint64_t n);

enum {
    CLEAN_LEARN_USED = 1,        /* the slot holds an entry */
    CLEAN_LEARN_BOILERPLATE = 2, /* learned (visible_from says from when) */
    CLEAN_LEARN_DIRTY = 4,       /* changed since the last flush */
    CLEAN_LEARN_STORED = 8,      /* has a row in the store */
};

/* One fragment of one outlet. seen is the outlet's article count, seen_at
 * the observation count, when it was last seen. */
typedef struct clean_learn_entry {
    uint64_t key;
    uint32_t n : 24; /* stops at CLEAN_LEARN_N_MAX */
    uint32_t flags : 8;
    uint32_t seen;
    uint32_t seen_at;
    uint32_t visible_from;
} clean_learn_entry;
#define CLEAN_LEARN_N_MAX 0xFFFFFFu

typedef struct clean_learn_outlet {
    char *source;
    int64_t id;           /* clean_sources.id */
    uint32_t n_articles;
    bool dirty, stored;
    clean_learn_entry *slots; /* open addressing, linear probing on the key */
    size_t cap, used;
    uint64_t *visible;        /* the view: keys visible now, sorted */
    size_t n_visible, cap_visible;
    uint64_t version;         /* the boundary at which the view last changed */
} clean_learn_outlet;

typedef struct clean_learn_ref {
    uint32_t outlet;
    uint64_t key;
} clean_learn_ref;

/* A fragment learned whose row still needs its sample. */
typedef struct clean_learn_sample {
    uint32_t outlet;
    uint64_t key;
    char *text;
} clean_learn_sample;

struct clean_learn {
    clean_learn_outlet *outlets;
    size_t n_outlets, cap_outlets;
    uint32_t *by_name; /* outlet index + 1, open addressing on the name's hash */
    size_t cap_names;
    uint64_t observed;
    int64_t next_id;
    bool observed_dirty;
    clean_learn_ref *pending; /* learned, visible from the next boundary */
    size_t n_pending, cap_pending;
    clean_learn_ref *dirty; /* entries to write at the next flush */
    size_t n_dirty, cap_dirty;
    clean_learn_ref *gone; /* stored entries forgotten: rows to delete */
    size_t n_gone, cap_gone;
    clean_learn_sample *samples;
    size_t n_samples, cap_samples;
    arena scratch;
};

/* For clean_store.c: an empty state; an outlet by name (created when
 * create); an entry put back as read from the store (rebuilds views and
 * pending lists once clean_learn_loaded() runs). NULL / -1 out of memory. */
clean_learn *clean_learn_new(void);
clean_learn_outlet *clean_learn_outlet_get(clean_learn *L, const char *source, bool create);
const clean_learn_outlet *clean_learn_outlet_find(const clean_learn *L, const char *source);
int clean_learn_load_entry(clean_learn *L, clean_learn_outlet *o, const clean_learn_entry *e);
int clean_learn_loaded(clean_learn *L);
clean_learn_entry *clean_learn_entry_find(clean_learn_outlet *o, uint64_t key);

/* Bytes held by L, and the number of fragment entries (may be NULL). */
size_t clean_learn_bytes(const clean_learn *L, size_t *entries);

#endif
