/* quantities.c - numbers with what they count, their bound, where and when.
 *
 * A quantity is a number in digits ("5,600", "2.5", "2%") or words ("one",
 * "six", "twenty-five", "a dozen"), optionally scaled ("2.5 million"), that
 * is not part of a date (the dates of the sentence are known from
 * date_find) and not a year. Around it:
 *
 *  - the bound comes from the words before ("at least", "more than",
 *    "nearly", "about", "up to", "fewer than") or after ("or more", "or
 *    longer");
 *  - the measure is a casualty word next to it ("98 injured", "one person
 *    dead", "one fatality", "killing 35 people", "killed at least 34"),
 *    else the noun phrase it counts ("5,600 drones and missiles", "30 days",
 *    "701 square kilometers" -> km2), with "N times" after a form of "meet"
 *    read as meetings;
 *  - "a customer's death" / "an employee's injury" count one;
 *  - where: a place of the sentence, a town or region before a country;
 *  - when: the sentence's time expression, resolved against the
 *    publication date.
 * A number word with nothing countable after it ("one of", "one which") is
 * not a quantity. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/dates.h"
#include "internal.h"

static const struct {
    const char *w;
    int v;
} number_words[] = {
    {"one", 1},       {"two", 2},        {"three", 3},     {"four", 4},      {"five", 5},
    {"six", 6},       {"seven", 7},      {"eight", 8},     {"nine", 9},      {"ten", 10},
    {"eleven", 11},   {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14}, {"fifteen", 15},
    {"sixteen", 16},  {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}, {"twenty", 20},
    {"thirty", 30},   {"forty", 40},     {"fifty", 50},    {"sixty", 60},    {"seventy", 70},
    {"eighty", 80},   {"ninety", 90},    {"dozen", 12},    {"hundred", 100}, {"thousand", 1000},
};
static const struct {
    const char *w;
    double m;
} scales[] = {{"hundred", 100}, {"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9},
              {"trillion", 1e12}, {"mn", 1e6}, {"bn", 1e9}, {"m", 1e6}, {"mln", 1e6}, {"bln", 1e9},
              {"billions", 1e9}, {"millions", 1e6}};

static const char *const killed_words[] = {"killed", "killing", "kill", "kills", "dead", "death",
                                           "deaths", "died", "dies", "dying", "fatalities",
                                           "fatality", "lives", "bodies", "fatally", NULL};
static const char *const injured_words[] = {"injured", "injuring", "injuries", "injury", "wounded",
                                            "wounding", "hurt", "injures", "wounds", NULL};
static const char *const noun_stop[] = {
    "of", "and", "or", "the", "a", "an", "to", "in", "on", "at", "by", "for", "from", "with",
    "is", "was", "are", "were", "be", "been", "had", "has", "have", "that", "which", "who",
    "more", "less", "than", "after", "before", "during", "since", "ago", "later", "earlier",
    "per", "percent", "as", "it", "this", "its", "their", "his", "her", "into", "over", "under",
    "about", "around", "across", "while", "when", "but", "so", "if", "would", "will", "could",
    "can", "may", "might", "should", "must", "longer", "shorter", "other", "another", "others",
    "such", "each", "every", "only", "just", "also", "not", "no", "said", "says", "say", "told",
    "times", "against", "there", "here", "while", "through", "between", "until", "among", "via",
    "plus", "minus", "versus", "vs", "compared", "up", "down", "last", "next", NULL};

static const char *const place_preps[] = {"in", "at", "of", "near", "on", "across", "over", "from",
                                          "to", "into", "outside", "inside", "around", NULL};

static const char *tp(const ex_ctx *c, size_t i) { return c->text + c->toks[i].start; }
static size_t tl(const ex_ctx *c, size_t i) { return c->toks[i].end - c->toks[i].start; }
static bool tis(const ex_ctx *c, size_t i, const char *w) { return tok_ieq(tp(c, i), tl(c, i), w); }
static bool tin(const ex_ctx *c, size_t i, const char *const *l) { return word_in(tp(c, i), tl(c, i), l); }
static bool tword(const ex_ctx *c, size_t i) { return c->doc->tokens[i].kind == TOK_WORD; }

static int word_value(const ex_ctx *c, size_t i)
{
    const char *s = tp(c, i);
    size_t n = tl(c, i);
    const char *h = memchr(s, '-', n);
    if (h) {
        /* twenty-five */
        int a = -1, b = -1;
        for (size_t k = 0; k < sizeof number_words / sizeof number_words[0]; k++) {
            if (tok_ieq(s, (size_t)(h - s), number_words[k].w)) a = number_words[k].v;
            if (tok_ieq(h + 1, n - (size_t)(h - s) - 1, number_words[k].w)) b = number_words[k].v;
        }
        return a >= 20 && a <= 90 && b >= 1 && b <= 9 ? a + b : -1;
    }
    for (size_t k = 0; k < sizeof number_words / sizeof number_words[0]; k++)
        if (tok_ieq(s, n, number_words[k].w)) return number_words[k].v;
    return -1;
}

