/* dedup_store.c - the copy index: its tables, and its state while ingesting.
 *
 * Per article the store keeps its shingle set and signature (dedup_sketch),
 * one row per LSH band (dedup_band, indexed by key), and up to two
 * fingerprints per sentence of six words or more (dedup_sentence_fp, see
 * prepare.c); between articles the verified copy pairs (dedup_pair) and the
 * pairs that share passages (dedup_shared), each stored once with the lower
 * rowid first.
 *
 * dedup_apply() matches a prepared article against the articles before it.
 * Candidates sharing a band are verified against the exact Jaccard of the
 * shingle sets; those at or above the threshold are copies. Articles
 * sharing fingerprints of at least DEDUP_MIN_SHARED of its sentences are
 * aligned sentence by sentence (the article with the smaller id first, so
 * the result never depends on which came first); those with
 * DEDUP_MIN_SHARED aligned sentences or more that are not copies share
 * passages. Two bounds keep the cost per article flat: a fingerprint found
 * in more than FP_MAX_POSTING rows is boilerplate and ignored, and at most
 * ALIGN_MAX_CANDIDATES articles are aligned (those sharing the most
 * sentences first, ties by rowid). Only a text shared by more articles than
 * that can see its shared-passage pairs depend on arrival order; copy pairs
 * never do.
 *
 * Why the state holds no postings. At a million articles the band
 * postings alone are 21 million entries and the fingerprints about twice
 * that: as hash tables, over a gigabyte. But nearly every key of a new
 * article is in no posting at all (a new text shares no band and few
 * sentences with anything), so the state keeps a Bloom filter of every key
 * stored, 8 bits a key, and reads a posting from the store only
 * when the filter says it may exist: a copy or a shared sentence, which is
 * exactly when there is work to do. A false positive costs one empty read,
 * never a different result. Beside it: the fingerprints known to be too
 * common (a fact of the store, forgotten when an article leaves), a bitmap
 * of the articles indexed (to see a new version), the rows of the batch not
 * yet written (searched like the store), and a FIFO cache of the prepared
 * sentences and shingles of recent articles, so that aligning with a
 * recent article neither reads nor re-tokenises its text; a miss reads and
 * analyses the stored text as before. Every answer the state gives is the
 * store's answer, so a state opened after any committed batch behaves
 * exactly as the one that wrote it, and the cache's size changes speed,
 * never results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_int.h"
#include "store/store.h"
#include "util/util.h"

enum {
    FP_MAX_POSTING = 200,      /* a fingerprint this common is boilerplate: ignored */
    ALIGN_MAX_CANDIDATES = 8,  /* articles aligned sentence by sentence per new article */
};

static const char CONFIG_KEY[] = "dedup.config";

int dedup_store_config(store *st, dedup_config *c)
{
    dedup_config_default(c);
    char *v = store_meta_get(st, CONFIG_KEY);
    if (v) {
        dedup_config got;
        dedup_config_default(&got);
        if (sscanf(v, "shingle_words=%d n_hashes=%d threshold=%lf bands=%d rows=%d",
                   &got.shingle_words, &got.n_hashes, &got.threshold, &got.bands, &got.rows) == 5 &&
            dedup_config_finish(&got) == 0)
            *c = got;
        free(v);
        return dedup_config_finish(c);
    }
    int rc = dedup_config_finish(c);
    if (rc) return rc;
    char saved[160];
    snprintf(saved, sizeof saved, "shingle_words=%d n_hashes=%d threshold=%.4f bands=%d rows=%d",
             c->shingle_words, c->n_hashes, c->threshold, c->bands, c->rows);
    /* A read-only store cannot save it; the defaults serve. */
    store_meta_set(st, CONFIG_KEY, saved);
    return 0;
}

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "dedup: %s: %s", what, sqlite3_errmsg(store_db(st)));
}

static int exec_article(store *st, const char *sql, int64_t article)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "removing an article's rows");
    sqlite3_reset(s);
    return rc;
}

/* ---- Blobs: little-endian arrays ---------------------------------------- */

static unsigned char *encode_u64(arena *a, const uint64_t *v, size_t n)
{
    unsigned char *b = arena_alloc(a, n * 8 + 1);
    if (!b) return NULL;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 8; k++)
            b[i * 8 + k] = (unsigned char)(v[i] >> (8 * k));
    return b;
}

static unsigned char *encode_u32(arena *a, const uint32_t *v, size_t n)
{
    unsigned char *b = arena_alloc(a, n * 4 + 1);
    if (!b) return NULL;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            b[i * 4 + k] = (unsigned char)(v[i] >> (8 * k));
    return b;
}

static int decode_u64(arena *a, const void *blob, int bytes, dedup_shingles *out)
{
    out->n = bytes > 0 ? (size_t)bytes / 8 : 0;
    out->h = arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->h);
    if (!out->h) return ACCORD_ENOMEM;
    const unsigned char *b = blob;
    for (size_t i = 0; i < out->n; i++) {
        uint64_t x = 0;
        for (int k = 7; k >= 0; k--)
            x = x << 8 | b[i * 8 + (size_t)k];
        out->h[i] = x;
    }
    return 0;
}

/* ---- Migration 8: postings without rowids ------------------------------------ */

/* The postings were rowid tables with two indexes each (by key, by
 * article): three B-trees written per row, about 290 B-tree inserts per
 * article. Now each posting is one B-tree keyed by (key, article), and an
 * article's rows are found for removal through its own keys: the band keys
 * from its stored signature, the fingerprints from a blob beside it.
 * (Articles are never deleted from the store, so the postings need no
 * cascade; dedup_store_remove() takes an article's rows out.) */
const char dedup_migration_8[] =
    "CREATE TABLE dedup_band_new (\n"
    "  band_key INTEGER NOT NULL,\n"
    "  article INTEGER NOT NULL,\n"
    "  PRIMARY KEY (band_key, article)\n"
    ") WITHOUT ROWID;\n"
    "INSERT OR IGNORE INTO dedup_band_new SELECT band_key, article FROM dedup_band;\n"
    "DROP TABLE dedup_band;\n"
    "ALTER TABLE dedup_band_new RENAME TO dedup_band;\n"
    "CREATE TABLE dedup_sentence_fp_new (\n"
    "  fp INTEGER NOT NULL,\n"
    "  article INTEGER NOT NULL,\n"
    "  sentence INTEGER NOT NULL,\n"
    "  PRIMARY KEY (fp, article, sentence)\n"
    ") WITHOUT ROWID;\n"
    "INSERT OR IGNORE INTO dedup_sentence_fp_new SELECT fp, article, sentence FROM "
    "dedup_sentence_fp;\n"
    "DROP TABLE dedup_sentence_fp;\n"
    "ALTER TABLE dedup_sentence_fp_new RENAME TO dedup_sentence_fp;\n"
    "ALTER TABLE dedup_sketch ADD COLUMN fps BLOB;\n";

/* The fingerprints an article has rows for (from the blob written with
 * them). *n = SIZE_MAX when the article was indexed before the blob
 * existed: its rows can only be found by a scan. */
