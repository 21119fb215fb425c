/* reconcile_json.c - a finished reconcile as JSON, and a story's articles
 * loaded from the store and reconciled at read time.
 *
 * Reconcile persists nothing: when a story is read, its articles' texts are
 * analysed again (sentences are not stored) and what the extract stage
 * stored for them (quotes, quantities, mentions) is read through its read
 * function, so the verdicts follow the current members of the story.
 *
 * Keys added to the story object (docs/JSON.md):
 *   "summary": [{"text", "article", "articles", "first", "centrality"}]
 *   "facts": [{"measure", "where", "when", "event", "verdict", "separate_from",
 *              "low", "high", "first", "reports": [{"article", "date", "says",
 *              "value", "bound", "sentence"}]}]
 *   "quotes": [{"speaker", "role", "text", "articles", "first",
 *               "versions": [{"article", "text"}]}]
 *   "claims_in_tension": [{"about", "a": {"who", "article", "sentence"}, "b": {...}}]
 *   "outlet_additions": [{"article", "source", "sentences": [{"text", "centrality"}]}]
 *   "shared_passages": [{"text", "articles", "first"}]
 *   "timeline": [{"date", "until", "precision", "story", "planned", "expr", "text",
 *                 "article", "articles"}]
 *   "outlet_labels": {article id: short label}
 * Articles are cited by id. */
#include <math.h>
#include <string.h>

#include "accord.h"
#include "clean/dates.h"
#include "extract/extract.h"
#include "extract/extract_store.h"
#include "reconcile/reconcile_int.h"
#include "store/store.h"
#include "util/json.h"

static json_t *span_text(const rec_article *art, uint32_t start, uint32_t end)
{
    if (end > art->len) end = (uint32_t)art->len;
    if (start > end) start = end;
    return json_stringn(art->text + start, end - start);
}

static json_t *sentence_text(const reconcile *r, uint32_t s)
{
    const rec_sentence *rs = &r->sentences[s];
    return span_text(&r->articles[rs->article], rs->start, rs->end);
}

static json_t *doc_sentence_text(const rec_article *art, uint32_t k)
{
    if (k >= art->doc.n_sentences) return json_null();
    return span_text(art, art->doc.sentences[k].start, art->doc.sentences[k].end);
}

static json_t *id_of(const reconcile *r, uint32_t a) { return acc_json_str(r->articles[a].id); }

static json_t *ids_of(const reconcile *r, const uint32_t *v, size_t n)
{
    json_t *arr = json_array();
    /* Cited in date order, so the first carrier leads. */
    for (size_t o = 0; o < r->n_articles; o++)
        for (size_t k = 0; k < n; k++)
            if (v[k] == r->order[o]) json_array_append_new(arr, id_of(r, v[k]));
    return arr;
}

static json_t *carriers_json(const reconcile *r, uint32_t s)
{
    return ids_of(r, r->sentences[s].carriers, r->sentences[s].n_carriers);
}

