/* extract.h - the extract stage: who, who said what, and the numbers.
 *
 * Input is one article's analysed text (text_doc over the stored NFC text)
 * and its publication date. Output, all in the caller's arena:
 *
 *  - entity mentions (PERSON / ORG / PLACE) with their role when the text
 *    gives one ("Kremlin spokesman Dmitry Peskov": the mention is "Dmitry
 *    Peskov", the role "Kremlin spokesman"), grouped into article entities
 *    (aliases merged within the article: surname, honorifics, initials);
 *  - direct quotes with their speaker mention (a name, a description such as
 *    "a US official", or a pronoun) and the entity it resolves to;
 *  - quantities with their value, bound, what they count, and where / when
 *    the sentence says so;
 *  - time expressions normalised against the publication date.
 *
 * Across articles, entities are merged by extract_entity_key(): a
 * transliteration-tolerant skeleton of the full name (documented in
 * entities.c). The store keeps that merge (extract_store.h).
 *
 * Offsets are byte offsets into the text given to extract_article(). Every
 * string lives in the arena. Functions return 0 or a negative ACCORD_E*
 * code; bad input never aborts. */
#ifndef ACCORD_EXTRACT_H
#define ACCORD_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/text.h"
#include "../util/arena.h"

/* ---- Entities ------------------------------------------------------------ */

typedef enum extract_entity_type {
    EXTRACT_NONE = 0,
    EXTRACT_PERSON = 1,
    EXTRACT_ORG = 2,
    EXTRACT_PLACE = 3,
    EXTRACT_MISC = 4, /* nationalities, events, titles of works: not stored as entities */
} extract_entity_type;

/* "PERSON", "ORG", "PLACE", "MISC" or "NONE". */
const char *extract_type_name(int type);
/* The inverse of extract_type_name() (also accepts PER, LOC, ORGANIZATION,
 * LOCATION, GPE); EXTRACT_NONE when unknown. */
int extract_type_from_name(const char *name);

typedef struct extract_mention {
    uint32_t start, end;        /* the name as written, without honorific or role */
    uint32_t sentence;          /* index into text_doc.sentences */
    uint8_t type;               /* extract_entity_type */
    int32_t entity;             /* index into extract_result.entities */
    const char *text;           /* the name as written ("Mr Peskov" -> "Peskov") */
    const char *honorific;      /* "Mr", "Mrs", "Dr", ... or NULL */
    const char *role;           /* "Kremlin spokesman", "mayor of Kharkiv", or NULL */
    uint32_t role_start, role_end; /* the role's span (0, 0 when none) */
} extract_mention;

typedef struct extract_entity {
    const char *name;     /* canonical: the fullest name seen in the article */
    const char *key;      /* cross-article key, extract_entity_key(name) */
    uint8_t type;         /* extract_entity_type */
    uint32_t n_mentions;
    const char **aliases; /* distinct surface forms other than name */
    size_t n_aliases;
    const char *role;     /* the first role found, or NULL */
} extract_entity;

/* ---- Quotes -------------------------------------------------------------- */

typedef enum extract_speaker_how {
    EXTRACT_SPEAKER_NONE = 0,
    EXTRACT_SPEAKER_NAMED = 1,    /* a name next to the cue: "Peskov said" */
    EXTRACT_SPEAKER_PRONOUN = 2,  /* "he said", resolved to the last person */
    EXTRACT_SPEAKER_NOMINAL = 3,  /* "a US official said", "the Kremlin said" */
    EXTRACT_SPEAKER_CARRIED = 4,  /* no cue: the previous quote's speaker goes on */
} extract_speaker_how;

typedef struct extract_quote {
    uint32_t start, end;         /* the quoted words, marks excluded */
    uint32_t paragraph;          /* index into text_doc.paragraphs */
    const char *text;            /* the quoted words */
    bool partial;                /* a fragment inside a sentence of the writer */
    uint32_t speaker_start, speaker_end; /* the speaker mention (0, 0 when none) */
    const char *speaker_text;    /* "Mr Peskov", "he", "a US official", or NULL */
    const char *cue;             /* "said", "told", "according to", ... or NULL */
    int32_t speaker_entity;      /* index into extract_result.entities, -1 when none */
    const char *speaker;         /* the resolved entity's name, or speaker_text, or NULL */
    uint8_t how;                 /* extract_speaker_how */
} extract_quote;

/* ---- Quantities ---------------------------------------------------------- */

