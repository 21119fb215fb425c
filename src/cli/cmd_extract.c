/* cmd_extract.c - `accord extract [--json] FILE|-`: the clean stage on one
 * document, nothing stored. Prints the main text (HTML pages and plain
 * text alike) and what was found about it; --json gives the title,
 * paragraphs, dates with their kind and source, author, site name,
 * language, canonical URL, captions, credits and the removed parts with
 * their reasons. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/clean_store.h"
#include "cli.h"
#include "text/text.h"
#include "util/buf.h"
#include "util/util.h"

const char usage_extract[] =
    "usage: accord extract [--json] [--html | --text] [--url URL] [--date YYYY-MM-DD]\n"
    "                      [--reference DATE] [--source NAME] [--removed] FILE|-\n\n"
    "Runs the clean stage on one document without storing it and prints its main\n"
    "text, one paragraph per line, after its title, author, outlet and dates.\n\n"
    "  --html, --text   the input kind (default: from the file name, else the content)\n"
    "  --url URL        where the page came from (dates in its path count)\n"
    "  --date DATE      the date the document was given with (crawl or feed date);\n"
    "                   a text file's leading \"date YYYY-MM-DD\" header also gives it\n"
    "  --reference DATE the day the document is known by when it does not say\n"
    "                   (YYYY-MM-DD or a date-time; default: the --date): dates\n"
    "                   without a year or relative to the writing resolve against it\n"
    "  --source NAME    the outlet, named in learned-boilerplate reasons\n"
    "  --removed        also list what was taken out, with the reason\n"
    "  --json           title, paragraphs, dates {given, published, modified, event}\n"
    "                   each with value, source and confidence, author, site_name,\n"
    "                   lang, canonical_url, dateline, date_flag, captions, credits,\n"
    "                   removed [{text, reason}]\n";

static bool looks_html(const char *path, const char *d, size_t n)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") || !strcasecmp(dot, ".xhtml"))) return true;
    if (dot && (!strcasecmp(dot, ".txt") || !strcasecmp(dot, ".text"))) return false;
    size_t i = 0;
    if (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB && (unsigned char)d[2] == 0xBF) i = 3;
    while (i < n && isspace((unsigned char)d[i])) i++;
    if (i >= n || d[i] != '<') return false;
    size_t lim = n - i < 2048 ? n - i : 2048;
    return memmem(d + i, lim, "<html", 5) || memmem(d + i, lim, "<HTML", 5) || memmem(d + i, lim, "<!DOCTYPE", 9) ||
           memmem(d + i, lim, "<!doctype", 9) || memmem(d + i, lim, "<body", 5) || memmem(d + i, lim, "<p", 2) ||
           memmem(d + i, lim, "<div", 4);
}

int cmd_extract(cli *c, int argc, char **argv)
{
    enum { O_HTML = 2000, O_TEXT, O_URL, O_DATE, O_SOURCE, O_REMOVED, O_REFERENCE }; /* above cli.c's own */
    static const struct option opts[] = {
        {"html", no_argument, NULL, O_HTML},          {"text", no_argument, NULL, O_TEXT},
        {"url", required_argument, NULL, O_URL},      {"date", required_argument, NULL, O_DATE},
        {"source", required_argument, NULL, O_SOURCE}, {"removed", no_argument, NULL, O_REMOVED},
        {"reference", required_argument, NULL, O_REFERENCE},
        {0, 0, 0, 0},
    };
    int kind = 0; /* 0 auto, 1 html, 2 text */
    const char *url = NULL, *date = NULL, *source = NULL, *reference = NULL;
    bool show_removed = false;
    int o;
    while ((o = cli_getopt(c, argc, argv, "", opts)) != -1) {
        switch (o) {
        case O_HTML: kind = 1; break;
        case O_TEXT: kind = 2; break;
        case O_URL: url = optarg; break;
        case O_DATE: date = optarg; break;
        case O_REFERENCE: reference = optarg; break;
        case O_SOURCE: source = optarg; break;
        case O_REMOVED: show_removed = true; break;
        default: return cli_usage_error(c, "unknown option");
        }
    }
    if (optind + 1 != argc) return cli_usage_error(c, "give one FILE, or - for standard input");
    if (date && !acc_is_date(date, strlen(date))) return cli_usage_error(c, "--date wants YYYY-MM-DD, not '%s'", date);
    long long ts;
    if (reference && !acc_parse_timestamp(reference, &ts))
        return cli_usage_error(c, "--reference wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '%s'", reference);
    const char *path = argv[optind];
    char *data = NULL;
    size_t len = 0;
    int rc = acc_read_file(path, &data, &len);
    if (rc) return cli_fail(c, rc);
    bool html = kind == 1 || (kind == 0 && looks_html(strcmp(path, "-") ? path : NULL, data, len));

    arena a;
    arena_init(&a);
    clean_result r;
    int crc;
    buf fixed = BUF_INIT;
    if (html) {
        crc = clean_html(&a, data, len, url, date, reference ? reference : date, &r);
    } else {
        /* as ingest does: repair UTF-8, take a leading "date YYYY-MM-DD" */
        text_utf8_repair(data, len, &fixed, NULL);
        const char *t = buf_cstr(&fixed);
        size_t tl = fixed.len;
        while (tl && isspace((unsigned char)*t)) t++, tl--;
        char given[11];
        if (tl >= 15 && !strncmp(t, "date ", 5) && acc_is_date(t + 5, 10) && (tl == 15 || isspace((unsigned char)t[15]))) {
            memcpy(given, t + 5, 10);
            given[10] = 0;
            if (!date) date = given;
            t += 15;
            tl -= 15;
        }
        crc = buf_failed(&fixed) ? -1 : clean_text(&a, t, tl, date, reference ? reference : date, source, &r);
    }
    if (crc) {
        buf_free(&fixed);
        free(data);
        arena_free(&a);
        return cli_fail(c, crc == -1 ? acc_error(ACCORD_ENOMEM, "%s: out of memory", path)
                                     : acc_error(ACCORD_EINPUT, "%s: could not be cleaned", path));
    }
    if (c->json) {
        char *j = clean_result_json(&r, true);
        if (!j) {
            rc = EXIT_INTERNAL;
        } else {
            json_t *o2 = json_loads(j, 0, NULL);
            free(j);
            if (o2) {
                json_object_set_new(o2, "input", json_string(html ? "html" : "text"));
                cli_print_json(c, json_dumps(o2, JSON_PRESERVE_ORDER | JSON_COMPACT));
                json_decref(o2);
            }
        }
    } else {
        if (r.title) printf("%s%s%s\n", cli_bold(c), r.title, cli_reset(c));
        printf("%s", cli_dim(c));
        if (r.author) printf("by %s\n", r.author);
        if (r.site_name) printf("outlet: %s\n", r.site_name);
        if (r.dateline) printf("dateline: %s\n", r.dateline);
        const clean_date *ds[] = {&r.given, &r.published, &r.modified, &r.event};
        const char *names[] = {"given", "published", "modified", "event"};
        for (int i = 0; i < 4; i++)
            if (ds[i]->value)
                printf("%s date: %s (%s, confidence %.2f)\n", names[i], ds[i]->value,
                       ds[i]->source ? ds[i]->source : "?", ds[i]->confidence);
        if (r.date_flag) printf("note: %s\n", r.date_flag);
        if (r.lang) printf("language: %s\n", r.lang);
        if (r.canonical_url) printf("url: %s\n", r.canonical_url);
        for (size_t i = 0; i < r.n_captions; i++) printf("caption: %s\n", r.captions[i]);
        for (size_t i = 0; i < r.n_credits; i++) printf("credit: %s\n", r.credits[i]);
        printf("%s\n", cli_reset(c));
        fwrite(r.text, 1, r.len, stdout);
        if (r.len) putchar('\n');
        if (show_removed && r.n_removed) {
            printf("\n%sremoved:%s\n", cli_bold(c), cli_reset(c));
            for (size_t i = 0; i < r.n_removed; i++) printf("  [%s] %s\n", r.removed[i].reason, r.removed[i].text);
        }
    }
    buf_free(&fixed);
    free(data);
    arena_free(&a);
    return rc;
}
