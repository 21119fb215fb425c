/* dedup_store.c - the persistent copy index, in the store's own tables.
 *
 * On insert an article gets: its shingle set and signature (dedup_sketch),
 * one row per LSH band (dedup_band, indexed by key), and two fingerprints
 * per sentence of six words or more (dedup_sentence_fp): the two smallest
 * hashes of the sentence's 3-word shingles, a bottom-2 sketch, which two
 * lightly edited versions of a sentence share with high probability.
 *
 * Candidates sharing a band with the new article are verified against the
 * exact Jaccard of the stored shingle sets; those at or above the threshold
 * become copy pairs. Articles sharing fingerprints of at least
 * DEDUP_MIN_SHARED of the new article's sentences are aligned sentence by
 * sentence; those with DEDUP_MIN_SHARED aligned sentences or more (and not
 * copies) become shared-passage pairs. Every pair is stored once with the
 * lower rowid first, and alignment always puts the article with the
 * smaller id first, so the stored result is the same whatever the order of
 * arrival. One bound trades that for cost: a new article is aligned with at
 * most ALIGN_MAX_CANDIDATES earlier articles (those sharing the most
 * sentence fingerprints first), so only a text shared by more articles than
 * that can see its shared-passage pairs depend on arrival order; copy pairs
 * never do. Deleting an article deletes its rows (also by cascade). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_int.h"
#include "store/store.h"
#include "util/util.h"

enum {
    FP_MIN_WORDS = 6,          /* shorter sentences get no fingerprint */
    FP_SHINGLE = 3,            /* words per sentence shingle */
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

int dedup_store_remove(store *st, int64_t article)
{
    static const char *const sql[] = {
        "DELETE FROM dedup_sketch WHERE article = ?1",
        "DELETE FROM dedup_band WHERE article = ?1",
        "DELETE FROM dedup_sentence_fp WHERE article = ?1",
        "DELETE FROM dedup_pair WHERE a = ?1 OR b = ?1",
        "DELETE FROM dedup_shared WHERE a = ?1 OR b = ?1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        int rc = exec_article(st, sql[i], article);
        if (rc) return rc;
    }
    return 0;
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

/* ---- Sentence fingerprints ------------------------------------------------ */

/* The two smallest distinct 3-word shingle hashes of text[start, end);
 * returns how many (0 for a sentence under FP_MIN_WORDS words). */
static int sentence_fps(arena *a, const char *text, uint32_t start, uint32_t end, uint64_t fp[2])
{
    uint64_t *w;
    size_t n;
    if (dedup_word_hashes(a, text + start, end - start, &w, &n) != 0 || n < FP_MIN_WORDS) return 0;
    uint64_t m0 = UINT64_MAX, m1 = UINT64_MAX;
    for (size_t i = 0; i + FP_SHINGLE <= n; i++) {
        uint64_t h = dedup_shingle_hash(w + i, FP_SHINGLE);
        if (h < m0) {
            m1 = m0;
            m0 = h;
        } else if (h > m0 && h < m1) {
            m1 = h;
        }
    }
    fp[0] = m0;
    fp[1] = m1;
    return m1 == UINT64_MAX ? 1 : 2;
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

static int load_text(store *st, arena *a, int64_t article, char **id, char **text, size_t *len)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT id, text FROM articles WHERE rowid = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    int rc = ACCORD_ENOTFOUND;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *i = (const char *)sqlite3_column_text(s, 0);
        const char *t = (const char *)sqlite3_column_text(s, 1);
        *len = (size_t)sqlite3_column_bytes(s, 1);
        *id = arena_strdup(a, i ? i : "");
        *text = arena_strndup(a, t ? t : "", t ? *len : 0);
        rc = *id && *text ? 0 : ACCORD_ENOMEM;
    }
    sqlite3_reset(s);
    return rc;
}

static int is_copy_pair(store *st, int64_t x, int64_t y, int *yes)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM dedup_pair WHERE a = ? AND b = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, x < y ? x : y);
    sqlite3_bind_int64(s, 2, x < y ? y : x);
    *yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
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

/* Aligns the new article with one candidate and stores the pair when they
 * share passages. */
