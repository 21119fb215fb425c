/* render.c - the reconcile keys of a story for the terminal: summary with
 * citations, facts with verdicts, quotes by speaker, claims in tension,
 * what each outlet adds, and the timeline. Reads the JSON built by
 * reconcile_to_json(), so the terminal shows exactly what --json gives. */
#include <string.h>

#include "reconcile/reconcile_int.h"

typedef struct style {
    const char *bold, *dim, *reset, *warn;
} style;

/* Display width of UTF-8 text: code points, not bytes. */
static size_t cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Appends text wrapped at width, every line indented; tail (may be "")
 * follows the last word. */
static void wrap(buf *out, const char *text, int indent, int width, const char *tail)
{
    size_t col = 0;
    const char *p = text;
    bool first = true;
    for (int i = 0; i < indent; i++) buf_putc(out, ' ');
    col = (size_t)indent;
    while (*p) {
        while (*p == ' ' || *p == '\n') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\n') e++;
        size_t w = cols(p, (size_t)(e - p));
        if (!first && col + 1 + w > (size_t)width) {
            buf_putc(out, '\n');
            for (int i = 0; i < indent; i++) buf_putc(out, ' ');
            col = (size_t)indent;
        } else if (!first) {
            buf_putc(out, ' ');
            col++;
        }
        buf_append(out, p, (size_t)(e - p));
        col += w;
        first = false;
        p = e;
    }
    if (tail && *tail) {
        size_t tw = cols(tail, strlen(tail));
        if (col + 2 + tw > (size_t)width) {
            buf_putc(out, '\n');
            for (int i = 0; i < indent + 2; i++) buf_putc(out, ' ');
        } else {
            buf_puts(out, "  ");
        }
        buf_puts(out, tail);
    }
    buf_putc(out, '\n');
}

static const char *label_of(json_t *labels, const char *id)
{
    const char *l = json_string_value(json_object_get(labels, id ? id : ""));
    return l ? l : id ? id : "?";
}

