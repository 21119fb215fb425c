/* gazetteer.c - parses the embedded word lists into one hash table.
 *
 * One open-addressing table maps a string (exact bytes) to a gz_entry whose
 * flags say which lists hold it; WikiANN token statistics are stored in the
 * same entry. The table is built once (pthread_once) and never changed. */
#include "gazetteer.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct gz_slot {
    const char *key; /* points into a list or into gz_keys */
    uint32_t len;
    gz_entry e;
} gz_slot;

static gz_slot *gz_table;
static size_t gz_cap;
static pthread_once_t gz_once = PTHREAD_ONCE_INIT;
static bool gz_ok;

static gz_entry *gz_insert(const char *s, size_t len)
{
    uint64_t h = XXH3_64bits(s, len);
    size_t i = (size_t)h & (gz_cap - 1);
    for (;;) {
        gz_slot *sl = &gz_table[i];
        if (!sl->key) {
            sl->key = s;
            sl->len = (uint32_t)len;
            return &sl->e;
        }
        if (sl->len == len && memcmp(sl->key, s, len) == 0) return &sl->e;
        i = (i + 1) & (gz_cap - 1);
    }
}

static const gz_entry *gz_lookup_raw(const char *s, size_t len)
{
    uint64_t h = XXH3_64bits(s, len);
    size_t i = (size_t)h & (gz_cap - 1);
    for (;;) {
        const gz_slot *sl = &gz_table[i];
        if (!sl->key) return NULL;
        if (sl->len == len && memcmp(sl->key, s, len) == 0) return &sl->e;
        i = (i + 1) & (gz_cap - 1);
    }
}

static size_t count_lines(const char *p)
{
    size_t n = 0;
    for (; *p; p++)
        if (*p == '\n') n++;
    return n;
}

/* Adds every line of a list with flag; for tsv lists the callback reads the
 * columns after the first tab. */
static void add_list(const char *list, uint32_t flag)
{
    const char *p = list;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 0) gz_insert(p, n)->flags |= flag;
        p += n + (nl ? 1 : 0);
    }
}

static void add_names(const char *list)
{
    const char *p = list;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *tab = memchr(p, '\t', n);
        if (tab) {
            const char *typ = tab + 1;
            uint32_t flag = strncmp(typ, "PER", 3) == 0   ? GZF_WIKI_PER
                            : strncmp(typ, "ORG", 3) == 0 ? GZF_WIKI_ORG
                                                          : GZF_WIKI_LOC;
            const char *tab2 = memchr(typ, '\t', (size_t)(p + n - typ));
            gz_entry *e = gz_insert(p, (size_t)(tab - p));
            e->flags |= flag;
            if (tab2) e->wiki_count = (uint32_t)strtoul(tab2 + 1, NULL, 10);
        }
        p += n + (nl ? 1 : 0);
    }
}

/* Suffix keys: "\x01" and the last three letters, lower-cased. */
static char gz_suffix_keys[65536 * 4];
static size_t gz_suffix_used;

static size_t suffix_key(const char *w, size_t n, char out[4])
{
    if (n < 4) return 0;
    out[0] = '\x01';
    for (int k = 0; k < 3; k++) out[1 + k] = (char)tolower((unsigned char)w[n - 3 + (size_t)k]);
    return 4;
}

static void add_tokens(const char *list)
{
    const char *p = list;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *tab = memchr(p, '\t', n);
        if (tab) {
            gz_entry *e = gz_insert(p, (size_t)(tab - p));
            const char *q = tab + 1;
            for (int k = 0; k < GZ_NSTAT && q < p + n; k++) {
                char *end;
                e->stat[k] = (uint32_t)strtoul(q, &end, 10);
                q = end;
            }
            /* Capitalised words also teach their ending: "-ia", "-burg", "-ov". */
            char key[4];
            size_t wl = (size_t)(tab - p);
            if (isupper((unsigned char)p[0]) && suffix_key(p, wl, key) && gz_suffix_used + 4 <= sizeof gz_suffix_keys) {
                const gz_entry *old = gz_lookup_raw(key, 4);
                gz_entry *se;
                if (old) {
                    se = (gz_entry *)old;
                } else {
                    char *k = gz_suffix_keys + gz_suffix_used;
                    memcpy(k, key, 4);
                    gz_suffix_used += 4;
                    se = gz_insert(k, 4);
                }
                for (int k = 0; k < GZ_NSTAT; k++) se->stat[k] += e->stat[k];
            }
        }
        p += n + (nl ? 1 : 0);
    }
}

