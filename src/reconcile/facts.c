/* facts.c - fact verdicts: the figures of one story, grouped when they
 * measure the same thing about the same event, and judged.
 *
 * A report is one quantity with a measure ("killed", "injured", "km2"). Two
 * reports can be one fact when their measures are the same (after folding
 * synonyms: dead, deaths, fatalities are "killed"), their places are the
 * same (a report without a place borrows one that its sentence names), and
 * nothing says the events differ. The events differ when
 *
 *  - the times differ: the quantities' own dates ("in November 2024" against
 *    "in November"), or the day-precise time expressions of their sentences
 *    resolved against the articles' dates (Palm Sunday against Friday);
 *  - the event words differ within one kind: weapon (missile / drone /
 *    shelling / bomb), target (bakery / hospital / market), occasion (Palm
 *    Sunday / Easter / Christmas). Both sentences must name one of that
 *    kind and share none: "a recent missile attack" and "missiles killed
 *    at least 34 during Palm Sunday" stay together; "a bakery was targeted
 *    by drones" is another strike.
 *
 * Reports are placed greedily, earliest article first, into the first group
 * of the same measure and place that they fit with every member of. Each
 * group is judged on the ranges its figures allow (exact 35 is [35, 35],
 * "at least 34" is [34, inf), "about 100" is [90, 110]): one range shared
 * by all is consistent, or agree when the figures are the same; none is a
 * conflict. Of several groups with the same measure and place, the largest
 * is the fact and the others are separate events beside it. */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "accord.h"
#include "clean/dates.h"
#include "reconcile/reconcile_int.h"

const char *reconcile_verdict_name(int v)
{
    switch (v) {
    case REC_AGREE: return "agree";
    case REC_CONSISTENT: return "consistent";
    case REC_CONFLICT: return "conflict";
    case REC_SEPARATE: return "separate event";
    default: return "single";
    }
}

/* ---- Judging ------------------------------------------------------------------ */

static void range_of(double v, int bound, double *lo, double *hi)
{
    const double eps = 1e-9;
    switch (bound) {
    case 1: *lo = v; *hi = INFINITY; break;               /* at least */
    case 2: *lo = v + eps; *hi = INFINITY; break;         /* more than */
    case 3: *lo = v * 0.9; *hi = v - eps; break;          /* nearly */
    case 4: *lo = v * 0.9; *hi = v * 1.1; break;          /* about */
    case 5: *lo = 0; *hi = v; break;                      /* up to */
    case 6: *lo = 0; *hi = v - eps; break;                /* less than */
    default: *lo = v; *hi = v; break;                     /* exact */
    }
}

int reconcile_judge(const double *values, const int *bounds, size_t n, double *low, double *high)
{
    double lo = -INFINITY, hi = INFINITY;
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        double a, b;
        range_of(values[i], bounds[i], &a, &b);
        if (a > lo) lo = a;
        if (b < hi) hi = b;
        if (i && (values[i] != values[0] || bounds[i] != bounds[0])) same = false;
    }
    if (low) *low = lo;
    if (high) *high = hi;
    if (n <= 1) return REC_SINGLE;
    if (same) return REC_AGREE;
    return lo <= hi ? REC_CONSISTENT : REC_CONFLICT;
}

/* ---- Event words ----------------------------------------------------------------- */

enum { CUE_WEAPON, CUE_TARGET, CUE_OCCASION, CUE_KINDS };

typedef struct cue {
    const char *word; /* lower case; a two-word cue holds one space */
    uint8_t kind;
    uint8_t id;       /* synonyms share an id */
    const char *label;
} cue;

