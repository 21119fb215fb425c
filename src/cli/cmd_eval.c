/* cmd_eval.c - accord eval WHAT ...: the quality measurements.
 *
 * Each measurement is a subcommand owned by its stage's command file
 * (cmd_eval_<what>), taking any data in the format of the development set it
 * was written for. `make eval` runs them all over ../shared/data. */
#include <string.h>

#include "cli.h"

/* Each stage defines cmd_eval_<what> and usage_eval_<what> in its command
 * file. Weak while a stage is being written, so the build stays whole. */
#define EVAL_DECL(w)                                                                               \
    __attribute__((weak)) int cmd_eval_##w(cli *c, int argc, char **argv);                         \
    __attribute__((weak)) extern const char usage_eval_##w[];
EVAL_DECL(extract)
EVAL_DECL(dups)
EVAL_DECL(stories)
EVAL_DECL(ner)
EVAL_DECL(quotes)
EVAL_DECL(summaries)

static const cli_command evals[] = {
    {"extract", cmd_eval_extract, "main-text extraction on pages with gold snippets or references",
     usage_eval_extract},
    {"dups", cmd_eval_dups, "near-duplicate pairs against exact Jaccard on a JSONL corpus", usage_eval_dups},
    {"stories", cmd_eval_stories, "story clustering, B-cubed, on JSONL with an event label",
     usage_eval_stories},
    {"ner", cmd_eval_ner, "entity precision, recall, F1 on a CoNLL-format file", usage_eval_ner},
    {"quotes", cmd_eval_quotes, "speaker accuracy of direct quotes on a BRAT attribution folder",
     usage_eval_quotes},
    {"summaries", cmd_eval_summaries, "ROUGE of story summaries on JSONL with an event label",
     usage_eval_summaries},
};

const char usage_eval[] = "usage: accord eval WHAT [OPTIONS] PATH\n\n"
                          "Measures quality on a dataset; accord eval WHAT --help for each:\n"
                          "  extract    main-text extraction (a folder of pages with gold)\n"
                          "  dups       near-duplicate pairs against exact Jaccard (JSONL)\n"
                          "  stories    story clustering, B-cubed (JSONL with an event label)\n"
                          "  ner        entities, P/R/F1 (CoNLL format)\n"
                          "  quotes     quote speakers (BRAT attributions)\n"
                          "  summaries  ROUGE of summaries (JSONL with an event label)\n";

int cmd_eval(cli *c, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_eval, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof evals / sizeof evals[0]; i++) {
        if (strcmp(argv[1], evals[i].name) != 0) continue;
        if (!evals[i].run || !evals[i].usage) {
            fprintf(stderr, "accord eval: '%s' is not in this build\n", argv[1]);
            return EXIT_INTERNAL;
        }
        cli_command sub = evals[i];
        char name[64];
        snprintf(name, sizeof name, "eval %s", evals[i].name);
        sub.name = name;
        c->cmd = &sub;
        return sub.run(c, argc - 1, argv + 1);
    }
    return cli_usage_error(c, "unknown evaluation '%s' (extract, dups, stories, ner, quotes, summaries)",
                           argv[1]);
}
