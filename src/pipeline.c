/* pipeline.c - see pipeline.h. The stages for one article, in two phases:
 * pipeline_prepare (clean, text, copy sketch, features, extraction: no
 * store, any thread) and pipeline_apply (the article row, then each
 * stage's apply step in pipeline order, then re-dating: the writer, in
 * input order), with the state that only ingest needs opened on demand. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/clean_store.h"
#include "clean/learn.h"
#include "cluster/cluster.h"
#include "dedup/dedup.h"
#include "extract/extract_store.h"
#include "util/buf.h"
#include "util/util.h"

enum { REFINE_MAX_MEMBERS = 64 };

/* An article that cannot date its events by itself ("on Friday", no month
 * or year, no publication date) is weakly dated: it is dated again with the
 * other articles of its story as peers. The peers are the dates each of the
 * story's first REFINE_MAX_MEMBERS members found on its own (own_event),
 * never refined ones, so the result is a function of the story's members
 * and not of the order they arrived in.
 *
 * The step is bounded: it runs only when the new article is one of those
 * first members (the cluster stage lists them from memory) and either is
 * weakly dated itself or has a date of its own (a new peer) while some
 * member may be weakly dated. Then at most 64 rows are read by rowid, and
 * the texts of the weak members only. Otherwise nothing changed for
 * anyone, and nothing is read. */
typedef struct refine_member {
    int64_t rowid;
    const char *text, *given, *current, *own;
    const char *stated, *latest; /* its stated reference date; the latest it can be */
    double conf;
    bool weak;
} refine_member;

static bool is_weak(const pipeline_article *pa)
{
    const clean_result *cr = pa->clean;
    if (!cr || pa->published) return false;
    return cr->event.confidence < 0.6 &&
           (!cr->published.source || strncmp(cr->published.source, "inferred", 8) == 0);
}

