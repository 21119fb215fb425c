/* test_dedup.c - shingles, MinHash, LSH, copy groups and passage alignment. */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "dedup/dedup.h"
#include "test.h"

static dedup_config default_config(void)
{
    dedup_config c;
    dedup_config_default(&c);
    dedup_config_finish(&c);
    return c;
}

/* A deterministic pseudo-random text of n words from a 5000-word vocabulary. */
static char *random_text(uint64_t seed, int n)
{
    char *s = malloc((size_t)n * 12 + 1), *p = s;
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned w = (unsigned)(x % 5000);
        p += sprintf(p, "%sw%u", i ? " " : "", w);
    }
    *p = 0;
    return s;
}

static char *demo(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "../../data/demo/%s", name);
    return test_read_file(path, len);
}

TEST(dedup_config_defaults_follow_the_s_curve)
{
    dedup_config c = default_config();
    CHECK(c.shingle_words == 4);
    CHECK(c.n_hashes == 128);
    CHECK(c.rows == 6 && c.bands == 21);
    CHECK(dedup_lsh_probability(0.8, c.bands, c.rows) >= 0.995);
    CHECK(dedup_lsh_probability(0.3, c.bands, c.rows) < 0.02);
    dedup_config bad = c;
    bad.threshold = 1.5;
    CHECK(dedup_config_finish(&bad) < 0);
    bad = c;
    bad.bands = 100;
    bad.rows = 100;
    CHECK(dedup_config_finish(&bad) < 0);
    dedup_config low;
    dedup_config_default(&low);
    low.threshold = 0.5;
    REQUIRE(dedup_config_finish(&low) == 0);
    CHECK(low.rows < 6);
    CHECK(dedup_lsh_probability(0.5, low.bands, low.rows) >= 0.995);
}

TEST(dedup_shingles_compare_match_keys_not_bytes)
{
    arena a;
    arena_init(&a);
    dedup_shingles x, y, z;
    const char *t1 = "Zelensky’s office called the talks “constructive” and positive.";
    const char *t2 = "ZELENSKY'S office   called the talks \"constructive\", and positive";
    const char *t3 = "Zelenskyy's office called the talks constructive and positive.";
    REQUIRE(dedup_shingle_text(&a, t1, strlen(t1), 4, &x) == 0);
    REQUIRE(dedup_shingle_text(&a, t2, strlen(t2), 4, &y) == 0);
    REQUIRE(dedup_shingle_text(&a, t3, strlen(t3), 4, &z) == 0);
    CHECK(x.n == 6); /* 9 words ("zelensky", "s", ...), 4-word shingles */
    CHECK(dedup_jaccard(&x, &y) == 1.0);
    CHECK(dedup_jaccard(&x, &z) < 1.0 && dedup_jaccard(&x, &z) > 0.3);
    /* Case folding beyond ASCII. */
    const char *u1 = "Die Straße nach Köln", *u2 = "DIE STRASSE NACH KÖLN";
    REQUIRE(dedup_shingle_text(&a, u1, strlen(u1), 2, &x) == 0);
    REQUIRE(dedup_shingle_text(&a, u2, strlen(u2), 2, &y) == 0);
    CHECK(dedup_jaccard(&x, &y) == 1.0);
    arena_free(&a);
}

TEST(dedup_jaccard_is_exact)
{
    arena a;
    arena_init(&a);
    dedup_shingles x, y;
    REQUIRE(dedup_shingle_text(&a, "a b c d e", 9, 1, &x) == 0);
    REQUIRE(dedup_shingle_text(&a, "a b c d f f f", 13, 1, &y) == 0);
    CHECK(x.n == 5 && y.n == 5);
    CHECK(dedup_jaccard(&x, &y) == 4.0 / 6.0);
    REQUIRE(dedup_shingle_text(&a, "", 0, 4, &x) == 0);
    CHECK(x.n == 0);
    CHECK(dedup_jaccard(&x, &x) == 0.0);
    /* Shorter than a shingle: one shingle of all its words. */
    REQUIRE(dedup_shingle_text(&a, "Kyiv", 4, 4, &x) == 0);
    REQUIRE(dedup_shingle_text(&a, "kyiv!", 5, 4, &y) == 0);
    CHECK(x.n == 1 && dedup_jaccard(&x, &y) == 1.0);
    arena_free(&a);
}

