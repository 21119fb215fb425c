/* cache.c - answers worth keeping: a small LRU of JSON documents that are
 * expensive to build (a story runs the reconcile stage over all its
 * articles), valid for one generation of the store.
 *
 * The generation changes whenever the store changes: one read-only
 * connection of its own (the checker) asks SQLite's PRAGMA data_version,
 * which moves when any other connection commits (this server's writer, or
 * an `accord ingest` in another process), before every cached read. An
 * entry is tagged with the generation read *before* its document was
 * built, so a document built from a snapshot older than a commit is never
 * served once the commit is seen; at worst a fresh one is rebuilt.
 *
 * The table is small (CACHE_SLOTS entries, at most max_bytes in all) and
 * searched linearly under one mutex: a few hundred comparisons of 64-bit
 * hashes cost far less than building one story. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline.h"
#include "serve/serve_int.h"
#include "util/util.h"

enum { CACHE_SLOTS = 256 };

typedef struct cache_entry {
    uint64_t key_hash;
    char *key;
    char *data;
    size_t len;
    uint64_t generation;
    uint64_t used; /* LRU clock */
} cache_entry;

enum { CACHE_BUILDING = 64 };

struct serve_cache {
    pthread_mutex_t lock;
    pthread_cond_t built;
    /* Keys being built now: a second reader of one waits for the first
     * instead of building the same story again (no thundering herd). */
    uint64_t building[CACHE_BUILDING];
    int n_building;
    cache_entry slot[CACHE_SLOTS];
    size_t bytes, max_bytes;
    uint64_t clock;
    uint64_t hits, misses;
};

serve_cache *cache_new(size_t max_bytes)
{
    serve_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->built, NULL);
    c->max_bytes = max_bytes;
    return c;
}

static void drop(serve_cache *c, cache_entry *e)
{
    c->bytes -= e->len;
    free(e->key);
    free(e->data);
    memset(e, 0, sizeof *e);
}

void cache_free(serve_cache *c)
{
    if (!c) return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (c->slot[i].key) drop(c, &c->slot[i]);
    pthread_cond_destroy(&c->built);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int building_index(serve_cache *c, uint64_t h)
{
    for (int i = 0; i < c->n_building; i++)
        if (c->building[i] == h) return i;
    return -1;
}

static void building_done(serve_cache *c, uint64_t h)
{
    int i = building_index(c, h);
    if (i < 0) return;
    c->building[i] = c->building[--c->n_building];
    pthread_cond_broadcast(&c->built);
}

char *cache_get(serve_cache *c, const char *key, uint64_t generation, size_t *len)
{
    if (!c) return NULL;
    uint64_t h = acc_hash64(key, strlen(key));
    char *out = NULL;
    pthread_mutex_lock(&c->lock);
    /* Another worker is building this document: wait for it (bounded, so
     * a slow build never holds readers for long). */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    while (building_index(c, h) >= 0)
        if (pthread_cond_timedwait(&c->built, &c->lock, &until) != 0) break;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        cache_entry *e = &c->slot[i];
        if (!e->key || e->key_hash != h || strcmp(e->key, key) != 0) continue;
        if (e->generation != generation) {
            drop(c, e);
            break;
        }
        out = malloc(e->len + 1);
        if (out) {
            memcpy(out, e->data, e->len + 1);
            *len = e->len;
            e->used = ++c->clock;
        }
        break;
    }
    if (out) {
        c->hits++;
    } else {
        c->misses++;
        /* The caller builds it and hands it to cache_put or cache_abandon. */
        if (building_index(c, h) < 0 && c->n_building < CACHE_BUILDING) c->building[c->n_building++] = h;
    }
    pthread_mutex_unlock(&c->lock);
    return out;
}

void cache_abandon(serve_cache *c, const char *key)
{
    if (!c) return;
    uint64_t h = acc_hash64(key, strlen(key));
    pthread_mutex_lock(&c->lock);
    building_done(c, h);
    pthread_mutex_unlock(&c->lock);
}

void cache_put(serve_cache *c, const char *key, uint64_t generation, const char *data, size_t len)
{
    if (!c) return;
    char *k = NULL, *d = NULL;
    /* One huge story must not flush the rest. */
    if (len > c->max_bytes / 4 || !(k = strdup(key)) || !(d = malloc(len + 1))) {
        free(k);
        cache_abandon(c, key);
        return;
    }
    memcpy(d, data, len);
    d[len] = 0;
    uint64_t h = acc_hash64(key, strlen(key));
    pthread_mutex_lock(&c->lock);
    building_done(c, h);
    cache_entry *free_slot = NULL;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        cache_entry *e = &c->slot[i];
        if (e->key && e->key_hash == h && !strcmp(e->key, key)) drop(c, e); /* replaced below */
        if (!e->key) {
            if (!free_slot) free_slot = e;
        } else if (e->generation != generation) {
            drop(c, e); /* stale: free it now */
            if (!free_slot) free_slot = e;
        }
    }
    /* Make room: evict the least recently used until the new one fits. */
    while (c->bytes + len > c->max_bytes || !free_slot) {
        cache_entry *lru = NULL;
        for (int i = 0; i < CACHE_SLOTS; i++)
            if (c->slot[i].key && (!lru || c->slot[i].used < lru->used)) lru = &c->slot[i];
        if (!lru) break;
        drop(c, lru);
        if (!free_slot) free_slot = lru;
    }
    if (free_slot && c->bytes + len <= c->max_bytes) {
        *free_slot = (cache_entry){h, k, d, len, generation, ++c->clock};
        c->bytes += len;
        k = d = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    free(k);
    free(d);
}

void cache_stats(serve_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes, size_t *entries)
{
    *hits = *misses = 0;
    *bytes = *entries = 0;
    if (!c) return;
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    *bytes = c->bytes;
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (c->slot[i].key) ++*entries;
    pthread_mutex_unlock(&c->lock);
}

/* ---- The store's generation ----------------------------------------------------- */

uint64_t serve_generation(serve *s)
{
    pthread_mutex_lock(&s->checker_lock);
    int64_t v = -1;
    sqlite3_stmt *st = s->checker ? store_prepare(s->checker->st, "PRAGMA data_version") : NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    if (st) sqlite3_reset(st);
    /* Changed, or unknown (then nothing may be trusted): a new generation. */
    if (v < 0 || v != s->checker_version) atomic_fetch_add(&s->generation, 1);
    s->checker_version = v;
    uint64_t g = atomic_load(&s->generation);
    pthread_mutex_unlock(&s->checker_lock);
    return g;
}

void serve_store_changed(serve *s)
{
    atomic_fetch_add(&s->generation, 1);
}