static int shared_check(store *st, arena *a, int64_t me, const char *my_id, const dedup_doc *mine,
                        const dedup_shingles *my_sh, int64_t other, const dedup_config *c)
{
    char *oid, *otext;
    size_t olen;
    int rc = load_text(st, a, other, &oid, &otext, &olen);
    if (rc == ACCORD_ENOTFOUND) return 0;
    if (rc) return rc;
    dedup_doc theirs;
    rc = dedup_doc_from_text(a, otext, olen, &theirs);
    if (rc) return rc;
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
    double j = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT shingles FROM dedup_sketch WHERE article = ?");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, other);
    if (sqlite3_step(s) == SQLITE_ROW) {
        dedup_shingles o;
        if (decode_u64(a, sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0), &o) == 0)
            j = dedup_jaccard(my_sh, &o);
    }
    sqlite3_reset(s);
    (void)c;
    s = store_prepare(st, "INSERT OR REPLACE INTO dedup_shared(a, b, shared_a, shared_b, passages, "
                          "jaccard) VALUES (?, ?, ?, ?, ?, ?)");
    if (!s) return ACCORD_EINTERNAL;
    int low_is_me = me < other;
    sqlite3_bind_int64(s, 1, low_is_me ? me : other);
    sqlite3_bind_int64(s, 2, low_is_me ? other : me);
    sqlite3_bind_int(s, 3, low_is_me ? mine_aligned : theirs_aligned);
    sqlite3_bind_int(s, 4, low_is_me ? theirs_aligned : mine_aligned);
    sqlite3_bind_int(s, 5, (int)al.n_passages);
    sqlite3_bind_double(s, 6, j);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a shared-passage pair");
    sqlite3_reset(s);
    return rc;
}

