/* cmd_articles.c - accord articles, accord article ID, accord search, accord stats. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char usage_articles[] =
    "usage: accord articles [--source NAME] [--since DATE] [--until DATE] [--limit N] [--offset N] [--json]\n\n"
    "Lists stored articles, newest first (by publication date, else event date,\n"
    "else given date). DATE is YYYY-MM-DD. In the table, DATE is that date and\n"
    "GIVEN the date the article came with (a crawl or feed date), if any.\n";
const char usage_article[] =
    "usage: accord article [--text] [--passages] [--removed] [--json] ID\n\n"
    "One article: its metadata, then its paragraphs and sentences.\n"
    "  --text      print the text as stored, without the sentence breakdown\n"
    "  --passages  the passages other articles also carry (with who carried each\n"
    "              first), the share of its sentences they cover, what only it says\n"
    "  --removed   what cleaning took out of the text (ads, newsletter prompts,\n"
    "              captions, credits, learned boilerplate), each with its reason\n";
const char usage_search[] =
    "usage: accord search [--limit N] [--offset N] [--json] QUERY...\n\n"
    "Full-text search over titles and texts (SQLite FTS5, Porter stemming),\n"
    "ranked by bm25 with the title weighted twice; matches in snippets are\n"
    "marked [like this]. Words are ANDed; FTS5 syntax (OR, NOT, \"phrases\",\n"
    "prefix*) is accepted.\n";
const char usage_stats[] = "usage: accord stats [--json]\n\nWhat the store holds.\n";

static const char *date_of(json_t *a)
{
    const char *d = cli_str(a, "published", NULL);
    if (!d) d = cli_str(a, "event_date", NULL);
    if (!d) d = cli_str(a, "given_date", "");
    return d;
}

static void render_articles(cli *c, json_t *r)
{
    json_t *items = json_object_get(r, "articles");
    size_t i;
    json_t *a;
    printf("%s%-18s %-10s %-10s %-16s %s%s\n", cli_bold(c), "ID", "DATE", "GIVEN", "SOURCE", "TITLE",
           cli_reset(c));
    json_array_foreach(items, i, a) {
        char date[11];
        snprintf(date, sizeof date, "%s", date_of(a));
        char given[11];
        snprintf(given, sizeof given, "%s", cli_str(a, "given_date", "-"));
        printf("%-18s %-10s %-10s %-16.16s %s\n", cli_str(a, "id", ""), date, given,
               cli_str(a, "source", "-"), cli_str(a, "title", "(no title)"));
    }
    printf("%s%zu of %lld article(s)%s\n", cli_dim(c), json_array_size(items),
           (long long)json_integer_value(json_object_get(r, "total")), cli_reset(c));
}

int cmd_articles(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"source", required_argument, NULL, 's'},
                                             {"since", required_argument, NULL, 'S'},
                                             {"until", required_argument, NULL, 'U'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    accord_article_query q = {0};
    int o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 's') q.source = optarg;
        if (o == 'S') q.since = optarg;
        if (o == 'U') q.until = optarg;
        if (o == 'n') q.limit = atoi(optarg);
        if (o == 'o') q.offset = atoi(optarg);
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_articles_json(db, &q, &json);
    code = cli_show(c, rc, json, render_articles);
    accord_close(db);
    return code;
}

/* What cleaning took out of the article, with its reasons, and what it kept
 * aside as metadata (captions, credits, dateline, a doubtful given date). */
static int print_removed(cli *c, json_t *a)
{
    json_t *meta = json_object_get(a, "meta");
    if (c->json) {
        static const char *const keys[] = {"removed", "captions", "credits", "dateline", "date_flag"};
        json_t *o = json_pack("{s:O}", "id", json_object_get(a, "id"));
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = json_object_get(meta, keys[k]);
            json_object_set(o, keys[k], v ? v : json_null());
        }
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        cli_print_json(c, s);
        json_decref(a);
        return EXIT_OK;
    }
    size_t i;
    json_t *r;
    json_t *list = json_object_get(meta, "removed");
    printf("%s%zu piece(s) removed from %s%s\n", cli_bold(c), json_array_size(list), cli_str(a, "id", ""),
           cli_reset(c));
    json_array_foreach(list, i, r) {
        printf("  %s%s%s\n", cli_dim(c), cli_str(r, "reason", ""), cli_reset(c));
        cli_wrap(stdout, cli_str(r, "text", ""), 6, 78);
    }
    const char *flag = cli_str(meta, "date_flag", NULL);
    if (flag) printf("%sdate:%s %s\n", cli_bold(c), cli_reset(c), flag);
    json_decref(a);
    return EXIT_OK;
}

