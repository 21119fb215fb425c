/* internal.h - what the extract stage's files share and nobody else sees. */
#ifndef ACCORD_EXTRACT_INTERNAL_H
#define ACCORD_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract.h"
#include "gazetteer.h"

/* A document for the tagger: tokens over text, cut into sentences. */
typedef struct ner_input {
    const char *text;
    size_t len;
    const extract_token *toks;
    size_t n;
    const uint32_t *sent_first; /* n_sent + 1 entries */
    size_t n_sent;
} ner_input;

/* One name found by the tagger. */
typedef struct ner_span {
    uint32_t t0, t1;       /* tokens [t0, t1) */
    uint32_t start, end;   /* bytes of the name, a trailing possessive 's excluded */
    uint32_t sentence;
    uint8_t type;          /* extract_entity_type */
    bool poss;             /* followed by 's */
    bool team;             /* a place standing for its sports team */
    float conf;            /* margin of the winning type */
    const char *honorific; /* static string or NULL */
    const char *role;      /* arena string or NULL */
    uint32_t role_start, role_end;
} ner_span;

int ner_tag(arena *a, const ner_input *in, ner_span **out, size_t *n_out);

/* ---- Small text helpers (ner.c) ------------------------------------------ */

/* True when the bytes equal the ASCII word w, ignoring ASCII case. */
bool tok_ieq(const char *s, size_t n, const char *w);
/* True when the word at s starts with an upper-case letter. */
bool tok_is_cap(const char *s, size_t n);
/* True when the first character is a letter. */
bool tok_is_word(const char *s, size_t n);
/* Length without a trailing possessive ('s, ’s, or a bare apostrophe). */
size_t tok_strip_poss(const char *s, size_t n);
/* Copies s lower-cased (ASCII) into out (size cap); returns its length or 0. */
size_t tok_lower(const char *s, size_t n, char *out, size_t cap);
/* Is the lower-case word one of the NULL-terminated list? */
bool word_in(const char *s, size_t n, const char *const *list);

/* What the extractors of one article share (extract.c builds it). */
typedef struct ex_ctx {
    arena *a;
    const text_doc *doc;
    const char *text;
    extract_result *r;
    extract_token *toks;      /* doc tokens as spans */
    uint32_t *sent_first;     /* n_sentences + 1 */
    ner_span *spans;          /* everything the tagger found, MISC too */
    size_t n_spans;
    int32_t *span_mention;    /* span -> index in r->mentions, or -1 */
    int32_t *tok_span;        /* token -> span covering it (name or role), or -1 */
    int32_t *tok_sentence;    /* token -> sentence */
    uint32_t *span_first;     /* sentence -> its first span (n_sentences + 1 entries) */
    const struct date_expr *dates;
    size_t n_dates;
    int32_t ref_day;          /* publication day, or DATE_NONE */
} ex_ctx;

int quotes_find(ex_ctx *c);

/* A parsed time expression packed into 58 bits and back (for the store:
 * re-resolving against a new reference date needs no text). 0 is never a
 * packed expression. */
uint64_t ex_date_pack(const struct date_expr *d);
void ex_date_unpack(uint64_t v, struct date_expr *d);
/* "YYYY-MM-DD", "YYYY-MM" for a whole month, else "first/last". */
char *ex_format_span(arena *a, int32_t first, int32_t last);
/* The value of a time expression resolved against ref (a date_day), as
 * extract_timex.value has it, or NULL. */
char *ex_timex_value(arena *a, const struct date_expr *d, int32_t ref);
int quantities_find(ex_ctx *c);

/* Speech cue verbs and nouns (cues.c). */
extern const char *const cue_verbs[];
extern const char *const pronouns_person[];
extern const char *const speech_nouns[];
extern const char *const speaker_nouns[];

#endif