static int stored_fps(store *st, arena *a, int64_t article, uint64_t **fps, size_t *n,
                      dedup_shingles *sig_blob)
{
    *fps = NULL;
    *n = 0;
    sig_blob->h = NULL;
    sig_blob->n = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT fps, signature FROM dedup_sketch WHERE article = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int r = sqlite3_step(s), rc = 0;
    if (r == SQLITE_ROW) {
        dedup_shingles f;
        if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
            *n = SIZE_MAX;
        } else {
            rc = decode_u64(a, sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0), &f);
            *fps = f.h;
            *n = f.n;
        }
        /* The signature, as 32-bit values packed two to a word. */
        int bytes = sqlite3_column_bytes(s, 1);
        const unsigned char *b = sqlite3_column_blob(s, 1);
        if (!rc && b && bytes > 0) {
            sig_blob->n = (size_t)bytes / 4;
            sig_blob->h = arena_alloc(a, sig_blob->n * sizeof *sig_blob->h);
            if (!sig_blob->h) rc = ACCORD_ENOMEM;
            for (size_t i = 0; !rc && i < sig_blob->n; i++)
                sig_blob->h[i] = (uint64_t)b[i * 4] | (uint64_t)b[i * 4 + 1] << 8 |
                                 (uint64_t)b[i * 4 + 2] << 16 | (uint64_t)b[i * 4 + 3] << 24;
        }
    } else if (r != SQLITE_DONE) {
        rc = db_fail(st, "reading an article's index");
    }
    sqlite3_reset(s);
    return rc;
}

static int exec_key_article(store *st, const char *sql, uint64_t key, int64_t article)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)key);
    sqlite3_bind_int64(s, 2, article);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "removing an article's rows");
    sqlite3_reset(s);
    return rc;
}

int dedup_store_remove(store *st, int64_t article)
{
    dedup_config c;
    int rc = dedup_store_config(st, &c);
    if (rc) return rc;
    arena a;
    arena_init(&a);
    uint64_t *fps;
    size_t n_fps;
    dedup_shingles sig;
    rc = stored_fps(st, &a, article, &fps, &n_fps, &sig);
    if (!rc && sig.n == (size_t)c.n_hashes) {
        uint32_t sig32[DEDUP_MAX_HASHES];
        uint64_t keys[DEDUP_MAX_HASHES];
        for (size_t i = 0; i < sig.n; i++)
            sig32[i] = (uint32_t)sig.h[i];
        dedup_band_keys(&c, sig32, keys);
        for (int b = 0; b < c.bands && !rc; b++)
            rc = exec_key_article(st, "DELETE FROM dedup_band WHERE band_key = ? AND article = ?",
                                  keys[b], article);
    }
    if (!rc && n_fps == SIZE_MAX)
        rc = exec_article(st, "DELETE FROM dedup_sentence_fp WHERE article = ?1", article);
    for (size_t i = 0; !rc && n_fps != SIZE_MAX && i < n_fps; i++)
        rc = exec_key_article(st, "DELETE FROM dedup_sentence_fp WHERE fp = ? AND article = ?",
                              fps[i], article);
    arena_free(&a);
    static const char *const sql[] = {
        "DELETE FROM dedup_sketch WHERE article = ?1",
        "DELETE FROM dedup_pair WHERE a = ?1 OR b = ?1",
        "DELETE FROM dedup_shared WHERE a = ?1 OR b = ?1",
    };
    for (size_t i = 0; !rc && i < sizeof sql / sizeof sql[0]; i++)
        rc = exec_article(st, sql[i], article);
    if (rc == ACCORD_ENOMEM) rc = acc_error(rc, "dedup: out of memory removing an article");
    return rc;
}

/* ---- Candidates ----------------------------------------------------------- */

typedef struct cand {
    int64_t article;
    uint32_t hits;      /* sentences of the new article that matched */
    uint32_t last_sent; /* last sentence counted, +1 */
} cand;

/* Most shared sentences first; ties by article key, so the order is stable. */
static int cand_by_hits(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->hits != b->hits) return a->hits > b->hits ? -1 : 1;
    return a->article < b->article ? -1 : a->article > b->article;
}

/* Candidates by article, with a hash index (open addressing over
 * positions in v) so that collecting thousands stays linear. */
typedef struct cand_set {
    cand *v;
    size_t n, cap;
    uint32_t *slot; /* position + 1, 0 = empty; slot_cap is a power of two */
    size_t slot_cap;
} cand_set;

static size_t cand_home(int64_t article, size_t cap)
{
    return (size_t)(dedup_mix64((uint64_t)article) & (cap - 1));
}

static cand *cand_get(cand_set *cs, int64_t article)
{
    if (cs->slot_cap) {
        size_t i = cand_home(article, cs->slot_cap);
        while (cs->slot[i]) {
            cand *c = &cs->v[cs->slot[i] - 1];
            if (c->article == article) return c;
            i = (i + 1) & (cs->slot_cap - 1);
        }
    }
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 16;
        cand *nv = realloc(cs->v, nc * sizeof *nv);
        if (!nv) return NULL;
        cs->v = nv;
        cs->cap = nc;
    }
    if ((cs->n + 1) * 2 > cs->slot_cap) { /* keep the index at most half full */
        size_t sc = cs->slot_cap ? cs->slot_cap * 2 : 64;
        uint32_t *ns = calloc(sc, sizeof *ns);
        if (!ns) return NULL;
        for (size_t k = 0; k < cs->n; k++) {
            size_t i = cand_home(cs->v[k].article, sc);
            while (ns[i]) i = (i + 1) & (sc - 1);
            ns[i] = (uint32_t)k + 1;
        }
        free(cs->slot);
        cs->slot = ns;
        cs->slot_cap = sc;
    }
    size_t i = cand_home(article, cs->slot_cap);
    while (cs->slot[i]) i = (i + 1) & (cs->slot_cap - 1);
    cs->slot[i] = (uint32_t)cs->n + 1;
    cs->v[cs->n] = (cand){article, 0, 0};
    return &cs->v[cs->n++];
}

static void cand_free(cand_set *cs)
{
    free(cs->v);
    free(cs->slot);
    memset(cs, 0, sizeof *cs);
}

/* ---- A map from 64-bit keys to 64-bit values ------------------------------- */

/* Linear probing with backward-shift deletion (no tombstones); key 0 is
 * kept apart. Serves article rowids and fingerprints alike. */
typedef struct u64map {
    uint64_t *keys, *vals;
    size_t cap, n; /* cap: a power of two, or 0 */
    int has_zero;
    uint64_t zero_val;
} u64map;

static size_t u64map_home(const u64map *m, uint64_t key)
{
    return (size_t)(dedup_mix64(key) & (m->cap - 1));
}

static int u64map_get(const u64map *m, uint64_t key, uint64_t *val)
{
    if (key == 0) {
        if (m->has_zero && val) *val = m->zero_val;
        return m->has_zero;
    }
    if (!m->cap) return 0;
    for (size_t i = u64map_home(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == 0) return 0;
        if (m->keys[i] == key) {
            if (val) *val = m->vals[i];
            return 1;
        }
    }
}

