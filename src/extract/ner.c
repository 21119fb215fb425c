/* ner.c - names of people, organisations and places, by rule and list.
 *
 * The tagger works in four passes over a document that is already cut into
 * sentences and tokens:
 *
 *  1. Runs. A name is a run of capitalised words, which may hold an initial
 *     ("J."), a connector ("of", and "for the" / "and" after an organisation
 *     keyword: "Institute for the Study of War") and ends at a possessive
 *     ("Zelensky's office"). A sentence-opening word is part of a run only
 *     when the lists know it better as a name than as a common word; in a
 *     headline written in capitals a word counts when its title-cased form
 *     is known as a name.
 *  2. Titles and roles. An honorific (Mr, Dr) before a run, or a role word
 *     inside it ("US Secretary of State Marco Rubio") or just before it
 *     ("Kremlin spokesman Dmitry Peskov"), is taken off the name and kept as
 *     the role; the role reaches left over modifiers ("Chinese foreign
 *     ministry spokesperson"), and "its mayor" becomes "mayor of <place>".
 *  3. Types. Each run scores PERSON, ORG, PLACE and "not a name" from the
 *     evidence: honorific or role (person), whole-name lists (iso-codes
 *     places, organisations, WikiANN names), keywords at the ends
 *     ("Ministry", "University"; "City", "Sea"), WikiANN statistics of each
 *     word (how often it began or continued a name of each type), the word
 *     before ("in", "at" for places) and the shape of the run.
 *  4. The document (one pass over a hash table of the names, so it stays
 *     linear). A single word that is the last name of a person named in
 *     full elsewhere is that person; the first word of "Magna
 *     International Inc" alone is that organisation; a place that played as
 *     a team once ("Surrey beat Kent", a results table row) is the team
 *     throughout; otherwise a name written the same way takes the type most
 *     of its confident mentions have. Bare roles are completed from earlier
 *     phrases ("ministry spokesperson" after "China's foreign ministry"),
 *     and a role in apposition after a name is taken ("Dmitry Medvedev,
 *     deputy head of Russia's Security Council").
 *
 * Nationality words ("Russian", "Chinese") are tagged MISC, which the
 * stage does not store as entities. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "internal.h"

/* ---- Small text helpers --------------------------------------------------- */

bool tok_ieq(const char *s, size_t n, const char *w)
{
    /* No strlen: this runs for every word against every list. */
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i], d = (unsigned char)w[i];
        if (!d) return false;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        if (c != d) return false;
    }
    return w[i] == 0;
}

