/* cluster_store.c - the cluster stage in the store: the pipeline hook, the
 * tables of migration 5, reloading the engine, and the batch re-clustering.
 *
 * Tables: stories (one row per story: storyline, label, span, counts),
 * story_articles (one row per clustered article: its story, the order it
 * was clustered in, why it belongs, its headline and its weighed vector),
 * cluster_state (a sequence number bumped by every article clustered).
 *
 * The engine in memory is a cache of these tables. It is built on the first
 * article clustered by replaying story_articles in sequence order (which
 * rebuilds the centroids, the document frequencies and the index exactly),
 * and before every article the sequence number in the store is compared
 * with the engine's: another writer, or a transaction rolled back after
 * the engine had taken an article, makes them differ, and the engine is
 * rebuilt. A failure inside the stage also drops the engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/dates.h"
#include "cluster.h"
#include "pipeline.h"
#include "util/json.h"
#include "util/util.h"

/* Event days inferred from the text count (softly) from this confidence. */
#define SOFT_CONFIDENCE 0.3

typedef struct cluster_state {
    cluster_engine *e;
    int64_t seq; /* the store's sequence number the engine reflects; -1: not loaded */
} cluster_state;

int cluster_open(accord *db)
{
    cluster_state *cs = calloc(1, sizeof *cs);
    if (!cs) return acc_error(ACCORD_ENOMEM, "out of memory");
    cs->seq = -1;
    db->cluster_state = cs;
    return 0;
}

void cluster_close(accord *db)
{
    cluster_state *cs = db->cluster_state;
    if (!cs) return;
    cluster_engine_free(cs->e);
    free(cs);
    db->cluster_state = NULL;
}

static void drop_engine(cluster_state *cs)
{
    cluster_engine_free(cs->e);
    cs->e = NULL;
    cs->seq = -1;
}

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "clustering: %s failed: %s", what, sqlite3_errmsg(store_db(st)));
}

static int64_t stored_seq(store *st)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT seq FROM cluster_state WHERE k = 1");
    if (!s) return -2;
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return v;
}

/* The day of an article: event date, else published, else given date. */
int32_t cluster_day_of(const char *event_date, const char *published, const char *given)
{
    const char *d[3] = {event_date, published, given};
    for (int i = 0; i < 3; i++) {
        if (!d[i] || strlen(d[i]) < 10) continue;
        date_day day = date_parse_iso(d[i], strlen(d[i]));
        if (day != DATE_NONE) return day;
    }
    return CLUSTER_NO_DAY;
}

/* The day an article is clustered by, or CLUSTER_NO_DAY: only a day the
 * article's metadata vouches for. Its publication date counts, moved back
 * to the event date when that falls in the week before it. Dates worked
 * out of the text alone (weekdays, months, a year guessed from them) and
 * the date a file was given with (often a crawl date) are shown but do
 * not keep stories apart: measured on ECB+, gating on them split more
 * stories than it separated, and a wrong year splits a story for good. */
int32_t cluster_soft_day(const char *event_date, double confidence, float *conf)
{
    int32_t day = confidence >= SOFT_CONFIDENCE ? cluster_day_of(event_date, NULL, NULL) : CLUSTER_NO_DAY;
    *conf = day == CLUSTER_NO_DAY ? 0.0f : confidence > 1 ? 1.0f : (float)confidence;
    return day;
}

int32_t cluster_event_day(const char *published, const char *event_date)
{
    int32_t ev = cluster_day_of(event_date, NULL, NULL);
    int32_t pub = cluster_day_of(published, NULL, NULL);
    if (pub == CLUSTER_NO_DAY) return CLUSTER_NO_DAY;
    return ev != CLUSTER_NO_DAY && ev <= pub && ev >= pub - 7 ? ev : pub;
}