/* "[a, b, c]" of an array of article ids. */
static void cite(buf *b, json_t *labels, json_t *ids, const style *st)
{
    size_t i;
    json_t *v;
    buf_printf(b, "%s[", st->dim);
    json_array_foreach(ids, i, v) buf_printf(b, "%s%s", i ? ", " : "", label_of(labels, json_string_value(v)));
    buf_printf(b, "]%s", st->reset);
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

int reconcile_render(json_t *story, bool color, int width, buf *out)
{
    style st = {"", "", "", ""};
    if (color) st = (style){"\x1b[1m", "\x1b[2m", "\x1b[0m", "\x1b[33m"};
    if (width < 40) width = 40;
    json_t *labels = json_object_get(story, "outlet_labels");
    size_t i, k;
    json_t *v, *w;
    buf tail = BUF_INIT;

    json_t *summary = json_object_get(story, "summary");
    if (json_array_size(summary)) {
        buf_printf(out, "\n%sSummary%s\n", st.bold, st.reset);
        json_array_foreach(summary, i, v) {
            buf_clear(&tail);
            cite(&tail, labels, json_object_get(v, "articles"), &st);
            wrap(out, str(v, "text"), 2, width, buf_cstr(&tail));
        }
    }

    json_t *facts = json_object_get(story, "facts");
    if (json_array_size(facts)) {
        buf_printf(out, "\n%sFacts%s\n", st.bold, st.reset);
        json_array_foreach(facts, i, v) {
            buf line = BUF_INIT;
            buf_puts(&line, str(v, "measure"));
            if (*str(v, "where")) buf_printf(&line, " in %s", str(v, "where"));
            if (*str(v, "event")) buf_printf(&line, " (%s)", str(v, "event"));
            if (*str(v, "when")) buf_printf(&line, ", %s", str(v, "when"));
            buf_puts(&line, ": ");
            json_array_foreach(json_object_get(v, "reports"), k, w) {
                if (k) buf_puts(&line, " · ");
                buf_printf(&line, "%s [%s]", str(w, "says"), label_of(labels, str(w, "article")));
            }
            const char *verdict = str(v, "verdict");
            buf_clear(&tail);
            bool mark = !strcmp(verdict, "conflict");
            buf_printf(&tail, "%s%s%s", mark ? st.warn : st.bold, verdict, st.reset);
            wrap(out, buf_cstr(&line), 2, width, buf_cstr(&tail));
            buf_free(&line);
        }
    }

    json_t *quotes = json_object_get(story, "quotes");
    if (json_array_size(quotes)) {
        buf_printf(out, "\n%sQuotes%s\n", st.bold, st.reset);
        /* By speaker, in order of each speaker's first appearance. */
        size_t n = json_array_size(quotes);
        bool *done = calloc(n ? n : 1, sizeof *done);
        if (!done) return ACCORD_ENOMEM;
        for (i = 0; i < n; i++) {
            if (done[i]) continue;
            json_t *q = json_array_get(quotes, i);
            const char *spk = str(q, "speaker");
            buf_printf(out, "  %s%s%s", st.bold, *spk ? spk : "(speaker unknown)", st.reset);
            if (*str(q, "role")) buf_printf(out, " (%s)", str(q, "role"));
            buf_putc(out, '\n');
            for (k = i; k < n; k++) {
                json_t *q2 = json_array_get(quotes, k);
                if (done[k] || strcmp(str(q2, "speaker"), spk)) continue;
                done[k] = true;
                buf text = BUF_INIT;
                buf_printf(&text, "\"%s\"", str(q2, "text"));
                buf_clear(&tail);
                cite(&tail, labels, json_object_get(q2, "articles"), &st);
                wrap(out, buf_cstr(&text), 4, width, buf_cstr(&tail));
                buf_free(&text);
            }
        }
        free(done);
    }

    json_t *claims = json_object_get(story, "claims_in_tension");
    if (json_array_size(claims)) {
        buf_printf(out, "\n%sClaims in tension%s\n", st.bold, st.reset);
        json_array_foreach(claims, i, v) {
            json_t *a = json_object_get(v, "a"), *b = json_object_get(v, "b");
            if (*str(v, "verdict")) {
                /* The same plan with its time put differently. */
                buf_printf(out, "  %swhen%s: \"%s\" [%s] against \"%s\" [%s]: %s%s%s\n", st.bold, st.reset,
                           str(a, "says"), label_of(labels, str(a, "article")), str(b, "says"),
                           label_of(labels, str(b, "article")), st.bold, str(v, "verdict"), st.reset);
                wrap(out, str(a, "sentence"), 4, width, "");
                wrap(out, str(b, "sentence"), 4, width, "");
                continue;
            }
            buf_printf(out, "  %s%s%s on %s\n", st.bold, str(a, "who"), st.reset, str(v, "about"));
            buf_clear(&tail);
            buf_printf(&tail, "%s[%s]%s", st.dim, label_of(labels, str(a, "article")), st.reset);
            wrap(out, str(a, "sentence"), 4, width, buf_cstr(&tail));
            buf_printf(out, "  %sversus%s %s%s%s\n", st.dim, st.reset, st.bold, str(b, "who"), st.reset);
            buf_clear(&tail);
            buf_printf(&tail, "%s[%s]%s", st.dim, label_of(labels, str(b, "article")), st.reset);
            wrap(out, str(b, "sentence"), 4, width, buf_cstr(&tail));
        }
    }

    json_t *adds = json_object_get(story, "outlet_additions");
    bool any = false;
    json_array_foreach(adds, i, v) any |= json_array_size(json_object_get(v, "sentences")) > 0;
    if (any && json_array_size(adds) > 1) { /* one outlet alone adds to nothing */
        buf_printf(out, "\n%sWhat each outlet adds%s\n", st.bold, st.reset);
        json_array_foreach(adds, i, v) {
            json_t *sents = json_object_get(v, "sentences");
            if (!json_array_size(sents)) continue;
            buf_printf(out, "  %s%s%s\n", st.bold, label_of(labels, str(v, "article")), st.reset);
            json_array_foreach(sents, k, w) wrap(out, str(w, "text"), 4, width, "");
        }
    }

    json_t *shared = json_object_get(story, "shared_passages");
    if (json_array_size(shared)) {
        buf_printf(out, "\n%sShared passages%s %s(first carrier marked *)%s\n", st.bold, st.reset, st.dim, st.reset);
        json_array_foreach(shared, i, v) {
            if (i == 5) {
                buf_printf(out, "  %s... %zu more%s\n", st.dim, json_array_size(shared) - 5, st.reset);
                break;
            }
            buf_clear(&tail);
            buf_printf(&tail, "%s[", st.dim);
            const char *first = str(v, "first");
            json_array_foreach(json_object_get(v, "articles"), k, w) {
                const char *id = json_string_value(w);
                buf_printf(&tail, "%s%s%s", k ? ", " : "", label_of(labels, id), id && !strcmp(id, first) ? "*" : "");
            }
            buf_printf(&tail, "]%s", st.reset);
            wrap(out, str(v, "text"), 2, width, buf_cstr(&tail));
        }
    }

    json_t *tl = json_object_get(story, "timeline");
    if (json_array_size(tl)) {
        buf_printf(out, "\n%sTimeline%s\n", st.bold, st.reset);
        json_array_foreach(tl, i, v) {
            buf line = BUF_INIT;
            const char *d = str(v, "date");
            bool day = !strcmp(str(v, "precision"), "day");
            if (day) buf_printf(&line, "%s%s%s  ", st.bold, d, st.reset);
            else {
                const char *u = str(v, "until");
                buf_printf(&line, "%s%s..%s%s  ", st.bold, d, strlen(u) >= 10 ? u + 5 : u, st.reset);
            }
            if (json_is_true(json_object_get(v, "planned"))) buf_puts(&line, "(planned) ");
            buf_puts(&line, str(v, "text"));
            buf_clear(&tail);
            cite(&tail, labels, json_object_get(v, "articles"), &st);
            wrap(out, buf_cstr(&line), 2, width, buf_cstr(&tail));
            buf_free(&line);
        }
    }
    buf_free(&tail);
    return buf_failed(out) ? ACCORD_ENOMEM : 0;
}
