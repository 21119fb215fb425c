/* extract.c - one article through every extractor, and entities from names.
 *
 * The tagger (ner.c) gives name spans; this file groups them into the
 * article's entities, then runs quotes.c and quantities.c, which need the
 * entities to resolve speakers, and lists the time expressions (found and
 * resolved by the clean stage's dates.c against the publication date).
 *
 * Grouping within an article, longest names first:
 *  - same key (extract_entity_key) -> same entity ("J.D. Vance" = "JD Vance",
 *    "Zelensky" = "Zelenskyy");
 *  - a one-word name of a person is the person whose last name it is
 *    ("Peskov", "Mr Peskov" -> "Dmitry Peskov"), the most mentioned one
 *    when several share it; a one-word name tagged as a place or an
 *    organisation joins too unless a list knows it as a place or
 *    organisation;
 *  - a full name joins a person with the same last name only when the
 *    first names agree (same key, or one is the other's initial), so
 *    "Dmitry Peskov" and "Dmitry Medvedev" stay two people;
 *  - a lone first name joins the only person of the article with it;
 *  - an acronym joins the name whose initials it spells ("EU", "European
 *    Union"), and a former name joins the current one ("Pokrovsk, formerly
 *    Krasnoarmiisk"; "Krasnoyarmysk (the name given to Pokrovsk ...)").
 *
 * The key, used within and across articles, is a skeleton of the name:
 * Unicode compatibility decomposition, accents stripped, case folded;
 * apostrophes and periods dropped ("J.D." -> "jd"); other separators
 * become one space; y and j fold to i, w to v, "ph" to f, "ck" to k; a
 * doubled letter is written once. So "Zelenskyy" = "Zelensky", "Sergey" =
 * "Sergei", "Volodymyr" = "Volodimir". Different names stay different. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <utf8proc.h>

#include "clean/dates.h"
#include "internal.h"
#include "util/util.h"

const char *extract_type_name(int type)
{
    switch (type) {
    case EXTRACT_PERSON: return "PERSON";
    case EXTRACT_ORG: return "ORG";
    case EXTRACT_PLACE: return "PLACE";
    case EXTRACT_MISC: return "MISC";
    default: return "NONE";
    }
}

int extract_type_from_name(const char *name)
{
    if (!name) return EXTRACT_NONE;
    static const struct {
        const char *n;
        int t;
    } map[] = {{"PERSON", EXTRACT_PERSON}, {"PER", EXTRACT_PERSON},      {"ORG", EXTRACT_ORG},
               {"ORGANIZATION", EXTRACT_ORG}, {"ORGANISATION", EXTRACT_ORG}, {"PLACE", EXTRACT_PLACE},
               {"LOC", EXTRACT_PLACE},       {"LOCATION", EXTRACT_PLACE}, {"GPE", EXTRACT_PLACE},
               {"MISC", EXTRACT_MISC}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(name, map[i].n)) return map[i].t;
    return EXTRACT_NONE;
}

char *extract_entity_key(arena *a, const char *name, size_t len)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)len, &folded,
                                      UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
                                          UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (n < 0) {
        /* Invalid UTF-8: fold ASCII only. */
        folded = NULL;
        n = 0;
    }
    const char *src = folded ? (const char *)folded : name;
    size_t sn = folded ? (size_t)n : len;
    char *out = arena_alloc(a, sn + 1);
    if (!out) {
        free(folded);
        return NULL;
    }
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < sn; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
        if (ch == '\'' || ch == '.') continue;
        if (ch == 0xE2 && i + 2 < sn && (unsigned char)src[i + 1] == 0x80 &&
            ((unsigned char)src[i + 2] == 0x99 || (unsigned char)src[i + 2] == 0x98)) {
            i += 2; /* typographic apostrophe */
            continue;
        }
        bool letter = (ch >= 'a' && ch <= 'z') || ch >= 0x80 || (ch >= '0' && ch <= '9');
        if (!letter) {
            if (k > 0) space = true;
            continue;
        }
        if (space) {
            out[k++] = ' ';
            space = false;
        }
        if (ch == 'y' || ch == 'j') ch = 'i';
        else if (ch == 'w') ch = 'v';
        else if (ch == 'h' && k > 0 && out[k - 1] == 'p') {
            out[k - 1] = 'f';
            continue;
        } else if (ch == 'k' && k > 0 && out[k - 1] == 'c') {
            out[k - 1] = 'k';
            continue;
        }
        if (ch < 0x80 && k > 0 && out[k - 1] == (char)ch) continue; /* doubled letter */
        out[k++] = (char)ch;
    }
    out[k] = 0;
    free(folded);
    return out;
}