static json_t *number(double v)
{
    if (isinf(v) || isnan(v)) return json_null();
    if (v == floor(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

int reconcile_to_json(const reconcile *r, json_t *obj)
{
    json_t *summary = json_array();
    for (size_t i = 0; i < r->n_summary; i++) {
        uint32_t s = r->summary[i];
        json_array_append_new(summary,
                              json_pack("{s:o, s:o, s:o, s:o, s:f}", "text", sentence_text(r, s), "article",
                                        id_of(r, r->sentences[s].article), "articles", carriers_json(r, s),
                                        "first", id_of(r, reconcile_first_carrier(r, s)), "centrality",
                                        r->sentences[s].centrality));
    }
    json_object_set_new(obj, "summary", summary);

    json_t *facts = json_array();
    for (size_t i = 0; i < r->n_facts; i++) {
        const rec_fact *f = &r->facts[i];
        json_t *reps = json_array();
        for (size_t k = 0; k < f->n_reports; k++) {
            const rec_article *art = &r->articles[f->reports[k].article];
            const rec_quantity *q = &art->quantities[f->reports[k].quantity];
            json_array_append_new(
                reps, json_pack("{s:o, s:o, s:o, s:o, s:s, s:o, s:o}", "article", acc_json_str(art->id), "date",
                                acc_json_str(r->date_key[f->reports[k].article]), "says", acc_json_str(q->text), "value", number(q->value),
                                "bound", extract_bound_name(q->bound), "unit", acc_json_str(q->unit), "sentence",
                                doc_sentence_text(art, q->sentence)));
        }
        json_array_append_new(
            facts, json_pack("{s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "measure",
                             acc_json_str(f->measure), "where", acc_json_str(f->where), "when",
                             acc_json_str(f->when), "event", acc_json_str(f->event), "verdict",
                             reconcile_verdict_name(f->verdict), "separate_from",
                             f->separate_from >= 0 ? json_integer(f->separate_from) : json_null(), "low",
                             f->verdict == REC_CONFLICT ? json_null() : number(f->low), "high",
                             f->verdict == REC_CONFLICT ? json_null() : number(f->high), "first",
                             id_of(r, f->first), "reports", reps));
    }
    json_object_set_new(obj, "facts", facts);

    json_t *quotes = json_array();
    for (size_t i = 0; i < r->n_quotes; i++) {
        const rec_quote_group *g = &r->quotes[i];
        json_t *vers = json_array();
        for (size_t k = 0; k < g->n_members; k++) {
            const rec_article *art = &r->articles[g->members[k].article];
            const rec_quote *q = &art->quotes[g->members[k].quantity];
            json_array_append_new(vers, json_pack("{s:o, s:o, s:o}", "article", acc_json_str(art->id), "text",
                                                  acc_json_str(q->text), "speaker", acc_json_str(q->speaker)));
        }
        json_array_append_new(quotes, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "speaker", acc_json_str(g->speaker),
                                                "role", acc_json_str(g->role), "text", acc_json_str(g->text),
                                                "articles", ids_of(r, g->articles, g->n_articles), "first",
                                                id_of(r, g->first), "versions", vers));
    }
    json_object_set_new(obj, "quotes", quotes);

    json_t *claims = json_array();
    for (size_t i = 0; i < r->n_claims; i++) {
        const rec_claim *c = &r->claims[i];
        json_array_append_new(
            claims, json_pack("{s:o, s:{s:o, s:o, s:o}, s:{s:o, s:o, s:o}}", "about", acc_json_str(c->about), "a",
                              "who", acc_json_str(c->who_a), "article", id_of(r, c->article_a), "sentence",
                              doc_sentence_text(&r->articles[c->article_a], c->sentence_a), "b", "who",
                              acc_json_str(c->who_b), "article", id_of(r, c->article_b), "sentence",
                              doc_sentence_text(&r->articles[c->article_b], c->sentence_b)));
    }
    for (size_t i = 0; i < r->n_time_claims; i++) {
        const rec_time_claim *c = &r->time_claims[i];
        char fa[11], la[11], fb[11], lb[11];
        date_format(c->first_a, fa);
        date_format(c->last_a, la);
        date_format(c->first_b, fb);
        date_format(c->last_b, lb);
        uint32_t sa = c->sentence_a, sb = c->sentence_b;
        json_array_append_new(
            claims, json_pack("{s:s, s:s, s:{s:o, s:o, s:o, s:s, s:s, s:s}, s:{s:o, s:o, s:o, s:s, s:s, s:s}}",
                              "about", "when", "verdict", c->compatible ? "compatible, stated differently" : "differ",
                              "a", "who", json_null(), "article", id_of(r, r->sentences[sa].article), "sentence",
                              sentence_text(r, sa), "says", c->expr_a, "from", fa, "to", la, "b", "who", json_null(),
                              "article", id_of(r, r->sentences[sb].article), "sentence", sentence_text(r, sb), "says",
                              c->expr_b, "from", fb, "to", lb));
    }
    json_object_set_new(obj, "claims_in_tension", claims);

    json_t *adds = json_array();
    for (size_t o = 0; o < r->n_articles; o++) {
        uint32_t a = r->order[o];
        json_t *sents = json_array();
        for (size_t k = 0; r->additions && k < r->n_additions[a]; k++) {
            uint32_t s = r->additions[a][k];
            json_array_append_new(sents, json_pack("{s:o, s:f}", "text", sentence_text(r, s), "centrality",
                                                   r->sentences[s].centrality));
        }
        json_array_append_new(adds, json_pack("{s:o, s:o, s:o}", "article", id_of(r, a), "source",
                                              acc_json_str(r->articles[a].source), "sentences", sents));
    }
    json_object_set_new(obj, "outlet_additions", adds);

    json_t *shared = json_array();
    for (size_t i = 0; i < r->n_shared && i < 20; i++) {
        uint32_t s = r->shared[i];
        json_array_append_new(shared, json_pack("{s:o, s:o, s:o}", "text", sentence_text(r, s), "articles",
                                                carriers_json(r, s), "first",
                                                id_of(r, reconcile_first_carrier(r, s))));
    }
    json_object_set_new(obj, "shared_passages", shared);

    json_t *tl = json_array();
    for (size_t i = 0; i < r->n_events; i++) {
        const rec_event *e = &r->events[i];
        char d1[11], d2[11];
        date_format(e->first_day, d1);
        date_format(e->last_day, d2);
        uint32_t s = e->sentence;
        json_array_append_new(
            tl, json_pack("{s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o}", "date", d1, "until", d2, "precision",
                          e->precision == 1 ? "day" : "span", "story", e->story, "planned", e->planned, "expr", acc_json_str(e->expr),
                          "text", sentence_text(r, s), "article", id_of(r, r->sentences[s].article), "articles",
                          carriers_json(r, s)));
    }
    json_object_set_new(obj, "timeline", tl);

    json_t *labels = json_object();
    for (size_t i = 0; i < r->n_articles; i++) {
        const rec_article *art = &r->articles[i];
        if (!art->id) continue;
        char lab[64];
        if (art->source && *art->source) snprintf(lab, sizeof lab, "%.40s", art->source);
        else snprintf(lab, sizeof lab, "%.6s", art->id);
        json_object_set_new(labels, art->id, json_string(lab));
    }
    json_object_set_new(obj, "outlet_labels", labels);
    return 0;
}

/* ---- From the store ------------------------------------------------------------- */

/* Loads articles by id (missing ids are skipped) with what the extract
 * stage stored for them (quotes, quantities, mentions), and analyses their
 * texts (sentences are not stored). Nothing is extracted again. */
static int load_articles(store *st, arena *a, const char *const *ids, const int *stories, size_t n,
                         rec_article **out, size_t *n_out)
{
    rec_article *arts = arena_calloc(a, n ? n : 1, sizeof *arts);
    int64_t *rowids = arena_calloc(a, n ? n : 1, sizeof *rowids);
    if (!arts || !rowids) return ACCORD_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = store_prepare(st, "SELECT id, source, title, published, event_date, given_date, text, rowid "
                                            "FROM articles WHERE id = ?");
        if (!s) return ACCORD_EINTERNAL;
        sqlite3_bind_text(s, 1, ids[i], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_ROW) {
            sqlite3_reset(s);
            continue;
        }
#define COL(k) (sqlite3_column_type(s, k) == SQLITE_NULL ? NULL : arena_strdup(a, (const char *)sqlite3_column_text(s, k)))
        rec_article *art = &arts[m];
        art->id = COL(0);
        art->source = COL(1);
        art->title = COL(2);
        const char *pub = COL(3), *ev = COL(4), *given = COL(5);
        art->len = (size_t)sqlite3_column_bytes(s, 6);
        art->text = arena_strndup(a, (const char *)sqlite3_column_text(s, 6), art->len);
        rowids[m] = sqlite3_column_int64(s, 7);
#undef COL
        sqlite3_reset(s);
        if (!art->text) return ACCORD_ENOMEM;
        art->date = pub ? pub : ev ? ev : given;
        art->given_date = given;
        /* A stated publication date fixes the day of writing (the stored
         * "published" is only ever a stated one: an inferred date is kept
         * as the event date); otherwise reconcile weighs the whole story. */
        if (pub && strlen(pub) >= 10) art->ref_date = arena_strndup(a, pub, 10);
        art->story = stories ? stories[i] : 0;
        if (text_analyze(a, art->text, art->len, &art->doc) != 0) return ACCORD_ENOMEM;
        m++;
    }
    extract_result *ex = arena_calloc(a, m ? m : 1, sizeof *ex);
    if (!ex) return ACCORD_ENOMEM;
    int rc = extract_read_results(st, a, rowids, m, ex);
    for (size_t i = 0; i < m && !rc; i++) {
        rc = reconcile_from_extract(a, &arts[i], &ex[i]);
        /* Without a stated date, the day of writing is reconcile's to infer
         * from the whole story (rec_reference_days), which beats the
         * ingest's fallback reference (a given date, the first ingest): the
         * "when" of such an article's quantities is worked out against it. */
        if (!arts[i].ref_date)
            for (size_t k = 0; k < arts[i].n_quantities; k++) arts[i].quantities[k].when = NULL;
    }
    if (rc) return rc;
    *out = arts;
    *n_out = m;
    return 0;
}

int reconcile_story_json(struct store *st, const char *const *ids, const int *stories, size_t n,
                         json_t *story)
{
    arena a;
    arena_init(&a);
    text_stemmer *stem = text_stemmer_new("en");
    rec_article *arts = NULL;
    size_t m = 0;
    int rc = stem ? load_articles(st, &a, ids, stories, n, &arts, &m) : ACCORD_ENOMEM;
    reconcile r;
    rec_config cfg;
    reconcile_config_default(&cfg);
    if (!rc) rc = reconcile_run(&a, arts, m, &cfg, stem, &r);
    if (!rc) rc = reconcile_to_json(&r, story);
    if (!rc) json_object_set_new(story, "summary_label", acc_json_str(reconcile_label(&a, &r)));
    text_stemmer_free(stem);
    arena_free(&a);
    return rc;
}

/* Article ids of a story, in the story's order (day, then arrival), at
 * most max (0: all). This still reads the cluster stage's table: its read
 * function gives members in rowid order, and the story's order decides
 * ties in the summary. */
static int story_ids(store *st, arena *a, int64_t story, int max, const char ***ids, size_t *n)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT a.id FROM story_articles sa JOIN articles a ON a.rowid = sa.article "
                                        "WHERE sa.story = ?1 ORDER BY sa.day NULLS LAST, sa.seq");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, story);
    size_t cap = 16, k = 0;
    const char **v = arena_alloc(a, cap * sizeof *v);
    while (v && sqlite3_step(s) == SQLITE_ROW && (max <= 0 || k < (size_t)max)) {
        if (k == cap) {
            v = arena_grow(a, v, cap, cap * 2, sizeof *v);
            cap *= 2;
            if (!v) break;
        }
        v[k++] = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_reset(s);
    if (!v) return ACCORD_ENOMEM;
    *ids = v;
    *n = k;
    return 0;
}

