/* eval_quotes.c - speaker accuracy on direct quotes of a BRAT corpus.
 *
 * The corpus is laid out as PolNeAR is: DIR/text/NAME.txt and
 * DIR/attributions/NAME[_xxxx].ann, whose T lines are spans (Source, Cue,
 * Content; offsets in characters) and whose E lines tie one attribution's
 * Content to its Source and Cue.
 *
 * Definition. A direct quote is an attribution with a Source whose Content
 * span, trimmed of spaces, is enclosed in quotation marks: it opens with a
 * quotation mark or right after one, and it closes with one or right before
 * one (a comma or period may stand between the words and the closing mark).
 * Our quote for it is the quote found in the text that overlaps the Content
 * span most. It is right when the speaker mention we found for that quote
 * (the name, description or pronoun next to the cue; for a carried quote,
 * the previous quote's) overlaps the gold Source span. Accuracy is right /
 * direct quotes: a direct quote we did not find, or found without a speaker,
 * counts as wrong. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "internal.h"
#include "util/util.h"

typedef struct bspan {
    char id[16];
    char kind[16];
    long s, e; /* characters */
} bspan;

typedef struct battr {
    char content[16], source[16];
} battr;

static bool is_open_quote(const unsigned char *u, size_t avail)
{
    if (avail >= 1 && u[0] == '"') return true;
    return avail >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9E);
}
static bool is_close_quote(const unsigned char *u, size_t avail)
{
    if (avail >= 1 && u[0] == '"') return true;
    return avail >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x9D;
}

/* Byte offset of each character index (0..n_chars). */
static long *char_offsets(const char *text, size_t len, size_t *n_chars)
{
    long *off = malloc((len + 2) * sizeof *off);
    if (!off) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch & 0xC0) != 0x80) off[k++] = (long)i;
    }
    off[k] = (long)len;
    *n_chars = k;
    return off;
}

static const bspan *find_span(const bspan *sp, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(sp[i].id, id)) return &sp[i];
    return NULL;
}

typedef struct tally {
    long articles, attributions, direct, found, right, no_source;
} tally;

static int eval_one(const char *text, size_t len, FILE *ann, tally *t)
{
    size_t cap_s = 64, n_s = 0, cap_a = 32, n_a = 0;
    bspan *sp = malloc(cap_s * sizeof *sp);
    battr *at = malloc(cap_a * sizeof *at);
    size_t n_chars;
    long *off = char_offsets(text, len, &n_chars);
    int rc = -1;
    arena a;
    arena_init(&a);
    if (!sp || !at || !off) goto out;
    char line[8192];
    while (fgets(line, sizeof line, ann)) {
        if (line[0] == 'T') {
            bspan b = {0};
            char frag[64];
            if (sscanf(line, "%15s %15s %ld %63s", b.id, b.kind, &b.s, frag) < 4) continue;
            /* "12 20;25 30": the end is the last fragment's. */
            char *tab = strchr(line, '\t');
            tab = tab ? strchr(tab + 1, '\t') : NULL;
            char *field = strchr(line, ' ');
            if (!field) continue;
            char *p = field + 1;
            long last_e = -1;
            while (p && (!tab || p < tab)) {
                long s1, e1;
                if (sscanf(p, "%ld %ld", &s1, &e1) != 2) break;
                last_e = e1;
                p = strchr(p, ';');
                if (p) p++;
            }
            b.e = last_e;
            if (n_s == cap_s) {
                bspan *ns = realloc(sp, (cap_s *= 2) * sizeof *sp);
                if (!ns) goto out;
                sp = ns;
            }
            sp[n_s++] = b;
        } else if (line[0] == 'E') {
            battr r = {0};
            for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
                if (!strncmp(tok, "Content:", 8)) snprintf(r.content, sizeof r.content, "%s", tok + 8);
                if (!strncmp(tok, "Source:", 7)) snprintf(r.source, sizeof r.source, "%s", tok + 7);
            }
            if (n_a == cap_a) {
                battr *na = realloc(at, (cap_a *= 2) * sizeof *at);
                if (!na) goto out;
                at = na;
            }
            at[n_a++] = r;
        }
    }
    extract_result res;
    if (extract_quotes_text(&a, text, len, &res) < 0) goto out;
    const unsigned char *u = (const unsigned char *)text;
    t->articles++;
    for (size_t i = 0; i < n_a; i++) {
        t->attributions++;
        const bspan *c = find_span(sp, n_s, at[i].content);
        if (!c || c->s < 0 || c->e > (long)n_chars || c->s >= c->e) continue;
        long cs = off[c->s], ce = off[c->e];
        while (cs < ce && (text[cs] == ' ' || text[cs] == '\n')) cs++;
        while (ce > cs && (text[ce - 1] == ' ' || text[ce - 1] == '\n')) ce--;
        if (ce <= cs) continue;
        bool open = is_open_quote(u + cs, (size_t)(ce - cs));
        if (!open && cs >= 1 && u[cs - 1] == '"') open = true;
        if (!open && cs >= 3 && is_open_quote(u + cs - 3, 3)) open = true;
        bool close = (ce >= 1 && u[ce - 1] == '"') || (ce >= 3 && is_close_quote(u + ce - 3, 3));
        long after = ce;
        if (after < (long)len && (text[after] == ',' || text[after] == '.' || text[after] == '?' || text[after] == '!')) after++;
        if (!close && after < (long)len && is_close_quote(u + after, len - (size_t)after)) close = true;
        if (!open || !close) continue;
        if (!at[i].source[0]) {
            t->no_source++;
            continue;
        }
        const bspan *s = find_span(sp, n_s, at[i].source);
        if (!s || s->s < 0 || s->e > (long)n_chars) {
            t->no_source++;
            continue;
        }
        long ss = off[s->s], se = off[s->e];
        t->direct++;
        const extract_quote *best = NULL;
        long best_ov = 0;
        for (size_t k = 0; k < res.n_quotes; k++) {
            const extract_quote *q = &res.quotes[k];
            long lo = (long)q->start > cs ? (long)q->start : cs;
            long hi = (long)q->end < ce ? (long)q->end : ce;
            if (hi - lo > best_ov) best_ov = hi - lo, best = q;
        }
        if (!best) {
            if (getenv("ACCORD_EVAL_VERBOSE"))
                fprintf(stderr, "MISSED  [%.60s] gold=%.*s\n", text + cs, (int)(se - ss), text + ss);
            continue;
        }
        t->found++;
        if (best->speaker_text && (long)best->speaker_start < se && (long)best->speaker_end > ss) {
            t->right++;
        } else if (getenv("ACCORD_EVAL_VERBOSE")) {
            /* ACCORD_EVAL_VERBOSE=1 lists the misses on stderr, for tuning. */
            fprintf(stderr, "WRONG   [%.60s] found=%s (%s, how %d) gold=%.*s\n", text + cs,
                    best->speaker_text ? best->speaker_text : "-", best->cue ? best->cue : "-", best->how,
                    (int)(se - ss), text + ss);
        }
    }
    rc = 0;
