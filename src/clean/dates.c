/* dates.c - calendar arithmetic, time expressions, and inferring the day a
 * text was written.
 *
 * Expressions are found by a small scanner over ASCII words and numbers:
 * month and weekday names, ordinals, prepositions and a handful of relative
 * words are enough for English news. Each expression records whether its
 * sentence points forward ("will", "next", "by", "scheduled", ...), because
 * "on Wednesday" means the coming Wednesday in "may meet on Wednesday" and
 * the past one in "met on Wednesday".
 *
 * Inference is a vote. Every candidate day in a window (around the given
 * date; else up to the caller's bound, the first ingest, from the latest
 * year the text names or its photo's date, or from twenty years back;
 * else over the years the text's own explicit dates, its photo's date and
 * its peers allow: never the clock) gets, from every
 * expression, a score for how well the expression fits a text written that
 * day. What each expression implies ("April 18" in each year of the window,
 * Easter, the month of "in November") is worked out once, so a day costs a
 * few table look-ups per expression: "on Friday" fits a Friday best and the following days less;
 * "in November" fits November and the weeks after it; "April 18" fits the
 * 18th and the days just after. The best-scoring day wins; the margin over
 * the best day that is not its neighbour gives the confidence. A bare month
 * name that the text also gives with a year ("in November" and "in November
 * 2024") is taken to be another year than that one.
 *
 * The bound is when the text was first seen, which may be years after it
 * was written: it limits the window and never pulls a text towards it.
 * What places a text in a year is its own evidence: a weekday written
 * beside a day-month, or a movable feast tied to one (Easter falls on a
 * given day once in several years), holds in few years; in the others
 * the day-month keeps only MISFIT of its fit. Where the evidence leaves years equal, the text is placed
 * nearest its photo's date or the latest year it names, firmly when it
 * sets that year against the same month bare (its recent past), loosely
 * when the year may be history; with neither, the later year wins by a
 * hair. These leanings are not evidence: the scores reported for the given
 * and bound days, which the caller compares with the best, leave them out. */
#include "dates.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Calendar ------------------------------------------------------------ */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int date_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days from civil, after the well-known era-based formulation. */
date_day date_from_ymd(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
        return DATE_NONE;
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int mp = (m + 9) % 12;
    int doy = (153 * mp + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (date_day)(era * 146097 + doe - 719468);
}

void date_to_ymd(date_day day, int *y, int *m, int *d)
{
    int z = (int)day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int dd = doy - (153 * mp + 2) / 5 + 1;
    int mm = mp < 10 ? mp + 3 : mp - 9;
    if (y) *y = yy + (mm <= 2);
    if (m) *m = mm;
    if (d) *d = dd;
}

int date_weekday(date_day day)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    int w = ((int)day + 3) % 7;
    return w < 0 ? w + 7 : w;
}

date_day date_add_months(date_day day, int months)
{
    if (day == DATE_NONE) return DATE_NONE;
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    int t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    int dim = date_days_in_month(y, m);
    return date_from_ymd(y, m, d > dim ? dim : d);
}

static int digits(const char *s, size_t len, size_t n)
{
    if (len < n) return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

date_day date_parse_iso(const char *s, size_t len)
{
    if (!s) return DATE_NONE;
    int y = digits(s, len, 4);
    if (y < 0) return DATE_NONE;
    if (len >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.') && s[7] == s[4]) {
        int m = digits(s + 5, len - 5, 2), d = digits(s + 8, len - 8, 2);
        if (m < 0 || d < 0) return DATE_NONE;
        if (len > 10 && isdigit((unsigned char)s[10])) return DATE_NONE;
        return date_from_ymd(y, m, d);
    }
    if (len >= 8) {
        int m = digits(s + 4, len - 4, 2), d = digits(s + 6, len - 6, 2);
        if (m < 0 || d < 0) return DATE_NONE;
        if (len > 8 && isdigit((unsigned char)s[8])) return DATE_NONE;
        return date_from_ymd(y, m, d);
    }
    return DATE_NONE;
}

void date_format(date_day day, char out[11])
{
    int y = 0, m = 0, d = 0;
    if (day != DATE_NONE) date_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) y = 0;
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
}

/* The anonymous Gregorian computus (Meeus/Jones/Butcher). */
date_day date_easter(int year)
{
    int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return date_from_ymd(year, month, day);
}

/* Meeus's Julian computus, shifted to the Gregorian calendar. */
date_day date_orthodox_easter(int year)
{
    int a = year % 4, b = year % 7, c = year % 19;
    int d = (19 * c + 15) % 30, e = (2 * a + 4 * b - d + 34) % 7;
    int month = (d + e + 114) / 31, day = (d + e + 114) % 31 + 1;
    date_day julian_as_gregorian = date_from_ymd(year, month, day);
    if (julian_as_gregorian == DATE_NONE) return DATE_NONE;
    int shift = year / 100 - year / 400 - 2; /* 13 days in 1900-2099 */
    return julian_as_gregorian + shift;
}

static date_day holiday_day(int hol, int year)
{
    switch (hol) {
    case DATE_HOL_EASTER:
    case DATE_HOL_EASTER_WEEKEND: return date_easter(year);
    case DATE_HOL_GOOD_FRIDAY: return date_easter(year) - 2;
    case DATE_HOL_PALM_SUNDAY: return date_easter(year) - 7;
    case DATE_HOL_CHRISTMAS: return date_from_ymd(year, 12, 25);
    case DATE_HOL_CHRISTMAS_EVE: return date_from_ymd(year, 12, 24);
    case DATE_HOL_NEW_YEARS_DAY: return date_from_ymd(year, 1, 1);
    case DATE_HOL_NEW_YEARS_EVE: return date_from_ymd(year, 12, 31);
    case DATE_HOL_HALLOWEEN: return date_from_ymd(year, 10, 31);
    case DATE_HOL_THANKSGIVING: {
        date_day first = date_from_ymd(year, 11, 1);
        int w = date_weekday(first);
        int to_thu = (3 - w + 7) % 7;
        return first + to_thu + 21;
    }
    default: return DATE_NONE;
    }
}

/* ---- Scanning words -------------------------------------------------------- */

typedef struct tok {
    uint32_t start, end;
    bool number, word;
} tok;

static const char *const month_names[12][3] = {
    {"january", "jan", NULL},   {"february", "feb", NULL}, {"march", "mar", NULL},
    {"april", "apr", NULL},     {"may", NULL, NULL},       {"june", "jun", NULL},
    {"july", "jul", NULL},      {"august", "aug", NULL},   {"september", "sep", "sept"},
    {"october", "oct", NULL},   {"november", "nov", NULL}, {"december", "dec", NULL},
};
static const char *const weekday_names[7] = {"monday", "tuesday", "wednesday", "thursday",
                                             "friday", "saturday", "sunday"};

static bool word_is(const char *t, const tok *k, const char *w)
{
    size_t n = k->end - k->start, wl = strlen(w);
    if (n != wl) return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)t[k->start + i]) != w[i]) return false;
    return true;
}

/* Month of a capitalised word (full name or abbreviation), 0 if none.
 * *abbrev tells which. */
static int month_of(const char *t, const tok *k, bool *abbrev)
{
    if (!k->word || !isupper((unsigned char)t[k->start])) return 0;
    for (int m = 0; m < 12; m++)
        for (int j = 0; j < 3 && month_names[m][j]; j++)
            if (word_is(t, k, month_names[m][j])) {
                if (abbrev) *abbrev = j > 0;
                return m + 1;
            }
    return 0;
}