static int redate(accord *db, arena *a, const refine_member *m, const refine_member *all, size_t n)
{
    const char **days = arena_alloc(a, n * sizeof *days);
    double *conf = arena_alloc(a, n * sizeof *conf);
    if (!days || !conf) return acc_error(ACCORD_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (all[j].rowid != m->rowid && all[j].own) {
            days[k] = all[j].own;
            conf[k++] = all[j].conf;
        }
    if (k == 0 || !m->text) return 0;
    clean_date ev;
    if (clean_event_date_with_peers(a, m->text, strlen(m->text), m->given, m->stated, m->latest, days, conf, k,
                                    &ev) != 0)
        return acc_error(ACCORD_ENOMEM, "out of memory");
    if (!ev.value || (m->current && !strcmp(ev.value, m->current))) return 0;
    /* A flagged given date is now measured against the refined date. */
    sqlite3_stmt *u = store_prepare(
        db->st, "UPDATE articles SET event_date = ?1, meta = CASE WHEN json_extract(meta, '$.date_flag') "
                "IS NOT NULL AND ?3 IS NOT NULL THEN json_set(meta, '$.date_flag', ?3) ELSE meta END "
                "WHERE rowid = ?2");
    if (!u) return ACCORD_EINTERNAL;
    sqlite3_bind_text(u, 1, ev.value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 2, m->rowid);
    char *flag = clean_date_flag(a, m->given, ev.value);
    if (flag) sqlite3_bind_text(u, 3, flag, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(u) == SQLITE_DONE ? 0 : acc_error(ACCORD_EINTERNAL, "updating an event date");
    sqlite3_reset(u);
    /* A weakly dated article's time expressions are anchored on its event
     * date (pipeline_prepare): they follow it. */
    if (rc == 0) rc = extract_store_redate(db->st, m->rowid, ev.value);
    return rc;
}

static int refine_story_dates(accord *db, const pipeline_article *pa)
{
    bool weak = is_weak(pa);
    bool peer = pa->clean && ((const clean_result *)pa->clean)->event.value;
    if (!weak && !peer) return 0;
    /* The story's first members, in the order they arrived, from the
     * cluster stage's memory: nothing is read unless one of them can be
     * weakly dated (no sure day of its own) and this article changes
     * something for it. */
    const cluster_member *cm = NULL;
    size_t n_all = 0;
    int rc = cluster_members(db->cluster_state, pa->story.story, &cm, &n_all);
    if (rc != 0) return rc;
    size_t n = n_all < REFINE_MAX_MEMBERS ? n_all : REFINE_MAX_MEMBERS;
    bool among = false, maybe_weak = false;
    for (size_t i = 0; i < n; i++) {
        if (cm[i].article == pa->rowid) among = true;
        else if (cm[i].event_day == CLUSTER_NO_DAY || cm[i].event_conf < 0.6f) maybe_weak = true;
    }
    if (!among || n < 2 || (!weak && !maybe_weak)) return 0;
    sqlite3_stmt *s = store_prepare(
        db->st, "SELECT date_weak, given_date, event_date, own_event, own_conf, coalesce(published, given_date), "
                "coalesce(fetched, first_seen) FROM articles WHERE rowid = ?1");
    if (!s) return ACCORD_EINTERNAL;
    arena a;
    arena_init(&a);
    refine_member *m = arena_alloc(&a, REFINE_MAX_MEMBERS * sizeof *m);
    size_t n_weak = 0;
    if (!m) rc = acc_error(ACCORD_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        refine_member *x = &m[i];
        memset(x, 0, sizeof *x);
        x->rowid = cm[i].article;
        sqlite3_bind_int64(s, 1, x->rowid);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW) {
            x->weak = sqlite3_column_int(s, 0) != 0;
            x->given = arena_strdup(&a, (const char *)sqlite3_column_text(s, 1));
            x->current = arena_strdup(&a, (const char *)sqlite3_column_text(s, 2));
            x->own = arena_strdup(&a, (const char *)sqlite3_column_text(s, 3));
            x->conf = sqlite3_column_double(s, 4);
            x->stated = arena_strdup(&a, (const char *)sqlite3_column_text(s, 5));
            x->latest = arena_strdup(&a, (const char *)sqlite3_column_text(s, 6));
            if (x->rowid == pa->rowid) x->text = pa->text;
            if (x->weak) n_weak++;
        } else if (step != SQLITE_DONE) {
            rc = acc_error(ACCORD_EINTERNAL, "reading a story's members: %s", sqlite3_errmsg(store_db(db->st)));
        }
        sqlite3_reset(s);
    }
    if (rc == 0 && weak)
        for (size_t i = 0; i < n && rc == 0; i++)
            if (m[i].rowid == pa->rowid) rc = redate(db, &a, &m[i], m, n);
    if (rc == 0 && peer && n_weak > (weak ? 1u : 0u)) {
        /* A new peer: the weak members' texts are read, and only theirs. */
        sqlite3_stmt *t = store_prepare(db->st, "SELECT text FROM articles WHERE rowid = ?1");
        if (!t) rc = ACCORD_EINTERNAL;
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (!m[i].weak || m[i].rowid == pa->rowid) continue;
            sqlite3_bind_int64(t, 1, m[i].rowid);
            if (sqlite3_step(t) == SQLITE_ROW) m[i].text = arena_strdup(&a, (const char *)sqlite3_column_text(t, 0));
            sqlite3_reset(t);
            rc = redate(db, &a, &m[i], m, n);
        }
    }
    arena_free(&a);
    return rc;
}

int pipeline_open(accord *db)
{
    db->stemmer = text_stemmer_new("en");
    if (!db->stemmer) return acc_error(ACCORD_ENOMEM, "out of memory");
    /* Stage state: each stage opens its own here; state only ingest needs
     * is read when ingest starts (pipeline_ingest_state). */
    return cluster_open(db);
}

