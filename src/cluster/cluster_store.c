/* cluster_store.c - the cluster stage in the store: prepare and apply on
 * the ingest path, the state kept in memory and written behind, the
 * tables of migrations 5, 6 and 10, the read functions other stages use,
 * and the batch re-clustering.
 *
 * Tables: stories (one row per story: storyline, label, span, counts),
 * story_articles (one row per clustered article: its story, the order it
 * was clustered in, why it belongs, its headline, its weighed vector and
 * its own event day), and the engine's state for an exact restart:
 * cluster_story_state (each story's centroid, span, inferred days, label
 * candidates and index terms, as bytes), cluster_postings (the candidate
 * and storyline index, in the order entries were made, one row of packed
 * entries per flush), cluster_ring (the
 * recent articles the second looks go back to) and cluster_state (the
 * sequence number, the id counters, and the sequence number the saved
 * state reflects).
 *
 * Why a saved state and not a replay of the members: a story's centroid
 * is cut to its heaviest terms with the frequencies of the moment, a
 * member that moved away once counted in its old story (centroid cut,
 * span, index entries), and a story's first member's attachment is the
 * second's score; replaying the final members in order into their final
 * stories gives another engine (measured: 20 Reuters stories out of 4,000
 * differed after a resume). The saved state is the engine's own, bit for
 * bit, so a resumed ingest goes on exactly as an uninterrupted one.
 *
 * Phase 1 (cluster_prepare) is pure: features and unit vectors of one
 * article. Phase 2 (cluster_apply) runs on the writer in input order and
 * reads only the record and the state in memory; what it decides is kept
 * in memory and written by cluster_flush, which the pipeline calls before
 * each batch's COMMIT. After a flush, stories that ended long before the
 * latest day seen leave memory; the engine asks the store for them again
 * if an article ever needs them (cluster_engine_set_loader). */
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

/* Stories whose last day is this many days before the latest day seen
 * leave memory after a flush (candidates come from within window_days of
 * an article's day; a late article older than that brings them back). */
#define EVICT_AFTER_DAYS 30

/* A saved index entry: kind (1 byte), key (8), story (4), little-endian. */
#define POSTING_BYTES 13

/* The migration of this stage's tables for an exact restart. */
const char cluster_migration_10[] =
    "CREATE TABLE cluster_story_state (story INTEGER PRIMARY KEY, state BLOB NOT NULL);\n"
    "CREATE TABLE cluster_postings (id INTEGER PRIMARY KEY, entries BLOB NOT NULL);\n"
    "CREATE TABLE cluster_ring (slot INTEGER PRIMARY KEY, article INTEGER NOT NULL, story INTEGER NOT NULL, "
    "attach REAL NOT NULL);\n"
    "ALTER TABLE cluster_state ADD COLUMN saved_seq INTEGER;\n"
    "ALTER TABLE cluster_state ADD COLUMN n_stories INTEGER;\n"
    "ALTER TABLE cluster_state ADD COLUMN n_lines INTEGER;\n"
    "ALTER TABLE cluster_state ADD COLUMN max_day INTEGER;\n"
    "ALTER TABLE cluster_state ADD COLUMN ring_head INTEGER;\n"
    "ALTER TABLE cluster_state ADD COLUMN ring_n INTEGER;\n"
    "ALTER TABLE story_articles ADD COLUMN event_day INTEGER;\n"
    "ALTER TABLE story_articles ADD COLUMN event_conf REAL;\n";

/* A story's members in memory, by rowid. */
typedef struct member_list {
    cluster_member *v;
    uint32_t n, cap;
} member_list;

/* A decision waiting for cluster_flush. */
typedef struct pending {
    bool move;
    cluster_move mv;  /* move: what moved */
    int64_t by;       /* move: the article that drew it */
    int64_t article;  /* new member */
    uint32_t story;
    int64_t seq;
    int32_t day, soft_day, event_day;
    float soft_conf, event_conf;
    double score;
    bool created, has_title;
    int64_t copy_of;
    char *why, *headline;
    unsigned char *vec;
    size_t vlen;
} pending;

struct cluster_state {
    cluster_engine *e;
    store *st;         /* where evicted stories are read back from */
    int64_t seq;       /* articles clustered (the store's after a flush); -1: not loaded */
    pending *ops;      /* decisions since the last flush, in order */
    size_t n_ops, cap_ops;
    member_list *members; /* per story id */
    uint32_t cap_members;
};

static int db_fail(store *st, const char *what)
{
    return acc_error(ACCORD_EINTERNAL, "clustering: %s failed: %s", what, sqlite3_errmsg(store_db(st)));
}

