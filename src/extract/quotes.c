/* quotes.c - direct quotes and who said them.
 *
 * Quotes. Inside each paragraph, typographic marks pair up (“ opens, ”
 * closes; « », „ “ too) and straight double quotes toggle. A paragraph that
 * ends inside a quote and is followed by a paragraph opening with a quote
 * mark is the news convention for a quote over several paragraphs: both
 * parts are quotes of the same speaker. Single quotes are not taken: they
 * are apostrophes far more often than quotes.
 *
 * Speakers, in this order of evidence:
 *  1. right after the quote: `”, Mr Peskov said` / `”, said Mr Peskov` /
 *     `”, he said` / `”, a US official told Reuters`;
 *  2. before it in its sentence: the nearest finite cue verb ("said", "told",
 *     "warned", "announced", not "to declare") and its subject; a participle
 *     cue ("adding", "saying") takes the subject of the sentence;
 *  3. a possessive speech noun before it: "Zelensky's comment that ... “...”";
 *  4. a cue later in the same sentence: `“densely populated” ..., its mayor
 *     Ihor Terekhov reported`;
 *  5. no cue at all: a further quote of the same paragraph, or a paragraph
 *     that is only a quote, continues the previous speaker.
 * A speaker is a name (with its role or honorific), a description ending in
 * a speaking noun ("one US official", "sources"), or a pronoun. Pronouns
 * resolve to a person named earlier in the same sentence, else to the
 * previous quote's speaker when it is at most a paragraph away, else to the
 * first person of the nearest earlier sentence (its likely subject). */
#include <string.h>
#include <strings.h>

#include "internal.h"

typedef struct qspan {
    uint32_t s, e;           /* the quoted words */
    int32_t open_tok, close_tok; /* tokens of the marks, -1 when none */
    uint32_t para;
    bool cont_prev;          /* continues the previous paragraph's quote */
} qspan;

typedef struct spk {
    int32_t t0, t1;  /* token span of the speaker mention */
    uint8_t how;     /* extract_speaker_how */
    int32_t span;    /* ner span index, or -1 */
    int32_t cue;     /* token of the cue verb, or -1 */
} spk;

static const char *const aux_adv[] = {"has", "have", "had", "did", "does", "do", "also", "later",
                                      "then", "again", "further", "earlier", "previously",
                                      "repeatedly", "recently", "simply", "only", "just", "once", "often",
                                      "always", "never", "now", "later", "soon", "yet", "quickly",
                                      "has", "had", "himself", "herself", "themselves", "too",
                                      "first", "last", "still", "would", "not", "never", NULL};
static const char *const modals[] = {"to", "will", "would", "could", "can", "may", "might",
                                     "should", "must", "shall", "cannot", NULL};
static const char *const determiners[] = {"a", "an", "the", "one", "two", "three", "four", "five",
                                          "several", "some", "many", "other", "another", "his", "my", "your", "her", "its", "their", "our", "both",
                                          "most", "few", "all", NULL};
static const char *const relatives[] = {"who", "which", "whom", NULL};

static const char *tp(const ex_ctx *c, int32_t i) { return c->text + c->toks[i].start; }
static size_t tl(const ex_ctx *c, int32_t i) { return c->toks[i].end - c->toks[i].start; }
static bool tis(const ex_ctx *c, int32_t i, const char *w) { return tok_ieq(tp(c, i), tl(c, i), w); }
static bool tin(const ex_ctx *c, int32_t i, const char *const *l) { return word_in(tp(c, i), tl(c, i), l); }
static bool tword(const ex_ctx *c, int32_t i) { return c->doc->tokens[i].kind == TOK_WORD; }
static bool tpunct(const ex_ctx *c, int32_t i, char ch)
{
    return tl(c, i) == 1 && tp(c, i)[0] == ch;
}
static bool is_adverb(const ex_ctx *c, int32_t i)
{
    size_t n = tl(c, i);
    const char *s = tp(c, i);
    if (tin(c, i, aux_adv)) return true;
    return n > 4 && s[n - 2] == 'l' && s[n - 1] == 'y' && !tok_is_cap(s, n);
}
static bool is_cue(const ex_ctx *c, int32_t i)
{
    return tword(c, i) && !tok_is_cap(tp(c, i), tl(c, i)) && tin(c, i, cue_verbs);
}
static bool is_participle(const ex_ctx *c, int32_t i)
{
    size_t n = tl(c, i);
    return n > 4 && memcmp(tp(c, i) + n - 3, "ing", 3) == 0;
}

