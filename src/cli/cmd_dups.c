/* cmd_dups.c - `accord dups`, `accord compare A B` and the passages view of
 * `accord article ID --passages`: copies and shared passages. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

const char usage_dups[] =
    "usage: accord dups [--json]\n\n"
    "Copies and shared passages among the stored articles.\n\n"
    "A copy is an article whose set of 4-word shingles (over match keys: case,\n"
    "quotes and punctuation ignored) has an exact Jaccard similarity of at least\n"
    "0.8 with another's; copies form groups whose original is the earliest\n"
    "published member (ties by id). Articles that share passages (at least two\n"
    "aligned sentences) without being copies are listed apart: an outlet that\n"
    "took part of a wire story and wrote the rest itself.\n";

const char usage_compare[] =
    "usage: accord compare A B [--json]\n\n"
    "Two articles side by side with their aligned sentences marked: = an aligned\n"
    "sentence (score 0..1), P<n> the passage it belongs to. Light edits still align\n"
    "(\"Trump\" / \"Mr Trump\", \"Zelensky\" / \"Zelenskyy\", a dropped clause).\n"
    "--json lists the aligned sentence pairs with both texts and a score.\n";

static int term_width(void)
{
    const char *cols = getenv("COLUMNS");
    if (cols && atoi(cols) >= 40) return atoi(cols);
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 120;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

/* "id · source · date · title", leaving out what is unknown. */
static void print_article_line(cli *c, const char *lead, json_t *a)
{
    printf("%s%s%s%s", lead, cli_bold(c), cli_str(a, "id", ""), cli_reset(c));
    static const char *const keys[] = {"source", "date", "title"};
    for (int i = 0; i < 3; i++)
        if (cli_str(a, keys[i], NULL) && *cli_str(a, keys[i], ""))
            printf(" · %s", cli_str(a, keys[i], ""));
    printf("\n");
}

int cmd_dups(cli *c, int argc, char **argv)
{
    while (cli_getopt(c, argc, argv, "", NULL) != -1) {
    }
    if (optind != argc) return cli_usage_error(c, "takes no arguments");
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_dups_json(db, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *d = cli_parse(json);
        json_t *cfg = json_object_get(d, "config");
        json_t *groups = json_object_get(d, "groups"), *pairs = json_object_get(d, "pairs");
        json_t *shared = json_object_get(d, "shared_passages");
        printf("%sCopies%s %s(exact Jaccard of %d-word shingles >= %.2f)%s\n", cli_bold(c),
               cli_reset(c), cli_dim(c), (int)num(cfg, "shingle_words"), num(cfg, "threshold"),
               cli_reset(c));
        if (json_array_size(groups) == 0) printf("  none\n");
        size_t i, k;
        json_t *g, *a;
        json_array_foreach(groups, i, g)
        {
            printf("\n  group %zu · %d articles · original %s\n", i + 1, (int)num(g, "size"),
                   cli_str(g, "original", ""));
            json_array_foreach(json_object_get(g, "articles"), k, a)
            {
                printf("    %s%-18s%s %-10s %-16.16s %s\n", k == 0 ? cli_bold(c) : "",
                       cli_str(a, "id", ""), k == 0 ? cli_reset(c) : "", cli_str(a, "date", "-"),
                       cli_str(a, "source", "-"), cli_str(a, "title", ""));
            }
        }
        if (json_array_size(pairs)) {
            printf("\n  %spairs%s\n", cli_dim(c), cli_reset(c));
            json_array_foreach(pairs, i, a)
            {
                printf("    %.3f  %s  %s\n", num(a, "jaccard"), cli_str(a, "a", ""),
                       cli_str(a, "b", ""));
            }
        }
        printf("\n%sShared passages%s %s(not copies: at least 2 aligned sentences)%s\n",
               cli_bold(c), cli_reset(c), cli_dim(c), cli_reset(c));
        if (json_array_size(shared) == 0) printf("  none\n");
        json_array_foreach(shared, i, a)
        {
            printf("  %s · %s   %d/%d and %d/%d sentences · %d passage%s · Jaccard %.3f\n",
                   cli_str(a, "a", ""), cli_str(a, "b", ""), (int)num(a, "shared_a"),
                   (int)num(a, "sentences_a"), (int)num(a, "shared_b"), (int)num(a, "sentences_b"),
                   (int)num(a, "passages"), num(a, "passages") == 1 ? "" : "s", num(a, "jaccard"));
        }
        json_decref(d);
    }
    accord_close(db);
    return code;
}