static void pending_free(pending *p)
{
    free(p->why);
    free(p->headline);
    free(p->vec);
}

static void state_reset(cluster_state *cs)
{
    cluster_engine_free(cs->e);
    cs->e = NULL;
    cs->seq = -1;
    for (size_t i = 0; i < cs->n_ops; i++) pending_free(&cs->ops[i]);
    cs->n_ops = 0;
    for (uint32_t i = 0; i < cs->cap_members; i++) free(cs->members[i].v);
    free(cs->members);
    cs->members = NULL;
    cs->cap_members = 0;
}

void cluster_state_free(cluster_state *cs)
{
    if (!cs) return;
    state_reset(cs);
    free(cs->ops);
    free(cs);
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



static void bind_day(sqlite3_stmt *s, int i, int32_t day)
{
    if (day == CLUSTER_NO_DAY) sqlite3_bind_null(s, i);
    else sqlite3_bind_int(s, i, day);
}

static int32_t column_day(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? CLUSTER_NO_DAY : (int32_t)sqlite3_column_int(s, i);
}

/* ---- Members in memory ---------------------------------------------------------------- */

static member_list *members_of(cluster_state *cs, uint32_t story, bool create)
{
    if (story >= cs->cap_members) {
        if (!create) return NULL;
        uint32_t cap = cs->cap_members ? cs->cap_members : 1024;
        while (cap <= story) cap *= 2;
        member_list *m = realloc(cs->members, cap * sizeof *m);
        if (!m) return NULL;
        memset(m + cs->cap_members, 0, (cap - cs->cap_members) * sizeof *m);
        cs->members = m;
        cs->cap_members = cap;
    }
    return &cs->members[story];
}

/* Adds a member, keeping the list in rowid order (the order of the
 * list never depends on when the member came). */
static int member_add(cluster_state *cs, uint32_t story, const cluster_member *x)
{
    member_list *m = members_of(cs, story, true);
    if (!m) return ACCORD_ENOMEM;
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 4;
        cluster_member *v = realloc(m->v, cap * sizeof *v);
        if (!v) return ACCORD_ENOMEM;
        m->v = v;
        m->cap = cap;
    }
    uint32_t at = m->n;
    while (at > 0 && m->v[at - 1].article > x->article) at--;
    memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof *m->v);
    m->v[at] = *x;
    m->n++;
    return 0;
}

static int member_move(cluster_state *cs, int64_t article, uint32_t from, uint32_t to)
{
    member_list *m = members_of(cs, from, false);
    cluster_member x = {article, CLUSTER_NO_DAY, 0};
    for (uint32_t i = 0; m && i < m->n; i++)
        if (m->v[i].article == article) {
            x = m->v[i];
            memmove(m->v + i, m->v + i + 1, (m->n - i - 1) * sizeof *m->v);
            m->n--;
            break;
        }
    return member_add(cs, to, &x);
}

int cluster_members(const cluster_state *cs, int64_t story, const cluster_member **members, size_t *n)
{
    *members = NULL;
    *n = 0;
    if (!cs || story <= 0 || (uint64_t)story >= cs->cap_members) return 0;
    *members = cs->members[story].v;
    *n = cs->members[story].n;
    return 0;
}

int64_t cluster_story_in_memory(const cluster_state *cs, int64_t article)
{
    return cs && cs->e ? cluster_engine_story_of(cs->e, article) : 0;
}

/* ---- Loading the state ------------------------------------------------------------------ */

/* Evicted stories come back from the saved state. */
static int load_story(void *ud, uint32_t story, void **blob, size_t *len)
{
    cluster_state *cs = ud;
    sqlite3_stmt *s = store_prepare(cs->st, "SELECT state FROM cluster_story_state WHERE story = ?1");
    if (!s) return db_fail(cs->st, "reading a story's state");
    sqlite3_bind_int64(s, 1, story);
    int rc = ACCORD_EINTERNAL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        void *b = malloc(n ? n : 1);
        if (b) {
            memcpy(b, sqlite3_column_blob(s, 0), n);
            *blob = b;
            *len = n;
            rc = 0;
        } else {
            rc = ACCORD_ENOMEM;
        }
    }
    sqlite3_reset(s);
    return rc == ACCORD_EINTERNAL ? acc_error(rc, "clustering: story %u has no saved state", story) : rc;
}

/* Counts the document frequencies from every stored vector, fills the
 * members, and (when replay) puts each article into its final story, the
 * way stores without a saved state are rebuilt. */
