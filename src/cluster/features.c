/* features.c - an article as three sparse vectors: words, names, numbers.
 *
 * Words are the stems of the words of the title and the text, without
 * stop words. Where a word stands says how much it tells about the event:
 * a title word counts 2, a word of the first three sentences (the lead,
 * which in news states the event) 3, a word from the seventh sentence on
 * (mostly background, shared with related events) 0.5, any other 1. The
 * same position weights apply to names and numbers. Repeated features
 * grow sublinearly (1 + ln tf).
 *
 * Names are runs of capitalised words in a sentence ("Tara Reid",
 * "Promises Treatment Center"), keyed by their match key. A run counts
 * whole and by each of its words, so a later "Reid" still meets "Tara
 * Reid". A capitalised word that opens a sentence is a name only when the
 * text never writes it in lower case and it is not a stop word ("The",
 * "But"). Honorifics are dropped ("Mr Peskov" is "peskov"). Until the
 * entity stage hands over its entities these are the named things; they
 * separate look-alike events better than any topic word: two earthquakes
 * share every topic word but not their places.
 *
 * Numbers count alone ("2008", "6.1") and with the word after them
 * ("6.1 magnitud", "35 peopl"): two reports of one event repeat its
 * figures, two look-alike events differ in them. Years separate events of
 * the same kind in different years.
 *
 * The headline is the title, or else the most central of the first
 * sentences: the one whose words are the article's most repeated words,
 * per word, among sentences of a readable length. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "util/util.h"

/* The lead (its first sentences) states the event; the text after the
 * first paragraphs is mostly background shared with related events. */
enum { LEAD_SENTENCES = 3, BODY_SENTENCES = 6 };

static const char *const stop_words[] = {
    "a", "about", "above", "after", "again", "against", "ago", "all", "also", "am", "an", "and",
    "another", "any", "are", "around", "as", "at", "be", "because", "been", "before", "being",
    "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
    "during", "each", "early", "either", "even", "ever", "every", "few", "for", "from", "further",
    "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "last", "late", "later", "least", "less", "like", "many", "may", "me", "might", "more",
    "most", "mr", "mrs", "ms", "much", "must", "my", "myself", "near", "neither", "new", "next",
    "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other",
    "others", "our", "ours", "ourselves", "out", "over", "own", "per", "perhaps", "rather", "said",
    "same", "say", "says", "she", "should", "since", "so", "some", "still", "such", "than", "that",
    "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "though", "through", "thus", "to", "too", "told", "toward", "under", "until", "up",
    "upon", "us", "very", "was", "we", "were", "what", "when", "where", "whether", "which", "while",
    "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you",
    "your", "yours", "yourself", "according", "among", "amid", "become", "became", "made", "make",
    "makes", "many", "well", "back", "way", "yes", "via", "whereas", "s", "t", "don", "didn",
    "doesn", "isn", "wasn", "weren", "won", "wouldn", "couldn", "shouldn", "can't", "it's",
};

/* Capitalised but not names: days and months say when, not who or where
 * (they stay in the word space). */