/* The span whose name ends at token i, or -1. */
static int32_t span_ending_at(const ex_ctx *c, int32_t i)
{
    int32_t s = c->tok_span[i];
    if (s < 0) return -1;
    const ner_span *sp = &c->spans[s];
    return (int32_t)sp->t1 - 1 == i && sp->type != EXTRACT_MISC ? s : -1;
}

/* The span whose name or role starts at token i (or after an honorific at
 * i), or -1; *end gets the token after the name. */
static int32_t span_starting_at(const ex_ctx *c, int32_t i, int32_t lim, int32_t *end)
{
    /* A role starts a few words before its name: look from the sentence. */
    int32_t sent = c->tok_sentence[i];
    for (size_t k = c->span_first[sent]; k < c->n_spans; k++) {
        const ner_span *sp = &c->spans[k];
        if (sp->type == EXTRACT_MISC) continue;
        if ((int32_t)sp->t0 > i + 2) break;
        if ((int32_t)sp->t1 > lim) continue;
        bool at = (int32_t)sp->t0 == i;
        if (!at && sp->role && sp->role_start == c->toks[i].start) at = true;
        if (!at && sp->honorific && (int32_t)sp->t0 > i && (int32_t)sp->t0 <= i + 2 &&
            tl(c, i) == strlen(sp->honorific) && !strncasecmp(tp(c, i), sp->honorific, tl(c, i)))
            at = true;
        if (at) {
            /* A name followed directly by another name of a person
             * ("Kremlin" + "spokesman Dmitry Peskov") is the later one. */
            *end = (int32_t)sp->t1;
            return (int32_t)k;
        }
    }
    return -1;
}

/* Words a speaker phrase never starts with or runs over. */
static const char *const phrase_stop[] = {
    "and", "but", "or", "as", "in", "on", "at", "after", "before", "while", "when", "because", "so",
    "then", "according", "that", "which", "who", "whom", "whose", "if", "though", "although",
    "where", "with", "without", "to", "for", "from", "by", "of", "into", "than", "is", "was", "are",
    "were", "be", "been", "being", "not", "this", "these", "those", "there", "here", "what", "why",
    "how", NULL};

static bool sentence_punct(const ex_ctx *c, int32_t i)
{
    if (tword(c, i)) return false;
    const char *p = tp(c, i);
    size_t n = tl(c, i);
    if (n == 1 && (p[0] == '.' || p[0] == '!' || p[0] == '?' || p[0] == ';' || p[0] == ':' || p[0] == '"'))
        return true;
    return n == 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x9D);
}

static bool is_dash(const ex_ctx *c, int32_t i)
{
    const unsigned char *p = (const unsigned char *)tp(c, i);
    size_t n = tl(c, i);
    if (n == 1 && p[0] == '-') return true;
    return n == 3 && p[0] == 0xE2 && ((p[1] == 0x80 && (p[2] == 0x93 || p[2] == 0x94 || p[2] == 0x95)));
}

/* The best name inside tokens [t0, t1): the last person, else the last name. */
static int32_t span_inside(const ex_ctx *c, int32_t t0, int32_t t1)
{
    int32_t best = -1;
    for (int32_t k = t0; k < t1; k++) {
        int32_t s = c->tok_span[k];
        if (s < 0 || c->spans[s].type == EXTRACT_MISC || (int32_t)c->spans[s].t0 < t0) continue;
        if (best < 0 || c->spans[s].type == EXTRACT_PERSON || c->spans[best].type != EXTRACT_PERSON) best = s;
    }
    return best;
}

static void fill_phrase(const ex_ctx *c, int32_t t0, int32_t t1, spk *out)
{
    while (t1 > t0 && !tword(c, t1 - 1)) t1--; /* "Chaffetz (R-Utah)," keeps the words */
    int32_t s = span_inside(c, t0, t1);
    *out = (spk){t0, t1, EXTRACT_SPEAKER_NOMINAL, -1, -1};
    if (t1 - t0 == 1 && (tin(c, t0, pronouns_person) || tis(c, t0, "it"))) out->how = EXTRACT_SPEAKER_PRONOUN;
    if (s >= 0) {
        out->span = s;
        if (c->spans[s].type == EXTRACT_PERSON || (int32_t)c->spans[s].t0 == t0) out->how = EXTRACT_SPEAKER_NAMED;
    }
}

/* Any phrase from j up to a cue verb within a few words: "the ad's
 * narrator said", "panel Chairman Rep. Jason Chaffetz (R-Utah) said". */
