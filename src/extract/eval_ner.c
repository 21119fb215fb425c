/* eval_ner.c - entity precision, recall and F1 on IOB-tagged text.
 *
 * Reads the CoNLL-2003 layout (one token per line, the tag in the last
 * column, blank lines between sentences, -DOCSTART- between documents) or
 * WikiANN's (token "en:" prefixed, tab, tag). Each document is rebuilt as
 * text (tokens joined by spaces, one sentence a line) and tagged by the same
 * tagger the pipeline uses, with the gold tokenisation.
 *
 * Scoring is by exact span and type, as conlleval does. Gold PER, ORG and
 * LOC are compared with our PERSON, ORG and PLACE. MISC is left out: gold
 * MISC spans are not in the gold set, our MISC spans are not in the
 * predictions, and a prediction whose span is exactly a gold MISC span is
 * counted apart ("on_misc") rather than as an error; the strict figures
 * count those as false positives too. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "internal.h"
#include "util/buf.h"
#include "util/util.h"

typedef struct gspan {
    uint32_t t0, t1;
    uint8_t type; /* extract type, EXTRACT_MISC for MISC */
} gspan;

typedef struct counts {
    long tp[5], fp[5], fn[5];
    long on_misc;
} counts;

static uint8_t tag_type(const char *t)
{
    if (!strcmp(t, "PER")) return EXTRACT_PERSON;
    if (!strcmp(t, "ORG")) return EXTRACT_ORG;
    if (!strcmp(t, "LOC")) return EXTRACT_PLACE;
    if (!strcmp(t, "MISC")) return EXTRACT_MISC;
    return EXTRACT_NONE;
}

/* Spans from IOB tags (IOB1 or IOB2). */
static size_t spans_from_tags(const uint8_t *types, const bool *begin, size_t n, gspan *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (types[i] == EXTRACT_NONE) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && types[j] == types[i] && !begin[j]) j++;
        out[k++] = (gspan){(uint32_t)i, (uint32_t)j, types[i]};
        i = j;
    }
    return k;
}

typedef struct doc {
    buf text;
    extract_token *toks;
    uint8_t *gold;
    bool *gbegin;
    size_t n, cap;
    uint32_t *sent;
    size_t n_sent, cap_sent;
} doc;

static int doc_push(doc *d, const char *w, size_t wn, uint8_t type, bool begin)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 1024;
        extract_token *t = realloc(d->toks, nc * sizeof *t);
        if (!t) return -1;
        d->toks = t;
        uint8_t *g = realloc(d->gold, nc);
        if (!g) return -1;
        d->gold = g;
        bool *b = realloc(d->gbegin, nc * sizeof *b);
        if (!b) return -1;
        d->gbegin = b;
        d->cap = nc;
    }
    if (d->text.len) buf_putc(&d->text, ' ');
    uint32_t s = (uint32_t)d->text.len;
    buf_append(&d->text, w, wn);
    d->toks[d->n] = (extract_token){s, (uint32_t)d->text.len};
    d->gold[d->n] = type;
    d->gbegin[d->n] = begin;
    d->n++;
    return buf_failed(&d->text) ? -1 : 0;
}

static int doc_sentence(doc *d)
{
    if (d->n_sent && d->sent[d->n_sent - 1] == d->n) return 0;
    if (d->n_sent + 2 > d->cap_sent) {
        size_t nc = d->cap_sent ? d->cap_sent * 2 : 64;
        uint32_t *s = realloc(d->sent, nc * sizeof *s);
        if (!s) return -1;
        d->sent = s;
        d->cap_sent = nc;
    }
    d->sent[d->n_sent++] = (uint32_t)d->n;
    if (d->text.len) buf_putc(&d->text, '\n');
    return 0;
}