static const char *const calendar[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                       "sunday", "january", "february", "march", "april", "may", "june",
                                       "july", "august", "september", "october", "november", "december",
                                       "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                                       "oct", "nov", "dec"};

static bool is_calendar(const char *w)
{
    for (size_t i = 0; i < sizeof calendar / sizeof calendar[0]; i++)
        if (!strcmp(w, calendar[i])) return true;
    return false;
}

static const char *const honorifics[] = {"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "mr.", "mrs.", "ms.", "dr."};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The stop list sorted once, before any thread reads it (features are
 * computed on worker threads: pthread_once makes the first call build it
 * and every other wait for it). */
static const char *sorted_stop_words[sizeof stop_words / sizeof stop_words[0]];
static pthread_once_t stops_once = PTHREAD_ONCE_INIT;

static void sort_stops(void)
{
    memcpy(sorted_stop_words, stop_words, sizeof stop_words);
    qsort(sorted_stop_words, sizeof stop_words / sizeof stop_words[0], sizeof sorted_stop_words[0], cmp_str);
}

static const char **sorted_stops(size_t *n)
{
    *n = sizeof stop_words / sizeof stop_words[0];
    pthread_once(&stops_once, sort_stops);
    return sorted_stop_words;
}

static bool is_stop(const char *w)
{
    size_t n;
    const char **s = sorted_stops(&n);
    return bsearch(&w, s, n, sizeof s[0], cmp_str) != NULL;
}

static bool is_honorific(const char *w)
{
    for (size_t i = 0; i < sizeof honorifics / sizeof honorifics[0]; i++)
        if (!strcmp(w, honorifics[i])) return true;
    return false;
}

/* Lower-cased match key of a word, possessive 's taken off. */
static char *word_key(arena *a, const char *s, size_t n, buf *tmp)
{
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) ascii = false;
    char *k;
    size_t len;
    if (ascii) {
        k = arena_strndup(a, s, n);
        if (!k) return NULL;
        for (size_t i = 0; i < n; i++) k[i] = (char)tolower((unsigned char)k[i]);
        len = n;
    } else {
        buf_clear(tmp);
        if (text_match_key(s, n, tmp) != 0 || buf_failed(tmp)) return NULL;
        k = arena_strndup(a, buf_cstr(tmp), tmp->len);
        if (!k) return NULL;
        len = tmp->len;
    }
    if (len > 2 && k[len - 2] == '\'' && k[len - 1] == 's') k[len -= 2] = 0;
    else if (len > 1 && k[len - 1] == '\'') k[--len] = 0;
    /* A word with periods (U.S., J.D.) keys without them. */
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (k[i] != '.') k[w++] = k[i];
    k[w] = 0;
    return k;
}

/* ---- A small hash map from term to feature, for one article ---------------- */

typedef struct fmap {
    cluster_feature *slot;
    size_t cap, n;
    arena *a;
} fmap;

static int fmap_init(fmap *m, arena *a, size_t expect)
{
    size_t cap = 64;
    while (cap < expect * 2 + 16) cap <<= 1;
    m->slot = arena_calloc(a, cap, sizeof *m->slot);
    m->cap = cap;
    m->n = 0;
    m->a = a;
    return m->slot ? 0 : ACCORD_ENOMEM;
}

static int fmap_add(fmap *m, uint8_t space, const char *key, float w)
{
    char tag = (char)('0' + space);
    uint64_t h = acc_hash64(key, strlen(key)) ^ (0x9E3779B97F4A7C15ull * (uint64_t)(tag - '0' + 1));
    if (h == 0) h = 1;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap * 2;
        cluster_feature *s = arena_calloc(m->a, cap, sizeof *s);
        if (!s) return ACCORD_ENOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slot[i].term) continue;
            size_t j = m->slot[i].term & (cap - 1);
            while (s[j].term) j = (j + 1) & (cap - 1);
            s[j] = m->slot[i];
        }
        m->slot = s;
        m->cap = cap;
    }
    size_t j = h & (m->cap - 1);
    while (m->slot[j].term && m->slot[j].term != h) j = (j + 1) & (m->cap - 1);
    if (!m->slot[j].term) {
        m->slot[j].term = h;
        m->slot[j].space = space;
        m->slot[j].key = key;
        m->slot[j].weight = 0;
        m->n++;
    }
    m->slot[j].weight += w;
    return 0;
}

static int cmp_feature(const void *a, const void *b)
{
    uint64_t x = ((const cluster_feature *)a)->term, y = ((const cluster_feature *)b)->term;
    return x < y ? -1 : x > y;
}

/* ---- The article ------------------------------------------------------------ */

typedef struct tok_info {
    char *key;      /* lower-case match key, NULL when not a word or number */
    bool cap;       /* capitalised or all caps */
    bool start;     /* opens its sentence */
    bool stop;
    uint8_t kind;
} tok_info;

static float position_weight(size_t sentence)
{
    return sentence < LEAD_SENTENCES ? 3.0f : sentence >= BODY_SENTENCES ? 0.5f : 1.0f;
}

