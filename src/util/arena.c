/* arena.c - see arena.h. A singly linked list of blocks, newest first. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_FIRST = 16 * 1024, ARENA_MAX_STEP = 4 * 1024 * 1024 };

void arena_init(arena *a)
{
    a->head = NULL;
    a->next_size = ARENA_FIRST;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX - 32) return NULL;
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = a->next_size ? a->next_size : ARENA_FIRST;
        if (size < n) size = n;
        b = malloc(sizeof(*b) + size);
        if (!b) return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        if (a->next_size < ARENA_MAX_STEP) a->next_size = (a->next_size ? a->next_size : ARENA_FIRST) * 2;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *arena_calloc(arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = arena_alloc(a, count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void *arena_grow(arena *a, void *old, size_t old_cap, size_t new_cap, size_t elem)
{
    if (elem && new_cap > SIZE_MAX / elem) return NULL;
    void *p = arena_alloc(a, new_cap * elem);
    if (p && old && old_cap) memcpy(p, old, (old_cap < new_cap ? old_cap : new_cap) * elem);
    return p;
}

void arena_reset(arena *a)
{
    arena_block *b = a->head;
    if (!b) return;
    while (b->next) {
        arena_block *n = b->next;
        b->next = n->next;
        free(n);
    }
    b->used = 0;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->next_size = ARENA_FIRST;
}
