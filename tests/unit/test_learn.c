/* test_learn.c - learned boilerplate in memory: the epoch rule, restart
 * from the store at any commit, independence from batch boundaries,
 * forgetting, the transitional one-article functions, and the query plans
 * of the stage's statements. */
#include <stdlib.h>
#include <unistd.h>

#include "clean/clean_store.h"
#include "clean/learn.h"
#include "sql_plan.h"
#include "test.h"

/* ---- a synthetic stream --------------------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* A line of made-up words: digits would fold away in the fragment key. */
static size_t add_line(char *out, size_t at, size_t cap, uint64_t *s, int words)
{
    static const char *syl[] = {"ka", "lo", "mi", "ren", "tas", "vo", "pel", "dun", "sor", "bri", "gat", "hum", "zel", "fra"};
    for (int w = 0; w < words; w++) {
        int k = 2 + (int)(rnd(s) % 3);
        for (int j = 0; j < k && at + 8 < cap; j++) {
            const char *p = syl[rnd(s) % (sizeof syl / sizeof syl[0])];
            size_t l = strlen(p);
            memcpy(out + at, p, l);
            at += l;
        }
        if (at + 2 < cap) out[at++] = w + 1 < words ? ' ' : '.';
    }
    if (at + 1 < cap) out[at++] = '\n';
    out[at] = 0;
    return at;
}

static size_t add_text(char *out, size_t at, size_t cap, const char *t)
{
    size_t l = strlen(t);
    if (at + l + 2 >= cap) return at;
    memcpy(out + at, t, l);
    at += l;
    out[at++] = '\n';
    out[at] = 0;
    return at;
}

static const char *const GAZETTE_FOOTER = "Follow the Harbour Gazette for the latest shipping news.";
static const char *const HERALD_FOOTER = "Subscribe to the Herald for unlimited access to our reporting.";
static const char *const COURIER_FOOTER = "Courier readers can send us their tips by mail.";
static const char *const TRIBUNE_FOOTER = "Read the Tribune every morning for the full story.";
static const char *const COMMON = "The company did not comment on the report.";

/* Article i of the stream: its outlet (NULL: none) and its cleaned text. */
static const char *stream_article(int i, char *text, size_t cap, clean_result *r)
{
    uint64_t s = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)i * 0x100000001b3ULL);
    rnd(&s);
    int pick = (int)(rnd(&s) % 8);
    const char *src = pick < 3 ? "gazette" : pick < 5 ? "herald" : pick < 7 ? "courier" : i < 400 ? NULL : "tribune";
    size_t at = 0;
    text[0] = 0;
    for (int k = 0; k < 3; k++) at = add_line(text, at, cap, &s, 8);
    if (rnd(&s) % 3 == 0) at = add_text(text, at, cap, COMMON);
    if (src && !strcmp(src, "gazette")) at = add_text(text, at, cap, GAZETTE_FOOTER);
    if (src && !strcmp(src, "herald") && rnd(&s) % 2) at = add_text(text, at, cap, HERALD_FOOTER);
    if (src && !strcmp(src, "courier") && rnd(&s) % 5 == 0) at = add_text(text, at, cap, COURIER_FOOTER);
    if (src && !strcmp(src, "tribune")) at = add_text(text, at, cap, TRIBUNE_FOOTER);
    memset(r, 0, sizeof *r);
    r->text = text;
    r->len = at;
    return src;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ULL + (v >> 29);
}