/* Replays every clustered article, in order, into a fresh engine. */
static int load_engine(store *st, cluster_state *cs)
{
    drop_engine(cs);
    cluster_params p;
    cluster_params_default(&p);
    cluster_engine *e = cluster_engine_new(&p);
    if (!e) return acc_error(ACCORD_ENOMEM, "out of memory");
    int64_t seq = stored_seq(st);
    if (seq < -1) {
        cluster_engine_free(e);
        return db_fail(st, "reading the state");
    }
    sqlite3_stmt *s = store_prepare(st, "SELECT sa.article, sa.story, sa.day, sa.vector, sa.has_title, sa.soft_day, sa.soft_conf, sa.score "
                                        "FROM story_articles sa ORDER BY sa.seq");
    if (!s) {
        cluster_engine_free(e);
        return db_fail(st, "loading stories");
    }
    arena a;
    arena_init(&a);
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cluster_doc d = {0};
        d.article = sqlite3_column_int64(s, 0);
        uint32_t story = (uint32_t)sqlite3_column_int64(s, 1);
        d.day = sqlite3_column_type(s, 2) == SQLITE_NULL ? CLUSTER_NO_DAY : (int32_t)sqlite3_column_int(s, 2);
        d.has_title = sqlite3_column_int(s, 4) != 0;
        d.soft_day = sqlite3_column_type(s, 5) == SQLITE_NULL ? CLUSTER_NO_DAY : (int32_t)sqlite3_column_int(s, 5);
        d.soft_conf = (float)sqlite3_column_double(s, 6);
        rc = cluster_vector_decode(&a, sqlite3_column_blob(s, 3), (size_t)sqlite3_column_bytes(s, 3), &d);
        if (rc == 0) rc = cluster_engine_count(e, &d);
        if (rc == 0) rc = cluster_engine_put(e, &d, story, sqlite3_column_double(s, 7));
        arena_reset(&a);
        if (rc) break;
    }
    sqlite3_reset(s);
    arena_free(&a);
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW) rc = db_fail(st, "loading stories");
    if (rc == 0) {
        sqlite3_stmt *l = store_prepare(st, "SELECT id, storyline FROM stories WHERE storyline IS NOT NULL");
        if (!l) rc = db_fail(st, "loading storylines");
        while (rc == 0 && sqlite3_step(l) == SQLITE_ROW)
            cluster_engine_set_storyline(e, (uint32_t)sqlite3_column_int64(l, 0),
                                         (uint32_t)sqlite3_column_int64(l, 1));
        if (l) sqlite3_reset(l);
    }
    if (rc) {
        cluster_engine_free(e);
        return rc == ACCORD_ENOMEM ? acc_error(rc, "out of memory loading the stories") : rc;
    }
    cs->e = e;
    cs->seq = seq;
    return 0;
}

static void bind_day(sqlite3_stmt *s, int i, int32_t day)
{
    if (day == CLUSTER_NO_DAY) sqlite3_bind_null(s, i);
    else sqlite3_bind_int(s, i, day);
}

/* The why of an assignment, as JSON text (malloc'd). */
static char *why_json(const cluster_match *m, const char *copy_of_id)
{
    json_t *o = json_object();
    json_object_set_new(o, "score", json_real(round(m->score * 1000) / 1000));
    json_object_set_new(o, "words", json_real(round(m->space[CLUSTER_WORDS] * 1000) / 1000));
    json_object_set_new(o, "names", json_real(round(m->space[CLUSTER_NAMES] * 1000) / 1000));
    json_object_set_new(o, "numbers", json_real(round(m->space[CLUSTER_NUMBERS] * 1000) / 1000));
    json_object_set_new(o, "time", json_real(round(m->time * 1000) / 1000));
    json_object_set_new(o, "started_story", json_boolean(m->created));
    if (copy_of_id) json_object_set_new(o, "copy_of", json_string(copy_of_id));
    json_t *f = json_array();
    for (int i = 0; i < m->n_matched; i++) json_array_append_new(f, json_string(m->matched[i]));
    json_object_set_new(o, "matched", f);
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return t;
}