/* ---- Entities ------------------------------------------------------------- */

typedef struct ment {
    uint32_t span;
    char *key;
    const char *last; /* last word of the key */
    size_t last_len;
    const char *first;
    size_t first_len;
    int words;
} ment;

static int by_words_desc(const void *x, const void *y)
{
    const ment *a = x, *b = y;
    if (a->words != b->words) return b->words - a->words;
    return a->span < b->span ? -1 : a->span > b->span;
}

typedef struct ent_build {
    char *key;
    const char *last;
    size_t last_len;
    const char *first;
    size_t first_len;
    int words;
    float type_w[5];
    uint32_t n;
    uint32_t best_span; /* the fullest name */
} ent_build;

static bool first_names_agree(const ent_build *e, const ment *m)
{
    if (e->first_len == m->first_len && !memcmp(e->first, m->first, m->first_len)) return true;
    /* "J. Vance" / "JD Vance": an initial agrees with a name of that letter. */
    if ((e->first_len <= 2 || m->first_len <= 2) && e->first[0] == m->first[0]) return true;
    return false;
}

static int group_entities(ex_ctx *c)
{
    extract_result *r = c->r;
    size_t nm = 0;
    for (size_t i = 0; i < c->n_spans; i++)
        if (c->spans[i].type >= EXTRACT_PERSON && c->spans[i].type <= EXTRACT_PLACE) nm++;
    c->span_mention = arena_alloc(c->a, (c->n_spans + 1) * sizeof *c->span_mention);
    if (!c->span_mention) return -1;
    for (size_t i = 0; i < c->n_spans; i++) c->span_mention[i] = -1;
    r->mentions = arena_calloc(c->a, nm ? nm : 1, sizeof *r->mentions);
    ment *ms = arena_calloc(c->a, nm ? nm : 1, sizeof *ms);
    int32_t *ent_of = arena_calloc(c->a, nm ? nm : 1, sizeof *ent_of);
    ent_build *eb = arena_calloc(c->a, nm ? nm : 1, sizeof *eb);
    if (!r->mentions || !ms || !ent_of || !eb) return -1;
    size_t k = 0;
    for (size_t i = 0; i < c->n_spans; i++) {
        const ner_span *sp = &c->spans[i];
        if (sp->type < EXTRACT_PERSON || sp->type > EXTRACT_PLACE) continue;
        ment *m = &ms[k];
        m->span = (uint32_t)i;
        m->key = extract_entity_key(c->a, c->text + sp->start, sp->end - sp->start);
        if (!m->key) return -1;
        const char *sp1 = strrchr(m->key, ' ');
        m->last = sp1 ? sp1 + 1 : m->key;
        m->last_len = strlen(m->last);
        const char *sp0 = strchr(m->key, ' ');
        m->first = m->key;
        m->first_len = sp0 ? (size_t)(sp0 - m->key) : strlen(m->key);
        m->words = 1;
        for (const char *p = m->key; *p; p++) m->words += *p == ' ';
        if (!*m->key) m->words = 0;
        c->span_mention[i] = (int32_t)k;
        k++;
    }
    /* Mentions keep text order; grouping walks them longest first. */
    ment *order = arena_alloc(c->a, (nm ? nm : 1) * sizeof *order);
    if (!order) return -1;
    memcpy(order, ms, nm * sizeof *order);
    qsort(order, nm, sizeof *order, by_words_desc);
    size_t ne = 0;
    for (size_t oi = 0; oi < nm; oi++) {
        const ment *m = &order[oi];
        const ner_span *sp = &c->spans[m->span];
        size_t mi = (size_t)c->span_mention[m->span];
        if (m->words == 0) {
            ent_of[mi] = -1;
            continue;
        }
        int32_t found = -1;
        for (size_t e = 0; e < ne && found < 0; e++)
            if (!strcmp(eb[e].key, m->key)) found = (int32_t)e;
        if (found < 0 && m->words == 1) {
            const gz_entry *g = gz_lookup(c->text + sp->start, sp->end - sp->start);
            bool listed = g && (g->flags & (GZF_PLACE | GZF_ORG)) && sp->type != EXTRACT_PERSON;
            uint32_t best_n = 0;
            for (size_t e = 0; e < ne && !listed; e++) {
                if (eb[e].words < 2 || eb[e].type_w[EXTRACT_PERSON] <= 0) continue;
                if (eb[e].last_len != m->last_len || memcmp(eb[e].last, m->last, m->last_len)) continue;
                if (found < 0 || eb[e].n > best_n) found = (int32_t)e, best_n = eb[e].n;
            }
        }
        if (found < 0 && m->words == 1 && sp->type == EXTRACT_PERSON) {
            /* "Donald" after "Donald Trump": the only person of that first name. */
            int hits = 0;
            int32_t cand = -1;
            for (size_t e = 0; e < ne; e++) {
                if (eb[e].words < 2 || eb[e].type_w[EXTRACT_PERSON] <= 0) continue;
                if (eb[e].first_len == m->last_len && !memcmp(eb[e].first, m->last, m->last_len)) hits++, cand = (int32_t)e;
            }
            if (hits == 1) found = cand;
        }
        if (found < 0 && m->words >= 2 && sp->type == EXTRACT_PERSON) {
            for (size_t e = 0; e < ne && found < 0; e++) {
                if (eb[e].words < 2 || eb[e].type_w[EXTRACT_PERSON] <= 0) continue;
                if (eb[e].last_len != m->last_len || memcmp(eb[e].last, m->last, m->last_len)) continue;
                if (first_names_agree(&eb[e], m)) found = (int32_t)e;
            }
        }
        if (found < 0) {
            ent_build *e = &eb[ne];
            e->key = m->key;
            e->last = m->last;
            e->last_len = m->last_len;
            e->first = m->first;
            e->first_len = m->first_len;
            e->words = m->words;
            e->best_span = m->span;
            found = (int32_t)ne++;
        }
        ent_build *e = &eb[found];
        float w = sp->conf > 0 ? sp->conf : 0.1f;
        if (sp->honorific || sp->role) w += 3;
        e->type_w[sp->type] += w;
        e->n++;
        ent_of[mi] = found;
    }
    /* "Krasnoyarmysk (the name that was given to Pokrovsk ...)", "Pokrovsk,
     * formerly Krasnoarmiisk": two names of one place. */
    int32_t *root = arena_alloc(c->a, (ne ? ne : 1) * sizeof *root);
    if (!root) return -1;
    for (size_t e = 0; e < ne; e++) root[e] = (int32_t)e;
    for (size_t i = 0; i < nm; i++) {
        const ner_span *a = &c->spans[ms[i].span];
        if (ent_of[i] < 0 || (a->type != EXTRACT_PLACE && a->type != EXTRACT_ORG)) continue;
        uint32_t t = a->t1;
        size_t ntok = c->doc->n_tokens;
        bool paren = t < ntok && c->toks[t].end - c->toks[t].start == 1 && c->text[c->toks[t].start] == '(';
        bool formerly = t + 1 < ntok && c->text[c->toks[t].start] == ',' &&
                        tok_ieq(c->text + c->toks[t + 1].start, c->toks[t + 1].end - c->toks[t + 1].start, "formerly");
        if (!paren && !formerly) continue;
        bool cue = formerly;
        for (uint32_t q = t + 1; q < ntok && q < t + 25; q++) {
            const char *w = c->text + c->toks[q].start;
            size_t wn = c->toks[q].end - c->toks[q].start;
            if (paren && wn == 1 && w[0] == ')') break;
            if (!paren && wn == 1 && (w[0] == '.' || w[0] == ';')) break;
            if (tok_ieq(w, wn, "name") || tok_ieq(w, wn, "formerly") || tok_ieq(w, wn, "renamed")) cue = true;
            /* "(known as X)", "(called X)": only the name right after. */
            bool next_only = false;
            if (!cue && q + 2 < ntok && tok_ieq(w, wn, "known") &&
                tok_ieq(c->text + c->toks[q + 1].start, c->toks[q + 1].end - c->toks[q + 1].start, "as")) {
                q += 2;
                next_only = true;
            } else if (!cue && q + 1 < ntok && tok_ieq(w, wn, "called")) {
                q += 1;
                next_only = true;
            }
            if (next_only) {
                int32_t sn = c->tok_span[q];
                if (sn < 0 || c->spans[sn].t0 != q) break;
                cue = true;
            }
            int32_t sk = c->tok_span[q];
            /* The other name may have been typed otherwise ("Krasnoarmiisk"
             * unknown to the lists): the cue says it is the same thing. */
            if (!cue || sk < 0 || c->span_mention[sk] < 0) continue;
            int32_t other = ent_of[c->span_mention[sk]];
            if (other < 0) break;
            int32_t x = ent_of[i], y = other;
            while (root[x] != x) x = root[x];
            while (root[y] != y) y = root[y];
            /* In "Old (the name given to New)" the current name is inside; in
             * "New, formerly Old" outside. */
            if (x != y) {
                if (paren) root[x] = y;
                else root[y] = x;
            }
            break;
        }
    }
    /* "US" and "United States", "EU" and "European Union": an acronym is the
     * name whose initials it spells (same type, same article). */
    for (size_t e = 0; e < ne; e++) {
        if (eb[e].words != 1) continue;
        const ner_span *as = &c->spans[eb[e].best_span];
        char acr[16];
        size_t an = 0;
        bool ok = true;
        for (uint32_t b = as->start; b < as->end && ok; b++) {
            char ch = c->text[b];
            if (ch == '.') continue;
            if (ch < 'A' || ch > 'Z' || an + 1 >= sizeof acr) ok = false;
            else acr[an++] = ch;
        }
        if (!ok || an < 2) continue;
        for (size_t f = 0; f < ne; f++) {
            if (eb[f].words < 2 || (size_t)eb[f].words > an + 3) continue;
            int te = 0, tf = 0;
            for (int q = 1; q <= 3; q++) {
                if (eb[e].type_w[q] > eb[e].type_w[te]) te = q;
                if (eb[f].type_w[q] > eb[f].type_w[tf]) tf = q;
            }
            if (te != tf || te == EXTRACT_PERSON) continue;
            const ner_span *fs = &c->spans[eb[f].best_span];
            size_t ki = 0;
            bool match = true;
            for (uint32_t q = fs->t0; q < fs->t1 && match; q++) {
                const char *w = c->text + c->toks[q].start;
                size_t wn = c->toks[q].end - c->toks[q].start;
                if (tok_ieq(w, wn, "of") || tok_ieq(w, wn, "the") || tok_ieq(w, wn, "for") ||
                    tok_ieq(w, wn, "and") || tok_ieq(w, wn, "&"))
                    continue;
                if (ki >= an || (w[0] & ~0x20) != acr[ki]) match = false;
                ki++;
            }
            if (!match || ki != an) continue;
            int32_t x = (int32_t)e, y = (int32_t)f;
            while (root[x] != x) x = root[x];
            while (root[y] != y) y = root[y];
            if (x != y) root[x] = y;
            break;
        }
    }
    int32_t *remap = arena_alloc(c->a, (ne ? ne : 1) * sizeof *remap);
    if (!remap) return -1;
    size_t kept = 0;
    for (size_t e = 0; e < ne; e++) remap[e] = root[e] == (int32_t)e ? (int32_t)kept++ : -1;
    for (size_t i = 0; i < nm; i++) {
        if (ent_of[i] < 0) continue;
        int32_t x = ent_of[i];
        while (root[x] != x) x = root[x];
        ent_of[i] = remap[x];
    }
    for (size_t e = 0; e < ne; e++) {
        if (remap[e] >= 0) continue;
        int32_t x = (int32_t)e;
        while (root[x] != x) x = root[x];
        eb[x].n += eb[e].n;
        for (int q = 0; q < 5; q++) eb[x].type_w[q] += eb[e].type_w[q];
    }
    for (size_t e = 0, w = 0; e < ne; e++) {
        if (remap[e] < 0) continue;
        if (w != e) eb[w] = eb[e];
        w++;
    }
    ne = kept;
    r->entities = arena_calloc(c->a, ne ? ne : 1, sizeof *r->entities);
    if (!r->entities) return -1;
    for (size_t e = 0; e < ne; e++) {
        extract_entity *x = &r->entities[e];
        const ner_span *bs = &c->spans[eb[e].best_span];
        x->name = arena_strndup(c->a, c->text + bs->start, bs->end - bs->start);
        x->key = eb[e].key;
        int t = EXTRACT_PERSON;
        for (int q = EXTRACT_ORG; q <= EXTRACT_PLACE; q++)
            if (eb[e].type_w[q] > eb[e].type_w[t]) t = q;
        x->type = (uint8_t)t;
        x->n_mentions = eb[e].n;
        x->aliases = arena_calloc(c->a, eb[e].n * 2 + 1, sizeof *x->aliases);
        if (!x->name || !x->aliases) return -1;
    }
    r->n_entities = ne;
    /* Mentions in text order, with aliases and roles. */
    for (size_t i = 0; i < nm; i++) {
        const ment *m = &ms[i];
        const ner_span *sp = &c->spans[m->span];
        extract_mention *o = &r->mentions[i];
        o->start = sp->start;
        o->end = sp->end;
        o->sentence = sp->sentence;
        o->entity = ent_of[i];
        o->text = arena_strndup(c->a, c->text + sp->start, sp->end - sp->start);
        if (!o->text) return -1;
        o->honorific = sp->honorific;
        o->role = sp->role;
        o->role_start = sp->role_start;
        o->role_end = sp->role_end;
        if (o->entity < 0) {
            o->type = sp->type;
            continue;
        }
        extract_entity *x = &r->entities[o->entity];
        o->type = x->type;
        if (x->type != EXTRACT_PERSON) {
            /* Roles are people's: a name that turned out an organisation
             * or a place keeps none. */
            o->role = NULL;
            o->role_start = o->role_end = 0;
        }
        if (!x->role && o->role) x->role = o->role;
        const char *forms[2] = {o->text, NULL};
        char *hon = NULL;
        if (sp->honorific) {
            size_t hn = strlen(sp->honorific), tn = strlen(o->text);
            hon = arena_alloc(c->a, hn + tn + 2);
            if (!hon) return -1;
            memcpy(hon, sp->honorific, hn);
            hon[hn] = ' ';
            memcpy(hon + hn + 1, o->text, tn + 1);
            forms[1] = hon;
        }
        for (int f = 0; f < 2; f++) {
            if (!forms[f] || !strcmp(forms[f], x->name)) continue;
            bool dup = false;
            for (size_t q = 0; q < x->n_aliases; q++)
                if (!strcmp(x->aliases[q], forms[f])) dup = true;
            if (!dup) x->aliases[x->n_aliases++] = forms[f];
        }
    }
    r->n_mentions = nm;
    return 0;
}