static bool phrase_to_cue(const ex_ctx *c, int32_t j, int32_t lim, spk *out)
{
    if (j >= lim || !tword(c, j) || tin(c, j, phrase_stop)) return false;
    int depth = 0;
    for (int32_t k = j; k < lim && k < j + 14; k++) {
        if (tpunct(c, k, '(')) depth++;
        else if (tpunct(c, k, ')')) depth--;
        if (depth > 0) continue;
        /* "Rep." "Sen." keep going; other periods end the phrase. */
        bool abbrev = tpunct(c, k, '.') && k > j && tword(c, k - 1) && tl(c, k - 1) <= 3 &&
                      tok_is_cap(tp(c, k - 1), tl(c, k - 1));
        if ((sentence_punct(c, k) && !abbrev) || tpunct(c, k, ',')) return false;
        if (k > j && is_cue(c, k) && !is_participle(c, k)) {
            int32_t e = k;
            while (e > j && tword(c, e - 1) && is_adverb(c, e - 1)) e--;
            if (e == j) return false;
            fill_phrase(c, j, e, out);
            out->cue = k;
            return true;
        }
        if (k > j && tword(c, k) && tin(c, k, phrase_stop) && !tis(c, k, "of")) return false;
    }
    return false;
}

/* The phrase after an inverted cue or a dash: "said Rep. G.K. Butterfield
 * (D-N.C.), head of ..." -> up to the first comma or stop. */
static bool phrase_after(const ex_ctx *c, int32_t j, int32_t lim, spk *out)
{
    if (j >= lim || !tword(c, j) || tin(c, j, phrase_stop)) return false;
    int32_t k = j;
    while (k < lim && k < j + 10 && (tword(c, k) || tpunct(c, k, '.') || tpunct(c, k, '\'') ) &&
           !(k > j && tin(c, k, phrase_stop) && !tis(c, k, "of"))) {
        if (tpunct(c, k, '.') && !(k > j && tl(c, k - 1) <= 3)) break; /* "Rep." keeps going */
        k++;
    }
    if (k == j) return false;
    fill_phrase(c, j, k, out);
    return true;
}

/* A speaker phrase starting at token j (j < lim). */
static bool speaker_at(const ex_ctx *c, int32_t j, int32_t lim, spk *out)
{
    if (j >= lim) return false;
    int32_t end;
    int32_t s = span_starting_at(c, j, lim, &end);
    if (s >= 0) {
        /* "Kremlin spokesman Dmitry Peskov": a role starting here wins. */
        for (size_t k = (size_t)s + 1; k < c->n_spans; k++) {
            const ner_span *sp = &c->spans[k];
            if ((int32_t)sp->t0 > end + 3) break;
            if (sp->role && sp->role_start <= c->toks[j].start && (int32_t)sp->t1 <= lim) {
                s = (int32_t)k;
                end = (int32_t)sp->t1;
            }
        }
        const ner_span *sp = &c->spans[s];
        *out = (spk){(int32_t)sp->t0, (int32_t)sp->t1, EXTRACT_SPEAKER_NAMED, s, -1};
        (void)end;
        return true;
    }
    if (!tword(c, j)) return false;
    if (tin(c, j, pronouns_person) || tis(c, j, "it")) {
        *out = (spk){j, j + 1, EXTRACT_SPEAKER_PRONOUN, -1, -1};
        return true;
    }
    if (tin(c, j, determiners) || tis(c, j, "senior") || tis(c, j, "top") || tin(c, j, speaker_nouns) ||
        tok_is_cap(tp(c, j), tl(c, j))) {
        int32_t last = -1;
        for (int32_t k = j; k < lim && k < j + 7; k++) {
            if (!tword(c, k)) break;
            if (k > j && (is_cue(c, k) || tis(c, k, "that") || tis(c, k, "who"))) break;
            if (tin(c, k, speaker_nouns) && !tin(c, k, pronouns_person)) last = k;
            int32_t sk = c->tok_span[k];
            if (sk >= 0 && c->spans[sk].type != EXTRACT_MISC && (int32_t)c->spans[sk].t1 - 1 == k) last = k;
        }
        if (last >= 0) {
            int32_t sk = span_ending_at(c, last);
            if (sk >= 0 && (int32_t)c->spans[sk].t0 >= j) {
                *out = (spk){j, last + 1, EXTRACT_SPEAKER_NAMED, sk, -1};
                if ((int32_t)c->spans[sk].t0 > j) out->how = EXTRACT_SPEAKER_NOMINAL, out->span = sk;
                if (c->spans[sk].type == EXTRACT_PERSON) out->how = EXTRACT_SPEAKER_NAMED;
            } else {
                *out = (spk){j, last + 1, EXTRACT_SPEAKER_NOMINAL, -1, -1};
            }
            return true;
        }
    }
    return false;
}