static int load_members(store *st, cluster_state *cs, bool replay)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT article, story, day, vector, has_title, soft_day, soft_conf, score, "
                                        "event_day, event_conf FROM story_articles ORDER BY seq");
    if (!s) return db_fail(st, "loading stories");
    arena a;
    arena_init(&a);
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cluster_doc d = {0};
        d.article = sqlite3_column_int64(s, 0);
        uint32_t story = (uint32_t)sqlite3_column_int64(s, 1);
        d.day = column_day(s, 2);
        d.has_title = sqlite3_column_int(s, 4) != 0;
        d.soft_day = column_day(s, 5);
        d.soft_conf = (float)sqlite3_column_double(s, 6);
        rc = cluster_vector_decode(&a, sqlite3_column_blob(s, 3), (size_t)sqlite3_column_bytes(s, 3), &d);
        if (rc == 0) rc = cluster_engine_count(cs->e, &d);
        if (rc == 0 && replay) rc = cluster_engine_put(cs->e, &d, story, sqlite3_column_double(s, 7));
        if (rc == 0 && !replay) rc = cluster_engine_set_member(cs->e, d.article, story);
        cluster_member m = {d.article, column_day(s, 8), (float)sqlite3_column_double(s, 9)};
        if (rc == 0) rc = member_add(cs, story, &m);
        arena_reset(&a);
        if (rc) break;
    }
    sqlite3_reset(s);
    arena_free(&a);
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW) rc = db_fail(st, "loading stories");
    return rc == ACCORD_ENOMEM ? acc_error(rc, "out of memory loading the stories") : rc;
}

static int load_saved(store *st, cluster_state *cs, const cluster_globals *g)
{
    cluster_engine *e = cs->e;
    int rc = cluster_engine_set_globals(e, g);
    sqlite3_stmt *s = rc ? NULL : store_prepare(st, "SELECT story, state FROM cluster_story_state ORDER BY story");
    if (!rc && !s) return db_fail(st, "loading story states");
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        rc = cluster_engine_story_restore(e, (uint32_t)sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
                                          (size_t)sqlite3_column_bytes(s, 1));
    if (s) sqlite3_reset(s);
    s = rc ? NULL : store_prepare(st, "SELECT entries FROM cluster_postings ORDER BY id");
    if (!rc && !s) return db_fail(st, "loading the story index");
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        if (n % POSTING_BYTES) rc = ACCORD_EINTERNAL;
        for (size_t i = 0; rc == 0 && i < n; i += POSTING_BYTES) {
            cluster_posting p = {b[i], 0, 0};
            for (int k = 0; k < 8; k++) p.key |= (uint64_t)b[i + 1 + k] << (8 * k);
            for (int k = 0; k < 4; k++) p.story |= (uint32_t)b[i + 9 + k] << (8 * k);
            rc = cluster_engine_posting_restore(e, &p);
        }
    }
    if (s) sqlite3_reset(s);
    s = rc ? NULL
           : store_prepare(st, "SELECT r.slot, r.story, r.attach, sa.article, sa.day, sa.vector, sa.has_title, "
                               "sa.soft_day, sa.soft_conf FROM cluster_ring r JOIN story_articles sa "
                               "ON sa.article = r.article ORDER BY r.slot");
    if (!rc && !s) return db_fail(st, "loading recent articles");
    arena a;
    arena_init(&a);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        cluster_doc d = {0};
        d.article = sqlite3_column_int64(s, 3);
        d.day = column_day(s, 4);
        d.has_title = sqlite3_column_int(s, 6) != 0;
        d.soft_day = column_day(s, 7);
        d.soft_conf = (float)sqlite3_column_double(s, 8);
        rc = cluster_vector_decode(&a, sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5), &d);
        if (rc == 0)
            rc = cluster_engine_ring_restore(e, (uint32_t)sqlite3_column_int(s, 0), &d,
                                             (uint32_t)sqlite3_column_int64(s, 1), (float)sqlite3_column_double(s, 2));
        arena_reset(&a);
    }
    arena_free(&a);
    if (s) sqlite3_reset(s);
    if (rc == ACCORD_EINTERNAL) return acc_error(rc, "clustering: the saved state is damaged; run accord recluster");
    return rc == ACCORD_ENOMEM ? acc_error(rc, "out of memory loading the stories") : rc;
}

/* Builds the state from the store: the saved engine when the store has
 * one for its last article, else a replay of the members (older stores,
 * or after a re-clustering), saved at the next flush. */
