/* quotes.c - the same quote in several outlets, and claims in tension.
 *
 * Quotes are compared as sequences of match-key words (dedup's word
 * hashes), so typographic quotes, case and apostrophes do not matter. Two
 * quotes of different articles are the same when the shorter one's words
 * appear in order and contiguously in the longer one (the whole quote, a
 * trimmed one, or a fragment of it), or, for quotes of five words or more,
 * when their longest common subsequence covers 80% of the shorter one (light
 * edits). A short quote ("mistake") proves little by itself: it also needs
 * the same speaker or the same words just before it ("an attack Trump
 * called a"). Named speakers that differ keep quotes apart. Matches join
 * into groups (connected components), shown once with all their outlets.
 *
 * Claims in tension are attributed statements of different actors on one
 * question that pull opposite ways: one says an outcome (progress, a
 * settlement, a deal, an agreement) was reached, the other that it was not
 * ("some progress had been made" against "no settlement had been reached").
 * A statement is a sentence with a reporting verb, the actor named before
 * it, and the outcome word after it; negation within a few words before the
 * outcome word makes it negative; a conditional or wishful frame ("if",
 * "hoped to") makes it no claim at all. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "accord.h"
#include "reconcile/reconcile_int.h"

/* ---- Quote matching ------------------------------------------------------------- */

static size_t words_of(const char *s, uint64_t *out, size_t cap)
{
    arena a;
    arena_init(&a);
    uint64_t *w = NULL;
    size_t n = 0;
    if (s && dedup_word_hashes(&a, s, strlen(s), &w, &n) != 0) n = 0;
    if (n > cap) n = cap;
    if (n) memcpy(out, w, n * sizeof *out);
    arena_free(&a);
    return n;
}

static bool contiguous(const uint64_t *small, size_t ns, const uint64_t *big, size_t nb)
{
    if (ns == 0 || ns > nb) return false;
    for (size_t i = 0; i + ns <= nb; i++)
        if (!memcmp(big + i, small, ns * sizeof *small)) return true;
    return false;
}

static size_t lcs(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t row[257] = {0};
    if (nb > 256) nb = 256;
    for (size_t i = 0; i < na; i++) {
        size_t prev = 0;
        for (size_t j = 1; j <= nb; j++) {
            size_t cur = row[j];
            row[j] = a[i] == b[j - 1] ? prev + 1 : (row[j] > row[j - 1] ? row[j] : row[j - 1]);
            prev = cur;
        }
    }
    return row[nb];
}

/* The surname-like key of a speaker: its last capitalised word, lower-cased;
 * NULL for pronouns and descriptions ("he", "a US official"). */
static void speaker_key(const char *s, char *out, size_t cap)
{
    out[0] = 0;
    if (!s) return;
    size_t len = strlen(s), end = len;
    while (end > 0) {
        size_t st = end;
        while (st > 0 && !isspace((unsigned char)s[st - 1])) st--;
        if (isupper((unsigned char)s[st]) || (unsigned char)s[st] >= 0x80) {
            size_t o = 0;
            for (size_t i = st; i < end && o + 1 < cap; i++)
                if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
                    out[o++] = (char)tolower((unsigned char)s[i]);
            out[o] = 0;
            return;
        }
        while (st > 0 && isspace((unsigned char)s[st - 1])) st--;
        end = st;
    }
}

bool reconcile_quotes_match(const char *a, const char *b, const char *speaker_a,
                            const char *speaker_b, const char *before_a, const char *before_b)
{
    uint64_t wa[512], wb[512];
    size_t na = words_of(a, wa, 512), nb = words_of(b, wb, 512);
    if (!na || !nb) return false;
    const uint64_t *sm = na <= nb ? wa : wb, *bg = na <= nb ? wb : wa;
    size_t ns = na <= nb ? na : nb, nbg = na <= nb ? nb : na;
    char ka[64], kb[64];
    speaker_key(speaker_a, ka, sizeof ka);
    speaker_key(speaker_b, kb, sizeof kb);
    if (ka[0] && kb[0] && strcmp(ka, kb)) return false;
    bool same_words = contiguous(sm, ns, bg, nbg);
    if (!same_words && ns >= 5) same_words = lcs(sm, ns, bg, nbg) * 10 >= ns * 8;
    if (!same_words) return false;
    if (ns >= 4) return true;
    if (ka[0] && kb[0]) return true; /* equal, checked above */
    /* A short quote: the words before it must agree. */
    uint64_t pa[64], pb[64];
    size_t npa = words_of(before_a, pa, 64), npb = words_of(before_b, pb, 64);
    size_t k = 0;
    while (k < npa && k < npb && k < 2 && pa[npa - 1 - k] == pb[npb - 1 - k]) k++;
    return k >= 2 || (k >= 1 && npa == 1 && npb == 1);
}