/* A speaker phrase ending just before token k (k exclusive), no further
 * left than s0: the subject of a cue at k. */
static bool speaker_before(const ex_ctx *c, int32_t k, int32_t s0, spk *out)
{
    int32_t j = k - 1;
    int commas = 0;
    while (j >= s0) {
        if (tword(c, j) && is_adverb(c, j)) {
            j--;
            continue;
        }
        if (tpunct(c, j, ',') && commas < 2) {
            /* "Mr Peskov, when asked if ..., said": skip the aside. */
            int32_t p = j - 1;
            while (p >= s0 && p > j - 30 && !tpunct(c, p, ',')) p--;
            if (p < s0 || p <= j - 30) return false;
            commas++;
            j = p - 1;
            continue;
        }
        break;
    }
    if (j < s0) return false;
    int32_t s = span_ending_at(c, j);
    if (s >= 0) {
        const ner_span *sp = &c->spans[s];
        *out = (spk){(int32_t)sp->t0, (int32_t)sp->t1, EXTRACT_SPEAKER_NAMED, s, -1};
        return true;
    }
    if (!tword(c, j)) return false;
    if (tin(c, j, relatives)) {
        int32_t p = j - 1;
        if (p >= s0 && tpunct(c, p, ',')) p--;
        if (p >= s0 && (s = span_ending_at(c, p)) >= 0) {
            const ner_span *sp = &c->spans[s];
            *out = (spk){(int32_t)sp->t0, (int32_t)sp->t1, EXTRACT_SPEAKER_NAMED, s, -1};
            return true;
        }
        return false;
    }
    if (tin(c, j, pronouns_person) || tis(c, j, "it")) {
        *out = (spk){j, j + 1, EXTRACT_SPEAKER_PRONOUN, -1, -1};
        return true;
    }
    if (tin(c, j, speaker_nouns) || !tin(c, j, phrase_stop)) {
        int32_t b = j;
        while (b - 1 >= s0 && b > j - 6 && tword(c, b - 1) && !is_cue(c, b - 1) &&
               !tis(c, b - 1, "that") && !tis(c, b - 1, "and") && !tis(c, b - 1, "but")) {
            b--;
            if (tin(c, b, determiners)) break;
        }
        *out = (spk){b, j + 1, EXTRACT_SPEAKER_NOMINAL, -1, -1};
        return true;
    }
    return false;
}

/* Is the cue at i a finite verb here (not "to declare", not "will say")? */
static bool cue_finite(const ex_ctx *c, int32_t i, int32_t s0)
{
    if (i <= s0) return false; /* "Asked if ...": an opening participle */
    /* "Rubio's comments", "the claims": a noun, not a verb. */
    if (tok_strip_poss(tp(c, i - 1), tl(c, i - 1)) != tl(c, i - 1)) return false;
    if (tin(c, i - 1, determiners) && !tis(c, i - 1, "one") && !tis(c, i - 1, "two") && !tis(c, i - 1, "three"))
        return false;
    for (int32_t p = i - 1, seen = 0; p >= s0 && seen < 3; p--, seen++) {
        if (!tword(c, p)) break;
        if (tin(c, p, modals)) return false;
        if (!is_adverb(c, p)) break;
    }
    return true;
}

typedef struct qctx {
    ex_ctx *c;
    bool *in_quote; /* per token */
    int32_t last_speaker_span; /* span of the last resolved person speaker */
    uint32_t last_speaker_para;
    int32_t last_entity;
} qctx;

static int32_t sentence_of(const ex_ctx *c, int32_t tok) { return c->tok_sentence[tok]; }

/* Resolves a pronoun at token t to a person span. */
static int32_t resolve_pronoun(qctx *q, int32_t t, uint32_t para)
{
    ex_ctx *c = q->c;
    int32_t sent = sentence_of(c, t);
    uint32_t s0 = c->sent_first[sent];
    if (tis(c, t, "it") || tis(c, t, "they")) {
        /* An organisation named in the sentence or the one before. */
        for (size_t k = c->span_first[sent + 1]; k-- > 0;) {
            const ner_span *sp = &c->spans[k];
            if ((int32_t)sp->t0 >= t) continue;
            if ((int32_t)sp->sentence + 1 < sent) break;
            if (sp->type == EXTRACT_ORG && !q->in_quote[sp->t0]) return (int32_t)k;
        }
        return -1;
    }
    /* A person earlier in the same sentence, outside quotes. */
    for (size_t k = c->span_first[sent]; k < c->span_first[sent + 1]; k++) {
        const ner_span *sp = &c->spans[k];
        if ((int32_t)sp->sentence != sent || sp->t0 < s0) continue;
        if ((int32_t)sp->t0 >= t) break;
        if (sp->type == EXTRACT_PERSON && !q->in_quote[sp->t0]) return (int32_t)k;
    }
    if (q->last_speaker_span >= 0 && para <= q->last_speaker_para + 1) return q->last_speaker_span;
    /* The first person of the nearest earlier sentence. */
    for (int32_t s = sent - 1; s >= 0 && s >= sent - 6; s--) {
        for (size_t k = c->span_first[s]; k < c->span_first[s + 1]; k++) {
            const ner_span *sp = &c->spans[k];
            if ((int32_t)sp->sentence != s) continue;
            if (sp->type == EXTRACT_PERSON && !q->in_quote[sp->t0]) return (int32_t)k;
        }
    }
    return q->last_speaker_span;
}