/* Splits s into lines of at most width display columns (words kept whole
 * unless longer than a line). Returns the number of lines; lines[i] are
 * malloc'd. */
static size_t wrap_lines(const char *s, int width, char ***out)
{
    size_t n = 0, cap = 8;
    char **lines = malloc(cap * sizeof *lines);
    if (!lines) {
        *out = NULL;
        return 0;
    }
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p) break;
        const char *start = p, *last_break = NULL;
        int col = 0;
        while (*p && *p != '\n') {
            if (*p == ' ') last_break = p;
            if (((unsigned char)*p & 0xC0) != 0x80) {
                if (col == width) break;
                col++;
            }
            p++;
        }
        if (*p && *p != '\n' && last_break) p = last_break;
        if (n == cap) {
            char **nl = realloc(lines, cap * 2 * sizeof *nl);
            if (!nl) break;
            lines = nl;
            cap *= 2;
        }
        lines[n++] = strndup(start, (size_t)(p - start));
    }
    *out = lines;
    return n;
}

static int display_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

static void print_row(const char *left, const char *mark, const char *right, int colw,
                      const char *on, const char *off)
{
    char **l = NULL, **r = NULL;
    size_t nl = left ? wrap_lines(left, colw, &l) : 0, nr = right ? wrap_lines(right, colw, &r) : 0;
    size_t rows = nl > nr ? nl : nr;
    if (rows == 0) rows = 1;
    for (size_t i = 0; i < rows; i++) {
        const char *a = i < nl ? l[i] : "", *b = i < nr ? r[i] : "";
        int pad = colw - display_width(a);
        printf("%s%s%s%*s %-5s %s%s%s\n", left ? on : "", a, left ? off : "", pad > 0 ? pad : 0, "",
               i == 0 ? mark : "", right ? on : "", b, right ? off : "");
    }
    for (size_t i = 0; i < nl; i++)
        free(l[i]);
    for (size_t i = 0; i < nr; i++)
        free(r[i]);
    free(l);
    free(r);
}

int cmd_compare(cli *c, int argc, char **argv)
{
    while (cli_getopt(c, argc, argv, "", NULL) != -1) {
    }
    if (optind + 2 != argc) return cli_usage_error(c, "give two article ids");
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_compare_json(db, argv[optind], argv[optind + 1], &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
        accord_close(db);
        return code;
    }
    if (c->json) {
        cli_print_json(c, json);
        accord_close(db);
        return code;
    }
    json_t *d = cli_parse(json);
    json_t *a = json_object_get(d, "a"), *b = json_object_get(d, "b");
    json_t *as = json_object_get(d, "a_sentences"), *bs = json_object_get(d, "b_sentences");
    json_t *pairs = json_object_get(d, "pairs"), *passages = json_object_get(d, "passages");
    int width = term_width(), colw = (width - 7) / 2;
    print_article_line(c, "A ", a);
    print_article_line(c, "B ", b);
    printf("%s%d of %d and %d of %d sentences aligned in %zu passage%s · Jaccard %.3f (%s)%s\n\n",
           cli_dim(c), (int)num(a, "shared"), (int)num(a, "sentences"), (int)num(b, "shared"),
           (int)num(b, "sentences"), json_array_size(passages),
           json_array_size(passages) == 1 ? "" : "s", num(d, "jaccard"),
           json_is_true(json_object_get(d, "copy")) ? "copies" : "not copies", cli_reset(c));
    size_t na = json_array_size(as), nb = json_array_size(bs);
    char *b_used = calloc(nb ? nb : 1, 1);
    /* Passage number of each pair, by position in the passages list. */
    for (size_t i = 0; i < na; i++) {
        size_t k;
        json_t *p;
        int shown = 0;
        json_array_foreach(pairs, k, p)
        {
            if ((size_t)num(p, "a") != i) continue;
            size_t j = (size_t)num(p, "b"), pi;
            json_t *ps;
            int passage = 0;
            json_array_foreach(passages, pi, ps)
            {
                size_t a0 = (size_t)num(ps, "a_first"), b0 = (size_t)num(ps, "b_first");
                if (i >= a0 && i < a0 + (size_t)num(ps, "a_count") && j >= b0 &&
                    j < b0 + (size_t)num(ps, "b_count"))
                    passage = (int)pi + 1;
            }
            char mark[32];
            snprintf(mark, sizeof mark, "=P%d", passage);
            if (b_used && j < nb) b_used[j] = 1;
            print_row(shown ? "" : json_string_value(json_array_get(as, i)), mark,
                      json_string_value(json_array_get(bs, j)), colw, cli_bold(c), cli_reset(c));
            shown = 1;
        }
        if (!shown) print_row(json_string_value(json_array_get(as, i)), "", NULL, colw, "", "");
    }
    int header = 0;
    for (size_t j = 0; j < nb; j++) {
        if (b_used && b_used[j]) continue;
        if (!header) {
            printf("\n%s%*s only in %s%s\n", cli_dim(c), colw + 6, "", cli_str(b, "id", ""),
                   cli_reset(c));
            header = 1;
        }
        print_row(NULL, "", json_string_value(json_array_get(bs, j)), colw, "", "");
    }
    free(b_used);
    json_decref(d);
    accord_close(db);
    return code;
}

