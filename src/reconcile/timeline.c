/* timeline.c - dated events across the stories of a storyline.
 *
 * Each article gets a reference day: the day it was written (given, or
 * worked out from its own time expressions by the clean stage's
 * date_infer_reference()). Each of its sentences' time expressions is
 * resolved against that day; an expression that pins a day, a week or a
 * month makes the sentence a dated event. Per story the most central events
 * are kept (one per group of matching sentences, so a wire copy carried by
 * three outlets is one event citing three), and the storyline's events are
 * listed by date, then story, then centrality. */
#include <string.h>

#include "accord.h"
#include "clean/dates.h"
#include "reconcile/reconcile_int.h"

/* The day each article was written: its own date when it has one, else
 * worked out from its text, pulled towards the days of the other articles
 * of the story (an article that only says "on Friday" is dated by its
 * neighbours). */
int rec_reference_days(arena *a, reconcile *r)
{
    size_t n = r->n_articles;
    r->ref_day = arena_alloc(a, (n ? n : 1) * sizeof *r->ref_day);
    date_day *peers = arena_alloc(a, (n ? n : 1) * sizeof *peers);
    double *conf = arena_alloc(a, (n ? n : 1) * sizeof *conf);
    if (!r->ref_day || !peers || !conf) return ACCORD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const rec_article *art = &r->articles[i];
        r->ref_day[i] = art->ref_date ? date_parse_iso(art->ref_date, strlen(art->ref_date)) : DATE_NONE;
    }
    /* Each alone first; then each again, pulled towards the others of its
     * story by their confidence (a story reports one event, so its articles
     * were written within days of each other). */
    double *own = arena_alloc(a, (n ? n : 1) * sizeof *own);
    if (!own) return ACCORD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        own[i] = r->ref_day[i] != DATE_NONE ? 1.0 : 0.0;
        if (r->ref_day[i] != DATE_NONE) continue;
        const rec_article *art = &r->articles[i];
        date_inference inf;
        date_hints h = DATE_HINTS_INIT;
        if (art->given_date) h.given = date_parse_iso(art->given_date, strlen(art->given_date));
        if (date_infer_reference(a, art->text, art->len, NULL, 0, &h, &inf) != 0) return ACCORD_ENOMEM;
        if (inf.day != DATE_NONE) {
            r->ref_day[i] = inf.day;
            own[i] = inf.confidence;
        }
    }
    date_day *first = arena_alloc(a, (n ? n : 1) * sizeof *first);
    if (!first) return ACCORD_ENOMEM;
    memcpy(first, r->ref_day, n * sizeof *first);
    for (size_t i = 0; i < n; i++) {
        if (own[i] >= 1.0) continue; /* given */
        const rec_article *art = &r->articles[i];
        size_t np = 0;
        for (size_t k = 0; k < n; k++) {
            if (k == i || first[k] == DATE_NONE || r->articles[k].story != art->story) continue;
            peers[np] = first[k];
            conf[np++] = 0.5 + 0.5 * own[k]; /* a neighbour's day counts even when unsure */
        }
        if (np == 0) continue;
        date_inference inf;
        date_hints h = DATE_HINTS_INIT;
        if (art->given_date) h.given = date_parse_iso(art->given_date, strlen(art->given_date));
        h.peers = peers;
        h.peer_confidence = conf;
        h.n_peers = np;
        if (date_infer_reference(a, art->text, art->len, NULL, 0, &h, &inf) != 0) return ACCORD_ENOMEM;
        r->ref_day[i] = inf.day != DATE_NONE ? inf.day : peers[0];
    }
    for (size_t i = 0; i < n; i++)
        if (r->ref_day[i] == DATE_NONE && r->articles[i].date)
            r->ref_day[i] = date_parse_iso(r->articles[i].date, strlen(r->articles[i].date));
    return 0;
}

static int cmp_event(const void *x, const void *y, void *ctx)
{
    const reconcile *r = ctx;
    const rec_event *a = x, *b = y;
    if (a->first_day != b->first_day) return a->first_day < b->first_day ? -1 : 1;
    if (a->precision != b->precision) return a->precision < b->precision ? -1 : 1;
    if (a->story != b->story) return a->story < b->story ? -1 : 1;
    if (a->sentence == b->sentence) return 0;
    return rec_sentence_before(r, a->sentence, b->sentence) ? -1 : 1;
}