/* Writes the story row: span, counts, storyline, label. */
static int write_story(store *st, cluster_engine *e, uint32_t story)
{
    int32_t first, last;
    cluster_engine_span(e, story, &first, &last);
    int64_t central = cluster_engine_central(e, story);
    if (cluster_engine_story_size(e, story) == 0) {
        /* Its one article moved to another story: the id is not reused. */
        sqlite3_stmt *d = store_prepare(st, "DELETE FROM stories WHERE id = ?1");
        if (!d) return db_fail(st, "removing an empty story");
        sqlite3_bind_int64(d, 1, story);
        int rc = sqlite3_step(d);
        sqlite3_reset(d);
        return rc == SQLITE_DONE ? 0 : db_fail(st, "removing an empty story");
    }
    if (!central) {
        /* Its label article moved to another story: the best-fitting
         * member that is left labels it. */
        sqlite3_stmt *c = store_prepare(st, "SELECT article FROM story_articles WHERE story = ?1 "
                                            "ORDER BY created DESC, score DESC, article LIMIT 1");
        if (!c) return db_fail(st, "reading story members");
        sqlite3_bind_int64(c, 1, story);
        if (sqlite3_step(c) == SQLITE_ROW) central = sqlite3_column_int64(c, 0);
        sqlite3_reset(c);
    }
    sqlite3_stmt *s = store_prepare(
        st, "INSERT INTO stories(id, storyline, first_day, last_day, label_article, label, n_articles, "
            "n_distinct) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT headline FROM story_articles WHERE article = ?5), "
            "(SELECT count(*) FROM story_articles WHERE story = ?1), "
            "(SELECT count(*) FROM story_articles WHERE story = ?1 AND copy_of IS NULL)) "
            "ON CONFLICT(id) DO UPDATE SET storyline = excluded.storyline, first_day = excluded.first_day, "
            "last_day = excluded.last_day, label_article = excluded.label_article, label = excluded.label, "
            "n_articles = excluded.n_articles, n_distinct = excluded.n_distinct");
    if (!s) return db_fail(st, "writing a story");
    sqlite3_bind_int64(s, 1, story);
    uint32_t line = cluster_engine_storyline(e, story);
    if (line) sqlite3_bind_int64(s, 2, line);
    bind_day(s, 3, first);
    bind_day(s, 4, last);
    sqlite3_bind_int64(s, 5, central);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, "writing a story");
}

static int write_assignment(store *st, int64_t seq, const cluster_doc *d, const cluster_match *m,
                            int64_t copy_of, const char *why)
{
    size_t vn = cluster_vector_size(d);
    unsigned char *v = malloc(vn ? vn : 1);
    if (!v) return acc_error(ACCORD_ENOMEM, "out of memory");
    cluster_vector_encode(d, v);
    sqlite3_stmt *s = store_prepare(
        st, "INSERT INTO story_articles(article, story, seq, day, score, created, copy_of, why, headline, "
            "has_title, vector, soft_day, soft_conf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!s) {
        free(v);
        return db_fail(st, "storing a story member");
    }
    sqlite3_bind_int64(s, 1, d->article);
    sqlite3_bind_int64(s, 2, m->story);
    sqlite3_bind_int64(s, 3, seq);
    bind_day(s, 4, d->day);
    sqlite3_bind_double(s, 5, round(m->score * 10000) / 10000);
    sqlite3_bind_int(s, 6, m->created);
    if (copy_of) sqlite3_bind_int64(s, 7, copy_of);
    sqlite3_bind_text(s, 8, why, -1, SQLITE_TRANSIENT);
    if (d->headline) sqlite3_bind_text(s, 9, d->headline, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 10, d->has_title);
    sqlite3_bind_blob(s, 11, v, (int)vn, SQLITE_TRANSIENT);
    bind_day(s, 12, d->soft_day);
    sqlite3_bind_double(s, 13, d->soft_conf);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    free(v);
    return rc == SQLITE_DONE ? 0 : db_fail(st, "storing a story member");
}

