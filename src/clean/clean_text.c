/* clean_text.c - cleaning a plain-text article.
 *
 * A scraped text is a list of lines. Hard-wrapped text (lines of about the
 * same width, paragraphs between blank lines) is first joined back into
 * paragraphs. Then each line is judged on its own (ad marker, newsletter
 * prompt, credit, caption, ...); a line just before a photo credit is that
 * photo's caption; a short first line without final punctuation is the
 * title. What is left goes through the paragraph rules, which take junk
 * out of the inside of paragraphs. */
#include <string.h>

#include "clean_internal.h"

typedef struct line {
    const char *s;
    size_t n;
} line;

/* Hard-wrapped: most non-empty lines are 40-100 bytes, there are blank
 * lines, and many lines do not end a sentence. */
static bool hard_wrapped(const line *l, size_t n)
{
    size_t nonempty = 0, mid = 0, blank = 0, open = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].n == 0) {
            blank++;
            continue;
        }
        nonempty++;
        if (l[i].n >= 40 && l[i].n <= 100) mid++;
        if (!clean_ends_sentence(l[i].s, l[i].n)) open++;
    }
    return nonempty >= 6 && blank >= 1 && mid * 10 >= nonempty * 6 && open * 10 >= nonempty * 4;
}

static int split_lines(arena *a, const char *t, size_t len, line **out, size_t *n)
{
    size_t cnt = 1;
    for (size_t i = 0; i < len; i++) cnt += t[i] == '\n';
    line *v = arena_alloc(a, cnt * sizeof *v);
    if (!v) return -1;
    size_t k = 0, st = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] != '\n') continue;
        const char *s = t + st;
        size_t l = i - st;
        clean_trim(&s, &l);
        v[k++] = (line){s, l};
        st = i + 1;
    }
    *out = v;
    *n = k;
    return 0;
}

/* Joins the lines of each blank-separated block. */
static int join_wrapped(arena *a, line *l, size_t *n)
{
    size_t w = 0, i = 0;
    while (i < *n) {
        if (l[i].n == 0) {
            l[w++] = l[i++];
            continue;
        }
        size_t j = i, total = 0;
        while (j < *n && l[j].n) total += l[j++].n + 1;
        char *p = arena_alloc(a, total + 1);
        if (!p) return -1;
        size_t pl = 0;
        for (size_t k = i; k < j; k++) {
            if (pl) p[pl++] = ' ';
            memcpy(p + pl, l[k].s, l[k].n);
            pl += l[k].n;
        }
        p[pl] = 0;
        l[w++] = (line){p, pl};
        i = j;
    }
    *n = w;
    return 0;
}

static bool title_like(const char *s, size_t n)
{
    size_t words = clean_word_count(s, n);
    if (words == 0 || words > 25 || n > 250) return false;
    if (clean_ends_sentence(s, n)) return false;
    char last = s[n - 1];
    return last != ',' && last != ';' && last != '-';
}

static int clean_text_once(arena *a, const char *text, size_t len, const char *given_date,
                           const char *reference_date, const char *latest_date, const char *source,
                           const clean_learned *learned, clean_result *out);

int clean_text_learned(arena *a, const char *text, size_t len, const char *given_date,
                       const char *reference_date, const char *latest_date, const char *source,
                       const clean_learned *learned, clean_result *out)
{
    int rc = clean_text_once(a, text, len, given_date, reference_date, latest_date, source, learned, out);
    if (rc == 0 && learned && learned->n_keys && clean_learned_overreach(out))
        rc = clean_text_once(a, text, len, given_date, reference_date, latest_date, source, NULL, out);
    return rc;
}

static int clean_text_once(arena *a, const char *text, size_t len, const char *given_date,
                           const char *reference_date, const char *latest_date, const char *source,
                           const clean_learned *learned, clean_result *out)
{
    if (!a || !out || (!text && len)) return -2;
    memset(out, 0, sizeof *out);
    if (!text) text = "";
    clean_ctx c;
    clean_ctx_init(&c, a, source, learned);
    line *l;
    size_t n;
    if (split_lines(a, text, len, &l, &n)) return -1;
    if (hard_wrapped(l, n) && join_wrapped(a, l, &n)) return -1;

    /* judge each line */
    clean_line_kind *kind = arena_calloc(a, n ? n : 1, sizeof *kind);
    if (!kind) return -1;
    for (size_t i = 0; i < n; i++) kind[i] = l[i].n ? clean_classify_line(l[i].s, l[i].n) : LINE_TEXT;
    /* a line right before (or after) a photo credit is the photo's caption,
     * when it is not itself a run of news paragraphs. A credit on the last
     * line is the wire's sign-off ("REUTER"), after the last paragraph: the
     * line before it is news, not a caption. */
    size_t last = n;
    while (last > 0 && l[last - 1].n == 0) last--;
    for (size_t i = 0; i < n; i++) {
        if (kind[i] != LINE_PHOTO_CREDIT || i + 1 == last) continue;
        size_t j = i;
        while (j > 0 && l[j - 1].n == 0) j--;
        if (j > 0 && kind[j - 1] == LINE_TEXT && clean_word_count(l[j - 1].s, l[j - 1].n) <= 60 &&
            !(j - 1 == 0 && title_like(l[0].s, l[0].n)))
            kind[j - 1] = LINE_CAPTION;
    }
    bool seen_text = false;
    size_t body_paras = 0;
    for (size_t i = 0; i < n; i++) {
        if (!l[i].n) continue;
        clean_line_kind k = kind[i];
        if (k == LINE_TEXT && !seen_text && !c.title && title_like(l[i].s, l[i].n)) {
            /* the title: a short first line, followed by more text */
            bool more = false;
            for (size_t j = i + 1; j < n && !more; j++) more = l[j].n && kind[j] == LINE_TEXT;
            if (more) {
                c.title = arena_strndup(a, l[i].s, l[i].n);
                clean_note_removed(&c, l[i].s, l[i].n, "title");
                seen_text = true;
                continue;
            }
        }
        switch (k) {
        case LINE_TEXT:
            seen_text = true;
            if (clean_paragraph(&c, l[i].s, l[i].n, body_paras < 3)) return -1;
            body_paras++;
            break;
        case LINE_CAPTION: clean_note_caption(&c, l[i].s, l[i].n); break;
        case LINE_PHOTO_CREDIT:
        case LINE_CREDIT: clean_note_credit(&c, l[i].s, l[i].n); break;
        case LINE_BYLINE:
            if (!c.author) {
                const char *s = l[i].s + 3;
                size_t sl = l[i].n - 3;
                clean_trim(&s, &sl);
                c.author = arena_strndup(a, s, sl);
            }
            clean_note_removed(&c, l[i].s, l[i].n, "byline");
            break;
        default: clean_note_removed(&c, l[i].s, l[i].n, clean_line_reason(k)); break;
        }
        if (c.oom) return -1;
    }
    return clean_finish(&c, given_date, reference_date, latest_date, NULL, NULL, out);
}

int clean_text(arena *a, const char *text, size_t len, const char *given_date, const char *reference_date,
               const char *source, clean_result *out)
{
    return clean_text_learned(a, text, len, given_date, reference_date, NULL, source, NULL, out);
}
