/* cmd_eval_extract.c - `accord eval extract DIR`: extraction quality and
 * speed on pages with other people's gold (see clean/eval.h). */
#include <stdlib.h>
#include <string.h>

#include "clean/eval.h"
#include "cli.h"

const char usage_eval_extract[] =
    "usage: accord eval extract [--json] [--verbose] DIR\n\n"
    "Scores HTML main-text extraction on DIR, laid out like ../shared/data/extraction:\n"
    "  - trafilatura-style: gold.jsonl lines {file, url, with, without}: the share of\n"
    "    `with` snippets found in the text and of `without` snippets absent, with\n"
    "    precision, recall and F1 over the snippets;\n"
    "  - Readability-style: page folders with source.html(.gz), expected.html(.gz)\n"
    "    and expected-metadata.json: title, byline and date accuracy and the mean\n"
    "    token F1 of the text against the expected one.\n"
    "DIR may be either, or a folder holding trafilatura-eval/ and readability-pages/.\n"
    "Throughput is MB of HTML per CPU second of one thread.\n"
    "  --verbose   list each missed or leaked snippet and each wrong field on stderr\n";

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

int cmd_eval_extract(cli *c, int argc, char **argv)
{
    enum { O_VERBOSE = 2000 }; /* above cli.c's own */
    static const struct option opts[] = {{"verbose", no_argument, NULL, O_VERBOSE}, {0, 0, 0, 0}};
    bool verbose = false;
    int o;
    while ((o = cli_getopt(c, argc, argv, "v", opts)) != -1) {
        if (o == O_VERBOSE || o == 'v') verbose = true;
        else return cli_usage_error(c, "unknown option");
    }
    if (optind + 1 != argc) return cli_usage_error(c, "give one DIR");
    char *json = NULL;
    int rc = clean_eval_extract(argv[optind], verbose, stderr, &json);
    if (rc) return cli_fail(c, rc);
    if (c->json) {
        cli_print_json(c, json);
        return EXIT_OK;
    }
    json_t *r = cli_parse(json);
    if (!r) return EXIT_INTERNAL;
    json_t *t = json_object_get(r, "trafilatura");
    if (t) {
        printf("trafilatura set (%s): %d pages\n", cli_str(t, "dir", ""), (int)num(t, "pages"));
        printf("  with found %.3f  without absent %.3f  precision %.3f  recall %.3f  F1 %.3f  accuracy %.3f\n",
               num(t, "with_found"), num(t, "without_absent"), num(t, "precision"), num(t, "recall"),
               num(t, "f1"), num(t, "accuracy"));
        printf("  throughput %.1f MB/s per core (%.1f MB in %.2f CPU s)\n", num(t, "mb_per_s_per_core"),
               num(t, "bytes") / 1e6, num(t, "seconds"));
    }
    json_t *p = json_object_get(r, "readability");
    if (p) {
        printf("Readability pages (%s): %d pages\n", cli_str(p, "dir", ""), (int)num(p, "pages"));
        printf("  title %.3f (of %d; %.3f counting the title less its site name)  byline %.3f (of %d)\n"
               "  date %.3f (of %d)  text token F1 %.3f\n",
               num(p, "title_accuracy"), (int)num(p, "titles"), num(p, "title_accuracy_less_site"),
               num(p, "byline_accuracy"), (int)num(p, "bylines"), num(p, "date_accuracy"), (int)num(p, "dates"),
               num(p, "text_token_f1"));
        printf("  throughput %.1f MB/s per core\n", num(p, "mb_per_s_per_core"));
    }
    json_decref(r);
    return EXIT_OK;
}