static int weekday_of(const char *t, const tok *k)
{
    if (!k->word || !isupper((unsigned char)t[k->start])) return -1;
    for (int w = 0; w < 7; w++)
        if (word_is(t, k, weekday_names[w])) return w;
    return -1;
}

static int number_of(const char *t, const tok *k)
{
    if (!k->number || k->end - k->start > 4) return -1;
    int v = 0;
    for (uint32_t i = k->start; i < k->end; i++) v = v * 10 + (t[i] - '0');
    return v;
}

/* Splits text into word and number tokens. Apostrophe-s stays with its word
 * ("Friday's" is one token ending before the apostrophe; the suffix is
 * skipped). Ordinal suffixes stay with numbers ("18th" -> number 18). */
static int tokenize(arena *a, const char *t, size_t len, tok **out, size_t *n)
{
    size_t cap = len / 4 + 16, cnt = 0;
    tok *v = arena_alloc(a, cap * sizeof *v);
    if (!v) return -1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)t[i];
        if (isalpha(c) || isdigit(c)) {
            size_t s = i;
            bool num = isdigit(c) != 0;
            while (i < len && (num ? isdigit((unsigned char)t[i]) : isalpha((unsigned char)t[i]))) i++;
            size_t e = i;
            if (num) { /* ordinal suffix */
                if (i + 1 < len && (memcmp(t + i, "st", 2) == 0 || memcmp(t + i, "nd", 2) == 0 ||
                                    memcmp(t + i, "rd", 2) == 0 || memcmp(t + i, "th", 2) == 0) &&
                    (i + 2 >= len || !isalpha((unsigned char)t[i + 2])))
                    i += 2;
            } else if (i < len && isdigit((unsigned char)t[i])) {
                while (i < len && isalnum((unsigned char)t[i])) i++;
                e = i; /* mixed token: not a word we know */
                num = false;
            }
            if (cnt == cap) {
                tok *nv = arena_grow(a, v, cap, cap * 2, sizeof *v);
                if (!nv) return -1;
                v = nv;
                cap *= 2;
            }
            v[cnt++] = (tok){(uint32_t)s, (uint32_t)e, num, !num};
            /* skip 's or ’s */
            if (i + 1 < len && t[i] == '\'' && (t[i + 1] == 's' || t[i + 1] == 'S')) i += 2;
            else if (i + 3 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
                     (unsigned char)t[i + 2] == 0x99 && (t[i + 3] == 's' || t[i + 3] == 'S'))
                i += 4;
        } else if (c >= 0x80) {
            /* non-ASCII: skip the whole UTF-8 sequence; letters of other
             * scripts end the current word like punctuation does */
            i++;
            while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80) i++;
        } else {
            i++;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* Only spaces (and at most one comma) between two tokens? */
static bool adjacent(const char *t, const tok *a, const tok *b, bool allow_comma)
{
    int commas = 0;
    for (uint32_t i = a->end; i < b->start; i++) {
        char c = t[i];
        if (c == ',' && allow_comma) commas++;
        else if (c == '.' && i == a->end) continue; /* "Dec. 19" */
        else if (c != ' ' && c != '\t') return false;
    }
    return commas <= 1 && b->start - a->end <= 4;
}

static bool prev_word_is(const char *t, const tok *v, size_t i, const char *w)
{
    return i > 0 && v[i - 1].word && adjacent(t, &v[i - 1], &v[i], false) && word_is(t, &v[i - 1], w);
}

/* Does the sentence around [start, end) point forward? Looks back to the
 * sentence start (at most 120 bytes) for future markers. */
static bool sentence_future(const char *t, const tok *v, size_t first, size_t idx)
{
    static const char *const markers[] = {"will", "ll", "shall", "would", "may", "might",
                                          "plans", "plan", "planned", "planning", "scheduled",
                                          "expected", "expects", "due", "upcoming", "hopes",
                                          "hoped", "aims", "aimed", "intends", "set", "until",
                                          "ahead", "coming", "next", "tomorrow", "effective",
                                          NULL};
    uint32_t lim = v[idx].start > 120 ? v[idx].start - 120 : 0;
    for (size_t j = idx; j-- > first;) {
        if (v[j].start < lim) break;
        /* a sentence end between j and the expression stops the search */
        bool stop = false;
        for (uint32_t p = v[j].end; p < v[j + 1].start; p++)
            if (t[p] == '.' || t[p] == '!' || t[p] == '?' || t[p] == '\n' || t[p] == ';') {
                if (t[p] == '.' && p + 1 < v[j + 1].start && t[p + 1] != ' ') continue;
                stop = true;
            }
        if (stop) break;
        if (!v[j].word) continue;
        /* a new clause ("after an attempt in February") has its own tense */
        static const char *const clause[] = {"after", "since", "following", "when", "which",
                                             "who", "because", "but", "while", "although",
                                             "ago", "last", "earlier", NULL};
        bool boundary = false;
        for (int m = 0; clause[m] && !boundary; m++) boundary = word_is(t, &v[j], clause[m]);
        if (boundary) break;
        for (int m = 0; markers[m]; m++)
            if (word_is(t, &v[j], markers[m])) {
                /* "may" as a month is capitalised; "set" only as "set to" */
                if (strcmp(markers[m], "set") == 0 &&
                    !(j + 1 < idx + 1 && word_is(t, &v[j + 1], "to")))
                    continue;
                return true;
            }
    }
    return false;
}

/* Does a future marker follow the expression closely ("Easter will overlap")? */
static bool followed_by_future(const char *t, const tok *v, size_t nt, size_t last)
{
    static const char *const after[] = {"will", "would", "shall", NULL};
    for (size_t j = last + 1; j < nt && j <= last + 2; j++) {
        for (uint32_t p = v[j - 1].end; p < v[j].start; p++)
            if (t[p] == '.' || t[p] == ',' || t[p] == ';' || t[p] == '\n') return false;
        if (!v[j].word) return false;
        for (int m = 0; after[m]; m++)
            if (word_is(t, &v[j], after[m])) return true;
    }
    return false;
}

static bool is_year(int v) { return v >= 1900 && v <= 2100; }

static int add_expr(arena *a, date_expr **v, size_t *n, size_t *cap, const date_expr *e)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        date_expr *nv = arena_grow(a, *v, *cap, nc, sizeof **v);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = *e;
    return 0;
}

static date_expr expr_new(int kind, uint32_t s, uint32_t e)
{
    date_expr x;
    memset(&x, 0, sizeof x);
    x.kind = (uint8_t)kind;
    x.start = s;
    x.end = e;
    x.weekday = -1;
    return x;
}

/* ISO dates written in digits anywhere in the text (2025-04-18). */
static int find_iso(arena *a, const char *t, size_t len, date_expr **v, size_t *n, size_t *cap)
{
    for (size_t i = 0; i + 10 <= len; i++) {
        if (!isdigit((unsigned char)t[i]) || (i > 0 && isalnum((unsigned char)t[i - 1]))) continue;
        if (t[i + 4] != '-' || t[i + 7] != '-') continue;
        date_day d = date_parse_iso(t + i, len - i);
        if (d == DATE_NONE) continue;
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        date_expr e = expr_new(DATE_EXPR_FULL, (uint32_t)i, (uint32_t)(i + 10));
        e.year = (int16_t)y;
        e.month = (int8_t)m;
        e.day = (int8_t)dd;
        if (add_expr(a, v, n, cap, &e)) return -1;
        i += 9;
    }
    return 0;
}

