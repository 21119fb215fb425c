/* clean.h - the clean stage: the article and only the article.
 *
 * Input is a raw article as ingest found it: plain text (already UTF-8
 * repaired, its "date YYYY-MM-DD" header taken off and passed as the given
 * date) or an HTML page. Output is the main text, one paragraph per line,
 * plus what the page says about itself (title, outlet, author, canonical URL,
 * language, dateline) and three dates kept apart: the date the article was
 * given with (crawl or feed), the date it was published and the date of the
 * events it reports.
 *
 * Nothing is dropped silently: every piece taken out of the text (ads,
 * newsletter prompts, teasers, navigation, captions, credits, learned
 * boilerplate of the outlet) is listed in `removed` with its reason, and
 * captions and credits are also kept as metadata.
 *
 * Everything a result points to lives in the arena given to the call; the
 * result is valid until that arena is freed or reset. The functions never
 * abort on bad input: they return 0, or a negative ACCORD_E* style code
 * (-1 out of memory, -2 bad argument). */
#ifndef ACCORD_CLEAN_H
#define ACCORD_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

/* One piece of text taken out of the article, with why. Reasons:
 * "boilerplate", "ad", "newsletter", "caption", "credit", "navigation",
 * "related", "teaser", "cookie", "social", "comments", "loading",
 * "learned-boilerplate:<source>", "header", "footer", "title". */
typedef struct clean_removed {
    const char *text;
    const char *reason;
} clean_removed;

/* A date and where it came from. value is "YYYY-MM-DD" or a full ISO 8601
 * date-time, or NULL when unknown. source is one of "header" (given with the
 * article), "meta:<name>" (an HTML meta tag, e.g.
 * "meta:article:published_time"), "json-ld", "time" (a <time> element),
 * "url", "text" (an explicit date in the text), "inferred" (worked out from
 * relative expressions and weekday mentions), "reference" (the caller's
 * reference date, for an event date). confidence is 0..1. */
typedef struct clean_date {
    const char *value;
    const char *source;
    double confidence;
} clean_date;

typedef struct clean_result {
    const char *text; /* main text, one paragraph per line ("\n"), UTF-8, NUL-terminated */
    size_t len;
    const char *title, *site_name, *author, *canonical_url, *lang, *dateline; /* NULL when unknown */
    clean_date given;     /* the date the article came with */
    clean_date published; /* when the article was published */
    clean_date modified;  /* when it was last modified (HTML metadata only) */
    clean_date event;     /* the date of the events reported */
    const char *date_flag; /* why the given date looks wrong, or NULL */
    const char **captions; /* photo captions, taken out of the text */
    size_t n_captions;
    const char **credits; /* photo credits, reporter credit lines, wire credits */
    size_t n_credits;
    clean_removed *removed;
    size_t n_removed;
} clean_result;

/* Fragments a source is known to repeat in every article (learned from the
 * store, see learn.h and clean_store.h): 64-bit keys of normalised lines or sentences,
 * sorted ascending. */
typedef struct clean_learned {
    const uint64_t *keys;
    size_t n_keys;
} clean_learned;

/* The reference date (reference_date, may be NULL) of the calls below is
 * "YYYY-MM-DD" or a full ISO 8601 date-time: the day the caller knows the
 * article by when the article may not say (its stated publication date,
 * else its given or fetched date, else its first ingest). Yearless and
 * relative dates ("March 2", "on Friday") resolve against the publication
 * date in the page's own metadata; else against the given date when the
 * text agrees with it; else against the reference date: dates named in the
 * text do not move it (a wire of 1987 about "1986 results" stays in 1987; a
 * page whose own date matters says so in its metadata). A reference the
 * text agrees with is reported as the publication date (source
 * "reference"); one the text cannot confirm only resolves its dates (an
 * event date with source "reference" when no expression moved it, and low
 * confidence). With no reference, only the text's own explicit dates (and a
 * photo's date) can place it: a text without them gets no publication or
 * event date. Nothing here reads the clock: the same arguments give the
 * same result on any day. */

/* Cleans a plain-text article. given_date (may be NULL) is "YYYY-MM-DD";
 * source (may be NULL) names the outlet and is used in learned-boilerplate
 * reasons. 0 or negative. */
int clean_text(arena *a, const char *text, size_t len, const char *given_date, const char *reference_date,
               const char *source, clean_result *out);

/* As clean_text(), also removing the fragments in learned (may be NULL). */
int clean_text_learned(arena *a, const char *text, size_t len, const char *given_date,
                       const char *reference_date, const char *latest_date, const char *source,
                       const clean_learned *learned, clean_result *out);

/* Extracts the main text and metadata of an HTML page. url (may be NULL) is
 * where the page came from; it gives a date when its path holds one and
 * resolves relative canonical links. 0 or negative. */
int clean_html(arena *a, const char *html, size_t len, const char *url, const char *given_date,
               const char *reference_date, clean_result *out);

/* As clean_html(), also removing the fragments in learned (may be NULL). */
int clean_html_learned(arena *a, const char *html, size_t len, const char *url, const char *given_date,
                       const char *reference_date, const char *latest_date, const char *source,
                       const clean_learned *learned, clean_result *out);

/* The date of the events a text reports, helped by the dates of articles
 * about the same events (peers: "YYYY-MM-DD" values with their confidence,
 * as clean_text() found them for each article on its own). For a text that
 * cannot date itself ("on Friday", with no month or year), the peers pick
 * the right week. reference_date as above (may be NULL). out->value is NULL
 * when even that fails. 0 or negative. */
int clean_event_date_with_peers(arena *a, const char *text, size_t len, const char *given_date,
                                const char *reference_date, const char *latest_date, const char *const *peer_days,
                                const double *peer_confidence, size_t n_peers, clean_date *out);

/* The flag for a given date far from the events reported ("given date
 * 2025-06-12 is 55 days after the events reported (2025-04-18)"), in a; NULL
 * when they are a week or less apart or either is not a date. */
char *clean_date_flag(arena *a, const char *given_date, const char *event_date);

/* The key of a line or sentence for learned boilerplate: the text with case,
 * digits, punctuation and spacing normalised away, hashed. */
uint64_t clean_fragment_key(const char *s, size_t len);

#endif