int dedup_store_article(store *st, int64_t article, const char *text, size_t len,
                        const text_doc *doc)
{
    dedup_config c;
    int rc = dedup_store_config(st, &c);
    if (rc) return rc;
    rc = dedup_store_remove(st, article);
    if (rc) return rc;
    arena a;
    arena_init(&a);
    cand_set bands = {0}, fps = {0};
    sqlite3_stmt *s;

    text_doc local;
    if (!doc) {
        if (text_analyze(&a, text, len, &local) != 0) {
            rc = acc_error(ACCORD_ENOMEM, "dedup: out of memory analysing the text");
            goto out;
        }
        doc = &local;
    }
    uint64_t *words;
    size_t n_words;
    dedup_shingles sh;
    rc = dedup_word_hashes(&a, text, len, &words, &n_words);
    if (!rc) rc = dedup_shingle_words(&a, words, n_words, c.shingle_words, &sh);
    uint32_t sig[DEDUP_MAX_HASHES];
    uint64_t keys[DEDUP_MAX_HASHES];
    unsigned char *sig_blob = NULL, *sh_blob = NULL;
    if (!rc) {
        dedup_minhash(&c, sh.h, sh.n, sig);
        dedup_band_keys(&c, sig, keys);
        sig_blob = encode_u32(&a, sig, (size_t)c.n_hashes);
        sh_blob = encode_u64(&a, sh.h, sh.n);
        if (!sig_blob || !sh_blob) rc = ACCORD_ENOMEM;
    }
    if (rc) {
        rc = acc_error(ACCORD_ENOMEM, "dedup: out of memory shingling the text");
        goto out;
    }

    s = store_prepare(st, "INSERT INTO dedup_sketch(article, n_words, n_sentences, signature, "
                          "shingles) VALUES (?, ?, ?, ?, ?)");
    if (!s) {
        rc = ACCORD_EINTERNAL;
        goto out;
    }
    sqlite3_bind_int64(s, 1, article);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)n_words);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)doc->n_sentences);
    sqlite3_bind_blob(s, 4, sig_blob, c.n_hashes * 4, SQLITE_STATIC);
    sqlite3_bind_blob64(s, 5, sh_blob, sh.n * 8, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a signature");
    sqlite3_reset(s);
    if (rc) goto out;

    /* Bands: look up, then add (short texts take no part in copies). */
    int bands_n = n_words >= DEDUP_MIN_COPY_WORDS ? c.bands : 0;
    for (int b = 0; b < bands_n && !rc; b++) {
        s = store_prepare(st, "SELECT article FROM dedup_band WHERE band_key = ?");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, (sqlite3_int64)keys[b]);
        while (sqlite3_step(s) == SQLITE_ROW) {
            int64_t other = sqlite3_column_int64(s, 0);
            if (other != article && !cand_get(&bands, other)) rc = ACCORD_ENOMEM;
        }
        sqlite3_reset(s);
        if (rc) break;
        s = store_prepare(st, "INSERT INTO dedup_band(band_key, article) VALUES (?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, (sqlite3_int64)keys[b]);
        sqlite3_bind_int64(s, 2, article);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a band");
        sqlite3_reset(s);
    }
    if (rc) goto out;

    /* Verify every band candidate against the exact Jaccard. */
    for (size_t i = 0; i < bands.n && !rc; i++) {
        int64_t other = bands.v[i].article;
        s = store_prepare(st, "SELECT shingles FROM dedup_sketch WHERE article = ?");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, other);
        double j = -1;
        if (sqlite3_step(s) == SQLITE_ROW) {
            dedup_shingles o;
            rc = decode_u64(&a, sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0), &o);
            if (!rc) j = dedup_jaccard(&sh, &o);
        }
        sqlite3_reset(s);
        if (rc || j < c.threshold) continue;
        s = store_prepare(st, "INSERT OR REPLACE INTO dedup_pair(a, b, jaccard) VALUES (?, ?, ?)");
        if (!s) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_int64(s, 1, article < other ? article : other);
        sqlite3_bind_int64(s, 2, article < other ? other : article);
        sqlite3_bind_double(s, 3, j);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a copy pair");
        sqlite3_reset(s);
    }
    if (rc) goto out;

    /* Sentence fingerprints: look up, then add. */
    for (size_t i = 0; i < doc->n_sentences && !rc; i++) {
        const text_sentence *ts = &doc->sentences[i];
        if (ts->end > len || ts->start > ts->end) continue;
        uint64_t fp[2];
        int nfp = sentence_fps(&a, text, ts->start, ts->end, fp);
        for (int k = 0; k < nfp && !rc; k++) {
            s = store_prepare(st, "SELECT article FROM dedup_sentence_fp WHERE fp = ? LIMIT 201");
            if (!s) {
                rc = ACCORD_EINTERNAL;
                break;
            }
            sqlite3_bind_int64(s, 1, (sqlite3_int64)fp[k]);
            int64_t found[FP_MAX_POSTING + 1];
            int n_found = 0;
            while (sqlite3_step(s) == SQLITE_ROW && n_found <= FP_MAX_POSTING)
                found[n_found++] = sqlite3_column_int64(s, 0);
            sqlite3_reset(s);
            if (n_found <= FP_MAX_POSTING)
                for (int f = 0; f < n_found; f++) {
                    if (found[f] == article) continue;
                    cand *cd = cand_get(&fps, found[f]);
                    if (!cd) {
                        rc = ACCORD_ENOMEM;
                        break;
                    }
                    if (cd->last_sent != (uint32_t)i + 1) {
                        cd->last_sent = (uint32_t)i + 1;
                        cd->hits++;
                    }
                }
            if (rc) break;
            s = store_prepare(
                st, "INSERT INTO dedup_sentence_fp(fp, article, sentence) VALUES (?, ?, ?)");
            if (!s) {
                rc = ACCORD_EINTERNAL;
                break;
            }
            sqlite3_bind_int64(s, 1, (sqlite3_int64)fp[k]);
            sqlite3_bind_int64(s, 2, article);
            sqlite3_bind_int64(s, 3, (sqlite3_int64)i);
            rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "storing a fingerprint");
            sqlite3_reset(s);
        }
    }
    if (rc) goto out;

    /* Align the fingerprint candidates that are not copies: the ones that
     * share the most sentences first, at most ALIGN_MAX_CANDIDATES, so that a
     * widely repeated text costs a bounded amount per article. */
    if (fps.n > 1) qsort(fps.v, fps.n, sizeof *fps.v, cand_by_hits);
    if (fps.n > ALIGN_MAX_CANDIDATES) fps.n = ALIGN_MAX_CANDIDATES;
    int need_align = 0;
    for (size_t i = 0; i < fps.n; i++)
        need_align |= fps.v[i].hits >= DEDUP_MIN_SHARED;
    if (need_align) {
        char *my_id, *my_text;
        size_t my_len;
        rc = load_text(st, &a, article, &my_id, &my_text, &my_len);
        if (rc) goto out;
        dedup_doc mine;
        rc = dedup_doc_prepare(&a, doc, &mine);
        for (size_t i = 0; i < fps.n && !rc; i++) {
            if (fps.v[i].hits < DEDUP_MIN_SHARED) continue;
            int copy;
            rc = is_copy_pair(st, article, fps.v[i].article, &copy);
            if (rc || copy) continue;
            arena scratch;
            arena_init(&scratch);
            rc = shared_check(st, &scratch, article, my_id, &mine, &sh, fps.v[i].article, &c);
            arena_free(&scratch);
        }
    }
out:
    free(bands.v);
    free(bands.slot);
    free(fps.v);
    free(fps.slot);
    arena_free(&a);
    return rc;
}
