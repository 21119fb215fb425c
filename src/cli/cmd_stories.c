/* cmd_stories.c - accord stories, accord story ID, accord storylines,
 * accord recluster, accord export articles, accord eval stories. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "reconcile/reconcile.h"

const char usage_stories[] =
    "usage: accord stories [--since DATE] [--until DATE] [--entity NAME] [--source NAME]\n"
    "                      [--limit N] [--offset N] [--json]\n\n"
    "Lists stories, newest activity first: id, time span, articles (copies\n"
    "collapsed), outlets and label. DATE is YYYY-MM-DD; --since keeps stories\n"
    "still active on or after it, --until those begun on or before it.\n"
    "--entity keeps stories some article of which names NAME; --source those\n"
    "an outlet took part in.\n";
const char usage_story[] =
    "usage: accord story [--json] ID\n\n"
    "One story: its label, span, outlets and storyline, then its articles\n"
    "with why each belongs: its score, the cosine of its words, names and\n"
    "numbers with the story, the time factor, and the features that matched.\n";
const char usage_storylines[] =
    "usage: accord storylines [--min N] [--limit N] [--offset N] [--json]\n\n"
    "Storylines (stories of one developing subject, linked by shared actors\n"
    "and subject across weeks and months), newest first, each with its\n"
    "stories. --min N shows only storylines of at least N stories (default 2;\n"
    "1 shows every story's storyline).\n";
const char usage_recluster[] =
    "usage: accord recluster [--dry-run] [--json]\n\n"
    "Re-runs the clustering over every stored article as one batch: document\n"
    "frequencies from the whole store, articles in date order. Stories that\n"
    "survive keep their ids (each new story takes the id of the old story it\n"
    "holds most articles of); reports how many articles moved and lists them.\n"
    "  --dry-run   report what would move, change nothing\n";
const char usage_export[] =
    "usage: accord export articles [--json]\n\n"
    "Writes one JSON object per line and per article, oldest first: id,\n"
    "source, url, title, published, event_date, given_date, story,\n"
    "storyline, copy_of. A stable interface for evaluation and other tools.\n";
const char usage_eval_stories[] =
    "usage: accord eval stories [--label FIELD] [--mode stream|batch|both] [--json] FILE.jsonl\n\n"
    "Measures story clustering against gold labels: ingests FILE (JSONL, one\n"
    "article a line with a label field, \"event\" by default) into a temporary\n"
    "store, article by article in file order (stream), then re-clusters it as\n"
    "one batch, and prints B-cubed precision, recall and F1 of each.\n";

static void print_span(json_t *o)
{
    const char *f = cli_str(o, "first", NULL), *l = cli_str(o, "last", NULL);
    if (!f) printf("%-23s", "undated");
    else if (!strcmp(f, l)) printf("%-23s", f);
    else if (strncmp(f, l, 5)) printf("%s..%s", f, l);
    else printf("%s..%-7s", f, l + 5);
}

int cmd_stories(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"since", required_argument, NULL, 'S'},
                                             {"until", required_argument, NULL, 'U'},
                                             {"entity", required_argument, NULL, 'e'},
                                             {"source", required_argument, NULL, 's'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    accord_story_query q = {0};
    int o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 'S') q.since = optarg;
        if (o == 'U') q.until = optarg;
        if (o == 'e') q.entity = optarg;
        if (o == 's') q.source = optarg;
        if (o == 'n') q.limit = atoi(optarg);
        if (o == 'o') q.offset = atoi(optarg);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_stories_json(db, &q, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *r = cli_parse(json);
        json_t *items = json_object_get(r, "stories");
        size_t i;
        json_t *s;
        json_array_foreach(items, i, s) {
            printf("%s%5lld%s  ", cli_bold(c), (long long)json_integer_value(json_object_get(s, "id")), cli_reset(c));
            print_span(s);
            long long n = json_integer_value(json_object_get(s, "articles"));
            long long d = json_integer_value(json_object_get(s, "distinct"));
            size_t no = json_array_size(json_object_get(s, "outlets"));
            printf(" %3lld art", n);
            if (d != n) printf(" (%lld distinct)", d);
            printf(" · %zu outlet%s\n", no, no == 1 ? "" : "s");
            cli_wrap(stdout, cli_str(s, "label", "(no label)"), 7, 80);
        }
        printf("%s%zu of %lld stor%s%s\n", cli_dim(c), json_array_size(items),
               (long long)json_integer_value(json_object_get(r, "total")),
               json_integer_value(json_object_get(r, "total")) == 1 ? "y" : "ies", cli_reset(c));
        json_decref(r);
    }
    accord_close(db);
    return code;
}

int cmd_story(cli *c, int argc, char **argv)
{
    int o;
    while ((o = cli_getopt(c, argc, argv, "", NULL)) != -1) {
    }
    if (optind + 1 != argc) return cli_usage_error(c, "give one story id");
    char *end;
    errno = 0;
    long long id = strtoll(argv[optind], &end, 10);
    if (errno || *end || id <= 0) return cli_usage_error(c, "'%s' is not a story id (a positive number)", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_story_json(db, id, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *s = cli_parse(json);
        printf("%s", cli_bold(c));
        cli_wrap(stdout, cli_str(s, "label", "(no label)"), 0, 80);
        printf("%s", cli_reset(c));
        const char *f = cli_str(s, "first", NULL), *l = cli_str(s, "last", NULL);
        if (!f) printf("undated");
        else if (!strcmp(f, l)) printf("%s", f);
        else printf("%s to %s", f, l);
        long long n = json_integer_value(json_object_get(s, "articles_count"));
        long long d = json_integer_value(json_object_get(s, "distinct"));
        json_t *outlets = json_object_get(s, "outlets");
        printf(" · %lld article%s", n, n == 1 ? "" : "s");
        if (d != n) printf(" (%lld distinct texts)", d);
        printf(" from %zu outlet%s", json_array_size(outlets), json_array_size(outlets) == 1 ? "" : "s");
        json_t *line = json_object_get(s, "storyline");
        if (json_is_object(line))
            printf(" · storyline #%lld (%lld stor%s)", (long long)json_integer_value(json_object_get(line, "id")),
                   (long long)json_integer_value(json_object_get(line, "stories")),
                   json_integer_value(json_object_get(line, "stories")) == 1 ? "y" : "ies");
        printf("\n\n%sArticles%s\n", cli_bold(c), cli_reset(c));
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(s, "articles"), i, a) {
            json_t *why = json_object_get(a, "why");
            printf("  %s%s%s  %s  %s\n", cli_bold(c), cli_str(a, "id", ""), cli_reset(c), cli_str(a, "day", "undated"),
                   cli_str(a, "source", ""));
            cli_wrap(stdout, cli_str(a, "title", cli_str(a, "headline", "")), 4, 80);
            if (cli_str(a, "copy_of", NULL)) {
                printf("    %scopy of %s%s\n", cli_dim(c), cli_str(a, "copy_of", ""), cli_reset(c));
            } else if (json_is_true(json_object_get(why, "started_story"))) {
                printf("    %sstarted the story%s\n", cli_dim(c), cli_reset(c));
            } else if (why) {
                printf("    %sscore %.2f: words %.2f, names %.2f, numbers %.2f, time %.2f%s\n", cli_dim(c),
                       json_number_value(json_object_get(why, "score")), json_number_value(json_object_get(why, "words")),
                       json_number_value(json_object_get(why, "names")),
                       json_number_value(json_object_get(why, "numbers")), json_number_value(json_object_get(why, "time")),
                       cli_reset(c));
                json_t *m = json_object_get(why, "matched");
                if (json_array_size(m)) {
                    printf("    %smatched:", cli_dim(c));
                    size_t k;
                    json_t *v;
                    json_array_foreach(m, k, v) printf("%s %s", k ? "," : "", json_string_value(v));
                    printf("%s\n", cli_reset(c));
                }
            }
            json_t *moved = json_object_get(why, "moved");
            if (moved) {
                if (json_number_value(json_object_get(moved, "score")) >= 1.0)
                    printf("    %sleft story %lld, where it no longer fit (%.2f), when %s came%s\n", cli_dim(c),
                           (long long)json_integer_value(json_object_get(moved, "from")),
                           json_number_value(json_object_get(moved, "before")), cli_str(moved, "by", "?"),
                           cli_reset(c));
                else
                    printf("    %smoved from story %lld (%.2f there) when %s came: %.2f here%s\n", cli_dim(c),
                           (long long)json_integer_value(json_object_get(moved, "from")),
                           json_number_value(json_object_get(moved, "before")), cli_str(moved, "by", "?"),
                           json_number_value(json_object_get(moved, "score")), cli_reset(c));
            }
        }
        buf rec = BUF_INIT; /* summary, facts, quotes, what each outlet adds, timeline */
        reconcile_render(s, c->color, 80, &rec);
        fputs(buf_cstr(&rec), stdout);
        buf_free(&rec);
        json_decref(s);
    }
    accord_close(db);
    return code;
}