static int32_t tok_at_byte(const ex_ctx *c, uint32_t b)
{
    size_t lo = 0, hi = c->doc->n_tokens;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->toks[mid].start < b) lo = mid + 1;
        else hi = mid;
    }
    return (int32_t)lo;
}

static bool open_mark(const char *s, size_t n, size_t i, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (i + 3 <= n && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9E)) return *len = 3, true;
    if (i + 2 <= n && u[0] == 0xC2 && u[1] == 0xAB) return *len = 2, true;
    return false;
}
static bool close_mark(const char *s, size_t n, size_t i, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (i + 3 <= n && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x9D) return *len = 3, true;
    if (i + 2 <= n && u[0] == 0xC2 && u[1] == 0xBB) return *len = 2, true;
    return false;
}

/* Finds the quote spans of every paragraph. */
static int find_spans(ex_ctx *c, qspan **out, size_t *n_out)
{
    const char *t = c->text;
    size_t cap = 16, n = 0;
    qspan *qs = arena_alloc(c->a, cap * sizeof *qs);
    if (!qs) return -1;
    bool pending = false; /* the previous paragraph ended inside a quote */
    for (size_t p = 0; p < c->doc->n_paragraphs; p++) {
        const text_paragraph *pg = &c->doc->paragraphs[p];
        size_t i = pg->start, e = pg->end;
        size_t open_at = SIZE_MAX, open_len = 0;
        bool straight = false;
        size_t first = i;
        while (first < e && (t[first] == ' ' || t[first] == '\t')) first++;
        bool starts_with_quote = false;
        size_t ml;
        if (first < e && (t[first] == '"' || open_mark(t, e, first, &ml))) starts_with_quote = true;
        bool cont = pending && starts_with_quote;
        pending = false;
        for (; i < e; i++) {
            size_t len;
            bool is_open = false, is_close = false;
            if (t[i] == '"') {
                if (open_at == SIZE_MAX) is_open = true, straight = true;
                else if (straight) is_close = true;
                len = 1;
            } else if (open_mark(t, e, i, &len)) {
                if (open_at == SIZE_MAX) is_open = true, straight = false;
                else if (!straight) {
                    /* A new opening mark inside an open quote: the writer
                     * forgot to close; start again here. */
                    is_close = true;
                }
            } else if (close_mark(t, e, i, &len)) {
                if (open_at != SIZE_MAX && !straight) is_close = true;
                else len = 1;
            } else {
                continue;
            }
            if (is_close) {
                size_t qs0 = open_at + open_len;
                if (i > qs0) {
                    if (n == cap) {
                        qspan *nq = arena_grow(c->a, qs, cap, cap * 2, sizeof *qs);
                        if (!nq) return -1;
                        qs = nq;
                        cap *= 2;
                    }
                    qs[n++] = (qspan){(uint32_t)qs0, (uint32_t)i, tok_at_byte(c, (uint32_t)open_at),
                                      tok_at_byte(c, (uint32_t)i), (uint32_t)p, cont && open_at == first};
                }
                open_at = SIZE_MAX;
                if (open_mark(t, e, i, &len)) {
                    /* reopen */
                    open_at = i;
                    open_len = len;
                }
                i += len - 1;
                continue;
            }
            if (is_open) {
                open_at = i;
                open_len = len;
                i += len - 1;
            }
        }
        if (open_at != SIZE_MAX) {
            /* The paragraph ends inside a quote. */
            size_t qs0 = open_at + open_len, qe = e;
            while (qe > qs0 && (t[qe - 1] == ' ' || t[qe - 1] == '\n')) qe--;
            if (qe > qs0 + 1) {
                if (n == cap) {
                    qspan *nq = arena_grow(c->a, qs, cap, cap * 2, sizeof *qs);
                    if (!nq) return -1;
                    qs = nq;
                    cap *= 2;
                }
                qs[n++] = (qspan){(uint32_t)qs0, (uint32_t)qe, tok_at_byte(c, (uint32_t)open_at), -1,
                                  (uint32_t)p, cont && open_at == first};
                pending = true;
            }
        }
    }
    *out = qs;
    *n_out = n;
    return 0;
}