/* A number's key: digits and one decimal point, separators dropped. */
static char *number_key(arena *a, const char *s, size_t n)
{
    char *k = arena_alloc(a, n + 1);
    if (!k) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',') continue;
        k[w++] = (char)tolower((unsigned char)c);
    }
    k[w] = 0;
    return k;
}

/* True when the set of lower-case words holds key. */
static bool seen_has(const fmap *seen, const char *key)
{
    uint64_t h = acc_hash64(key, strlen(key));
    if (!h) h = 1;
    size_t j = h & (seen->cap - 1);
    while (seen->slot[j].term && seen->slot[j].term != h) j = (j + 1) & (seen->cap - 1);
    return seen->slot[j].term != 0;
}

/* Adds the features of the tokens [first, first+n) of a sentence, with
 * weight scale; names and numbers included. */
static int add_sentence(fmap *m, arena *a, text_stemmer *stem, const char *text, const text_token *toks,
                        tok_info *ti, size_t first, size_t n, float scale, const fmap *lower_seen)
{
    buf name = BUF_INIT;
    int rc = 0;
    size_t i = first, end = first + n;
    while (i < end && rc == 0) {
        tok_info *t = &ti[i];
        if (!t->key) {
            i++;
            continue;
        }
        if (t->kind == TOK_NUMBER || t->kind == TOK_PERCENT) {
            if (t->kind == TOK_PERCENT) {
                size_t kl = strlen(t->key);
                char *k = arena_alloc(a, kl + 2);
                if (!k) return ACCORD_ENOMEM;
                memcpy(k, t->key, kl);
                memcpy(k + kl, "%", 2);
                rc = fmap_add(m, CLUSTER_NUMBERS, k, scale);
            } else {
                rc = fmap_add(m, CLUSTER_NUMBERS, t->key, scale);
            }
            /* With the word after it, when that word says what it counts. */
            if (rc == 0 && i + 1 < end && ti[i + 1].key && ti[i + 1].kind == TOK_WORD && !ti[i + 1].stop) {
                size_t sl;
                const char *st = text_stem(stem, ti[i + 1].key, strlen(ti[i + 1].key), &sl);
                size_t kl = strlen(t->key);
                char *k = arena_alloc(a, kl + sl + 2);
                if (!k) return ACCORD_ENOMEM;
                memcpy(k, t->key, kl);
                k[kl] = ' ';
                memcpy(k + kl + 1, st, sl);
                k[kl + 1 + sl] = 0;
                rc = fmap_add(m, CLUSTER_NUMBERS, k, scale);
            }
            i++;
            continue;
        }
        /* A word: its stem in the word space. */
        if (!t->stop && strlen(t->key) > 1) {
            size_t sl;
            const char *st = text_stem(stem, t->key, strlen(t->key), &sl);
            char *k = arena_strndup(a, st, sl);
            if (!k) return ACCORD_ENOMEM;
            rc = fmap_add(m, CLUSTER_WORDS, k, scale);
        }
        i++;
    }
    /* Names: runs of capitalised words. */
    i = first;
    while (i < end && rc == 0) {
        if (!ti[i].key || ti[i].kind != TOK_WORD || !ti[i].cap || is_calendar(ti[i].key)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < end && ti[j].key && ti[j].kind == TOK_WORD && ti[j].cap && !is_calendar(ti[j].key) &&
               toks[j].start - (j > i ? toks[j - 1].end : toks[j].start) <= 1)
            j++;
        /* Drop a leading honorific, and a sentence-initial word that is not
         * a name on its own evidence. */
        size_t s = i;
        while (s < j && (is_honorific(ti[s].key) || (ti[s].start && (ti[s].stop || ti[s].kind != TOK_WORD))))
            s++;
        if (s < j && ti[s].start && j - s == 1) {
            /* A single capitalised word opening the sentence: a name only
             * if the text never writes it in lower case. */
            if (seen_has(lower_seen, ti[s].key)) s = j;
        }
        if (s < j) {
            buf_clear(&name);
            int parts = 0;
            for (size_t q = s; q < j; q++) {
                if (ti[q].stop) continue;
                if (parts++) buf_putc(&name, ' ');
                buf_puts(&name, ti[q].key);
                rc = fmap_add(m, CLUSTER_NAMES, ti[q].key, scale);
                if (rc) break;
            }
            if (rc == 0 && parts > 1) {
                if (buf_failed(&name)) {
                    rc = ACCORD_ENOMEM;
                    break;
                }
                char *k = arena_strndup(a, buf_cstr(&name), name.len);
                if (!k) {
                    rc = ACCORD_ENOMEM;
                    break;
                }
                rc = fmap_add(m, CLUSTER_NAMES, k, scale);
            }
        }
        i = j;
    }
    buf_free(&name);
    return rc;
}