static const cue CUES[] = {
    {"missile", CUE_WEAPON, 1, "missile"},   {"missiles", CUE_WEAPON, 1, "missile"},
    {"rocket", CUE_WEAPON, 1, "missile"},    {"rockets", CUE_WEAPON, 1, "missile"},
    {"ballistic", CUE_WEAPON, 1, "missile"}, {"drone", CUE_WEAPON, 2, "drone"},
    {"drones", CUE_WEAPON, 2, "drone"},      {"shahed", CUE_WEAPON, 2, "drone"},
    {"shaheds", CUE_WEAPON, 2, "drone"},     {"uav", CUE_WEAPON, 2, "drone"},
    {"shelling", CUE_WEAPON, 3, "shelling"}, {"artillery", CUE_WEAPON, 3, "shelling"},
    {"shells", CUE_WEAPON, 3, "shelling"},   {"mortar", CUE_WEAPON, 3, "shelling"},
    {"bomb", CUE_WEAPON, 4, "bomb"},         {"bombs", CUE_WEAPON, 4, "bomb"},
    {"bombing", CUE_WEAPON, 4, "bomb"},      {"gunfire", CUE_WEAPON, 5, "gunfire"},
    {"shooting", CUE_WEAPON, 5, "gunfire"},  {"gunman", CUE_WEAPON, 5, "gunfire"},
    {"stabbing", CUE_WEAPON, 6, "stabbing"}, {"knife", CUE_WEAPON, 6, "stabbing"},
    {"earthquake", CUE_WEAPON, 7, "earthquake"}, {"quake", CUE_WEAPON, 7, "earthquake"},
    {"flood", CUE_WEAPON, 8, "flood"},       {"floods", CUE_WEAPON, 8, "flood"},
    {"fire", CUE_WEAPON, 9, "fire"},         {"blaze", CUE_WEAPON, 9, "fire"},
    {"crash", CUE_WEAPON, 10, "crash"},      {"collision", CUE_WEAPON, 10, "crash"},
    {"bakery", CUE_TARGET, 1, "bakery"},     {"hospital", CUE_TARGET, 2, "hospital"},
    {"school", CUE_TARGET, 3, "school"},     {"kindergarten", CUE_TARGET, 3, "school"},
    {"university", CUE_TARGET, 3, "school"}, {"market", CUE_TARGET, 4, "market"},
    {"church", CUE_TARGET, 5, "church"},     {"mosque", CUE_TARGET, 5, "church"},
    {"cathedral", CUE_TARGET, 5, "church"},  {"station", CUE_TARGET, 6, "station"},
    {"train", CUE_TARGET, 7, "train"},       {"bus", CUE_TARGET, 8, "bus"},
    {"hotel", CUE_TARGET, 9, "hotel"},       {"restaurant", CUE_TARGET, 10, "restaurant"},
    {"cafe", CUE_TARGET, 10, "restaurant"},  {"factory", CUE_TARGET, 11, "factory"},
    {"plant", CUE_TARGET, 11, "factory"},    {"port", CUE_TARGET, 12, "port"},
    {"mall", CUE_TARGET, 13, "shopping centre"}, {"supermarket", CUE_TARGET, 13, "shopping centre"},
    {"palm sunday", CUE_OCCASION, 1, "Palm Sunday"}, {"easter", CUE_OCCASION, 2, "Easter"},
    {"christmas", CUE_OCCASION, 3, "Christmas"}, {"new year", CUE_OCCASION, 4, "New Year"},
    {"wedding", CUE_OCCASION, 5, "wedding"}, {"funeral", CUE_OCCASION, 6, "funeral"},
    {"concert", CUE_OCCASION, 7, "concert"}, {"festival", CUE_OCCASION, 8, "festival"},
};
enum { N_CUES = sizeof CUES / sizeof CUES[0] };

typedef struct cues {
    uint32_t mask[CUE_KINDS];
} cues;

/* Lower-cased ASCII words of s, single-spaced, into b (non-letters split). */
static void plain_words(const char *s, size_t len, buf *b)
{
    buf_clear(b);
    buf_putc(b, ' ');
    bool space = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalpha(c)) {
            buf_putc(b, (char)tolower(c));
            space = false;
        } else if (!space) {
            buf_putc(b, ' ');
            space = true;
        }
    }
    if (!space) buf_putc(b, ' ');
}

static cues find_cues(const char *s, size_t len, buf *b, uint64_t *which)
{
    cues c = {{0}};
    plain_words(s, len, b);
    const char *t = buf_cstr(b);
    if (which) *which = 0;
    for (int i = 0; i < N_CUES; i++) {
        char pat[40];
        snprintf(pat, sizeof pat, " %s ", CUES[i].word);
        if (!strstr(t, pat)) continue;
        c.mask[CUES[i].kind] |= 1u << CUES[i].id;
        if (which) *which |= 1ull << i;
    }
    return c;
}

static bool cues_compatible(const cues *a, const cues *b)
{
    for (int k = 0; k < CUE_KINDS; k++)
        if (a->mask[k] && b->mask[k] && !(a->mask[k] & b->mask[k])) return false;
    return true;
}