TEST(dedup_minhash_estimates_jaccard_and_fast_path_agrees)
{
    dedup_config c = default_config();
    arena a;
    arena_init(&a);
    char *base = random_text(7, 700);
    double worst = 0;
    for (int edit = 1; edit <= 6; edit++) {
        /* Replace a growing share of words to get a range of similarities. */
        char *other = strdup(base);
        char *words = random_text(100 + (uint64_t)edit, 700);
        /* Splice: keep the first (700 - 100*edit) words of base, then others. */
        int keep = 700 - 100 * edit, seen = 0;
        char *p = base, *cut = base + strlen(base);
        while (*p) {
            if (*p == ' ' && ++seen == keep) {
                cut = p;
                break;
            }
            p++;
        }
        size_t head = (size_t)(cut - base);
        char *mixed = malloc(head + strlen(words) + 2);
        memcpy(mixed, base, head);
        mixed[head] = ' ';
        strcpy(mixed + head + 1, words + (strlen(words) - strlen(words) / 7 * edit));
        dedup_shingles x, y;
        REQUIRE(dedup_shingle_text(&a, base, strlen(base), c.shingle_words, &x) == 0);
        REQUIRE(dedup_shingle_text(&a, mixed, strlen(mixed), c.shingle_words, &y) == 0);
        uint32_t sx[128], sy[128], fx[128];
        dedup_minhash(&c, x.h, x.n, sx);
        dedup_minhash(&c, y.h, y.n, sy);
        CHECK(dedup_sketch_text(&c, base, strlen(base), fx) == 700);
        CHECK(memcmp(sx, fx, sizeof sx) == 0);
        double err = dedup_minhash_estimate(sx, sy, 128) - dedup_jaccard(&x, &y);
        if (err < 0) err = -err;
        if (err > worst) worst = err;
        free(other);
        free(words);
        free(mixed);
    }
    /* Standard error at 128 hashes is at most 0.044; allow 4 sigma. */
    CHECK(worst < 0.18);
    free(base);
    arena_free(&a);
}

TEST(dedup_minhash_of_short_and_empty_texts)
{
    dedup_config c = default_config();
    uint32_t s1[128], s2[128], s3[128];
    CHECK(dedup_sketch_text(&c, "", 0, s1) == 0);
    for (int i = 0; i < 128; i++)
        CHECK(s1[i] == UINT32_MAX);
    CHECK(dedup_sketch_text(&c, "Kyiv", 4, s2) == 1);
    CHECK(dedup_sketch_text(&c, "KYIV.", 5, s3) == 1);
    CHECK(memcmp(s2, s3, sizeof s2) == 0);
    CHECK(dedup_minhash_estimate(s2, s3, 128) == 1.0);
    /* Densified: no bin left at the empty marker. */
    int empty = 0;
    for (int i = 0; i < 128; i++)
        empty += s2[i] == UINT32_MAX;
    CHECK(empty == 0);
    CHECK(dedup_sketch_text(&c, NULL, 0, s1) == 0);
}

TEST(dedup_index_finds_near_copies_and_forgets_removed)
{
    dedup_config c = default_config();
    dedup_index *ix = dedup_index_new(&c, 4);
    REQUIRE(ix != NULL);
    enum { N = 300 };
    uint64_t keys[N][32];
    for (int d = 0; d < N; d++) {
        char *t = random_text((uint64_t)d + 1000, 400);
        if (d % 10 == 1) { /* a copy of the previous one with one word changed */
            free(t);
            t = random_text((uint64_t)d - 1 + 1000, 400);
            memcpy(t, "zz", 2);
        }
        uint32_t sig[128];
        dedup_sketch_text(&c, t, strlen(t), sig);
        dedup_band_keys(&c, sig, keys[d]);
        REQUIRE(dedup_index_add(ix, (uint32_t)d, keys[d]) == 0);
        free(t);
    }
    int found = 0, spurious = 0;
    for (int d = 0; d < N; d++) {
        uint32_t *v;
        size_t n;
        REQUIRE(dedup_index_query(ix, keys[d], (uint32_t)d, &v, &n) == 0);
        for (size_t i = 0; i < n; i++) {
            int pair = (d % 10 == 1 && v[i] == (uint32_t)d - 1) ||
                       (d % 10 == 0 && v[i] == (uint32_t)d + 1);
            if (pair)
                found++;
            else
                spurious++;
        }
        free(v);
    }
    CHECK(found == 2 * (N / 10));
    CHECK(spurious == 0);
    dedup_index_remove(ix, 0, keys[0]);
    uint32_t *v;
    size_t n;
    REQUIRE(dedup_index_query(ix, keys[1], 1, &v, &n) == 0);
    CHECK(n == 0);
    free(v);
    CHECK(dedup_index_memory(ix) > 0);
    dedup_index_free(ix);
}