static int u64map_put(u64map *m, uint64_t key, uint64_t val)
{
    if (key == 0) {
        m->has_zero = 1;
        m->zero_val = val;
        return 0;
    }
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        uint64_t *nk = calloc(nc, sizeof *nk), *nv = malloc(nc * sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return ACCORD_ENOMEM;
        }
        u64map old = *m;
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) u64map_put(m, old.keys[i], old.vals[i]);
        free(old.keys);
        free(old.vals);
    }
    size_t i = u64map_home(m, key);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

static void u64map_del(u64map *m, uint64_t key)
{
    if (key == 0) {
        m->has_zero = 0;
        return;
    }
    if (!m->cap) return;
    size_t mask = m->cap - 1, i = u64map_home(m, key);
    while (m->keys[i] != key) {
        if (m->keys[i] == 0) return;
        i = (i + 1) & mask;
    }
    /* Shift back every later slot of the run that may move into the hole. */
    for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = u64map_home(m, m->keys[j]);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = 0;
    m->n--;
}

static void u64map_clear(u64map *m)
{
    if (m->cap) memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
    m->has_zero = 0;
}

static void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- Bloom filters ---------------------------------------------------------- */

/* A blocked Bloom filter (each key sets 5 bits in one 512-bit block: one
 * cache line a lookup), 8 bits a key at its capacity, about 3% false
 * positives there (a false positive costs one read that finds nothing).
 * When full it is built again from the store at twice the size (which also
 * forgets the keys of articles gone), so the work of rebuilding stays
 * proportional to the keys added and a lookup touches one filter. */
enum { BLOOM_PROBES = 5, BLOOM_BITS_PER_KEY = 8, BLOOM_MIN_KEYS = 1 << 10 };

typedef struct bloom {
    uint64_t *bits;  /* n_blocks * 8 words */
    size_t n_blocks; /* under 2^32 */
    size_t cap, n;   /* keys it was sized for, keys added */
} bloom;

typedef struct bloom_chain {
    bloom *v;
    size_t n;
} bloom_chain;

static const uint64_t SALT_BAND = 0x62616e64ULL << 32, SALT_FP = 0x66696e67ULL << 32;

static int bloom_chain_grow(bloom_chain *c, size_t keys)
{
    if (keys < BLOOM_MIN_KEYS) keys = BLOOM_MIN_KEYS;
    size_t blocks = (keys * BLOOM_BITS_PER_KEY + 511) / 512;
    if (blocks >= ((size_t)1 << 32)) return ACCORD_ENOMEM;
    bloom *nv = realloc(c->v, (c->n + 1) * sizeof *nv);
    if (!nv) return ACCORD_ENOMEM;
    c->v = nv;
    bloom *b = &c->v[c->n];
    b->bits = calloc(blocks * 8, sizeof *b->bits);
    if (!b->bits) return ACCORD_ENOMEM;
    b->n_blocks = blocks;
    b->cap = blocks * 512 / BLOOM_BITS_PER_KEY;
    b->n = 0;
    c->n++;
    return 0;
}

static uint64_t *bloom_block(const bloom *b, uint64_t h)
{
    return b->bits + (size_t)(((h & 0xffffffffu) * b->n_blocks) >> 32) * 8;
}

/* Adds a key to the last filter (which may go past its capacity: the
 * caller rebuilds before that, see filter_room()). */
static void bloom_chain_add(bloom_chain *c, uint64_t key)
{
    bloom *b = &c->v[c->n - 1];
    uint64_t h = dedup_mix64(key), g = dedup_mix64(h ^ 0x2545f4914f6cdd1dULL);
    uint64_t *blk = bloom_block(b, h);
    for (int i = 0; i < BLOOM_PROBES; i++, g >>= 9)
        blk[(g >> 6) & 7] |= 1ULL << (g & 63);
    b->n++;
}

static int bloom_chain_maybe(const bloom_chain *c, uint64_t key)
{
    uint64_t h = dedup_mix64(key), g0 = dedup_mix64(h ^ 0x2545f4914f6cdd1dULL);
    for (size_t k = 0; k < c->n; k++) {
        const uint64_t *blk = bloom_block(&c->v[k], h);
        uint64_t g = g0;
        int all = 1;
        for (int i = 0; i < BLOOM_PROBES && all; i++, g >>= 9)
            all = (blk[(g >> 6) & 7] >> (g & 63)) & 1;
        if (all) return 1;
    }
    return 0;
}

static size_t bloom_chain_memory(const bloom_chain *c)
{
    size_t m = 0;
    for (size_t k = 0; k < c->n; k++)
        m += c->v[k].n_blocks * 64;
    return m;
}

static void bloom_chain_free(bloom_chain *c)
{
    for (size_t k = 0; k < c->n; k++)
        free(c->v[k].bits);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* ---- The state ----------------------------------------------------------------- */

/* A row of the batch not yet written: a band key or a fingerprint. */
typedef struct pend_key {
    uint64_t key;
    int64_t article;
    uint32_t sentence;
} pend_key;

/* Pending keys with a multimap over them (slot = position + 1). */
typedef struct pend_keys {
    pend_key *v;
    size_t n, cap;
    uint32_t *slot;
    size_t slot_cap;
} pend_keys;

typedef struct pend_article {
    int64_t article;
    size_t n_words, n_sentences;
    uint32_t *signature;
    dedup_shingles shingles;
    uint64_t *fps; /* its fingerprints, for the blob */
    size_t n_fps;
} pend_article;

typedef struct pend_pair {
    int64_t a, b; /* a < b */
    double jaccard;
    int shared_a, shared_b, passages; /* shared-passage pairs only */
} pend_pair;

/* A cached article: its prepared sentences and shingles, in one block. */
typedef struct cache_entry {
    int64_t article; /* 0 once dropped */
    dedup_doc doc;
    dedup_shingles shingles;
    size_t bytes;
} cache_entry;

struct dedup_state {
    dedup_config c;
    int filtered; /* 0: no filter, every key is read from the store */
    bloom_chain filter;
    u64map saturated; /* fingerprints with more than FP_MAX_POSTING rows */
    uint64_t *indexed; /* bitmap of the rowids indexed (filtered states) */
    size_t indexed_words;
    /* The batch. */
    arena batch;
    pend_article *arts;
    size_t n_arts, cap_arts;
    u64map art_at; /* rowid -> position in arts */
    pend_keys bands, fps;
    pend_pair *pairs, *shared;
    size_t n_pairs, cap_pairs, n_shared, cap_shared;
    /* The cache: FIFO of entries, and rowid -> entry. */
    cache_entry **fifo;
    size_t fifo_head, fifo_n, fifo_cap;
    u64map cached;
    size_t cache_bytes, cache_limit;
};

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *nv = realloc(*v, nc * elem);
    if (!nv) return ACCORD_ENOMEM;
    *v = nv;
    *cap = nc;
    return 0;
}

static size_t pend_home(uint64_t key, size_t cap)
{
    return (size_t)(dedup_mix64(key) & (cap - 1));
}

