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
extern const char usage_ingest[], usage_articles[], usage_article[], usage_search[], usage_stats[];

/* The command table: one line per command, in the order `accord --help` lists them. */
static const cli_command commands[] = {
    {"ingest", cmd_ingest, "store articles from files, directories or standard input", usage_ingest},
    {"articles", cmd_articles, "list stored articles (filter by source and date)", usage_articles},
    {"article", cmd_article, "one article: metadata, paragraphs, sentences", usage_article},
    {"search", cmd_search, "full-text search, ranked, with snippets", usage_search},
    {"stats", cmd_stats, "what the store holds", usage_stats},
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
