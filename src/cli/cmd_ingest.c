/* cmd_ingest.c - accord ingest PATH... | - */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/util.h"

const char usage_ingest[] =
    "usage: accord ingest [--format FMT] [--jobs N] [--quiet] [--json] PATH... | -\n\n"
    "Stores articles from files and directories (walked recursively; files named\n"
    "*.txt, *.jsonl, *.ndjson, *.html, *.htm, optionally .gz) or from standard\n"
    "input ('-'). Ingesting the same article twice changes nothing; a changed text\n"
    "under the same id is stored as a new version. Each problem is reported with\n"
    "the file and the line or byte offset; the rest of the batch goes on.\n\n"
    "  --format FMT   txt, jsonl, html or auto (default: by name, then by content)\n"
    "  --jobs N       threads preparing articles (default: the number of cores);\n"
    "                 the stories do not depend on it\n"
    "  --quiet        report problems only\n"
    "  --verbose      also report each article and each skipped file\n"
    "  --json         print a JSON summary on stdout\n\n"
    "JSONL fields: id, url, source, title, text or html, published, fetched,\n"
    "author, lang; other fields are kept as they are.\n"
    "Exit status: 0 all stored, 1 some input was bad, 3 the store failed.\n";

typedef struct {
    cli *c;
    int verbosity; /* 0 quiet, 1 normal, 2 verbose */
    json_t *problems;
    int progress_shown;
    double started;
} ingest_ui;

static void on_event(void *ud, const accord_event *ev)
{
    ingest_ui *u = ud;
    const char *kind = ev->kind == ACCORD_EVENT_ERROR     ? "error"
                       : ev->kind == ACCORD_EVENT_WARNING ? "warning"
                       : ev->kind == ACCORD_EVENT_SKIP    ? "skipped"
                       : ev->kind == ACCORD_EVENT_NEW     ? "new"
                       : ev->kind == ACCORD_EVENT_SAME    ? "unchanged"
                                                          : "new version";
    bool problem = ev->kind == ACCORD_EVENT_ERROR || ev->kind == ACCORD_EVENT_WARNING;
    if (problem && u->problems) {
        json_array_append_new(u->problems,
                              json_pack("{s:s, s:s, s:I, s:I, s:s?, s:s}", "kind", kind, "file", ev->file,
                                        "line", (json_int_t)ev->line, "offset", (json_int_t)ev->offset,
                                        "id", ev->id, "message", ev->message));
    }
    if (!problem && u->verbosity < 2) return;
    if (u->progress_shown) {
        fputs("\r\033[K", stderr);
        u->progress_shown = 0;
    }
    fprintf(stderr, "%s", ev->file);
    if (ev->line) fprintf(stderr, ":%llu", (unsigned long long)ev->line);
    else if (ev->kind == ACCORD_EVENT_ERROR && ev->offset) fprintf(stderr, " (byte %llu)", (unsigned long long)ev->offset);
    fprintf(stderr, ": %s: ", kind);
    if (ev->id && !problem) fprintf(stderr, "%s: ", ev->id);
    fprintf(stderr, "%s\n", ev->message);
}

static void on_progress(void *ud, const accord_ingest_stats *st)
{
    ingest_ui *u = ud;
    /* Progress only on a terminal, and only for work that takes a while. */
    if (!u->c->progress || u->verbosity == 0 || acc_now() - u->started < 1.0) return;
    fprintf(stderr, "\r\033[Kingest: %llu files, %.1f MB, %llu new, %llu unchanged, %llu errors",
            (unsigned long long)st->files, (double)st->bytes / 1e6, (unsigned long long)st->articles_new,
            (unsigned long long)st->articles_same, (unsigned long long)st->errors);
    u->progress_shown = 1;
}