static int pend_keys_add(pend_keys *pk, uint64_t key, int64_t article, uint32_t sentence)
{
    if (grow((void **)&pk->v, &pk->cap, pk->n + 1, sizeof *pk->v)) return ACCORD_ENOMEM;
    if ((pk->n + 1) * 2 > pk->slot_cap) {
        size_t sc = pk->slot_cap ? pk->slot_cap * 2 : 1024;
        uint32_t *ns = calloc(sc, sizeof *ns);
        if (!ns) return ACCORD_ENOMEM;
        for (size_t k = 0; k < pk->n; k++) {
            size_t i = pend_home(pk->v[k].key, sc);
            while (ns[i])
                i = (i + 1) & (sc - 1);
            ns[i] = (uint32_t)k + 1;
        }
        free(pk->slot);
        pk->slot = ns;
        pk->slot_cap = sc;
    }
    size_t i = pend_home(key, pk->slot_cap);
    while (pk->slot[i])
        i = (i + 1) & (pk->slot_cap - 1);
    pk->slot[i] = (uint32_t)pk->n + 1;
    pk->v[pk->n++] = (pend_key){key, article, sentence};
    return 0;
}

static void pend_keys_clear(pend_keys *pk)
{
    if (pk->slot_cap) memset(pk->slot, 0, pk->slot_cap * sizeof *pk->slot);
    pk->n = 0;
}

static void pend_keys_free(pend_keys *pk)
{
    free(pk->v);
    free(pk->slot);
    memset(pk, 0, sizeof *pk);
}