/* Lower-case words of the text, to tell a sentence-initial name from a
 * common word ("Police said" vs "Reid said"). A set of key hashes. */
static int lower_words(fmap *seen, arena *a, const text_doc *doc, const tok_info *ti)
{
    if (fmap_init(seen, a, doc->n_tokens / 2 + 8) != 0) return ACCORD_ENOMEM;
    for (size_t i = 0; i < doc->n_tokens; i++) {
        if (!ti[i].key || ti[i].kind != TOK_WORD || ti[i].cap) continue;
        uint64_t h = acc_hash64(ti[i].key, strlen(ti[i].key));
        if (!h) h = 1;
        size_t j = h & (seen->cap - 1);
        while (seen->slot[j].term && seen->slot[j].term != h) j = (j + 1) & (seen->cap - 1);
        if (!seen->slot[j].term) {
            seen->slot[j].term = h;
            if (++seen->n * 2 > seen->cap) break; /* full enough: stop adding */
        }
    }
    return 0;
}

static int tok_infos(arena *a, const text_doc *doc, tok_info **out, buf *tmp)
{
    tok_info *ti = arena_calloc(a, doc->n_tokens + 1, sizeof *ti);
    if (!ti) return ACCORD_ENOMEM;
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const text_sentence *se = &doc->sentences[s];
        bool first_word = true;
        for (uint32_t k = 0; k < se->n_tokens; k++) {
            size_t i = se->first_token + k;
            const text_token *t = &doc->tokens[i];
            ti[i].kind = t->kind;
            if (t->kind == TOK_WORD) {
                ti[i].key = word_key(a, doc->text + t->start, t->end - t->start, tmp);
                if (!ti[i].key) return ACCORD_ENOMEM;
                ti[i].cap = (t->flags & (TOKF_CAPITALISED | TOKF_ALLCAPS)) != 0;
                ti[i].start = first_word || (t->flags & TOKF_SENT_START);
                first_word = false;
                ti[i].stop = is_stop(ti[i].key);
                if (!ti[i].key[0]) ti[i].key = NULL;
            } else if (t->kind == TOK_NUMBER || t->kind == TOK_PERCENT) {
                size_t n = t->end - t->start;
                if (t->kind == TOK_PERCENT && n > 0) n--;
                ti[i].key = number_key(a, doc->text + t->start, n);
                if (!ti[i].key) return ACCORD_ENOMEM;
                first_word = false;
            }
        }
    }
    *out = ti;
    return 0;
}