int cmd_storylines(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"min", required_argument, NULL, 'm'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    int min = 2, limit = 0, offset = 0, o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 'm') min = atoi(optarg);
        if (o == 'n') limit = atoi(optarg);
        if (o == 'o') offset = atoi(optarg);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_storylines_json(db, min, limit, offset, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *r = cli_parse(json);
        size_t i, k;
        json_t *l, *s;
        json_t *lines = json_object_get(r, "storylines");
        json_array_foreach(lines, i, l) {
            printf("%sstoryline #%lld%s  ", cli_bold(c), (long long)json_integer_value(json_object_get(l, "id")),
                   cli_reset(c));
            print_span(l);
            printf(" %lld stories, %lld articles\n", (long long)json_integer_value(json_object_get(l, "stories_count")),
                   (long long)json_integer_value(json_object_get(l, "articles")));
            json_array_foreach(json_object_get(l, "stories"), k, s) {
                printf("  %5lld  ", (long long)json_integer_value(json_object_get(s, "id")));
                print_span(s);
                printf(" %3lld art  ", (long long)json_integer_value(json_object_get(s, "articles")));
                printf("%.80s\n", cli_str(s, "label", "(no label)"));
            }
        }
        printf("%s%zu storyline(s)%s\n", cli_dim(c), json_array_size(lines), cli_reset(c));
        json_decref(r);
    }
    accord_close(db);
    return code;
}