static int cmp_expr(const void *x, const void *y)
{
    const date_expr *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

int date_find(arena *a, const char *t, size_t len, date_expr **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (!t || len == 0) return 0;
    if (len > UINT32_MAX) len = UINT32_MAX;
    tok *v;
    size_t nt;
    if (tokenize(a, t, len, &v, &nt)) return -1;
    date_expr *ex = NULL;
    size_t n = 0, cap = 0;
    if (find_iso(a, t, len, &ex, &n, &cap)) return -1;
    size_t sent_first = 0;
    for (size_t i = 0; i < nt; i++) {
        /* track sentence starts roughly for the future-marker search */
        if (i > 0) {
            for (uint32_t p = v[i - 1].end; p < v[i].start; p++)
                if (t[p] == '\n' || ((t[p] == '.' || t[p] == '!' || t[p] == '?') && p + 1 < v[i].start &&
                                     t[p + 1] == ' ' && isupper((unsigned char)t[v[i].start]))) {
                    sent_first = i;
                    break;
                }
        }
        date_expr e;
        bool abbrev = false;
        int m = month_of(t, &v[i], &abbrev);
        if (m) {
            /* Month [day][,] [year] */
            int day = -1, year = -1;
            size_t j = i + 1, last = i;
            if (j < nt && adjacent(t, &v[i], &v[j], false) && (day = number_of(t, &v[j])) >= 1 && day <= 31) {
                last = j;
                size_t k = j + 1;
                if (k < nt && adjacent(t, &v[j], &v[k], true) && is_year(number_of(t, &v[k]))) {
                    year = number_of(t, &v[k]);
                    last = k;
                }
            } else {
                day = -1;
                if (j < nt && adjacent(t, &v[i], &v[j], true) && is_year(number_of(t, &v[j]))) {
                    year = number_of(t, &v[j]);
                    last = j;
                }
            }
            /* Day Month [year]: "18 April 2025" */
            bool day_before = false;
            if (day < 0 && i > 0 && adjacent(t, &v[i - 1], &v[i], false)) {
                int dv = number_of(t, &v[i - 1]);
                if (dv >= 1 && dv <= 31 && v[i - 1].end - v[i - 1].start <= 4) {
                    /* already part of an expression ending at i-1? ("1 May": "Jan 1 May" is rare) */
                    if (!(n > 0 && ex[n - 1].end > v[i - 1].start)) {
                        day = dv;
                        day_before = true;
                    }
                }
            }
            uint32_t s = day_before ? v[i - 1].start : v[i].start;
            if (day >= 1) {
                e = expr_new(year > 0 ? DATE_EXPR_FULL : DATE_EXPR_MONTH_DAY, s, v[last].end);
                e.day = (int8_t)day;
                e.month = (int8_t)m;
                e.year = (int16_t)(year > 0 ? year : 0);
                if (year > 0 && date_from_ymd(year, m, day) == DATE_NONE) continue;
                /* "Thursday, April 17", "Thursday 17 April": the weekday
                 * the writer gives the day (it says which years fit) */
                size_t f = day_before ? i - 1 : i;
                if (f > 0 && adjacent(t, &v[f - 1], &v[f], true)) e.weekday = (int8_t)weekday_of(t, &v[f - 1]);
            } else if (year > 0) {
                e = expr_new(DATE_EXPR_MONTH_YEAR, s, v[last].end);
                e.month = (int8_t)m;
                e.year = (int16_t)year;
            } else {
                /* a bare month name needs a preposition before it, since
                 * "May" and "March" are also verbs and names */
                static const char *const preps[] = {"in", "since", "by", "until", "from", "of",
                                                    "last", "next", "this", "early", "late",
                                                    "mid", "during", "before", "after", "through",
                                                    "till", "or", "and", "to", "end", NULL};
                bool ok = false;
                if (!abbrev)
                    for (int p = 0; preps[p] && !ok; p++) ok = prev_word_is(t, v, i, preps[p]);
                if (!ok) continue;
                e = expr_new(DATE_EXPR_MONTH, v[i].start, v[i].end);
                e.month = (int8_t)m;
                if (prev_word_is(t, v, i, "last")) e.offset = -1;
                else if (prev_word_is(t, v, i, "next")) e.offset = 1;
            }
            if (prev_word_is(t, v, i, "by") || prev_word_is(t, v, i, "until") || prev_word_is(t, v, i, "next"))
                e.future = true;
            else if ((prev_word_is(t, v, i, "or") || prev_word_is(t, v, i, "and")) && n > 0 &&
                     i >= 2 && ex[n - 1].end == v[i - 2].end)
                e.future = ex[n - 1].future; /* "by April or May" */
            else
                e.future = sentence_future(t, v, sent_first, i);
            if (add_expr(a, &ex, &n, &cap, &e)) return -1;
            i = last;
            continue;
        }
        int w = weekday_of(t, &v[i]);
        if (w >= 0) {
            e = expr_new(DATE_EXPR_WEEKDAY, v[i].start, v[i].end);
            e.weekday = (int8_t)w;
            if (prev_word_is(t, v, i, "last")) e.offset = -1, e.start = v[i - 1].start;
            else if (prev_word_is(t, v, i, "next")) e.offset = 1, e.start = v[i - 1].start;
            else if (prev_word_is(t, v, i, "this")) e.start = v[i - 1].start;
            /* "Palm Sunday", "Good Friday" are holidays */
            if (prev_word_is(t, v, i, "palm") || prev_word_is(t, v, i, "good") ||
                prev_word_is(t, v, i, "easter"))
                goto holiday;
            if (i + 1 < nt && word_is(t, &v[i + 1], "easter")) goto holiday;
            e.future = e.offset > 0 || sentence_future(t, v, sent_first, i);
            if (add_expr(a, &ex, &n, &cap, &e)) return -1;
            continue;
        }
    holiday:
        if (v[i].word && isupper((unsigned char)t[v[i].start])) {
            int hol = 0;
            size_t last = i;
            uint32_t s = v[i].start;
            if (word_is(t, &v[i], "easter")) {
                hol = DATE_HOL_EASTER;
                if (i + 1 < nt && adjacent(t, &v[i], &v[i + 1], false) &&
                    (word_is(t, &v[i + 1], "weekend") || word_is(t, &v[i + 1], "holiday") ||
                     word_is(t, &v[i + 1], "holidays")))
                    hol = DATE_HOL_EASTER_WEEKEND, last = i + 1;
                else if (i + 1 < nt && word_is(t, &v[i + 1], "sunday"))
                    last = i + 1;
            } else if (word_is(t, &v[i], "good") && i + 1 < nt && word_is(t, &v[i + 1], "friday")) {
                hol = DATE_HOL_GOOD_FRIDAY, last = i + 1;
            } else if (word_is(t, &v[i], "palm") && i + 1 < nt && word_is(t, &v[i + 1], "sunday")) {
                hol = DATE_HOL_PALM_SUNDAY, last = i + 1;
            } else if (word_is(t, &v[i], "christmas")) {
                hol = DATE_HOL_CHRISTMAS;
                if (i + 1 < nt && word_is(t, &v[i + 1], "eve")) hol = DATE_HOL_CHRISTMAS_EVE, last = i + 1;
                else if (i + 1 < nt && word_is(t, &v[i + 1], "day")) last = i + 1;
            } else if (word_is(t, &v[i], "new") && i + 2 < nt && word_is(t, &v[i + 1], "year") &&
                       (word_is(t, &v[i + 2], "day") || word_is(t, &v[i + 2], "eve"))) {
                hol = word_is(t, &v[i + 2], "day") ? DATE_HOL_NEW_YEARS_DAY : DATE_HOL_NEW_YEARS_EVE;
                last = i + 2;
            } else if (word_is(t, &v[i], "thanksgiving")) {
                hol = DATE_HOL_THANKSGIVING;
            } else if (word_is(t, &v[i], "halloween")) {
                hol = DATE_HOL_HALLOWEEN;
            }
            if (hol) {
                e = expr_new(DATE_EXPR_HOLIDAY, s, v[last].end);
                e.holiday = (uint8_t)hol;
                e.future = sentence_future(t, v, sent_first, i) || followed_by_future(t, v, nt, last);
                if (add_expr(a, &ex, &n, &cap, &e)) return -1;
                i = last;
                continue;
            }
        }
        if (v[i].number) {
            int y = number_of(t, &v[i]);
            /* "in 2014", "since 2022", "by 2030", "spring 2022" */
            if (is_year(y) && v[i].end - v[i].start == 4 && i > 0 && v[i - 1].word &&
                adjacent(t, &v[i - 1], &v[i], false)) {
                static const char *const yp[] = {"in", "since", "by", "until", "from", "of", "during",
                                                 "spring", "summer", "autumn", "fall", "winter",
                                                 "before", "after", "early", "late", "mid", "end",
                                                 "through", NULL};
                bool ok = false;
                for (int p = 0; yp[p] && !ok; p++) ok = word_is(t, &v[i - 1], yp[p]);
                if (ok) {
                    e = expr_new(DATE_EXPR_YEAR, v[i - 1].start, v[i].end);
                    e.year = (int16_t)y;
                    e.future = word_is(t, &v[i - 1], "by") || word_is(t, &v[i - 1], "until") ||
                               sentence_future(t, v, sent_first, i);
                    if (add_expr(a, &ex, &n, &cap, &e)) return -1;
                }
            }
            /* "3 days ago", "two weeks ago" handled below via words */
            if (y > 0 && y < 100 && i + 2 < nt && word_is(t, &v[i + 2], "ago")) {
                int unit = 0;
                if (word_is(t, &v[i + 1], "days") || word_is(t, &v[i + 1], "day")) unit = DATE_UNIT_DAY;
                else if (word_is(t, &v[i + 1], "weeks") || word_is(t, &v[i + 1], "week")) unit = DATE_UNIT_WEEK;
                else if (word_is(t, &v[i + 1], "months") || word_is(t, &v[i + 1], "month")) unit = DATE_UNIT_MONTH;
                else if (word_is(t, &v[i + 1], "years") || word_is(t, &v[i + 1], "year")) unit = DATE_UNIT_YEAR;
                if (unit) {
                    e = expr_new(unit == DATE_UNIT_DAY ? DATE_EXPR_RELATIVE_DAY : DATE_EXPR_RELATIVE,
                                 v[i].start, v[i + 2].end);
                    e.unit = (uint8_t)unit;
                    e.offset = (int16_t)-y;
                    if (add_expr(a, &ex, &n, &cap, &e)) return -1;
                    i += 2;
                }
            }
            continue;
        }
        if (!v[i].word) continue;
        /* today, yesterday, tomorrow, tonight, last night */
        if (word_is(t, &v[i], "today") || word_is(t, &v[i], "tonight")) {
            e = expr_new(DATE_EXPR_RELATIVE_DAY, v[i].start, v[i].end);
            e.unit = DATE_UNIT_DAY;
            if (add_expr(a, &ex, &n, &cap, &e)) return -1;
            continue;
        }
        if (word_is(t, &v[i], "yesterday") || word_is(t, &v[i], "tomorrow")) {
            e = expr_new(DATE_EXPR_RELATIVE_DAY, v[i].start, v[i].end);
            e.unit = DATE_UNIT_DAY;
            e.offset = word_is(t, &v[i], "yesterday") ? -1 : 1;
            e.future = e.offset > 0;
            if (add_expr(a, &ex, &n, &cap, &e)) return -1;
            continue;
        }
        if (i + 1 < nt && adjacent(t, &v[i], &v[i + 1], false)) {
            int off = 99;
            if (word_is(t, &v[i], "last") || word_is(t, &v[i], "past") || word_is(t, &v[i], "previous"))
                off = -1;
            else if (word_is(t, &v[i], "this") || word_is(t, &v[i], "current")) off = 0;
            else if (word_is(t, &v[i], "next") || word_is(t, &v[i], "coming") || word_is(t, &v[i], "following"))
                off = 1;
            else if (word_is(t, &v[i], "a") || word_is(t, &v[i], "one")) off = 98; /* "a week ago" */
            if (off != 99) {
                int unit = 0;
                const tok *u = &v[i + 1];
                if (word_is(t, u, "week")) unit = DATE_UNIT_WEEK;
                else if (word_is(t, u, "weekend")) unit = DATE_UNIT_WEEKEND;
                else if (word_is(t, u, "month")) unit = DATE_UNIT_MONTH;
                else if (word_is(t, u, "year")) unit = DATE_UNIT_YEAR;
                else if (word_is(t, u, "night") && off == -1) unit = DATE_UNIT_DAY;
                else if (word_is(t, u, "day") && off != 0 && off != 98) unit = DATE_UNIT_DAY;
                if (off == 98) {
                    if (unit && unit != DATE_UNIT_WEEKEND && i + 2 < nt && word_is(t, &v[i + 2], "ago")) {
                        e = expr_new(unit == DATE_UNIT_DAY ? DATE_EXPR_RELATIVE_DAY : DATE_EXPR_RELATIVE,
                                     v[i].start, v[i + 2].end);
                        e.unit = (uint8_t)unit;
                        e.offset = -1;
                        if (add_expr(a, &ex, &n, &cap, &e)) return -1;
                        i += 2;
                    }
                    continue;
                }
                if (unit) {
                    e = expr_new(unit == DATE_UNIT_DAY ? DATE_EXPR_RELATIVE_DAY : DATE_EXPR_RELATIVE,
                                 v[i].start, v[i + 1].end);
                    e.unit = (uint8_t)unit;
                    e.offset = (int16_t)off;
                    e.narrative = word_is(t, &v[i], "previous") || word_is(t, &v[i], "following");
                    e.future = off > 0 || (off == 0 && sentence_future(t, v, sent_first, i));
                    if (add_expr(a, &ex, &n, &cap, &e)) return -1;
                    i += 1;
                    continue;
                }
            }
        }
    }
    if (n > 1) qsort(ex, n, sizeof *ex, cmp_expr);
    *out = ex;
    *n_out = n;
    return 0;
}

/* ---- Resolution ------------------------------------------------------------- */

static date_day month_start(int y, int m) { return date_from_ymd(y, m, 1); }
static date_day month_end(int y, int m) { return date_from_ymd(y, m, date_days_in_month(y, m)); }

int date_resolve(const date_expr *e, date_day ref, date_day *first, date_day *last)
{
    *first = *last = DATE_NONE;
    int ry = 0, rm = 0, rd = 0;
    if (ref != DATE_NONE) date_to_ymd(ref, &ry, &rm, &rd);
    switch (e->kind) {
    case DATE_EXPR_FULL:
        *first = *last = date_from_ymd(e->year, e->month, e->day);
        break;
    case DATE_EXPR_MONTH_YEAR:
        *first = month_start(e->year, e->month);
        *last = month_end(e->year, e->month);
        break;
    case DATE_EXPR_YEAR:
        *first = date_from_ymd(e->year, 1, 1);
        *last = date_from_ymd(e->year, 12, 31);
        break;
    case DATE_EXPR_MONTH_DAY: {
        if (ref == DATE_NONE) return -1;
        /* the occurrence nearest the reference, leaning to the past unless
         * the sentence points forward */
        date_day best = DATE_NONE;
        for (int y = ry - 1; y <= ry + 1; y++) {
            date_day d = date_from_ymd(y, e->month, e->day);
            if (d == DATE_NONE) continue;
            long dist = (long)d - ref;
            if (e->future ? dist < -3 : dist > 3) continue;
            if (best == DATE_NONE || labs(dist) < labs((long)best - ref)) best = d;
        }
        if (best == DATE_NONE) best = date_from_ymd(ry, e->month, e->day);
        *first = *last = best;
        break;
    }
    case DATE_EXPR_MONTH: {
        if (ref == DATE_NONE) return -1;
        int y = ry;
        if (e->offset < 0) y = e->month >= rm ? ry - 1 : ry;
        else if (e->offset > 0 || e->future) y = e->month < rm ? ry + 1 : ry;
        else y = e->month > rm ? ry - 1 : ry;
        *first = month_start(y, e->month);
        *last = month_end(y, e->month);
        break;
    }
    case DATE_EXPR_WEEKDAY: {
        if (ref == DATE_NONE) return -1;
        int rw = date_weekday(ref);
        date_day d;
        if (e->offset > 0) {
            int ahead = (e->weekday - rw + 7) % 7;
            d = ref + (ahead == 0 ? 7 : ahead);
        } else if (e->offset < 0) {
            int back = (rw - e->weekday + 7) % 7;
            d = ref - (back == 0 ? 7 : back);
        } else if (e->future) {
            d = ref + (e->weekday - rw + 7) % 7;
        } else {
            d = ref - (rw - e->weekday + 7) % 7;
        }
        *first = *last = d;
        break;
    }
    case DATE_EXPR_RELATIVE_DAY:
        if (ref == DATE_NONE) return -1;
        switch (e->unit) {
        case DATE_UNIT_WEEK: *first = *last = ref + 7 * e->offset; break;
        default: *first = *last = ref + e->offset; break;
        }
        break;
    case DATE_EXPR_RELATIVE: {
        if (ref == DATE_NONE) return -1;
        int off = e->offset;
        switch (e->unit) {
        case DATE_UNIT_WEEK: {
            date_day monday = ref - date_weekday(ref) + 7 * off;
            *first = monday;
            *last = monday + 6;
            break;
        }
        case DATE_UNIT_WEEKEND: {
            date_day sat = ref - date_weekday(ref) + 5;
            if (off < 0) sat -= 7;
            else if (off > 0 && date_weekday(ref) >= 5) sat += 7;
            *first = sat;
            *last = sat + 1;
            break;
        }
        case DATE_UNIT_MONTH: {
            date_day d = date_add_months(ref, off);
            int y, m;
            date_to_ymd(d, &y, &m, NULL);
            *first = month_start(y, m);
            *last = month_end(y, m);
            break;
        }
        case DATE_UNIT_YEAR:
            *first = date_from_ymd(ry + off, 1, 1);
            *last = date_from_ymd(ry + off, 12, 31);
            break;
        default: return -1;
        }
        break;
    }
    case DATE_EXPR_HOLIDAY: {
        if (ref == DATE_NONE) return -1;
        date_day best = DATE_NONE;
        for (int y = ry - 1; y <= ry + 1; y++) {
            date_day d = holiday_day(e->holiday, y);
            if (d == DATE_NONE) continue;
            long dist = (long)d - ref;
            if (e->future ? dist < -3 : dist > 3) continue;
            if (best == DATE_NONE || labs(dist) < labs((long)best - ref)) best = d;
        }
        if (best == DATE_NONE) return -1;
        *first = *last = best;
        if (e->holiday == DATE_HOL_EASTER_WEEKEND) {
            *first = best - 2;
            *last = best + 1;
        }
        break;
    }
    default: return -1;
    }
    return *first == DATE_NONE ? -1 : 0;
}

/* ---- Inference ------------------------------------------------------------------ */

/* How well "something happened on day d" fits a text written on day c,
 * for a past-tense mention: best on the day and the next, then decaying. */
static double past_day_fit(long diff)
{
    if (diff < -2) return -0.5; /* a past event after the writing: impossible */
    if (diff < 0) return 0.2;   /* time zones, late edits */
    if (diff <= 1) return 1.0;
    if (diff <= 7) return 0.6;
    if (diff <= 31) return 0.25;
    if (diff <= 365) return 0.05;
    return 0.0;
}

static double future_day_fit(long diff) /* diff = c - d, negative before d */
{
    if (diff > 1) return diff <= 7 ? 0.15 : 0.0;
    /* a date the text looks forward to is most often near */
    if (diff >= -90) return 0.2 + 0.4 * exp((double)diff / 20.0);
    if (diff >= -365) return 0.1;
    return 0.0;
}

/* A candidate day, taken apart once for all expressions: the window is
 * walked day by day, the calendar fields carried along. */
typedef struct cand {
    date_day c;
    int y, m, d, w;
} cand;

static void cand_next(cand *k)
{
    k->c++;
    k->w = k->w == 6 ? 0 : k->w + 1;
    if (++k->d > date_days_in_month(k->y, k->m)) {
        k->d = 1;
        if (++k->m > 12) {
            k->m = 1;
            k->y++;
        }
    }
}

/* A voting expression with the days it implies worked out once: the day of
 * an explicit date, the month of "November 2024", and for each year of the
 * window (y0 - 1 .. y1 + 1) the day of "April 18" or "Easter" or the first
 * day of "in November". Scoring a candidate day is then table look-ups. */
typedef struct voter {
    const date_expr *e;
    date_day fixed, fixed_end; /* FULL: the day; MONTH_YEAR: the month */
    date_day *per_year;        /* MONTH_DAY, HOLIDAY, MONTH: index year - y0 + 1 */
    /* A day-month with a weekday beside it, or a day-month and a movable
     * feast tied to each other: whether each year's day fits the pair
     * (same index as per_year), else NULL */
    bool *fits;
} voter;

/* A movable feast falls on another day each year. */
static bool holiday_movable(int hol)
{
    return hol == DATE_HOL_EASTER || hol == DATE_HOL_EASTER_WEEKEND || hol == DATE_HOL_GOOD_FRIDAY ||
           hol == DATE_HOL_PALM_SUNDAY || hol == DATE_HOL_THANKSGIVING;
}

/* Does day d fall on the feast hol of its year? */
static bool on_holiday(int hol, int year, date_day d)
{
    date_day h = holiday_day(hol, year);
    if (h == DATE_NONE) return false;
    if (hol == DATE_HOL_EASTER_WEEKEND) return d >= h - 2 && d <= h + 1;
    return d == h;
}

/* tie: the expression e is tied to (a movable feast for a day-month, a
 * day-month for a feast), or NULL. */
static int voter_init(arena *a, voter *v, const date_expr *e, int y0, int y1, const date_expr *tie)
{
    v->e = e;
    v->fixed = v->fixed_end = DATE_NONE;
    v->per_year = NULL;
    v->fits = NULL;
    switch (e->kind) {
    case DATE_EXPR_FULL: v->fixed = date_from_ymd(e->year, e->month, e->day); return 0;
    case DATE_EXPR_MONTH_YEAR:
        v->fixed = month_start(e->year, e->month);
        v->fixed_end = month_end(e->year, e->month);
        return 0;
    case DATE_EXPR_MONTH_DAY:
    case DATE_EXPR_MONTH:
    case DATE_EXPR_HOLIDAY: break;
    default: return 0;
    }
    size_t ny = (size_t)(y1 - y0 + 3);
    v->per_year = arena_alloc(a, ny * sizeof *v->per_year);
    if (!v->per_year) return -1;
    for (size_t i = 0; i < ny; i++) {
        int y = y0 - 1 + (int)i;
        v->per_year[i] = e->kind == DATE_EXPR_MONTH_DAY ? date_from_ymd(y, e->month, e->day)
                         : e->kind == DATE_EXPR_MONTH   ? month_start(y, e->month)
                                                        : holiday_day(e->holiday, y);
    }
    if ((e->kind == DATE_EXPR_MONTH_DAY && (e->weekday >= 0 || tie)) || (e->kind == DATE_EXPR_HOLIDAY && tie)) {
        v->fits = arena_alloc(a, ny * sizeof *v->fits);
        if (!v->fits) return -1;
        for (size_t i = 0; i < ny; i++) {
            int y = y0 - 1 + (int)i;
            if (e->kind == DATE_EXPR_HOLIDAY) {
                v->fits[i] = on_holiday(e->holiday, y, date_from_ymd(y, tie->month, tie->day));
                continue;
            }
            date_day d = v->per_year[i];
            v->fits[i] = d != DATE_NONE && (e->weekday < 0 || date_weekday(d) == e->weekday) &&
                         (!tie || on_holiday(tie->holiday, y, d));
        }
    }
    return 0;
}

/* What is left of a day-month's fit in a year where it is not on the
 * weekday, or the feast, the text gives it. */
#define MISFIT 0.25
/* What a year further from the text's latest named year (or its photo's
 * date) costs a candidate day: as much as a fair piece of evidence when the
 * text says that year is its recent past; little when it may be history. */
#define YEAR_COST 0.5
#define YEAR_COST_LOOSE 0.02

static double expr_fit(const voter *v, const cand *k, const int *contrast_year, int y0)
{
    const date_expr *e = v->e;
    date_day c = k->c;
    int cy = k->y, cm = k->m;
    switch (e->kind) {
    case DATE_EXPR_FULL: {
        date_day d = v->fixed;
        if (d == DATE_NONE) return 0;
        return e->future ? future_day_fit((long)c - d) : past_day_fit((long)c - d);
    }
    case DATE_EXPR_MONTH_DAY: {
        /* the occurrence the writer on day c would mean; one on another
         * weekday than the text gives it, or off the feast the sentence
         * ties it to, is a poor fit */
        double best = 0;
        for (int y = cy - 1; y <= cy + 1; y++) {
            date_day d = v->per_year[y - y0 + 1];
            if (d == DATE_NONE) continue;
            double f = e->future ? future_day_fit((long)c - d) : past_day_fit((long)c - d);
            if (v->fits && !v->fits[y - y0 + 1] && f > 0) f *= MISFIT;
            if (f > best) best = f;
        }
        return best;
    }
    case DATE_EXPR_MONTH_YEAR:
    case DATE_EXPR_MONTH: {
        int y;
        if (e->kind == DATE_EXPR_MONTH_YEAR) {
            y = e->year;
        } else if (e->future) {
            y = e->month >= cm ? cy : cy + 1;
        } else {
            y = e->month <= cm ? cy : cy - 1;
        }
        if (e->kind == DATE_EXPR_MONTH && contrast_year[e->month] && contrast_year[e->month] == y)
            return 0; /* "in November" beside "November 2024" is another November */
        if (e->kind == DATE_EXPR_MONTH_YEAR && contrast_year[e->month] == e->year && !e->future)
            /* ... and "November 2024" then a November before it: the text
             * is written after it, but not soon after */
            return c > v->fixed_end ? 0.05 : c >= v->fixed ? 0 : -0.5;
        date_day s, en;
        if (e->kind == DATE_EXPR_MONTH_YEAR) {
            s = v->fixed;
            en = v->fixed_end;
        } else {
            s = v->per_year[y - y0 + 1];
            en = s == DATE_NONE ? DATE_NONE : s + date_days_in_month(y, e->month) - 1;
        }
        double w = e->kind == DATE_EXPR_MONTH_YEAR ? 0.8 : 0.7;
        if (c >= s && c <= en) return e->future ? 0.5 : w * 0.9;
        if (c > en) {
            if (e->future) return 0.05;
            /* "in November" says "some time after November": a slow decay */
            double d = (double)(c - en);
            return d >= 120 ? 0.05 : w * (1.0 - d / 130.0);
        }
        /* c before the month */
        if (!e->future) return e->kind == DATE_EXPR_MONTH_YEAR && s - c > 3 ? -0.5 : 0.05;
        return 0.5 * exp(-(double)(s - c) / 60.0);
    }
    case DATE_EXPR_YEAR: {
        if (e->future) return cy <= e->year ? 0.1 : 0.0;
        if (cy < e->year) return -0.5;
        if (cy == e->year) return 0.3;
        if (cy == e->year + 1) return 0.15;
        if (cy <= e->year + 3) return 0.05;
        return 0;
    }
    case DATE_EXPR_WEEKDAY: {
        int cw = k->w;
        if (e->offset < 0) {
            int back = (cw - e->weekday + 7) % 7;
            return back == 0 ? 0.3 : 0.6;
        }
        if (e->offset > 0 || e->future) {
            int ahead = (e->weekday - cw + 7) % 7;
            return ahead == 0 ? 0.3 : 0.5;
        }
        static const double fit[7] = {1.0, 0.8, 0.4, 0.25, 0.2, 0.15, 0.15};
        return fit[(cw - e->weekday + 7) % 7];
    }
    case DATE_EXPR_HOLIDAY: {
        double best = 0;
        for (int y = cy - 1; y <= cy + 1; y++) {
            date_day d = v->per_year[y - y0 + 1];
            if (d == DATE_NONE) continue;
            double f;
            if (e->holiday == DATE_HOL_EASTER_WEEKEND) {
                date_day gf = d - 2, em = d + 1;
                if (c >= gf - 1 && c <= em) f = 1.0;
                else f = e->future ? future_day_fit((long)c - gf) : past_day_fit((long)c - em);
            } else {
                f = e->future ? future_day_fit((long)c - d) : past_day_fit((long)c - d);
            }
            if (v->fits && !v->fits[y - y0 + 1] && f > 0) f *= MISFIT;
            if (f > best) best = f;
        }
        return 0.8 * best;
    }
    default: return 0;
    }
}

/* The movable feast a yearless day-month is tied to: one named in the
 * same sentence, with no other date between them ("by 20 April, a date on
 * which both Western and Orthodox celebrations of Easter will overlap").
 * The pair says which years fit, as "Thursday, April 17" does: those where
 * the feast falls on that day. Its index in ex, or n when there is none. */
static size_t tied_feast(const char *text, size_t len, const date_expr *ex, size_t n, size_t i)
{
    if (ex[i].kind != DATE_EXPR_MONTH_DAY || !text) return n;
    for (int dir = -1; dir <= 1; dir += 2) {
        size_t j = i;
        while (dir < 0 ? j-- > 0 : ++j < n) {
            const date_expr *h = &ex[j];
            uint32_t from = dir < 0 ? h->end : ex[i].end, to = dir < 0 ? ex[i].start : h->start;
            if (to < from || to - from > 200 || to > len) break;
            bool end = false;
            for (uint32_t p = from; p < to && !end; p++)
                end = text[p] == '\n' || text[p] == '!' || text[p] == '?' || text[p] == ';' ||
                      (text[p] == '.' && p + 1 < to && text[p + 1] == ' ');
            if (end) break;
            if (h->kind == DATE_EXPR_HOLIDAY && holiday_movable(h->holiday)) return j;
            if (h->kind != DATE_EXPR_RELATIVE && h->kind != DATE_EXPR_RELATIVE_DAY) break;
        }
    }
    return n;
}

static bool votes(const date_expr *e)
{
    return e->kind != DATE_EXPR_RELATIVE && e->kind != DATE_EXPR_RELATIVE_DAY;
}

/* Widens [*lo, *hi] to hold [from, to]. */
static void widen(date_day *lo, date_day *hi, date_day from, date_day to)
{
    if (from == DATE_NONE || to == DATE_NONE) return;
    if (*lo == DATE_NONE || from < *lo) *lo = from;
    if (*hi == DATE_NONE || to > *hi) *hi = to;
}

int date_infer_reference(arena *a, const char *text, size_t len, const date_expr *exprs, size_t n,
                         const date_hints *hints, date_inference *out)
{
    date_hints none = DATE_HINTS_INIT;
    if (!hints) hints = &none;
    memset(out, 0, sizeof *out);
    out->day = DATE_NONE;
    if (!exprs) {
        date_expr *found;
        if (date_find(a, text, len, &found, &n)) return -1;
        exprs = found;
    }
    date_day latest = hints->latest;
    /* A bare month name that also appears with a year refers to another
     * year than that one (the latest such year is remembered). */
    int contrast_year[13] = {0};
    bool bare[13] = {false};
    int max_year = 0, n_votes = 0;
    for (size_t i = 0; i < n; i++) {
        const date_expr *e = &exprs[i];
        if (e->kind == DATE_EXPR_MONTH) bare[e->month] = true;
        if ((e->kind == DATE_EXPR_MONTH_YEAR || e->kind == DATE_EXPR_FULL) && e->year > contrast_year[e->month])
            contrast_year[e->month] = e->year;
        if (!e->future && e->year > max_year &&
            (e->kind == DATE_EXPR_YEAR || e->kind == DATE_EXPR_MONTH_YEAR || e->kind == DATE_EXPR_FULL))
            max_year = e->year;
        if (votes(e)) n_votes++;
    }
    for (int m = 1; m <= 12; m++)
        if (!bare[m]) contrast_year[m] = 0;
    /* A text that sets a month of its latest named year against the same
     * month bare ("in November" beside "November 2024") names that year as
     * the recent past: it is written in the next one or soon after, and
     * its named year places it firmly. Otherwise a named year may be
     * history ("annexed in 2014") and places the text only loosely. */
    double year_cost = YEAR_COST_LOOSE;
    for (int m = 1; m <= 12; m++)
        if (contrast_year[m] && contrast_year[m] == max_year) year_cost = YEAR_COST;
    out->n_evidence = n_votes;
    if (n_votes == 0 && hints->n_peers == 0) {
        out->n_evidence = 0;
        if (hints->given != DATE_NONE) {
            out->day = hints->given;
            out->confidence = 0.3;
        }
        return 0;
    }

    date_day lo, hi;
    if (hints->given != DATE_NONE) {
        lo = hints->given - 730;
        hi = hints->given + 2;
    } else if (latest != DATE_NONE) {
        /* Up to the reference, from what places the text: the latest year
         * it names, its photo's date; with neither, from twenty years back
         * (the text alone must then place itself: a weekday beside a
         * day-month, a feast tied to a day, a month with a year). The
         * peers' days are always in. */
        hi = latest;
        lo = DATE_NONE;
        date_day top = DATE_NONE;
        if (max_year) widen(&lo, &top, date_from_ymd(max_year, 1, 1), hi);
        if (hints->not_before != DATE_NONE) widen(&lo, &top, hints->not_before, hi);
        if (lo == DATE_NONE || lo > hi) lo = hi - 7305;
        for (size_t p = 0; p < hints->n_peers; p++)
            if (hints->peers[p] != DATE_NONE) widen(&lo, &top, hints->peers[p] - 7, hi);
        if (hi - lo > 7305) lo = hi - 7305;
    } else {
        /* No bound from outside the text: only the years its explicit
         * dates name, the date of its photo and the days of its peers say
         * when it can have been written. */
        lo = hi = DATE_NONE;
        if (max_year) widen(&lo, &hi, date_from_ymd(max_year, 1, 1), date_from_ymd(max_year + 2, 12, 31));
        if (hints->not_before != DATE_NONE) widen(&lo, &hi, hints->not_before, hints->not_before + 730);
        for (size_t p = 0; p < hints->n_peers; p++)
            if (hints->peers[p] != DATE_NONE) widen(&lo, &hi, hints->peers[p] - 7, hints->peers[p] + 7);
        if (lo == DATE_NONE) return 0;
        if (hi - lo > 7305) lo = hi - 7305;
    }
    if (hints->not_before != DATE_NONE && hints->not_before > lo && hints->not_before <= hi)
        lo = hints->not_before;
    if (latest != DATE_NONE && hi > latest + 2) hi = latest + 2;
    if (lo > hi) lo = hi;
    /* Equally supported days: the one nearest the given date; else the
     * earliest after what dates the text (its photo, its explicit years);
     * else the latest before the reference. The reference only bounds the
     * text: it is when the text was first seen, which may be years after
     * it was written, so it never draws an ambiguous text towards it. */
    bool toward_lo = hints->not_before != DATE_NONE || max_year || latest == DATE_NONE;
    /* A text is most often written soon after its photo, and soon after
     * the latest year it names: a year later costs as much as a weak piece
     * of evidence. The cost runs from that anchor, not from the window's
     * start (which peers may move). A text with neither is, all else
     * equal, a little more likely the nearer it is to when it was first
     * seen: so little that any evidence of its own outweighs years of it. */
    bool anchored = hints->not_before != DATE_NONE || max_year;

    size_t span = (size_t)(hi - lo + 1);
    /* score: the evidence and the leanings above; evidence: the evidence
     * alone, what the scores reported for the given and latest days
     * compare (a leaning never makes a text disagree with a stated date) */
    double *score = arena_alloc(a, span * sizeof *score);
    double *evidence = arena_alloc(a, span * sizeof *evidence);
    if (!score || !evidence) return -1;
    /* The first MAX_VOTES voting expressions: the top of an article dates
     * it, and the cost stays bounded on long pages. */
    enum { MAX_VOTES = 80 };
    voter voters[MAX_VOTES];
    size_t nv = 0;
    int y0, y1;
    date_to_ymd(lo, &y0, NULL, NULL);
    date_to_ymd(hi, &y1, NULL, NULL);
    /* Weekdays vote the same in every week and bare years the same all
     * year: their votes are summed once per weekday and per year. */
    double by_weekday[7] = {0};
    size_t ny = (size_t)(y1 - y0 + 1);
    double *by_year = arena_alloc(a, ny * sizeof *by_year);
    if (!by_year) return -1;
    memset(by_year, 0, ny * sizeof *by_year);
    /* Day-months and the movable feasts tied to them, both ways. */
    size_t *tied = arena_alloc(a, (n ? n : 1) * sizeof *tied);
    if (!tied) return -1;
    for (size_t i = 0; i < n; i++) tied[i] = n;
    for (size_t i = 0; i < n; i++) {
        size_t j = tied_feast(text, len, exprs, n, i);
        if (j < n && tied[j] == n) tied[i] = j, tied[j] = i;
    }
    for (size_t i = 0, taken = 0; i < n && taken < MAX_VOTES; i++) {
        const date_expr *e = &exprs[i];
        if (!votes(e)) continue;
        taken++;
        if (e->kind == DATE_EXPR_WEEKDAY || e->kind == DATE_EXPR_YEAR) {
            voter v = {e, DATE_NONE, DATE_NONE, NULL, NULL};
            cand k = {0, y0, 1, 1, 0};
            if (e->kind == DATE_EXPR_WEEKDAY)
                for (k.w = 0; k.w < 7; k.w++) by_weekday[k.w] += expr_fit(&v, &k, contrast_year, y0);
            else
                for (k.y = y0; k.y <= y1; k.y++) by_year[k.y - y0] += expr_fit(&v, &k, contrast_year, y0);
            continue;
        }
        if (voter_init(a, &voters[nv++], e, y0, y1, tied[i] < n ? &exprs[tied[i]] : NULL)) return -1;
    }
    cand kc = {lo, 0, 0, 0, date_weekday(lo)};
    date_to_ymd(lo, &kc.y, &kc.m, &kc.d);
    for (size_t k = 0; k < span; k++, cand_next(&kc)) {
        date_day c = kc.c;
        double s = by_weekday[kc.w] + by_year[kc.y - y0];
        for (size_t i = 0; i < nv; i++) s += expr_fit(&voters[i], &kc, contrast_year, y0);
        for (size_t p = 0; p < hints->n_peers; p++) {
            if (hints->peers[p] == DATE_NONE) continue;
            long dd = labs((long)c - hints->peers[p]);
            double q = hints->peer_confidence ? hints->peer_confidence[p] : 0.5;
            double f = dd == 0 ? 1.0 : dd == 1 ? 0.6 : dd <= 3 ? 0.3 : dd <= 7 ? 0.1 : 0;
            s += 2.0 * q * f;
        }
        double tie;
        if (hints->given != DATE_NONE) tie = -1e-4 * (double)labs((long)hints->given - c);
        else if (anchored) {
            /* a year after the latest named year costs year_cost, the same
             * year nothing; a day after the photo's date costs by the day */
            double cost = max_year ? year_cost * abs(kc.y - max_year) : 0;
            if (hints->not_before != DATE_NONE) {
                double nb = YEAR_COST / 365.0 * (double)labs((long)c - hints->not_before);
                if (nb > cost) cost = nb;
            }
            tie = -cost - 1e-5 * (double)(c - lo);
        }
        else if (toward_lo) tie = -1e-5 * (double)(c - lo);
        else tie = -0.03 / 365.0 * (double)(hi - c);
        score[k] = s + tie;
        evidence[k] = s;
    }
    size_t best = 0;
    for (size_t k = 1; k < span; k++)
        if (score[k] > score[best]) best = k;
    /* Confidence: the share of the evidence, read as a soft-max over all
     * candidate days, that falls within a day of the winner. Rival Fridays
     * of the same month, or the same season of another year, take their
     * share. */
    double s1 = score[best], mass = 0, near = 0, season = 0;
    for (size_t k = 0; k < span; k++) {
        /* a day far below the best adds nothing a double can hold */
        if (score[k] - s1 < -13.0) continue;
        double p = exp(3.0 * (score[k] - s1));
        mass += p;
        if (k + 1 >= best && k <= best + 1) near += p;
        if (k + 45 >= best && k <= best + 45) season += p;
    }
    out->day = lo + (date_day)best;
    out->score = evidence[best];
    double strength = evidence[best] / 2.5;
    if (strength > 1) strength = 1;
    double conf = mass > 0 ? near / mass * strength : 0;
    if (conf < 0) conf = 0;
    if (conf > 1) conf = 1;
    out->confidence = conf;
    out->season_confidence = mass > 0 ? season / mass * strength : 0;
    if (out->season_confidence > 1) out->season_confidence = 1;
    if (hints->given != DATE_NONE && hints->given >= lo && hints->given <= hi)
        out->given_score = evidence[hints->given - lo];
    if (hints->given == DATE_NONE && latest != DATE_NONE && latest >= lo && latest <= hi)
        out->latest_score = evidence[latest - lo];
    if (evidence[best] <= 0) out->day = hints->given != DATE_NONE ? hints->given : DATE_NONE;
    return 0;
}

int date_event(const char *text, size_t len, const date_expr *exprs, size_t n, date_day ref,
               date_inference *out)
{
    memset(out, 0, sizeof *out);
    out->day = ref;
    if (ref == DATE_NONE) return 0;
    /* Candidate days: single days the text points at, in the week before
     * the reference (events reported are recent); weight by position. */
    enum { WINDOW = 14 };
    double w[WINDOW + 1] = {0};
    double total = 0;
    size_t para = 0, pos = 0;
    for (size_t i = 0; i < n; i++) {
        const date_expr *e = &exprs[i];
        while (pos < e->start && pos < len) {
            if (text[pos] == '\n') para++;
            pos++;
        }
        if (e->future || e->narrative || e->kind == DATE_EXPR_RELATIVE || e->kind == DATE_EXPR_YEAR ||
            e->kind == DATE_EXPR_MONTH || e->kind == DATE_EXPR_MONTH_YEAR)
            continue;
        date_day f, l;
        if (date_resolve(e, ref, &f, &l)) continue;
        if (e->kind == DATE_EXPR_HOLIDAY && e->holiday == DATE_HOL_EASTER_WEEKEND) continue;
        if (f != l) continue;
        long back = (long)ref - f;
        if (back < 0 || back > WINDOW) continue;
        double pw = 1.0 / (1.0 + 0.15 * (double)para);
        w[back] += pw;
        total += pw;
    }
    if (total == 0) {
        out->confidence = 0.3;
        return 0;
    }
    int best = 0;
    for (int b = 1; b <= WINDOW; b++)
        if (w[b] > w[best]) best = b;
    out->day = ref - best;
    out->score = w[best];
    out->confidence = w[best] / total;
    return 0;
}