/* Does the paragraph hold words outside its quotes? */
static int words_outside(const qctx *q, uint32_t para)
{
    const ex_ctx *c = q->c;
    const text_paragraph *pg = &c->doc->paragraphs[para];
    int n = 0;
    for (uint32_t s = pg->first_sentence; s < pg->first_sentence + pg->n_sentences; s++)
        for (uint32_t t = c->sent_first[s]; t < c->sent_first[s + 1]; t++)
            if (!q->in_quote[t] && tword(c, (int32_t)t)) n++;
    return n;
}

static bool sentence_has_cue(const qctx *q, uint32_t para)
{
    const ex_ctx *c = q->c;
    const text_paragraph *pg = &c->doc->paragraphs[para];
    for (uint32_t s = pg->first_sentence; s < pg->first_sentence + pg->n_sentences; s++)
        for (uint32_t t = c->sent_first[s]; t < c->sent_first[s + 1]; t++)
            if (!q->in_quote[t] && is_cue(c, (int32_t)t)) return true;
    return false;
}

/* Attributes one quote; returns true with *sp filled when a speaker is found. */
static bool attribute(qctx *q, const qspan *qs, const qspan *next, spk *sp)
{
    ex_ctx *c = q->c;
    int32_t n_tok = (int32_t)c->doc->n_tokens;
    int32_t open = qs->open_tok, close = qs->close_tok;
    if (open < 0 || open >= n_tok) return false;
    int32_t s_open = sentence_of(c, open);
    int32_t fs0 = (int32_t)c->sent_first[s_open];
    const text_paragraph *pg = &c->doc->paragraphs[qs->para];
    int32_t para_end = (int32_t)c->sent_first[pg->first_sentence + pg->n_sentences];
    int32_t lim = next && next->para == qs->para && next->open_tok > 0 ? next->open_tok : para_end;
    if (lim > n_tok) lim = n_tok;

    /* 1. Right after the closing mark. */
    if (close >= 0 && close < n_tok) {
        int32_t j = close + 1;
        int32_t s_close = sentence_of(c, close);
        int32_t send = (int32_t)c->sent_first[s_close + 1];
        if (j < n_tok && sentence_of(c, j) != s_close) send = (int32_t)c->sent_first[sentence_of(c, j) + 1];
        if (send > lim) send = lim;
        /* ",” he said" puts the comma inside; "”, he said" outside. */
        while (j < send && (tpunct(c, j, ',') || tpunct(c, j, '-'))) j++;
        if (j < send) {
            spk s;
            if (speaker_at(c, j, send, &s)) {
                int32_t k = s.t1;
                while (k < send && tword(c, k) && is_adverb(c, k)) k++;
                if (k < send && is_cue(c, k)) {
                    s.cue = k;
                    *sp = s;
                    return true;
                }
            }
            if (is_cue(c, j) && j + 1 < send && speaker_at(c, j + 1, send, &s)) {
                s.cue = j;
                *sp = s;
                return true;
            }
            if (tis(c, j, "according") && j + 2 < send && tis(c, j + 1, "to") && speaker_at(c, j + 2, send, &s)) {
                s.cue = j;
                *sp = s;
                return true;
            }
            /* "“...,” Blige sang": a name and a past-tense verb right after
             * a quote that ends on a comma. */
            bool subject = speaker_at(c, j, send, &s) && s.how != EXTRACT_SPEAKER_NOMINAL;
            if (!subject && tword(c, j) && tok_is_cap(tp(c, j), tl(c, j)) && !tin(c, j, phrase_stop)) {
                int32_t e = j + 1;
                while (e < send && tword(c, e) && tok_is_cap(tp(c, e), tl(c, e)) && e < j + 4) e++;
                fill_phrase(c, j, e, &s);
                subject = true;
            }
            if (close > 0 && (tpunct(c, close - 1, ',') || tpunct(c, close - 1, '?') || tpunct(c, close - 1, '!')) &&
                subject && s.t1 < send && tword(c, s.t1) && !tok_is_cap(tp(c, s.t1), tl(c, s.t1)) && tl(c, s.t1) > 3 &&
                (!memcmp(tp(c, s.t1) + tl(c, s.t1) - 2, "ed", 2) || tis(c, s.t1, "sang") || tis(c, s.t1, "spoke"))) {
                s.cue = s.t1;
                *sp = s;
                return true;
            }
            if (phrase_to_cue(c, j, send, &s)) {
                *sp = s;
                return true;
            }
            if (is_cue(c, j) && phrase_after(c, j + 1, send, &s)) {
                s.cue = j;
                *sp = s;
                return true;
            }
            /* "“...” ― Steve Quinlan": a dash and a name. */
            if (is_dash(c, j) && j + 1 < lim && phrase_after(c, j + 1, lim, &s)) {
                *sp = s;
                return true;
            }
        }
    }
    /* 2. The nearest finite cue before the quote in its sentence. */
    for (int32_t i = open - 1; i >= fs0; i--) {
        if (q->in_quote[i]) continue;
        if (tis(c, i, "according") && i + 2 < open && tis(c, i + 1, "to")) {
            spk s;
            if (speaker_at(c, i + 2, open, &s)) {
                s.cue = i;
                *sp = s;
                return true;
            }
        }
        if (!is_cue(c, i)) continue;
        if (is_participle(c, i)) {
            /* "..., adding ...": the subject of the sentence speaks. */
            for (int32_t k = i - 1; k >= fs0; k--) {
                if (q->in_quote[k] || !is_cue(c, k) || is_participle(c, k) || !cue_finite(c, k, fs0)) continue;
                spk s;
                if (speaker_before(c, k, fs0, &s)) {
                    s.cue = k;
                    *sp = s;
                    return true;
                }
            }
            for (size_t k = c->span_first[s_open]; k < c->span_first[s_open + 1]; k++) {
                const ner_span *ns = &c->spans[k];
                if ((int32_t)ns->sentence != s_open || (int32_t)ns->t0 >= i) continue;
                if (ns->type == EXTRACT_PERSON || ns->type == EXTRACT_ORG) {
                    *sp = (spk){(int32_t)ns->t0, (int32_t)ns->t1, EXTRACT_SPEAKER_NAMED, (int32_t)k, i};
                    return true;
                }
            }
            continue;
        }
        if (!cue_finite(c, i, fs0)) continue;
        spk s;
        if (speaker_before(c, i, fs0, &s)) {
            s.cue = i;
            *sp = s;
            return true;
        }
        /* "said Mr Peskov: “...”" */
        if (i + 1 < open && speaker_at(c, i + 1, open, &s)) {
            s.cue = i;
            *sp = s;
            return true;
        }
    }
    /* 3. "Zelensky's comment this week that ... “...”" */
    for (int32_t i = open - 1; i >= fs0; i--) {
        if (q->in_quote[i] || !tword(c, i) || !tin(c, i, speech_nouns)) continue;
        int32_t p = i - 1;
        while (p >= fs0 && tword(c, p) && !tok_is_cap(tp(c, p), tl(c, p)) && p > i - 3 &&
               !tin(c, p, determiners))
            p--; /* "Zelensky's recent comment" */
        if (p < fs0) break;
        int32_t s = c->tok_span[p];
        if (s >= 0 && c->spans[s].poss && (int32_t)c->spans[s].t1 - 1 == p && c->spans[s].type != EXTRACT_MISC) {
            *sp = (spk){(int32_t)c->spans[s].t0, (int32_t)c->spans[s].t1, EXTRACT_SPEAKER_NAMED, s, i};
            return true;
        }
    }
    /* 4. A cue later in the sentence of the closing mark. */
    if (close >= 0 && close < n_tok) {
        int32_t s_close = sentence_of(c, close);
        int32_t send = (int32_t)c->sent_first[s_close + 1];
        if (send > lim) send = lim;
        for (int32_t i = close + 1; i < send; i++) {
            if (q->in_quote[i] || !is_cue(c, i) || !cue_finite(c, i, fs0)) continue;
            spk s;
            if (speaker_before(c, i, close + 1, &s)) {
                s.cue = i;
                *sp = s;
                return true;
            }
            if (i + 1 < send && speaker_at(c, i + 1, send, &s)) {
                s.cue = i;
                *sp = s;
                return true;
            }
        }
    }
    return false;
}