TEST(dedup_components_do_not_depend_on_pair_order)
{
    dedup_pair p1[] = {{0, 3, 0.9}, {3, 5, 0.85}, {1, 2, 0.95}, {6, 7, 0.81}};
    dedup_pair p2[] = {{6, 7, 0.81}, {1, 2, 0.95}, {3, 5, 0.85}, {0, 3, 0.9}};
    /* rank: doc 5 is the earliest published, then 2, then the rest by number. */
    uint32_t rank[8] = {2, 3, 1, 4, 5, 0, 6, 7};
    uint32_t g1[8], g2[8];
    REQUIRE(dedup_components(p1, 4, 8, rank, g1) == 0);
    REQUIRE(dedup_components(p2, 4, 8, rank, g2) == 0);
    CHECK(memcmp(g1, g2, sizeof g1) == 0);
    CHECK(g1[0] == 5 && g1[3] == 5 && g1[5] == 5);
    CHECK(g1[1] == 2 && g1[2] == 2);
    CHECK(g1[4] == 4);
    CHECK(g1[6] == 6 && g1[7] == 6);
}

static const dedup_sentence *find_sentence(const dedup_doc *d, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < d->n_sentences; i++) {
        const dedup_sentence *s = &d->sentences[i];
        const char *p = d->text + s->start;
        size_t len = s->end - s->start;
        /* The sentence may start with leftover junk: look inside it. */
        if (memmem(p, len, prefix, n)) return s;
    }
    return NULL;
}

TEST(dedup_align_demo_wire_copy_finds_gold_passages)
{
    json_error_t err;
    json_t *gold = json_load_file("../../data/demo/seeds-gold.json", 0, &err);
    REQUIRE(gold != NULL);
    json_t *pairs = json_object_get(json_object_get(gold, "syndication"), "pairs");
    REQUIRE(json_array_size(pairs) >= 1);
    size_t la, lb;
    char *ta = demo("000_16b94be4e16100e7.txt", &la), *tb = demo("003_f8f6c89b85bfc837.txt", &lb);
    REQUIRE(ta && tb);
    arena a;
    arena_init(&a);
    dedup_doc da, db;
    REQUIRE(dedup_doc_from_text(&a, ta, la, &da) == 0);
    REQUIRE(dedup_doc_from_text(&a, tb, lb, &db) == 0);
    dedup_alignment al;
    REQUIRE(dedup_align(&a, &da, &db, &al) == 0);
    json_t *p0 = json_array_get(pairs, 0);
    CHECK(al.n_pairs >= (size_t)json_integer_value(json_object_get(p0, "min_shared_sentences")));
    size_t i;
    json_t *ex;
    json_array_foreach(json_object_get(p0, "examples"), i, ex)
    {
        const char *prefix = json_string_value(ex);
        const dedup_sentence *s = find_sentence(&da, prefix);
        CHECK(s != NULL);
        if (!s) continue;
        uint32_t idx = (uint32_t)(s - da.sentences);
        int aligned = 0;
        for (size_t k = 0; k < al.n_pairs; k++)
            aligned |= al.pairs[k].a == idx;
        if (!aligned) fprintf(stderr, "    not aligned: %s\n", prefix);
        CHECK(aligned);
    }
    /* Passages are runs in both texts; every pair belongs to one. */
    size_t covered = 0;
    for (size_t k = 0; k < al.n_passages; k++)
        covered += al.passages[k].n_pairs;
    CHECK(covered == al.n_pairs);
    CHECK(al.n_passages >= 6);
    /* Symmetric enough: aligning the other way finds as many pairs. */
    dedup_alignment back;
    REQUIRE(dedup_align(&a, &db, &da, &back) == 0);
    CHECK(back.n_pairs == al.n_pairs);
    arena_free(&a);
    free(ta);
    free(tb);
    json_decref(gold);
}