int cmd_article(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"text", no_argument, NULL, 't'},
                                             {"passages", no_argument, NULL, 'P'},
                                             {"removed", no_argument, NULL, 'R'}, {0}};
    bool text_only = false, passages = false, removed = false;
    int o;
    while ((o = cli_getopt(c, argc, argv, "", longopts)) != -1) {
        if (o == 't') text_only = true;
        if (o == 'P') passages = true;
        if (o == 'R') removed = true;
    }
    if (optind + 1 != argc) return cli_usage_error(c, "give one article id");
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    if (passages) {
        code = cli_article_passages(c, db, argv[optind]);
        accord_close(db);
        return code;
    }
    char *json = NULL;
    unsigned flags = ACCORD_ARTICLE_TEXT | (text_only ? 0 : ACCORD_ARTICLE_SENTENCES);
    int rc = accord_article_json(db, argv[optind], flags, &json);
    if (rc != 0) {
        code = cli_fail(c, rc);
    } else if (removed) {
        code = print_removed(c, cli_parse(json));
    } else if (c->json) {
        cli_print_json(c, json);
    } else {
        json_t *a = cli_parse(json);
        printf("%s%s%s\n", cli_bold(c), cli_str(a, "title", "(no title)"), cli_reset(c));
        printf("%sid %s · version %lld", cli_dim(c), cli_str(a, "id", ""),
               (long long)json_integer_value(json_object_get(a, "version")));
        if (cli_str(a, "source", NULL)) printf(" · %s", cli_str(a, "source", ""));
        if (cli_str(a, "published", NULL)) printf(" · published %s", cli_str(a, "published", ""));
        if (cli_str(a, "given_date", NULL)) printf(" · given date %s", cli_str(a, "given_date", ""));
        if (cli_str(a, "event_date", NULL)) printf(" · events %s", cli_str(a, "event_date", ""));
        if (cli_str(a, "lang", NULL)) printf(" · %s", cli_str(a, "lang", ""));
        printf("%s\n", cli_reset(c));
        if (cli_str(a, "url", NULL)) printf("%s%s%s\n", cli_dim(c), cli_str(a, "url", ""), cli_reset(c));
        printf("\n");
        if (text_only) {
            fputs(cli_str(a, "text", ""), stdout);
            fputc('\n', stdout);
        } else {
            size_t p, s;
            json_t *para, *sent;
            int n = 0;
            json_array_foreach(json_object_get(a, "paragraphs"), p, para) {
                printf("%s¶ %zu%s\n", cli_dim(c), p + 1, cli_reset(c));
                json_array_foreach(json_object_get(para, "sentences"), s, sent) {
                    char lead[16];
                    snprintf(lead, sizeof lead, "%3d ", ++n);
                    printf("%s%s%s", cli_dim(c), lead, cli_reset(c));
                    cli_wrap(stdout, cli_str(sent, "text", ""), 0, 76);
                }
            }
        }
        json_decref(a);
    }
    accord_close(db);
    return code;
}

static void render_search(cli *c, json_t *r)
{
    size_t i;
    json_t *h;
    json_t *hits = json_object_get(r, "results");
    json_array_foreach(hits, i, h) {
        char date[11];
        snprintf(date, sizeof date, "%s", cli_str(h, "date", ""));
        printf("%s%s%s  %s  %s\n", cli_bold(c), cli_str(h, "id", ""), cli_reset(c), date,
               cli_str(h, "title", "(no title)"));
        /* Show the [marked] matches in bold on a terminal. */
        const char *sn = cli_str(h, "snippet", "");
        if (c->color) {
            fputs("    ", stdout);
            for (const char *p = sn; *p; p++) {
                if (*p == '[') fputs(cli_bold(c), stdout);
                else if (*p == ']') fputs(cli_reset(c), stdout);
                else fputc(*p, stdout);
            }
            fputc('\n', stdout);
        } else {
            cli_wrap(stdout, sn, 4, 80);
        }
    }
    printf("%s%zu result(s)%s\n", cli_dim(c), json_array_size(hits), cli_reset(c));
}

int cmd_search(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    int limit = 20, offset = 0, o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 'n') limit = atoi(optarg);
        if (o == 'o') offset = atoi(optarg);
    }
    if (optind >= argc) return cli_usage_error(c, "give a query");
    char query[2048] = "";
    for (int i = optind; i < argc; i++) {
        if (i > optind) strncat(query, " ", sizeof query - strlen(query) - 1);
        strncat(query, argv[i], sizeof query - strlen(query) - 1);
    }
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_search_json(db, query, limit, offset, &json);
    code = cli_show(c, rc, json, render_search);
    accord_close(db);
    return code;
}

static void render_stats(cli *c, json_t *s)
{
    const char *k;
    json_t *v;
    json_object_foreach(s, k, v) {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        printf("%-20s %s\n", k, t ? t : "");
        free(t);
    }
}

int cmd_stats(cli *c, int argc, char **argv)
{
    int o;
    while ((o = cli_getopt(c, argc, argv, "", NULL)) != -1) {
    }
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_stats_json(db, &json);
    code = cli_show(c, rc, json, render_stats);
    accord_close(db);
    return code;
}