static bool parse_digits(const char *s, size_t n, double *v)
{
    char tmp[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof tmp; i++) {
        char ch = s[i];
        if (ch == ',') continue;
        if (isdigit((unsigned char)ch) || ch == '.') tmp[k++] = ch;
        else break;
    }
    if (k == 0) return false;
    tmp[k] = 0;
    char *end;
    *v = strtod(tmp, &end);
    return end != tmp && isfinite(*v);
}

static bool in_date(const ex_ctx *c, size_t i)
{
    uint32_t s = c->toks[i].start;
    size_t lo = 0, hi = c->n_dates;
    while (lo < hi) { /* the first expression ending after s */
        size_t mid = (lo + hi) / 2;
        if (c->dates[mid].end <= s) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = lo; k < c->n_dates; k++) {
        const date_expr *d = &c->dates[k];
        if (s >= d->start && s < d->end) return true;
        if (d->start > s) break;
    }
    return false;
}

/* The lower-case noun phrase counted after token i (exclusive of i): up
 * to two nouns joined by and/or ("drones and missiles"). *last gets the
 * last token used. NULL when there is none. */
static char *counted_noun(ex_ctx *c, size_t i, size_t s1, size_t *last)
{
    size_t j = i + 1;
    if (j >= s1 || !tword(c, j) || tok_is_cap(tp(c, j), tl(c, j)) || tin(c, j, noun_stop)) return NULL;
    /* Adjectives before the noun are kept ("civilian casualties"). */
    size_t e = j;
    while (e + 1 < s1 && e < j + 2 && tword(c, e + 1) && !tok_is_cap(tp(c, e + 1), tl(c, e + 1)) &&
           !tin(c, e + 1, noun_stop) && !tin(c, e + 1, killed_words) && !tin(c, e + 1, injured_words) &&
           !tin(c, e + 1, cue_verbs) && tl(c, e) > 2 && tp(c, e)[tl(c, e) - 1] != 's')
        e++;
    if (e + 2 < s1 && (tis(c, e + 1, "and") || tis(c, e + 1, "or")) && tword(c, e + 2) &&
        !tin(c, e + 2, noun_stop) && tp(c, e + 2)[tl(c, e + 2) - 1] == 's' &&
        tp(c, e)[tl(c, e) - 1] == 's')
        e += 2;
    *last = e;
    char *s = arena_strndup(c->a, tp(c, j), c->toks[e].end - c->toks[j].start);
    if (s)
        for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
    return s;
}

