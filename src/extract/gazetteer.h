/* gazetteer.h - the word lists of the extract stage, compiled in.
 *
 * The lists live in data/gazetteer/ (sources and licences in its README)
 * and are embedded by gazetteer_data.c. They are parsed once, on first use,
 * into read-only hash tables shared by every thread (pthread_once); nothing
 * is ever written after that, so lookups need no lock. */
#ifndef ACCORD_EXTRACT_GAZETTEER_H
#define ACCORD_EXTRACT_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw lists (generated). */
extern const char gazetteer_wikiann_names[];
extern const char gazetteer_wikiann_tokens[];
extern const char gazetteer_iso_places[];
extern const char gazetteer_iso_countries[];
extern const char gazetteer_english_words[];
extern const char gazetteer_english_proper[];
extern const char gazetteer_countries_extra[];
extern const char gazetteer_places_extra[];
extern const char gazetteer_orgs_extra[];
extern const char gazetteer_people_extra[];
extern const char gazetteer_demonyms[];
extern const char gazetteer_demonym_countries[];
extern const char gazetteer_roles[];
extern const char gazetteer_common_words[];

/* Token statistics from WikiANN: how often a word form began (B) or
 * continued (I) a name of each type, or stood outside names (O). */
enum { GZ_BPER, GZ_IPER, GZ_BORG, GZ_IORG, GZ_BLOC, GZ_ILOC, GZ_O, GZ_NSTAT };

enum gz_flags {
    GZF_PLACE = 1,    /* iso-codes country / subdivision or the places list */
    GZF_ORG = 2,      /* the organisations list */
    GZF_DEMONYM = 4,  /* "Russian", "Chinese" */
    GZF_ROLE = 8,     /* role head word, lower case ("spokesman") */
    GZF_COMMON = 16,  /* sentence openers, weekdays, months, holidays */
    GZF_WIKI_PER = 32, /* a whole WikiANN name of this type */
    GZF_WIKI_ORG = 64,
    GZF_WIKI_LOC = 128,
    GZF_COUNTRY = 256, /* an ISO 3166-1 country name */
    GZF_LOWER = 512,   /* an English word written in lower case (SCOWL) */
    GZF_PROPER = 1024, /* an English proper noun (SCOWL) */
};

typedef struct gz_entry {
    uint32_t flags;
    uint32_t wiki_count;        /* how often the whole name was seen in WikiANN */
    uint32_t stat[GZ_NSTAT];    /* token statistics (single words only) */
    const char *adjective;      /* a country's adjective ("China" -> "Chinese"), not NUL-terminated */
    uint32_t adjective_len;
} gz_entry;

/* Looks a name or word up exactly as written (case matters); NULL when it is
 * in no list. Thread-safe; returns NULL if the tables could not be built. */
/* Builds the table (once; later calls return at once). 0, or -1 when it
 * could not be allocated. extract_init() calls it before any thread runs;
 * the lookups also build it on first use, thread-safely (pthread_once). */
int gz_init(void);

const gz_entry *gz_lookup(const char *s, size_t len);
/* The same after lower-casing ASCII letters and capitalising the first
 * letter of each word ("KREMLIN" -> "Kremlin"), for all-caps text. */
const gz_entry *gz_lookup_titlecase(const char *s, size_t len);

/* Statistics of capitalised WikiANN words sharing the last three letters
 * of s (for words the lists do not know); NULL when none. */
const gz_entry *gz_suffix(const char *s, size_t len);

#endif