int cmd_recluster(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"dry-run", no_argument, NULL, 'd'}, {0}};
    bool dry = false;
    int o;
    while ((o = cli_getopt(c, argc, argv, "", longopts)) != -1)
        if (o == 'd') dry = true;
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, !dry, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_recluster(db, dry, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *r = cli_parse(json);
#define N(k) (long long)json_integer_value(json_object_get(r, k))
        printf("%s%lld articles: %lld stories before, %lld after (%lld kept their id, %lld new, %lld gone); "
               "%lld storylines%s\n",
               dry ? "dry run: " : "", N("articles"), N("stories_before"), N("stories_after"), N("stories_kept"),
               N("stories_new"), N("stories_gone"), N("storylines"), cli_reset(c));
        printf("%lld article(s) moved\n", N("articles_moved"));
#undef N
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(r, "moves"), i, m) {
            if (i >= 50) {
                printf("  ... (--json lists up to 1000)\n");
                break;
            }
            printf("  %s: story %lld -> %lld\n", cli_str(m, "article", ""),
                   (long long)json_integer_value(json_object_get(m, "from")),
                   (long long)json_integer_value(json_object_get(m, "to")));
        }
        json_decref(r);
    }
    accord_close(db);
    return code;
}

static int write_line(void *ud, const char *line, size_t len)
{
    FILE *f = ud;
    if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF)
        return -1;
    return 0;
}

