/* arena.h - bump allocation for per-article work.
 *
 * Everything computed for one article (tokens, sentences, sketches, scratch
 * strings) lives in one arena and is released by a single arena_free().
 * Blocks grow geometrically; a request larger than a block gets a block of
 * its own. Allocation failure returns NULL: callers check it like malloc. */
#ifndef ACCORD_UTIL_ARENA_H
#define ACCORD_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
    arena_block *head;
    size_t next_size;
} arena;

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);                  /* 16-byte aligned, uninitialised */
void *arena_calloc(arena *a, size_t count, size_t size); /* zeroed, overflow-checked */
char *arena_strndup(arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *arena_strdup(arena *a, const char *s);
/* Grows an array kept in the arena: returns a new block of new_cap elements
 * holding the first old_cap elements of old (old may be NULL). */
void *arena_grow(arena *a, void *old, size_t old_cap, size_t new_cap, size_t elem);
void arena_reset(arena *a); /* keep the first block, forget the rest */
void arena_free(arena *a);

#endif