static void add_adjectives(const char *list)
{
    const char *p = list;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *tab = memchr(p, '\t', n);
        if (tab) {
            gz_entry *e = gz_insert(p, (size_t)(tab - p));
            e->adjective = tab + 1;
            e->adjective_len = (uint32_t)(p + n - tab - 1);
        }
        p += n + (nl ? 1 : 0);
    }
}

static void gz_build(void)
{
    size_t n = count_lines(gazetteer_wikiann_names) + count_lines(gazetteer_wikiann_tokens) +
               count_lines(gazetteer_iso_places) + count_lines(gazetteer_iso_countries) + count_lines(gazetteer_english_words) + count_lines(gazetteer_english_proper) + count_lines(gazetteer_countries_extra) + count_lines(gazetteer_places_extra) +
               count_lines(gazetteer_orgs_extra) + count_lines(gazetteer_people_extra) +
               count_lines(gazetteer_demonyms) + count_lines(gazetteer_demonym_countries) + count_lines(gazetteer_roles) +
               count_lines(gazetteer_common_words) + 16 + 20000;
    gz_cap = 1;
    while (gz_cap < n * 2) gz_cap <<= 1;
    gz_table = calloc(gz_cap, sizeof *gz_table);
    if (!gz_table) return;
    add_names(gazetteer_wikiann_names);
    add_tokens(gazetteer_wikiann_tokens);
    add_list(gazetteer_iso_places, GZF_PLACE);
    add_list(gazetteer_iso_countries, GZF_PLACE | GZF_COUNTRY);
    add_list(gazetteer_english_words, GZF_LOWER);
    add_list(gazetteer_english_proper, GZF_PROPER);
    add_list(gazetteer_countries_extra, GZF_PLACE | GZF_COUNTRY);
    add_list(gazetteer_places_extra, GZF_PLACE);
    add_list(gazetteer_orgs_extra, GZF_ORG);
    add_list(gazetteer_demonyms, GZF_DEMONYM);
    add_adjectives(gazetteer_demonym_countries);
    add_list(gazetteer_roles, GZF_ROLE);
    add_list(gazetteer_common_words, GZF_COMMON);
    gz_ok = true;
}

int gz_init(void)
{
    pthread_once(&gz_once, gz_build);
    return gz_ok ? 0 : -1;
}

const gz_entry *gz_lookup(const char *s, size_t len)
{
    pthread_once(&gz_once, gz_build);
    if (!gz_ok || len == 0) return NULL;
    uint64_t h = XXH3_64bits(s, len);
    size_t i = (size_t)h & (gz_cap - 1);
    for (;;) {
        const gz_slot *sl = &gz_table[i];
        if (!sl->key) return NULL;
        if (sl->len == len && memcmp(sl->key, s, len) == 0) return &sl->e;
        i = (i + 1) & (gz_cap - 1);
    }
}

const gz_entry *gz_lookup_titlecase(const char *s, size_t len)
{
    char tmp[256];
    if (len >= sizeof tmp) return NULL;
    bool start = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalpha(c)) {
            tmp[i] = (char)(start ? toupper(c) : tolower(c));
            start = false;
        } else {
            tmp[i] = (char)c;
            start = c == ' ' || c == '-';
        }
    }
    return gz_lookup(tmp, len);
}

const gz_entry *gz_suffix(const char *s, size_t len)
{
    pthread_once(&gz_once, gz_build);
    char key[4];
    if (!gz_ok || !suffix_key(s, len, key)) return NULL;
    return gz_lookup(key, 4);
}