static const char *normal_unit(const char *noun)
{
    if (!noun) return NULL;
    if (!strncmp(noun, "square kilomet", 14) || !strcmp(noun, "square km") || !strcmp(noun, "sq km") ||
        !strcmp(noun, "km2"))
        return "km2";
    if (!strncmp(noun, "square mile", 11)) return "sq mi";
    if (!strncmp(noun, "kilomet", 7) || !strcmp(noun, "km")) return "km";
    if (!strncmp(noun, "mile", 4)) return "mi";
    if (!strncmp(noun, "metre", 5) || !strncmp(noun, "meter", 5)) return "m";
    if (!strcmp(noun, "percent") || !strcmp(noun, "per cent") || !strcmp(noun, "pct")) return "%";
    if (!strcmp(noun, "dlrs") || !strcmp(noun, "dollars") || !strcmp(noun, "dlr")) return "USD";
    if (!strcmp(noun, "euros")) return "EUR";
    if (!strcmp(noun, "pounds") || !strcmp(noun, "sterling")) return "GBP";
    if (!strcmp(noun, "yen")) return "JPY";
    if (!strcmp(noun, "days") || !strcmp(noun, "day")) return "days";
    if (!strcmp(noun, "hours") || !strcmp(noun, "hour")) return "hours";
    if (!strcmp(noun, "weeks") || !strcmp(noun, "week")) return "weeks";
    if (!strcmp(noun, "months") || !strcmp(noun, "month")) return "months";
    if (!strcmp(noun, "years") || !strcmp(noun, "year")) return "years";
    return NULL;
}

static int add_quantity(ex_ctx *c, size_t *cap, extract_quantity q)
{
    extract_result *r = c->r;
    if (r->n_quantities == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        extract_quantity *n = arena_grow(c->a, r->quantities, *cap, nc, sizeof *n);
        if (!n) return -1;
        r->quantities = n;
        *cap = nc;
    }
    r->quantities[r->n_quantities++] = q;
    return 0;
}

/* The place a sentence ties to a number at token i: a town or region
 * before a country, the nearest first. */
static const char *where_of(ex_ctx *c, uint32_t sent, size_t i)
{
    const ner_span *best = NULL;
    int best_score = -1000000;
    for (size_t k = c->span_first[sent]; k < c->span_first[sent + 1]; k++) {
        const ner_span *sp = &c->spans[k];
        if (sp->sentence != sent || sp->type != EXTRACT_PLACE) continue;
        /* "Ukraine's", "U.S. efforts": a place used as a modifier is not where. */
        bool prep = sp->t0 > 0 && tword(c, sp->t0 - 1) && tin(c, sp->t0 - 1, place_preps);
        bool attributive = sp->t1 < c->doc->n_tokens && tword(c, sp->t1) && !tok_is_cap(tp(c, sp->t1), tl(c, sp->t1)) &&
                           !tin(c, sp->t1, noun_stop) && !tin(c, sp->t1, cue_verbs);
        if (sp->poss || (attributive && !prep)) continue;
        const gz_entry *e = gz_lookup(c->text + sp->start, sp->end - sp->start);
        bool country = e && (e->flags & GZF_COUNTRY);
        int dist = (int)sp->t0 - (int)i;
        if (dist < 0) dist = -dist;
        int score = (country ? 0 : 1000) + (prep ? 500 : 0) - dist;
        if (score > best_score) best_score = score, best = sp;
    }
    return best ? arena_strndup(c->a, c->text + best->start, best->end - best->start) : NULL;
}

char *ex_format_span(arena *a, int32_t first, int32_t last)
{
    char b1[11], b2[11];
    date_format(first, b1);
    if (first == last) return arena_strdup(a, b1);
    date_format(last, b2);
    if (!memcmp(b1, b2, 7) && !strcmp(b1 + 8, "01")) {
        int y, m, d;
        date_to_ymd(last, &y, &m, &d);
        if (d == date_days_in_month(y, m)) return arena_strndup(a, b1, 7);
    }
    char out[24];
    snprintf(out, sizeof out, "%s/%s", b1, b2);
    return arena_strdup(a, out);
}

static const char *when_of(ex_ctx *c, uint32_t sent)
{
    if (c->ref_day == DATE_NONE) return NULL;
    /* The most precise expression of the sentence. */
    const text_sentence *s = &c->doc->sentences[sent];
    date_day bf = DATE_NONE, bl = DATE_NONE;
    size_t lo = 0, hi = c->n_dates;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->dates[mid].start < s->start) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = lo; k < c->n_dates && c->dates[k].start < s->end; k++) {
        const date_expr *d = &c->dates[k];
        if (d->start < s->start || d->end > s->end) continue;
        date_day f, l;
        if (date_resolve(d, c->ref_day, &f, &l) != 0) continue;
        if (bf == DATE_NONE || (int64_t)l - f < (int64_t)bl - bf) bf = f, bl = l;
    }
    return bf == DATE_NONE ? NULL : ex_format_span(c->a, bf, bl);
}