/* Calls back for every pending row with this key; returns how many. */
#define PEND_FOR_EACH(pk, k, var)                                                         \
    for (size_t var##_i = (pk)->slot_cap ? pend_home((k), (pk)->slot_cap) : 0;            \
         (pk)->slot_cap && (pk)->slot[var##_i]; var##_i = (var##_i + 1) & ((pk)->slot_cap - 1)) \
        for (const pend_key *var = &(pk)->v[(pk)->slot[var##_i] - 1]; var; var = NULL)    \
            if (var->key == (k))

/* ---- Indexed articles ------------------------------------------------------------ */

/* Rowids past this are looked up in the store rather than in the bitmap. */
#define INDEXED_MAX_ROWID ((int64_t)1 << 34)

static int indexed_set(dedup_state *ds, int64_t article, int on)
{
    if (!ds->filtered || article <= 0 || article >= INDEXED_MAX_ROWID) return 0;
    size_t w = (size_t)article / 64;
    if (w >= ds->indexed_words) {
        if (!on) return 0;
        size_t nw = ds->indexed_words ? ds->indexed_words : 1024;
        while (nw <= w)
            nw *= 2;
        uint64_t *n = realloc(ds->indexed, nw * sizeof *n);
        if (!n) return ACCORD_ENOMEM;
        memset(n + ds->indexed_words, 0, (nw - ds->indexed_words) * sizeof *n);
        ds->indexed = n;
        ds->indexed_words = nw;
    }
    if (on)
        ds->indexed[w] |= 1ULL << (article % 64);
    else
        ds->indexed[w] &= ~(1ULL << (article % 64));
    return 0;
}

/* Whether the article has rows in the index (stored or queued). */
static int is_indexed(dedup_state *ds, store *st, int64_t article, int *yes)
{
    if (u64map_get(&ds->art_at, (uint64_t)article, NULL)) {
        *yes = 1;
        return 0;
    }
    if (ds->filtered && article > 0 && article < INDEXED_MAX_ROWID) {
        size_t w = (size_t)article / 64;
        *yes = w < ds->indexed_words && (ds->indexed[w] >> (article % 64) & 1);
        return 0;
    }
    sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM dedup_sketch WHERE article = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int r = sqlite3_step(s);
    *yes = r == SQLITE_ROW;
    sqlite3_reset(s);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(st, "reading the index");
}

/* ---- The cache ------------------------------------------------------------------- */

static void cache_entry_free(cache_entry *e)
{
    free(e); /* one block: the entry and its arrays */
}

static void cache_evict(dedup_state *ds)
{
    while (ds->fifo_n && ds->cache_bytes > ds->cache_limit) {
        cache_entry *e = ds->fifo[ds->fifo_head];
        ds->fifo_head++;
        ds->fifo_n--;
        if (e->article) u64map_del(&ds->cached, (uint64_t)e->article);
        ds->cache_bytes -= e->bytes;
        cache_entry_free(e);
    }
}

static void cache_drop(dedup_state *ds, int64_t article)
{
    uint64_t v;
    if (!u64map_get(&ds->cached, (uint64_t)article, &v)) return;
    ((cache_entry *)(uintptr_t)v)->article = 0; /* freed when its turn comes */
    u64map_del(&ds->cached, (uint64_t)article);
}

static cache_entry *cache_get(dedup_state *ds, int64_t article)
{
    uint64_t v;
    return u64map_get(&ds->cached, (uint64_t)article, &v) ? (cache_entry *)(uintptr_t)v : NULL;
}

static void *copy_array(arena *a, const void *v, size_t n, size_t elem, size_t *bytes)
{
    void *d = arena_alloc(a, n ? n * elem : 1);
    if (d && n) memcpy(d, v, n * elem);
    *bytes += (n ? n * elem : 1) + 16;
    return d;
}

/* Carves n elements from a block being filled. */
static void *carve(unsigned char **at, const void *v, size_t n, size_t elem)
{
    void *d = *at;
    if (n) memcpy(d, v, n * elem);
    *at += (n * elem + 7) & ~(size_t)7;
    return d;
}

/* Keeps a copy of the article's sentences and shingles, in one block
 * (best effort: a cache that cannot grow only makes later reads slower). */
static void cache_put(dedup_state *ds, int64_t article, const dedup_prepared *p)
{
    if (ds->cache_limit == 0) return;
    const dedup_doc *doc = &p->doc;
    size_t bytes = ((sizeof(cache_entry) + 7) & ~(size_t)7) + p->shingles.n * 8 +
                   doc->n_sentences * ((sizeof(dedup_sentence) + 7) & ~(size_t)7);
    for (size_t i = 0; i < doc->n_sentences; i++) {
        const dedup_sentence *x = &doc->sentences[i];
        bytes += (((size_t)x->n_grams * 4 + 7) & ~(size_t)7) + ((size_t)x->n_word_set + x->n_nums) * 8;
    }
    if (ds->fifo_n && ds->fifo_head + ds->fifo_n == ds->fifo_cap && ds->fifo_head > 0) {
        memmove(ds->fifo, ds->fifo + ds->fifo_head, ds->fifo_n * sizeof *ds->fifo);
        ds->fifo_head = 0;
    }
    if (grow((void **)&ds->fifo, &ds->fifo_cap, ds->fifo_head + ds->fifo_n + 1,
             sizeof *ds->fifo) != 0)
        return;
    unsigned char *mem = malloc(bytes), *at = mem;
    if (!mem) return;
    cache_entry *e = (cache_entry *)mem;
    at += (sizeof *e + 7) & ~(size_t)7;
    memset(e, 0, sizeof *e);
    e->article = article;
    e->bytes = bytes;
    e->shingles.n = p->shingles.n;
    e->shingles.h = carve(&at, p->shingles.h, p->shingles.n, sizeof *p->shingles.h);
    e->doc.len = doc->len;
    e->doc.n_sentences = doc->n_sentences;
    e->doc.sentences = carve(&at, doc->sentences, doc->n_sentences, sizeof *doc->sentences);
    for (size_t i = 0; i < doc->n_sentences; i++) {
        dedup_sentence *d = &e->doc.sentences[i];
        const dedup_sentence *x = &doc->sentences[i];
        d->grams = carve(&at, x->grams, x->n_grams, sizeof *x->grams);
        d->words = carve(&at, x->words, x->n_word_set, sizeof *x->words);
        d->nums = carve(&at, x->nums, x->n_nums, sizeof *x->nums);
    }
    cache_drop(ds, article);
    if (u64map_put(&ds->cached, (uint64_t)article, (uint64_t)(uintptr_t)e) != 0) {
        free(mem);
        return;
    }
    ds->fifo[ds->fifo_head + ds->fifo_n] = e;
    ds->fifo_n++;
    ds->cache_bytes += bytes;
    cache_evict(ds);
}

/* ---- Opening and freeing ------------------------------------------------------------ */

static int state_new(store *st, int filtered, dedup_state **out)
{
    *out = NULL;
    dedup_state *ds = calloc(1, sizeof *ds);
    if (!ds) return acc_error(ACCORD_ENOMEM, "dedup: out of memory opening the index");
    arena_init(&ds->batch);
    ds->filtered = filtered;
    ds->cache_limit = filtered ? DEDUP_CACHE_BYTES : 0;
    int rc = dedup_store_config(st, &ds->c);
    if (rc) {
        dedup_state_free(ds);
        return rc;
    }
    *out = ds;
    return 0;
}

/* Adds every key of a column to the filter. */
static int load_keys(dedup_state *ds, store *st, const char *sql, uint64_t salt)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    if (!s) return ACCORD_EINTERNAL;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        bloom_chain_add(&ds->filter, (uint64_t)sqlite3_column_int64(s, 0) ^ salt);
    sqlite3_reset(s);
    return r == SQLITE_DONE ? 0 : db_fail(st, "loading the index");
}

/* A new filter for `keys` keys holding every key stored and queued. */
static int filter_rebuild(dedup_state *ds, store *st, size_t keys)
{
    bloom_chain_free(&ds->filter);
    int rc = bloom_chain_grow(&ds->filter, keys);
    if (rc) return acc_error(rc, "dedup: out of memory building the index filter");
    rc = load_keys(ds, st, "SELECT band_key FROM dedup_band", SALT_BAND);
    if (!rc) rc = load_keys(ds, st, "SELECT fp FROM dedup_sentence_fp", SALT_FP);
    for (size_t i = 0; !rc && i < ds->bands.n; i++)
        bloom_chain_add(&ds->filter, ds->bands.v[i].key ^ SALT_BAND);
    for (size_t i = 0; !rc && i < ds->fps.n; i++)
        bloom_chain_add(&ds->filter, ds->fps.v[i].key ^ SALT_FP);
    if (!rc && ds->filter.v[0].n > ds->filter.v[0].cap) /* the estimate was short */
        return filter_rebuild(ds, st, ds->filter.v[0].n * 2);
    return rc;
}

/* Makes room in the filter for `more` keys. */
static int filter_room(dedup_state *ds, store *st, size_t more)
{
    const bloom *b = &ds->filter.v[0];
    if (b->n + more <= b->cap) return 0;
    return filter_rebuild(ds, st, (b->n + more) * 2);
}

int dedup_state_open(store *st, dedup_state **out)
{
    dedup_state *ds;
    int rc = state_new(st, 1, &ds);
    if (rc) return rc;
    /* Room for as many keys again: bands and at most two fingerprints a
     * sentence per article. */
    sqlite3_stmt *s =
        store_prepare(st, "SELECT count(*), coalesce(sum(n_sentences), 0) FROM dedup_sketch");
    if (!s) {
        rc = ACCORD_EINTERNAL;
        goto fail;
    }
    int64_t n_articles = 0, n_sentences = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        n_articles = sqlite3_column_int64(s, 0);
        n_sentences = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    rc = filter_rebuild(ds, st, (size_t)(n_articles * ds->c.bands + 2 * n_sentences) * 2);
    if (rc) goto fail;
    s = store_prepare(st, "SELECT article FROM dedup_sketch");
    if (!s) {
        rc = ACCORD_EINTERNAL;
        goto fail;
    }
    int r;
    while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW)
        rc = indexed_set(ds, sqlite3_column_int64(s, 0), 1);
    if (!rc && r != SQLITE_DONE) rc = db_fail(st, "loading the index");
    sqlite3_reset(s);
    if (rc) goto fail;
    *out = ds;
    return 0;
fail:
    dedup_state_free(ds);
    return rc;
}

void dedup_state_free(dedup_state *ds)
{
    if (!ds) return;
    bloom_chain_free(&ds->filter);
    u64map_free(&ds->saturated);
    free(ds->indexed);
    arena_free(&ds->batch);
    free(ds->arts);
    u64map_free(&ds->art_at);
    pend_keys_free(&ds->bands);
    pend_keys_free(&ds->fps);
    free(ds->pairs);
    free(ds->shared);
    for (size_t i = 0; i < ds->fifo_n; i++)
        cache_entry_free(ds->fifo[ds->fifo_head + i]);
    free(ds->fifo);
    u64map_free(&ds->cached);
    free(ds);
}

const dedup_config *dedup_state_config(const dedup_state *ds)
{
    return &ds->c;
}

void dedup_state_set_cache(dedup_state *ds, size_t bytes)
{
    ds->cache_limit = bytes;
    cache_evict(ds);
}

size_t dedup_state_memory(const dedup_state *ds)
{
    size_t m = sizeof *ds + bloom_chain_memory(&ds->filter);
    m += ds->saturated.cap * 16 + ds->indexed_words * 8;
    m += ds->cap_arts * sizeof *ds->arts + ds->art_at.cap * 16;
    m += (ds->bands.cap + ds->fps.cap) * sizeof(pend_key) +
         (ds->bands.slot_cap + ds->fps.slot_cap) * sizeof(uint32_t);
    m += (ds->cap_pairs + ds->cap_shared) * sizeof(pend_pair);
    m += ds->cache_bytes + ds->fifo_cap * sizeof *ds->fifo + ds->cached.cap * 16;
    /* The batch arena: its rows' signatures and shingles. */
    for (size_t i = 0; i < ds->n_arts; i++)
        m += (size_t)ds->c.n_hashes * 4 + (ds->arts[i].shingles.n + ds->arts[i].n_fps) * 8;
    return m;
}

/* ---- Reading what the store holds ------------------------------------------------ */

/* The shingle set of an earlier article: queued, cached or stored. *found
 * is 0 when the article has none. */
static int other_shingles(dedup_state *ds, store *st, arena *a, int64_t other, dedup_shingles *out,
                          int *found)
{
    uint64_t at;
    *found = 1;
    if (u64map_get(&ds->art_at, (uint64_t)other, &at)) {
        *out = ds->arts[at].shingles;
        return 0;
    }
    cache_entry *e = cache_get(ds, other);
    if (e) {
        *out = e->shingles;
        return 0;
    }
    sqlite3_stmt *s = store_prepare(st, "SELECT shingles FROM dedup_sketch WHERE article = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, other);
    int r = sqlite3_step(s), rc = 0;
    *found = r == SQLITE_ROW;
    if (r == SQLITE_ROW)
        rc = decode_u64(a, sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0), out);
    else if (r != SQLITE_DONE)
        rc = db_fail(st, "reading a shingle set");
    sqlite3_reset(s);
    return rc;
}

/* The id of an article (for the order of alignment); NULL when absent. */
static int article_id(store *st, arena *a, int64_t article, char **id)
{
    *id = NULL;
    sqlite3_stmt *s = store_prepare(st, "SELECT id FROM articles WHERE rowid = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int r = sqlite3_step(s), rc = 0;
    if (r == SQLITE_ROW) {
        const char *i = (const char *)sqlite3_column_text(s, 0);
        *id = arena_strdup(a, i ? i : "");
        if (!*id) rc = ACCORD_ENOMEM;
    } else if (r != SQLITE_DONE) {
        rc = db_fail(st, "reading an article id");
    }
    sqlite3_reset(s);
    return rc;
}

/* The aligner's view of an earlier article: cached, or its stored text
 * analysed again (the same sentences: text_analyze of the same text). */
static int other_doc(dedup_state *ds, store *st, arena *a, int64_t other, dedup_doc *out,
                     int *found)
{
    *found = 1;
    cache_entry *e = cache_get(ds, other);
    if (e) {
        *out = e->doc;
        return 0;
    }
    sqlite3_stmt *s = store_prepare(st, "SELECT text FROM articles WHERE rowid = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, other);
    int r = sqlite3_step(s), rc = 0;
    *found = r == SQLITE_ROW;
    if (r == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        size_t len = (size_t)sqlite3_column_bytes(s, 0);
        char *text = arena_strndup(a, t ? t : "", t ? len : 0);
        rc = text ? dedup_doc_from_text(a, text, t ? len : 0, out) : ACCORD_ENOMEM;
    } else if (r != SQLITE_DONE) {
        rc = db_fail(st, "reading an article's text");
    }
    sqlite3_reset(s);
    return rc;
}

/* ---- Removing, applying, flushing ---------------------------------------------- */

int dedup_state_remove(dedup_state *ds, store *st, int64_t article)
{
    /* The store must hold everything before rows leave it. */
    int rc = dedup_flush(ds, st);
    if (rc) return rc;
    if (ds->saturated.n || ds->saturated.has_zero) {
        /* Its fingerprints' postings shrink: whether they are still too
         * common is for the next reader to find out. */
        arena a;
        arena_init(&a);
        uint64_t *fps;
        size_t n;
        dedup_shingles sig;
        rc = stored_fps(st, &a, article, &fps, &n, &sig);
        if (!rc && n == SIZE_MAX)
            u64map_clear(&ds->saturated); /* an old row without its fingerprints */
        for (size_t i = 0; !rc && n != SIZE_MAX && i < n; i++)
            u64map_del(&ds->saturated, fps[i]);
        arena_free(&a);
        if (rc) return rc;
    }
    rc = dedup_store_remove(st, article);
    if (rc) return rc;
    cache_drop(ds, article);
    indexed_set(ds, article, 0);
    return 0;
}

static int pair_add(pend_pair **v, size_t *n, size_t *cap, pend_pair p)
{
    if (grow((void **)v, cap, *n + 1, sizeof **v)) return ACCORD_ENOMEM;
    (*v)[(*n)++] = p;
    return 0;
}

static int count_aligned(const dedup_alignment *al, int side_a)
{
    int n = 0;
    uint32_t last = UINT32_MAX;
    /* pairs are sorted by a; for side b count distinct b. */
    if (side_a) {
        for (size_t i = 0; i < al->n_pairs; i++)
            if (al->pairs[i].a != last) {
                n++;
                last = al->pairs[i].a;
            }
        return n;
    }
    /* b values may repeat (merged sentences): count distinct with a scan. */
    for (size_t i = 0; i < al->n_pairs; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = al->pairs[j].b == al->pairs[i].b;
        n += !seen;
    }
    return n;
}

/* Band candidates: every earlier article sharing a band, queued or stored. */
static int band_candidates(dedup_state *ds, store *st, int64_t article, const dedup_prepared *p,
                           cand_set *cs)
{
    for (int b = 0; b < p->n_bands; b++) {
        uint64_t key = p->band_keys[b];
        PEND_FOR_EACH(&ds->bands, key, pk)
        {
            if (pk->article != article && !cand_get(cs, pk->article)) return ACCORD_ENOMEM;
        }
        if (ds->filtered && !bloom_chain_maybe(&ds->filter, key ^ SALT_BAND)) continue;
        sqlite3_stmt *s = store_prepare(st, "SELECT article FROM dedup_band WHERE band_key = ?");
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, (sqlite3_int64)key);
        int r, rc = 0;
        while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
            int64_t other = sqlite3_column_int64(s, 0);
            if (other != article && !cand_get(cs, other)) rc = ACCORD_ENOMEM;
        }
        if (!rc && r != SQLITE_DONE) rc = db_fail(st, "reading a band");
        sqlite3_reset(s);
        if (rc) return rc;
    }
    return 0;
}

/* Fingerprint candidates, each with the number of the article's sentences
 * it shares a fingerprint with. A fingerprint in more than FP_MAX_POSTING
 * rows (stored, queued, and the article's own earlier sentences) counts
 * for nothing. */
static int fp_candidates(dedup_state *ds, store *st, int64_t article, const dedup_prepared *p,
                         cand_set *cs)
{
    int64_t found[FP_MAX_POSTING + 1];
    for (size_t i = 0; i < p->n_fps; i++) {
        uint64_t fp = p->fps[i].fp;
        uint32_t sent = p->fps[i].sentence;
        if (u64map_get(&ds->saturated, fp, NULL)) continue;
        /* The article's own earlier sentences with this fingerprint count
         * towards the bound too (as when each sentence's rows were written
         * before the next was looked up). */
        int n_found = 0;
        for (size_t j = 0; j < i; j++)
            if (p->fps[j].fp == fp && n_found <= FP_MAX_POSTING) found[n_found++] = article;
        int own = n_found;
        PEND_FOR_EACH(&ds->fps, fp, pk)
        {
            if (n_found <= FP_MAX_POSTING) found[n_found] = pk->article;
            n_found++;
        }
        if (n_found <= FP_MAX_POSTING &&
            (!ds->filtered || bloom_chain_maybe(&ds->filter, fp ^ SALT_FP))) {
            sqlite3_stmt *s =
                store_prepare(st, "SELECT article FROM dedup_sentence_fp WHERE fp = ? LIMIT 201");
            if (!s) return ACCORD_EINTERNAL;
            sqlite3_bind_int64(s, 1, (sqlite3_int64)fp);
            int r;
            while (n_found <= FP_MAX_POSTING && (r = sqlite3_step(s)) == SQLITE_ROW)
                found[n_found++] = sqlite3_column_int64(s, 0);
            int bad = n_found <= FP_MAX_POSTING && r != SQLITE_DONE;
            sqlite3_reset(s);
            if (bad) return db_fail(st, "reading a fingerprint");
        }
        if (n_found > FP_MAX_POSTING) {
            /* Too common for good, unless an article leaves. (Not when its
             * own rows tipped it: others may not see it so.) */
            if (n_found - own > FP_MAX_POSTING && u64map_put(&ds->saturated, fp, 1))
                return ACCORD_ENOMEM;
            continue;
        }
        for (int f = 0; f < n_found; f++) {
            if (found[f] == article) continue;
            cand *cd = cand_get(cs, found[f]);
            if (!cd) return ACCORD_ENOMEM;
            if (cd->last_sent != sent + 1) {
                cd->last_sent = sent + 1;
                cd->hits++;
            }
        }
    }
    return 0;
}

/* Aligns the article with one earlier article and queues the pair when
 * they share passages. */
static int shared_check(dedup_state *ds, store *st, arena *a, int64_t me, const char *my_id,
                        const dedup_prepared *p, int64_t other, size_t *n_shared)
{
    char *oid;
    int found, rc = article_id(st, a, other, &oid);
    if (rc || !oid) return rc;
    dedup_doc theirs;
    rc = other_doc(ds, st, a, other, &theirs, &found);
    if (rc || !found) return rc;
    const dedup_doc *mine = &p->doc;
    /* The smaller id first, so the result never depends on arrival. */
    int me_first = strcmp(my_id, oid) <= 0;
    dedup_alignment al;
    rc = dedup_align(a, me_first ? mine : &theirs, me_first ? &theirs : mine, &al);
    if (rc) return rc;
    if (al.n_pairs < DEDUP_MIN_SHARED) return 0;
    int first_aligned = count_aligned(&al, 1), second_aligned = count_aligned(&al, 0);
    int mine_aligned = me_first ? first_aligned : second_aligned;
    int theirs_aligned = me_first ? second_aligned : first_aligned;
    /* The exact Jaccard, for the listing. */
    dedup_shingles o;
    double j = 0;
    rc = other_shingles(ds, st, a, other, &o, &found);
    if (rc) return rc;
    if (found) j = dedup_jaccard(&p->shingles, &o);
    int low_is_me = me < other;
    pend_pair pp = {low_is_me ? me : other, low_is_me ? other : me, j,
                    low_is_me ? mine_aligned : theirs_aligned,
                    low_is_me ? theirs_aligned : mine_aligned, (int)al.n_passages};
    if (pair_add(&ds->shared, &ds->n_shared, &ds->cap_shared, pp)) return ACCORD_ENOMEM;
    (*n_shared)++;
    return 0;
}

static int cand_by_article(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    return a->article < b->article ? -1 : a->article > b->article;
}

/* Queues the article's rows and adds its keys to the filter. */
static int queue_article(dedup_state *ds, store *st, int64_t article, const dedup_prepared *p)
{
    if (ds->filtered) {
        int rc = filter_room(ds, st, (size_t)p->n_bands + p->n_fps);
        if (rc) return rc;
    }
    if (grow((void **)&ds->arts, &ds->cap_arts, ds->n_arts + 1, sizeof *ds->arts))
        return ACCORD_ENOMEM;
    pend_article *pa = &ds->arts[ds->n_arts];
    pa->article = article;
    pa->n_words = p->n_words;
    pa->n_sentences = p->n_sentences;
    size_t ignored = 0;
    pa->signature =
        copy_array(&ds->batch, p->signature, (size_t)ds->c.n_hashes, sizeof *p->signature, &ignored);
    pa->shingles.n = p->shingles.n;
    pa->shingles.h =
        copy_array(&ds->batch, p->shingles.h, p->shingles.n, sizeof *p->shingles.h, &ignored);
    pa->n_fps = p->n_fps;
    pa->fps = arena_alloc(&ds->batch, (p->n_fps ? p->n_fps : 1) * sizeof *pa->fps);
    if (!pa->signature || !pa->shingles.h || !pa->fps) return ACCORD_ENOMEM;
    for (size_t i = 0; i < p->n_fps; i++)
        pa->fps[i] = p->fps[i].fp;
    if (u64map_put(&ds->art_at, (uint64_t)article, ds->n_arts)) return ACCORD_ENOMEM;
    ds->n_arts++;
    for (int b = 0; b < p->n_bands; b++) {
        if (pend_keys_add(&ds->bands, p->band_keys[b], article, 0)) return ACCORD_ENOMEM;
        if (ds->filtered) bloom_chain_add(&ds->filter, p->band_keys[b] ^ SALT_BAND);
    }
    for (size_t i = 0; i < p->n_fps; i++) {
        if (pend_keys_add(&ds->fps, p->fps[i].fp, article, p->fps[i].sentence)) return ACCORD_ENOMEM;
        if (ds->filtered) bloom_chain_add(&ds->filter, p->fps[i].fp ^ SALT_FP);
    }
    return indexed_set(ds, article, 1);
}

int dedup_apply(dedup_state *ds, store *st, int64_t article, const dedup_prepared *p,
                dedup_match *m)
{
    dedup_match local;
    if (!m) m = &local;
    memset(m, 0, sizeof *m);
    int known, rc = is_indexed(ds, st, article, &known);
    if (!rc && known) rc = dedup_state_remove(ds, st, article);
    if (rc) return rc;

    arena a;
    arena_init(&a);
    cand_set bands = {0}, fps = {0};
    int64_t *copies = NULL;
    char *my_id = NULL;

    /* Copies: band candidates verified against the exact Jaccard, in rowid
     * order so that the queued rows are too. */
    rc = band_candidates(ds, st, article, p, &bands);
    if (rc) goto out;
    if (bands.n > 1) qsort(bands.v, bands.n, sizeof *bands.v, cand_by_article);
    copies = malloc((bands.n ? bands.n : 1) * sizeof *copies);
    if (!copies) {
        rc = ACCORD_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < bands.n; i++) {
        int64_t other = bands.v[i].article;
        dedup_shingles o;
        int found;
        rc = other_shingles(ds, st, &a, other, &o, &found);
        if (rc) goto out;
        if (!found) continue;
        double j = dedup_jaccard(&p->shingles, &o);
        if (j < ds->c.threshold) continue;
        pend_pair pp = {article < other ? article : other, article < other ? other : article, j, 0,
                        0, 0};
        if (pair_add(&ds->pairs, &ds->n_pairs, &ds->cap_pairs, pp)) {
            rc = ACCORD_ENOMEM;
            goto out;
        }
        copies[m->n_copies++] = other;
        if (other < article && (m->copy_of == 0 || j > m->copy_jaccard)) {
            m->copy_of = other; /* rowid order: the lowest wins ties */
            m->copy_jaccard = j;
        }
    }

    /* Shared passages: fingerprint candidates that are not copies, the ones
     * sharing the most sentences first, at most ALIGN_MAX_CANDIDATES. */
    rc = fp_candidates(ds, st, article, p, &fps);
    if (rc) goto out;
    if (fps.n > 1) qsort(fps.v, fps.n, sizeof *fps.v, cand_by_hits);
    if (fps.n > ALIGN_MAX_CANDIDATES) fps.n = ALIGN_MAX_CANDIDATES;
    for (size_t i = 0; i < fps.n && !rc; i++) {
        if (fps.v[i].hits < DEDUP_MIN_SHARED) continue;
        int copy = 0;
        for (size_t k = 0; k < m->n_copies && !copy; k++)
            copy = copies[k] == fps.v[i].article;
        if (copy) continue;
        if (!my_id) {
            rc = article_id(st, &a, article, &my_id);
            if (rc) break;
            if (!my_id) {
                rc = acc_error(ACCORD_EINTERNAL, "dedup: article %lld is not stored",
                               (long long)article);
                break;
            }
        }
        arena scratch;
        arena_init(&scratch);
        rc = shared_check(ds, st, &scratch, article, my_id, p, fps.v[i].article, &m->n_shared);
        arena_free(&scratch);
    }
    if (rc) goto out;

    rc = queue_article(ds, st, article, p);
    if (!rc) cache_put(ds, article, p);
out:
    if (rc == ACCORD_ENOMEM) rc = acc_error(rc, "dedup: out of memory matching an article");
    free(copies);
    cand_free(&bands);
    cand_free(&fps);
    arena_free(&a);
    return rc;
}

static int pend_key_order(const void *x, const void *y)
{
    const pend_key *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->article != b->article) return a->article < b->article ? -1 : 1;
    return a->sentence < b->sentence ? -1 : a->sentence > b->sentence;
}

static int insert_keys(store *st, pend_keys *pk, const char *sql, int with_sentence)
{
    /* In key order: the index's pages are visited once each. */
    if (pk->n > 1) qsort(pk->v, pk->n, sizeof *pk->v, pend_key_order);
    for (size_t i = 0; i < pk->n; i++) {
        sqlite3_stmt *s = store_prepare(st, sql);
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, (sqlite3_int64)pk->v[i].key);
        sqlite3_bind_int64(s, 2, pk->v[i].article);
        if (with_sentence) sqlite3_bind_int64(s, 3, pk->v[i].sentence);
        int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing the index");
        sqlite3_reset(s);
        if (rc) return rc;
    }
    return 0;
}

static int insert_pairs(store *st, const pend_pair *v, size_t n, int shared)
{
    const char *sql = shared ? "INSERT OR REPLACE INTO dedup_shared(a, b, shared_a, shared_b, "
                               "passages, jaccard) VALUES (?, ?, ?, ?, ?, ?)"
                             : "INSERT OR REPLACE INTO dedup_pair(a, b, jaccard) VALUES (?, ?, ?)";
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = store_prepare(st, sql);
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_int64(s, 1, v[i].a);
        sqlite3_bind_int64(s, 2, v[i].b);
        if (shared) {
            sqlite3_bind_int(s, 3, v[i].shared_a);
            sqlite3_bind_int(s, 4, v[i].shared_b);
            sqlite3_bind_int(s, 5, v[i].passages);
            sqlite3_bind_double(s, 6, v[i].jaccard);
        } else {
            sqlite3_bind_double(s, 3, v[i].jaccard);
        }
        int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a pair");
        sqlite3_reset(s);
        if (rc) return rc;
    }
    return 0;
}

