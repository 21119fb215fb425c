/* cmd_entities.c - accord entities, accord entity, accord quotes,
 * accord facts, accord eval ner|quotes. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char usage_entities[] =
    "usage: accord entities [--type PERSON|ORG|PLACE] [--limit N] [--offset N] [--json]\n\n"
    "People, organisations and places of the store, most mentioned first, with\n"
    "their aliases (spelling variants, last names, honorifics) and roles.\n";
const char usage_entity[] =
    "usage: accord entity [--json] NAME|ID\n\n"
    "One entity: its aliases and roles, where it is mentioned, what it said, and\n"
    "the stories it appears in. NAME may be any alias or spelling (Zelenskyy,\n"
    "Mr Peskov, Vance).\n";
const char usage_quotes[] =
    "usage: accord quotes [--speaker NAME] [--story ID] [--limit N] [--offset N] [--json]\n\n"
    "Direct quotes with their speakers (resolved through pronouns and across\n"
    "paragraphs), grouped by story and speaker.\n";
const char usage_facts[] =
    "usage: accord facts [--story ID] [--limit N] [--offset N] [--json]\n\n"
    "Quantities with what they count, their bound (exact, at_least, more_than,\n"
    "nearly, about, up_to, less_than), where and when.\n";
const char usage_eval_ner[] =
    "usage: accord eval ner [--json] FILE\n\n"
    "Entity precision, recall and F1 per type and overall on an IOB file\n"
    "(CoNLL-2003 or WikiANN layout). PER, ORG, LOC are compared with PERSON,\n"
    "ORG, PLACE by exact span; gold MISC is left out, and a prediction exactly\n"
    "on a gold MISC span is counted apart (on_misc; \"strict\" counts it as an\n"
    "error).\n";
const char usage_eval_quotes[] =
    "usage: accord eval quotes [--json] DIR\n\n"
    "Speaker accuracy on direct quotes of a BRAT attribution corpus laid out as\n"
    "PolNeAR (DIR/text/NAME.txt and DIR/attributions/NAME.ann). A direct quote is\n"
    "an attribution whose Content span is enclosed in quotation marks; it is\n"
    "right when the speaker mention found for the quote overlaps the gold Source\n"
    "span.\n";

static void print_strings(json_t *arr, const char *sep)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) printf("%s%s", i ? sep : "", json_string_value(v));
}

static void render_entities(cli *c, json_t *r)
{
    json_t *items = json_object_get(r, "entities");
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        printf("%5lld  %s%-28s%s %-6s %4lld mentions in %lld articles",
               (long long)json_integer_value(json_object_get(e, "id")), cli_bold(c),
               cli_str(e, "name", ""), cli_reset(c), cli_str(e, "type", ""),
               (long long)json_integer_value(json_object_get(e, "mentions")),
               (long long)json_integer_value(json_object_get(e, "articles")));
        json_t *roles = json_object_get(e, "roles");
        if (json_array_size(roles)) {
            printf("%s  (", cli_dim(c));
            print_strings(roles, "; ");
            printf(")%s", cli_reset(c));
        }
        printf("\n");
        json_t *al = json_object_get(e, "aliases");
        if (json_array_size(al)) {
            printf("       %salso:%s ", cli_dim(c), cli_reset(c));
            print_strings(al, ", ");
            printf("\n");
        }
    }
    printf("%s%lld entities%s\n", cli_dim(c), (long long)json_integer_value(json_object_get(r, "total")), cli_reset(c));
}

static void render_quote(cli *c, json_t *q, bool with_speaker)
{
    if (with_speaker) {
        const char *role = cli_str(q, "role", NULL);
        printf("  %s%s%s", cli_bold(c), cli_str(q, "speaker", "(unknown speaker)"), cli_reset(c));
        if (role) printf(" (%s)", role);
        printf("\n");
    }
    printf("    \xE2\x80\x9C");
    const char *t = cli_str(q, "text", "");
    size_t n = strlen(t);
    if (n > 300) printf("%.297s...", t);
    else printf("%s", t);
    printf("\xE2\x80\x9D  %s[%s]%s\n", cli_dim(c), cli_str(q, "article", ""), cli_reset(c));
}

static void render_entity(cli *c, json_t *e)
{
    printf("%s%s%s  %s  #%lld\n", cli_bold(c), cli_str(e, "name", ""), cli_reset(c), cli_str(e, "type", ""),
           (long long)json_integer_value(json_object_get(e, "id")));
    printf("%lld mentions in %lld articles\n", (long long)json_integer_value(json_object_get(e, "mentions")),
           (long long)json_integer_value(json_object_get(e, "articles")));
    json_t *al = json_object_get(e, "aliases");
    if (json_array_size(al)) {
        printf("aliases: ");
        print_strings(al, ", ");
        printf("\n");
    }
    json_t *roles = json_object_get(e, "roles");
    if (json_array_size(roles)) {
        printf("roles:   ");
        print_strings(roles, "; ");
        printf("\n");
    }
    json_t *qs = json_object_get(e, "quotes");
    if (json_array_size(qs)) {
        printf("\nQuotes\n");
        size_t i;
        json_t *q;
        json_array_foreach(qs, i, q) render_quote(c, q, false);
    }
    json_t *st = json_object_get(e, "stories");
    if (json_array_size(st)) {
        printf("\nStories\n");
        size_t i;
        json_t *s;
        json_array_foreach(st, i, s)
            printf("  #%lld  %s  (%lld articles)\n", (long long)json_integer_value(json_object_get(s, "id")),
                   cli_str(s, "label", ""), (long long)json_integer_value(json_object_get(s, "articles")));
    }
    json_t *ms = json_object_get(e, "mention_list");
    if (json_array_size(ms)) {
        printf("\nMentions\n");
        size_t i;
        json_t *m;
        json_array_foreach(ms, i, m)
        {
            const char *role = cli_str(m, "role", NULL), *hon = cli_str(m, "honorific", NULL);
            printf("  [%s] %s%s%s", cli_str(m, "article", ""), hon ? hon : "", hon ? " " : "", cli_str(m, "text", ""));
            if (role) printf("  (%s)", role);
            printf("\n");
        }
    }
}

static void render_quotes(cli *c, json_t *r)
{
    json_t *items = json_object_get(r, "quotes");
    size_t i;
    json_t *q;
    const char *prev = NULL;
    long long prev_story = -1;
    json_array_foreach(items, i, q)
    {
        long long story = json_integer_value(json_object_get(q, "story"));
        if (story != prev_story) {
            if (json_is_integer(json_object_get(q, "story"))) printf("%sStory #%lld%s\n", cli_dim(c), story, cli_reset(c));
            prev_story = story;
            prev = NULL;
        }
        const char *sp = cli_str(q, "speaker", "(unknown speaker)");
        render_quote(c, q, !prev || strcmp(prev, sp) != 0);
        prev = sp;
    }
    printf("%s%lld quotes%s\n", cli_dim(c), (long long)json_integer_value(json_object_get(r, "total")), cli_reset(c));
}

static void render_facts(cli *c, json_t *r)
{
    json_t *items = json_object_get(r, "facts");
    size_t i;
    json_t *f;
    json_array_foreach(items, i, f)
    {
        const char *bound = cli_str(f, "bound", "exact");
        printf("  %-24s %s%s%g%s", cli_str(f, "measure", ""), strcmp(bound, "exact") ? bound : "",
               strcmp(bound, "exact") ? " " : "", json_number_value(json_object_get(f, "value")),
               cli_str(f, "unit", NULL) && strcmp(cli_str(f, "unit", ""), cli_str(f, "measure", "")) ? cli_str(f, "unit", "") : "");
        const char *where = cli_str(f, "where", NULL), *when = cli_str(f, "when", NULL);
        if (where) printf("  in %s", where);
        if (when) printf("  on %s", when);
        printf("  %s\"%s\" [%s]%s\n", cli_dim(c), cli_str(f, "text", ""), cli_str(f, "article", ""), cli_reset(c));
    }
    printf("%s%lld facts%s\n", cli_dim(c), (long long)json_integer_value(json_object_get(r, "total")), cli_reset(c));
}

int cmd_entities(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"type", required_argument, NULL, 't'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    const char *type = NULL;
    int limit = 0, offset = 0, o;
    while ((o = cli_getopt(c, argc, argv, "n:t:", longopts)) != -1) {
        if (o == 't') type = optarg;
        if (o == 'n') limit = atoi(optarg);
        if (o == 'o') offset = atoi(optarg);
        if (o == '?') return EXIT_USAGE;
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    if (type && strcmp(type, "PERSON") && strcmp(type, "ORG") && strcmp(type, "PLACE"))
        return cli_usage_error(c, "--type must be PERSON, ORG or PLACE, not '%s'", type);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_entities_json(db, type, limit, offset, &json);
    code = cli_show(c, rc, json, render_entities);
    accord_close(db);
    return code;
}

int cmd_entity(cli *c, int argc, char **argv)
{
    int o;
    while ((o = cli_getopt(c, argc, argv, "", NULL)) != -1)
        if (o == '?') return EXIT_USAGE;
    if (optind >= argc) return cli_usage_error(c, "which entity? give a NAME or an ID");
    /* A name may come in several words without quotes. */
    size_t n = 0;
    for (int i = optind; i < argc; i++) n += strlen(argv[i]) + 1;
    char *name = malloc(n + 1);
    if (!name) return EXIT_INTERNAL;
    name[0] = 0;
    for (int i = optind; i < argc; i++) {
        if (i > optind) strcat(name, " ");
        strcat(name, argv[i]);
    }
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) {
        free(name);
        return code;
    }
    char *json = NULL;
    int rc = accord_entity_json(db, name, &json);
    code = cli_show(c, rc, json, render_entity);
    free(name);
    accord_close(db);
    return code;
}