/* ---- Time expressions ------------------------------------------------------ */

uint64_t ex_date_pack(const date_expr *d)
{
    uint64_t v = 0;
    v |= (uint64_t)(d->kind & 0xf);
    v |= (uint64_t)(d->unit & 0x7) << 4;
    v |= (uint64_t)(d->holiday & 0xf) << 7;
    v |= (uint64_t)(d->future ? 1 : 0) << 11;
    v |= (uint64_t)(d->narrative ? 1 : 0) << 12;
    v |= (uint64_t)((d->weekday + 1) & 0xf) << 13;
    v |= (uint64_t)(d->month & 0xf) << 17;
    v |= (uint64_t)(d->day & 0x1f) << 21;
    v |= (uint64_t)((uint16_t)d->offset) << 26;
    v |= (uint64_t)((uint16_t)d->year) << 42;
    return v;
}

void ex_date_unpack(uint64_t v, date_expr *d)
{
    memset(d, 0, sizeof *d);
    d->kind = (uint8_t)(v & 0xf);
    d->unit = (uint8_t)((v >> 4) & 0x7);
    d->holiday = (uint8_t)((v >> 7) & 0xf);
    d->future = (v >> 11) & 1;
    d->narrative = (v >> 12) & 1;
    d->weekday = (int8_t)((int)((v >> 13) & 0xf) - 1);
    d->month = (int8_t)((v >> 17) & 0xf);
    d->day = (int8_t)((v >> 21) & 0x1f);
    d->offset = (int16_t)(uint16_t)((v >> 26) & 0xffff);
    d->year = (int16_t)(uint16_t)((v >> 42) & 0xffff);
}