out:
    arena_free(&a);
    free(sp);
    free(at);
    free(off);
    return rc;
}

int extract_eval_quotes(const char *dir, char **json)
{
    *json = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/attributions", dir);
    DIR *d = opendir(path);
    if (!d) return acc_error(ACCORD_EINPUT, "eval quotes: no folder %s (expected DIR/attributions and DIR/text)", path);
    /* Sorted names, for a stable order. */
    size_t cap = 256, n = 0;
    char **names = malloc(cap * sizeof *names);
    struct dirent *de;
    while (names && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".ann")) continue;
        if (n == cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    if (!names) return acc_error(ACCORD_ENOMEM, "out of memory");
    qsort(names, n, sizeof *names, (int (*)(const void *, const void *))strcmp);
    tally t = {0};
    long missing = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char base[1024];
        snprintf(base, sizeof base, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        char tpath[4096];
        snprintf(tpath, sizeof tpath, "%s/text/%s.txt", dir, base);
        char *text = NULL;
        size_t len = 0;
        FILE *probe = fopen(tpath, "rb");
        if (!probe) {
            char *us = strrchr(base, '_');
            if (us) *us = 0;
            snprintf(tpath, sizeof tpath, "%s/text/%s.txt", dir, base);
        } else {
            fclose(probe);
        }
        if (acc_read_file(tpath, &text, &len) != 0) {
            missing++;
            continue;
        }
        snprintf(path, sizeof path, "%s/attributions/%s", dir, names[i]);
        FILE *ann = fopen(path, "r");
        if (!ann) {
            free(text);
            missing++;
            continue;
        }
        if (eval_one(text, len, ann, &t) < 0) rc = acc_error(ACCORD_ENOMEM, "eval quotes: out of memory");
        fclose(ann);
        free(text);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (rc) return rc;
    if (t.articles == 0) return acc_error(ACCORD_EINPUT, "eval quotes: no annotated article in %s", dir);
    double acc = t.direct ? (double)t.right / (double)t.direct : 0;
    double acc_found = t.found ? (double)t.right / (double)t.found : 0;
    double found_rate = t.direct ? (double)t.found / (double)t.direct : 0;
    json_t *o = json_pack(
        "{s:s,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:I,s:I,s:s}", "dir", dir, "articles", (json_int_t)t.articles,
        "attributions", (json_int_t)t.attributions, "direct_quotes", (json_int_t)t.direct, "found",
        (json_int_t)t.found, "right", (json_int_t)t.right, "accuracy", acc, "accuracy_found", acc_found,
        "found_rate", found_rate, "direct_without_source", (json_int_t)t.no_source, "missing_text",
        (json_int_t)missing, "definition",
        "direct quote: an attribution whose Content is enclosed in quotation marks; right when the speaker "
        "mention found for the quote overlaps the gold Source span; unfound quotes count as wrong");
    if (!o) return acc_error(ACCORD_ENOMEM, "out of memory");
    *json = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *json ? 0 : acc_error(ACCORD_ENOMEM, "out of memory");
}