/* Up to three words of the quote's sentence before it, as text in a. */
static const char *before_quote(arena *a, const rec_article *art, const rec_quote *q)
{
    uint32_t st = 0;
    for (size_t s = 0; s < art->doc.n_sentences; s++) {
        if (art->doc.sentences[s].start <= q->start) st = art->doc.sentences[s].start;
        else break;
    }
    if (q->start <= st || q->start > art->len) return NULL;
    uint32_t end = q->start;
    uint32_t from = end, words = 0;
    bool in_word = false;
    while (from > st) {
        unsigned char c = (unsigned char)art->text[from - 1];
        bool wc = isalnum(c) || c >= 0x80;
        if (wc && !in_word) {
            if (words == 3) break;
            words++;
        }
        in_word = wc;
        from--;
    }
    return arena_strndup(a, art->text + from, end - from);
}

static uint32_t uf_find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static int cmp_group(const void *x, const void *y, void *ctx)
{
    const reconcile *r = ctx;
    const rec_quote_group *a = x, *b = y;
    if (a->n_articles != b->n_articles) return a->n_articles > b->n_articles ? -1 : 1;
    const rec_report *ma = &a->members[0], *mb = &b->members[0];
    if (r->rank[ma->article] != r->rank[mb->article]) return r->rank[ma->article] < r->rank[mb->article] ? -1 : 1;
    return ma->quantity < mb->quantity ? -1 : ma->quantity > mb->quantity;
}