static int cmp_event_central(const void *x, const void *y, void *ctx)
{
    const reconcile *r = ctx;
    const rec_event *a = x, *b = y;
    if (a->story != b->story) return a->story < b->story ? -1 : 1;
    if (a->sentence != b->sentence) return rec_sentence_before(r, a->sentence, b->sentence) ? -1 : 1;
    if (a->first_day != b->first_day) return a->first_day < b->first_day ? -1 : 1;
    return a->last_day < b->last_day ? -1 : a->last_day > b->last_day;
}

/* A day, a week, a month: finer classes date a sentence better. */
static int span_class(long span) { return span == 0 ? 0 : span <= 7 ? 1 : 2; }

int rec_timeline(arena *a, const rec_config *cfg, reconcile *r)
{
    size_t cap = 32, n = 0;
    rec_event *ev = arena_alloc(a, cap * sizeof *ev);
    if (!ev) return ACCORD_ENOMEM;
    for (size_t s = 0; s < r->n_sentences; s++) {
        const rec_sentence *rs = &r->sentences[s];
        date_day ref = r->ref_day ? r->ref_day[rs->article] : DATE_NONE;
        if (ref == DATE_NONE || !rs->usable) continue;
        const rec_article *art = &r->articles[rs->article];
        date_expr *ex = NULL;
        size_t ne = 0;
        if (date_find(a, art->text + rs->start, rs->end - rs->start, &ex, &ne) != 0) return ACCORD_ENOMEM;
        /* The most precise expression dates the sentence: an explicit day
         * first, then the shortest span ("Oscar Sunday, March 2" is March 2). */
        size_t best = ne;
        date_day f = DATE_NONE, l = DATE_NONE;
        for (size_t k = 0; k < ne; k++) {
            if (ex[k].narrative) continue;
            date_day kf, kl;
            if (date_resolve(&ex[k], ref, &kf, &kl) != 0) continue;
            long span = (long)kl - (long)kf;
            if (span < 0 || span > 31) continue;
            bool explicit_day = ex[k].kind == DATE_EXPR_FULL || ex[k].kind == DATE_EXPR_MONTH_DAY;
            bool best_explicit = best < ne && (ex[best].kind == DATE_EXPR_FULL || ex[best].kind == DATE_EXPR_MONTH_DAY);
            if (best == ne || (explicit_day && !best_explicit) ||
                (explicit_day == best_explicit && span_class(span) < span_class((long)l - (long)f))) {
                best = k;
                f = kf;
                l = kl;
            }
        }
        for (size_t k = best; k < ne && k == best; k++) {
            long span = (long)l - (long)f;
            if (n == cap) {
                ev = arena_grow(a, ev, cap, cap * 2, sizeof *ev);
                if (!ev) return ACCORD_ENOMEM;
                cap *= 2;
            }
            rec_event *e = &ev[n++];
            e->first_day = f;
            e->last_day = l;
            e->precision = span == 0 ? 1 : 2;
            e->sentence = (uint32_t)s;
            e->story = art->story;
            e->planned = ex[k].future;
            e->expr = arena_strndup(a, art->text + rs->start + ex[k].start, ex[k].end - ex[k].start);
        }
    }
    /* Per story: most central first, one event per group of matching sentences. */
    qsort_r(ev, n, sizeof *ev, cmp_event_central, r);
    size_t m = 0;
    int per_story = 0, story = -1;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].story != story) {
            story = ev[i].story;
            per_story = 0;
        }
        bool dup = false;
        for (size_t k = 0; k < m && !dup; k++)
            dup = ev[k].story == ev[i].story &&
                  r->sentences[ev[k].sentence].group == r->sentences[ev[i].sentence].group;
        if (dup || (cfg->max_timeline > 0 && per_story >= cfg->max_timeline)) continue;
        ev[m++] = ev[i];
        per_story++;
    }
    qsort_r(ev, m, sizeof *ev, cmp_event, r);
    r->events = ev;
    r->n_events = m;
    return 0;
}

/* ---- Times put differently ----------------------------------------------------- */

/* The first forward-pointing time expression of sentence s that resolves
 * (when something is to happen), or false. */