int cmd_quotes(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"speaker", required_argument, NULL, 's'},
                                             {"story", required_argument, NULL, 'S'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    const char *speaker = NULL;
    long long story = 0;
    int limit = 0, offset = 0, o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 's') speaker = optarg;
        if (o == 'S') story = atoll(optarg);
        if (o == 'n') limit = atoi(optarg);
        if (o == 'o') offset = atoi(optarg);
        if (o == '?') return EXIT_USAGE;
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_quotes_json(db, speaker, story, limit, offset, &json);
    code = cli_show(c, rc, json, render_quotes);
    accord_close(db);
    return code;
}

int cmd_facts(cli *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"story", required_argument, NULL, 'S'},
                                             {"limit", required_argument, NULL, 'n'},
                                             {"offset", required_argument, NULL, 'o'},
                                             {0}};
    long long story = 0;
    int limit = 0, offset = 0, o;
    while ((o = cli_getopt(c, argc, argv, "n:", longopts)) != -1) {
        if (o == 'S') story = atoll(optarg);
        if (o == 'n') limit = atoi(optarg);
        if (o == 'o') offset = atoi(optarg);
        if (o == '?') return EXIT_USAGE;
    }
    if (optind < argc) return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
    int code;
    accord *db = cli_open(c, false, &code);
    if (!db) return code;
    char *json = NULL;
    int rc = accord_facts_json(db, story, limit, offset, &json);
    code = cli_show(c, rc, json, render_facts);
    accord_close(db);
    return code;
}