static bool named(const char *s) { return s && (isupper((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80); }

int rec_quotes(arena *a, reconcile *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_articles; i++) n += r->articles[i].n_quotes;
    r->quotes = NULL;
    r->n_quotes = 0;
    if (n == 0) return 0;
    rec_report *all = arena_alloc(a, n * sizeof *all);
    const char **before = arena_alloc(a, n * sizeof *before);
    uint32_t *parent = arena_alloc(a, n * sizeof *parent);
    if (!all || !before || !parent) return ACCORD_ENOMEM;
    /* Articles in date order, quotes in text order: the first member of a
     * group is its first carrier. */
    size_t k = 0;
    for (size_t o = 0; o < r->n_articles; o++) {
        uint32_t i = r->order[o];
        const rec_article *art = &r->articles[i];
        for (size_t q = 0; q < art->n_quotes; q++) {
            all[k] = (rec_report){i, (uint32_t)q};
            before[k] = before_quote(a, art, &art->quotes[q]);
            parent[k] = (uint32_t)k;
            k++;
        }
    }
    for (size_t x = 0; x < n; x++) {
        const rec_quote *qx = &r->articles[all[x].article].quotes[all[x].quantity];
        for (size_t y = x + 1; y < n; y++) {
            if (all[y].article == all[x].article) continue;
            const rec_quote *qy = &r->articles[all[y].article].quotes[all[y].quantity];
            if (!reconcile_quotes_match(qx->text, qy->text, named(qx->speaker) ? qx->speaker : NULL,
                                        named(qy->speaker) ? qy->speaker : NULL, before[x], before[y]))
                continue;
            uint32_t rx = uf_find(parent, (uint32_t)x), ry = uf_find(parent, (uint32_t)y);
            if (rx < ry) parent[ry] = rx;
            else if (ry < rx) parent[rx] = ry;
        }
    }
    r->quotes = arena_calloc(a, n, sizeof *r->quotes);
    if (!r->quotes) return ACCORD_ENOMEM;
    for (size_t x = 0; x < n; x++) {
        if (uf_find(parent, (uint32_t)x) != x) continue;
        rec_quote_group *g = &r->quotes[r->n_quotes++];
        size_t cnt = 0;
        for (size_t y = x; y < n; y++)
            if (uf_find(parent, (uint32_t)y) == x) cnt++;
        g->members = arena_alloc(a, cnt * sizeof *g->members);
        g->articles = arena_alloc(a, cnt * sizeof *g->articles);
        if (!g->members || !g->articles) return ACCORD_ENOMEM;
        for (size_t y = x; y < n; y++) {
            if (uf_find(parent, (uint32_t)y) != x) continue;
            const rec_quote *q = &r->articles[all[y].article].quotes[all[y].quantity];
            g->members[g->n_members++] = all[y];
            if (!g->text || strlen(q->text) > strlen(g->text)) g->text = q->text;
            if (named(q->speaker) && (!g->speaker || strlen(q->speaker) > strlen(g->speaker))) g->speaker = q->speaker;
            if (!g->speaker && q->speaker) g->speaker = q->speaker;
            if (q->role && !g->role) g->role = q->role;
            bool seen = false;
            for (size_t t = 0; t < g->n_articles; t++) seen |= g->articles[t] == all[y].article;
            if (!seen) g->articles[g->n_articles++] = all[y].article;
        }
        g->first = g->members[0].article;
        qsort(g->articles, g->n_articles, sizeof *g->articles, rec_cmp_u32);
    }
    /* One name per person: "Rubio" in one article is "Marco Rubio" in another. */
    for (size_t x = 0; x < r->n_quotes; x++) {
        rec_quote_group *g = &r->quotes[x];
        if (!named(g->speaker)) continue;
        size_t lg = strlen(g->speaker);
        for (size_t y = 0; y < r->n_quotes; y++) {
            const rec_quote_group *h = &r->quotes[y];
            if (!named(h->speaker)) continue;
            size_t lh = strlen(h->speaker);
            if (lh <= lg || h->speaker[lh - lg - 1] != ' ' || strcmp(h->speaker + lh - lg, g->speaker)) continue;
            g->speaker = h->speaker;
            if (!g->role) g->role = h->role;
            break;
        }
    }
    qsort_r(r->quotes, r->n_quotes, sizeof *r->quotes, cmp_group, r);
    return 0;
}

/* ---- Claims in tension ---------------------------------------------------------------- */

static const char *const REPORTING[] = {"said", "says", "say", "announced", "told", "stated",
                                        "claimed", "insisted", "added", "noted", "warned",
                                        "responded", "declared", "confirmed", "denied", "argued"};
static const char *const OUTCOMES[] = {"progress", "settlement", "agreement", "deal", "breakthrough",
                                       "ceasefire", "truce", "accord", "compromise", "consensus"};
static const char *const NEGATIONS[] = {"no", "not", "never", "without", "nothing", "neither",
                                        "nor", "hasn't", "haven't", "hadn't", "didn't", "isn't",
                                        "wasn't", "cannot", "can't", "won't", "failed", "lack"};
static const char *const REALISED[] = {"made", "achieved", "reached", "noted", "seen", "sees",
                                       "signed", "struck", "secured", "agreed", "found", "been"};
static const char *const FRAMES[] = {"if", "unless", "hope", "hopes", "hoped", "want", "wants",
                                     "wanted", "would", "could", "whether", "seek", "seeks",
                                     "seeking", "aim", "aims", "aimed", "secure", "to"};

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, list[i])) return true;
    return false;
}
#define IN(w, L) in_list(w, L, sizeof L / sizeof L[0])

typedef struct claim_word {
    char w[24];
    uint32_t start;
    bool cap;
} claim_word;

/* One attributed statement on an outcome. */
typedef struct statement {
    uint32_t article, sentence; /* sentence index in the doc */
    int polarity;               /* +1 reached, -1 not reached */
    const char *who, *who_key;
    const char *about;
    const char *attribution;    /* the words before the reporting verb, lower case */
    uint32_t rs;                /* into r->sentences */
} statement;

static size_t sentence_words(const char *s, size_t len, claim_word *w, size_t cap)
{
    size_t n = 0, i = 0;
    while (i < len && n < cap) {
        while (i < len && !(isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)) i++;
        size_t st = i;
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (isalnum(c) || c >= 0x80 || (c == '\'' && i + 1 < len && isalpha((unsigned char)s[i + 1]))) i++;
            else break;
        }
        if (i == st) break;
        size_t o = 0;
        for (size_t k = st; k < i && o + 1 < sizeof w[n].w; k++) {
            unsigned char c = (unsigned char)s[k];
            if (c == 0xe2 && k + 2 < i && (unsigned char)s[k + 1] == 0x80 && (unsigned char)s[k + 2] == 0x99) {
                w[n].w[o++] = '\'';
                k += 2;
                continue;
            }
            w[n].w[o++] = (char)tolower(c);
        }
        w[n].w[o] = 0;
        w[n].start = (uint32_t)st;
        w[n].cap = isupper((unsigned char)s[st]);
        n++;
    }
    return n;
}

