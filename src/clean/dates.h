/* dates.h - calendar days, time expressions in text, and the dates an
 * article is about.
 *
 * A day is an int32 count of days since 1970-01-01 (proleptic Gregorian),
 * DATE_NONE when unknown. date_find() lists the time expressions of an
 * English text ("April 18", "18 April 2025", "in November", "on Friday",
 * "Tuesday evening", "last month", "next week", "Easter", "2025-04-18");
 * date_resolve() turns one into a span of days against a reference day
 * (the publication date); date_infer_reference() works the publication day
 * out of a text when it is unknown, by letting every expression vote for the
 * days it is consistent with; date_event() picks the day of the events
 * reported. The entity stage reuses these for its time expressions. */
#ifndef ACCORD_CLEAN_DATES_H
#define ACCORD_CLEAN_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

typedef int32_t date_day;
#define DATE_NONE INT32_MIN

/* ---- Calendar ------------------------------------------------------------ */

date_day date_from_ymd(int y, int m, int d); /* DATE_NONE when not a real day */
void date_to_ymd(date_day day, int *y, int *m, int *d);
int date_weekday(date_day day);       /* 0 Monday .. 6 Sunday */
int date_days_in_month(int y, int m); /* 0 when m is not 1..12 */
date_day date_add_months(date_day day, int months); /* clamps the day of month */
/* Parses an ISO-like date at the start of s: YYYY-MM-DD, YYYY/MM/DD,
 * YYYY.MM.DD or YYYYMMDD (the latter only when followed by a non-digit).
 * DATE_NONE when there is none. */
date_day date_parse_iso(const char *s, size_t len);
/* Writes YYYY-MM-DD and a NUL into out (11 bytes). */
void date_format(date_day day, char out[11]);
date_day date_easter(int year);          /* Western (Gregorian) Easter Sunday */
date_day date_orthodox_easter(int year); /* Orthodox Easter Sunday, as a Gregorian day */

/* ---- Time expressions ------------------------------------------------------ */

typedef enum date_expr_kind {
    DATE_EXPR_FULL = 1,       /* 18 April 2025, April 18, 2025, 2025-04-18 */
    DATE_EXPR_MONTH_DAY,      /* April 18, 18 April: the year comes from the reference */
    DATE_EXPR_MONTH_YEAR,     /* November 2024 */
    DATE_EXPR_MONTH,          /* in November */
    DATE_EXPR_YEAR,           /* in 2014 */
    DATE_EXPR_WEEKDAY,        /* on Friday, Tuesday evening, last Friday, Friday's */
    DATE_EXPR_RELATIVE_DAY,   /* today, yesterday, tomorrow, tonight, last night */
    DATE_EXPR_RELATIVE,       /* last / this / next week, month, year; the following week; 3 days ago */
    DATE_EXPR_HOLIDAY,        /* Easter, Good Friday, Palm Sunday, Christmas, New Year's Day */
} date_expr_kind;

typedef enum date_unit { DATE_UNIT_DAY = 1, DATE_UNIT_WEEK, DATE_UNIT_WEEKEND, DATE_UNIT_MONTH, DATE_UNIT_YEAR } date_unit;

typedef enum date_holiday {
    DATE_HOL_EASTER = 1,     /* Easter Sunday */
    DATE_HOL_EASTER_WEEKEND, /* Good Friday .. Easter Monday */
    DATE_HOL_GOOD_FRIDAY,
    DATE_HOL_PALM_SUNDAY,
    DATE_HOL_CHRISTMAS,
    DATE_HOL_CHRISTMAS_EVE,
    DATE_HOL_NEW_YEARS_DAY,
    DATE_HOL_NEW_YEARS_EVE,
    DATE_HOL_THANKSGIVING, /* US: fourth Thursday of November */
    DATE_HOL_HALLOWEEN,
} date_holiday;