bool tok_is_cap(const char *s, size_t n)
{
    if (n == 0) return false;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (k <= 0) return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

bool tok_is_word(const char *s, size_t n)
{
    if (n == 0) return false;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (k <= 0) return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

size_t tok_strip_poss(const char *s, size_t n)
{
    if (n > 2 && (s[n - 1] == 's' || s[n - 1] == 'S') && s[n - 2] == '\'') return n - 2;
    if (n > 4 && (s[n - 1] == 's' || s[n - 1] == 'S') && memcmp(s + n - 4, "\xE2\x80\x99", 3) == 0)
        return n - 4;
    return n;
}

size_t tok_lower(const char *s, size_t n, char *out, size_t cap)
{
    if (n + 1 > cap) return 0;
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[n] = 0;
    return n;
}

bool word_in(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (tok_ieq(s, n, list[i])) return true;
    return false;
}

/* ---- Word lists that belong to the rules ----------------------------------- */

static const char *const honorifics[] = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame",
                                          "mme", "mister", "madam", "messrs", "rev", "fr", NULL};

/* Last words that make a name an organisation. */
static const char *const org_last[] = {
    "ministry", "council", "party", "university", "bank", "institute", "project", "agency",
    "committee", "commission", "corp", "corporation", "inc", "ltd", "plc", "llc", "group",
    "association", "union", "organisation", "organization", "foundation", "court", "army",
    "forces", "force", "police", "news", "times", "post", "journal", "service", "services",
    "department", "federation", "league", "club", "fc", "company", "co", "airlines", "airways",
    "network", "church", "school", "college", "board", "authority", "assembly", "parliament",
    "government", "guard", "navy", "fund", "bureau", "reserve", "exchange", "center", "centre",
    "hospital", "media", "press", "television", "radio", "channel", "studios", "office",
    "administration", "coalition", "alliance", "movement", "front", "brigade", "battalion",
    "regiment", "division", "command", "senate", "congress", "cabinet", "tribunal", "bloc",
    "industries", "holdings", "motors", "systems", "technologies", "partners", "capital",
    "securities", "insurance", "telecom", "energy", "oil", "gas", "airport", "review",
    "magazine", "gazette", "herald", "tribune", "telegraph", "guardian", "daily", "society",
    "trust", "programme", "program", "mission", "secretariat", "directorate", "duma",
    "commonwealth", "consortium", "labs", "laboratory", "academy", "house", "pictures",
    "records", "team", "united", "city", "s.a.", "sa", "ag", "gmbh", "nv", "n.v.", "spa", "bv",
    "ab", "asa", "oyj", "co.", "corp.", "inc.", "ltd.", "bhd", "tbk", "kk", "pty", "llp", NULL};
/* Lower-case nouns that put an organisation's name after them: "news agency
 * Tanjug", "car maker Magna". */
static const char *const org_before[] = {
    "agency", "newspaper", "daily", "weekly", "company", "firm", "group", "bank", "club", "side",
    "team", "party", "carrier", "airline", "maker", "manufacturer", "broadcaster", "network",
    "insurer", "retailer", "producer", "operator", "giant", "conglomerate", "brewer", "publisher",
    "subsidiary", "rival", "champions", "automaker", "unit", "magazine", "station", "channel",
    "organisation", "organization", "movement", "union", "association", "outfit", NULL};
/* Words after which a connector may go on an organisation's name. */
static const char *const org_keywords[] = {
    "institute", "center", "centre", "council", "committee", "ministry", "department", "office",
    "organisation", "organization", "union", "association", "league", "federation", "party",
    "movement", "front", "commission", "agency", "foundation", "fund", "society", "alliance",
    "coalition", "bank", "court", "university", "college", "school", "academy", "bureau",
    "board", "authority", "museum", "church", "order", "house", "army", "corps", "secretary",
    "minister", "secretariat", "project", "programme", "program", "campaign", "forum", NULL};
static const char *const place_last[] = {
    "city", "county", "province", "region", "oblast", "island", "islands", "sea", "ocean",
    "river", "mountains", "mountain", "valley", "lake", "bay", "gulf", "street", "square",
    "strait", "peninsula", "coast", "heights", "hills", "desert", "canal", "state", "district",
    "territory", "krai", "republic", "kingdom", "emirates", "avenue", "road", "park", "beach",
    "falls", "village", "town", "harbour", "harbor", "plains", "delta", "basin", NULL};
static const char *const place_first[] = {"lake", "mount", "mt", "gulf", "cape", "port", "fort",
                                          "san", "santa", "st", "saint", "north", "south", "east",
                                          "west", "new", "upper", "lower", "greater", NULL};
/* Lower-case words a name may hold. */
static const char *const connectors_any[] = {"of", "de", "del", "da", "di", "du", "van", "von",
                                             "der", "den", "la", "le", "bin", "al", "el", "dos",
                                             "das", "y", "ibn", NULL};
static const char *const connectors_org[] = {"for", "the", "and", "on", "of", "&", "in", NULL};
/* Lower-case words that stop a role reaching left. */
static const char *const role_stop[] = {
    "a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these",
    "those", "and", "or", "but", "to", "in", "on", "at", "by", "for", "from", "with", "as", "is",
    "was", "are", "were", "be", "been", "has", "have", "had", "who", "which", "while", "when",
    "after", "before", "said", "says", "told", "according", "than", "then", "also", "not", "if",
    "whom", "whose", "where", "he", "she", "they", "it", "we", "i", "you", "him", "them", "us",
    "about", "over", "under", "into", "said", "say", "of", "did", "does", "do", "will", "would",
    "could", "can", "may", "might", "should", "must", "attending", "meeting", "met", "between",
    NULL};
/* Lower-case words that turn a run into an organisation: "Trump administration". */
static const char *const org_tail[] = {"administration", "government", NULL};

/* ---- Token information ----------------------------------------------------- */

typedef struct tinfo {
    uint32_t s, e, ne;   /* span; ne: the end without a possessive */
    bool word, cap, allcaps, poss, first, lower, initial, hyphen_lower;
    const gz_entry *gz;  /* the word (possessive off) in the lists */
    const gz_entry *gzl; /* the same, lower-cased */
} tinfo;

typedef struct tagger {
    arena *a;
    const ner_input *in;
    tinfo *ti;
    ner_span *spans;
    size_t n_spans, cap_spans;
    uint64_t *inside; /* sorted hashes of capitalised words met inside sentences */
    size_t n_inside;
} tagger;

static const char *tstr(const tagger *g, size_t i) { return g->in->text + g->ti[i].s; }
static size_t tlen(const tagger *g, size_t i) { return g->ti[i].e - g->ti[i].s; }
static size_t tnlen(const tagger *g, size_t i) { return g->ti[i].ne - g->ti[i].s; }
static bool tis(const tagger *g, size_t i, const char *w) { return tok_ieq(tstr(g, i), tlen(g, i), w); }
static bool tin(const tagger *g, size_t i, const char *const *list)
{
    return word_in(tstr(g, i), tnlen(g, i), list);
}

static bool is_role_word(const tagger *g, size_t i)
{
    const gz_entry *e = g->ti[i].gzl;
    return e && (e->flags & GZF_ROLE);
}

static uint32_t stat_total(const gz_entry *e)
{
    uint32_t t = 0;
    if (!e) return 0;
    for (int k = 0; k < GZ_NSTAT; k++) t += e->stat[k];
    return t;
}
static uint32_t stat_names(const gz_entry *e)
{
    return e ? e->stat[GZ_BPER] + e->stat[GZ_IPER] + e->stat[GZ_BORG] + e->stat[GZ_IORG] +
                   e->stat[GZ_BLOC] + e->stat[GZ_ILOC]
             : 0;
}

/* The lists' view of a lower-case word: how often it stood outside names. */
static uint32_t lower_o_count(const tagger *g, size_t i)
{
    const gz_entry *e = g->ti[i].gzl;
    return e ? e->stat[GZ_O] : 0;
}

/* Is the word at i (lower-cased) an English word? */
static bool lower_flag(const tagger *g, size_t i)
{
    const gz_entry *e = g->ti[i].gzl;
    return e && (e->flags & GZF_LOWER);
}

/* Does the word at i appear capitalised inside a sentence elsewhere? */
static bool seen_inside(const tagger *g, size_t i)
{
    uint64_t h = XXH3_64bits(tstr(g, i), tnlen(g, i));
    size_t lo = 0, hi = g->n_inside;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->inside[mid] < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->n_inside && g->inside[lo] == h;
}

/* "Russian", "Europeans": a nationality word. */
static bool is_demonym(const tagger *g, size_t i)
{
    const gz_entry *e = g->ti[i].gz;
    if (e && (e->flags & GZF_DEMONYM)) return true;
    size_t n = tnlen(g, i);
    if (n > 3 && tstr(g, i)[n - 1] == 's') {
        e = gz_lookup(tstr(g, i), n - 1);
        return e && (e->flags & GZF_DEMONYM);
    }
    return false;
}

/* Could the capitalised word at i begin or continue a name? */
static bool name_word(const tagger *g, size_t i, bool caps_sentence)
{
    const tinfo *t = &g->ti[i];
    if (!t->word) return false;
    if (caps_sentence) {
        const gz_entry *e = gz_lookup_titlecase(tstr(g, i), tnlen(g, i));
        if (!e) return false;
        if (e->flags & (GZF_COMMON | GZF_DEMONYM)) return false;
        if (e->flags & (GZF_PLACE | GZF_ORG)) return true;
        uint32_t nm = stat_names(e), lo = lower_o_count(g, i);
        if (lower_flag(g, i) && !(e->flags & GZF_PROPER)) return false; /* "WORLD", "OPEN" */
        if (e->flags & (GZF_WIKI_PER | GZF_WIKI_ORG | GZF_WIKI_LOC)) return true;
        return nm > e->stat[GZ_O] + lo;
    }
    if (!t->cap) return false;
    if (t->hyphen_lower) return false;
    if (t->gz && (t->gz->flags & GZF_COMMON)) return false;
    if (tlen(g, i) == 1 && tis(g, i, "i")) return false;
    /* "I'm", "I’ll": the pronoun with a verb. */
    if (tlen(g, i) > 2 && tstr(g, i)[0] == 'I' && (tstr(g, i)[1] == '\'' || (unsigned char)tstr(g, i)[1] == 0xE2))
        return false;
    if (t->first) {
        /* A sentence opener: a name only when something says so. */
        const gz_entry *e = t->gz;
        if (e && (e->flags & (GZF_PLACE | GZF_ORG))) return true;
        if (word_in(tstr(g, i), tnlen(g, i), role_stop)) return false;
        uint32_t nm = stat_names(e), o = e ? e->stat[GZ_O] : 0;
        uint32_t lo = lower_o_count(g, i);
        if (seen_inside(g, i)) return true;
        if (lower_flag(g, i) && !(e && (e->flags & GZF_PROPER))) {
            uint32_t nb = e ? e->stat[GZ_BPER] + e->stat[GZ_BORG] + e->stat[GZ_BLOC] : 0;
            if (nb <= 5 * (o + lo + 4)) {
                /* "Negotiations", "Wisely", "Attendance": a common word,
                 * unless a name follows it. */
                return i + 1 < g->in->n && g->ti[i + 1].cap && g->ti[i + 1].word && !g->ti[i].poss &&
                       !(g->ti[i + 1].gz && (g->ti[i + 1].gz->flags & GZF_COMMON)) && nm > 0;
            }
        }
        if (e && (e->flags & (GZF_WIKI_PER | GZF_WIKI_ORG | GZF_WIKI_LOC)) && nm >= o) return lo < 50 || nm > lo;
        if (nm > o + lo && nm >= 2) return true;
        if (seen_inside(g, i)) return true;
        if (e && (e->flags & GZF_PROPER)) return true;
        bool lower_word = lower_flag(g, i) || lo >= 3;
        if (lower_word) {
            /* "Negotiations", "Wisely": a common word, unless a name follows. */
            return i + 1 < g->in->n && g->ti[i + 1].cap && g->ti[i + 1].word && !g->ti[i].poss &&
                   !(g->ti[i + 1].gz && (g->ti[i + 1].gz->flags & GZF_COMMON)) && nm > 0;
        }
        if (o > nm) return false;
        return true;
    }
    /* "Attendance", "Women": a common English word capitalised for show,
     * unless the lists know it as a name. */
    if (lower_flag(g, i) && !(t->gz && (t->gz->flags & (GZF_PLACE | GZF_ORG | GZF_PROPER))) &&
        !tin(g, i, org_keywords) && !tin(g, i, org_last) && !tin(g, i, place_last)) {
        const gz_entry *e = t->gz;
        uint32_t nb = e ? e->stat[GZ_BPER] + e->stat[GZ_BORG] + e->stat[GZ_BLOC] : 0, o = e ? e->stat[GZ_O] : 0;
        uint32_t lo = lower_o_count(g, i);
        if (nb < 3 * (o + lo + 3) && !(i + 1 < g->in->n && g->ti[i + 1].cap && g->ti[i + 1].word) &&
            !(i > 0 && g->ti[i - 1].cap && g->ti[i - 1].word && !g->ti[i - 1].first))
            return false;
    }
    return true;
}

/* ---- Spans ------------------------------------------------------------------- */

static ner_span *add_span(tagger *g)
{
    if (g->n_spans == g->cap_spans) {
        size_t nc = g->cap_spans ? g->cap_spans * 2 : 64;
        ner_span *ns = arena_grow(g->a, g->spans, g->cap_spans, nc, sizeof *ns);
        if (!ns) return NULL;
        g->spans = ns;
        g->cap_spans = nc;
    }
    ner_span *sp = &g->spans[g->n_spans++];
    memset(sp, 0, sizeof *sp);
    return sp;
}

static bool run_has_org_keyword(const tagger *g, size_t r0, size_t r1)
{
    for (size_t k = r0; k < r1; k++)
        if (tin(g, k, org_keywords)) return true;
    return false;
}

#define SUFFIX_W 1.0

/* Scores of a candidate name [r0, r1) in sentence tokens [s0, s1). */
enum { SC_PER, SC_ORG, SC_LOC, SC_NONE, SC_N };

static void score_span(const tagger *g, size_t r0, size_t r1, size_t s0, bool caps, bool person_cue,
                       double sc[SC_N])
{
    const char *text = g->in->text;
    uint32_t bs = g->ti[r0].s, be = g->ti[r1 - 1].ne;
    size_t k = r1 - r0;
    for (int i = 0; i < SC_N; i++) sc[i] = 0;
    if (person_cue) sc[SC_PER] += 6;

    bool all_caps = caps;
    if (!all_caps) {
        all_caps = true;
        for (size_t i = r0; i < r1; i++) all_caps &= g->ti[i].allcaps || !g->ti[i].word;
    }
    const gz_entry *whole = gz_lookup(text + bs, be - bs);
    if (all_caps && !(whole && (whole->flags & (GZF_PLACE | GZF_ORG)))) {
        /* "TAIWAN" is Taiwan; but "US" and "NATO" are listed as written. */
        const gz_entry *tc = gz_lookup_titlecase(text + bs, be - bs);
        if (tc) whole = tc;
    }
    bool known = false;
    if (whole) {
        if (whole->flags & GZF_PLACE) sc[SC_LOC] += 6, known = true;
        if (whole->flags & GZF_ORG) sc[SC_ORG] += 6.5, known = true;
        double w = 1 + 1.2 * log1p((double)whole->wiki_count);
        if (whole->flags & GZF_WIKI_PER) sc[SC_PER] += w, known = true;
        if (whole->flags & GZF_WIKI_ORG) sc[SC_ORG] += w, known = true;
        if (whole->flags & GZF_WIKI_LOC) sc[SC_LOC] += w, known = true;
        if (whole->flags & GZF_COMMON) sc[SC_NONE] += 5;
        if (k == 1 && !(whole->flags & (GZF_PLACE | GZF_ORG))) {
            uint32_t tot = stat_total(whole);
            if (tot) {
                double o = (double)whole->stat[GZ_O] / tot;
                sc[SC_NONE] += 3 * o;
            }
        }
    }
    /* Keywords at the ends. */
    if (tin(g, r1 - 1, org_last)) sc[SC_ORG] += k > 1 ? 3 : 1;
    if (tin(g, r1 - 1, place_last) && k > 1) sc[SC_LOC] += 2.5;
    if (k > 1 && tin(g, r0, place_first)) sc[SC_LOC] += 1;
    for (size_t i = r0; i < r1; i++)
        if (tin(g, i, org_keywords) && i != r1 - 1) sc[SC_ORG] += 1;

    /* Word statistics. */
    double p[3] = {0, 0, 0};
    int counted = 0;
    for (size_t i = r0; i < r1; i++) {
        if (!g->ti[i].word || !tok_is_cap(tstr(g, i), tlen(g, i))) continue;
        const gz_entry *e = caps || (g->ti[i].allcaps && tnlen(g, i) > 3) ? gz_lookup_titlecase(tstr(g, i), tnlen(g, i)) : g->ti[i].gz;
        if (!e) e = g->ti[i].gz;
        uint32_t tot = stat_total(e);
        double scale = 1.0;
        if (!tot && !(e && (e->flags & (GZF_PLACE | GZF_ORG)))) {
            /* An unknown word: what capitalised words with its ending were. */
            const gz_entry *sf = gz_suffix(tstr(g, i), tnlen(g, i));
            uint32_t st = stat_total(sf);
            if (st >= 20) {
                double per = sf->stat[GZ_BPER] + sf->stat[GZ_IPER], org = sf->stat[GZ_BORG] + sf->stat[GZ_IORG];
                double loc = sf->stat[GZ_BLOC] + sf->stat[GZ_ILOC], sum = per + org + loc + 1;
                sc[SC_PER] += SUFFIX_W * per / sum;
                sc[SC_ORG] += SUFFIX_W * org / sum;
                sc[SC_LOC] += SUFFIX_W * loc / sum;
            }
        }
        if (!tot) continue;
        bool b = i == r0;
        double per = b ? e->stat[GZ_BPER] + 0.3 * e->stat[GZ_IPER] : e->stat[GZ_IPER] + 0.3 * e->stat[GZ_BPER];
        double org = b ? e->stat[GZ_BORG] + 0.3 * e->stat[GZ_IORG] : e->stat[GZ_IORG] + 0.3 * e->stat[GZ_BORG];
        double loc = b ? e->stat[GZ_BLOC] + 0.3 * e->stat[GZ_ILOC] : e->stat[GZ_ILOC] + 0.3 * e->stat[GZ_BLOC];
        double sum = per + org + loc + 0.5;
        double trust = scale * (tot >= 20 ? 1.0 : tot / 20.0); /* a word seen twice says little */
        p[0] += trust * per / sum;
        p[1] += trust * org / sum;
        p[2] += trust * loc / sum;
        counted++;
        if (k == 1) {
            double o = (double)e->stat[GZ_O] / (tot + 1.0);
            sc[SC_NONE] += 1.5 * o;
        }
    }
    if (counted) {
        sc[SC_PER] += 3 * p[0] / counted;
        sc[SC_ORG] += 3 * p[1] / counted;
        sc[SC_LOC] += 3 * p[2] / counted;
    }
    /* Shape. */
    if (!known && counted < (int)k) {
        /* Unknown words: a run of two or three capitalised words is most often a person. */
        if (k >= 2 && k <= 3) sc[SC_PER] += 1.2;
        if (k == 1) sc[SC_PER] += 0.3, sc[SC_ORG] += 0.2;
    }
    if (k == 1 && g->ti[r0].allcaps && !caps && tlen(g, r0) <= 5) sc[SC_ORG] += 1.2;
    if (k == 1 && !(whole && (whole->flags & (GZF_PLACE | GZF_ORG)))) sc[SC_PER] += 0.4, sc[SC_ORG] += 0.2, sc[SC_LOC] += 0.2;
    /* "Trump's special envoy": a possessive before a role is a person's. */
    if (g->ti[r1 - 1].poss && r1 < g->in->n) {
        for (size_t q = r1; q < g->in->n && q < r1 + 3; q++)
            if (g->ti[q].word && !g->ti[q].cap && is_role_word(g, q)) {
                sc[SC_PER] += 1.2;
                break;
            }
    }
    bool has_initial = false;
    for (size_t i = r0; i < r1; i++) has_initial |= g->ti[i].initial;
    if (has_initial && k >= 2) sc[SC_PER] += 1.5;

    /* Context. */
    if (r0 > s0) {
        size_t pv = r0 - 1;
        if (tis(g, pv, "in") || tis(g, pv, "near") || tis(g, pv, "across") || tis(g, pv, "to") ||
            tis(g, pv, "from") || tis(g, pv, "into") || tis(g, pv, "outside"))
            sc[SC_LOC] += known ? 0.8 : 1.6; /* people are seldom "in" anything */
        if (tis(g, pv, "at")) sc[SC_LOC] += 0.4, sc[SC_ORG] += 0.3;
        if (tis(g, pv, "the")) sc[SC_ORG] += 0.6, sc[SC_LOC] += 0.2, sc[SC_PER] -= 0.8;
        if (tis(g, pv, "of")) sc[SC_LOC] += 0.3;
        if (pv > s0 && tis(g, pv, "of") && (tis(g, pv - 1, "city") || tis(g, pv - 1, "town") ||
                                            tis(g, pv - 1, "region") || tis(g, pv - 1, "province")))
            sc[SC_LOC] += 3;
    }
    if (r1 < g->in->n && !g->ti[r1 - 1].poss) {
        size_t nx = r1;
        if (word_in(text + g->ti[nx].s, g->ti[nx].e - g->ti[nx].s, cue_verbs)) sc[SC_PER] += 0.8, sc[SC_ORG] += 0.2;
        if (tis(g, nx, "who")) sc[SC_PER] += 1.5;
        if (tis(g, nx, "chief") || tis(g, nx, "officials") || tis(g, nx, "government") ||
            tis(g, nx, "forces") || tis(g, nx, "troops") || tis(g, nx, "capital"))
            sc[SC_LOC] += 0.5, sc[SC_ORG] += 0.5;
    }
    if (g->ti[r1 - 1].poss && k >= 2) sc[SC_PER] += 0.3;
    if (r0 > s0 && g->ti[r0 - 1].word && !g->ti[r0 - 1].cap && tin(g, r0 - 1, org_before)) sc[SC_ORG] += 3;
    if (r1 < g->in->n && g->ti[r1].word && (tis(g, r1, "shares") || tis(g, r1, "stock") || tis(g, r1, "Inc") ||
                                             tis(g, r1, "Corp") || tis(g, r1, "Ltd")))
        sc[SC_ORG] += 2;
    if (r1 + 1 < g->in->n && g->ti[r1 - 1].poss && (tis(g, r1, "shares") || tis(g, r1, "stock"))) sc[SC_ORG] += 2;
}

/* The role that reaches left from token h (inclusive) down to s0: modifiers,
 * adjacent names and nationality words. Returns the first token. */
static const char *const role_modifiers[] = {
    "former", "deputy", "acting", "senior", "chief", "top", "special", "vice", "prime", "foreign",
    "interim", "longtime", "veteran", "new", "outgoing", "incoming", "assistant", "associate",
    "executive", "general", "economy", "finance", "defence", "defense", "health", "security",
    "trade", "energy", "justice", "interior", "state", "party", "campaign", "press", "government",
    "opposition", "ruling", "ministry", "police", "army", "military", "intelligence", "spy",
    "education", "transport", "labour", "labor", "environment", "agriculture", "oil", "budget",
    "treasury", "district", "county", "city", "regional", "national", "provincial", "lead",
    "managing", "head", "union", "team", "club", "company", "bank", "fund", "research", "news",
    "wire", "staff", "white", "house", NULL};

/* "-al", "-ic", "-ian", "-ive", "-ary", "-ese", "-ish": an adjective by its ending. */
static bool adjective_like(const char *s, size_t n)
{
    static const char *const ends[] = {"al", "ic", "ian", "ive", "ary", "ese", "ish", "ern", "ior", NULL};
    for (size_t i = 0; ends[i]; i++) {
        size_t k = strlen(ends[i]);
        if (n > k + 2 && !memcmp(s + n - k, ends[i], k)) return true;
    }
    return false;
}

static size_t role_left(const tagger *g, size_t h, size_t s0, bool *its)
{
    size_t b = h;
    int taken = 0;
    *its = false;
    while (b > s0 && taken < 5) {
        size_t p = b - 1;
        const tinfo *t = &g->ti[p];
        if (!t->word) break;
        if (tis(g, p, "its") || tis(g, p, "their")) {
            *its = true;
            break;
        }
        if (word_in(tstr(g, p), tlen(g, p), role_stop)) break;
        if (word_in(tstr(g, p), tlen(g, p), cue_verbs)) break;
        if (!t->cap && tnlen(g, p) > 4 && !memcmp(tstr(g, p) + tnlen(g, p) - 2, "ed", 2)) break;
        /* Lower-case words join a role only when they modify it: a role or
         * office word, an organisation noun, or an adjective ("diplomatic",
         * "presidential", "foreign"); "during", "following", "upon" end it. */
        if (!t->cap && !is_role_word(g, p) && !tin(g, p, org_before) && !tin(g, p, org_keywords) &&
            !tin(g, p, role_modifiers) && !adjective_like(tstr(g, p), tnlen(g, p)))
            break;
        if (t->cap && t->first && t->gz && (t->gz->flags & GZF_COMMON)) break;
        if (t->poss && !t->cap) break;
        b = p;
        taken++;
        if (t->poss) break; /* "Ukraine's top presidential staffer" */
    }
    return b;
}

static char *span_text(arena *a, const char *text, uint32_t s, uint32_t e)
{
    return arena_strndup(a, text + s, e - s);
}

/* A place that stands for its team (metonymy in sports news): the row of
 * a results table ("Surrey 22 Kent 5", "CHICAGO 69 60 .535"), or the
 * subject or object of a result verb ("Leicestershire beat Somerset"). */
static const char *const result_verbs[] = {"beat", "beats", "defeated", "drew", "draw", "lost",
                                           "v", "vs", "vs.", "versus", "thrashed", "edged",
                                           "routed", "overcame", "tied", NULL};
static const char *const team_after[] = {"won", "wins", "scored", "captain", "coach", "manager",
                                         "striker", "midfielder", "goalkeeper", "batsman", "bowler",
                                         "declared", "innings", "opener", "skipper", NULL};
static bool playing_team(const tagger *g, size_t r0, size_t r1, size_t s0, size_t s1)
{
    /* National sides keep the country's name and type. */
    const gz_entry *whole = gz_lookup(g->in->text + g->ti[r0].s, g->ti[r1 - 1].ne - g->ti[r0].s);
    if (!whole) whole = gz_lookup_titlecase(g->in->text + g->ti[r0].s, g->ti[r1 - 1].ne - g->ti[r0].s);
    if (whole && (whole->flags & GZF_COUNTRY)) return false;
    if (r1 < s1 && g->ti[r1].word && !g->ti[r1].cap && tin(g, r1, team_after)) return true;
    int words = 0, numbers = 0;
    for (size_t i = s0; i < s1; i++) {
        if (g->ti[i].word) words++;
        else if (isdigit((unsigned char)g->in->text[g->ti[i].s]) ||
                 (g->ti[i].e - g->ti[i].s > 1 && g->in->text[g->ti[i].s] == '.' &&
                  isdigit((unsigned char)g->in->text[g->ti[i].s + 1])))
            numbers++;
    }
    if (numbers >= 2 && words <= 8 && numbers * 2 >= words && r1 < s1 && !g->ti[r1].word &&
        isdigit((unsigned char)g->in->text[g->ti[r1].s]))
        return true;
    if (r1 < s1 && g->ti[r1].word && tin(g, r1, result_verbs)) return true;
    if (r0 > s0 && g->ti[r0 - 1].word && tin(g, r0 - 1, result_verbs) && !tis(g, r0 - 1, "lost")) return true;
    return false;
}

/* Splits, types and records the run [r0, r1) of sentence sent. */
static int take_run(tagger *g, size_t r0, size_t r1, size_t s0, size_t s1, uint32_t sent, bool caps)
{
    const char *text = g->in->text;
    /* Leading sentence openers and nationality words come off the name,
     * unless the lists know the whole ("New York", "The Hague"). */
    const gz_entry *known_whole = NULL;
    if (r1 - r0 >= 2) {
        uint32_t ks = g->ti[r0].s, ke = g->ti[r1 - 1].ne;
        known_whole = caps ? gz_lookup_titlecase(text + ks, ke - ks) : gz_lookup(text + ks, ke - ks);
        if (!known_whole) known_whole = gz_lookup_titlecase(text + ks, ke - ks);
        if (known_whole && !(known_whole->flags & (GZF_PLACE | GZF_ORG)) && known_whole->wiki_count < 2) known_whole = NULL;
        /* "New York Stock Exchange": a known place opens the name. */
        for (size_t k = 2; k <= 3 && !known_whole && r0 + k < r1; k++) {
            const gz_entry *pre = gz_lookup(text + ks, g->ti[r0 + k - 1].ne - ks);
            if (pre && (pre->flags & (GZF_PLACE | GZF_ORG))) known_whole = pre;
        }
    }
    while (r0 < r1 && !known_whole) {
        const tinfo *t = &g->ti[r0];
        if (!t->word) {
            r0++;
            continue;
        }
        if (t->gz && (t->gz->flags & GZF_COMMON) && r1 - r0 > 1) {
            r0++;
            continue;
        }
        if (tin(g, r0, connectors_org) || tin(g, r0, connectors_any)) {
            r0++;
            continue;
        }
        break;
    }
    while (r1 > r0 && (!g->ti[r1 - 1].word || tin(g, r1 - 1, connectors_org) || tin(g, r1 - 1, connectors_any)))
        r1--;
    if (r0 >= r1) return 0;
    /* "Prime Minister", "Division": a title alone names nobody. */
    if (r1 - r0 <= 2 && is_role_word(g, r1 - 1) && (r1 - r0 == 1 || lower_flag(g, r0))) return 0;

    bool person_cue = false;
    const char *honorific = NULL;
    uint32_t role_s = 0, role_e = 0;
    const char *role_text = NULL;
    bool role_its = false;

    /* Honorific inside the run ("Mr Peskov") or just before it. */
    if (r1 - r0 >= 2 && tin(g, r0, honorifics)) {
        honorific = arena_strndup(g->a, tstr(g, r0), tnlen(g, r0));
        person_cue = true;
        r0++;
        if (r0 < r1 && tlen(g, r0) == 1 && text[g->ti[r0].s] == '.') r0++;
    }
    /* Role inside the run: the last role word with a name after it. */
    for (size_t h = r1 - 1; h > r0 && !honorific; h--) {
        size_t hh = h - 1;
        if (!is_role_word(g, hh) || !g->ti[hh].cap) continue;
        size_t name0 = hh + 1;
        if (name0 < r1 && tis(g, name0, "of") && r1 - name0 >= 3) {
            /* "Secretary of State Marco Rubio": the complement goes to the role. */
            size_t c = name0 + 1;
            size_t best = r1 - 2 > c ? r1 - 2 : c + 1;
            for (size_t q = c + 1; q + 1 < r1; q++) {
                const gz_entry *e = g->ti[q].gz;
                if (e && e->stat[GZ_BPER] > e->stat[GZ_BORG] + e->stat[GZ_BLOC] + e->stat[GZ_IORG] + e->stat[GZ_ILOC]) {
                    best = q;
                    break;
                }
            }
            name0 = best;
        }
        if (name0 >= r1) continue;
        /* The rest must not itself be an organisation or a place. */
        uint32_t bs = g->ti[name0].s, be = g->ti[r1 - 1].ne;
        const gz_entry *rest = gz_lookup(text + bs, be - bs);
        if (rest && (rest->flags & (GZF_ORG | GZF_PLACE))) continue;
        if (tin(g, r1 - 1, org_last) && r1 - name0 > 1) continue;
        size_t rb = role_left(g, r0, s0, &role_its);
        role_s = g->ti[rb].s;
        role_e = g->ti[name0 - 1].e;
        r0 = name0;
        person_cue = true;
        break;
    }
    /* Honorific or role just before the run. */
    if (!person_cue && r0 > s0) {
        size_t p = r0 - 1;
        if (tlen(g, p) == 1 && text[g->ti[p].s] == '.' && p > s0 && tin(g, p - 1, honorifics)) {
            honorific = arena_strndup(g->a, tstr(g, p - 1), tnlen(g, p - 1));
            person_cue = true;
        } else if (tin(g, p, honorifics) && g->ti[p].cap) {
            honorific = arena_strndup(g->a, tstr(g, p), tnlen(g, p));
            person_cue = true;
        } else {
            size_t h = p;
            if (tlen(g, p) == 1 && text[g->ti[p].s] == ',' && p > s0) h = p - 1;
            if (g->ti[h].word && !g->ti[h].cap && is_role_word(g, h) && !g->ti[h].poss) {
                /* "spokesman Dmitry Peskov", "staffer, Andriy Yermak" */
                const gz_entry *whole = gz_lookup(text + g->ti[r0].s, g->ti[r1 - 1].ne - g->ti[r0].s);
                bool other = (whole && (whole->flags & (GZF_ORG | GZF_PLACE))) || tin(g, r1 - 1, org_last);
                if (!other) {
                    size_t rb = role_left(g, h, s0, &role_its);
                    role_s = g->ti[rb].s;
                    role_e = g->ti[h].e;
                    person_cue = true;
                }
            }
        }
    }
    /* "Trump administration": the organisation, not the person. */
    bool org_tail_hit = r1 < s1 && !g->ti[r1 - 1].poss && g->ti[r1].word && !g->ti[r1].cap &&
                        tin(g, r1, org_tail) && !person_cue;

    double sc[SC_N];
    score_span(g, r0, r1, s0, caps, person_cue, sc);
    int best = SC_PER;
    for (int i = 1; i < SC_N; i++)
        if (sc[i] > sc[best]) best = i;
    double second = -1e9;
    for (int i = 0; i < SC_N; i++)
        if (i != best && sc[i] > second) second = sc[i];
    if (best == SC_NONE) return 0;
    if (sc[best] < 0.5) return 0;

    ner_span *sp = add_span(g);
    if (!sp) return -1;
    sp->t0 = (uint32_t)r0;
    sp->t1 = (uint32_t)r1;
    sp->start = g->ti[r0].s;
    sp->end = g->ti[r1 - 1].ne;
    sp->poss = g->ti[r1 - 1].poss;
    sp->sentence = sent;
    sp->type = best == SC_PER ? EXTRACT_PERSON : best == SC_ORG ? EXTRACT_ORG : EXTRACT_PLACE;
    if ((sp->type == EXTRACT_PLACE || (sp->type == EXTRACT_PERSON && !person_cue && r1 - r0 == 1 && sp->conf < 2)) &&
        playing_team(g, r0, r1, s0, s1)) {
        sp->type = EXTRACT_ORG;
        sp->team = true;
    }
    sp->conf = (float)(sc[best] - second);
    sp->honorific = honorific;
    if (org_tail_hit) {
        sp->type = EXTRACT_ORG;
        sp->end = g->ti[r1].ne;
        sp->t1 = (uint32_t)(r1 + 1);
        sp->poss = g->ti[r1].poss;
        sp->conf = 5;
    }
    if (role_e > role_s && sp->type == EXTRACT_PERSON) {
        sp->role_start = role_s;
        sp->role_end = role_e;
        role_text = span_text(g->a, text, role_s, role_e);
        if (!role_text) return -1;
        if (role_its) {
            /* "its mayor Ihor Terekhov": the mayor of the place the sentence is about. */
            const ner_span *place = NULL;
            for (size_t i = g->n_spans - 1; i-- > 0;) {
                const ner_span *o = &g->spans[i];
                if (o->sentence + 1 < sent) break;
                if (o->type != EXTRACT_PLACE || o->poss || o->start >= role_s) continue;
                place = o;
                break;
            }
            if (place) {
                size_t n1 = role_e - role_s, n2 = place->end - place->start;
                char *r = arena_alloc(g->a, n1 + n2 + 5);
                if (!r) return -1;
                memcpy(r, text + role_s, n1);
                memcpy(r + n1, " of ", 4);
                memcpy(r + n1 + 4, text + place->start, n2);
                r[n1 + 4 + n2] = 0;
                role_text = r;
            }
        }
        sp->role = role_text;
    }
    return 0;
}

static int tag_sentence(tagger *g, size_t s0, size_t s1, uint32_t sent)
{
    if (s1 <= s0) return 0;
    /* A headline in capitals? */
    int words = 0, caps_words = 0;
    for (size_t i = s0; i < s1; i++) {
        if (!g->ti[i].word) continue;
        if (tlen(g, i) < 2) continue;
        words++;
        caps_words += g->ti[i].allcaps;
    }
    bool caps = words >= 1 && caps_words * 10 >= words * 7 && (words >= 2 || caps_words == words);

    size_t i = s0;
    while (i < s1) {
        /* A name the lists know whole, of two to four words ("New Zealand",
         * "Hong Kong", "New York Stock Exchange"), wins over the word rules. */
        if (g->ti[i].word && (g->ti[i].cap || caps)) {
            size_t best = 0;
            for (size_t k = 4; k >= 2 && !best; k--) {
                if (i + k > s1) continue;
                bool ok = g->ti[i + k - 1].word;
                for (size_t q = i; q + 1 < i + k && ok; q++) ok = !g->ti[q].poss;
                if (!ok) continue;
                uint32_t bs = g->ti[i].s, be = g->ti[i + k - 1].ne;
                bool all_caps = true;
                for (size_t q = i; q < i + k; q++) all_caps &= g->ti[q].allcaps || !g->ti[q].word;
                const gz_entry *e = caps || all_caps ? gz_lookup_titlecase(g->in->text + bs, be - bs)
                                                     : gz_lookup(g->in->text + bs, be - bs);
                if (!e || (e->flags & GZF_COMMON)) continue;
                if (e->flags & (GZF_PLACE | GZF_ORG)) best = k;
                else if (e->wiki_count >= 2 && (k >= 3 || !(g->ti[i].gz && (g->ti[i].gz->flags & GZF_COMMON)))) best = k;
            }
            if (best) {
                /* "New York" + "Stock Exchange", "Kharkiv" + "Oblast": a known
                 * name goes on over capitalised words ending in a keyword. */
                size_t q = i + best;
                while (q < s1 && g->ti[q].word && g->ti[q].cap && !g->ti[q - 1].poss && q < i + best + 3) q++;
                if (q > i + best && (tin(g, q - 1, org_last) || tin(g, q - 1, place_last))) best = q - i;
                if (take_run(g, i, i + best, s0, s1, sent, caps) < 0) return -1;
                i += best;
                continue;
            }
        }
        if (!name_word(g, i, caps)) {
            i++;
            continue;
        }
        if (i + 1 < s1 && g->ti[i + 1].word) {
            /* "Palm Sunday", "Good Friday": calendar words of two. */
            const gz_entry *two = gz_lookup(g->in->text + g->ti[i].s, g->ti[i + 1].ne - g->ti[i].s);
            if (two && (two->flags & GZF_COMMON)) {
                i += 2;
                continue;
            }
        }
        size_t r0 = i, r1 = i + 1;
        if (is_demonym(g, i) && !caps) {
            /* A nationality word: MISC, unless a name follows it directly
             * ("Russian Foreign Minister ..."), which keeps it as a role. */
            if (!(i + 1 < s1 && name_word(g, i + 1, caps))) {
                ner_span *sp = add_span(g);
                if (!sp) return -1;
                sp->t0 = (uint32_t)i;
                sp->t1 = (uint32_t)(i + 1);
                sp->start = g->ti[i].s;
                sp->end = g->ti[i].ne;
                sp->sentence = sent;
                sp->type = EXTRACT_MISC;
                sp->poss = g->ti[i].poss;
                i++;
                continue;
            }
        }
        while (r1 < s1 && !g->ti[r1 - 1].poss) {
            /* "Secretary of State George Shultz China's ...": a listed place
             * after a person's name starts a new name. */
            if (!caps && r1 - r0 >= 2 && g->ti[r1].gz && (g->ti[r1].gz->flags & GZF_COUNTRY) &&
                !tin(g, r1 - 1, org_keywords) && !tin(g, r1 - 1, org_last) && !tin(g, r1 - 1, connectors_org) &&
                !tin(g, r1 - 1, connectors_any) && !tin(g, r1 - 1, place_first))
                break;
            if (name_word(g, r1, caps) && !(g->ti[r1].first)) {
                r1++;
                continue;
            }
            /* An initial "J." split as "J" "." keeps going. */
            if (tlen(g, r1) == 1 && g->in->text[g->ti[r1].s] == '.' && tlen(g, r1 - 1) == 1 &&
                g->ti[r1 - 1].cap && r1 + 1 < s1 && name_word(g, r1 + 1, caps)) {
                r1++;
                continue;
            }
            /* "Mr. Peskov" */
            if (tlen(g, r1) == 1 && g->in->text[g->ti[r1].s] == '.' && tin(g, r1 - 1, honorifics) &&
                r1 + 1 < s1 && name_word(g, r1 + 1, caps)) {
                r1++;
                continue;
            }
            /* Connectors. "of" after a keyword, an office or a lone word
             * ("Bank of England", "Secretary of State", "Gulf of Mexico"; not
             * "James Fry of GM"); "for the", "on", "de" inside an
             * organisation's name ("Institute for the Study of War"); "and"
             * only into a name that ends in an organisation keyword
             * ("Securities and Exchange Commission"). */
            if (!caps && g->ti[r1].word && !g->ti[r1].cap) {
                size_t q = r1;
                while (q < s1 && q < r1 + 3 && g->ti[q].word && !g->ti[q].cap &&
                       (tin(g, q, connectors_any) || tin(g, q, connectors_org)))
                    q++;
                bool next_ok = q > r1 && q < s1 && g->ti[q].word && (g->ti[q].cap || name_word(g, q, caps)) &&
                               !(g->ti[q].gz && (g->ti[q].gz->flags & (GZF_DEMONYM | GZF_COMMON)));
                bool left_ok = !(g->ti[r1 - 1].gz && (g->ti[r1 - 1].gz->flags & (GZF_COMMON | GZF_DEMONYM)));
                if (next_ok && left_ok) {
                    size_t q3 = q;
                    while (q3 < s1 && q3 < q + 4 && g->ti[q3].word && g->ti[q3].cap && !g->ti[q3].poss) q3++;
                    bool ends_org = q3 > q && tin(g, q3 - 1, org_last);
                    bool has_and = false, has_other = false;
                    for (size_t k = r1; k < q; k++) {
                        if (tis(g, k, "and") || tis(g, k, "&")) has_and = true;
                        else if (!tis(g, k, "of")) has_other = true;
                    }
                    const gz_entry *le = g->ti[r1 - 1].gz;
                    bool personish = le && le->stat[GZ_IPER] + le->stat[GZ_BPER] >
                                               le->stat[GZ_IORG] + le->stat[GZ_BORG] + le->stat[GZ_ILOC] + le->stat[GZ_BLOC];
                    bool org = run_has_org_keyword(g, r0, r1);
                    bool ok;
                    if (has_and) ok = ends_org && r1 - r0 <= 3 && q == r1 + 1;
                    else if (q == r1 + 1 && tis(g, r1, "of"))
                        ok = tin(g, r1 - 1, org_keywords) || tin(g, r1 - 1, org_last) || tin(g, r1 - 1, place_last) ||
                             is_role_word(g, r1 - 1) || (r1 - r0 == 1 && !personish) || ends_org ||
                             (org && r1 - r0 <= 5);
                    else if (has_other && !tin(g, r1, connectors_any))
                        ok = (org || ends_org) && r1 - r0 <= 4;
                    else
                        ok = tin(g, r1, connectors_any) && !personish; /* "de", "van", "bin" */
                    if (ok) {
                        r1 = q + 1;
                        continue;
                    }
                }
            }
            break;
        }
        if (take_run(g, r0, r1, s0, s1, sent, caps) < 0) return -1;
        i = r1;
    }
    return 0;
}

/* ---- The document pass ---------------------------------------------------- */

typedef struct vote {
    const char *s;
    uint32_t n;
    float w[4];
} vote;

/* "ministry spokesperson Lin Jian" after "China's foreign ministry ...":
 * the bare role is completed from the earlier full phrase ("Chinese foreign
 * ministry spokesperson"). */
static void complete_roles(tagger *g)
{
    const char *text = g->in->text;
    for (size_t i = 0; i < g->n_spans; i++) {
        ner_span *sp = &g->spans[i];
        if (!sp->role || sp->role_end <= sp->role_start) continue;
        size_t rt = sp->t0;
        while (rt > 0 && g->ti[rt - 1].s >= sp->role_start) rt--;
        if (g->ti[rt].s != sp->role_start || !g->ti[rt].word || g->ti[rt].cap || is_role_word(g, rt)) continue;
        for (size_t j = rt; j-- > 1;) {
            char low[64];
            if (!tok_lower(tstr(g, rt), tnlen(g, rt), low, sizeof low) || !tok_ieq(tstr(g, j), tlen(g, j), low)) continue;
            size_t k = j;
            while (k > 0 && k > j - 3 && g->ti[k - 1].word && !g->ti[k - 1].cap && !g->ti[k - 1].poss &&
                   !word_in(tstr(g, k - 1), tlen(g, k - 1), role_stop))
                k--;
            if (k == 0 || !g->ti[k - 1].poss || !g->ti[k - 1].cap) continue;
            const gz_entry *pl = gz_lookup(tstr(g, k - 1), tnlen(g, k - 1));
            if (!pl || !(pl->flags & GZF_PLACE)) continue;
            const char *pre = pl->adjective ? pl->adjective : tstr(g, k - 1);
            size_t pre_n = pl->adjective ? pl->adjective_len : tlen(g, k - 1);
            size_t mid_n = g->ti[j].s - g->ti[k].s; /* "foreign " */
            size_t role_n = strlen(sp->role);
            if (mid_n > 200 || role_n > 200) break;
            char *r = arena_alloc(g->a, pre_n + 1 + mid_n + role_n + 1);
            if (!r) return;
            memcpy(r, pre, pre_n);
            r[pre_n] = ' ';
            memcpy(r + pre_n + 1, text + g->ti[k].s, mid_n);
            memcpy(r + pre_n + 1 + mid_n, sp->role, role_n + 1);
            sp->role = r;
            break;
        }
    }
}

/* "Mr Dmitry Medvedev, deputy head of Russia's Security Council, ...": a
 * role in apposition after a person's name, up to the next comma. */
static void roles_after(tagger *g)
{
    for (size_t i = 0; i < g->n_spans; i++) {
        ner_span *sp = &g->spans[i];
        if (sp->type != EXTRACT_PERSON || sp->role || sp->poss) continue;
        size_t k = sp->t1;
        if (k + 1 >= g->in->n || g->ti[k].e - g->ti[k].s != 1 || g->in->text[g->ti[k].s] != ',') continue;
        size_t b = k + 1;
        if (tis(g, b, "the") || tis(g, b, "a") || tis(g, b, "an")) b++;
        size_t head = 0, e = b;
        for (size_t q = b; q < g->in->n && q < b + 12; q++) {
            if (!g->ti[q].word) break;
            if (tis(g, q, "who") || tis(g, q, "which") || tis(g, q, "said") || tis(g, q, "and")) break;
            if (!head && q < b + 4 && !g->ti[q].cap && is_role_word(g, q)) head = q + 1;
            e = q + 1;
        }
        if (!head || e <= b) continue;
        if (e < g->in->n && g->in->text[g->ti[e].s] != ',' && g->in->text[g->ti[e].s] != '.' &&
            g->in->text[g->ti[e].s] != ')' && !tis(g, e, "and") && !tis(g, e, "who"))
            continue;
        sp->role_start = g->ti[b].s;
        sp->role_end = g->ti[e - 1].e;
        sp->role = arena_strndup(g->a, g->in->text + sp->role_start, sp->role_end - sp->role_start);
    }
}

/* Per-string facts of a document, for the document pass (one hash table,
 * so the pass stays linear in the number of names). */
typedef struct dstat {
    const char *s;
    uint32_t n;
    uint32_t last_of_person; /* last word of a full person name */
    uint32_t word_of_other;  /* a word of a longer place or organisation */
    uint32_t cued_person;    /* a one-word person with honorific or role */
    uint32_t first_of_org;   /* first word of "X International Inc" */
    uint32_t team;
    float w[5];              /* votes by type */
} dstat;

typedef struct dtable {
    dstat *slots;
    size_t cap;
} dtable;

static dstat *dget(dtable *t, const char *s, size_t n, bool add)
{
    uint64_t h = XXH3_64bits(s, n);
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        dstat *d = &t->slots[i];
        if (!d->s) {
            if (!add) return NULL;
            d->s = s;
            d->n = (uint32_t)n;
            return d;
        }
        if (d->n == n && !memcmp(d->s, s, n)) return d;
    }
}