TEST(dedup_demo_not_copies_are_far_below_threshold)
{
    json_error_t err;
    json_t *gold = json_load_file("../../data/demo/seeds-gold.json", 0, &err);
    REQUIRE(gold != NULL);
    json_t *arts = json_object_get(gold, "articles");
    json_t *nc = json_object_get(json_object_get(gold, "syndication"), "not_copies");
    dedup_config c = default_config();
    arena a;
    arena_init(&a);
    size_t i;
    json_t *pair;
    json_array_foreach(nc, i, pair)
    {
        dedup_shingles s[2];
        for (int k = 0; k < 2; k++) {
            const char *id = json_string_value(json_array_get(pair, (size_t)k));
            const char *file =
                json_string_value(json_object_get(json_object_get(arts, id), "file"));
            size_t len;
            char *t = file ? demo(file, &len) : NULL;
            REQUIRE(t != NULL);
            REQUIRE(dedup_shingle_text(&a, t, len, c.shingle_words, &s[k]) == 0);
            free(t);
        }
        CHECK(dedup_jaccard(&s[0], &s[1]) < c.threshold);
        CHECK(dedup_jaccard(&s[0], &s[1]) < 0.05);
    }
    arena_free(&a);
    json_decref(gold);
}

static size_t align_texts(arena *a, const char *x, const char *y, double *score)
{
    dedup_doc da, db;
    dedup_alignment al;
    if (dedup_doc_from_text(a, x, strlen(x), &da) || dedup_doc_from_text(a, y, strlen(y), &db) ||
        dedup_align(a, &da, &db, &al))
        return (size_t)-1;
    if (score) *score = al.n_pairs ? al.pairs[0].score : 0;
    return al.n_pairs;
}

TEST(dedup_align_survives_light_edits)
{
    arena a;
    arena_init(&a);
    double sc;
    CHECK(align_texts(&a,
                      "Trump promised during his election campaign to end the war within a day.",
                      "Mr Trump promised during his election campaign to end the war within a day.",
                      &sc) == 1);
    CHECK(sc > 0.9);
    CHECK(align_texts(&a,
                      "President Zelensky called the talks constructive and positive on Friday.",
                      "President Zelenskyy called the talks constructive and positive on Friday.",
                      &sc) == 1);
    CHECK(sc > 0.9);
    /* A dropped clause. */
    CHECK(align_texts(&a,
                      "He has pressured both sides to come to the negotiating table, threatening "
                      "tougher sanctions on Russia or an end to US military support for Kyiv.",
                      "He has pressured both sides to come to the negotiating table.", &sc) == 1);
    /* Different sentences on the same subject do not align. */
    CHECK(align_texts(&a, "The talks in Paris were the first with European powers.",
                      "European leaders will meet again in London next week to discuss sanctions.",
                      NULL) == 0);
    arena_free(&a);
}