static int doc_score(doc *d, counts *c)
{
    if (d->n == 0) return 0;
    /* Close the sentence list: sent[] holds starts; add the end. */
    if (d->n_sent == 0 || d->sent[d->n_sent - 1] != d->n) {
        if (doc_sentence(d) < 0) return -1;
    }
    /* sent[0] must be 0. */
    arena a;
    arena_init(&a);
    int rc = -1;
    uint8_t *pt = arena_alloc(&a, d->n);
    bool *pb = arena_alloc(&a, d->n * sizeof *pb);
    gspan *gs = arena_alloc(&a, d->n * sizeof *gs);
    gspan *ps = arena_alloc(&a, d->n * sizeof *ps);
    uint32_t *bounds = arena_alloc(&a, (d->n_sent + 2) * sizeof *bounds);
    if (!pt || !pb || !gs || !ps || !bounds) goto out;
    size_t nb = 0;
    bounds[nb++] = 0;
    for (size_t i = 0; i < d->n_sent; i++)
        if (d->sent[i] > bounds[nb - 1]) bounds[nb++] = d->sent[i];
    if (bounds[nb - 1] != d->n) bounds[nb++] = (uint32_t)d->n;
    if (extract_tag_tokens(&a, buf_cstr(&d->text), d->toks, d->n, bounds, nb - 1, pt, pb) < 0) goto out;
    size_t ng = spans_from_tags(d->gold, d->gbegin, d->n, gs);
    size_t np = spans_from_tags(pt, pb, d->n, ps);
    /* Both lists are in token order: match by a merge. */
    for (size_t i = 0; i < np; i++) {
        if (ps[i].type == EXTRACT_MISC) continue;
        bool hit = false, misc = false;
        for (size_t j = 0; j < ng; j++) {
            if (gs[j].t0 > ps[i].t0) break;
            if (gs[j].t0 == ps[i].t0 && gs[j].t1 == ps[i].t1) {
                if (gs[j].type == ps[i].type) hit = true;
                else if (gs[j].type == EXTRACT_MISC) misc = true;
            }
        }
        if (hit) c->tp[ps[i].type]++;
        else if (misc) c->on_misc++;
        else c->fp[ps[i].type]++;
        if (!hit && getenv("ACCORD_EVAL_VERBOSE")) {
            /* ACCORD_EVAL_VERBOSE=1 lists the errors on stderr, for tuning. */
            const char *gt = "O";
            for (size_t j = 0; j < ng; j++)
                if (gs[j].t0 == ps[i].t0 && gs[j].t1 == ps[i].t1) gt = extract_type_name(gs[j].type);
            fprintf(stderr, "FP\t%s\t%s\t%.*s\n", extract_type_name(ps[i].type), gt,
                    (int)(d->toks[ps[i].t1 - 1].end - d->toks[ps[i].t0].start), buf_cstr(&d->text) + d->toks[ps[i].t0].start);
        }
    }
    for (size_t j = 0; j < ng; j++) {
        if (gs[j].type == EXTRACT_MISC) continue;
        bool hit = false;
        for (size_t i = 0; i < np; i++)
            if (ps[i].t0 == gs[j].t0 && ps[i].t1 == gs[j].t1 && ps[i].type == gs[j].type) hit = true;
        if (!hit) {
            c->fn[gs[j].type]++;
            if (getenv("ACCORD_EVAL_VERBOSE"))
                fprintf(stderr, "FN\t%s\t%.*s\n", extract_type_name(gs[j].type),
                        (int)(d->toks[gs[j].t1 - 1].end - d->toks[gs[j].t0].start), buf_cstr(&d->text) + d->toks[gs[j].t0].start);
        }
    }
    rc = 0;
out:
    arena_free(&a);
    d->n = 0;
    d->n_sent = 0;
    buf_clear(&d->text);
    return rc;
}

static json_t *prf(long tp, long fp, long fn)
{
    double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    return json_pack("{s:f,s:f,s:f,s:I,s:I,s:I}", "precision", p, "recall", r, "f1", f, "tp",
                     (json_int_t)tp, "fp", (json_int_t)fp, "fn", (json_int_t)fn);
}