static void doc_pass(tagger *g)
{
    const char *text = g->in->text;
    complete_roles(g);
    roles_after(g);
    size_t words = 0;
    for (size_t i = 0; i < g->n_spans; i++) words += g->spans[i].t1 - g->spans[i].t0 + 1;
    dtable t = {0};
    t.cap = 16;
    while (t.cap < words * 2) t.cap <<= 1;
    t.slots = arena_calloc(g->a, t.cap, sizeof *t.slots);
    if (!t.slots) return; /* out of memory: the sentence-level types stand */
#define SPAN_KEY(sp) text + (sp)->start, (size_t)((sp)->end - (sp)->start)
#define TOK_KEY(k) text + g->ti[k].s, (size_t)(g->ti[k].ne - g->ti[k].s)
    for (size_t i = 0; i < g->n_spans; i++) {
        const ner_span *sp = &g->spans[i];
        if (sp->type == EXTRACT_MISC || sp->type == EXTRACT_NONE) continue;
        size_t k = sp->t1 - sp->t0;
        dget(&t, SPAN_KEY(sp), true)->team += sp->team;
        if (k == 1) {
            if (sp->type == EXTRACT_PERSON && (sp->honorific || sp->role)) dget(&t, SPAN_KEY(sp), true)->cued_person++;
            continue;
        }
        if (sp->type == EXTRACT_PERSON) {
            dget(&t, TOK_KEY(sp->t1 - 1), true)->last_of_person++;
        } else {
            /* "Kharkiv" inside "Kharkiv Oblast" stays a place. */
            for (size_t q = sp->t0; q < sp->t1; q++) dget(&t, TOK_KEY(q), true)->word_of_other++;
            if (sp->type == EXTRACT_ORG && tin(g, sp->t1 - 1, org_last)) dget(&t, TOK_KEY(sp->t0), true)->first_of_org++;
        }
    }
    for (size_t i = 0; i < g->n_spans; i++) {
        ner_span *sp = &g->spans[i];
        if (sp->type == EXTRACT_MISC || sp->type == EXTRACT_NONE) continue;
        dstat *d = dget(&t, SPAN_KEY(sp), false);
        if (!d) continue;
        /* A place that played as a team once in a document is the team there. */
        if (d->team && sp->type == EXTRACT_PLACE) {
            sp->type = EXTRACT_ORG;
            sp->conf = 3;
        }
        if (sp->t1 - sp->t0 != 1 || sp->honorific || sp->role) continue;
        /* The last name of a person named in full is that person. */
        uint32_t person_hits = d->last_of_person + 2 * d->cued_person;
        if (person_hits > d->word_of_other && sp->type != EXTRACT_PERSON) {
            const gz_entry *e = gz_lookup(SPAN_KEY(sp));
            if (!(e && (e->flags & (GZF_PLACE | GZF_ORG)))) {
                sp->type = EXTRACT_PERSON;
                sp->conf = 3;
            }
        }
        /* "Magna" after "Magna International Inc": the organisation. */
        if (d->first_of_org && sp->type != EXTRACT_ORG) {
            const gz_entry *e = gz_lookup(SPAN_KEY(sp));
            if (!(e && (e->flags & GZF_PLACE))) {
                sp->type = EXTRACT_ORG;
                sp->conf = 2;
            }
        }
    }
    /* Same string, same type: confident mentions vote for the weak ones. */
    for (size_t i = 0; i < g->n_spans; i++) {
        const ner_span *o = &g->spans[i];
        if (o->type == EXTRACT_MISC || o->type == EXTRACT_NONE) continue;
        dget(&t, SPAN_KEY(o), true)->w[o->type] += o->conf + (o->honorific || o->role ? 3 : 0);
    }
    for (size_t i = 0; i < g->n_spans; i++) {
        ner_span *sp = &g->spans[i];
        if (sp->type == EXTRACT_MISC || sp->type == EXTRACT_NONE || sp->conf >= 1.5 || sp->honorific || sp->role) continue;
        const dstat *d = dget(&t, SPAN_KEY(sp), false);
        if (!d) continue;
        int best = sp->type;
        for (int ty = 1; ty <= 3; ty++)
            if (d->w[ty] > d->w[best]) best = ty;
        sp->type = (uint8_t)best;
    }
#undef SPAN_KEY
#undef TOK_KEY
}