static int cmp_entry(const void *x, const void *y)
{
    const clean_learn_entry *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* Everything that decides what is learned next: counts, learned sets
 * (visible and pending), versions. Not the write-behind bookkeeping. */
static uint64_t state_digest(const clean_learn *L)
{
    uint64_t h = mix(0, L->observed);
    for (size_t i = 0; i < L->n_outlets; i++) {
        const clean_learn_outlet *o = &L->outlets[i];
        for (const char *p = o->source; *p; p++) h = mix(h, (unsigned char)*p);
        h = mix(h, (uint64_t)o->id);
        h = mix(h, o->n_articles);
        h = mix(h, o->version);
        for (size_t k = 0; k < o->n_visible; k++) h = mix(h, o->visible[k]);
        clean_learn_entry *e = malloc((o->used + 1) * sizeof *e);
        if (!e) return 0;
        size_t n = 0;
        for (size_t k = 0; k < o->cap; k++)
            if (o->slots[k].flags & CLEAN_LEARN_USED) e[n++] = o->slots[k];
        qsort(e, n, sizeof *e, cmp_entry);
        for (size_t k = 0; k < n; k++) {
            h = mix(h, e[k].key);
            h = mix(h, e[k].n);
            h = mix(h, e[k].seen);
            h = mix(h, e[k].seen_at);
            h = mix(h, (e[k].flags & CLEAN_LEARN_BOILERPLATE) ? 1 + (uint64_t)e[k].visible_from : 0);
        }
        free(e);
    }
    return h;
}

static uint64_t view_digest(const clean_learn *L, const char *source)
{
    clean_learned v;
    uint64_t version;
    clean_learn_view(L, source, &v, &version);
    uint64_t h = mix(1, version);
    for (size_t k = 0; k < v.n_keys; k++) h = mix(h, v.keys[k]);
    return h;
}

static bool view_has(const clean_learn *L, const char *source, const char *line)
{
    uint64_t key = clean_fragment_key(line, strlen(line));
    clean_learned v;
    clean_learn_view(L, source, &v, NULL);
    for (size_t k = 0; k < v.n_keys; k++)
        if (v.keys[k] == key) return true;
    return false;
}

static void tmp_db(char *path, size_t cap, const char *name)
{
    snprintf(path, cap, "/tmp/accord-test-%d-learn-%s.db", (int)getpid(), name);
    unlink(path);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* ---- the epoch rule --------------------------------------------------------------------------------- */

TEST(learn_epoch_boundaries)
{
    CHECK(clean_learn_epoch_len(0) == 1);
    CHECK(clean_learn_epoch_len(63) == 1);
    CHECK(clean_learn_epoch_len(64) == 2);
    CHECK(clean_learn_epoch_len(2008) == 32);
    CHECK(clean_learn_epoch_len(32767) == 512);
    CHECK(clean_learn_epoch_len(32768) == 1024);
    CHECK(clean_learn_epoch_len(1u << 30) == 1024);
    CHECK(clean_learn_next_boundary(10) == 10);
    CHECK(clean_learn_next_boundary(2008) == 2016);
    CHECK(clean_learn_next_boundary(2016) == 2016);
    CHECK(clean_learn_next_boundary(40001) == 40960);
    /* every next boundary is a boundary, and none is skipped */
    for (uint64_t n = 1; n < 70000; n++) {
        uint64_t b = clean_learn_next_boundary(n);
        if (b % clean_learn_epoch_len(b) != 0 || (n % clean_learn_epoch_len(n) == 0 && b != n)) {
            CHECK(!"boundary");
            break;
        }
    }
}

/* An outlet's repeated footer is learned at its 8th article but is seen
 * by views only from the next epoch boundary; its version changes then and
 * only then; other outlets' views do not change. */
TEST(learn_footer_visible_from_the_boundary)
{
    clean_learn *L = clean_learn_new();
    REQUIRE(L);
    char text[2048];
    clean_result r;
    /* 2,000 articles of another outlet: the epoch is now 32 long */
    for (int i = 0; i < 2000; i++) {
        uint64_t s = (uint64_t)i + 77;
        size_t at = add_line(text, 0, sizeof text, &s, 8);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(clean_learn_observe(L, "wire", &r) == 0);
    }
    REQUIRE(clean_learn_observed(L) == 2000);
    uint64_t wire_version = clean_learn_version(L, "wire");
    for (int i = 0; i < 8; i++) {
        uint64_t s = (uint64_t)i + 5000;
        size_t at = add_line(text, 0, sizeof text, &s, 8);
        at = add_text(text, at, sizeof text, GAZETTE_FOOTER);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(clean_learn_observe(L, "gazette", &r) == 0);
    }
    /* learned at observation 2008: pending until 2016 */
    REQUIRE(clean_learn_observed(L) == 2008);
    clean_learn_entry *e =
        clean_learn_entry_find(&L->outlets[1], clean_fragment_key(GAZETTE_FOOTER, strlen(GAZETTE_FOOTER)));
    REQUIRE(e != NULL);
    CHECK(e->flags & CLEAN_LEARN_BOILERPLATE);
    CHECK(e->visible_from == 2016);
    CHECK(!view_has(L, "gazette", GAZETTE_FOOTER));
    CHECK(clean_learn_version(L, "gazette") == 0);
    for (uint64_t n = 2009; n <= 2020; n++) {
        REQUIRE(clean_learn_observe(L, NULL, NULL) == 0);
        CHECK(clean_learn_observed(L) == n);
        CHECK(view_has(L, "gazette", GAZETTE_FOOTER) == (n >= 2016));
        CHECK(clean_learn_version(L, "gazette") == (n >= 2016 ? 2016 : 0));
        CHECK(clean_learn_version(L, "wire") == wire_version);
    }
    clean_learned v;
    uint64_t version;
    clean_learn_view(L, "nobody", &v, &version);
    CHECK(v.n_keys == 0 && version == 0);
    clean_learn_view(L, NULL, &v, &version);
    CHECK(v.n_keys == 0 && version == 0);
    clean_learn_free(L);
}

/* Between boundaries, observing (even learning) and flushing leave every
 * view as it was: what workers prepared with is still what applies. */
TEST(learn_view_does_not_change_within_an_epoch)
{
    char path[512];
    tmp_db(path, sizeof path, "still");
    store *st;
    REQUIRE(store_open(path, false, &st) == 0);
    clean_learn *L;
    REQUIRE(clean_learn_open(st, &L) == 0);
    char text[2048];
    clean_result r;
    /* the stream up to observation 1,008, a boundary; epochs are 16 long */
    REQUIRE(store_begin(st) == 0);
    for (int i = 0; clean_learn_observed(L) < 1008; i++) {
        const char *src = stream_article(i, text, sizeof text, &r);
        REQUIRE(clean_learn_observe(L, src, &r) == 0);
    }
    REQUIRE(clean_learn_flush(L, st) == 0);
    REQUIRE(store_commit(st) == 0);
    REQUIRE(clean_learn_epoch_len(1008) == 16);
    const char *outlets[] = {"gazette", "herald", "courier", "chronicle"};
    uint64_t before[4];
    for (int k = 0; k < 4; k++) before[k] = view_digest(L, outlets[k]);
    CHECK(view_has(L, "gazette", GAZETTE_FOOTER));
    CHECK(view_has(L, "herald", HERALD_FOOTER));
    /* a new outlet's footer is learned at its 8th article (1,016), and
     * seen from 1,024 on */
    const char *footer = "Chronicle readers get the weekend edition at home.";
    REQUIRE(store_begin(st) == 0);
    for (int k = 0; k < 15; k++) {
        uint64_t s = (uint64_t)k + 900000;
        size_t at = add_line(text, 0, sizeof text, &s, 8);
        at = add_text(text, at, sizeof text, footer);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(clean_learn_observe(L, k < 8 ? "chronicle" : NULL, k < 8 ? &r : NULL) == 0);
        for (int o = 0; o < 4; o++) CHECK(view_digest(L, outlets[o]) == before[o]);
    }
    REQUIRE(clean_learn_flush(L, st) == 0);
    REQUIRE(store_commit(st) == 0);
    for (int o = 0; o < 4; o++) CHECK(view_digest(L, outlets[o]) == before[o]);
    CHECK(clean_learn_observed(L) == 1023);
    CHECK(!view_has(L, "chronicle", footer));
    /* reopened between the batches, nothing moves either */
    clean_learn_free(L);
    REQUIRE(clean_learn_open(st, &L) == 0);
    for (int o = 0; o < 4; o++) CHECK(view_digest(L, outlets[o]) == before[o]);
    REQUIRE(clean_learn_observe(L, NULL, NULL) == 0);
    CHECK(view_has(L, "chronicle", footer));
    CHECK(clean_learn_version(L, "chronicle") == 1024);
    for (int o = 0; o < 3; o++) CHECK(view_digest(L, outlets[o]) == before[o]);
    clean_learn_free(L);
    store_close(st);
    unlink(path);
}

/* ---- restart and batches ------------------------------------------------------------------------- */

#define STREAM 700

static int reopened_with_pending;

/* Runs the stream in batches (sizes from seed; 0: one batch; 1: one
 * article a batch), reopening the
 * state from the store after every commit when reopen; records each
 * article's view and the state after each article (uninterrupted run) or
 * after each batch (others; 0 elsewhere). */
static bool run_stream(const char *path, uint64_t seed, bool reopen, uint64_t *views, uint64_t *states)
{
    store *st;
    if (store_open(path, false, &st) != 0) return false;
    clean_learn *L;
    if (clean_learn_open(st, &L) != 0) return false;
    char text[4096];
    clean_result r;
    bool ok = true;
    int i = 0;
    arena a;
    arena_init(&a);
    memset(states, 0, (STREAM + 1) * sizeof *states);
    states[0] = state_digest(L);
    while (ok && i < STREAM) {
        int size = seed == 1 ? 1 : seed ? 1 + (int)(rnd(&seed) % 37) : STREAM;
        ok = store_begin(st) == 0;
        for (int k = 0; ok && k < size && i < STREAM; k++, i++) {
            const char *src = stream_article(i, text, sizeof text, &r);
            views[i] = view_digest(L, src);
            if (seed > 1) { /* in two steps, as with worker threads */
                arena_reset(&a);
                clean_fragment *f;
                size_t nf;
                ok = clean_learn_fragments(&a, &r, &f, &nf) == 0 &&
                     clean_learn_observe_fragments(L, src, f, nf) == 0;
            } else {
                ok = clean_learn_observe(L, src, &r) == 0;
            }
            if (!seed) states[i + 1] = state_digest(L);
        }
        ok = ok && clean_learn_flush(L, st) == 0 && store_commit(st) == 0;
        if (ok && reopen) {
            clean_learn_free(L);
            ok = clean_learn_open(st, &L) == 0;
            if (ok && L->n_pending) reopened_with_pending++;
        }
        if (ok) states[i] = state_digest(L);
    }
    clean_learn_free(L);
    store_close(st);
    arena_free(&a);
    return ok;
}

/* The same stream in one batch, in batches of random sizes (observed in
 * two steps), and one
 * article a batch reopened from the store after every commit: every article sees the same learned
 * set, and every reopened state is the uninterrupted run's at that point,
 * pending counts included. */
TEST(learn_same_views_whatever_the_batches_and_restarts)
{
    static uint64_t v1[STREAM], v2[STREAM], v3[STREAM], s1[STREAM + 1], s2[STREAM + 1], s3[STREAM + 1];
    char p1[512], p2[512], p3[512];
    tmp_db(p1, sizeof p1, "one");
    tmp_db(p2, sizeof p2, "batches");
    tmp_db(p3, sizeof p3, "reopen");
    REQUIRE(run_stream(p1, 0, false, v1, s1));
    REQUIRE(run_stream(p2, 12345, false, v2, s2));
    REQUIRE(run_stream(p3, 1, true, v3, s3));
    int views_differ = 0, states_differ = 0, compared = 0;
    for (int i = 0; i < STREAM; i++) views_differ += v1[i] != v2[i] || v1[i] != v3[i];
    for (int i = 1; i <= STREAM; i++)
        if (s3[i]) {
            compared++;
            states_differ += s3[i] != s1[i];
        }
    CHECK(views_differ == 0);
    CHECK(states_differ == 0);
    CHECK(compared == STREAM);
    CHECK(reopened_with_pending > 0);
    /* the stream did learn something, and forgot too */
    store *st;
    REQUIRE(store_open(p3, false, &st) == 0);
    clean_learn *L;
    REQUIRE(clean_learn_open(st, &L) == 0);
    CHECK(view_has(L, "gazette", GAZETTE_FOOTER));
    CHECK(view_has(L, "herald", HERALD_FOOTER));
    CHECK(!view_has(L, "courier", COURIER_FOOTER));
    CHECK(view_has(L, "tribune", TRIBUNE_FOOTER));
    CHECK(clean_learn_observed(L) == STREAM);
    size_t entries = 0;
    clean_learn_bytes(L, &entries);
    CHECK(entries < (size_t)STREAM * 3); /* ~3.3 lines an article were seen */
    clean_learn_free(L);
    store_close(st);
    unlink(p1);
    unlink(p2);
    unlink(p3);
}

/* A batch observed and flushed but never committed (a crash, or an apply
 * failure) leaves the store as the last commit: reopening gives that
 * state, and going on from there gives the uninterrupted run. */
TEST(learn_rolled_back_batch_is_forgotten)
{
    static uint64_t v1[STREAM], s1[STREAM + 1];
    char p1[512], p2[512];
    tmp_db(p1, sizeof p1, "ref");
    tmp_db(p2, sizeof p2, "crash");
    REQUIRE(run_stream(p1, 0, false, v1, s1));
    store *st;
    REQUIRE(store_open(p2, false, &st) == 0);
    clean_learn *L;
    REQUIRE(clean_learn_open(st, &L) == 0);
    char text[4096];
    clean_result r;
    int i = 0;
    REQUIRE(store_begin(st) == 0);
    for (; i < 300; i++) {
        const char *src = stream_article(i, text, sizeof text, &r);
        REQUIRE(clean_learn_observe(L, src, &r) == 0);
    }
    REQUIRE(clean_learn_flush(L, st) == 0);
    REQUIRE(store_commit(st) == 0);
    REQUIRE(store_begin(st) == 0);
    for (int k = 300; k < 450; k++) {
        const char *src = stream_article(k, text, sizeof text, &r);
        REQUIRE(clean_learn_observe(L, src, &r) == 0);
    }
    REQUIRE(clean_learn_flush(L, st) == 0);
    REQUIRE(store_rollback(st) == 0);
    clean_learn_free(L);
    REQUIRE(clean_learn_open(st, &L) == 0);
    CHECK(state_digest(L) == s1[300]);
    REQUIRE(store_begin(st) == 0);
    for (; i < STREAM; i++) {
        const char *src = stream_article(i, text, sizeof text, &r);
        CHECK(view_digest(L, src) == v1[i]);
        REQUIRE(clean_learn_observe(L, src, &r) == 0);
    }
    REQUIRE(clean_learn_flush(L, st) == 0);
    REQUIRE(store_commit(st) == 0);
    CHECK(state_digest(L) == s1[STREAM]);
    clean_learn_free(L);
    store_close(st);
    unlink(p1);
    unlink(p2);
}

/* ---- memory ------------------------------------------------------------------------------------- */

/* Fragments that do not recur are forgotten, by the outlet's own articles
 * and, for an outlet gone quiet, by the store's; learned ones never. */
TEST(learn_forgets_what_does_not_recur)
{
    clean_learn *L = clean_learn_new();
    REQUIRE(L);
    char text[2048];
    clean_result r;
    for (int i = 0; i < 10; i++) {
        uint64_t s = (uint64_t)i + 31;
        size_t at = add_line(text, 0, sizeof text, &s, 8);
        at = add_text(text, at, sizeof text, GAZETTE_FOOTER);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(clean_learn_observe(L, "quiet", &r) == 0);
    }
    size_t entries = 0;
    clean_learn_bytes(L, &entries);
    CHECK(entries == 11);
    size_t max_entries = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t s = (uint64_t)i * 7919 + 1;
        size_t at = 0;
        for (int k = 0; k < 4; k++) at = add_line(text, at, sizeof text, &s, 8);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(clean_learn_observe(L, "busy", &r) == 0);
        clean_learn_bytes(L, &entries);
        if (entries > max_entries) max_entries = entries;
    }
    /* 4 new lines an article, kept for 32 to 64 of the outlet's articles */
    CHECK(max_entries <= 11 + 4 * (CLEAN_LEARN_FORGET_ONCE + CLEAN_LEARN_SWEEP));
    /* the quiet outlet keeps its lines until the store moves on */
    CHECK(L->outlets[0].used == 11);
    for (int i = 0; i < CLEAN_LEARN_FORGET_ONCE_ALL + CLEAN_LEARN_SWEEP_ALL; i++)
        REQUIRE(clean_learn_observe(L, NULL, NULL) == 0);
    CHECK(L->outlets[0].used == 1);
    CHECK(view_has(L, "quiet", GAZETTE_FOOTER));
    clean_learn_free(L);
}

/* ---- one article at a time, and query plans ------------------------------------------------------- */

TEST(learn_one_article_at_a_time)
{
    char path[512];
    tmp_db(path, sizeof path, "one");
    store *st;
    REQUIRE(store_open(path, false, &st) == 0);
    arena a;
    arena_init(&a);
    char text[2048];
    clean_result r;
    clean_learned learned;
    for (int i = 0; i < 12; i++) {
        REQUIRE(store_begin(st) == 0);
        REQUIRE(clean_store_learned(st, "gazette", &a, &learned) == 0);
        /* learned at the 8th article stored (the 8th written is rolled
         * back), seen by the next one (epochs of 1) */
        CHECK((learned.n_keys == 1) == (i >= 9));
        uint64_t s = (uint64_t)i + 3;
        size_t at = add_line(text, 0, sizeof text, &s, 8);
        at = add_text(text, at, sizeof text, GAZETTE_FOOTER);
        memset(&r, 0, sizeof r);
        r.text = text;
        r.len = at;
        REQUIRE(store_savepoint(st) == 0);
        REQUIRE(clean_store_observe(st, "gazette", &r, &a) == 0);
        /* the 8th article fails later in the pipeline: it is rolled back */
        if (i == 7) REQUIRE(store_rollback_savepoint(st) == 0);
        else REQUIRE(store_release(st) == 0);
        REQUIRE(store_commit(st) == 0);
        if (i == 7) {
            REQUIRE(clean_store_learned(st, "gazette", &a, &learned) == 0);
            CHECK(learned.n_keys == 0);
        }
    }
    arena_free(&a);
    store_close(st);
    /* a new connection to the same file reads what was stored */
    REQUIRE(store_open(path, false, &st) == 0);
    arena_init(&a);
    REQUIRE(clean_store_learned(st, "gazette", &a, &learned) == 0);
    CHECK(learned.n_keys == 1);
    arena_free(&a);
    store_close(st);
    unlink(path);
}

TEST(learn_statements_use_an_index)
{
    char path[512];
    tmp_db(path, sizeof path, "plan");
    store *st;
    REQUIRE(store_open(path, false, &st) == 0);
    char why[8192];
    for (int i = 0; clean_learn_batch_sql[i]; i++) {
        bool ok = test_sql_uses_index(store_db(st), clean_learn_batch_sql[i], why, sizeof why);
        if (!ok) fprintf(stderr, "    %s\n", why);
        CHECK(ok);
    }
    /* at open the tables are read whole, once, in key order: no sorting */
    char plan[4096];
    for (int i = 0; clean_learn_open_sql[i]; i++) {
        REQUIRE(test_sql_plan(store_db(st), clean_learn_open_sql[i], plan, sizeof plan));
        CHECK(strstr(plan, "TEMP B-TREE") == NULL);
    }
    CHECK(test_sql_uses_index(store_db(st), clean_learn_open_sql[0], why, sizeof why));
    /* the helper does see a full scan */
    CHECK(!test_sql_uses_index(store_db(st), "SELECT key FROM clean_fragments WHERE n = ?1", why, sizeof why));
    store_close(st);
    unlink(path);
}
