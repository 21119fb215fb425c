/* eval_extract.c - scoring HTML extraction against other people's gold.
 *
 * See eval.h for the two formats and the measures. The pages are read
 * (and gunzipped) before the clock starts, so the throughput figure is
 * extraction alone: parse, choose, clean, metadata and dates. */
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "accord.h"
#include "clean.h"
#include "eval.h"
#include "util/buf.h"
#include "util/util.h"

/* CPU seconds of this thread: throughput per core, whatever else the
 * machine is doing. */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return acc_now();
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads a file, gunzipping it when it is gzip (zlib reads plain files as
 * they are). NULL when it cannot be read. */
static char *read_maybe_gz(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g) return NULL;
    buf b = BUF_INIT;
    char tmp[65536];
    int r;
    while ((r = gzread(g, tmp, sizeof tmp)) > 0) buf_append(&b, tmp, (size_t)r);
    gzclose(g);
    if (r < 0 || buf_failed(&b)) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data) return calloc(1, 1);
    return buf_detach(&b);
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool dir_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whitespace (and no-break spaces) collapsed to single spaces, invisible
 * characters dropped, trimmed. */
static char *squeeze(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (!r) return NULL;
    size_t k = 0;
    bool sp = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
        if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            space = true;
            i++;
        }
        /* invisible characters (soft hyphen, zero-width space and joiners,
         * word joiner, BOM) are dropped on both sides */
        if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD) {
            i++;
            continue;
        }
        if (ch == 0xE2 && i + 2 < n && (((unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] >= 0x8B &&
                                          (unsigned char)s[i + 2] <= 0x8D) ||
                                         ((unsigned char)s[i + 1] == 0x81 && (unsigned char)s[i + 2] == 0xA0))) {
            i += 2;
            continue;
        }
        if (ch == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB && (unsigned char)s[i + 2] == 0xBF) {
            i += 2;
            continue;
        }
        if (space) {
            sp = k > 0;
            continue;
        }
        if (sp) r[k++] = ' ';
        sp = false;
        r[k++] = (char)ch;
    }
    r[k] = 0;
    return r;
}

typedef struct tally {
    long tp, fp, tn, fn;
    size_t pages, bytes;
    double seconds;
} tally;

static int eval_trafilatura(const char *dir, bool verbose, FILE *progress, json_t *report)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/gold.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (!f) return acc_error(ACCORD_EINPUT, "%s: cannot open (is this a trafilatura-style set?)", path);
    tally t = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        lineno++;
        json_error_t err;
        json_t *g = json_loadb(line, (size_t)got, 0, &err);
        if (!g) continue;
        const char *file = json_string_value(json_object_get(g, "file"));
        const char *url = json_string_value(json_object_get(g, "url"));
        json_t *with = json_object_get(g, "with"), *without = json_object_get(g, "without");
        if (!file) {
            json_decref(g);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, file);
        size_t len = 0;
        char *html = read_maybe_gz(path, &len);
        if (!html) {
            if (progress) fprintf(progress, "eval extract: %s: cannot read, counted as empty\n", path);
            len = 0;
        }
        arena a;
        arena_init(&a);
        clean_result r;
        double t0 = cpu_now();
        int rc = html ? clean_html(&a, html, len, url, NULL, NULL, &r) : -1;
        t.seconds += cpu_now() - t0;
        t.bytes += len;
        t.pages++;
        char *text = squeeze(rc == 0 && r.text ? r.text : "", rc == 0 && r.text ? r.len : 0);
        long miss = 0, leak = 0;
        size_t i;
        json_t *v;
        json_array_foreach(with, i, v)
        {
            const char *sn = json_string_value(v);
            if (!sn) continue;
            char *q = squeeze(sn, strlen(sn));
            if (q && text && strstr(text, q)) t.tp++;
            else {
                t.fn++;
                miss++;
                if (verbose && progress) fprintf(progress, "  missed  %s: %s\n", file, sn);
            }
            free(q);
        }
        json_array_foreach(without, i, v)
        {
            const char *sn = json_string_value(v);
            if (!sn) continue;
            char *q = squeeze(sn, strlen(sn));
            if (q && text && *q && strstr(text, q)) {
                t.fp++;
                leak++;
                if (verbose && progress) fprintf(progress, "  leaked  %s: %s\n", file, sn);
            } else {
                t.tn++;
            }
            free(q);
        }
        free(text);
        free(html);
        arena_free(&a);
        json_decref(g);
    }
    free(line);
    fclose(f);
    double p = t.tp + t.fp ? (double)t.tp / (t.tp + t.fp) : 0;
    double rcl = t.tp + t.fn ? (double)t.tp / (t.tp + t.fn) : 0;
    double f1 = p + rcl > 0 ? 2 * p * rcl / (p + rcl) : 0;
    long all = t.tp + t.fp + t.tn + t.fn;
    json_t *o = json_object();
    json_object_set_new(o, "dir", json_string(dir));
    json_object_set_new(o, "pages", json_integer((json_int_t)t.pages));
    json_object_set_new(o, "with_found", json_real(t.tp + t.fn ? (double)t.tp / (t.tp + t.fn) : 0));
    json_object_set_new(o, "without_absent", json_real(t.fp + t.tn ? (double)t.tn / (t.fp + t.tn) : 0));
    json_object_set_new(o, "precision", json_real(p));
    json_object_set_new(o, "recall", json_real(rcl));
    json_object_set_new(o, "f1", json_real(f1));
    json_object_set_new(o, "accuracy", json_real(all ? (double)(t.tp + t.tn) / all : 0));
    json_object_set_new(o, "tp", json_integer(t.tp));
    json_object_set_new(o, "fp", json_integer(t.fp));
    json_object_set_new(o, "tn", json_integer(t.tn));
    json_object_set_new(o, "fn", json_integer(t.fn));
    json_object_set_new(o, "bytes", json_integer((json_int_t)t.bytes));
    json_object_set_new(o, "seconds", json_real(t.seconds));
    json_object_set_new(o, "mb_per_s_per_core", json_real(t.seconds > 0 ? t.bytes / 1e6 / t.seconds : 0));
    json_object_set_new(report, "trafilatura", o);
    return 0;
}