char *ex_timex_value(arena *a, const date_expr *d, int32_t ref)
{
    date_day f, l;
    if (ref == DATE_NONE || date_resolve(d, ref, &f, &l) != 0) return NULL;
    char b1[11], b2[11], out[24];
    date_format(f, b1);
    date_format(l, b2);
    if (f == l) snprintf(out, sizeof out, "%s", b1);
    else snprintf(out, sizeof out, "%s/%s", b1, b2);
    return arena_strdup(a, out);
}

static int list_timexes(ex_ctx *c)
{
    extract_result *r = c->r;
    const text_doc *doc = c->doc;
    r->timexes = arena_calloc(c->a, c->n_dates ? c->n_dates : 1, sizeof *r->timexes);
    if (!r->timexes) return -1;
    for (size_t k = 0; k < c->n_dates; k++) {
        const date_expr *d = &c->dates[k];
        extract_timex *x = &r->timexes[r->n_timexes++];
        x->start = d->start;
        x->end = d->end;
        x->text = arena_strndup(c->a, c->text + d->start, d->end - d->start);
        if (!x->text) return -1;
        x->expr = ex_date_pack(d);
        /* The sentence holding it whole: the last one starting at or
         * before it. */
        size_t lo = 0, hi = doc->n_sentences;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (doc->sentences[mid].start <= d->start) lo = mid + 1;
            else hi = mid;
        }
        x->sentence = lo > 0 && d->end <= doc->sentences[lo - 1].end ? (int32_t)(lo - 1) : -1;
        if (c->ref_day != DATE_NONE) {
            x->value = ex_timex_value(c->a, d, c->ref_day);
            date_day f, l;
            if (!x->value && date_resolve(d, c->ref_day, &f, &l) == 0) return -1;
        }
    }
    return 0;
}