static const rec_actor *actor_before(const rec_article *art, uint32_t sentence, uint32_t before)
{
    const rec_actor *best = NULL;
    for (size_t i = 0; i < art->n_actors; i++) {
        const rec_actor *x = &art->actors[i];
        if (x->sentence != sentence || x->start >= before) continue;
        if (!best || x->start > best->start) best = x;
    }
    return best;
}

static int find_statement(arena *a, const reconcile *r, uint32_t art_i, uint32_t sent, statement *out)
{
    const rec_article *art = &r->articles[art_i];
    const text_sentence *ts = &art->doc.sentences[sent];
    const char *s = art->text + ts->start;
    size_t len = ts->end - ts->start;
    claim_word w[160];
    size_t n = sentence_words(s, len, w, 160);
    size_t verb = n;
    for (size_t i = 1; i < n && verb == n; i++)
        if (IN(w[i].w, REPORTING)) verb = i;
    if (verb == n) return 0;
    int pol = 0;
    const char *about = NULL;
    for (size_t i = verb + 1; i < n; i++) {
        if (!IN(w[i].w, OUTCOMES)) continue;
        int p = 0;
        bool framed = false;
        for (size_t k = i > verb + 5 ? i - 5 : verb + 1; k < i; k++) {
            if (IN(w[k].w, NEGATIONS)) p = -1;
            if (IN(w[k].w, FRAMES)) framed = true;
        }
        if (p == 0 && !framed) {
            /* Reached: a realisation word close after (or before) the outcome. */
            for (size_t k = i + 1; k < n && k <= i + 5; k++)
                if (IN(w[k].w, REALISED)) p = 1;
            for (size_t k = i > verb + 3 ? i - 3 : verb + 1; k < i; k++)
                if (IN(w[k].w, REALISED) && strcmp(w[k].w, "been")) p = 1;
            for (size_t k = i + 1; k < n && k <= i + 5 && p > 0; k++)
                if (IN(w[k].w, NEGATIONS)) p = -1; /* "progress has not been made" */
        }
        if (framed && p < 0) p = 0;
        if (p == 0) continue;
        if (pol && pol != p) return 0; /* both ways in one sentence: no clear claim */
        pol = p;
    }
    for (size_t i = verb + 1; i < n && !about; i++)
        if (IN(w[i].w, OUTCOMES)) about = arena_strdup(a, w[i].w);
    if (!pol) return 0;
    const char *who = NULL, *key = NULL;
    const rec_actor *act = actor_before(art, sent, ts->start + w[verb].start);
    if (act) {
        who = act->name;
        key = act->key ? act->key : act->name;
    } else {
        /* The nearest capitalised word before the verb, not the sentence's first. */
        for (size_t k = verb; k-- > 1;) {
            if (!w[k].cap) continue;
            size_t st = k;
            while (st > 1 && w[st - 1].cap) st--;
            who = arena_strndup(a, s + w[st].start, w[k].start + strlen(w[k].w) - w[st].start);
            key = arena_strdup(a, w[k].w);
            break;
        }
    }
    if (!who) return 0;
    /* The affiliation: capitalised words of the attribution that are not the
     * actor's own name ("Kremlin" of "Kremlin spokesman Dmitry Peskov"). */
    buf attr = BUF_INIT;
    for (size_t k = verb > 8 ? verb - 8 : 0; k < verb; k++) {
        if (!w[k].cap || strcasestr(who, w[k].w) || rec_stopword(w[k].w, strlen(w[k].w))) continue;
        buf_putc(&attr, ' ');
        buf_puts(&attr, w[k].w);
    }
    buf_putc(&attr, ' ');
    out->attribution = arena_strdup(a, buf_cstr(&attr));
    buf_free(&attr);
    out->article = art_i;
    out->sentence = sent;
    out->polarity = pol;
    out->who = who;
    out->who_key = key;
    out->about = about;
    out->rs = rec_sentence_of(r, art_i, sent);
    return 1;
}

