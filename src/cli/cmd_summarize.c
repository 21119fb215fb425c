/* cmd_summarize.c - accord summarize FILE...: a set of article files as one
 * story, without a store; --eval scores summaries on an events file. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "reconcile/reconcile.h"

const char usage_summarize[] =
    "usage: accord summarize [--words N] [--all] [--json] FILE...\n"
    "       accord summarize --eval FILE.jsonl [--words N] [--json]\n\n"
    "Summarises the articles in FILE... (files or directories, any format\n"
    "`accord ingest` takes) as one story, without a store: the most central\n"
    "sentences, not saying the same thing twice, within N words (default 100),\n"
    "each followed by the articles that carry it.\n\n"
    "  --words N   the word budget\n"
    "  --all       also facts with verdicts, quotes across outlets, claims in\n"
    "              tension, what each outlet adds and the timeline\n"
    "  --eval F    score summaries on a JSONL file of articles grouped by event\n"
    "              (fields id, event, text; ECB+): ROUGE-1 and ROUGE-2 of the\n"
    "              summary of each event's other articles against each held-out\n"
    "              article's lead, beside baselines (default 50 words)\n";

static int print_eval(cli *c, const char *path, int words)
{
    char *json = NULL;
    int rc = accord_eval_summaries_json(path, words, &json);
    if (rc != 0) return cli_fail(c, rc);
    if (c->json) {
        cli_print_json(c, json);
        return EXIT_OK;
    }
    json_t *r = cli_parse(json);
    printf("summaries on %s: %lld events, %lld held-out articles, %lld words\n", cli_str(r, "dataset", ""),
           (long long)json_integer_value(json_object_get(r, "events")),
           (long long)json_integer_value(json_object_get(r, "pairs")),
           (long long)json_integer_value(json_object_get(r, "words")));
    printf("%s%s%s\n", cli_dim(c), cli_str(r, "protocol", ""), cli_reset(c));
    printf("%s%-30s %9s %9s %9s %9s%s\n", cli_bold(c), "system", "R1 recall", "R1 F1", "R2 recall", "R2 F1",
           cli_reset(c));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(r, "systems"), i, s) {
        json_t *r1 = json_object_get(s, "rouge1"), *r2 = json_object_get(s, "rouge2");
        printf("%-30s %9.4f %9.4f %9.4f %9.4f\n", cli_str(s, "name", ""),
               json_real_value(json_object_get(r1, "recall")), json_real_value(json_object_get(r1, "f1")),
               json_real_value(json_object_get(r2, "recall")), json_real_value(json_object_get(r2, "f1")));
    }
    printf("lexrank_mmr beats the baseline on ROUGE-1 recall for %.1f%% of held-out articles\n",
           100 * json_real_value(json_object_get(r, "lexrank_mmr_beats_baseline_share")));
    json_decref(r);
    return EXIT_OK;
}

const char usage_eval_summaries[] =
    "usage: accord eval summaries [--words N] [--json] FILE.jsonl\n\n"
    "ROUGE-1 and ROUGE-2 (recall, F1; stemmed, stop words kept) of story\n"
    "summaries on a JSONL file of articles grouped by event (fields id, event,\n"
    "text; ECB+). No reference summaries exist, so the proxy is leave-one-out:\n"
    "for each event of three or more articles and each of its articles, the\n"
    "summary of the other articles is scored against that article's lead (its\n"
    "first three sentences). Beside the engine's summary (LexRank + MMR) it\n"
    "scores variants and the baseline of the first sentences of the first\n"
    "article; every system is cut to N words (default 50).\n";

int cmd_eval_summaries(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"words", required_argument, NULL, 'w'}, {0}};
    int words = 0, o;
    while ((o = cli_getopt(c, argc, argv, "w:", longopts)) != -1) {
        if (o == 'w') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 5 || v > 100000) return cli_usage_error(c, "--words wants a number from 5 to 100000, not '%s'", optarg);
            words = (int)v;
        }
    }
    if (optind + 1 != argc) return cli_usage_error(c, "give one JSONL file");
    return print_eval(c, argv[optind], words);
}

int cmd_summarize(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"words", required_argument, NULL, 'w'},
                                             {"all", no_argument, NULL, 'a'},
                                             {"eval", required_argument, NULL, 'e'},
                                             {0}};
    int words = 0, o;
    bool all = false;
    const char *eval = NULL;
    while ((o = cli_getopt(c, argc, argv, "w:", longopts)) != -1) {
        if (o == 'w') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 5 || v > 100000) return cli_usage_error(c, "--words wants a number from 5 to 100000, not '%s'", optarg);
            words = (int)v;
        }
        if (o == 'a') all = true;
        if (o == 'e') eval = optarg;
    }
    if (eval) {
        if (optind < argc) return cli_usage_error(c, "--eval takes no other files");
        return print_eval(c, eval, words);
    }
    if (optind >= argc) return cli_usage_error(c, "give one or more article files");
    char *json = NULL;
    int rc = accord_summarize_files_json((const char *const *)argv + optind, (size_t)(argc - optind), words, all,
                                         &json);
    if (rc != 0) return cli_fail(c, rc);
    json_t *problems = NULL;
    json_t *r = cli_parse(json);
    problems = json_object_get(r, "problems");
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) fprintf(stderr, "%s: %s\n", cli_str(p, "file", ""), cli_str(p, "message", ""));
    if (c->json) {
        cli_print_json(c, json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER));
        json_decref(r);
        return EXIT_OK;
    }
    printf("%s%s%s\n", cli_bold(c), cli_str(r, "label", "(no label)"), cli_reset(c));
    printf("%s%zu article(s) · %lld words%s\n", cli_dim(c), json_array_size(json_object_get(r, "articles")),
           (long long)json_integer_value(json_object_get(r, "words")), cli_reset(c));
    buf out = BUF_INIT;
    reconcile_render(r, c->color, 78, &out);
    fputs(buf_cstr(&out), stdout);
    buf_free(&out);
    json_decref(r);
    return EXIT_OK;
}