static uint8_t bound_before(const ex_ctx *c, size_t i, size_t s0, size_t *from)
{
    *from = i;
    if (i >= s0 + 2) {
        size_t a = i - 2, b = i - 1;
        if (tis(c, a, "at") && tis(c, b, "least")) return *from = a, EXTRACT_BOUND_AT_LEAST;
        if (tis(c, a, "more") && tis(c, b, "than")) return *from = a, EXTRACT_BOUND_MORE_THAN;
        if (tis(c, a, "over") && tis(c, b, "than")) return *from = a, EXTRACT_BOUND_MORE_THAN;
        if (tis(c, a, "up") && tis(c, b, "to")) return *from = a, EXTRACT_BOUND_UP_TO;
        if (tis(c, a, "at") && tis(c, b, "most")) return *from = a, EXTRACT_BOUND_UP_TO;
        if (tis(c, a, "as") && tis(c, b, "many")) return *from = a, EXTRACT_BOUND_UP_TO;
        if (tis(c, a, "less") && tis(c, b, "than")) return *from = a, EXTRACT_BOUND_LESS_THAN;
        if (tis(c, a, "fewer") && tis(c, b, "than")) return *from = a, EXTRACT_BOUND_LESS_THAN;
        if (tis(c, a, "close") && tis(c, b, "to")) return *from = a, EXTRACT_BOUND_NEARLY;
        if (tis(c, a, "an") && tis(c, b, "estimated")) return *from = a, EXTRACT_BOUND_ABOUT;
        if (tis(c, a, "just") && tis(c, b, "under")) return *from = a, EXTRACT_BOUND_NEARLY;
        if (tis(c, a, "just") && tis(c, b, "over")) return *from = a, EXTRACT_BOUND_MORE_THAN;
    }
    if (i >= s0 + 1) {
        size_t b = i - 1;
        if (tis(c, b, "nearly") || tis(c, b, "almost")) return *from = b, EXTRACT_BOUND_NEARLY;
        if (tis(c, b, "about") || tis(c, b, "around") || tis(c, b, "approximately") ||
            tis(c, b, "roughly") || tis(c, b, "some") || tis(c, b, "estimated") || tis(c, b, "circa") ||
            tis(c, b, "~"))
            return *from = b, EXTRACT_BOUND_ABOUT;
        if (tis(c, b, "over") || tis(c, b, "exceeding")) return *from = b, EXTRACT_BOUND_MORE_THAN;
        if (tis(c, b, "under") || tis(c, b, "below")) return *from = b, EXTRACT_BOUND_LESS_THAN;
    }
    return EXTRACT_BOUND_EXACT;
}

/* The casualty measure of a number at i: "killed", "injured" or NULL. */
static const char *casualty(const ex_ctx *c, size_t i, size_t from, size_t s0, size_t s1, size_t *after_end)
{
    *after_end = i;
    /* After: "98 injured", "one person dead", "35 people were killed". */
    for (size_t j = i + 1; j < s1 && j <= i + 4; j++) {
        if (!tword(c, j)) break;
        if (tin(c, j, killed_words)) return *after_end = j, "killed";
        if (tin(c, j, injured_words)) return *after_end = j, "injured";
        if (tis(c, j, "and") || tis(c, j, "or")) break;
        if (j > i + 1 && !(tis(c, j, "were") || tis(c, j, "was") || tis(c, j, "have") ||
                           tis(c, j, "been") || tis(c, j, "are") || tis(c, j, "being") ||
                           tis(c, j, "had")))
            if (j > i + 2) break;
    }
    /* Before: "killing 35 people", "killed at least 34". */
    for (size_t j = from; j-- > s0 && j + 3 >= from;) {
        if (!tword(c, j)) break;
        if (tin(c, j, killed_words) && !tis(c, j, "death") && !tis(c, j, "deaths")) return "killed";
        if (tin(c, j, injured_words) && !tis(c, j, "injuries") && !tis(c, j, "injury")) return "injured";
    }
    return NULL;
}