/* ---- Readability-style pages ------------------------------------------------------------ */

/* The text of an HTML fragment: tags dropped, common entities decoded,
 * block ends as spaces. Enough for a token comparison. */
static char *strip_tags(const char *h, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '<') {
            const char *e = memchr(h + i, '>', n - i);
            if (!e) break;
            buf_putc(&b, ' ');
            i = (size_t)(e - h);
            continue;
        }
        if (h[i] == '&') {
            static const struct {
                const char *name, *utf8;
            } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                        {"&apos;", "'"}, {"&nbsp;", " "}, {NULL, NULL}};
            bool done = false;
            for (int k = 0; ents[k].name && !done; k++) {
                size_t l = strlen(ents[k].name);
                if (i + l <= n && !memcmp(h + i, ents[k].name, l)) {
                    buf_puts(&b, ents[k].utf8);
                    i += l - 1;
                    done = true;
                }
            }
            if (done) continue;
            if (i + 2 < n && h[i + 1] == '#') {
                size_t j = i + 2;
                unsigned long cp = 0;
                bool hex = j < n && (h[j] == 'x' || h[j] == 'X');
                if (hex) j++;
                size_t st = j;
                while (j < n && (hex ? isxdigit((unsigned char)h[j]) : isdigit((unsigned char)h[j])) && j - st < 8) {
                    int d = isdigit((unsigned char)h[j]) ? h[j] - '0' : (tolower((unsigned char)h[j]) - 'a' + 10);
                    cp = cp * (hex ? 16 : 10) + (unsigned long)d;
                    j++;
                }
                if (j < n && h[j] == ';' && j > st && cp > 0 && cp < 0x110000) {
                    char u[4];
                    int ul;
                    if (cp < 0x80) u[0] = (char)cp, ul = 1;
                    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), ul = 2;
                    else if (cp < 0x10000)
                        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)),
                        u[2] = (char)(0x80 | (cp & 63)), ul = 3;
                    else
                        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)),
                        u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), ul = 4;
                    buf_append(&b, u, (size_t)ul);
                    i = j;
                    continue;
                }
            }
        }
        buf_putc(&b, h[i]);
    }
    if (buf_failed(&b)) {
        buf_free(&b);
        return NULL;
    }
    if (!b.data) return calloc(1, 1);
    return buf_detach(&b);
}