TEST(dedup_align_empty_one_word_and_huge)
{
    arena a;
    arena_init(&a);
    CHECK(align_texts(&a, "", "", NULL) == 0);
    CHECK(align_texts(&a, "Kyiv", "Kyiv", NULL) == 0); /* too short to count */
    CHECK(align_texts(&a, "", "Some text here that is long enough.", NULL) == 0);
    arena_free(&a);

    /* 1 MB: a random text of sentences, aligned with itself minus a prefix. */
    size_t cap = 1 << 20;
    char *big = malloc(cap + 64);
    size_t len = 0;
    uint64_t x = 42;
    int w = 0;
    while (len < cap) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        len +=
            (size_t)sprintf(big + len, "w%u%s", (unsigned)(x % 20000), ++w % 12 == 0 ? ". " : " ");
    }
    dedup_config c = default_config();
    uint32_t sig[128];
    CHECK(dedup_sketch_text(&c, big, len, sig) > 100000);
    arena_init(&a);
    dedup_shingles s;
    CHECK(dedup_shingle_text(&a, big, len, 4, &s) == 0);
    CHECK(s.n > 100000);
    dedup_doc da, db;
    REQUIRE(dedup_doc_from_text(&a, big, len, &da) == 0);
    REQUIRE(dedup_doc_from_text(&a, big + 5000, len - 5000, &db) == 0);
    dedup_alignment al;
    REQUIRE(dedup_align(&a, &da, &db, &al) == 0);
    CHECK(al.n_pairs + 100 > db.n_sentences);
    CHECK(al.n_passages < 10);
    arena_free(&a);
    /* The same sentence repeated: bounded work, still aligned. */
    char *rep = malloc(cap + 64);
    len = 0;
    while (len < cap)
        len += (size_t)sprintf(rep + len, "The same sentence comes back again and again. ");
    arena_init(&a);
    REQUIRE(dedup_doc_from_text(&a, rep, len, &da) == 0);
    REQUIRE(dedup_align(&a, &da, &da, &al) == 0);
    CHECK(al.n_pairs > 0);
    arena_free(&a);
    free(rep);
    free(big);
}

/* ---- The persistent index ---------------------------------------------------- */

#include <unistd.h>

#include "store/store.h"

static int64_t put_article(store *st, const char *id, const char *text)
{
    store_article a = {.id = id, .text = text, .text_len = strlen(text)};
    store_put_outcome outcome;
    int64_t rowid = 0;
    int version;
    if (store_article_put(st, &a, &outcome, &rowid, &version) != 0) return 0;
    if (dedup_store_article(st, rowid, text, strlen(text), NULL) != 0) return 0;
    return rowid;
}

static int count_rows(store *st, const char *sql)
{
    sqlite3_stmt *s = store_prepare(st, sql);
    int n = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    if (s) sqlite3_reset(s);
    return n;
}

TEST(dedup_store_pairs_verified_and_removed)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/accord-test-%d-dedup.db", (int)getpid());
    unlink(path);
    store *st;
    REQUIRE(store_open(path, false, &st) == 0);
    char *base = random_text(5, 600), *near = strdup(base), *far = random_text(6, 600);
    memcpy(near, "qq", 2); /* one word changed: a copy */
    /* Half of base followed by other text: not a copy, shares passages. */
    char *half = malloc(strlen(base) + strlen(far) + 4);
    size_t cut = strlen(base) / 2;
    while (base[cut] != ' ')
        cut++;
    memcpy(half, base, cut);
    strcpy(half + cut, ". ");
    strcat(half, far + strlen(far) / 2);
    REQUIRE(store_begin(st) == 0);
    int64_t r1 = put_article(st, "a-base", base), r2 = put_article(st, "b-near", near);
    int64_t r3 = put_article(st, "c-half", half), r4 = put_article(st, "d-far", far);
    REQUIRE(store_commit(st) == 0);
    REQUIRE(r1 && r2 && r3 && r4);
    /* Identical but tiny texts (a dividend line) are not copies. */
    REQUIRE(store_begin(st) == 0);
    CHECK(put_article(st, "e-short", "Pay March 13. Record March Two.") != 0);
    CHECK(put_article(st, "f-short", "Pay March 13. Record March Two.") != 0);
    REQUIRE(store_commit(st) == 0);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_sketch") == 6);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_pair") == 1);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_pair WHERE jaccard >= 0.8") == 1);
    char *json = NULL;
    REQUIRE(dedup_dups_json(st, &json) == 0);
    json_t *d = json_loads(json, 0, NULL);
    free(json);
    REQUIRE(d != NULL);
    CHECK(json_array_size(json_object_get(d, "pairs")) == 1);
    json_t *g = json_array_get(json_object_get(d, "groups"), 0);
    CHECK_STR(json_string_value(json_object_get(g, "original")), "a-base");
    json_decref(d);
    /* Removing an article removes its pairs. */
    REQUIRE(dedup_store_remove(st, r1) == 0);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_pair") == 0);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_band WHERE article = 1") == 0);
    /* Indexing it again restores them. */
    REQUIRE(dedup_store_article(st, r1, base, strlen(base), NULL) == 0);
    CHECK(count_rows(st, "SELECT count(*) FROM dedup_pair") == 1);
    CHECK(dedup_compare_json(st, "a-base", "nope", &json) == ACCORD_ENOTFOUND);
    REQUIRE(dedup_compare_json(st, "a-base", "b-near", &json) == 0);
    d = json_loads(json, 0, NULL);
    free(json);
    CHECK(json_is_true(json_object_get(d, "copy")));
    json_decref(d);
    store_close(st);
    unlink(path);
    free(base);
    free(near);
    free(far);
    free(half);
}