/* ---- The article ------------------------------------------------------------- */

int extract_init(void)
{
    if (gz_init() != 0) return acc_error(ACCORD_ENOMEM, "extract: out of memory building the gazetteer");
    return 0;
}

int extract_article(arena *a, const text_doc *doc, const char *ref_date, extract_result *out)
{
    memset(out, 0, sizeof *out);
    if (!doc || !doc->text) return -2;
    ex_ctx c = {.a = a, .doc = doc, .text = doc->text, .r = out, .ref_day = DATE_NONE};
    size_t nt = doc->n_tokens, ns = doc->n_sentences;
    c.toks = arena_alloc(a, (nt + 1) * sizeof *c.toks);
    c.sent_first = arena_alloc(a, (ns + 1) * sizeof *c.sent_first);
    c.tok_span = arena_alloc(a, (nt + 1) * sizeof *c.tok_span);
    c.tok_sentence = arena_alloc(a, (nt + 1) * sizeof *c.tok_sentence);
    if (!c.toks || !c.sent_first || !c.tok_span || !c.tok_sentence) return -1;
    for (size_t i = 0; i < nt; i++) {
        c.toks[i] = (extract_token){doc->tokens[i].start, doc->tokens[i].end};
        c.tok_span[i] = -1;
        c.tok_sentence[i] = 0;
    }
    uint32_t prev = 0;
    for (size_t s = 0; s < ns; s++) {
        uint32_t f = doc->sentences[s].first_token;
        if (f < prev) f = prev;
        if (f > nt) f = (uint32_t)nt;
        c.sent_first[s] = f;
        prev = f;
    }
    if (ns) c.sent_first[0] = 0;
    c.sent_first[ns] = (uint32_t)nt;
    for (size_t s = 0; s < ns; s++)
        for (uint32_t t = c.sent_first[s]; t < c.sent_first[s + 1]; t++) c.tok_sentence[t] = (int32_t)s;

    ner_input in = {.text = doc->text, .len = doc->len, .toks = c.toks, .n = nt,
                    .sent_first = c.sent_first, .n_sent = ns};
    if (ner_tag(a, &in, &c.spans, &c.n_spans) < 0) return -1;
    for (size_t k = 0; k < c.n_spans; k++)
        for (uint32_t t = c.spans[k].t0; t < c.spans[k].t1 && t < nt; t++) c.tok_span[t] = (int32_t)k;
    c.span_first = arena_alloc(a, (ns + 1) * sizeof *c.span_first);
    if (!c.span_first) return -1;
    for (size_t sn = 0, k = 0; sn <= ns; sn++) {
        while (k < c.n_spans && c.spans[k].sentence < sn) k++;
        c.span_first[sn] = (uint32_t)k;
    }
    if (group_entities(&c) < 0) return -1;

    if (ref_date && strlen(ref_date) >= 10 && acc_is_date(ref_date, 10)) c.ref_day = date_parse_iso(ref_date, 10);
    date_expr *dates = NULL;
    size_t nd = 0;
    if (date_find(a, doc->text, doc->len, &dates, &nd) < 0) return -1;
    c.dates = dates;
    c.n_dates = nd;
    if (list_timexes(&c) < 0) return -1;
    if (quotes_find(&c) < 0) return -1;
    if (quantities_find(&c) < 0) return -1;
    return 0;
}

int extract_quotes_text(arena *a, const char *text, size_t len, extract_result *out)
{
    memset(out, 0, sizeof *out);
    text_doc doc;
    if (text_analyze(a, text, len, &doc) < 0) return -1;
    return extract_article(a, &doc, NULL, out);
}

int extract_quantities_text(arena *a, const char *text, size_t len, extract_result *out)
{
    return extract_quotes_text(a, text, len, out);
}