static bool sentence_time(arena *a, const reconcile *r, uint32_t s, const char **expr, date_day *f, date_day *l,
                          date_expr *which)
{
    const rec_sentence *rs = &r->sentences[s];
    date_day ref = r->ref_day[rs->article];
    if (ref == DATE_NONE) return false;
    const rec_article *art = &r->articles[rs->article];
    date_expr *ex = NULL;
    size_t n = 0;
    if (date_find(a, art->text + rs->start, rs->end - rs->start, &ex, &n) != 0) return false;
    /* The most precise one: "Oscar Sunday, March 2" is March 2. */
    size_t best = n;
    date_day bf = DATE_NONE, bl = DATE_NONE;
    for (size_t k = 0; k < n; k++) {
        date_day kf, kl;
        if (ex[k].narrative || !ex[k].future || date_resolve(&ex[k], ref, &kf, &kl) != 0) continue;
        bool explicit_day = ex[k].kind == DATE_EXPR_FULL || ex[k].kind == DATE_EXPR_MONTH_DAY;
        bool best_explicit = best < n && (ex[best].kind == DATE_EXPR_FULL || ex[best].kind == DATE_EXPR_MONTH_DAY);
        if (best == n || kl - kf < bl - bf || (kl - kf == bl - bf && explicit_day && !best_explicit)) {
            best = k;
            bf = kf;
            bl = kl;
        }
    }
    if (best == n) return false;
    *f = bf;
    *l = bl;
    *which = ex[best];
    *expr = arena_strndup(a, art->text + rs->start + ex[best].start, ex[best].end - ex[best].start);
    return *expr != NULL;
}

/* Two outlets tell of the same plan (close TF-IDF vectors) with different
 * times for it: compatible when the days they mean overlap ("this month"
 * and "next week" in mid-April), else they differ. Only forward-pointing
 * expressions count: past events told with different words ("this week",
 * "Thursday") are the timeline's business. */
int rec_time_claims(arena *a, reconcile *r, const rec_work *w)
{
    enum { MAX_TIME_CLAIMS = 8 };
    const double SAME_STATEMENT = 0.3;
    r->time_claims = NULL;
    r->n_time_claims = 0;
    if (!r->ref_day) return 0;
    r->time_claims = arena_calloc(a, MAX_TIME_CLAIMS, sizeof *r->time_claims);
    if (!r->time_claims) return ACCORD_ENOMEM;
    for (size_t e = 0; e < w->n_edges && r->n_time_claims < MAX_TIME_CLAIMS; e++) {
        const rec_edge *ed = &w->edges[e];
        if (ed->from >= ed->to || ed->w < SAME_STATEMENT) continue;
        const rec_sentence *x = &r->sentences[ed->from], *y = &r->sentences[ed->to];
        if (x->article == y->article || r->articles[x->article].story != r->articles[y->article].story) continue;
        const char *ea, *eb;
        date_day fa, la, fb, lb;
        date_expr xa, xb;
        if (!sentence_time(a, r, ed->from, &ea, &fa, &la, &xa) || !sentence_time(a, r, ed->to, &eb, &fb, &lb, &xb))
            continue;
        /* "February 22" and "February 22, 2009" are one day whatever year the
         * article's date made of the first. */
        if (xa.month && xa.day && xa.month == xb.month && xa.day == xb.day && (!xa.year || !xb.year || xa.year == xb.year))
            continue;
        if (!strcasecmp(ea, eb) && fa == fb && la == lb) continue; /* said the same way */
        if (fa == fb && la == lb) continue;                          /* "Friday" and "April 18" */
        rec_time_claim *c = &r->time_claims[r->n_time_claims++];
        bool a_first = r->rank[x->article] <= r->rank[y->article];
        c->sentence_a = a_first ? ed->from : ed->to;
        c->sentence_b = a_first ? ed->to : ed->from;
        c->expr_a = a_first ? ea : eb;
        c->expr_b = a_first ? eb : ea;
        c->first_a = a_first ? fa : fb;
        c->last_a = a_first ? la : lb;
        c->first_b = a_first ? fb : fa;
        c->last_b = a_first ? lb : la;
        c->compatible = !(la < fb || lb < fa);
    }
    return 0;
}
