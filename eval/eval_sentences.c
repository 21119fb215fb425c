/* eval_sentences.c - quality of the sentence splitter on other people's
 * sentence boundaries.
 *
 *   eval_sentences [-v|-vv] FILE.jsonl
 *
 * FILE holds one article per line as JSON with a "text" field whose lines
 * are the gold sentences, one per line, as in ../shared/data/ecbplus (ECB+,
 * whose sentences come from the corpus's own markup). The lines of each
 * article are joined with single spaces into one paragraph, so the
 * splitter gets no help from line breaks, and text_analyze() splits it
 * again. A boundary is the byte offset where a sentence ends (the end of
 * the paragraph does not count, being given); predicted boundaries are
 * compared with the gold ones, giving precision, recall and F1, and the
 * share of articles without an error (counting as the second row does).
 *
 * Many gold sentences end without punctuation: headlines, datelines, URLs
 * and bylines that stood on lines of their own. Joined into running text
 * no splitter can find those (in real input the line break ends them), so
 * a second row counts only the gold boundaries after sentence punctuation
 * (. ? ! … possibly followed by quotes or brackets); wrong boundaries
 * count in both rows. -v prints every error with its context. It prints a
 * small table and exits 0, or 1 when the file cannot be read. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Does the sentence text[0..end) end with sentence punctuation? */
static int punctuated(const char *text, size_t end)
{
    while (end > 0) {
        unsigned char c = (unsigned char)text[end - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']' || c == ' ') {
            end--;
            continue;
        }
        /* ” ’ » and … are three and two bytes */
        if (end >= 3 && (memcmp(text + end - 3, "\xe2\x80\x9d", 3) == 0 ||
                         memcmp(text + end - 3, "\xe2\x80\x99", 3) == 0)) {
            end -= 3;
            continue;
        }
        if (end >= 2 && memcmp(text + end - 2, "\xc2\xbb", 2) == 0) {
            end -= 2;
            continue;
        }
        if (end >= 3 && memcmp(text + end - 3, "\xe2\x80\xa6", 3) == 0) return 1;
        return c == '.' || c == '?' || c == '!';
    }
    return 0;
}

static void show(const char *kind, const char *text, size_t len, size_t at)
{
    size_t from = at > 60 ? at - 60 : 0, to = at + 60 < len ? at + 60 : len;
    printf("  %s: ...%.*s || %.*s...\n", kind, (int)(at - from), text + from, (int)(to - at),
           text + at);
}

int main(int argc, char **argv)
{
    int verbose = 0, argi = 1;
    while (argi < argc && strncmp(argv[argi], "-v", 2) == 0) {
        verbose += argv[argi][2] == 'v' ? 2 : 1;
        argi++;
    }
    if (argi >= argc) {
        fprintf(stderr, "usage: eval_sentences [-v|-vv] FILE.jsonl\n");
        return 2;
    }
    FILE *f = fopen(argv[argi], "rb");
    if (!f) {
        fprintf(stderr, "eval_sentences: cannot open %s\n", argv[argi]);
        return 1;
    }
    size_t docs = 0, exact = 0, tp = 0, fp = 0, fn = 0, gold_sentences = 0;
    size_t ptp = 0, pfn = 0; /* punctuated gold boundaries only */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    buf text = BUF_INIT;
    arena a;
    arena_init(&a);
    uint32_t *gold = NULL;
    size_t gold_cap = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)n, 0, &err);
        const char *t = o ? json_string_value(json_object_get(o, "text")) : NULL;
        if (!t) {
            json_decref(o);
            continue;
        }
        /* join the gold sentences with spaces, remembering where each ends */
        buf_clear(&text);
        size_t n_gold = 0;
        for (const char *p = t; *p;) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
                l--;
            while (l && (*p == ' ' || *p == '\t')) {
                p++;
                l--;
            }
            if (l) {
                if (text.len) buf_putc(&text, ' ');
                buf_append(&text, p, l);
                if (n_gold == gold_cap) {
                    gold_cap = gold_cap ? gold_cap * 2 : 64;
                    uint32_t *g = realloc(gold, gold_cap * sizeof *g);
                    if (!g) return 3;
                    gold = g;
                }
                gold[n_gold++] = (uint32_t)text.len;
            }
            if (!e) break;
            p = e + 1;
        }
        json_decref(o);
        if (!n_gold || buf_failed(&text)) continue;
        docs++;
        gold_sentences += n_gold;
        arena_reset(&a);
        text_doc d;
        if (text_analyze(&a, text.data, text.len, &d) != 0) continue;
        /* the last boundary is the end of the text: given, not counted */
        size_t ng = n_gold - 1, np = d.n_sentences ? d.n_sentences - 1 : 0;
        uint32_t *pred = arena_alloc(&a, (np + 1) * sizeof *pred);
        if (!pred) return 3;
        for (size_t i = 0; i < np; i++)
            pred[i] = d.sentences[i].end;
        qsort(gold, ng, sizeof *gold, cmp_u32);
        size_t i = 0, j = 0, doc_errors = 0;
        while (i < ng || j < np) {
            if (i < ng && j < np && gold[i] == pred[j]) {
                tp++;
                if (punctuated(text.data, gold[i])) ptp++;
                i++;
                j++;
            } else if (j >= np || (i < ng && gold[i] < pred[j])) {
                fn++;
                if (punctuated(text.data, gold[i])) {
                    pfn++;
                    doc_errors++;
                    if (verbose) show("missed", text.data, text.len, gold[i]);
                } else if (verbose > 1) {
                    show("missed (no punctuation)", text.data, text.len, gold[i]);
                }
                i++;
            } else {
                fp++;
                doc_errors++;
                if (verbose) show("wrong ", text.data, text.len, pred[j]);
                j++;
            }
        }
        if (!doc_errors) exact++;
    }
    fclose(f);
    free(line);
    free(gold);
    buf_free(&text);
    arena_free(&a);
    double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    double pp = ptp + fp ? (double)ptp / (double)(ptp + fp) : 0;
    double pr = ptp + pfn ? (double)ptp / (double)(ptp + pfn) : 0;
    double pf1 = pp + pr > 0 ? 2 * pp * pr / (pp + pr) : 0;
    printf("%zu articles, %zu gold sentences\n\n", docs, gold_sentences);
    printf("| gold boundaries | count | precision | recall | F1 |\n");
    printf("| --- | ---: | ---: | ---: | ---: |\n");
    printf("| all | %zu | %.4f | %.4f | %.4f |\n", tp + fn, p, r, f1);
    printf("| after punctuation | %zu | %.4f | %.4f | %.4f |\n", ptp + pfn, pp, pr, pf1);
    printf("\narticles with no error after punctuation: %.1f%%\n",
           docs ? 100.0 * (double)exact / (double)docs : 0);
    return 0;
}