/* Lower-cased word tokens (letters and digits, any script's bytes >= 0x80
 * kept as letters), as a sorted array of hashes for a multiset compare. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t *tokens(const char *s, size_t *n)
{
    size_t cap = 256, k = 0;
    uint64_t *v = malloc(cap * sizeof *v);
    if (!v) return NULL;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        if (!(isalnum(ch) || ch >= 0x80)) {
            i++;
            continue;
        }
        char w[128];
        size_t wl = 0;
        while (i < len && (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)) {
            if (wl < sizeof w) w[wl++] = (char)tolower((unsigned char)s[i]);
            i++;
        }
        if (k == cap) {
            uint64_t *nv = realloc(v, cap * 2 * sizeof *v);
            if (!nv) {
                free(v);
                return NULL;
            }
            v = nv;
            cap *= 2;
        }
        v[k++] = acc_hash64(w, wl);
    }
    qsort(v, k, sizeof *v, cmp_u64);
    *n = k;
    return v;
}

static double token_f1(const char *got, const char *want)
{
    size_t ng = 0, nw = 0;
    uint64_t *g = tokens(got, &ng), *w = tokens(want, &nw);
    double f = 0;
    if (g && w) {
        size_t i = 0, j = 0, common = 0;
        while (i < ng && j < nw) {
            if (g[i] == w[j]) common++, i++, j++;
            else if (g[i] < w[j]) i++;
            else j++;
        }
        if (ng == 0 && nw == 0) f = 1;
        else if (common) {
            double p = (double)common / ng, r = (double)common / nw;
            f = 2 * p * r / (p + r);
        }
    }
    free(g);
    free(w);
    return f;
}

/* Case-insensitive, whitespace-collapsed equality. */
static bool same(const char *a, const char *b)
{
    if (!a || !b) return false;
    char *x = squeeze(a, strlen(a)), *y = squeeze(b, strlen(b));
    bool eq = x && y && strcasecmp(x, y) == 0;
    free(x);
    free(y);
    return eq;
}

/* Our title is the reference less what a site appends or prepends ("How
 * to Build a Terrarium" for "How to Build a Terrarium | eHow"): equal, or
 * a part of it that makes up at least half of it. */
static bool title_part(const char *ours, const char *want)
{
    if (!ours || !want) return false;
    if (same(ours, want)) return true;
    char *x = squeeze(ours, strlen(ours)), *y = squeeze(want, strlen(want));
    bool ok = x && y && strlen(x) >= 3 && 2 * strlen(x) >= strlen(y) && strcasestr(y, x) != NULL;
    free(x);
    free(y);
    return ok;
}


static int eval_readability(const char *dir, bool verbose, FILE *progress, json_t *report)
{
    char **names;
    size_t n;
    int lrc = acc_list_dir(dir, &names, &n);
    if (lrc) return lrc;
    long pages = 0, titles = 0, titles_ok = 0, titles_part = 0, bylines = 0, bylines_ok = 0, dates = 0, dates_ok = 0;
    double sim = 0, secs = 0;
    size_t bytes = 0;
    char path[4096];
    for (size_t k = 0; k < n; k++) {
        size_t slen = 0, elen = 0, mlen = 0;
        snprintf(path, sizeof path, "%s/%s/source.html.gz", dir, names[k]);
        if (!file_exists(path)) snprintf(path, sizeof path, "%s/%s/source.html", dir, names[k]);
        char *src = read_maybe_gz(path, &slen);
        snprintf(path, sizeof path, "%s/%s/expected.html.gz", dir, names[k]);
        if (!file_exists(path)) snprintf(path, sizeof path, "%s/%s/expected.html", dir, names[k]);
        char *exp = read_maybe_gz(path, &elen);
        snprintf(path, sizeof path, "%s/%s/expected-metadata.json", dir, names[k]);
        char *meta = read_maybe_gz(path, &mlen);
        if (!src || !exp) {
            free(src);
            free(exp);
            free(meta);
            continue;
        }
        json_t *m = meta ? json_loadb(meta, mlen, 0, NULL) : NULL;
        arena a;
        arena_init(&a);
        clean_result r;
        double t0 = cpu_now();
        int rc = clean_html(&a, src, slen, NULL, NULL, NULL, &r);
        secs += cpu_now() - t0;
        bytes += slen;
        pages++;
        char *want = strip_tags(exp, elen);
        double f = rc == 0 && want ? token_f1(r.text ? r.text : "", want) : 0;
        sim += f;
        if (verbose && progress && f < 0.8) fprintf(progress, "  text F1 %.2f  %s\n", f, names[k]);
        const char *et = m ? json_string_value(json_object_get(m, "title")) : NULL;
        if (et && *et) {
            titles++;
            if (rc == 0 && same(r.title, et)) titles_ok++;
            if (rc == 0 && title_part(r.title, et)) titles_part++;
            else if (verbose && progress)
                fprintf(progress, "  title   %s: got \"%s\", want \"%s\"\n", names[k], r.title ? r.title : "", et);
        }
        const char *eb = m ? json_string_value(json_object_get(m, "byline")) : NULL;
        if (eb && *eb) {
            bylines++;
            bool ok = rc == 0 && r.author && (same(r.author, eb) || strstr(eb, r.author));
            if (ok) bylines_ok++;
            else if (verbose && progress)
                fprintf(progress, "  byline  %s: got \"%s\", want \"%s\"\n", names[k], r.author ? r.author : "", eb);
        }
        const char *ed = m ? json_string_value(json_object_get(m, "publishedTime")) : NULL;
        if (ed && strlen(ed) >= 10) {
            dates++;
            if (rc == 0 && r.published.value && !strncmp(r.published.value, ed, 10)) dates_ok++;
            else if (verbose && progress)
                fprintf(progress, "  date    %s: got \"%s\", want \"%s\"\n", names[k],
                        r.published.value ? r.published.value : "", ed);
        }
        free(want);
        json_decref(m);
        arena_free(&a);
        free(src);
        free(exp);
        free(meta);
    }
    acc_free_names(names, n);
    json_t *o = json_object();
    json_object_set_new(o, "dir", json_string(dir));
    json_object_set_new(o, "pages", json_integer(pages));
    json_object_set_new(o, "title_accuracy", json_real(titles ? (double)titles_ok / titles : 0));
    json_object_set_new(o, "title_accuracy_less_site", json_real(titles ? (double)titles_part / titles : 0));
    json_object_set_new(o, "titles", json_integer(titles));
    json_object_set_new(o, "byline_accuracy", json_real(bylines ? (double)bylines_ok / bylines : 0));
    json_object_set_new(o, "bylines", json_integer(bylines));
    json_object_set_new(o, "date_accuracy", json_real(dates ? (double)dates_ok / dates : 0));
    json_object_set_new(o, "dates", json_integer(dates));
    json_object_set_new(o, "text_token_f1", json_real(pages ? sim / pages : 0));
    json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
    json_object_set_new(o, "seconds", json_real(secs));
    json_object_set_new(o, "mb_per_s_per_core", json_real(secs > 0 ? bytes / 1e6 / secs : 0));
    json_object_set_new(report, "readability", o);
    return 0;
}