static int load_state(store *st, cluster_state *cs)
{
    state_reset(cs);
    cs->st = st;
    cluster_params p;
    cluster_params_default(&p);
    cs->e = cluster_engine_new(&p);
    if (!cs->e) return acc_error(ACCORD_ENOMEM, "out of memory");
    cluster_engine_set_loader(cs->e, load_story, cs);
    sqlite3_stmt *s = store_prepare(st, "SELECT seq, saved_seq, n_stories, n_lines, max_day, ring_head, ring_n "
                                        "FROM cluster_state WHERE k = 1");
    if (!s) return db_fail(st, "reading the state");
    int64_t seq = 0;
    bool saved = false;
    cluster_globals g = {0};
    if (sqlite3_step(s) == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0);
        saved = sqlite3_column_type(s, 1) != SQLITE_NULL && sqlite3_column_int64(s, 1) == seq;
        g.n_stories = (uint32_t)sqlite3_column_int64(s, 2);
        g.n_lines = (uint32_t)sqlite3_column_int64(s, 3);
        g.max_day = column_day(s, 4);
        g.ring_head = (uint32_t)sqlite3_column_int64(s, 5);
        g.ring_n = (uint32_t)sqlite3_column_int64(s, 6);
    }
    sqlite3_reset(s);
    int rc = load_members(st, cs, !saved);
    if (rc == 0 && saved) rc = load_saved(st, cs, &g);
    if (rc == 0 && !saved) {
        /* Storylines from the stories table; everything is written at the
         * next flush, which makes the saved state. */
        sqlite3_stmt *l = store_prepare(st, "SELECT id, storyline FROM stories WHERE storyline IS NOT NULL");
        if (!l) rc = db_fail(st, "loading storylines");
        while (rc == 0 && sqlite3_step(l) == SQLITE_ROW)
            cluster_engine_set_storyline(cs->e, (uint32_t)sqlite3_column_int64(l, 0),
                                         (uint32_t)sqlite3_column_int64(l, 1));
        if (l) sqlite3_reset(l);
        if (rc == 0 && (store_exec(st, "DELETE FROM cluster_postings") || store_exec(st, "DELETE FROM cluster_ring") ||
                        store_exec(st, "DELETE FROM cluster_story_state")))
            rc = db_fail(st, "clearing the saved state");
    } else if (rc == 0) {
        cluster_engine_clean(cs->e);
    }
    if (rc) {
        state_reset(cs);
        return rc;
    }
    cs->seq = seq;
    return 0;
}

int cluster_state_open(store *st, cluster_state **out)
{
    *out = NULL;
    cluster_state *cs = calloc(1, sizeof *cs);
    if (!cs) return acc_error(ACCORD_ENOMEM, "out of memory");
    cs->seq = -1;
    int rc = load_state(st, cs);
    if (rc) {
        cluster_state_free(cs);
        return rc;
    }
    *out = cs;
    return 0;
}

int cluster_open(accord *db)
{
    /* The state is loaded on the first article (a read-only or a reading
     * process never pays for it). */
    cluster_state *cs = calloc(1, sizeof *cs);
    if (!cs) return acc_error(ACCORD_ENOMEM, "out of memory");
    cs->seq = -1;
    db->cluster_state = cs;
    return 0;
}

void cluster_close(accord *db)
{
    cluster_state_free(db->cluster_state);
    db->cluster_state = NULL;
}

/* ---- Phase 1 ------------------------------------------------------------------------------ */

int cluster_prepare(arena *a, text_stemmer *stem, const char *title, const text_doc *doc, cluster_doc *out)
{
    memset(out, 0, sizeof *out);
    int rc = cluster_features(a, stem, title, doc, out);
    if (rc) return acc_error(ACCORD_ENOMEM, "out of memory finding features");
    cluster_engine_weigh(NULL, out);
    return 0;
}

/* ---- Phase 2 ------------------------------------------------------------------------------ */

static int push_op(cluster_state *cs, pending **op)
{
    if (cs->n_ops == cs->cap_ops) {
        size_t cap = cs->cap_ops ? cs->cap_ops * 2 : 256;
        pending *o = realloc(cs->ops, cap * sizeof *o);
        if (!o) return ACCORD_ENOMEM;
        cs->ops = o;
        cs->cap_ops = cap;
    }
    *op = &cs->ops[cs->n_ops++];
    memset(*op, 0, sizeof **op);
    return 0;
}

static bool is_power_of_two(uint64_t n)
{
    return n && !(n & (n - 1));
}

static char *why_json(const cluster_match *m);