typedef enum extract_bound {
    EXTRACT_BOUND_EXACT = 0,
    EXTRACT_BOUND_AT_LEAST = 1,
    EXTRACT_BOUND_MORE_THAN = 2,
    EXTRACT_BOUND_NEARLY = 3, /* nearly, almost: a little under */
    EXTRACT_BOUND_ABOUT = 4,  /* about, around, some, roughly */
    EXTRACT_BOUND_UP_TO = 5,  /* up to, at most */
    EXTRACT_BOUND_LESS_THAN = 6,
} extract_bound;

/* "exact", "at_least", "more_than", "nearly", "about", "up_to", "less_than". */
const char *extract_bound_name(int bound);

typedef struct extract_quantity {
    uint32_t start, end;   /* the whole phrase: "at least 34", "5,600 drones and missiles" */
    uint32_t sentence;
    double value;          /* 35, 5600, 2.5; a percentage is its number (2 for 2%) */
    uint8_t bound;         /* extract_bound */
    const char *text;      /* the phrase as written */
    const char *unit;      /* "%", "km2", "km", "USD", "EUR", "GBP", "days", ... or NULL */
    const char *measure;   /* normalised: "killed", "injured", "km2", "drones and missiles",
                              "days", "times", "people", ... or NULL when unknown */
    const char *where;     /* a place the sentence ties to it, or NULL */
    const char *when;      /* ISO date (or YYYY-MM) the sentence ties to it, or NULL */
} extract_quantity;

/* ---- Time expressions ---------------------------------------------------- */

typedef struct extract_timex {
    uint32_t start, end;
    const char *text;  /* "on Friday", "last month", "Dec 19, 2024" */
    const char *value; /* "2025-04-18", "2025-04-14/2025-04-20", or NULL when unresolved */
    int32_t sentence;  /* the sentence holding it whole (text_doc.sentences), or -1 */
    uint64_t expr;     /* the parsed expression, packed (stored, so that a new
                          reference date re-resolves it without the text) */
} extract_timex;

/* ---- One article --------------------------------------------------------- */

typedef struct extract_result {
    extract_mention *mentions;
    size_t n_mentions;
    extract_entity *entities;
    size_t n_entities;
    extract_quote *quotes;
    size_t n_quotes;
    extract_quantity *quantities;
    size_t n_quantities;
    extract_timex *timexes;
    size_t n_timexes;
} extract_result;

/* Builds the stage's read-only tables (the gazetteer) once. Call it before
 * starting threads that run extract_article(); afterwards nothing the
 * extractors reach is written, so extract_article() may run on any number
 * of threads at once. 0, or ACCORD_ENOMEM. (Without it, the first
 * extract_article() builds the tables, also safely, under pthread_once.) */
int extract_init(void);

/* Runs every extractor over one analysed article: a pure, reentrant
 * function of the document and ref_date ("YYYY-MM-DD", may be NULL), the
 * article's reference date, which anchors relative and yearless dates
 * (time expressions, the "when" of quantities). No store, no clock, no
 * shared mutable state; every result lives in a. 0 or negative (out of
 * memory). */
int extract_article(arena *a, const text_doc *doc, const char *ref_date, extract_result *out);

/* The cross-article key of a name: accents and case folded, punctuation
 * dropped ("J.D." = "JD"), y/j folded to i, w to v, ph to f, doubled letters
 * collapsed ("Zelenskyy" = "Zelensky", "Sergey" = "Sergei"). Words are kept
 * apart by single spaces. Returns an arena string, NULL on out of memory. */
char *extract_entity_key(arena *a, const char *name, size_t len);

/* ---- Parts usable alone (evaluation, fuzzing) ---------------------------- */

/* A token for the tagger: a span of the text. */
typedef struct extract_token {
    uint32_t start, end;
} extract_token;

/* Tags a document given as tokens over text, sentence by sentence
 * (sentence k is tokens sent_first[k] .. sent_first[k+1]-1; sent_first has
 * n_sent + 1 entries): tags[i] gets the entity type of token i (EXTRACT_NONE
 * outside names; EXTRACT_MISC for nationalities) and begin[i] is true when
 * token i starts a name. Roles and honorifics are outside names. Used by
 * `accord eval ner` on pre-tokenised data. 0 or negative. */
int extract_tag_tokens(arena *a, const char *text, const extract_token *toks, size_t n,
                       const uint32_t *sent_first, size_t n_sent, uint8_t *tags, bool *begin);

/* Finds the direct quotes of a text alone (analyses it, tags it, attributes
 * speakers). Used by the fuzzer and by `accord eval quotes`. */
int extract_quotes_text(arena *a, const char *text, size_t len, extract_result *out);

/* Finds the quantities of a text alone (no dates). Used by the fuzzer. */
int extract_quantities_text(arena *a, const char *text, size_t len, extract_result *out);

#endif