int dedup_flush(dedup_state *ds, store *st)
{
    int rc = 0;
    arena a;
    arena_init(&a);
    for (size_t i = 0; i < ds->n_arts && !rc; i++) {
        const pend_article *pa = &ds->arts[i];
        unsigned char *sig = encode_u32(&a, pa->signature, (size_t)ds->c.n_hashes);
        unsigned char *sh = encode_u64(&a, pa->shingles.h, pa->shingles.n);
        unsigned char *fps = encode_u64(&a, pa->fps, pa->n_fps);
        if (!sig || !sh || !fps) {
            rc = acc_error(ACCORD_ENOMEM, "dedup: out of memory writing the index");
            break;
        }
        sqlite3_stmt *s = store_prepare(st, "INSERT INTO dedup_sketch(article, n_words, "
                                            "n_sentences, signature, shingles, fps) VALUES (?, ?, ?, ?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, pa->article);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)pa->n_words);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)pa->n_sentences);
        sqlite3_bind_blob(s, 4, sig, ds->c.n_hashes * 4, SQLITE_STATIC);
        sqlite3_bind_blob64(s, 5, sh, pa->shingles.n * 8, SQLITE_STATIC);
        sqlite3_bind_blob64(s, 6, fps, pa->n_fps * 8, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a signature");
        sqlite3_reset(s);
        arena_reset(&a);
    }
    arena_free(&a);
    if (!rc)
        rc = insert_keys(st, &ds->bands, "INSERT INTO dedup_band(band_key, article) VALUES (?, ?)", 0);
    if (!rc)
        rc = insert_keys(st, &ds->fps,
                         "INSERT INTO dedup_sentence_fp(fp, article, sentence) VALUES (?, ?, ?)", 1);
    if (!rc) rc = insert_pairs(st, ds->pairs, ds->n_pairs, 0);
    if (!rc) rc = insert_pairs(st, ds->shared, ds->n_shared, 1);
    if (rc) return rc; /* the caller rolls back and opens the state again */
    ds->n_arts = ds->n_pairs = ds->n_shared = 0;
    u64map_clear(&ds->art_at);
    pend_keys_clear(&ds->bands);
    pend_keys_clear(&ds->fps);
    arena_reset(&ds->batch);
    return 0;
}

/* ---- One article at a time ---------------------------------------------------- */

int dedup_store_article(store *st, int64_t article, const char *text, size_t len,
                        const text_doc *doc)
{
    dedup_state *ds;
    int rc = state_new(st, 0, &ds);
    if (rc) return rc;
    arena a;
    arena_init(&a);
    dedup_prepared p;
    rc = dedup_prepare(&a, &ds->c, text, len, doc, &p);
    if (!rc) rc = dedup_apply(ds, st, article, &p, NULL);
    if (!rc) rc = dedup_flush(ds, st);
    arena_free(&a);
    dedup_state_free(ds);
    return rc;
}

/* ---- Read functions ---------------------------------------------------------------- */

int dedup_original_of(store *st, int64_t article, int64_t *original)
{
    *original = 0;
    sqlite3_stmt *s = store_prepare(
        st, "SELECT a FROM dedup_pair WHERE b = ? ORDER BY jaccard DESC, a LIMIT 1");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) *original = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(st, "reading a copy's original");
}