int cluster_apply(cluster_state *cs, arena *a, const cluster_input *in, cluster_decision *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!cs->e) return acc_error(ACCORD_EINTERNAL, "clustering: the state is not loaded");
    cluster_engine *e = cs->e;
    /* A new version of an article already in a story stays there: ids are
     * stable, and a corrected text reports the same event. */
    uint32_t known = cluster_engine_story_of(e, in->rowid);
    if (known) {
        if (out) out->story = known;
        return 0;
    }
    if (!in->features) return acc_error(ACCORD_EINTERNAL, "clustering: article %lld was not prepared", (long long)in->rowid);
    cluster_doc d = *in->features;
    d.f = arena_alloc(a, (d.n ? d.n : 1) * sizeof *d.f);
    if (!d.f) return acc_error(ACCORD_ENOMEM, "out of memory clustering");
    if (d.n) memcpy(d.f, in->features->f, d.n * sizeof *d.f);
    d.article = in->rowid;
    d.day = cluster_event_day(in->published, in->event_date);
    d.soft_day = CLUSTER_NO_DAY;
    d.soft_conf = 0;
    if (d.day == CLUSTER_NO_DAY) d.soft_day = cluster_soft_day(in->event_date, in->event_confidence, &d.soft_conf);
    int64_t copy_of = in->copy_of;
    uint32_t copy_story = copy_of ? cluster_engine_story_of(e, copy_of) : 0;
    if (!copy_story) copy_of = 0;

    int rc = cluster_engine_count(e, &d);
    cluster_match m;
    if (rc == 0) rc = cluster_engine_add(e, a, &d, copy_story, &m);
    /* Storylines: a story alone in its storyline looks for one when it
     * starts and whenever its size doubles (its subject is clearer). */
    bool created;
    double line_score;
    if (rc == 0 && (m.created || is_power_of_two(cluster_engine_story_size(e, m.story))))
        cluster_engine_link(e, m.story, &created, &line_score);
    for (int i = 0; rc == 0 && i < m.n_moves; i++)
        if (m.moves[i].to != m.story) cluster_engine_link(e, m.moves[i].to, &created, &line_score); /* started again */
    if (rc == 0) rc = cluster_engine_failed(e);
    if (rc) {
        state_reset(cs); /* the engine is no longer the store's: reload it */
        return rc == ACCORD_ENOMEM ? acc_error(rc, "out of memory clustering") : rc;
    }
    pending *op = NULL;
    rc = push_op(cs, &op);
    if (rc == 0) {
        op->article = d.article;
        op->story = m.story;
        op->seq = ++cs->seq;
        op->day = d.day;
        op->soft_day = d.soft_day;
        op->soft_conf = d.soft_conf;
        op->event_day = cluster_day_of(in->event_date, NULL, NULL);
        op->event_conf = op->event_day == CLUSTER_NO_DAY ? 0.0f : (float)in->event_confidence;
        op->score = m.score;
        op->created = m.created;
        op->has_title = d.has_title;
        op->copy_of = copy_of;
        op->why = why_json(&m);
        op->headline = d.headline ? strdup(d.headline) : NULL;
        op->vlen = cluster_vector_size(&d);
        op->vec = malloc(op->vlen ? op->vlen : 1);
        if (!op->why || (d.headline && !op->headline) || !op->vec) rc = ACCORD_ENOMEM;
        else cluster_vector_encode(&d, op->vec);
    }
    cluster_member mem = {d.article, op ? op->event_day : CLUSTER_NO_DAY, op ? op->event_conf : 0};
    if (rc == 0) rc = member_add(cs, m.story, &mem);
    for (int i = 0; rc == 0 && i < m.n_moves; i++) {
        pending *mv;
        rc = push_op(cs, &mv);
        if (rc) break;
        mv->move = true;
        mv->mv = m.moves[i];
        mv->by = d.article;
        rc = member_move(cs, m.moves[i].article, m.moves[i].from, m.moves[i].to);
    }
    if (rc) {
        state_reset(cs);
        return acc_error(ACCORD_ENOMEM, "out of memory clustering");
    }
    if (out) {
        out->story = m.story;
        out->created = m.created;
        out->copy = m.copy;
        out->score = m.score;
        out->n_moves = m.n_moves;
        for (int i = 0; i < m.n_moves; i++) out->moves[i] = m.moves[i];
    }
    return 0;
}

/* The why of an assignment, as JSON text (malloc'd); the id of the
 * original of a copy is added when it is written. */
