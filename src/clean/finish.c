/* finish.c - assembling a clean result: the text, and its three dates.
 *
 * The given date is kept as given. The publication date comes from page
 * metadata when there is any; otherwise it is the given date if the text
 * agrees with it, else the day inferred from the text's own time
 * expressions (captions excluded: a photo's date is not the article's, but
 * the article is not older than its photo). Inference never reads the
 * clock: its latest possible day is the caller's reference date (the day
 * the article is known by: fetched, first ingested), and without one only
 * the text's own explicit dates place it. The event date is the past day
 * the text's expressions point at most, resolved against the publication
 * date, else against the reference date (source "reference"). A given date
 * that the text contradicts is flagged with the reason. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean_internal.h"
#include "dates.h"
#include "text/text.h"

static const char *day_str(arena *a, date_day d)
{
    if (d == DATE_NONE) return NULL;
    char b[11];
    date_format(d, b);
    return arena_strdup(a, b);
}

/* The latest explicit day mentioned in the captions. */
static date_day caption_day(clean_ctx *c)
{
    date_day best = DATE_NONE;
    for (size_t i = 0; i < c->captions.n; i++) {
        date_expr *ex;
        size_t n;
        const char *s = c->captions.v[i];
        if (date_find(c->a, s, strlen(s), &ex, &n)) return best;
        for (size_t k = 0; k < n; k++) {
            if (ex[k].kind != DATE_EXPR_FULL) continue;
            date_day d = date_from_ymd(ex[k].year, ex[k].month, ex[k].day);
            if (d != DATE_NONE && (best == DATE_NONE || d > best)) best = d;
        }
    }
    return best;
}

bool clean_learned_overreach(const clean_result *r)
{
    size_t learned = 0;
    for (size_t i = 0; i < r->n_removed; i++)
        if (r->removed[i].reason && !strncmp(r->removed[i].reason, "learned-boilerplate", 19))
            learned += strlen(r->removed[i].text);
    return learned > 0 && r->len < 40;
}

int clean_finish(clean_ctx *c, const char *given_date, const char *reference_date, const char *latest_date,
                 const clean_date *published, const clean_date *modified, clean_result *out)
{
    arena *a = c->a;
    /* text */
    size_t total = 0;
    for (size_t i = 0; i < c->paras.n; i++) total += strlen(c->paras.v[i]) + 1;
    char *text = arena_alloc(a, total + 1);
    if (!text) return -1;
    size_t len = 0;
    for (size_t i = 0; i < c->paras.n; i++) {
        size_t l = strlen(c->paras.v[i]);
        if (len) text[len++] = '\n';
        memcpy(text + len, c->paras.v[i], l);
        len += l;
    }
    text[len] = 0;
    out->text = text;
    out->len = len;
    if (!out->title) out->title = c->title;
    if (!out->author) out->author = c->author;
    out->dateline = c->dateline;
    out->captions = c->captions.v;
    out->n_captions = c->captions.n;
    out->credits = c->credits.v;
    out->n_credits = c->credits.n;
    out->removed = c->removed;
    out->n_removed = c->n_removed;
    if (!out->lang && len > 0) {
        double conf = 0;
        const char *lang = text_language(text, len, &conf);
        if (lang && strcmp(lang, "und") != 0) out->lang = lang;
    }

    /* dates */
    date_day given = given_date ? date_parse_iso(given_date, strlen(given_date)) : DATE_NONE;
    date_day ref = reference_date ? date_parse_iso(reference_date, strlen(reference_date)) : DATE_NONE;
    if (given != DATE_NONE) out->given = (clean_date){day_str(a, given), "header", 1.0};
    if (published && published->value) out->published = *published;
    if (modified && modified->value) out->modified = *modified;

    date_expr *ex;
    size_t nex;
    if (date_find(a, text, len, &ex, &nex)) return -1;
    date_hints h = DATE_HINTS_INIT;
    h.given = given;
    h.not_before = caption_day(c);
    /* With no stated date at all, the latest the text can be (when it was
     * first ingested) bounds the inference, as a stated one would, but is
     * not taken as the publication date. */
    date_day bound = latest_date ? date_parse_iso(latest_date, strlen(latest_date)) : DATE_NONE;
    if (given == DATE_NONE) h.latest = ref != DATE_NONE ? ref : bound;
    date_day pub = out->published.value ? date_parse_iso(out->published.value, strlen(out->published.value))
                                        : DATE_NONE;
    date_inference inf = {DATE_NONE, 0, 0, 0, 0, 0, 0};
    /* The reference date resolves the text when the page gives no date of
     * its own. When the text agrees with it, it is the publication date
     * (source "reference"), as an agreeing given date is; when the text
     * does not, dates resolve against it all the same but the event date
     * is weak and no publication date is reported. */
    double by_reference = 0;
    if (pub == DATE_NONE) {
        if (date_infer_reference(a, text, len, ex, nex, &h, &inf)) return -1;
        bool ref_agrees = given == DATE_NONE && ref != DATE_NONE &&
                          (inf.day == DATE_NONE || labs((long)inf.day - ref) <= 3 ||
                           inf.latest_score >= inf.score - 0.3);
        if (given != DATE_NONE &&
            (inf.day == DATE_NONE || labs((long)inf.day - given) <= 3 || inf.given_score >= inf.score - 0.3)) {
            pub = given;
            out->published = (clean_date){day_str(a, given), "header", 0.7};
        } else if (ref_agrees) {
            /* as a given date the text agrees with */
            pub = ref;
            out->published = (clean_date){day_str(a, ref), "reference", 0.7};
        } else if (given == DATE_NONE && ref != DATE_NONE) {
            /* the text does not confirm it: dates resolve against the
             * reference all the same (years and dates named in passing,
             * "1986 results", "since 2017", do not move a wire of 1987) */
            by_reference = 0.4;
        } else if (inf.day != DATE_NONE && inf.season_confidence >= 0.15) {
            /* a text that cannot even place itself in a season (no year,
             * one month name, weekdays) is left undated rather than
             * dated to a guess */
            pub = inf.day;
            out->published = (clean_date){day_str(a, inf.day), "inferred", inf.confidence};
        }
    }
    date_day base = pub != DATE_NONE ? pub : by_reference > 0 ? ref : DATE_NONE;
    if (base != DATE_NONE) {
        date_inference ev;
        date_event(text, len, ex, nex, base, &ev);
        if (ev.day != DATE_NONE) {
            double conf = ev.confidence;
            const char *base_source = pub != DATE_NONE ? out->published.source : "reference";
            if (pub == DATE_NONE)
                conf *= by_reference;
            else if (!strcmp(out->published.source ? out->published.source : "", "inferred"))
                conf *= out->published.confidence > 0.2 ? 1.0 : 0.5 + out->published.confidence * 2.5;
            else
                conf *= out->published.confidence;
            out->event = (clean_date){day_str(a, ev.day), ev.day == base && ev.score == 0 ? base_source : "inferred",
                                      conf};
        }
    }
    /* flag a given date the text contradicts */
    if (given != DATE_NONE && out->event.value) {
        date_day evd = date_parse_iso(out->event.value, strlen(out->event.value));
        long gap = (long)given - evd;
        bool contradicts = inf.day == DATE_NONE || inf.given_score < inf.score - 0.3 ||
                           (out->published.source && strcmp(out->published.source, "header") != 0);
        if (labs(gap) > 7 && contradicts) out->date_flag = clean_date_flag(a, out->given.value, out->event.value);
    }
    return c->oom ? -1 : 0;
}