/* ---- The copy index as state: prepare, apply, flush ----------------------- */

enum { CORPUS_N = 240 };

/* Article i of a small corpus with sentences: every third a light copy of
 * an earlier one, every seventh half an earlier one and half its own,
 * and every one the same boilerplate sentence (more than FP_MAX_POSTING
 * articles carry it, so its fingerprints stop counting). */
static char *corpus_text(int i, int variant)
{
    char *s = malloc(8192), *p = s;
    int src = i, from = 0;
    if (i % 3 == 2 && i > 10) src = i - 2 - (i % 5);
    if (i % 7 == 5 && i > 10) {
        src = i - 4;
        from = 6;
    }
    p += sprintf(p, "Subscribe to our daily newsletter for more news every day.");
    for (int k = 0; k < 12; k++) {
        int seed = k < from || from == 0 ? src : i;
        char *w = random_text((uint64_t)seed * 100 + (uint64_t)k + (uint64_t)variant * 7919, 9);
        if (i % 3 == 2 && i > 10 && k == 4) memcpy(w, "qq", 2); /* one word changed */
        p += sprintf(p, " Then %s.", w);
        free(w);
    }
    return s;
}

static char *table_dump(store *st, const char *sql)
{
    buf b = BUF_INIT;
    sqlite3_stmt *s = store_prepare(st, sql);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            if (sqlite3_column_type(s, i) == SQLITE_BLOB) {
                const unsigned char *v = sqlite3_column_blob(s, i);
                for (int k = 0; k < sqlite3_column_bytes(s, i); k++)
                    buf_printf(&b, "%02x", v[k]);
            } else {
                const unsigned char *t = sqlite3_column_text(s, i);
                buf_printf(&b, "%s", t ? (const char *)t : "null");
            }
            buf_putc(&b, i + 1 < sqlite3_column_count(s) ? ',' : '\n');
        }
    }
    if (s) sqlite3_reset(s);
    char *out = strdup(buf_cstr(&b));
    buf_free(&b);
    return out;
}

static char *index_dump(store *st)
{
    static const char *const sql[] = {
        "SELECT a, b, jaccard FROM dedup_pair ORDER BY a, b",
        "SELECT a, b, shared_a, shared_b, passages, jaccard FROM dedup_shared ORDER BY a, b",
        "SELECT article, n_words, n_sentences, signature, shingles, fps FROM dedup_sketch "
        "ORDER BY article",
        "SELECT band_key, article FROM dedup_band ORDER BY band_key, article",
        "SELECT fp, article, sentence FROM dedup_sentence_fp ORDER BY fp, article, sentence",
    };
    buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        char *t = table_dump(st, sql[i]);
        buf_printf(&b, "-- %zu\n%s", i, t);
        free(t);
    }
    char *out = strdup(buf_cstr(&b));
    buf_free(&b);
    return out;
}

typedef struct run_opts {
    int reopen_at;  /* close and open the state before this article (0: never; a
                       multiple of batch, as a restart comes after a commit) */
    int batch;      /* articles per transaction */
    size_t cache;   /* cache bytes (SIZE_MAX: the default) */
    int single;     /* index through dedup_store_article instead */
} run_opts;

/* Indexes the corpus in input order, then changed texts (new versions) of
 * two earlier articles; *copy_of_23 gets what dedup_apply said of the
 * first text of article 23. */