static char *why_json(const cluster_match *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "score", json_real(round(m->score * 1000) / 1000));
    json_object_set_new(o, "words", json_real(round(m->space[CLUSTER_WORDS] * 1000) / 1000));
    json_object_set_new(o, "names", json_real(round(m->space[CLUSTER_NAMES] * 1000) / 1000));
    json_object_set_new(o, "numbers", json_real(round(m->space[CLUSTER_NUMBERS] * 1000) / 1000));
    json_object_set_new(o, "time", json_real(round(m->time * 1000) / 1000));
    json_object_set_new(o, "started_story", json_boolean(m->created));
    json_t *f = json_array();
    for (int i = 0; i < m->n_matched; i++) json_array_append_new(f, json_string(m->matched[i]));
    json_object_set_new(o, "matched", f);
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return t;
}

/* ---- Writing behind ---------------------------------------------------------------------- */

static int write_assignment(store *st, const pending *p)
{
    sqlite3_stmt *s = store_prepare(
        st, "INSERT INTO story_articles(article, story, seq, day, score, created, copy_of, why, headline, "
            "has_title, vector, soft_day, soft_conf, event_day, event_conf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "CASE WHEN ?7 IS NULL THEN ?8 ELSE json_set(?8, '$.copy_of', (SELECT id FROM articles WHERE rowid = ?7)) "
            "END, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!s) return db_fail(st, "storing a story member");
    sqlite3_bind_int64(s, 1, p->article);
    sqlite3_bind_int64(s, 2, p->story);
    sqlite3_bind_int64(s, 3, p->seq);
    bind_day(s, 4, p->day);
    sqlite3_bind_double(s, 5, round(p->score * 10000) / 10000);
    sqlite3_bind_int(s, 6, p->created);
    if (p->copy_of) sqlite3_bind_int64(s, 7, p->copy_of);
    sqlite3_bind_text(s, 8, p->why, -1, SQLITE_STATIC);
    if (p->headline) sqlite3_bind_text(s, 9, p->headline, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 10, p->has_title);
    sqlite3_bind_blob(s, 11, p->vec, (int)p->vlen, SQLITE_STATIC);
    bind_day(s, 12, p->soft_day);
    sqlite3_bind_double(s, 13, p->soft_conf);
    bind_day(s, 14, p->event_day);
    sqlite3_bind_double(s, 15, p->event_conf);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, "storing a story member");
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


static int write_state(store *st, cluster_state *cs)
{
    cluster_engine *e = cs->e;
    int rc = 0;
    /* Stories: their rows and their saved state. */
    size_t nd;
    const uint32_t *dirty = cluster_engine_dirty_stories(e, &nd);
    sqlite3_stmt *w = store_prepare(st, "INSERT INTO cluster_story_state(story, state) VALUES (?1, ?2) "
                                        "ON CONFLICT(story) DO UPDATE SET state = excluded.state");
    if (!w) return db_fail(st, "saving a story's state");
    for (size_t i = 0; rc == 0 && i < nd; i++) {
        uint32_t k = dirty[i];
        rc = write_story(st, e, k);
        unsigned char *blob = NULL;
        size_t len = 0;
        if (rc == 0 && cluster_engine_story_encode(e, k, &blob, &len) != 0)
            rc = acc_error(ACCORD_ENOMEM, "out of memory saving a story");
        if (rc == 0) {
            sqlite3_bind_int64(w, 1, k);
            sqlite3_bind_blob(w, 2, blob, (int)len, SQLITE_STATIC);
            if (sqlite3_step(w) != SQLITE_DONE) rc = db_fail(st, "saving a story's state");
            sqlite3_reset(w);
        }
        free(blob);
    }
    /* New index entries, in the order they were made: one row a flush. */
    size_t np;
    const cluster_posting *p = cluster_engine_new_postings(e, &np);
    if (rc == 0 && np) {
        unsigned char *b = malloc(np * POSTING_BYTES);
        if (!b) rc = acc_error(ACCORD_ENOMEM, "out of memory saving the story index");
        for (size_t i = 0; rc == 0 && i < np; i++) {
            unsigned char *q = b + i * POSTING_BYTES;
            q[0] = p[i].kind;
            for (int k = 0; k < 8; k++) q[1 + k] = (unsigned char)(p[i].key >> (8 * k));
            for (int k = 0; k < 4; k++) q[9 + k] = (unsigned char)(p[i].story >> (8 * k));
        }
        sqlite3_stmt *ps = rc ? NULL : store_prepare(st, "INSERT INTO cluster_postings(entries) VALUES (?1)");
        if (rc == 0 && !ps) rc = db_fail(st, "saving the story index");
        if (rc == 0) {
            sqlite3_bind_blob(ps, 1, b, (int)(np * POSTING_BYTES), SQLITE_STATIC);
            if (sqlite3_step(ps) != SQLITE_DONE) rc = db_fail(st, "saving the story index");
            sqlite3_reset(ps);
        }
        free(b);
    }
    /* The slots of the ring of recent articles that changed. */
    sqlite3_stmt *r = rc ? NULL : store_prepare(st, "INSERT OR REPLACE INTO cluster_ring(slot, article, story, attach) "
                                                   "VALUES (?1, ?2, ?3, ?4)");
    if (rc == 0 && !r) rc = db_fail(st, "saving recent articles");
    for (uint32_t slot = 0; rc == 0 && slot < CLUSTER_RING; slot++) {
        int64_t art;
        uint32_t story;
        float attach;
        if (!cluster_engine_ring_dirty(e, slot) || !cluster_engine_ring_entry(e, slot, &art, &story, &attach))
            continue;
        sqlite3_bind_int(r, 1, (int)slot);
        sqlite3_bind_int64(r, 2, art);
        sqlite3_bind_int64(r, 3, story);
        sqlite3_bind_double(r, 4, attach);
        if (sqlite3_step(r) != SQLITE_DONE) rc = db_fail(st, "saving recent articles");
        sqlite3_reset(r);
    }
    if (rc == 0) {
        cluster_globals g;
        cluster_engine_globals(e, &g);
        sqlite3_stmt *s = store_prepare(st, "UPDATE cluster_state SET seq = ?1, saved_seq = ?1, n_stories = ?2, "
                                            "n_lines = ?3, max_day = ?4, ring_head = ?5, ring_n = ?6 WHERE k = 1");
        if (!s) return db_fail(st, "updating the state");
        sqlite3_bind_int64(s, 1, cs->seq);
        sqlite3_bind_int64(s, 2, g.n_stories);
        sqlite3_bind_int64(s, 3, g.n_lines);
        bind_day(s, 4, g.max_day);
        sqlite3_bind_int64(s, 5, g.ring_head);
        sqlite3_bind_int64(s, 6, g.ring_n);
        if (sqlite3_step(s) != SQLITE_DONE) rc = db_fail(st, "updating the state");
        sqlite3_reset(s);
    }
    return rc;
}

int cluster_flush(cluster_state *cs, store *st)
{
    if (!cs || !cs->e) return 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cs->n_ops; i++)
        rc = cs->ops[i].move ? write_move(st, &cs->ops[i].mv, cs->ops[i].by) : write_assignment(st, &cs->ops[i]);
    if (rc == 0) rc = write_state(st, cs);
    if (rc) {
        state_reset(cs); /* the transaction will roll back: load again from what stays */
        return rc;
    }
    for (size_t i = 0; i < cs->n_ops; i++) pending_free(&cs->ops[i]);
    cs->n_ops = 0;
    cluster_engine_clean(cs->e);
    /* When and how much is evicted never changes a result: an evicted
     * story comes back exactly as it was. */
    int32_t latest = cluster_engine_max_day(cs->e);
    if (latest != CLUSTER_NO_DAY) cluster_engine_evict(cs->e, latest - EVICT_AFTER_DAYS);
    return 0;
}