int pipeline_ingest_state(accord *db)
{
    /* Tables the workers share, built before any of them starts. */
    int xrc = extract_init();
    if (xrc != 0) return xrc;
    if (!db->clean_state) {
        clean_learn *L = NULL;
        int rc = clean_learn_open(db->st, &L);
        if (rc != 0) return rc;
        db->clean_state = L;
    }
    if (!db->dedup_state) {
        dedup_state *ds = NULL;
        int rc = dedup_state_open(db->st, &ds);
        if (rc != 0) return rc;
        db->dedup_state = ds;
    }
    return 0;
}

void pipeline_close(accord *db)
{
    /* Stage state: each stage closes its own here, in reverse order. */
    cluster_close(db);
    dedup_state_free(db->dedup_state);
    db->dedup_state = NULL;
    clean_learn_free(db->clean_state);
    db->clean_state = NULL;
    text_stemmer_free(db->stemmer);
    db->stemmer = NULL;
}

int pipeline_reset(accord *db)
{
    pipeline_close(db);
    return pipeline_open(db);
}

static bool same_source(const char *x, const char *y)
{
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* The outlet's learned boilerplate as prepare will see it: a copy in the
 * article's arena (the writer goes on observing while workers prepare). */
static int take_view(accord *db, pipeline_article *pa, const pipeline_article *same)
{
    if (same) {
        pa->learned = same->learned;
        pa->learned_version = same->learned_version;
        return 0;
    }
    clean_learned v;
    clean_learn_view(db->clean_state, pa->raw->source, &v, &pa->learned_version);
    pa->learned.n_keys = v.n_keys;
    pa->learned.keys = NULL;
    if (v.n_keys) {
        uint64_t *k = arena_alloc(pa->a, v.n_keys * sizeof *k);
        if (!k) return acc_error(ACCORD_ENOMEM, "out of memory");
        memcpy(k, v.keys, v.n_keys * sizeof *k);
        pa->learned.keys = k;
    }
    return 0;
}

int pipeline_views(accord *db, pipeline_article *const *pa, size_t n)
{
    /* One copy per outlet of the batch: later articles of the outlet
     * share the first one's (it lives as long as the batch). */
    for (size_t i = 0; i < n; i++) {
        pa[i]->dedup_config = *dedup_state_config(db->dedup_state);
        const char *src = pa[i]->raw->source;
        size_t j = i;
        while (j > 0 && !same_source(src, pa[j - 1]->raw->source)) j--;
        int rc = take_view(db, pa[i], j > 0 ? pa[j - 1] : NULL);
        if (rc != 0) return rc;
    }
    return 0;
}

static void refuse(pipeline_article *pa, int code, const char *msg)
{
    pa->status = code;
    snprintf(pa->error, sizeof pa->error, "%s", msg);
}

/* The reference date before cleaning: what the article came with, else the
 * time it was first ingested. Clean prefers a publication date it finds in
 * the page's own metadata. */
/* The dates an article's own dates resolve against: a stated one (its
 * publication date, else the date it was given with), and the latest it
 * can be (when it was fetched, else first ingested): an upper bound only,
 * never taken as its publication date. */
static const char *stated_reference(const raw_article *raw)
{
    return raw->published ? raw->published : raw->given_date;
}

static const char *latest_possible(const raw_article *raw, const char *first_seen)
{
    return raw->fetched ? raw->fetched : first_seen;
}

void pipeline_prepare(accord *db, pipeline_worker *w, pipeline_article *pa)
{
    (void)db;
    const raw_article *raw = pa->raw;
    if (pa->unchanged) return;
    arena *a = pa->a;
    pa->id = raw->id;
    pa->title = raw->title;
    pa->source = raw->source;
    pa->url = raw->url;
    pa->given_date = raw->given_date;
    pa->published = raw->published;

    /* clean: main text and metadata; junk out with its reasons, the
     * outlet's learned boilerplate too; dates worked out. */
    clean_result *cr = arena_alloc(a, sizeof *cr);
    if (!cr) return refuse(pa, ACCORD_ENOMEM, "out of memory cleaning the article");
    const clean_learned *learned = &pa->learned;
    const char *stated = stated_reference(raw), *latest = latest_possible(raw, pa->first_seen);
    int crc = raw->is_html ? clean_html_learned(a, raw->body, raw->body_len, raw->url, raw->given_date, stated,
                                                latest, raw->source, learned, cr)
                           : clean_text_learned(a, raw->body, raw->body_len, raw->given_date, stated, latest,
                                                raw->source, learned, cr);
    if (crc != 0)
        return refuse(pa, crc == -1 ? ACCORD_ENOMEM : ACCORD_EINPUT,
                      crc == -1 ? "out of memory cleaning the article" : "the article could not be cleaned");
    pa->clean = cr;
    if (!pa->title) pa->title = cr->title;
    pa->author = raw->author ? raw->author : cr->author;
    if (!pa->published && cr->published.value && cr->published.source &&
        strcmp(cr->published.source, "inferred") != 0)
        pa->published = cr->published.value;
    pa->event_date = cr->event.value;
    pa->event_confidence = cr->event.confidence;
    pa->ref_date = pa->published ? pa->published : stated ? stated : latest;

    /* text: normalise for storage, analyse. */
    buf nfc = BUF_INIT;
    if (text_nfc(cr->text, cr->len, &nfc) != 0 || buf_failed(&nfc)) {
        buf_free(&nfc);
        return refuse(pa, ACCORD_ENOMEM, "out of memory normalising the text");
    }
    pa->len = nfc.len;
    pa->text = arena_strndup(a, buf_cstr(&nfc), nfc.len);
    buf_free(&nfc);
    if (!pa->text) return refuse(pa, ACCORD_ENOMEM, "out of memory normalising the text");
    if (pa->len == 0) return refuse(pa, ACCORD_EINPUT, "no article text left after cleaning");
    pa->lang = raw->lang ? raw->lang : text_language(pa->text, pa->len, NULL);
    pa->clean_meta = clean_result_json(cr, false);
    if (!pa->clean_meta) return refuse(pa, ACCORD_ENOMEM, "out of memory describing the article");
    if (text_analyze(a, pa->text, pa->len, &pa->doc) != 0)
        return refuse(pa, ACCORD_ENOMEM, "out of memory analysing the text");

    /* dedup: shingles, signature, bands and sentence fingerprints. */
    if (dedup_prepare(a, &pa->dedup_config, pa->text, pa->len, &pa->doc, &pa->dd) != 0)
        return refuse(pa, ACCORD_ENOMEM, "out of memory preparing the copy index");

    /* cluster: the article's features (what needs no corpus statistics). */
    if (cluster_prepare(a, w->stemmer, pa->title, &pa->doc, &pa->features) != 0)
        return refuse(pa, ACCORD_ENOMEM, "out of memory finding features");

    /* extract: entities, quotes, quantities, time expressions. An article
     * with a date of its own resolves them against it; one without resolves
     * them against the date of the events it reports (re-dating moves them
     * with it), and only failing that against when it was first ingested. */
    pa->anchor = pa->published ? pa->published
                 : pa->event_date ? pa->event_date
                                  : pa->ref_date;
    if (extract_article(a, &pa->doc, pa->anchor, &pa->ex) != 0)
        return refuse(pa, ACCORD_ENOMEM, "extract: out of memory");
}

int pipeline_apply(accord *db, pipeline_worker *w, pipeline_article *pa, accord_event_kind *kind)
{
    (void)w;
    int rc = 0;
    if (pa->unchanged) { /* the same input as stored: nothing changes */
        *kind = ACCORD_EVENT_SAME;
        pa->outcome = STORE_PUT_SAME;
        return 0;
    }
    /* The outlet's learned boilerplate changed since the article was
     * prepared (an epoch ended in between): prepare it again, so that what
     * it sees depends on the articles stored before it, not on where the
     * batch began or how many threads there are. */
    if (clean_learn_version(db->clean_state, pa->source) != pa->learned_version) {
        free(pa->clean_meta);
        pa->clean_meta = NULL;
        pa->status = 0;
        rc = take_view(db, pa, NULL);
        if (rc != 0) return rc;
        pipeline_prepare(db, w, pa);
        if (pa->status != 0) {
            *kind = ACCORD_EVENT_ERROR;
            return 0;
        }
    }
    const clean_result *cr = pa->clean;
    /* store */
    store_article sa = {
        .id = pa->id, .source = pa->source, .url = pa->url, .title = pa->title,
        .author = pa->author, .given_date = pa->given_date, .published = pa->published,
        .fetched = pa->raw->fetched, .event_date = pa->event_date, .lang = pa->lang,
        .text = pa->text, .text_len = pa->len, .meta_json = pa->clean_meta,
        .extra_json = pa->raw->extra_json, .origin = pa->raw->file,
        .repaired_bytes = pa->raw->repaired_bytes, .first_seen = pa->first_seen,
        .own_event = cr->event.value, .own_conf = cr->event.confidence, .date_weak = is_weak(pa),
        .raw_hash = pa->raw_hash,
    };
    rc = store_article_put(db->st, &sa, &pa->outcome, &pa->rowid, &pa->version);
    if (rc != 0) return rc;
    *kind = pa->outcome == STORE_PUT_NEW ? ACCORD_EVENT_NEW
            : pa->outcome == STORE_PUT_SAME ? ACCORD_EVENT_SAME
                                            : ACCORD_EVENT_VERSION;
    if (pa->outcome == STORE_PUT_SAME) return 0;

    /* clean: the article counts towards its outlet's learned boilerplate. */
    rc = clean_learn_observe(db->clean_state, pa->source, cr);
    if (rc != 0) return rc;

    /* dedup: copy pairs and shared passages with the articles stored so far. */
    rc = dedup_apply(db->dedup_state, db->st, pa->rowid, &pa->dd, &pa->copies);
    if (rc != 0) return rc;

    /* extract: the rows of what prepare found. */
    rc = extract_store_result(db->st, pa->rowid, &pa->ex);
    if (rc != 0) return rc;

    /* cluster: the article joins its story or starts one. */
    cluster_input in = {
        .rowid = pa->rowid, .published = pa->published, .given_date = pa->given_date,
        .event_date = pa->event_date, .event_confidence = pa->event_confidence,
        .copy_of = pa->copies.copy_of, .features = &pa->features,
    };
    rc = cluster_apply(db->cluster_state, pa->a, &in, &pa->story);
    if (rc != 0) return rc;

    /* clean, again: the story's weakly dated articles, dated with its others. */
    return refine_story_dates(db, pa);
}

uint64_t pipeline_until_view_change(accord *db, uint64_t ahead)
{
    if (!db->clean_state) return UINT64_MAX;
    uint64_t at = clean_learn_observed(db->clean_state) + ahead;
    return clean_learn_next_boundary(at + 1) - at;
}

int pipeline_batch_begin(accord *db)
{
    int rc = 0;
    /* Another writer stored articles meanwhile: what the stages hold in
     * memory is read again, so that this batch sees them. */
    if (store_changed_elsewhere(db->st)) {
        rc = pipeline_reset(db);
        if (rc == 0) rc = pipeline_ingest_state(db);
    }
    if (rc == 0) rc = cluster_state_sync(db->cluster_state, db->st);
    return rc;
}

int pipeline_flush(accord *db)
{
    int rc = clean_learn_flush(db->clean_state, db->st);
    if (rc == 0) rc = dedup_flush(db->dedup_state, db->st);
    if (rc == 0) rc = cluster_flush(db->cluster_state, db->st);
    return rc;
}
