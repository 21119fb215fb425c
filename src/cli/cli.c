/* cli.c - shared pieces of the commands: options, opening the store,
 * errors, JSON output and terminal styling. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Far above the option values a command uses for its own long options. */
enum { OPT_DB = 0x10000, OPT_JSON, OPT_HELP };

int cli_getopt(cli *c, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    struct option all[64];
    int n = 0;
    for (; longopts && longopts[n].name && n < 60; n++) all[n] = longopts[n];
    all[n++] = (struct option){"db", required_argument, NULL, OPT_DB};
    all[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
    all[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    all[n] = (struct option){0};
    char so[64];
    snprintf(so, sizeof so, "%sh", shortopts ? shortopts : "");
    for (;;) {
        int o = getopt_long(argc, argv, so, all, NULL);
        if (o == OPT_DB) {
            c->db_path = optarg;
        } else if (o == OPT_JSON) {
            c->json = true;
        } else if (o == OPT_HELP || o == 'h') {
            fputs(c->cmd->usage, stdout);
            exit(EXIT_OK);
        } else if (o == '?') {
            fprintf(stderr, "Try 'accord %s --help'.\n", c->cmd->name);
            exit(EXIT_USAGE);
        } else {
            return o;
        }
    }
}

int cli_fail(cli *c, int err)
{
    const char *msg = accord_error_last();
    fprintf(stderr, "accord %s: %s\n", c->cmd ? c->cmd->name : "", msg && *msg ? msg : "failed");
    switch (err) {
    case ACCORD_EINPUT:
    case ACCORD_ENOTFOUND: return EXIT_INPUT;
    case ACCORD_EUSAGE: return EXIT_USAGE;
    default: return EXIT_INTERNAL;
    }
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "accord %s: ", c->cmd->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'accord %s --help'.\n", c->cmd->name);
    return EXIT_USAGE;
}

accord *cli_open(cli *c, bool write, int *code)
{
    accord *db = NULL;
    if (!write && access(c->db_path, F_OK) != 0) {
        fprintf(stderr, "accord %s: no store at %s (ingest articles first: accord ingest PATH)\n",
                c->cmd->name, c->db_path);
        *code = EXIT_INPUT;
        return NULL;
    }
    int rc = accord_open(c->db_path, &db);
    if (rc != 0) {
        *code = cli_fail(c, rc);
        return NULL;
    }
    *code = EXIT_OK;
    return db;
}

int cli_show(cli *c, int rc, char *json, void (*render)(cli *, json_t *))
{
    if (rc != 0) return cli_fail(c, rc);
    if (c->json) {
        cli_print_json(c, json);
        return EXIT_OK;
    }
    json_t *r = cli_parse(json);
    if (!r) return EXIT_INTERNAL;
    render(c, r);
    json_decref(r);
    return EXIT_OK;
}

json_t *cli_parse(char *json)
{
    json_t *o = json ? json_loads(json, 0, NULL) : NULL;
    accord_free(json);
    return o;
}

void cli_print_json(cli *c, char *json)
{
    if (isatty(STDOUT_FILENO)) {
        json_t *o = json_loads(json, 0, NULL);
        if (o) {
            json_dumpf(o, stdout, JSON_INDENT(2));
            json_decref(o);
        } else {
            fputs(json, stdout);
        }
    } else {
        fputs(json, stdout);
    }
    fputc('\n', stdout);
    accord_free(json);
}

const char *cli_bold(cli *c)
{
    return c->color ? "\033[1m" : "";
}
const char *cli_dim(cli *c)
{
    return c->color ? "\033[2m" : "";
}
const char *cli_reset(cli *c)
{
    return c->color ? "\033[0m" : "";
}

const char *cli_str(json_t *o, const char *key, const char *def)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : def;
}

void cli_wrap(FILE *f, const char *s, int indent, int width)
{
    int col = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == '\n') p++;
        if (!*p) break;
        const char *e = p;
        int wlen = 0; /* display width, counting UTF-8 lead bytes only */
        while (*e && *e != ' ' && *e != '\n') {
            if (((unsigned char)*e & 0xC0) != 0x80) wlen++;
            e++;
        }
        if (col == 0) {
            fprintf(f, "%*s", indent, "");
            col = indent;
        } else if (col + 1 + wlen > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, (size_t)(e - p), f);
        col += wlen;
        p = e;
    }
    if (col) fputc('\n', f);
}