static int set_seq(store *st, int64_t seq)
{
    sqlite3_stmt *s = store_prepare(st, "UPDATE cluster_state SET seq = ?1 WHERE k = 1");
    if (!s) return db_fail(st, "updating the state");
    sqlite3_bind_int64(s, 1, seq);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, "updating the state");
}

/* Records that an earlier article moved to another story: its row says
 * where it came from, which article drew it, and both scores. */
static int write_move(store *st, const cluster_move *mv, int64_t by)
{
    sqlite3_stmt *s = store_prepare(
        st, "UPDATE story_articles SET story = ?2, score = ?3, why = json_set(coalesce(why, '{}'), '$.moved', "
            "json_object('from', ?4, 'by', (SELECT id FROM articles WHERE rowid = ?5), 'score', ?3, "
            "'before', ?6)) WHERE article = ?1");
    if (!s) return db_fail(st, "moving a story member");
    sqlite3_bind_int64(s, 1, mv->article);
    sqlite3_bind_int64(s, 2, mv->to);
    sqlite3_bind_double(s, 3, round(mv->score * 1000) / 1000);
    sqlite3_bind_int64(s, 4, mv->from);
    sqlite3_bind_int64(s, 5, by);
    sqlite3_bind_double(s, 6, round(mv->before * 1000) / 1000);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, "moving a story member");
}

static bool is_power_of_two(uint64_t n)
{
    return n && !(n & (n - 1));
}

/* Adds one featured article to the engine and the tables. */
static int cluster_doc_store(store *st, cluster_state *cs, arena *a, cluster_doc *d, int64_t copy_of)
{
    cluster_engine *e = cs->e;
    uint32_t copy_story = 0;
    const char *copy_id = NULL;
    if (copy_of) {
        sqlite3_stmt *s = store_prepare(st, "SELECT sa.story, a.id FROM story_articles sa JOIN articles a "
                                            "ON a.rowid = sa.article WHERE sa.article = ?1");
        if (!s) return db_fail(st, "finding a copy's story");
        sqlite3_bind_int64(s, 1, copy_of);
        if (sqlite3_step(s) == SQLITE_ROW) {
            copy_story = (uint32_t)sqlite3_column_int64(s, 0);
            copy_id = arena_strdup(a, (const char *)sqlite3_column_text(s, 1));
        }
        sqlite3_reset(s);
        if (!copy_story) copy_of = 0;
    }
    int rc = cluster_engine_count(e, d);
    if (rc) return acc_error(rc, "out of memory clustering");
    cluster_engine_weigh(e, d);
    cluster_match m;
    rc = cluster_engine_add(e, a, d, copy_story, &m);
    if (rc) return acc_error(rc, "out of memory clustering");
    /* Storylines: a story alone in its storyline looks for one when it
     * starts and whenever its size doubles (its subject is clearer). */
    bool created;
    double line_score;
    uint32_t story_n = cluster_engine_story_size(e, m.story);
    if (m.created || is_power_of_two(story_n)) cluster_engine_link(e, m.story, &created, &line_score);
    char *why = why_json(&m, copy_id);
    if (!why) return acc_error(ACCORD_ENOMEM, "out of memory");
    int64_t seq = cs->seq + 1;
    rc = write_assignment(st, seq, d, &m, copy_of, why);
    free(why);
    for (int i = 0; i < m.n_moves && rc == 0; i++) rc = write_move(st, &m.moves[i], d->article);
    for (int i = 0; i < m.n_moves && rc == 0; i++) {
        rc = write_story(st, e, m.moves[i].from);
        if (rc == 0 && m.moves[i].to != m.story) {
            /* A member that left to start a story again. */
            cluster_engine_link(e, m.moves[i].to, &created, &line_score);
            rc = write_story(st, e, m.moves[i].to);
        }
    }
    if (rc == 0) rc = write_story(st, e, m.story);
    if (rc == 0) rc = set_seq(st, seq);
    if (rc == 0) cs->seq = seq;
    return rc;
}