int cmd_ingest(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {0}};
    ingest_ui u = {c, 1, NULL, 0, acc_now()};
    accord_ingest_opts opts = {0};
    int o;
    while ((o = cli_getopt(c, argc, argv, "f:qvj:", longopts)) != -1) {
        if (o == 'f') opts.format = optarg;
        if (o == 'j') {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || j < 1 || j > 64) return cli_usage_error(c, "--jobs takes a whole number from 1 to 64");
            opts.jobs = (int)j;
        }
        if (o == 'q') u.verbosity = 0;
        if (o == 'v') u.verbosity = 2;
    }
    if (optind >= argc) return cli_usage_error(c, "give one or more paths, or - for standard input");
    int code;
    accord *db = cli_open(c, true, &code);
    if (!db) return code;
    if (c->json) u.problems = json_array();
    opts.on_event = on_event;
    opts.on_progress = on_progress;
    opts.ud = &u;
    accord_ingest_stats total = {0};
    int worst = 0;
    /* Per path: what it added and the CPU it took (all threads), so that
     * the cost of the last part of a stream can be set beside the first. */
    json_t *paths = c->json ? json_array() : NULL;
    for (int i = optind; i < argc; i++) {
        accord_ingest_stats st;
        double cpu0 = acc_cpu_seconds(), wall0 = acc_now();
        int rc = accord_ingest_path(db, argv[i], &opts, &st);
        if (paths)
            json_array_append_new(paths, json_pack("{s:s, s:I, s:I, s:f, s:f}", "path", argv[i], "new",
                                                   (json_int_t)st.articles_new, "unchanged",
                                                   (json_int_t)st.articles_same, "cpu_seconds",
                                                   acc_cpu_seconds() - cpu0, "wall_seconds", acc_now() - wall0));
        total.files += st.files;
        total.bytes += st.bytes;
        total.articles_new += st.articles_new;
        total.articles_same += st.articles_same;
        total.articles_versioned += st.articles_versioned;
        total.errors += st.errors;
        total.warnings += st.warnings;
        total.repaired_bytes += st.repaired_bytes;
        total.skipped += st.skipped;
        if (rc != 0 && rc != ACCORD_EINPUT) {
            worst = cli_fail(c, rc);
            break;
        }
        if (rc == ACCORD_EINPUT && !worst) worst = EXIT_INPUT;
    }
    if (u.progress_shown) fputs("\r\033[K", stderr);
    if (c->json) {
        json_t *sum = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "files",
                              (json_int_t)total.files, "bytes", (json_int_t)total.bytes, "new",
                              (json_int_t)total.articles_new, "unchanged", (json_int_t)total.articles_same,
                              "new_versions", (json_int_t)total.articles_versioned, "errors",
                              (json_int_t)total.errors, "warnings", (json_int_t)total.warnings,
                              "repaired_bytes", (json_int_t)total.repaired_bytes, "skipped",
                              (json_int_t)total.skipped, "problems", u.problems, "paths", paths);
        json_dumpf(sum, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(sum);
    } else if (u.verbosity > 0) {
        fprintf(stderr, "ingested %llu file(s): %llu new, %llu unchanged, %llu new version(s)",
                (unsigned long long)total.files, (unsigned long long)total.articles_new,
                (unsigned long long)total.articles_same, (unsigned long long)total.articles_versioned);
        if (total.errors) fprintf(stderr, ", %llu error(s)", (unsigned long long)total.errors);
        if (total.warnings) fprintf(stderr, ", %llu warning(s)", (unsigned long long)total.warnings);
        if (total.repaired_bytes) fprintf(stderr, ", %llu byte(s) repaired", (unsigned long long)total.repaired_bytes);
        if (total.skipped) fprintf(stderr, ", %llu file(s) skipped", (unsigned long long)total.skipped);
        if (total.articles_same && !total.articles_new && !total.articles_versioned)
            fprintf(stderr, " (nothing changed: already stored)");
        fputc('\n', stderr);
    }
    accord_close(db);
    return worst;
}