/* ---- The pipeline hook of today's one-article path -------------------------------------- */

static int64_t stored_seq(store *st)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT seq FROM cluster_state WHERE k = 1");
    if (!s) return -2;
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return v;
}

int cluster_state_sync(cluster_state *cs, store *st)
{
    /* Another writer, or a transaction rolled back after the state took
     * an article, leaves the store's sequence number elsewhere: reload. */
    int64_t seq = stored_seq(st);
    if (seq < -1) return db_fail(st, "reading the state");
    if (!cs->e || seq != cs->seq || cs->n_ops) return load_state(st, cs);
    return 0;
}

int cluster_article(accord *db, const pipeline_article *pa, int64_t copy_of)
{
    cluster_state *cs = db->cluster_state;
    if (!cs) return 0;
    store *st = db->st;
    int rc = cluster_state_sync(cs, st);
    if (rc) return rc;
    if (cluster_engine_story_of(cs->e, pa->rowid)) return 0;
    cluster_doc d;
    rc = cluster_prepare(pa->a, db->stemmer, pa->title, &pa->doc, &d);
    if (rc) return rc;
    const clean_result *cr = pa->clean;
    cluster_input in = {0};
    in.rowid = pa->rowid;
    in.published = pa->published;
    in.given_date = pa->given_date;
    in.event_date = pa->event_date;
    in.event_confidence = cr ? cr->event.confidence : 0;
    /* Until the copy index puts copy_of on the record, the wrapper asks it. */
    in.copy_of = copy_of ? copy_of : copy_original(st, pa->rowid);
    in.features = &d;
    rc = cluster_apply(cs, pa->a, &in, NULL);
    if (rc == 0) rc = cluster_flush(cs, st);
    return rc;
}