/* The most central of the first sentences, trimmed to a headline. */
static const char *central_sentence(arena *a, const text_doc *doc, const tok_info *ti, const fmap *m,
                                    text_stemmer *stem)
{
    size_t best = SIZE_MAX;
    double best_score = -1;
    size_t limit = doc->n_sentences < 8 ? doc->n_sentences : 8;
    for (size_t s = 0; s < limit; s++) {
        const text_sentence *se = &doc->sentences[s];
        int words = 0;
        double sum = 0;
        for (uint32_t k = 0; k < se->n_tokens; k++) {
            const tok_info *t = &ti[se->first_token + k];
            if (!t->key || t->kind != TOK_WORD) continue;
            words++;
            if (t->stop) continue;
            size_t sl;
            const char *st = text_stem(stem, t->key, strlen(t->key), &sl);
            uint64_t h = acc_hash64(st, sl) ^ (0x9E3779B97F4A7C15ull * (uint64_t)(CLUSTER_WORDS + 1));
            if (!h) h = 1;
            size_t j = h & (m->cap - 1);
            while (m->slot[j].term && m->slot[j].term != h) j = (j + 1) & (m->cap - 1);
            if (m->slot[j].term) sum += m->slot[j].weight;
        }
        if (words < 6 || words > 60) continue;
        /* Earlier sentences win ties: news puts the event first. */
        double score = sum / sqrt((double)words) * (1.0 - 0.03 * (double)s);
        if (score > best_score) {
            best_score = score;
            best = s;
        }
    }
    if (best == SIZE_MAX) best = 0;
    if (doc->n_sentences == 0) return NULL;
    const text_sentence *se = &doc->sentences[best];
    size_t len = se->end - se->start;
    const char *p = doc->text + se->start;
    if (len <= 160) return arena_strndup(a, p, len);
    /* Cut at a word boundary before 150 bytes, without splitting UTF-8. */
    size_t cut = 150;
    while (cut > 60 && p[cut] != ' ') cut--;
    while (cut > 0 && ((unsigned char)p[cut] & 0xC0) == 0x80) cut--;
    char *h = arena_alloc(a, cut + 4);
    if (!h) return NULL;
    memcpy(h, p, cut);
    memcpy(h + cut, "\xE2\x80\xA6", 4);
    return h;
}

int cluster_features(arena *a, text_stemmer *stem, const char *title, const text_doc *doc, cluster_doc *out)
{
    memset(out, 0, sizeof *out);
    out->day = CLUSTER_NO_DAY;
    out->soft_day = CLUSTER_NO_DAY;
    buf tmp = BUF_INIT;
    int rc = 0;
    tok_info *ti = NULL;
    fmap m, seen;
    if ((rc = tok_infos(a, doc, &ti, &tmp)) != 0) goto out;
    if ((rc = lower_words(&seen, a, doc, ti)) != 0) goto out;
    if ((rc = fmap_init(&m, a, doc->n_tokens / 2 + 16)) != 0) goto out;

    /* The title, analysed on its own, weighs 2. */
    if (title && *title) {
        text_doc td;
        if (text_analyze(a, title, strlen(title), &td) != 0) {
            rc = ACCORD_ENOMEM;
            goto out;
        }
        tok_info *tti = NULL;
        if ((rc = tok_infos(a, &td, &tti, &tmp)) != 0) goto out;
        /* Title case capitalises common words: names in a title only when
         * the body writes them capitalised too; the words still count. */
        for (size_t i = 0; i < td.n_tokens; i++)
            if (tti[i].key && seen_has(&seen, tti[i].key)) tti[i].cap = false;
        rc = add_sentence(&m, a, stem, title, td.tokens, tti, 0, td.n_tokens, 2.0f, &seen);
        if (rc) goto out;
        out->headline = arena_strdup(a, title);
        out->has_title = true;
    }
    for (size_t s = 0; s < doc->n_sentences && rc == 0; s++) {
        const text_sentence *se = &doc->sentences[s];
        rc = add_sentence(&m, a, stem, doc->text, doc->tokens, ti, se->first_token, se->n_tokens,
                          position_weight(s), &seen);
    }
    if (rc) goto out;
    if (!out->headline) out->headline = central_sentence(a, doc, ti, &m, stem);

    out->f = arena_alloc(a, (m.n ? m.n : 1) * sizeof *out->f);
    if (!out->f) {
        rc = ACCORD_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < m.cap; i++) {
        if (!m.slot[i].term) continue;
        cluster_feature f = m.slot[i];
        f.weight = f.weight >= 1.0f ? 1.0f + logf(f.weight) : f.weight;
        out->f[out->n++] = f;
    }
    qsort(out->f, out->n, sizeof *out->f, cmp_feature);
out:
    buf_free(&tmp);
    return rc;
}