static store *run_corpus(const char *tag, run_opts o, int64_t *copy_of_23)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/accord-test-%d-dedup-%s.db", (int)getpid(), tag);
    unlink(path);
    store *st;
    if (store_open(path, false, &st) != 0) return NULL;
    dedup_state *ds = NULL;
    if (!o.single && dedup_state_open(st, &ds) != 0) return NULL;
    if (ds && o.cache != SIZE_MAX) dedup_state_set_cache(ds, o.cache);
    int total = CORPUS_N + 2, ok = 1;
    for (int i = 0; i < total && ok; i++) {
        if (i == o.reopen_at && i > 0 && ds) {
            dedup_state_free(ds);
            ds = NULL;
            if (dedup_state_open(st, &ds) != 0) return NULL;
            if (o.cache != SIZE_MAX) dedup_state_set_cache(ds, o.cache);
        }
        if (i % o.batch == 0 && store_begin(st) != 0) return NULL;
        /* The last two: new versions of articles 12 and 23. */
        int art = i < CORPUS_N ? i : i == CORPUS_N ? 12 : 23;
        char *text = corpus_text(art, i < CORPUS_N ? 0 : 1), id[32];
        snprintf(id, sizeof id, "a%03d", art);
        store_article a = {.id = id, .text = text, .text_len = strlen(text)};
        store_put_outcome outcome;
        int64_t rowid;
        int version;
        ok = store_article_put(st, &a, &outcome, &rowid, &version) == 0;
        if (ok && o.single) {
            ok = dedup_store_article(st, rowid, text, strlen(text), NULL) == 0;
        } else if (ok) {
            arena ar;
            arena_init(&ar);
            dedup_prepared p;
            dedup_match m;
            ok = dedup_prepare(&ar, dedup_state_config(ds), text, strlen(text), NULL, &p) == 0 &&
                 dedup_apply(ds, st, rowid, &p, &m) == 0;
            if (ok && art == 23 && i < CORPUS_N) *copy_of_23 = m.copy_of;
            arena_free(&ar);
        }
        free(text);
        if (ok && (i % o.batch == o.batch - 1 || i == total - 1)) {
            if (ds) ok = dedup_flush(ds, st) == 0;
            ok = ok && store_commit(st) == 0;
        }
    }
    dedup_state_free(ds);
    if (!ok) {
        store_close(st);
        return NULL;
    }
    return st;
}

/* One run; one closed and opened again after a committed batch (before
 * the boilerplate sentence became too common, and after it did); one with
 * no cache and other batches; one through dedup_store_article: the same
 * rows in every table. */
TEST(dedup_state_gives_the_same_index_after_a_restart_and_with_any_cache)
{
    int64_t c0 = -1, c1 = -1, c2 = -1;
    store *one = run_corpus("one", (run_opts){0, 50, SIZE_MAX, 0}, &c0);
    store *two = run_corpus("two", (run_opts){100, 50, SIZE_MAX, 0}, &c1);
    store *nocache = run_corpus("nocache", (run_opts){210, 7, 0, 0}, &c2);
    int64_t cs = -1;
    store *single = run_corpus("single", (run_opts){0, 1000, SIZE_MAX, 1}, &cs);
    REQUIRE(one && two && nocache && single);
    char *d_one = index_dump(one), *d_two = index_dump(two), *d_nc = index_dump(nocache),
         *d_single = index_dump(single);
    CHECK(strcmp(d_one, d_two) == 0);
    CHECK(strcmp(d_one, d_nc) == 0);
    CHECK(strcmp(d_one, d_single) == 0);
    free(d_one);
    free(d_two);
    free(d_nc);
    free(d_single);
    /* Real outcomes: copies, shared passages, and the boilerplate sentence
     * too common to count. */
    int pairs = count_rows(one, "SELECT count(*) FROM dedup_pair");
    int shared = count_rows(one, "SELECT count(*) FROM dedup_shared");
    CHECK(pairs >= 40);
    CHECK(shared >= 20);
    /* Articles 20 and 23 (i % 3 == 2) are both light copies of article 18
     * (one word changed, the same one): 23's closest earlier copy is 20. */
    int64_t r18 = store_article_rowid(one, "a018"), r20 = store_article_rowid(one, "a020"),
            r23 = store_article_rowid(one, "a023");
    CHECK(c0 == r20 && c1 == r20 && c2 == r20);
    int64_t orig = -1;
    /* 23's new version (another text) is a copy of nothing, and the pairs
     * of its first text are gone; 20 is still a copy of 18. */
    REQUIRE(dedup_original_of(one, r23, &orig) == 0);
    CHECK(orig == 0);
    CHECK(count_rows(one, "SELECT count(*) FROM dedup_pair WHERE a = 24 OR b = 24") == 0);
    REQUIRE(dedup_original_of(one, r20, &orig) == 0);
    CHECK(orig == r18);
    REQUIRE(dedup_original_of(one, r18, &orig) == 0);
    CHECK(orig == 0);
    store *all[] = {one, two, nocache, single};
    const char *tags[] = {"one", "two", "nocache", "single"};
    for (int i = 0; i < 4; i++) {
        store_close(all[i]);
        char path[256];
        snprintf(path, sizeof path, "/tmp/accord-test-%d-dedup-%s.db", (int)getpid(), tags[i]);
        unlink(path);
    }
}