char *clean_date_flag(arena *a, const char *given_date, const char *event_date)
{
    if (!given_date || !event_date) return NULL;
    date_day g = date_parse_iso(given_date, strlen(given_date));
    date_day ev = date_parse_iso(event_date, strlen(event_date));
    if (g == DATE_NONE || ev == DATE_NONE) return NULL;
    long gap = (long)g - ev;
    if (labs(gap) <= 7) return NULL;
    char *msg = arena_alloc(a, 160);
    if (msg)
        snprintf(msg, 160, "given date %s is %ld days %s the events reported (%s)", given_date, labs(gap),
                 gap > 0 ? "after" : "before", event_date);
    return msg;
}

int clean_event_date_with_peers(arena *a, const char *text, size_t len, const char *given_date,
                                const char *reference_date, const char *latest_date, const char *const *peer_days,
                                const double *peer_confidence,
                                size_t n_peers, clean_date *out)
{
    *out = (clean_date){NULL, NULL, 0};
    date_day *peers = n_peers ? arena_alloc(a, n_peers * sizeof *peers) : NULL;
    double *conf = n_peers ? arena_alloc(a, n_peers * sizeof *conf) : NULL;
    if (n_peers && (!peers || !conf)) return -1;
    size_t n = 0;
    for (size_t i = 0; i < n_peers; i++) {
        date_day d = peer_days[i] ? date_parse_iso(peer_days[i], strlen(peer_days[i])) : DATE_NONE;
        if (d == DATE_NONE) continue;
        peers[n] = d;
        conf[n++] = peer_confidence ? peer_confidence[i] : 0.5;
    }
    date_expr *ex;
    size_t nex;
    if (date_find(a, text, len, &ex, &nex)) return -1;
    date_hints h = DATE_HINTS_INIT;
    h.given = given_date ? date_parse_iso(given_date, strlen(given_date)) : DATE_NONE;
    date_day stated = reference_date ? date_parse_iso(reference_date, strlen(reference_date)) : DATE_NONE;
    date_day bound = latest_date ? date_parse_iso(latest_date, strlen(latest_date)) : DATE_NONE;
    if (h.given == DATE_NONE) h.latest = stated != DATE_NONE ? stated : bound;
    h.peers = peers;
    h.peer_confidence = conf;
    h.n_peers = n;
    /* as clean_text(): with no given date, the reference is the base, and
     * the peers have nothing to add */
    date_day base = h.given == DATE_NONE ? stated : DATE_NONE;
    double base_conf = 0.4;
    if (base == DATE_NONE) {
        date_inference inf = {DATE_NONE, 0, 0, 0, 0, 0, 0};
        if (date_infer_reference(a, text, len, ex, nex, &h, &inf)) return -1;
        base = inf.day;
        base_conf = inf.confidence;
    }
    if (base == DATE_NONE) return 0;
    date_inference ev;
    date_event(text, len, ex, nex, base, &ev);
    date_day day = ev.day != DATE_NONE ? ev.day : base;
    *out = (clean_date){day_str(a, day), "inferred-with-story", base_conf * (ev.day != DATE_NONE ? ev.confidence : 1)};
    return 0;
}