int quotes_find(ex_ctx *c)
{
    qspan *qs;
    size_t nq;
    if (find_spans(c, &qs, &nq) < 0) return -1;
    c->r->quotes = NULL;
    c->r->n_quotes = 0;
    if (nq == 0) return 0;
    qctx q = {.c = c, .last_speaker_span = -1, .last_entity = -1};
    size_t nt = c->doc->n_tokens;
    q.in_quote = arena_calloc(c->a, nt ? nt : 1, sizeof *q.in_quote);
    extract_quote *out = arena_calloc(c->a, nq, sizeof *out);
    if (!q.in_quote || !out) return -1;
    for (size_t k = 0; k < nq; k++) {
        uint32_t from = qs[k].open_tok >= 0 ? (uint32_t)qs[k].open_tok : 0;
        for (uint32_t t = from; t < nt; t++) {
            if (c->toks[t].start >= qs[k].e) {
                if (qs[k].close_tok >= 0 && (int32_t)t == qs[k].close_tok) q.in_quote[t] = true;
                break;
            }
            q.in_quote[t] = true;
        }
    }
    size_t n = 0;
    int32_t prev_span = -1;      /* speaker span of the previous quote */
    const char *prev_text = NULL; /* its speaker text when no span */
    uint32_t prev_s0 = 0, prev_s1 = 0;
    uint8_t prev_how = 0;
    const char *prev_cue = NULL;
    uint32_t prev_para = UINT32_MAX;
    int32_t prev_entity = -1;
    for (size_t k = 0; k < nq; k++) {
        extract_quote *o = &out[n];
        o->start = qs[k].s;
        o->end = qs[k].e;
        o->paragraph = qs[k].para;
        o->text = arena_strndup(c->a, c->text + qs[k].s, qs[k].e - qs[k].s);
        if (!o->text) return -1;
        o->speaker_entity = -1;
        /* Partial: the quote sits inside a sentence of the writer. */
        int32_t ot = qs[k].open_tok;
        o->partial = ot > 0 && ot < (int32_t)nt && sentence_of(c, ot) >= 0 &&
                     (uint32_t)ot > c->sent_first[sentence_of(c, ot)] &&
                     !tpunct(c, ot - 1, ':') && !tpunct(c, ot - 1, ',');
        spk s;
        bool found = false;
        found = attribute(&q, &qs[k], k + 1 < nq ? &qs[k + 1] : NULL, &s);
        if (!found) {
            bool same_para = prev_para == qs[k].para;
            bool quote_only = words_outside(&q, qs[k].para) <= 2 && !sentence_has_cue(&q, qs[k].para);
            bool carry = (same_para && !sentence_has_cue(&q, qs[k].para)) || qs[k].cont_prev ||
                         (prev_para != UINT32_MAX && qs[k].para == prev_para + 1 && quote_only) ||
                         (same_para && k > 0);
            if (carry && (prev_span >= 0 || prev_text)) {
                o->speaker_start = prev_s0;
                o->speaker_end = prev_s1;
                o->speaker_text = prev_text;
                o->cue = prev_cue;
                o->speaker_entity = prev_entity;
                o->how = EXTRACT_SPEAKER_CARRIED;
                (void)prev_how;
            }
        } else {
            int32_t span = s.span;
            o->how = s.how;
            o->speaker_start = c->toks[s.t0].start;
            o->speaker_end = c->toks[s.t1 - 1].end;
            if (span >= 0) {
                o->speaker_start = c->spans[span].start;
                o->speaker_end = c->spans[span].end;
            }
            o->speaker_text = arena_strndup(c->a, c->text + o->speaker_start, o->speaker_end - o->speaker_start);
            if (!o->speaker_text) return -1;
            if (s.cue >= 0) {
                o->cue = tis(c, s.cue, "according") ? "according to"
                                                     : arena_strndup(c->a, tp(c, s.cue), tl(c, s.cue));
            }
            if (s.how == EXTRACT_SPEAKER_PRONOUN) span = resolve_pronoun(&q, s.t0, qs[k].para);
            if (span >= 0 && c->span_mention[span] >= 0)
                o->speaker_entity = c->r->mentions[c->span_mention[span]].entity;
            if (span >= 0 && c->spans[span].type == EXTRACT_PERSON) {
                q.last_speaker_span = span;
                q.last_speaker_para = qs[k].para;
            }
        }
        if (o->speaker_entity >= 0 && (size_t)o->speaker_entity < c->r->n_entities)
            o->speaker = c->r->entities[o->speaker_entity].name;
        else
            o->speaker = o->speaker_text;
        if (o->speaker_text || o->speaker_entity >= 0) {
            prev_span = 0;
            prev_text = o->speaker_text;
            prev_s0 = o->speaker_start;
            prev_s1 = o->speaker_end;
            prev_cue = o->cue;
            prev_entity = o->speaker_entity;
            prev_how = o->how;
        }
        prev_para = qs[k].para;
        n++;
    }
    c->r->quotes = out;
    c->r->n_quotes = n;
    return 0;
}