/* ---- Read functions for other stages ------------------------------------------------------ */

int cluster_story_of(store *st, int64_t article, int64_t *story)
{
    *story = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT story FROM story_articles WHERE article = ?1");
    if (!s) return db_fail(st, "reading an article's story");
    sqlite3_bind_int64(s, 1, article);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) *story = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_fail(st, "reading an article's story");
}

int cluster_story_members(store *st, int64_t story, int64_t **rowids, size_t *n)
{
    *rowids = NULL;
    *n = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT article FROM story_articles WHERE story = ?1 ORDER BY article");
    if (!s) return db_fail(st, "reading a story's members");
    sqlite3_bind_int64(s, 1, story);
    int64_t *v = NULL;
    size_t cap = 0, k = 0;
    int rc = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                rc = acc_error(ACCORD_ENOMEM, "out of memory");
                break;
            }
            v = nv;
        }
        v[k++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc == 0 && step != SQLITE_DONE) rc = db_fail(st, "reading a story's members");
    if (rc) {
        free(v);
        return rc;
    }
    *rowids = v;
    *n = k;
    return 0;
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
    int32_t event_day;
    float event_conf;
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
        st, "SELECT a.rowid, a.id, a.title, a.text, a.event_date, a.published, sa.event_conf, sa.story, sa.copy_of, "
            "sa.event_day FROM articles a LEFT JOIN story_articles sa ON sa.article = a.rowid");
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
        b->event_day = column_day(s, 9);
        b->event_conf = (float)sqlite3_column_double(s, 6);
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
        if (b->copy_of) {
            for (size_t j = 0; j < i; j++)
                if (docs[j].article == b->copy_of) copy_story = docs[j].new_story;
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
        b->why = why_json(&m);
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
            pending row = {0};
            row.article = docs[i].article;
            row.story = (uint32_t)map[docs[i].new_story];
            row.seq = (int64_t)i + 1;
            json_t *w = json_loads(docs[i].why, 0, NULL);
            row.score = w ? json_real_value(json_object_get(w, "score")) : 0;
            row.created = w ? json_is_true(json_object_get(w, "started_story")) : 0;
            json_decref(w);
            row.day = docs[i].d.day;
            row.soft_day = docs[i].d.soft_day;
            row.soft_conf = docs[i].d.soft_conf;
            row.event_day = docs[i].event_day;
            row.event_conf = docs[i].event_conf;
            row.has_title = docs[i].d.has_title;
            row.copy_of = docs[i].copy_of;
            row.why = docs[i].why;
            row.headline = (char *)docs[i].d.headline;
            row.vlen = cluster_vector_size(&docs[i].d);
            row.vec = malloc(row.vlen ? row.vlen : 1);
            if (!row.vec) rc = acc_error(ACCORD_ENOMEM, "out of memory");
            if (rc == 0) {
                cluster_vector_encode(&docs[i].d, row.vec);
                rc = write_assignment(st, &row);
            }
            free(row.vec);
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
        /* The saved engine no longer matches: the next writer rebuilds it
         * from the members and saves it again. */
        if (rc == 0 && (store_exec(st, "DELETE FROM cluster_postings") || store_exec(st, "DELETE FROM cluster_ring") ||
                        store_exec(st, "DELETE FROM cluster_story_state")))
            rc = db_fail(st, "clearing the saved state");
        if (rc == 0) {
            sqlite3_stmt *q = store_prepare(st, "UPDATE cluster_state SET seq = ?1, saved_seq = NULL WHERE k = 1");
            if (!q) rc = db_fail(st, "updating the state");
            else {
                sqlite3_bind_int64(q, 1, (int64_t)n);
                if (sqlite3_step(q) != SQLITE_DONE) rc = db_fail(st, "updating the state");
                sqlite3_reset(q);
            }
        }
        if (rc == 0) {
            if (store_release(st) != 0) rc = db_fail(st, "finishing the rewrite");
        } else {
            store_rollback_savepoint(st);
        }
        if (cs) state_reset(cs);
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