/* The clustered article this one is a verified copy of (the copy index of
 * the dedup stage, run before this one), the closest first; 0 if none. */
static int64_t copy_original(store *st, int64_t article)
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT CASE WHEN p.a = ?1 THEN p.b ELSE p.a END AS other FROM dedup_pair p "
            "JOIN story_articles sa ON sa.article = (CASE WHEN p.a = ?1 THEN p.b ELSE p.a END) "
            "WHERE p.a = ?1 OR p.b = ?1 ORDER BY p.jaccard DESC, other LIMIT 1");
    if (!s) return 0; /* no copy index in this store: clustering alone decides */
    sqlite3_bind_int64(s, 1, article);
    int64_t other = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return other;
}

int cluster_article(accord *db, const pipeline_article *pa, int64_t copy_of)
{
    cluster_state *cs = db->cluster_state;
    if (!cs) return 0;
    store *st = db->st;
    int64_t seq = stored_seq(st);
    if (seq < -1) return db_fail(st, "reading the state");
    if (!cs->e || seq != cs->seq) {
        int rc = load_engine(st, cs);
        if (rc) return rc;
    }
    /* A new version of an article already in a story stays there: ids are
     * stable, and a corrected text reports the same event. */
    sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM story_articles WHERE article = ?1");
    if (!s) return db_fail(st, "reading story members");
    sqlite3_bind_int64(s, 1, pa->rowid);
    bool known = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (known) return 0;

    if (!copy_of) copy_of = copy_original(st, pa->rowid);
    cluster_doc d;
    int rc = cluster_features(pa->a, db->stemmer, pa->title, &pa->doc, &d);
    if (rc) return acc_error(ACCORD_ENOMEM, "out of memory finding features");
    d.article = pa->rowid;
    d.day = cluster_event_day(pa->published, pa->event_date);
    const clean_result *cr = pa->clean;
    if (d.day == CLUSTER_NO_DAY && cr) d.soft_day = cluster_soft_day(cr->event.value, cr->event.confidence, &d.soft_conf);
    rc = cluster_doc_store(st, cs, pa->a, &d, copy_of);
    if (rc) drop_engine(cs);
    return rc;
}

/* ---- Batch re-clustering ---------------------------------------------------------- */

typedef struct batch_doc {
    int64_t article;
    char *id;
    int32_t day;
    int64_t old_story;
    int64_t copy_of;
    uint32_t new_story;
    cluster_doc d;
    char *why;
} batch_doc;

static int cmp_batch(const void *a, const void *b)
{
    const batch_doc *x = a, *y = b;
    /* Dated articles in date order; undated ones after them, all by id. */
    int32_t dx = x->day == CLUSTER_NO_DAY ? INT32_MAX : x->day;
    int32_t dy = y->day == CLUSTER_NO_DAY ? INT32_MAX : y->day;
    if (dx != dy) return dx < dy ? -1 : 1;
    return strcmp(x->id, y->id);
}

typedef struct overlap {
    uint32_t new_story;
    int64_t old_story;
    uint32_t n;
} overlap;