static void render_prf(const char *name, json_t *o)
{
    printf("  %-8s P %.3f  R %.3f  F1 %.3f   (tp %lld, fp %lld, fn %lld)\n", name,
           json_number_value(json_object_get(o, "precision")), json_number_value(json_object_get(o, "recall")),
           json_number_value(json_object_get(o, "f1")), (long long)json_integer_value(json_object_get(o, "tp")),
           (long long)json_integer_value(json_object_get(o, "fp")), (long long)json_integer_value(json_object_get(o, "fn")));
}

static void render_eval_ner(cli *c, json_t *r)
{
    printf("entities on %s (%lld sentences, %lld tokens)\n", cli_str(r, "file", ""),
           (long long)json_integer_value(json_object_get(r, "sentences")),
           (long long)json_integer_value(json_object_get(r, "tokens")));
    json_t *types = json_object_get(r, "types");
    const char *k;
    json_t *v;
    json_object_foreach(types, k, v) render_prf(k, v);
    printf("%s", cli_bold(c));
    render_prf("overall", json_object_get(r, "overall"));
    printf("%s", cli_reset(c));
    render_prf("strict", json_object_get(r, "strict"));
    printf("  %s%s%s\n", cli_dim(c), cli_str(r, "misc", ""), cli_reset(c));
}

static void render_eval_quotes(cli *c, json_t *r)
{
    printf("direct quotes in %s: %lld articles, %lld direct quotes (of %lld attributions)\n", cli_str(r, "dir", ""),
           (long long)json_integer_value(json_object_get(r, "articles")),
           (long long)json_integer_value(json_object_get(r, "direct_quotes")),
           (long long)json_integer_value(json_object_get(r, "attributions")));
    printf("  found      %lld (%.3f)\n", (long long)json_integer_value(json_object_get(r, "found")),
           json_number_value(json_object_get(r, "found_rate")));
    printf("  %sspeaker accuracy %.3f%s (%lld right of %lld; %.3f of the quotes found)\n", cli_bold(c),
           json_number_value(json_object_get(r, "accuracy")), cli_reset(c),
           (long long)json_integer_value(json_object_get(r, "right")),
           (long long)json_integer_value(json_object_get(r, "direct_quotes")),
           json_number_value(json_object_get(r, "accuracy_found")));
    printf("  %s%s%s\n", cli_dim(c), cli_str(r, "definition", ""), cli_reset(c));
}

static int eval_one(cli *c, int argc, char **argv, bool ner)
{
    int o;
    while ((o = cli_getopt(c, argc, argv, "", NULL)) != -1)
        if (o == '?') return EXIT_USAGE;
    if (optind + 1 != argc) return cli_usage_error(c, ner ? "give one CoNLL file" : "give one folder");
    char *json = NULL;
    int rc = ner ? accord_eval_ner_json(argv[optind], &json) : accord_eval_quotes_json(argv[optind], &json);
    return cli_show(c, rc, json, ner ? render_eval_ner : render_eval_quotes);
}

int cmd_eval_ner(cli *c, int argc, char **argv)
{
    return eval_one(c, argc, argv, true);
}

int cmd_eval_quotes(cli *c, int argc, char **argv)
{
    return eval_one(c, argc, argv, false);
}
