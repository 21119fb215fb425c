/* main.c - the accord command: global options, the command table, help. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_ingest(cli *c, int argc, char **argv);
int cmd_articles(cli *c, int argc, char **argv);
int cmd_article(cli *c, int argc, char **argv);
int cmd_search(cli *c, int argc, char **argv);
int cmd_stats(cli *c, int argc, char **argv);
int cmd_serve(cli *c, int argc, char **argv);
extern const char usage_serve[];
int cmd_summarize(cli *c, int argc, char **argv);
extern const char usage_summarize[];
extern const char usage_ingest[], usage_articles[], usage_article[], usage_search[], usage_stats[];
int cmd_dups(cli *c, int argc, char **argv);
int cmd_compare(cli *c, int argc, char **argv);
extern const char usage_dups[], usage_compare[];
int cmd_stories(cli *c, int argc, char **argv);
int cmd_story(cli *c, int argc, char **argv);
int cmd_storylines(cli *c, int argc, char **argv);
int cmd_recluster(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
extern const char usage_stories[], usage_story[], usage_storylines[], usage_recluster[], usage_export[];
int cmd_entities(cli *c, int argc, char **argv);
int cmd_entity(cli *c, int argc, char **argv);
int cmd_quotes(cli *c, int argc, char **argv);
int cmd_facts(cli *c, int argc, char **argv);
int cmd_eval(cli *c, int argc, char **argv);
int cmd_extract(cli *c, int argc, char **argv);
extern const char usage_extract[];
extern const char usage_entities[], usage_entity[], usage_quotes[], usage_facts[], usage_eval[];

/* `eval` dispatches to cmd_eval_<what> (see cmd_eval.c): a stage adds its
 * measurement there, not here. */

/* The command table: one line per command, in the order `accord --help` lists them. */
static const cli_command commands[] = {
    {"ingest", cmd_ingest, "store articles from files, directories or standard input", usage_ingest},
    {"articles", cmd_articles, "list stored articles (filter by source and date)", usage_articles},
    {"article", cmd_article, "one article: metadata, paragraphs, sentences", usage_article},
    {"search", cmd_search, "full-text search, ranked, with snippets", usage_search},
    {"extract", cmd_extract, "main text and metadata of one page or text, nothing stored", usage_extract},
    {"stories", cmd_stories, "stories, newest first (filter by date, entity, outlet)", usage_stories},
    {"story", cmd_story, "one story: label, span, outlets, articles and why each belongs", usage_story},
    {"storylines", cmd_storylines, "storylines: stories of one developing subject", usage_storylines},
    {"recluster", cmd_recluster, "re-cluster every article as one batch; report what moved", usage_recluster},
    {"export", cmd_export, "export articles as JSON lines with their story and storyline", usage_export},
    {"entities", cmd_entities, "people, organisations and places, with aliases and roles", usage_entities},
    {"entity", cmd_entity, "one entity: aliases, roles, mentions, quotes, stories", usage_entity},
    {"quotes", cmd_quotes, "direct quotes with their speakers (filter by speaker, story)", usage_quotes},
    {"facts", cmd_facts, "quantities: value, bound, what they count, where and when", usage_facts},
    {"eval", cmd_eval, "measure quality on a dataset (extract, dups, stories, ner, quotes, summaries)", usage_eval},
    {"stats", cmd_stats, "what the store holds", usage_stats},
    {"dups", cmd_dups, "copy groups and pairs, and articles sharing passages", usage_dups},
    {"compare", cmd_compare, "two articles side by side, aligned passages marked", usage_compare},
    {"serve", cmd_serve, "the web UI and the JSON API over HTTP", usage_serve},
    {"summarize", cmd_summarize, "summarise article files as one story, citing outlets (no store)", usage_summarize},
};
static const int n_commands = (int)(sizeof commands / sizeof commands[0]);

static void print_help(FILE *f)
{
    fprintf(f, "accord %s - a news story engine\n\n"
               "usage: accord [--db PATH] COMMAND [OPTIONS] [ARGS]\n\ncommands:\n",
            accord_version());
    for (int i = 0; i < n_commands; i++) fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\ncommon options:\n"
               "  --db PATH    the store (default: $ACCORD_DB, or ./accord.db)\n"
               "  --json       machine-readable output (every read command)\n"
               "  --help       help for a command: accord COMMAND --help\n"
               "  --version    print the version\n\n"
               "exit status: 0 ok, 1 bad input, 2 usage, 3 internal error\n");
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.db_path = getenv("ACCORD_DB");
    if (!c.db_path || !*c.db_path) c.db_path = "accord.db";
    c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    c.progress = isatty(STDERR_FILENO);

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_help(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("accord %s\n", accord_version());
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            c.db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            c.db_path = argv[i] + 5;
        } else if (!strcmp(argv[i], "--json")) {
            c.json = true;
        } else {
            fprintf(stderr, "accord: unknown option '%s'\n", argv[i]);
            fprintf(stderr, "Try 'accord --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    for (int k = 0; k < n_commands; k++) {
        if (!strcmp(argv[i], commands[k].name)) {
            c.cmd = &commands[k];
            return commands[k].run(&c, argc - i, argv + i);
        }
    }
    fprintf(stderr, "accord: unknown command '%s'\nTry 'accord --help'.\n", argv[i]);
    return EXIT_USAGE;
}