int clean_eval_extract(const char *dir, bool verbose, FILE *progress, char **json)
{
    *json = NULL;
    if (!dir) return acc_error(ACCORD_EUSAGE, "eval extract: no folder given");
    if (!dir_exists(dir))
        return acc_error(ACCORD_EINPUT, "%s: no such folder (the development data lives in ../shared/data/extraction)",
                         dir);
    json_t *report = json_object();
    if (!report) return ACCORD_ENOMEM;
    char p[4096];
    int rc = 0, found = 0;
    snprintf(p, sizeof p, "%s/gold.jsonl", dir);
    if (file_exists(p)) {
        rc = eval_trafilatura(dir, verbose, progress, report);
        found++;
    }
    snprintf(p, sizeof p, "%s/trafilatura-eval/gold.jsonl", dir);
    if (!rc && file_exists(p)) {
        snprintf(p, sizeof p, "%s/trafilatura-eval", dir);
        rc = eval_trafilatura(p, verbose, progress, report);
        found++;
    }
    snprintf(p, sizeof p, "%s/readability-pages", dir);
    if (!rc && dir_exists(p)) {
        rc = eval_readability(p, verbose, progress, report);
        found++;
    }
    if (!rc && !found) {
        /* a Readability-style folder itself: sub-folders with source.html(.gz) */
        DIR *d = opendir(dir);
        struct dirent *e;
        bool pages = false;
        while (d && (e = readdir(d)) && !pages) {
            if (e->d_name[0] == '.') continue;
            snprintf(p, sizeof p, "%s/%s/source.html.gz", dir, e->d_name);
            pages = file_exists(p);
            if (!pages) {
                snprintf(p, sizeof p, "%s/%s/source.html", dir, e->d_name);
                pages = file_exists(p);
            }
        }
        if (d) closedir(d);
        if (pages) {
            rc = eval_readability(dir, verbose, progress, report);
            found++;
        }
    }
    if (!rc && !found)
        rc = acc_error(ACCORD_EINPUT,
                       "%s: neither a gold.jsonl (trafilatura-style) nor page folders with source.html "
                       "(Readability-style) found",
                       dir);
    if (rc) {
        json_decref(report);
        return rc;
    }
    *json = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
    json_decref(report);
    return *json ? 0 : ACCORD_ENOMEM;
}