int cmd_export(cli *c, int argc, char **argv)
{
    int o;
    while ((o = cli_getopt(c, argc, argv, "", NULL)) != -1) {
    }
    if (optind + 1 != argc || strcmp(argv[optind], "articles") != 0)
        return cli_usage_error(c, "say what to export: accord export articles");
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    int rc = accord_export_articles(db, write_line, stdout);
    if (rc == -1) {
        fprintf(stderr, "accord export: writing to standard output failed\n");
        code = EXIT_INTERNAL;
    } else if (rc != 0) {
        code = cli_fail(c, rc);
    }
    accord_close(db);
    return code;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void quiet(void *ud, const accord_event *ev)
{
    (void)ud;
    if (ev->kind == ACCORD_EVENT_ERROR)
        fprintf(stderr, "%s:%llu: %s\n", ev->file, (unsigned long long)ev->line, ev->message ? ev->message : "");
}

static void print_scores(const char *mode, json_t *r, double seconds)
{
    printf("%-7s B-cubed P %.4f  R %.4f  F1 %.4f   (%lld articles, %lld events, %lld stories, %.2f s)\n", mode,
           json_number_value(json_object_get(r, "precision")), json_number_value(json_object_get(r, "recall")),
           json_number_value(json_object_get(r, "f1")), (long long)json_integer_value(json_object_get(r, "labelled")),
           (long long)json_integer_value(json_object_get(r, "events")),
           (long long)json_integer_value(json_object_get(r, "stories")), seconds);
}

int cmd_eval_stories(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"label", required_argument, NULL, 'l'},
                                             {"mode", required_argument, NULL, 'm'},
                                             {0}};
    const char *label = "event", *mode = "both";
    int o;
    while ((o = cli_getopt(c, argc, argv, "", longopts)) != -1) {
        if (o == 'l') label = optarg;
        if (o == 'm') mode = optarg;
    }
    if (strcmp(mode, "stream") && strcmp(mode, "batch") && strcmp(mode, "both"))
        return cli_usage_error(c, "--mode is stream, batch or both, not '%s'", mode);
    if (optind + 1 != argc) return cli_usage_error(c, "give one JSONL file with a '%s' label per article", label);
    const char *path = argv[optind];
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "accord eval stories: cannot read '%s': %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    char dir[] = "/tmp/accord-eval-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "accord eval stories: cannot make a temporary folder: %s\n", strerror(errno));
        return EXIT_INTERNAL;
    }
    char dbpath[64];
    snprintf(dbpath, sizeof dbpath, "%s/eval.db", dir);
    accord *db = NULL;
    int code = EXIT_OK;
    int rc = accord_open(dbpath, &db);
    json_t *out = json_object();
    if (rc == 0) {
        accord_ingest_opts opts = {.format = "jsonl", .on_event = quiet};
        accord_ingest_stats st;
        double t0 = now();
        rc = accord_ingest_path(db, path, &opts, &st);
        if (rc == ACCORD_EINPUT) rc = 0; /* bad lines are reported, the rest is measured */
        double t1 = now();
        char *json = NULL;
        if (rc == 0 && strcmp(mode, "batch")) {
            rc = accord_eval_stories_json(db, label, &json);
            if (rc == 0) {
                json_t *r = cli_parse(json);
                json_object_set_new(r, "seconds", json_real(t1 - t0));
                if (!c->json) print_scores("stream", r, t1 - t0);
                json_object_set_new(out, "stream", r);
            }
        }
        if (rc == 0 && strcmp(mode, "stream")) {
            double t2 = now();
            char *rj = NULL;
            rc = accord_recluster(db, false, &rj);
            free(rj);
            double t3 = now();
            if (rc == 0) rc = accord_eval_stories_json(db, label, &json);
            if (rc == 0) {
                json_t *r = cli_parse(json);
                json_object_set_new(r, "seconds", json_real(t3 - t2));
                if (!c->json) print_scores("batch", r, t3 - t2);
                json_object_set_new(out, "batch", r);
            }
        }
    }
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (c->json) {
        char *s = json_dumps(out, JSON_COMPACT);
        cli_print_json(c, s);
    }
    json_decref(out);
    accord_close(db);
    char f[96];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s%s", dbpath, suffix[i]);
        unlink(f);
    }
    rmdir(dir);
    return code;
}