int extract_eval_ner(const char *path, char **json)
{
    *json = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return acc_error(ACCORD_EINPUT, "eval ner: cannot open %s", path);
    doc d = {0};
    counts c = {0};
    char line[4096];
    long lineno = 0, sentences = 0, tokens = 0;
    uint8_t prev_type = EXTRACT_NONE;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t ln = strlen(line);
        while (ln && (line[ln - 1] == '\n' || line[ln - 1] == '\r' || line[ln - 1] == ' ' || line[ln - 1] == '\t'))
            line[--ln] = 0;
        if (ln == 0) {
            if (d.n && doc_sentence(&d) < 0) rc = -1;
            prev_type = EXTRACT_NONE;
            sentences++;
            continue;
        }
        if (!strncmp(line, "-DOCSTART-", 10)) {
            if (doc_score(&d, &c) < 0) rc = -1;
            prev_type = EXTRACT_NONE;
            continue;
        }
        char *sp = line;
        while (*sp && *sp != ' ' && *sp != '\t') sp++;
        size_t wn = (size_t)(sp - line);
        char *tag = strrchr(line, ' ');
        char *tab = strrchr(line, '\t');
        if (tab > tag) tag = tab;
        if (!tag || wn == 0) {
            fclose(f);
            free(d.toks), free(d.gold), free(d.gbegin), free(d.sent), buf_free(&d.text);
            return acc_error(ACCORD_EINPUT, "%s:%ld: expected \"TOKEN ... TAG\"", path, lineno);
        }
        tag++;
        const char *w = line;
        if (!strncmp(w, "en:", 3) && wn > 3) w += 3, wn -= 3;
        uint8_t type = EXTRACT_NONE;
        bool begin = false;
        if ((tag[0] == 'B' || tag[0] == 'I') && tag[1] == '-') {
            type = tag_type(tag + 2);
            begin = tag[0] == 'B' || prev_type != type;
        }
        prev_type = type;
        if (d.n == 0 && d.n_sent == 0 && doc_sentence(&d) < 0) rc = -1;
        if (doc_push(&d, w, wn, type, begin) < 0) rc = -1;
        tokens++;
        /* Very long documents (WikiANN has no DOCSTART): score in pieces. */
        if (d.n > 20000 && doc_score(&d, &c) < 0) rc = -1;
        if (rc) break;
    }
    fclose(f);
    if (!rc && doc_score(&d, &c) < 0) rc = -1;
    free(d.toks), free(d.gold), free(d.gbegin), free(d.sent), buf_free(&d.text);
    if (rc) return acc_error(ACCORD_ENOMEM, "eval ner: out of memory");
    long tp = 0, fp = 0, fn = 0;
    json_t *types = json_object();
    static const struct {
        uint8_t t;
        const char *name;
    } ty[] = {{EXTRACT_PERSON, "PERSON"}, {EXTRACT_ORG, "ORG"}, {EXTRACT_PLACE, "PLACE"}};
    for (int i = 0; i < 3; i++) {
        uint8_t t = ty[i].t;
        json_object_set_new(types, ty[i].name, prf(c.tp[t], c.fp[t], c.fn[t]));
        tp += c.tp[t], fp += c.fp[t], fn += c.fn[t];
    }
    json_t *o = json_pack("{s:s,s:I,s:I,s:o,s:o,s:o,s:I,s:s}", "file", path, "sentences",
                          (json_int_t)sentences, "tokens", (json_int_t)tokens, "overall",
                          prf(tp, fp, fn), "strict", prf(tp, fp + c.on_misc, fn), "types", types,
                          "on_misc", (json_int_t)c.on_misc, "misc",
                          "gold MISC left out; a prediction exactly on a gold MISC span is counted "
                          "in on_misc, not as an error (strict counts it as a false positive)");
    if (!o) return acc_error(ACCORD_ENOMEM, "eval ner: out of memory");
    *json = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *json ? 0 : acc_error(ACCORD_ENOMEM, "eval ner: out of memory");
}