/* Phase 1 on four threads at once gives what one thread gives. */
enum { PREP_THREADS = 4, PREP_ARTICLES = 40 };

typedef struct prep_job {
    dedup_config c;
    uint64_t sums[PREP_ARTICLES];
    int failed;
} prep_job;

static uint64_t fold(uint64_t h, const void *v, size_t bytes)
{
    const unsigned char *p = v;
    for (size_t i = 0; i < bytes; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint64_t prepared_sum(const dedup_prepared *p, const dedup_config *c)
{
    uint64_t h = 1469598103934665603ULL;
    h = fold(h, p->shingles.h, p->shingles.n * 8);
    h = fold(h, p->signature, (size_t)c->n_hashes * 4);
    h = fold(h, p->band_keys, (size_t)p->n_bands * 8);
    for (size_t i = 0; i < p->n_fps; i++) {
        h = fold(h, &p->fps[i].fp, 8);
        h = fold(h, &p->fps[i].sentence, 4);
    }
    for (size_t i = 0; i < p->doc.n_sentences; i++) {
        const dedup_sentence *s = &p->doc.sentences[i];
        h = fold(h, s->grams, s->n_grams * sizeof *s->grams);
        h = fold(h, s->words, s->n_word_set * 8);
        h = fold(h, &s->key, 8);
    }
    return h;
}

static void *prep_run(void *arg)
{
    prep_job *j = arg;
    for (int i = 0; i < PREP_ARTICLES; i++) {
        char *t = corpus_text(i * 7 + 3, 0);
        arena a;
        arena_init(&a);
        dedup_prepared p;
        if (dedup_prepare(&a, &j->c, t, strlen(t), NULL, &p) != 0)
            j->failed = 1;
        else
            j->sums[i] = prepared_sum(&p, &j->c);
        arena_free(&a);
        free(t);
    }
    return NULL;
}

TEST(dedup_prepare_is_reentrant)
{
    prep_job one = {.c = default_config()}, many[PREP_THREADS];
    prep_run(&one);
    REQUIRE(!one.failed);
    pthread_t th[PREP_THREADS];
    for (int k = 0; k < PREP_THREADS; k++) {
        many[k] = (prep_job){.c = default_config()};
        REQUIRE(pthread_create(&th[k], NULL, prep_run, &many[k]) == 0);
    }
    for (int k = 0; k < PREP_THREADS; k++)
        pthread_join(th[k], NULL);
    for (int k = 0; k < PREP_THREADS; k++) {
        CHECK(!many[k].failed);
        CHECK(memcmp(one.sums, many[k].sums, sizeof one.sums) == 0);
    }
    /* And it found sentences and fingerprints to compare. */
    char *t = corpus_text(3, 0);
    arena a;
    arena_init(&a);
    dedup_prepared p;
    dedup_config c = default_config();
    REQUIRE(dedup_prepare(&a, &c, t, strlen(t), NULL, &p) == 0);
    CHECK(p.n_sentences == 13 && p.doc.n_sentences == 13);
    CHECK(p.n_fps >= 20 && p.n_bands == c.bands);
    arena_free(&a);
    free(t);
}