/* Does the attribution phrase of a name b's actor ("Kremlin spokesman
 * Dmitry Peskov" names the Kremlin)? */
static bool speaks_for(const statement *a, const statement *b)
{
    /* Two spokesmen of one body speak for the same side. */
    const char *p = a->attribution;
    while (p && *p) {
        while (*p == ' ') p++;
        const char *e = strchr(p, ' ');
        if (!e || e == p) break;
        char word[40];
        snprintf(word, sizeof word, " %.*s ", (int)(e - p), p);
        if (b->attribution && strstr(b->attribution, word)) return true;
        p = e;
    }
    char pat[64];
    char key[40];
    size_t o = 0;
    for (const char *q = b->who_key; *q && o + 1 < sizeof key; q++) key[o++] = (char)tolower((unsigned char)*q);
    key[o] = 0;
    snprintf(pat, sizeof pat, " %s ", key);
    return a->attribution && strstr(a->attribution, pat) != NULL;
}

static bool same_actor(const statement *a, const statement *b)
{
    if (!strcasecmp(a->who_key, b->who_key)) return true;
    if (speaks_for(a, b) || speaks_for(b, a)) return true;
    /* "Marco Rubio" against "Rubio": one key ends the other's name. */
    size_t la = strlen(a->who), lb = strlen(b->who);
    const char *sa = a->who, *sb = b->who;
    if (la > lb) {
        const char *t = sa;
        sa = sb;
        sb = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    return lb >= la && !strcasecmp(sb + lb - la, sa);
}

int rec_claims(arena *a, reconcile *r)
{
    r->claims = NULL;
    r->n_claims = 0;
    size_t cap = 16, n = 0;
    statement *st = arena_alloc(a, cap * sizeof *st);
    if (!st) return ACCORD_ENOMEM;
    for (size_t o = 0; o < r->n_articles; o++) {
        uint32_t i = r->order[o];
        for (size_t s = 0; s < r->articles[i].doc.n_sentences; s++) {
            if (n == cap) {
                st = arena_grow(a, st, cap, cap * 2, sizeof *st);
                if (!st) return ACCORD_ENOMEM;
                cap *= 2;
            }
            n += (size_t)find_statement(a, r, i, (uint32_t)s, &st[n]);
        }
    }
    enum { MAX_CLAIMS = 8 };
    size_t pa[MAX_CLAIMS], pb[MAX_CLAIMS];
    r->claims = arena_calloc(a, MAX_CLAIMS, sizeof *r->claims);
    if (!r->claims) return ACCORD_ENOMEM;
    for (size_t x = 0; x < n && r->n_claims < MAX_CLAIMS; x++) {
        if (st[x].polarity < 0) continue;
        for (size_t y = 0; y < n && r->n_claims < MAX_CLAIMS; y++) {
            if (st[y].polarity > 0 || same_actor(&st[x], &st[y])) continue;
            /* Statements made far apart answer different moments, not each other. */
            int32_t dx = r->ref_day[st[x].article], dy = r->ref_day[st[y].article];
            if (dx != INT32_MIN && dy != INT32_MIN && (dx - dy > 7 || dy - dx > 7)) continue;
            /* Carried by the same passage (copies of one sentence) is not tension. */
            if (st[x].rs != UINT32_MAX && st[y].rs != UINT32_MAX &&
                r->sentences[st[x].rs].group == r->sentences[st[y].rs].group)
                continue;
            /* One claim per pair of sides. */
            bool dup = false;
            for (size_t k = 0; k < r->n_claims; k++)
                if (same_actor(&st[pa[k]], &st[x]) && same_actor(&st[pb[k]], &st[y])) dup = true;
            if (dup) continue;
            const char *about = st[x].about;
            if (strcmp(st[x].about, st[y].about)) {
                size_t len = strlen(st[x].about) + strlen(st[y].about) + 4;
                char *t = arena_alloc(a, len);
                if (!t) return ACCORD_ENOMEM;
                snprintf(t, len, "%s / %s", st[x].about, st[y].about);
                about = t;
            }
            pa[r->n_claims] = x;
            pb[r->n_claims] = y;
            r->claims[r->n_claims++] = (rec_claim){st[x].article, st[x].sentence, st[y].article,
                                                   st[y].sentence, st[x].who, st[y].who, about};
        }
    }
    return 0;
}
