/* lsh_index.c - the in-memory LSH index: band key -> documents.
 *
 * One open-addressing table for all bands (each band key already mixes in
 * its band number), linear probing, a slot being a 64-bit key and a 32-bit
 * document (12 bytes, packed). Several documents may share a key: a lookup
 * walks the run of occupied slots from the key's home and collects every
 * match. Removal leaves a tombstone; the table is rebuilt when live slots
 * plus tombstones pass 3/4 of it, doubling only when the live ones alone
 * need it. Lookups, inserts and removals are O(1) expected, so building the
 * index is linear in the number of documents. */
#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "dedup_int.h"

#define SLOT_EMPTY UINT32_MAX
#define SLOT_DEAD (UINT32_MAX - 1)

typedef struct __attribute__((packed)) slot {
    uint64_t key;
    uint32_t doc;
} slot;

struct dedup_index {
    int bands;
    slot *slots;
    size_t cap, live, dead; /* cap: a power of two */
};

static slot *slots_new(size_t cap)
{
    slot *s = malloc(cap * sizeof *s);
    if (!s) return NULL;
    for (size_t i = 0; i < cap; i++)
        s[i].doc = SLOT_EMPTY;
    return s;
}

dedup_index *dedup_index_new(const dedup_config *c, size_t expected_docs)
{
    dedup_index *ix = calloc(1, sizeof *ix);
    if (!ix) return NULL;
    ix->bands = c->bands > 0 ? c->bands : 1;
    size_t want = expected_docs * (size_t)ix->bands * 4 / 3 + 16, cap = 64;
    while (cap < want)
        cap <<= 1;
    ix->slots = slots_new(cap);
    if (!ix->slots) {
        free(ix);
        return NULL;
    }
    ix->cap = cap;
    return ix;
}

void dedup_index_free(dedup_index *ix)
{
    if (!ix) return;
    free(ix->slots);
    free(ix);
}

static void put(slot *s, size_t mask, uint64_t key, uint32_t doc)
{
    size_t i = (size_t)key & mask;
    while (s[i].doc != SLOT_EMPTY && s[i].doc != SLOT_DEAD)
        i = (i + 1) & mask;
    s[i].key = key;
    s[i].doc = doc;
}

static int rebuild(dedup_index *ix, size_t need_live)
{
    size_t cap = ix->cap;
    while (need_live * 2 > cap)
        cap <<= 1; /* at most half full after */
    slot *s = slots_new(cap);
    if (!s) return ACCORD_ENOMEM;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->slots[i].doc != SLOT_EMPTY && ix->slots[i].doc != SLOT_DEAD)
            put(s, cap - 1, ix->slots[i].key, ix->slots[i].doc);
    free(ix->slots);
    ix->slots = s;
    ix->cap = cap;
    ix->dead = 0;
    return 0;
}

int dedup_index_add(dedup_index *ix, uint32_t doc, const uint64_t *keys)
{
    if (doc >= SLOT_DEAD) return ACCORD_EUSAGE;
    size_t b = (size_t)ix->bands;
    if ((ix->live + ix->dead + b) * 4 > ix->cap * 3) {
        int rc = rebuild(ix, ix->live + b);
        if (rc) return rc;
    }
    for (size_t i = 0; i < b; i++) __builtin_prefetch(&ix->slots[(size_t)keys[i] & (ix->cap - 1)], 1);
    for (size_t i = 0; i < b; i++) put(ix->slots, ix->cap - 1, keys[i], doc);
    ix->live += b;
    return 0;
}

void dedup_index_remove(dedup_index *ix, uint32_t doc, const uint64_t *keys)
{
    size_t mask = ix->cap - 1;
    for (int b = 0; b < ix->bands; b++) {
        size_t i = (size_t)keys[b] & mask;
        while (ix->slots[i].doc != SLOT_EMPTY) {
            if (ix->slots[i].doc == doc && ix->slots[i].key == keys[b]) {
                ix->slots[i].doc = SLOT_DEAD;
                ix->live--;
                ix->dead++;
                break;
            }
            i = (i + 1) & mask;
        }
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int dedup_index_query(dedup_index *ix, const uint64_t *keys, uint32_t self, uint32_t **out,
                      size_t *n)
{
    size_t cap = 16, cnt = 0, mask = ix->cap - 1;
    uint32_t *v = malloc(cap * sizeof *v);
    if (!v) return ACCORD_ENOMEM;
    /* The bands' home slots are scattered over a large table: ask for all
     * of them first so the cache misses overlap instead of queueing. */
    for (int b = 0; b < ix->bands; b++) __builtin_prefetch(&ix->slots[(size_t)keys[b] & mask]);
    for (int b = 0; b < ix->bands; b++) {
        size_t i = (size_t)keys[b] & mask;
        while (ix->slots[i].doc != SLOT_EMPTY) {
            const slot *s = &ix->slots[i];
            if (s->doc != SLOT_DEAD && s->key == keys[b] && s->doc != self) {
                if (cnt == cap) {
                    uint32_t *nv = realloc(v, cap * 2 * sizeof *v);
                    if (!nv) {
                        free(v);
                        return ACCORD_ENOMEM;
                    }
                    v = nv;
                    cap *= 2;
                }
                v[cnt++] = s->doc;
            }
            i = (i + 1) & mask;
        }
    }
    if (cnt > 1) {
        qsort(v, cnt, sizeof *v, cmp_u32);
        size_t m = 1;
        for (size_t i = 1; i < cnt; i++)
            if (v[i] != v[m - 1]) v[m++] = v[i];
        cnt = m;
    }
    *out = v;
    *n = cnt;
    return 0;
}

size_t dedup_index_memory(const dedup_index *ix)
{
    return sizeof *ix + ix->cap * sizeof(slot);
}