/* (Read from the cluster stage's table, as above.) The stories of a story's storyline,
 * earliest first (at most max, the story itself always among them); 0
 * stories when it has no storyline. */
static int storyline_stories(store *st, int64_t story, int64_t *out, size_t max, size_t *n)
{
    *n = 0;
    int64_t line = 0;
    sqlite3_stmt *s = store_prepare(st, "SELECT storyline FROM stories WHERE id = ?1");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, story);
    if (sqlite3_step(s) == SQLITE_ROW) line = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (line <= 0) return 0;
    s = store_prepare(st, "SELECT id FROM stories WHERE storyline = ?1 ORDER BY first_day NULLS LAST, id");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, line);
    bool self = false;
    size_t ns = 0;
    while (sqlite3_step(s) == SQLITE_ROW && ns < max) {
        out[ns] = sqlite3_column_int64(s, 0);
        self |= out[ns] == story;
        ns++;
    }
    sqlite3_reset(s);
    if (!self && ns == max) out[ns - 1] = story;
    *n = ns;
    return 0;
}

enum { TIMELINE_MAX_PER_STORY = 12, TIMELINE_MAX_STORIES = 12 };

int reconcile_story_add(struct store *st, int64_t story, json_t *obj)
{
    arena a;
    arena_init(&a);
    const char **ids = NULL;
    size_t n = 0;
    int rc = story_ids(st, &a, story, 0, &ids, &n);
    if (!rc) rc = reconcile_story_json(st, ids, NULL, n, obj);
    if (rc) {
        arena_free(&a);
        return rc;
    }
    /* The timeline runs over the storyline: this story's events beside its
     * siblings' (a bounded sample of each, so a long storyline stays fast). */
    int64_t sib[TIMELINE_MAX_STORIES];
    size_t ns = 0;
    rc = storyline_stories(st, story, sib, TIMELINE_MAX_STORIES, &ns);
    if (rc || ns == 0) {
        arena_free(&a);
        return rc;
    }
    size_t cap = 0, total = 0;
    const char **all = NULL;
    int *which = NULL;
    for (size_t k = 0; k < ns && !rc; k++) {
        const char **v;
        size_t nv;
        rc = story_ids(st, &a, sib[k], TIMELINE_MAX_PER_STORY, &v, &nv);
        if (rc) break;
        if (total + nv > cap) {
            size_t nc = (total + nv) * 2;
            all = arena_grow(&a, all, cap, nc, sizeof *all);
            which = arena_grow(&a, which, cap, nc, sizeof *which);
            if (!all || !which) {
                rc = ACCORD_ENOMEM;
                break;
            }
            cap = nc;
        }
        for (size_t j = 0; j < nv; j++) {
            all[total] = v[j];
            which[total++] = (int)sib[k];
        }
    }
    if (!rc && ns > 1) {
        text_stemmer *stem = text_stemmer_new("en");
        rec_article *arts = NULL;
        size_t m = 0;
        rc = stem ? load_articles(st, &a, all, which, total, &arts, &m) : ACCORD_ENOMEM;
        reconcile r;
        rec_config cfg;
        reconcile_config_default(&cfg);
        if (!rc) rc = reconcile_summarize(&a, arts, m, &cfg, stem, &r);
        if (!rc) rc = rec_timeline(&a, &cfg, &r);
        if (!rc) {
            json_t *tmp = json_object();
            rc = reconcile_to_json(&r, tmp);
            json_object_set(obj, "timeline", json_object_get(tmp, "timeline"));
            /* Labels for the siblings' articles cited by the timeline. */
            json_t *labels = json_object_get(obj, "outlet_labels");
            const char *key;
            json_t *val;
            json_object_foreach(json_object_get(tmp, "outlet_labels"), key, val)
                if (!json_object_get(labels, key)) json_object_set(labels, key, val);
            json_decref(tmp);
        }
        text_stemmer_free(stem);
    }
    arena_free(&a);
    return rc;
}
