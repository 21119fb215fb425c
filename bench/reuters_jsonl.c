/* reuters_jsonl.c - Reuters-21578 SGML (.sgm or .sgm.gz) to accord JSONL.
 *
 * usage: reuters_jsonl FILE... > reuters.jsonl
 *
 * One line per <REUTERS> item with a <BODY>: id "reuters-NEWID", title,
 * published (from <DATE>, "26-FEB-1987 15:01:01.79" -> 1987-02-26T15:01:01),
 * source "Reuters", text (entities unescaped, the trailing " Reuter" sign-off
 * and control characters dropped; stray high bytes read as Latin-1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static char *slurp(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g) return NULL;
    size_t cap = 1 << 20, n = 0;
    char *p = malloc(cap);
    int got;
    while (p && (got = gzread(g, p + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)got;
        if (cap - n < 4096) p = realloc(p, cap *= 2);
    }
    gzclose(g);
    if (p) p[n] = 0;
    *len = n;
    return p;
}

static const char *between(const char *s, const char *end, const char *open, const char *close, size_t *n)
{
    const char *a = strstr(s, open);
    if (!a || a >= end) return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (!b || b > end) return NULL;
    *n = (size_t)(b - a);
    return a;
}

static void put_json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '&') {
            if (!strncmp(s + i, "&lt;", 4)) { putchar('<'); i += 3; continue; }
            if (!strncmp(s + i, "&gt;", 4)) { putchar('>'); i += 3; continue; }
            if (!strncmp(s + i, "&amp;", 5)) { putchar('&'); i += 4; continue; }
            if (!strncmp(s + i, "&#", 2)) {
                const char *semi = memchr(s + i, ';', n - i < 8 ? n - i : 8);
                if (semi) { i = (size_t)(semi - s); continue; }
            }
        }
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') {
            /* Hard-wrapped lines: an indented line starts a paragraph. */
            size_t k = i + 1;
            while (k < n && s[k] == ' ') k++;
            fputs(k > i + 1 ? "\\n" : " ", stdout);
            i = k - 1;
        }
        else if (c < 0x20 || c == 0x7f) continue;
        else if (c >= 0x80) printf("%c%c", 0xC0 | (c >> 6), 0x80 | (c & 0x3F));
        else putchar(c);
    }
    putchar('"');
}

static const char *months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

int main(int argc, char **argv)
{
    for (int f = 1; f < argc; f++) {
        size_t len;
        char *doc = slurp(argv[f], &len);
        if (!doc) {
            fprintf(stderr, "%s: cannot read\n", argv[f]);
            continue;
        }
        for (const char *p = doc; (p = strstr(p, "<REUTERS")) != NULL;) {
            const char *end = strstr(p, "</REUTERS>");
            if (!end) break;
            const char *id = strstr(p, "NEWID=\"");
            size_t n;
            const char *body = between(p, end, "<BODY>", "</BODY>", &n);
            if (id && id < end && body) {
                /* Drop the sign-off " Reuter" and trailing white space. */
                while (n && (body[n - 1] == ' ' || body[n - 1] == '\n' || body[n - 1] == '\r' ||
                             (unsigned char)body[n - 1] < 0x20))
                    n--;
                if (n >= 6 && !strncmp(body + n - 6, "Reuter", 6)) n -= 6;
                if (n >= 6 && !strncmp(body + n - 6, "REUTER", 6)) n -= 6;
                printf("{\"id\":\"reuters-%d\",\"source\":\"Reuters\"", atoi(id + 7));
                size_t tn;
                const char *t = between(p, end, "<TITLE>", "</TITLE>", &tn);
                if (t) {
                    fputs(",\"title\":", stdout);
                    put_json_string(t, tn);
                }
                size_t dn;
                const char *d = between(p, end, "<DATE>", "</DATE>", &dn);
                while (d && dn && *d == ' ') d++, dn--;
                /* " 2-MAR-1987 10:04:16.12" or "26-FEB-1987 15:01:01.79" */
                const char *dash = d ? memchr(d, '-', dn < 4 ? dn : 4) : NULL;
                if (dash && (size_t)(dash - d) + 14 <= dn) {
                    int day = atoi(d), mon = 0;
                    for (int m = 0; m < 12; m++)
                        if (!strncmp(dash + 1, months[m], 3)) mon = m + 1;
                    if (mon) printf(",\"published\":\"%.4s-%02d-%02dT%.8s\"", dash + 5, mon, day, dash + 10);
                }
                fputs(",\"text\":", stdout);
                put_json_string(body, n);
                puts("}");
            }
            p = end;
        }
        free(doc);
    }
    return 0;
}