typedef struct date_expr {
    uint32_t start, end; /* byte span in the text */
    uint8_t kind;        /* date_expr_kind */
    uint8_t unit;        /* date_unit, for DATE_EXPR_RELATIVE */
    uint8_t holiday;     /* date_holiday, for DATE_EXPR_HOLIDAY */
    bool future;         /* the sentence points forward ("will", "next", "by", "scheduled") */
    bool narrative;      /* relative to the story's own time, not to the writing:
                            "the previous day", "the following week" */
    int8_t weekday;      /* 0..6, or -1; for a day and month, the weekday written
                            beside it ("Thursday, April 17") */
    int8_t month;        /* 1..12, or 0 */
    int8_t day;          /* 1..31, or 0 */
    int16_t offset;      /* relative: -1 last / yesterday, 0 this / today, +1 next; -N for "N ago" */
    int16_t year;        /* or 0 */
} date_expr;

/* Finds the time expressions of text[0..len), in order. *out lives in a.
 * 0 or -1 (out of memory). */
int date_find(arena *a, const char *text, size_t len, date_expr **out, size_t *n);

/* The span of days [*first, *last] an expression means when the text was
 * written on day ref. 0, or -1 when it cannot be resolved (no reference,
 * or an expression without a day such as a bare year with no reference). */
int date_resolve(const date_expr *e, date_day ref, date_day *first, date_day *last);

/* ---- Dates of an article ------------------------------------------------------ */

typedef struct date_hints {
    date_day given;      /* the date the article came with, or DATE_NONE */
    date_day not_before; /* e.g. the date of a photo caption: the article is not older */
    /* The latest possible day: the reference the text is known to exist by
     * (its fetch or first ingest). DATE_NONE: no such bound; the window is
     * then set by the text's own explicit dates, the caption date and the
     * peers alone, and a text with none of them is not dated. Nothing here
     * reads the clock. */
    date_day latest;
    /* Reference days of related articles (same story), with their confidence:
     * they pull an uncertain inference towards them. May be NULL. */
    const date_day *peers;
    const double *peer_confidence;
    size_t n_peers;
} date_hints;

#define DATE_HINTS_INIT {DATE_NONE, DATE_NONE, DATE_NONE, NULL, NULL, 0}

typedef struct date_inference {
    date_day day;      /* DATE_NONE when nothing in the text dates it */
    double confidence; /* 0..1: the share of the evidence within a day of day */
    double season_confidence; /* 0..1: within six weeks of day (the month and year are right) */
    double score;      /* the evidence for day */
    double given_score; /* the evidence for the given day (when there is one) */
    double latest_score; /* the evidence for hints->latest (when set and no given day) */
    int n_evidence;    /* expressions that voted */
} date_inference;

/* Works out the day a text was written from its time expressions: explicit
 * dates, month names, weekdays, holidays and years each vote for the days
 * they are consistent with; the best-supported day wins. A weekday written
 * beside a day-month ("Thursday, April 17"), and a movable feast tied to a
 * day-month in one sentence ("by 20 April, when Easter falls"), vote for
 * the years where they agree. The candidate days run from the given date
 * back two years; else up to hints->latest from the latest explicit year
 * the text names or the caption date (or, with neither, twenty years
 * back), the peers' days always included; else, with no bound at all, over
 * the years the text's explicit dates, the caption date and the peers
 * imply. hints->latest only bounds: it never draws the text towards it.
 * Where the evidence is ambiguous between years, the day nearest the given
 * date wins; else the one nearest the caption date or the latest named
 * year (firmly when the text sets that year against the same month bare,
 * "November 2024" beside "in November": its recent past); else, with
 * nothing in the text to place it, the later by a hair. given_score,
 * latest_score and score weigh the evidence alone. exprs/n are from
 * date_find() on the same text (pass NULL to have them found). */
int date_infer_reference(arena *a, const char *text, size_t len, const date_expr *exprs, size_t n,
                         const date_hints *hints, date_inference *out);

/* The day of the events reported: the past day the text's expressions
 * (resolved against ref) point at most, earlier paragraphs weighing more;
 * ref itself when none does. */
int date_event(const char *text, size_t len, const date_expr *exprs, size_t n, date_day ref,
               date_inference *out);

#endif
