/* cli.h - the accord command line: shared options, output and exit codes.
 *
 * Each command lives in its own cmd_*.c file and is listed in the table in
 * main.c. A command gets argv after its own name (argv[0] is the command
 * name, as getopt expects), parses its options with cli_getopt(), which also
 * handles the common ones (--db, --json, --help), and returns an exit code. */
#ifndef ACCORD_CLI_H
#define ACCORD_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "accord.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

typedef struct cli {
    const char *db_path; /* --db, ACCORD_DB, or accord.db */
    bool json;           /* --json */
    bool color;          /* stdout is a terminal and NO_COLOR is unset */
    bool progress;       /* stderr is a terminal */
    const struct cli_command *cmd;
} cli;

typedef struct cli_command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    const char *summary; /* one line for `accord --help` */
    const char *usage;   /* the whole text of `accord CMD --help` */
} cli_command;

/* getopt_long with the common options added: --db PATH, --json, --help.
 * Returns like getopt_long; the common ones are handled here (--help prints
 * the usage and exits 0). longopts may be NULL. */
int cli_getopt(cli *c, int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Opens the store at c->db_path (for writing when write is true). On error
 * prints it and returns NULL; *code gets the exit code. */
accord *cli_open(cli *c, bool write, int *code);
/* Exit code for an ACCORD_E* error, after printing accord_error_last(). */
int cli_fail(cli *c, int err);
/* Prints a usage error ("accord CMD: msg" and a hint) and returns EXIT_USAGE. */
int cli_usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a JSON document (from the library) to stdout, pretty when stdout
 * is a terminal, and frees it. */
void cli_print_json(cli *c, char *json);
/* The end of every read command: prints the error for a failed rc, the
 * JSON as it is with --json, else the parsed JSON through render. Frees
 * json; returns the exit code. */
int cli_show(cli *c, int rc, char *json, void (*render)(cli *, json_t *));
/* Parses a library JSON string into a json_t (and frees the string). */
json_t *cli_parse(char *json);

/* Terminal styling; empty strings when colour is off. */
const char *cli_bold(cli *c);
const char *cli_dim(cli *c);
const char *cli_reset(cli *c);
/* Prints s wrapped at width columns with the given indent. */
void cli_wrap(FILE *f, const char *s, int indent, int width);
/* a JSON value as a string, or def when null / absent. */
const char *cli_str(json_t *o, const char *key, const char *def);

/* `accord article ID --passages` (cmd_dups.c): the article's passages shared
 * with other articles, as JSON or for the terminal. Returns an exit code. */
int cli_article_passages(cli *c, accord *db, const char *id);

#endif