/* ---- Entry points ----------------------------------------------------------- */

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

int ner_tag(arena *a, const ner_input *in, ner_span **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (in->n == 0) return 0;
    tagger g = {.a = a, .in = in};
    g.ti = arena_calloc(a, in->n, sizeof *g.ti);
    if (!g.ti) return -1;
    for (size_t i = 0; i < in->n; i++) {
        tinfo *t = &g.ti[i];
        t->s = in->toks[i].start;
        t->e = in->toks[i].end;
        if (t->e > in->len || t->s > t->e) t->s = t->e = 0;
        const char *s = in->text + t->s;
        size_t n = t->e - t->s;
        t->word = tok_is_word(s, n);
        t->ne = t->s + (uint32_t)(t->word ? tok_strip_poss(s, n) : n);
        t->poss = t->ne != t->e;
        if (!t->word) continue;
        t->cap = tok_is_cap(s, n);
        int letters = 0, uppers = 0;
        bool hy = false;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)s[k];
            if (isalpha(c)) letters++, uppers += isupper(c) != 0;
            if (c == '-' && k + 1 < n && islower((unsigned char)s[k + 1])) hy = true;
        }
        t->allcaps = letters >= 2 && uppers == letters;
        /* "Russia-Ukraine", "US-Russian": places joined, not a name; "D-Wis",
         * "R-Utah": a party and a state. */
        const char *dash = memchr(s, '-', n);
        if (dash == s + 1) hy = true;
        if (dash && !hy) {
            const gz_entry *part = gz_lookup(s, (size_t)(dash - s));
            if (part && (part->flags & (GZF_PLACE | GZF_DEMONYM))) hy = true;
        }
        t->hyphen_lower = hy;
        t->initial = (n == 2 && s[1] == '.' && t->cap) || (letters >= 2 && letters <= 3 && s[n - 1] == '.' && t->cap);
        t->gz = gz_lookup(s, t->ne - t->s);
        char low[64];
        size_t ln = tok_lower(s, t->ne - t->s, low, sizeof low);
        t->gzl = !ln ? NULL : t->cap ? gz_lookup(low, ln) : t->gz;
        /* "J.D." is an initial. */
        if (t->gz == NULL && t->initial) t->gz = NULL;
    }
    for (size_t k = 0; k < in->n_sent; k++) {
        uint32_t s0 = in->sent_first[k], s1 = in->sent_first[k + 1];
        if (s1 > in->n) s1 = (uint32_t)in->n;
        /* The first word of the sentence (after quotes and brackets). */
        for (uint32_t i = s0; i < s1; i++)
            if (g.ti[i].word) {
                g.ti[i].first = true;
                break;
            }
    }
    /* The first word after an opening quote mark opens a sentence too. */
    for (size_t i = 0; i + 1 < in->n; i++) {
        const char *s = in->text + g.ti[i].s;
        size_t n = g.ti[i].e - g.ti[i].s;
        bool open = (n == 1 && s[0] == '"') || (n == 3 && !memcmp(s, "\xE2\x80\x9C", 3)) ||
                    (n == 1 && s[0] == '(');
        if (open && g.ti[i + 1].word) g.ti[i + 1].first = true;
    }
    g.inside = arena_alloc(a, in->n * sizeof *g.inside);
    if (!g.inside) return -1;
    for (size_t i = 0; i < in->n; i++)
        if (g.ti[i].word && g.ti[i].cap && !g.ti[i].first && !g.ti[i].allcaps)
            g.inside[g.n_inside++] = XXH3_64bits(in->text + g.ti[i].s, g.ti[i].ne - g.ti[i].s);
    qsort(g.inside, g.n_inside, sizeof *g.inside, cmp_u64);
    for (size_t k = 0; k < in->n_sent; k++) {
        uint32_t s0 = in->sent_first[k], s1 = in->sent_first[k + 1];
        if (s1 > in->n) s1 = (uint32_t)in->n;
        if (tag_sentence(&g, s0, s1, (uint32_t)k) < 0) return -1;
    }
    doc_pass(&g);
    *out = g.spans;
    *n_out = g.n_spans;
    return 0;
}

int extract_tag_tokens(arena *a, const char *text, const extract_token *toks, size_t n,
                       const uint32_t *sent_first, size_t n_sent, uint8_t *tags, bool *begin)
{
    for (size_t i = 0; i < n; i++) {
        tags[i] = EXTRACT_NONE;
        begin[i] = false;
    }
    ner_input in = {.text = text, .len = strlen(text), .toks = toks, .n = n, .sent_first = sent_first, .n_sent = n_sent};
    ner_span *sp;
    size_t ns;
    if (ner_tag(a, &in, &sp, &ns) < 0) return -1;
    for (size_t i = 0; i < ns; i++) {
        for (uint32_t t = sp[i].t0; t < sp[i].t1 && t < n; t++) tags[t] = sp[i].type;
        if (sp[i].t0 < n) begin[sp[i].t0] = true;
    }
    return 0;
}