static int sentence_quantities(ex_ctx *c, uint32_t sent, size_t *cap)
{
    size_t s0 = c->sent_first[sent], s1 = c->sent_first[sent + 1];
    for (size_t i = s0; i < s1; i++) {
        const text_token *t = &c->doc->tokens[i];
        double v;
        const char *unit = NULL;
        size_t end = i; /* last token of the number */
        bool is_word = false;
        if (t->kind == TOK_NUMBER || t->kind == TOK_PERCENT) {
            if (!parse_digits(tp(c, i), tl(c, i), &v)) continue;
            if (in_date(c, i)) continue;
            /* Ordinals and decades keep their suffix: not a count. */
            char last = tp(c, i)[tl(c, i) - 1];
            if (t->kind == TOK_NUMBER && !isdigit((unsigned char)last)) continue;
            if (t->kind == TOK_PERCENT) unit = "%";
            /* A bare year. */
            if (t->kind == TOK_NUMBER && tl(c, i) == 4 && v >= 1800 && v <= 2100 && !memchr(tp(c, i), '.', 4)) {
                size_t dummy;
                char *noun = counted_noun(c, i, s1, &dummy);
                if (!noun || normal_unit(noun)) continue;
            }
            if (i > s0 && tl(c, i - 1) == 1) {
                char p = tp(c, i - 1)[0];
                if (p == '$') unit = "USD";
            }
            if (i > s0 && tl(c, i - 1) == 2 && !memcmp(tp(c, i - 1), "\xC2\xA3", 2)) unit = "GBP";
            if (i > s0 && tl(c, i - 1) == 3 && !memcmp(tp(c, i - 1), "\xE2\x82\xAC", 3)) unit = "EUR";
        } else if (t->kind == TOK_WORD) {
            int wv = word_value(c, i);
            if (wv < 0) continue;
            if (in_date(c, i)) continue;
            if (wv == 12 && tis(c, i, "dozen")) {
                if (!(i > s0 && (tis(c, i - 1, "a") || tis(c, i - 1, "about")))) continue;
            }
            if (wv == 100 || wv == 1000) {
                if (!(i > s0 && tis(c, i - 1, "a"))) continue;
            }
            v = wv;
            is_word = true;
            if (i > s0 && (tis(c, i - 1, "no") || tis(c, i - 1, "any") || tis(c, i - 1, "every")))
                continue;
            /* "one of", "one which", "one another": not a count. */
            if (i + 1 < s1 && (tis(c, i + 1, "of") || tis(c, i + 1, "which") || tis(c, i + 1, "who") ||
                               tis(c, i + 1, "another") || tis(c, i + 1, "that")))
                continue;
        } else {
            continue;
        }
        /* Scale words: "2.5 million", "three hundred". */
        while (end + 1 < s1 && tword(c, end + 1)) {
            bool hit = false;
            for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
                if (tis(c, end + 1, scales[k].w)) {
                    v *= scales[k].m;
                    hit = true;
                    break;
                }
            if (!hit) break;
            end++;
        }
        if (end + 1 < s1 && (tis(c, end + 1, "percent") ||
                             (end + 2 < s1 && tis(c, end + 1, "per") && tis(c, end + 2, "cent")))) {
            unit = "%";
            end += tis(c, end + 1, "per") ? 2 : 1;
        }
        size_t from;
        uint8_t bound = bound_before(c, i, s0, &from);
        size_t last = end;
        const char *measure = NULL;
        size_t cas_end = 0;
        const char *cas = unit ? NULL : casualty(c, end, from, s0, s1, &cas_end);
        size_t noun_last = end;
        char *noun = unit && strcmp(unit, "%") != 0 ? NULL : counted_noun(c, end, s1, &noun_last);
        if (noun && !strcmp(noun, "square") && noun_last + 1 < s1) {
            size_t l2;
            char *n2 = counted_noun(c, noun_last, s1, &l2);
            if (n2) {
                size_t a = strlen(n2);
                char *both = arena_alloc(c->a, a + 8);
                if (!both) return -1;
                memcpy(both, "square ", 7);
                memcpy(both + 7, n2, a + 1);
                noun = both;
                noun_last = l2;
            }
        }
        bool times = end + 1 < s1 && tis(c, end + 1, "times");
        if (cas) {
            measure = cas;
            if (cas_end > last) last = cas_end;
            if (noun && noun_last > last && cas_end <= end) last = noun_last; /* "killing 35 people" */
            if (from > s0 && tis(c, from - 1, "including")) measure = noun;
        } else if (times) {
            measure = "times";
            for (size_t k = s0; k < i; k++)
                if (tis(c, k, "met") || tis(c, k, "meet") || tis(c, k, "meeting") || tis(c, k, "meets"))
                    measure = "meetings";
            last = end + 1;
        } else if (noun) {
            const char *u = normal_unit(noun);
            measure = u ? u : noun;
            if (u && !unit && strcmp(u, "%") != 0) unit = u;
            last = noun_last;
        } else if (unit) {
            measure = unit;
        }
        if (is_word && !measure) continue;
        if (!measure && !unit) {
            /* A bare number: kept only when it is not a stray digit. */
            if (t->kind == TOK_NUMBER && v < 10) continue;
        }
        /* "for 30 days or longer", "100 or more" */
        size_t after = (cas && cas_end > last) ? cas_end : last;
        if (after + 2 < s1 && tis(c, after + 1, "or") &&
            (tis(c, after + 2, "more") || tis(c, after + 2, "longer") || tis(c, after + 2, "over"))) {
            if (bound == EXTRACT_BOUND_EXACT || bound == EXTRACT_BOUND_AT_LEAST) bound = EXTRACT_BOUND_AT_LEAST;
            if (after + 2 > last) last = after + 2;
        }
        extract_quantity q = {0};
        q.start = c->toks[from].start;
        q.end = c->toks[last].end;
        q.sentence = sent;
        q.value = v;
        q.bound = bound;
        q.text = arena_strndup(c->a, c->text + q.start, q.end - q.start);
        q.unit = unit;
        q.measure = measure;
        q.where = where_of(c, sent, i);
        q.when = when_of(c, sent);
        if (!q.text) return -1;
        if (add_quantity(c, cap, q) < 0) return -1;
        i = end;
    }
    /* "a customer's death", "an employee's injury": one each. */
    for (size_t i = s0 + 2; i < s1; i++) {
        if (!tword(c, i)) continue;
        bool death = tis(c, i, "death"), injury = tis(c, i, "injury");
        if (!death && !injury) continue;
        size_t p = i - 1;
        size_t pn = tl(c, p);
        if (tok_strip_poss(tp(c, p), pn) == pn) continue;
        if (!(tis(c, p - 1, "a") || tis(c, p - 1, "an") || tis(c, p - 1, "one"))) continue;
        extract_quantity q = {0};
        q.start = c->toks[p - 1].start;
        q.end = c->toks[i].end;
        q.sentence = sent;
        q.value = 1;
        q.bound = EXTRACT_BOUND_EXACT;
        q.text = arena_strndup(c->a, c->text + q.start, q.end - q.start);
        q.measure = death ? "killed" : "injured";
        q.where = where_of(c, sent, i);
        q.when = when_of(c, sent);
        if (!q.text) return -1;
        if (add_quantity(c, cap, q) < 0) return -1;
    }
    return 0;
}

int quantities_find(ex_ctx *c)
{
    size_t cap = 0;
    c->r->quantities = NULL;
    c->r->n_quantities = 0;
    for (size_t s = 0; s < c->doc->n_sentences; s++)
        if (sentence_quantities(c, (uint32_t)s, &cap) < 0) return -1;
    return 0;
}

const char *extract_bound_name(int bound)
{
    switch (bound) {
    case EXTRACT_BOUND_AT_LEAST: return "at_least";
    case EXTRACT_BOUND_MORE_THAN: return "more_than";
    case EXTRACT_BOUND_NEARLY: return "nearly";
    case EXTRACT_BOUND_ABOUT: return "about";
    case EXTRACT_BOUND_UP_TO: return "up_to";
    case EXTRACT_BOUND_LESS_THAN: return "less_than";
    default: return "exact";
    }
}