int cli_article_passages(cli *c, accord *db, const char *id)
{
    char *json = NULL;
    int rc = accord_passages_json(db, id, &json);
    if (rc != 0) return cli_fail(c, rc);
    if (c->json) {
        cli_print_json(c, json);
        return EXIT_OK;
    }
    json_t *d = cli_parse(json);
    int ns = (int)num(d, "sentences"), shared = (int)num(d, "shared_sentences");
    print_article_line(c, "", d);
    printf("%d of %d sentences (%.0f%%) also carried by another article\n", shared, ns,
           100.0 * num(d, "shared_share"));
    size_t i, k;
    json_t *o, *s;
    json_t *related = json_object_get(d, "related");
    if (json_array_size(related)) {
        printf("\n%sRelated%s\n", cli_bold(c), cli_reset(c));
        json_array_foreach(related, i, o)
        {
            printf("  %-18s %-16s Jaccard %.3f · %d sentence%s aligned · %s\n",
                   cli_str(o, "id", ""), cli_str(o, "relation", ""), num(o, "jaccard"),
                   (int)num(o, "aligned_sentences"), num(o, "aligned_sentences") == 1 ? "" : "s",
                   cli_str(o, "source", "-"));
        }
    }
    json_t *passages = json_object_get(d, "passages");
    if (json_array_size(passages)) {
        printf("\n%sShared passages%s\n", cli_bold(c), cli_reset(c));
        json_array_foreach(passages, i, o)
        {
            int first = (int)num(o, "first"), count = (int)num(o, "count");
            printf("  [%zu] sentence%s %d", i + 1, count > 1 ? "s" : "", first + 1);
            if (count > 1) printf("-%d", first + count);
            printf(" · carried by");
            json_array_foreach(json_object_get(o, "carried_by"), k, s)
                printf(" %s", json_string_value(s));
            printf(" · first: %s (%s)\n", cli_str(o, "first_carrier", ""),
                   cli_str(o, "first_date", "undated"));
            json_array_foreach(json_object_get(o, "sentences"), k, s)
            {
                printf("%s", cli_dim(c));
                cli_wrap(stdout, json_string_value(s), 6, 80);
                printf("%s", cli_reset(c));
            }
        }
    }
    json_t *only = json_object_get(d, "only_here");
    printf("\n%sOnly here%s (%zu sentence%s)\n", cli_bold(c), cli_reset(c), json_array_size(only),
           json_array_size(only) == 1 ? "" : "s");
    json_array_foreach(only, i, o)
    {
        char **lines = NULL;
        size_t nl = wrap_lines(cli_str(o, "text", ""), 74, &lines);
        for (size_t l = 0; l < nl; l++) {
            if (l == 0)
                printf("%4d %s\n", (int)num(o, "sentence") + 1, lines[l]);
            else
                printf("     %s\n", lines[l]);
            free(lines[l]);
        }
        free(lines);
    }
    json_decref(d);
    return EXIT_OK;
}