static const char *cue_label(arena *a, uint64_t which)
{
    if (!which) return NULL;
    buf b = BUF_INIT;
    const char *seen[N_CUES];
    int ns = 0;
    for (int i = 0; i < N_CUES; i++) {
        if (!(which & (1ull << i))) continue;
        bool dup = false;
        for (int k = 0; k < ns; k++) dup |= !strcmp(seen[k], CUES[i].label);
        if (dup) continue;
        seen[ns++] = CUES[i].label;
        if (b.len) buf_puts(&b, ", ");
        buf_puts(&b, CUES[i].label);
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

const char *reconcile_event_words(arena *a, const char *s, size_t len)
{
    buf b = BUF_INIT;
    uint64_t which;
    find_cues(s, len, &b, &which);
    buf_free(&b);
    return cue_label(a, which);
}

/* ---- Grouping ------------------------------------------------------------------ */

static const char *measure_key(const char *m)
{
    static const char *const killed[] = {"killed", "dead", "deaths", "death", "fatalities",
                                         "fatality", "died", "lives", "dying", "killing", "kills"};
    static const char *const injured[] = {"injured", "wounded", "injuries", "injury", "hurt",
                                          "wounding", "injuring"};
    if (!m) return NULL;
    for (size_t i = 0; i < sizeof killed / sizeof killed[0]; i++)
        if (!strcasecmp(m, killed[i])) return "killed";
    for (size_t i = 0; i < sizeof injured / sizeof injured[0]; i++)
        if (!strcasecmp(m, injured[i])) return "injured";
    return m;
}

/* "One" and "two" in words are mostly not figures ("the two countries",
 * "one of them"), except when they count casualties ("one person dead"). */
static bool figure_worth_comparing(const rec_quantity *q, const char *measure)
{
    if (!strcmp(measure, "killed") || !strcmp(measure, "injured")) return true;
    if (q->value > 2 || q->unit) return true;
    for (const char *p = q->text; p && *p; p++)
        if (isdigit((unsigned char)*p)) return true;
    return false;
}

typedef struct report {
    uint32_t article, quantity;
    uint32_t sentence; /* into r->sentences, or UINT32_MAX */
    const char *measure, *place, *when;
    cues cue;
    uint64_t which;
    date_day day; /* the day the sentence points at, or DATE_NONE */
    int group;
} report;

static bool when_compatible(const char *a, const char *b)
{
    if (!a || !b) return true;
    size_t n = strlen(a) < strlen(b) ? strlen(a) : strlen(b);
    return strncmp(a, b, n) == 0;
}

static bool same_event(const report *x, const report *y)
{
    if (!when_compatible(x->when, y->when)) return false;
    if (x->day != DATE_NONE && y->day != DATE_NONE && labs((long)x->day - (long)y->day) > 1) return false;
    return cues_compatible(&x->cue, &y->cue);
}

/* The single day a sentence's day-precise time expressions point at, or
 * DATE_NONE (none, or several different days). */
static date_day sentence_day(arena *a, const char *s, size_t len, date_day ref)
{
    if (ref == DATE_NONE) return DATE_NONE;
    date_expr *ex = NULL;
    size_t n = 0;
    if (date_find(a, s, len, &ex, &n) != 0) return DATE_NONE;
    date_day found = DATE_NONE;
    for (size_t i = 0; i < n; i++) {
        int k = ex[i].kind;
        if (k != DATE_EXPR_FULL && k != DATE_EXPR_MONTH_DAY && k != DATE_EXPR_WEEKDAY &&
            k != DATE_EXPR_RELATIVE_DAY && k != DATE_EXPR_HOLIDAY)
            continue;
        if (ex[i].narrative) continue;
        date_day f, l;
        if (date_resolve(&ex[i], ref, &f, &l) != 0 || f != l) continue;
        if (found != DATE_NONE && found != f) return DATE_NONE;
        found = f;
    }
    return found;
}

static bool contains_word_ci(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0 || n > len) return false;
    for (size_t i = 0; i + n <= len; i++) {
        if (strncasecmp(hay + i, needle, n)) continue;
        bool lb = i == 0 || !isalnum((unsigned char)hay[i - 1]);
        bool rb = i + n == len || !isalnum((unsigned char)hay[i + n]);
        if (lb && rb) return true;
    }
    return false;
}

static int cmp_report(const void *x, const void *y, void *ctx)
{
    const reconcile *r = ctx;
    const report *a = x, *b = y;
    if (r->rank[a->article] != r->rank[b->article]) return r->rank[a->article] < r->rank[b->article] ? -1 : 1;
    return a->quantity < b->quantity ? -1 : a->quantity > b->quantity;
}

typedef struct fact_sort {
    const reconcile *r;
    const rec_fact *all; /* before sorting, for separate_from */
} fact_sort;

/* Facts reported by several articles first, then single reports; within
 * each, most reports first, then by first article and position. A separate
 * event sorts right after the fact it stands beside. */
static int cmp_fact_plain(const reconcile *r, const rec_fact *a, const rec_fact *b)
{
    int ka = a->n_reports >= 2 ? 0 : 1, kb = b->n_reports >= 2 ? 0 : 1;
    if (ka != kb) return ka < kb ? -1 : 1;
    if (a->n_reports != b->n_reports) return a->n_reports > b->n_reports ? -1 : 1;
    const rec_report *ra = &a->reports[0], *rb = &b->reports[0];
    if (r->rank[ra->article] != r->rank[rb->article]) return r->rank[ra->article] < r->rank[rb->article] ? -1 : 1;
    return ra->quantity < rb->quantity ? -1 : ra->quantity > rb->quantity;
}

static int cmp_fact(const void *x, const void *y, void *ctx)
{
    const fact_sort *fs = ctx;
    const rec_fact *a = x, *b = y;
    const rec_fact *ma = a->separate_from >= 0 ? &fs->all[a->separate_from] : a;
    const rec_fact *mb = b->separate_from >= 0 ? &fs->all[b->separate_from] : b;
    if (ma != mb) return cmp_fact_plain(fs->r, ma, mb);
    if ((a->separate_from >= 0) != (b->separate_from >= 0)) return a->separate_from >= 0 ? 1 : -1;
    return cmp_fact_plain(fs->r, a, b);
}

int rec_facts(arena *a, reconcile *r)
{
    size_t nq = 0;
    for (size_t i = 0; i < r->n_articles; i++) nq += r->articles[i].n_quantities;
    r->facts = NULL;
    r->n_facts = 0;
    if (nq == 0) return 0;
    report *rep = arena_calloc(a, nq, sizeof *rep);
    if (!rep) return ACCORD_ENOMEM;
    buf b = BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < r->n_articles; i++) {
        const rec_article *art = &r->articles[i];
        for (size_t k = 0; k < art->n_quantities; k++) {
            const rec_quantity *q = &art->quantities[k];
            const char *m = measure_key(q->measure);
            if (!m || q->sentence >= art->doc.n_sentences) continue;
            if (!figure_worth_comparing(q, m)) continue;
            report *p = &rep[n++];
            p->article = (uint32_t)i;
            p->quantity = (uint32_t)k;
            p->sentence = rec_sentence_of(r, (uint32_t)i, q->sentence);
            p->measure = m;
            p->place = q->where;
            p->when = q->when;
            const text_sentence *ts = &art->doc.sentences[q->sentence];
            p->cue = find_cues(art->text + ts->start, ts->end - ts->start, &b, &p->which);
            p->day = sentence_day(a, art->text + ts->start, ts->end - ts->start,
                                  r->ref_day ? r->ref_day[i] : DATE_NONE);
            p->group = -1;
        }
    }
    buf_free(&b);
    /* A report without a place borrows the place of a report of the same
     * measure that its sentence names. */
    for (size_t i = 0; i < n; i++) {
        if (rep[i].place) continue;
        const rec_article *art = &r->articles[rep[i].article];
        const text_sentence *ts = &art->doc.sentences[art->quantities[rep[i].quantity].sentence];
        for (size_t j = 0; j < n && !rep[i].place; j++) {
            if (!rep[j].place || strcmp(rep[j].measure, rep[i].measure)) continue;
            if (contains_word_ci(art->text + ts->start, ts->end - ts->start, rep[j].place))
                rep[i].place = rep[j].place;
        }
    }
    qsort_r(rep, n, sizeof *rep, cmp_report, r);

    /* Greedy grouping. */
    int *gstart = arena_alloc(a, n * sizeof *gstart); /* first report of each group */
    if (!gstart) return ACCORD_ENOMEM;
    int ng = 0;
    for (size_t i = 0; i < n; i++) {
        for (int g = 0; g < ng && rep[i].group < 0; g++) {
            const report *h = &rep[gstart[g]];
            if (strcmp(h->measure, rep[i].measure)) continue;
            if ((h->place == NULL) != (rep[i].place == NULL)) continue;
            if (h->place && strcasecmp(h->place, rep[i].place)) continue;
            bool fits = true;
            for (size_t j = 0; j < i && fits; j++)
                if (rep[j].group == g) {
                    fits = same_event(&rep[j], &rep[i]);
                    /* One article reports one figure per fact: a second figure of the
                     * same measure in the same article is another count. */
                    if (rep[j].article == rep[i].article) fits = false;
                }
            if (fits) rep[i].group = g;
        }
        if (rep[i].group < 0) {
            rep[i].group = ng;
            gstart[ng++] = (int)i;
        }
    }
    r->facts = arena_calloc(a, (size_t)ng, sizeof *r->facts);
    if (!r->facts) return ACCORD_ENOMEM;
    for (int g = 0; g < ng; g++) {
        rec_fact *f = &r->facts[g];
        const report *h = &rep[gstart[g]];
        size_t cnt = 0;
        uint64_t which = 0;
        for (size_t i = 0; i < n; i++)
            if (rep[i].group == g) {
                cnt++;
                which |= rep[i].which;
            }
        f->reports = arena_calloc(a, cnt, sizeof *f->reports);
        double *vals = arena_calloc(a, cnt, sizeof *vals);
        int *bounds = arena_calloc(a, cnt, sizeof *bounds);
        if (!f->reports || !vals || !bounds) return ACCORD_ENOMEM;
        const char *when = NULL;
        for (size_t i = 0; i < n; i++) {
            if (rep[i].group != g) continue;
            const rec_quantity *q = &r->articles[rep[i].article].quantities[rep[i].quantity];
            vals[f->n_reports] = q->value;
            bounds[f->n_reports] = q->bound;
            f->reports[f->n_reports++] = (rec_report){rep[i].article, rep[i].quantity};
            if (rep[i].when && (!when || strlen(rep[i].when) > strlen(when))) when = rep[i].when;
            if (!when && rep[i].day != DATE_NONE) {
                char *d = arena_alloc(a, 11);
                if (!d) return ACCORD_ENOMEM;
                date_format(rep[i].day, d);
                when = d;
            }
        }
        f->measure = h->measure;
        f->where = h->place;
        f->when = when;
        f->event = cue_label(a, which);
        f->first = f->reports[0].article;
        f->separate_from = -1;
        f->verdict = reconcile_judge(vals, bounds, f->n_reports, &f->low, &f->high);
    }
    r->n_facts = (size_t)ng;
    /* Several groups of one measure and place: the largest (then the
     * earliest) is the fact, the others separate events beside it. */
    for (int g = 0; g < ng; g++) {
        rec_fact *f = &r->facts[g];
        for (int h = 0; h < ng; h++) {
            if (h == g) continue;
            const rec_fact *o = &r->facts[h];
            if (strcmp(o->measure, f->measure)) continue;
            if ((o->where == NULL) != (f->where == NULL)) continue;
            if (o->where && strcasecmp(o->where, f->where)) continue;
            if (!o->where) continue; /* without a place, two figures are just two figures */
            bool o_main = o->n_reports > f->n_reports || (o->n_reports == f->n_reports && h < g);
            if (o_main && (f->separate_from < 0 || r->facts[f->separate_from].n_reports < o->n_reports)) {
                f->separate_from = h;
            }
        }
    }
    for (int g = 0; g < ng; g++)
        if (r->facts[g].separate_from >= 0) r->facts[g].verdict = REC_SEPARATE;
    /* Sort for display; separate_from indices are remapped. */
    int *idx = arena_alloc(a, (size_t)ng * sizeof *idx);
    rec_fact *sorted = arena_alloc(a, (size_t)ng * sizeof *sorted);
    if (!idx || !sorted) return ACCORD_ENOMEM;
    memcpy(sorted, r->facts, (size_t)ng * sizeof *sorted);
    /* Remember the old position of each fact through its reports pointer. */
    fact_sort fs = {r, r->facts};
    qsort_r(sorted, (size_t)ng, sizeof *sorted, cmp_fact, &fs);
    for (int g = 0; g < ng; g++)
        for (int h = 0; h < ng; h++)
            if (sorted[h].reports == r->facts[g].reports) idx[g] = h;
    for (int h = 0; h < ng; h++)
        if (sorted[h].separate_from >= 0) sorted[h].separate_from = idx[sorted[h].separate_from];
    r->facts = sorted;
    return 0;
}