static int cmp_overlap(const void *a, const void *b)
{
    const overlap *x = a, *y = b;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    if (x->old_story != y->old_story) return x->old_story < y->old_story ? -1 : 1;
    return x->new_story < y->new_story ? -1 : x->new_story > y->new_story;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int cluster_recluster(accord *db, bool dry_run, cluster_recluster_report *rep, char **moves_json)
{
    cluster_state *cs = db->cluster_state;
    store *st = db->st;
    double t0 = acc_now();
    memset(rep, 0, sizeof *rep);
    if (moves_json) *moves_json = NULL;
    if (!dry_run && db->readonly) return acc_error(ACCORD_EUSAGE, "the store is open read-only");
    sqlite3_stmt *s = store_prepare(
        st, "SELECT a.rowid, a.id, a.title, a.text, a.event_date, a.published, "
            "CASE WHEN json_valid(a.meta) THEN json_extract(a.meta, '$.dates.event.confidence') END, sa.story, sa.copy_of "
            "FROM articles a LEFT JOIN story_articles sa ON sa.article = a.rowid");
    if (!s) return db_fail(st, "reading articles");
    arena a;
    arena_init(&a);
    batch_doc *docs = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            batch_doc *nd = realloc(docs, cap * sizeof *nd);
            if (!nd) {
                rc = acc_error(ACCORD_ENOMEM, "out of memory");
                break;
            }
            docs = nd;
        }
        batch_doc *b = &docs[n];
        memset(b, 0, sizeof *b);
        b->article = sqlite3_column_int64(s, 0);
        b->id = arena_strdup(&a, (const char *)sqlite3_column_text(s, 1));
        const char *title = (const char *)sqlite3_column_text(s, 2);
        const char *text = (const char *)sqlite3_column_text(s, 3);
        size_t len = (size_t)sqlite3_column_bytes(s, 3);
        b->day = cluster_event_day((const char *)sqlite3_column_text(s, 5), (const char *)sqlite3_column_text(s, 4));
        b->old_story = sqlite3_column_int64(s, 7);
        b->copy_of = sqlite3_column_int64(s, 8);
        char *tcopy = title ? arena_strdup(&a, title) : NULL;
        text_doc td;
        if (!b->id || text_analyze(&a, text ? text : "", text ? len : 0, &td) != 0 ||
            cluster_features(&a, db->stemmer, tcopy, &td, &b->d) != 0) {
            rc = acc_error(ACCORD_ENOMEM, "out of memory reading articles");
            break;
        }
        b->d.article = b->article;
        b->d.day = b->day;
        if (b->day == CLUSTER_NO_DAY)
            b->d.soft_day = cluster_soft_day((const char *)sqlite3_column_text(s, 4), sqlite3_column_double(s, 6),
                                             &b->d.soft_conf);
        n++;
    }
    sqlite3_reset(s);
    cluster_params p;
    cluster_params_default(&p);
    cluster_engine *e = rc == 0 ? cluster_engine_new(&p) : NULL;
    if (rc == 0 && !e) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    /* One batch: document frequencies of the whole store first. */
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (cluster_engine_count(e, &docs[i].d)) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    if (rc == 0 && n) qsort(docs, n, sizeof *docs, cmp_batch);
    /* Copies follow their original: find each copy's original by rowid. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        batch_doc *b = &docs[i];
        cluster_engine_weigh(e, &b->d);
        uint32_t copy_story = 0;
        const char *copy_id = NULL;
        if (b->copy_of) {
            for (size_t j = 0; j < i; j++)
                if (docs[j].article == b->copy_of) {
                    copy_story = docs[j].new_story;
                    copy_id = docs[j].id;
                }
        }
        cluster_match m;
        if (cluster_engine_add(e, &a, &b->d, copy_story, &m)) {
            rc = acc_error(ACCORD_ENOMEM, "out of memory");
            break;
        }
        b->new_story = m.story;
        /* Earlier articles this one drew into its story (recent ones). */
        for (int k = 0; k < m.n_moves; k++)
            for (size_t j = i; j-- > 0;)
                if (docs[j].article == m.moves[k].article) {
                    docs[j].new_story = m.moves[k].to;
                    break;
                }
        b->why = why_json(&m, copy_id);
        if (!b->why) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    }
    uint32_t n_new = e ? cluster_engine_n_stories(e) : 0;
    /* Old ids for new stories: largest overlaps first, each id once. */
    int64_t *map = rc == 0 ? calloc(n_new + 1, sizeof *map) : NULL;
    overlap *ov = rc == 0 ? malloc((n ? n : 1) * sizeof *ov) : NULL;
    uint64_t *old_ids = rc == 0 ? malloc((n ? n : 1) * sizeof *old_ids) : NULL;
    if (rc == 0 && (!map || !ov || !old_ids)) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    int64_t max_old = 0;
    size_t n_ov = 0, n_old = 0;
    if (rc == 0) {
        /* Count (new, old) pairs: sort articles' pairs, then run-length. */
        uint64_t *pairs = malloc((n ? n : 1) * sizeof *pairs);
        if (!pairs) rc = acc_error(ACCORD_ENOMEM, "out of memory");
        size_t np = 0;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (docs[i].old_story > max_old) max_old = docs[i].old_story;
            if (docs[i].old_story <= 0) continue;
            pairs[np++] = ((uint64_t)docs[i].new_story << 32) | (uint64_t)(uint32_t)docs[i].old_story;
            old_ids[n_old++] = (uint64_t)docs[i].old_story;
        }
        if (rc == 0) {
            qsort(pairs, np, sizeof *pairs, cmp_u64);
            for (size_t i = 0; i < np;) {
                size_t j = i;
                while (j < np && pairs[j] == pairs[i]) j++;
                ov[n_ov++] = (overlap){(uint32_t)(pairs[i] >> 32), (int64_t)(uint32_t)pairs[i], (uint32_t)(j - i)};
                i = j;
            }
            qsort(ov, n_ov, sizeof *ov, cmp_overlap);
            qsort(old_ids, n_old, sizeof *old_ids, cmp_u64);
            size_t w = 0;
            for (size_t i = 0; i < n_old; i++)
                if (!w || old_ids[w - 1] != old_ids[i]) old_ids[w++] = old_ids[i];
            n_old = w;
        }
        free(pairs);
    }
    if (rc == 0) {
        /* old ids are dense enough to mark by value through a sorted list. */
        unsigned char *taken = calloc((size_t)max_old + 1, 1);
        if (!taken) rc = acc_error(ACCORD_ENOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < n_ov; i++) {
            if (map[ov[i].new_story] || taken[ov[i].old_story]) continue;
            map[ov[i].new_story] = ov[i].old_story;
            taken[ov[i].old_story] = 1;
            rep->stories_kept++;
        }
        int64_t next = max_old;
        for (uint32_t k = 1; rc == 0 && k <= n_new; k++)
            if (!map[k] && cluster_engine_story_size(e, k) > 0) {
                map[k] = ++next;
                rep->stories_new++;
            }
        free(taken);
    }
    rep->articles = n;
    rep->stories_before = n_old;
    rep->stories_after = 0;
    for (uint32_t k = 1; k <= n_new; k++) rep->stories_after += cluster_engine_story_size(e, k) > 0;
    rep->stories_gone = n_old - rep->stories_kept;
    json_t *moves = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int64_t nid = map[docs[i].new_story];
        if (docs[i].old_story && docs[i].old_story != nid) {
            rep->articles_moved++;
            if (json_array_size(moves) < 1000)
                json_array_append_new(moves, json_pack("{s:s, s:I, s:I}", "article", docs[i].id, "from",
                                                       (json_int_t)docs[i].old_story, "to", (json_int_t)nid));
        }
    }
    /* Storylines of the new stories, in id order. */
    if (rc == 0) {
        for (uint32_t k = 1; k <= n_new; k++) {
            bool created;
            double sc;
            cluster_engine_link(e, k, &created, &sc);
        }
        uint32_t lines = 0;
        for (uint32_t k = 1; k <= n_new; k++)
            if (cluster_engine_storyline(e, k) > lines) lines = cluster_engine_storyline(e, k);
        rep->storylines_after = lines;
    }
    if (rc == 0 && !dry_run) {
        /* Rewrite the tables in the engine's order, new ids mapped. The
         * engine's story numbers are renumbered through map; the stored
         * engine is rebuilt on the next article. */
        if (store_savepoint(st) != 0) rc = db_fail(st, "starting the rewrite");
        if (rc == 0 && (store_exec(st, "DELETE FROM story_articles") || store_exec(st, "DELETE FROM stories")))
            rc = db_fail(st, "clearing stories");
        for (size_t i = 0; rc == 0 && i < n; i++) {
            cluster_match m = {0};
            m.story = (uint32_t)map[docs[i].new_story];
            json_t *w = json_loads(docs[i].why, 0, NULL);
            m.score = w ? json_real_value(json_object_get(w, "score")) : 0;
            m.created = w ? json_is_true(json_object_get(w, "started_story")) : 0;
            json_decref(w);
            rc = write_assignment(st, (int64_t)i + 1, &docs[i].d, &m, docs[i].copy_of, docs[i].why);
        }
        /* Story rows from the members. */
        for (uint32_t k = 1; rc == 0 && k <= n_new; k++) {
            if (cluster_engine_story_size(e, k) == 0) continue; /* its one article moved */
            int32_t first, last;
            cluster_engine_span(e, k, &first, &last);
            int64_t central = cluster_engine_central(e, k);
            for (size_t i = 0; !central && i < n; i++)
                if (docs[i].new_story == k) central = docs[i].article;
            sqlite3_stmt *w = store_prepare(
                st, "INSERT INTO stories(id, storyline, first_day, last_day, label_article, label, n_articles, "
                    "n_distinct) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT headline FROM story_articles WHERE article = ?5), "
                    "(SELECT count(*) FROM story_articles WHERE story = ?1), "
                    "(SELECT count(*) FROM story_articles WHERE story = ?1 AND copy_of IS NULL))");
            if (!w) {
                rc = db_fail(st, "writing stories");
                break;
            }
            sqlite3_bind_int64(w, 1, map[k]);
            sqlite3_bind_int64(w, 2, cluster_engine_storyline(e, k));
            bind_day(w, 3, first);
            bind_day(w, 4, last);
            sqlite3_bind_int64(w, 5, central);
            if (sqlite3_step(w) != SQLITE_DONE) rc = db_fail(st, "writing stories");
            sqlite3_reset(w);
        }
        if (rc == 0) rc = set_seq(st, (int64_t)n);
        if (rc == 0) {
            if (store_release(st) != 0) rc = db_fail(st, "finishing the rewrite");
        } else {
            store_rollback_savepoint(st);
        }
        if (cs) drop_engine(cs);
    }
    if (rc == 0 && moves_json) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "articles", (json_int_t)rep->articles,
                              "stories_before", (json_int_t)rep->stories_before, "stories_after",
                              (json_int_t)rep->stories_after, "storylines", (json_int_t)rep->storylines_after,
                              "stories_kept", (json_int_t)rep->stories_kept, "stories_new",
                              (json_int_t)rep->stories_new, "stories_gone", (json_int_t)rep->stories_gone,
                              "articles_moved", (json_int_t)rep->articles_moved, "moves", moves);
        moves = NULL;
        rep->seconds = acc_now() - t0;
        json_object_set_new(o, "seconds", json_real(round(rep->seconds * 1000) / 1000));
        json_object_set_new(o, "dry_run", json_boolean(dry_run));
        rc = acc_json_out(o, moves_json);
    }
    json_decref(moves);
    for (size_t i = 0; i < n; i++) free(docs[i].why);
    free(docs);
    free(map);
    free(ov);
    free(old_ids);
    cluster_engine_free(e);
    arena_free(&a);
    rep->seconds = acc_now() - t0;
    return rc;
}
