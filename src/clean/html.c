/* html.c - the main text and metadata of a web page.
 *
 * The page is parsed by libxml2's HTML parser, which copes with the
 * broken markup of the real web and applies HTML's implied-end-tag rules.
 * We listen to its SAX events rather than let it build a DOM: we keep a
 * compact tree of our own (one small record per element, no attributes
 * kept beyond what we judge), and the text cut into blocks at block-level
 * elements. That keeps extraction at parser speed. (gumbo, the other
 * HTML5 parser Debian packages, builds a full DOM and parsed the trafilatura
 * evaluation pages at 10-11 MB/s on our machine: below our 20 MB/s floor
 * for the whole stage before any extraction work.)
 *
 * Choosing the article is a vote, in the spirit of Readability and
 * boilerpipe: every block of running text (at least a sentence long) gives
 * points to its parent and, less, to its grandparents, more for longer
 * text and more commas; elements whose class or id speak of articles and
 * content weigh more, those that speak of comments, sharing, navigation,
 * ads or sidebars weigh less or are left out; an element's score is cut
 * by its link density. The best element wins, joined by its siblings that
 * score well too. Its blocks are the text, less those that are mostly
 * links, those inside junk widgets, captions and credits (kept aside), and
 * lines the plain-text rules call junk. When that yields almost nothing,
 * the vote is retaken without the class-based exclusions, and at last
 * every text-like block of the page is taken.
 *
 * Metadata comes from <title>, <meta> (Open Graph, article:*, Dublin Core
 * and the common ad hoc names), <link rel=canonical>, JSON-LD, <time>, the
 * URL and the visible text, each with where it came from. */
#include <ctype.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clean_internal.h"
#include "dates.h"
#include "text/text.h"
#include "util/buf.h"
#include "util/util.h"

/* ---- Tags ------------------------------------------------------------------------ */

enum {
    K_INLINE = 0,
    K_BLOCK,   /* generic block container: div, section, ... */
    K_P,
    K_HEADING,
    K_LI,
    K_CELL,
    K_QUOTE,
    K_PRE,
    K_A,
    K_BR,
    K_SKIP,    /* never text: style, media, embedded frames, ... */
    K_ISKIP,   /* never text, and no break in the text around it: ruby
                * readings, icons, formulas, form controls */
    K_ARTICLE,
    K_MAIN,
    K_BODY,
    K_FIGURE,
    K_CAPTION,
    K_HEADER,
    K_FOOTER,
    K_ASIDE,
    K_LIST,
    K_TABLE,
    K_TITLE,
    K_META,
    K_LINK,
    K_SCRIPT,
    K_TIME,
    K_HTML,
    K_HEAD,
    K_NAV, /* nav, menu: junk unless (through a parse gone wrong) it holds the page */
    K_HIDE, /* button, dialog, noscript: hidden, with the same proviso (a <noscript>
             * left open, or one that holds the article, holds the page) */
};

typedef struct tag_info {
    const char *name;
    uint8_t kind;
    uint8_t level; /* heading level */
} tag_info;

static const tag_info tags[] = {
    {"a", K_A, 0},          {"abbr", K_INLINE, 0},  {"address", K_BLOCK, 0},
    {"article", K_ARTICLE, 0}, {"aside", K_ASIDE, 0}, {"audio", K_SKIP, 0},
    {"b", K_INLINE, 0},     {"blockquote", K_QUOTE, 0}, {"body", K_BODY, 0},
    {"br", K_BR, 0},        {"button", K_HIDE, 0},  {"canvas", K_SKIP, 0},
    {"caption", K_CELL, 0}, {"center", K_BLOCK, 0}, {"dd", K_LI, 0},
    {"details", K_BLOCK, 0}, {"dialog", K_HIDE, 0}, {"div", K_BLOCK, 0},
    {"dl", K_LIST, 0},      {"dt", K_LI, 0},        {"em", K_INLINE, 0},
    {"embed", K_SKIP, 0},   {"fieldset", K_BLOCK, 0}, {"figcaption", K_CAPTION, 0},
    {"figure", K_FIGURE, 0}, {"footer", K_FOOTER, 0}, {"form", K_BLOCK, 0},
    {"h1", K_HEADING, 1},   {"h2", K_HEADING, 2},   {"h3", K_HEADING, 3},
    {"h4", K_HEADING, 4},   {"h5", K_HEADING, 5},   {"h6", K_HEADING, 6},
    {"head", K_HEAD, 0},    {"header", K_HEADER, 0}, {"hr", K_BR, 0},
    {"html", K_HTML, 0},    {"i", K_INLINE, 0},     {"iframe", K_SKIP, 0},
    {"img", K_INLINE, 0},   {"input", K_ISKIP, 0},  {"label", K_INLINE, 0},
    {"li", K_LI, 0},        {"link", K_LINK, 0},    {"main", K_MAIN, 0},
    {"map", K_ISKIP, 0},    {"math", K_ISKIP, 0},   {"menu", K_NAV, 0},
    {"meta", K_META, 0},    {"nav", K_NAV, 0},     {"noscript", K_HIDE, 0},
    {"object", K_SKIP, 0},  {"ol", K_LIST, 0},      {"option", K_ISKIP, 0},
    {"p", K_P, 0},          {"picture", K_ISKIP, 0}, {"pre", K_PRE, 0},
    {"q", K_INLINE, 0},     {"rp", K_ISKIP, 0},     {"rt", K_ISKIP, 0},
    {"s", K_INLINE, 0},     {"script", K_SCRIPT, 0},
    {"section", K_BLOCK, 0}, {"select", K_ISKIP, 0}, {"small", K_INLINE, 0},
    {"source", K_ISKIP, 0}, {"span", K_INLINE, 0},  {"strong", K_INLINE, 0},
    {"style", K_SKIP, 0},   {"sub", K_INLINE, 0},   {"summary", K_BLOCK, 0},
    {"sup", K_INLINE, 0},   {"svg", K_ISKIP, 0},    {"table", K_TABLE, 0},
    {"tbody", K_BLOCK, 0},  {"td", K_CELL, 0},      {"template", K_SKIP, 0},
    {"textarea", K_ISKIP, 0}, {"tfoot", K_BLOCK, 0}, {"th", K_CELL, 0},
    {"thead", K_BLOCK, 0},  {"time", K_TIME, 0},    {"title", K_TITLE, 0},
    {"tr", K_BLOCK, 0},     {"u", K_INLINE, 0},     {"ul", K_LIST, 0},
    {"video", K_SKIP, 0},
};

static const tag_info *tag_lookup(const char *name)
{
    size_t lo = 0, hi = sizeof tags / sizeof tags[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(tags[mid].name, name);
        if (c == 0) return &tags[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static bool is_block_kind(int k)
{
    return k != K_INLINE && k != K_A && k != K_TIME && k != K_TITLE && k != K_META && k != K_LINK &&
           k != K_BR && k != K_ISKIP;
}

/* ---- Classes and ids ------------------------------------------------------------------ */

enum {
    C_JUNK = 1,     /* comments, sharing, related, ads, newsletter, cookie: never text */
    C_UNLIKELY = 2, /* sidebars, menus, footers: not text unless nothing else */
    C_POSITIVE = 4, /* article, content, story, post, entry, main */
    C_META = 8,     /* date, byline, author: metadata, not text */
    C_HIDDEN = 16,  /* hidden by style, attribute or screen-reader-only class */
    C_CAPTION = 32, /* caption, credit */
    C_COMMENT = 64, /* comments: junk whatever their size */
    C_BYLINE = 128, /* byline, author: where the visible author name is */
};

/* The vocabulary of class and id names. A pattern either matches anywhere
 * in a class word ("comment" in "comment-list") or only a whole
 * hyphen-separated part ("ad" in "ad-slot", not in "header"). */
typedef struct cpat {
    const char *w;
    uint8_t len;
    uint8_t whole; /* only as a whole part */
    uint8_t flag;
} cpat;


#define SUB(w, f) {w, sizeof(w) - 1, 0, f}
#define WHOLE(w, f) {w, sizeof(w) - 1, 1, f}
static const cpat cpats[] = {
    SUB("comment", C_JUNK | C_COMMENT), SUB("disqus", C_JUNK | C_COMMENT), SUB("replies", C_JUNK | C_COMMENT), SUB("share", C_JUNK), SUB("sharing", C_JUNK),
    SUB("social", C_JUNK), SUB("related", C_JUNK), SUB("recommend", C_JUNK),
    SUB("newsletter", C_JUNK), SUB("subscri", C_JUNK), SUB("cookie", C_JUNK), SUB("consent", C_JUNK),
    SUB("gdpr", C_JUNK), SUB("popup", C_JUNK), SUB("modal", C_JUNK), SUB("outbrain", C_JUNK),
    SUB("taboola", C_JUNK), SUB("sponsor", C_JUNK), SUB("advert", C_JUNK), SUB("banner", C_JUNK),
    SUB("breadcrumb", C_JUNK), SUB("pagination", C_JUNK), SUB("pager", C_JUNK),
    SUB("skiplink", C_JUNK), SUB("skip-link", C_JUNK), SUB("mostread", C_JUNK),
    SUB("most-read", C_JUNK), SUB("trending", C_JUNK), SUB("promo", C_JUNK), SUB("widget", C_UNLIKELY),
    SUB("toolbar", C_JUNK), SUB("signup", C_JUNK), SUB("sign-up", C_JUNK), SUB("paywall", C_JUNK),
    SUB("login", C_JUNK), SUB("donate", C_JUNK), SUB("follow", C_JUNK), SUB("adsense", C_JUNK),
    SUB("adslot", C_JUNK), SUB("ad-slot", C_JUNK), SUB("readmore", C_JUNK),
    SUB("read-more", C_JUNK), SUB("more-stories", C_JUNK), SUB("morestories", C_JUNK),
    SUB("jump-link", C_JUNK),
    WHOLE("ad", C_JUNK), WHOLE("ads", C_JUNK), WHOLE("adv", C_JUNK), WHOLE("dfp", C_JUNK),
    WHOLE("nocontent", C_JUNK), WHOLE("tags", C_JUNK), WHOLE("tag", C_JUNK),
    WHOLE("tagcloud", C_JUNK), WHOLE("keywords", C_JUNK), WHOLE("rating", C_JUNK),
    WHOLE("vote", C_JUNK), WHOLE("votes", C_JUNK), WHOLE("likes", C_JUNK),
    SUB("footer", C_UNLIKELY), SUB("sidebar", C_UNLIKELY), SUB("sidenav", C_UNLIKELY),
    SUB("navbar", C_UNLIKELY), SUB("navigation", C_UNLIKELY), SUB("masthead", C_UNLIKELY),
    SUB("menu", C_UNLIKELY), SUB("header", C_UNLIKELY), SUB("search", C_UNLIKELY),
    SUB("rss", C_UNLIKELY), SUB("supplement", C_UNLIKELY), SUB("extra", C_UNLIKELY),
    SUB("aside", C_UNLIKELY), SUB("partner", C_UNLIKELY), SUB("copyright", C_UNLIKELY),
    SUB("legal", C_UNLIKELY), WHOLE("bio", C_UNLIKELY), SUB("profile", C_UNLIKELY),
    WHOLE("toc", C_UNLIKELY), WHOLE("nav", C_UNLIKELY), WHOLE("links", C_UNLIKELY),
    WHOLE("foot", C_UNLIKELY), WHOLE("side", C_UNLIKELY), WHOLE("top", C_UNLIKELY),
    SUB("byline", C_META | C_BYLINE), SUB("dateline", C_META), SUB("timestamp", C_META),
    SUB("published", C_META), SUB("pubdate", C_META), SUB("posted", C_META),
    SUB("updated", C_META), SUB("author", C_META | C_BYLINE), SUB("date", C_META), SUB("datum", C_META),
    WHOLE("meta", C_META), WHOLE("time", C_META), WHOLE("info", C_META),
    SUB("article", C_POSITIVE), SUB("content", C_POSITIVE), SUB("entry", C_POSITIVE),
    SUB("story", C_POSITIVE), SUB("postbody", C_POSITIVE), SUB("prose", C_POSITIVE),
    SUB("richtext", C_POSITIVE), SUB("rich-text", C_POSITIVE), SUB("text", C_POSITIVE),
    SUB("body", C_POSITIVE), SUB("blog", C_POSITIVE), SUB("main", C_POSITIVE),
    WHOLE("post", C_POSITIVE), WHOLE("page", C_POSITIVE), WHOLE("hentry", C_POSITIVE),
    SUB("caption", C_CAPTION), SUB("credit", C_CAPTION),
};
#undef SUB
#undef WHOLE

/* Patterns by first letter, built once. */
static uint8_t cpat_first[27][24];
static uint8_t cpat_nfirst[27];
static pthread_once_t cpat_once = PTHREAD_ONCE_INIT;

static void cpat_build(void)
{
    for (size_t i = 0; i < sizeof cpats / sizeof cpats[0]; i++) {
        int c = cpats[i].w[0] - 'a';
        if (c < 0 || c > 25) c = 26;
        if (cpat_nfirst[c] < 24) cpat_first[c][cpat_nfirst[c]++] = (uint8_t)i;
    }
}

/* Judges one lower-cased class word (hyphens kept). loose: substring
 * patterns may only add positive or metadata verdicts (for elements with
 * many classes, which are mostly taxonomy: "category-no-newsletter"). */
static int judge_word(const char *t, size_t n, bool loose)
{
    int f = 0;
    size_t first_pos = SIZE_MAX, first_junk = SIZE_MAX;
    size_t part = 0; /* start of the current hyphen part */
    for (size_t i = 0; i <= n; i++) {
        if (i == n || t[i] == '-') {
            /* whole-part patterns */
            size_t pl = i - part;
            if (pl) {
                int c = t[part] - 'a';
                if (c >= 0 && c <= 25)
                    for (int k = 0; k < cpat_nfirst[c]; k++) {
                        const cpat *p = &cpats[cpat_first[c][k]];
                        if (p->whole && p->len == pl && !memcmp(t + part, p->w, pl)) {
                            f |= p->flag;
                            if ((p->flag & C_POSITIVE) && part < first_pos) first_pos = part;
                            if ((p->flag & C_JUNK) && part < first_junk) first_junk = part;
                        }
                    }
            }
            part = i + 1;
            if (i == n) break;
        }
        int c = t[i] - 'a';
        if (c < 0 || c > 25) continue;
        for (int k = 0; k < cpat_nfirst[c]; k++) {
            const cpat *p = &cpats[cpat_first[c][k]];
            if (!p->whole && p->len <= n - i && !memcmp(t + i, p->w, p->len)) {
                if (loose && (p->flag & (C_JUNK | C_UNLIKELY | C_CAPTION | C_HIDDEN)) &&
                    !((i == 0 || t[i - 1] == '-') && (i + p->len == n || t[i + p->len] == '-')))
                    continue;
                f |= p->flag;
                if ((p->flag & C_POSITIVE) && i < first_pos) first_pos = i;
                if ((p->flag & C_JUNK) && i < first_junk) first_junk = i;
            }
        }
    }
    /* one word naming both: the head comes first ("entry-content-read-more"
     * is content, "related-articles" is junk); comments stay comments */
    if ((f & C_JUNK) && (f & C_POSITIVE) && !(f & C_COMMENT) && first_pos < first_junk) f &= ~C_JUNK;
    /* "article-meta", "post-date": meta; "entry-content": content */
    if ((f & C_META) && (f & C_POSITIVE) && (memmem(t, n, "content", 7) || memmem(t, n, "text", 4) ||
                                             memmem(t, n, "body", 4)))
        f &= ~C_META;
    if ((f & C_UNLIKELY) && (f & C_POSITIVE)) f &= ~C_UNLIKELY;
    if (memmem(t, n, "tagline", 7) || memmem(t, n, "headline", 8)) f &= ~C_JUNK;
    return f;
}

static int judge_classes(const char *s)
{
    if (!s) return 0;
    pthread_once(&cpat_once, cpat_build);
    int f = 0;
    char tok[96];
    size_t n = 0;
    int words = 0;
    bool in = false;
    for (const char *p = s; *p; p++) {
        bool sp = clean_is_space((unsigned char)*p);
        if (!sp && !in) words++;
        in = !sp;
    }
    bool loose = words >= 5;
    int junk_words = 0, pos_words = 0;
    for (const char *p = s;; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == 0 || clean_is_space(ch)) {
            while (n && tok[n - 1] == '-') n--;
            /* taxonomy classes name topics, not page parts */
            static const char *const taxo[] = {"category-", "tag-", "cat-", "topic-", "postid-",
                                               "post-type-", "type-", "status-", "format-",
                                               "term-", "rubrik-", "ressort-", NULL};
            bool skip = false;
            for (int k = 0; taxo[k] && !skip; k++) skip = n > strlen(taxo[k]) && !memcmp(tok, taxo[k], strlen(taxo[k]));
            if (n && !skip) {
                int g = judge_word(tok, n, loose);
                if ((g & C_JUNK) && !(g & C_POSITIVE)) junk_words++;
                if ((g & C_POSITIVE) && !(g & C_JUNK)) pos_words++;
                f |= g;
            }
            /* hidden: only whole class words that say so ("label-hidden"
             * hides a label, not its field) */
            static const char *const hid[] = {"hidden", "hide", "is-hidden", "d-none", "invisible",
                                              "sr-only", "visually-hidden", "visuallyhidden",
                                              "screen-reader-text", "screen-reader-only", "offscreen",
                                              "element-invisible", "u-hidden", "hidden-all", NULL};
            for (int k = 0; hid[k]; k++)
                if (n == strlen(hid[k]) && !memcmp(tok, hid[k], n)) f |= C_HIDDEN;
            n = 0;
            if (!ch) break;
        } else if (n < sizeof tok - 1) {
            tok[n++] = ch == '_' || ch == ':' ? '-' : (char)tolower(ch);
        }
    }
    if ((f & C_UNLIKELY) && (f & C_POSITIVE)) f &= ~C_UNLIKELY;
    /* "box article modal-enabled": a word that names the article outweighs
     * a word that names a behaviour; comments stay comments */
    if (junk_words && pos_words && !(f & C_COMMENT)) f &= ~C_JUNK;
    return f;
}

/* ---- The parse state ------------------------------------------------------------------- */

enum {
    F_SKIP = 1,
    F_JUNK = 2,
    F_UNLIKELY = 4,
    F_META = 8,
    F_CAPTION = 16,
    F_MAIN = 32,   /* inside article or main */
    F_HEADER = 64, /* inside header */
    F_LINK = 128,
    F_HID = 256, /* hidden by markup (class, style, attribute) or a button: skipped,
                    unless it turns out to hold most of the page (a parse gone wrong) */
};

typedef struct hnode {
    int32_t parent;
    uint16_t flags;
    uint8_t kind, cls, level;
    uint16_t own; /* this element's own F_* flags (tag and class), settled after the parse */
    uint16_t depth;
    uint16_t kids; /* children holding text, and 1 more when it holds text itself */
    bool own_text;
    uint32_t text_len, link_len;
    uint32_t good_len, good_link; /* text and link bytes of blocks not flagged as junk */
    float score;
    bool scored, selected, inside;
} hnode;

typedef struct hblock {
    uint32_t node;      /* the element that holds the text */
    uint32_t off, len;  /* in the text buffer */
    uint32_t link_len;
    uint16_t flags;
    uint8_t kind, level;
    uint32_t commas;
} hblock;

typedef struct frame {
    int32_t node;
    uint16_t flags;
    uint8_t kind;
} frame;

/* Class and id strings repeat all over a page: their verdicts are cached. */
#define CLASS_CACHE 1024
typedef struct class_slot {
    uint64_t hash;
    int flags;
} class_slot;

typedef struct hstate {
    arena *a;
    class_slot *cache;
    hnode *nodes;
    size_t n_nodes, cap_nodes;
    hblock *blocks;
    size_t n_blocks, cap_blocks;
    frame *stack;
    size_t depth, cap_stack;
    buf text;            /* all block text, blocks back to back */
    size_t block_start;  /* start of the open block in text */
    uint32_t block_link;
    bool space;          /* a space is pending before the next character */
    bool failed;
    /* captured raw text of <title>, JSON-LD scripts, <time> */
    buf title, jsonld, h1;
    int in_title, in_jsonld, in_h1, h1_done, in_head;
    /* metadata */
    const char *lang, *canonical, *og_title, *og_site, *og_url, *meta_author, *app_name;
    const char *pub_value, *pub_source, *mod_value, *mod_source;
    int pub_rank, mod_rank;
    const char *time_value; /* first <time datetime> */
    int time_rank;
} hstate;

static void st_fail(hstate *s) { s->failed = true; }

static const char *attr(const xmlChar **atts, const char *name)
{
    if (!atts) return NULL;
    for (size_t i = 0; atts[i]; i += 2)
        if (!strcasecmp((const char *)atts[i], name)) return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

static int judge_cached(hstate *s, const char *v)
{
    if (!v || !*v) return 0;
    size_t n = strlen(v);
    if (!s->cache) return judge_classes(v);
    uint64_t h = acc_hash64(v, n) | 1;
    class_slot *slot = &s->cache[h % CLASS_CACHE];
    if (slot->hash == h) return slot->flags;
    int f = judge_classes(v);
    slot->hash = h;
    slot->flags = f;
    return f;
}

static const char *dup(hstate *s, const char *v)
{
    if (!v) return NULL;
    const char *p = v;
    size_t n = strlen(v);
    clean_trim(&p, &n);
    if (!n) return NULL;
    char *r = arena_strndup(s->a, p, n);
    if (!r) st_fail(s);
    return r;
}

static frame *top(hstate *s) { return s->depth ? &s->stack[s->depth - 1] : NULL; }

static void flush_block(hstate *s)
{
    size_t end = s->text.len;
    /* trim trailing space */
    while (end > s->block_start && s->text.data[end - 1] == ' ') end--;
    if (end > s->block_start) {
        frame *f = top(s);
        if (s->n_blocks == s->cap_blocks) {
            size_t nc = s->cap_blocks ? s->cap_blocks * 2 : 256;
            hblock *nv = arena_grow(s->a, s->blocks, s->cap_blocks, nc, sizeof *nv);
            if (!nv) {
                st_fail(s);
                return;
            }
            s->blocks = nv;
            s->cap_blocks = nc;
        }
        /* the block belongs to the innermost block-level element open */
        int32_t node = 0;
        uint8_t kind = K_BLOCK, level = 0;
        uint16_t flags = f ? f->flags : 0;
        for (size_t i = s->depth; i-- > 0;) {
            if (is_block_kind(s->stack[i].kind)) {
                node = s->stack[i].node;
                kind = s->stack[i].kind;
                break;
            }
        }
        if (kind == K_HEADING && node >= 0) level = s->nodes[node].level;
        uint32_t commas = 0;
        for (size_t i = s->block_start; i < end; i++) commas += s->text.data[i] == ',';
        uint32_t len = (uint32_t)(end - s->block_start);
        uint32_t link = s->block_link > len ? len : s->block_link;
        s->blocks[s->n_blocks++] = (hblock){(uint32_t)(node < 0 ? 0 : node), (uint32_t)s->block_start, len, link,
                                            flags, kind, level, commas};
        /* aggregate text and link lengths up the tree, and count the
         * branches that hold text */
        if (node >= 0 && !s->nodes[node].own_text) {
            s->nodes[node].own_text = true;
            s->nodes[node].kids++;
        }
        for (int32_t n = node; n >= 0; n = s->nodes[n].parent) {
            int32_t p = s->nodes[n].parent;
            if (!s->nodes[n].text_len && p >= 0) s->nodes[p].kids++;
            s->nodes[n].text_len += len;
            s->nodes[n].link_len += link;
        }
    }
    s->text.len = end;
    s->block_start = end;
    s->block_link = 0;
    s->space = false;
}

static int32_t new_node(hstate *s, int32_t parent, uint8_t kind, uint16_t flags, uint8_t cls)
{
    if (s->n_nodes == s->cap_nodes) {
        size_t nc = s->cap_nodes ? s->cap_nodes * 2 : 512;
        hnode *nv = arena_grow(s->a, s->nodes, s->cap_nodes, nc, sizeof *nv);
        if (!nv) {
            st_fail(s);
            return -1;
        }
        s->nodes = nv;
        s->cap_nodes = nc;
    }
    hnode *n = &s->nodes[s->n_nodes];
    memset(n, 0, sizeof *n);
    n->parent = parent;
    n->kind = kind;
    n->flags = flags;
    n->cls = cls;
    n->depth = parent >= 0 ? (uint16_t)(s->nodes[parent].depth + 1) : 0;
    return (int32_t)s->n_nodes++;
}

/* Dates in meta tags, by preference (lower rank wins). */
static int pub_meta_rank(const char *name)
{
    static const char *const names[] = {"article:published_time", "og:article:published_time",
                                        "datepublished", "publish-date", "publishdate",
                                        "pubdate", "publication_date", "date", "dc.date.issued",
                                        "dcterms.date", "dc.date", "dcterms.created",
                                        "sailthru.date", "parsely-pub-date",
                                        "citation_publication_date", "article.published",
                                        "published_time", "original-publish-date", "displaydate",
                                        "created", "dc.date.created", NULL};
    for (int i = 0; names[i]; i++)
        if (!strcasecmp(names[i], name)) return i + 1;
    return 0;
}

static int mod_meta_rank(const char *name)
{
    static const char *const names[] = {"article:modified_time", "og:updated_time", "datemodified",
                                        "last-modified", "dcterms.modified", "dc.date.modified",
                                        "modified_time", "lastmod", "revised", NULL};
    for (int i = 0; names[i]; i++)
        if (!strcasecmp(names[i], name)) return i + 1;
    return 0;
}

static bool looks_like_date(const char *v)
{
    if (!v) return false;
    while (*v == ' ') v++;
    return date_parse_iso(v, strlen(v)) != DATE_NONE;
}

static void on_meta(hstate *s, const xmlChar **atts)
{
    const char *name = attr(atts, "property");
    if (!name) name = attr(atts, "name");
    if (!name) name = attr(atts, "itemprop");
    const char *content = attr(atts, "content");
    if (!content) content = attr(atts, "datetime");
    const char *http = attr(atts, "http-equiv");
    if (http && content && !strcasecmp(http, "content-language") && !s->lang) s->lang = dup(s, content);
    if (!name || !content) return;
    if (!strcasecmp(name, "og:title") || (!strcasecmp(name, "twitter:title") && !s->og_title)) {
        if (!s->og_title || !strcasecmp(name, "og:title")) s->og_title = dup(s, content);
    } else if (!strcasecmp(name, "og:site_name")) {
        s->og_site = dup(s, content);
    } else if (!strcasecmp(name, "application-name") || !strcasecmp(name, "apple-mobile-web-app-title")) {
        if (!s->app_name) s->app_name = dup(s, content);
    } else if (!strcasecmp(name, "og:url")) {
        s->og_url = dup(s, content);
    } else if (!strcasecmp(name, "author") || !strcasecmp(name, "article:author") ||
               !strcasecmp(name, "dc.creator") || !strcasecmp(name, "sailthru.author") ||
               !strcasecmp(name, "parsely-author") || !strcasecmp(name, "byl")) {
        if (!s->meta_author && strncmp(content, "http", 4) != 0) s->meta_author = dup(s, content);
    } else if (!strcasecmp(name, "og:locale") && !s->lang) {
        s->lang = dup(s, content);
    } else {
        int r = pub_meta_rank(name);
        if (r && looks_like_date(content) && (!s->pub_value || r < s->pub_rank)) {
            s->pub_value = dup(s, content);
            char *src = arena_alloc(s->a, strlen(name) + 6);
            if (src) {
                memcpy(src, "meta:", 5);
                strcpy(src + 5, name);
            }
            s->pub_source = src;
            s->pub_rank = r;
        }
        r = mod_meta_rank(name);
        if (r && looks_like_date(content) && (!s->mod_value || r < s->mod_rank)) {
            s->mod_value = dup(s, content);
            char *src = arena_alloc(s->a, strlen(name) + 6);
            if (src) {
                memcpy(src, "meta:", 5);
                strcpy(src + 5, name);
            }
            s->mod_source = src;
            s->mod_rank = r;
        }
    }
}

static bool hidden_style(const char *style)
{
    if (!style) return false;
    char b[256];
    size_t k = 0;
    for (const char *p = style; *p && k + 1 < sizeof b; p++)
        if (!clean_is_space((unsigned char)*p)) b[k++] = (char)tolower((unsigned char)*p);
    b[k] = 0;
    return strstr(b, "display:none") || strstr(b, "visibility:hidden");
}

static void sax_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
    xmlParserCtxtPtr pc = ctx;
    hstate *s = pc->_private;
    if (s->failed) return;
    const char *name = (const char *)xname;
    const tag_info *ti = tag_lookup(name);
    uint8_t kind = ti ? ti->kind : K_INLINE;
    frame *parent = top(s);
    uint16_t flags = parent ? parent->flags : 0;
    int32_t pnode = parent ? parent->node : -1;

    if (kind == K_HEAD) s->in_head++;
    if (!(flags & F_SKIP) || s->in_head) {
        switch (kind) {
        case K_HTML: {
            const char *l = attr(atts, "lang");
            if (!l) l = attr(atts, "xml:lang");
            if (l && *l) s->lang = dup(s, l);
            break;
        }
        case K_META: on_meta(s, atts); break;
        case K_LINK: {
            const char *rel = attr(atts, "rel"), *href = attr(atts, "href");
            if (rel && href && !strcasecmp(rel, "canonical")) s->canonical = dup(s, href);
            break;
        }
        case K_TITLE:
            if (!s->title.len) s->in_title++;
            break;
        case K_SCRIPT: {
            const char *type = attr(atts, "type");
            if (type && strstr(type, "ld+json")) s->in_jsonld++;
            break;
        }
        case K_TIME: {
            const char *dt = attr(atts, "datetime");
            bool pubish = attr(atts, "pubdate") != NULL;
            const char *ip = attr(atts, "itemprop");
            if (ip && !strcasecmp(ip, "datePublished")) pubish = true;
            if (ip && !strcasecmp(ip, "dateModified") && dt && looks_like_date(dt) && !s->mod_value) {
                s->mod_value = dup(s, dt);
                s->mod_source = "time";
                s->mod_rank = 50;
            }
            int rank = pubish ? 1 : (flags & (F_MAIN | F_HEADER | F_META)) ? 2 : 3;
            if (dt && looks_like_date(dt) && (!s->time_value || rank < s->time_rank)) {
                s->time_value = dup(s, dt);
                s->time_rank = rank;
            }
            break;
        }
        default: break;
        }
        /* itemprop dates on any element */
        const char *ip = attr(atts, "itemprop");
        if (ip && kind != K_META && kind != K_TIME) {
            const char *v = attr(atts, "content");
            if (!v) v = attr(atts, "datetime");
            if (v && !strcasecmp(ip, "datePublished") && looks_like_date(v) && (!s->pub_value || s->pub_rank > 3)) {
                s->pub_value = dup(s, v);
                s->pub_source = "meta:datePublished";
                s->pub_rank = 3;
            }
        }
    }

    if (is_block_kind(kind) && kind != K_HTML && kind != K_HEAD) flush_block(s);
    else if (kind == K_BR) flush_block(s);

    /* flags of this element */
    int cls = 0;
    if (!(flags & F_SKIP) && kind != K_BODY && kind != K_HTML) {
        const char *c = attr(atts, "class"), *id = attr(atts, "id");
        cls = judge_cached(s, c) | judge_cached(s, id);
        if ((cls & C_UNLIKELY) && (cls & C_POSITIVE)) cls &= ~C_UNLIKELY;
        const char *role = attr(atts, "role");
        if (role && (!strcasecmp(role, "navigation") || !strcasecmp(role, "banner") ||
                     !strcasecmp(role, "contentinfo") || !strcasecmp(role, "complementary") ||
                     !strcasecmp(role, "search") || !strcasecmp(role, "dialog") || !strcasecmp(role, "menu")))
            cls |= C_UNLIKELY;
        if (role && (!strcasecmp(role, "main") || !strcasecmp(role, "article"))) cls |= C_POSITIVE;
        if (attr(atts, "hidden") || hidden_style(attr(atts, "style"))) cls |= C_HIDDEN;
        const char *aria = attr(atts, "aria-hidden");
        if (aria && !strcasecmp(aria, "true") && kind != K_BODY && kind != K_HTML) cls |= C_HIDDEN;
        const char *ip = attr(atts, "itemprop");
        if (ip && (!strcasecmp(ip, "articleBody") || !strcasecmp(ip, "text"))) cls |= C_POSITIVE;
        if (ip && (!strcasecmp(ip, "author") || !strcasecmp(ip, "datePublished"))) cls |= C_META;
    }
    uint16_t own = 0;
    if (kind == K_SKIP || kind == K_ISKIP || kind == K_SCRIPT || kind == K_HEAD) own |= F_SKIP;
    if (kind == K_HIDE || (cls & C_HIDDEN)) own |= F_HID;
    if (kind == K_ARTICLE || kind == K_MAIN) own |= F_MAIN;
    if (kind == K_HEADER) own |= F_HEADER;
    if (kind == K_FOOTER || kind == K_ASIDE) own |= F_UNLIKELY;
    if (kind == K_NAV) own |= F_JUNK;
    if (kind == K_FIGURE || kind == K_CAPTION || (cls & C_CAPTION)) own |= F_CAPTION;
    if (cls & C_JUNK) own |= F_JUNK;
    if (cls & C_UNLIKELY) own |= F_UNLIKELY;
    if (cls & C_META) own |= F_META;
    if (kind == K_A) own |= F_LINK;
    flags |= own;
    if (kind == K_HEADING && ti && ti->level == 1 && !s->h1_done && !(flags & F_SKIP)) s->in_h1++;

    int32_t node = pnode;
    if (is_block_kind(kind) || kind == K_A) {
        node = new_node(s, pnode, kind, flags, (uint8_t)(cls & 0xff));
        if (node >= 0) {
            s->nodes[node].own = own;
            s->nodes[node].level = kind == K_HEADING && ti ? ti->level : 0;
        } else {
            node = pnode;
        }
    }
    if (s->depth == s->cap_stack) {
        size_t nc = s->cap_stack ? s->cap_stack * 2 : 64;
        frame *nv = arena_grow(s->a, s->stack, s->cap_stack, nc, sizeof *nv);
        if (!nv) {
            st_fail(s);
            return;
        }
        s->stack = nv;
        s->cap_stack = nc;
    }
    s->stack[s->depth++] = (frame){node, flags, kind};
}

static void sax_end(void *ctx, const xmlChar *xname)
{
    xmlParserCtxtPtr pc = ctx;
    hstate *s = pc->_private;
    if (s->failed || !s->depth) return;
    frame f = s->stack[s->depth - 1];
    if (f.kind == K_HEAD && s->in_head) s->in_head--;
    if (f.kind == K_TITLE && s->in_title) s->in_title--;
    if (f.kind == K_SCRIPT && s->in_jsonld) {
        s->in_jsonld--;
        buf_putc(&s->jsonld, '\n');
        buf_putc(&s->jsonld, 0x1e); /* record separator between scripts */
    }
    if (f.kind == K_HEADING && s->in_h1) {
        s->in_h1--;
        if (s->h1.len) s->h1_done = 1;
    }
    if (is_block_kind(f.kind) || f.kind == K_BR) flush_block(s);
    s->depth--;
    (void)xname;
}

static void append_text(hstate *s, const char *t, size_t n, bool link, bool pre)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (clean_is_space(ch) && !(pre && ch == '\n')) {
            s->space = true;
            continue;
        }
        if (pre && ch == '\n') {
            flush_block(s);
            continue;
        }
        /* invisible characters: soft hyphens, zero-width spaces and joiners,
         * word joiners, byte order marks */
        if (ch == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xAD) {
            i++;
            continue;
        }
        if (ch == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] >= 0x8B &&
            (unsigned char)t[i + 2] <= 0x8D) {
            i += 2;
            continue;
        }
        if ((ch == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x81 && (unsigned char)t[i + 2] == 0xA0) ||
            (ch == 0xEF && i + 2 < n && (unsigned char)t[i + 1] == 0xBB && (unsigned char)t[i + 2] == 0xBF)) {
            i += 2;
            continue;
        }
        if (s->space && s->text.len > s->block_start) {
            buf_putc(&s->text, ' ');
            if (link) s->block_link++;
        }
        s->space = false;
        /* no-break space to a plain space */
        if (ch == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0) {
            s->space = true;
            i++;
            continue;
        }
        buf_putc(&s->text, (char)ch);
        if (link) s->block_link++;
    }
}

static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr pc = ctx;
    hstate *s = pc->_private;
    if (s->failed || len <= 0) return;
    if (s->in_title) buf_append(&s->title, ch, (size_t)len);
    if (s->in_jsonld) {
        buf_append(&s->jsonld, ch, (size_t)len);
        return;
    }
    frame *f = top(s);
    if (!f || (f->flags & F_SKIP)) return;
    if (s->in_h1) buf_append(&s->h1, ch, (size_t)len);
    bool pre = false;
    uint16_t block_flags = 0;
    for (size_t i = s->depth; i-- > 0;) {
        if (s->stack[i].kind == K_PRE) pre = true;
        if (is_block_kind(s->stack[i].kind)) {
            block_flags = s->stack[i].flags;
            break;
        }
    }
    /* an inline junk, date or caption element inside a paragraph */
    uint16_t own = f->flags & (F_JUNK | F_META | F_CAPTION | F_HID);
    if (own & ~block_flags) return;
    append_text(s, (const char *)ch, (size_t)len, (f->flags & F_LINK) != 0, pre);
    if (buf_failed(&s->text)) st_fail(s);
}

static void sax_cdata(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr pc = ctx;
    hstate *s = pc->_private;
    if (s->in_jsonld && len > 0) buf_append(&s->jsonld, ch, (size_t)len);
}

/* ---- JSON-LD ------------------------------------------------------------------------------ */

typedef struct ld_meta {
    const char *headline, *name, *published, *modified, *author, *publisher, *type;
    bool article;
} ld_meta;

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *ld_name(json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_object(v)) return json_str(v, "name");
    if (json_is_array(v) && json_array_size(v) > 0) return ld_name(json_array_get(v, 0));
    return NULL;
}

static bool article_type(json_t *t)
{
    static const char *const types[] = {"Article", "NewsArticle", "BlogPosting", "Report",
                                        "ReportageNewsArticle", "AnalysisNewsArticle",
                                        "OpinionNewsArticle", "BackgroundNewsArticle",
                                        "ScholarlyArticle", "TechArticle", "LiveBlogPosting",
                                        "SocialMediaPosting", "Review", "WebPage", "ItemPage",
                                        "Blog", NULL};
    if (json_is_array(t)) {
        for (size_t i = 0; i < json_array_size(t); i++)
            if (article_type(json_array_get(t, i))) return true;
        return false;
    }
    if (!json_is_string(t)) return false;
    for (int i = 0; types[i]; i++)
        if (!strcmp(json_string_value(t), types[i])) return true;
    return false;
}

static void ld_walk(hstate *s, json_t *v, ld_meta *m, int depth)
{
    if (depth > 6 || !v) return;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < 64; i++) ld_walk(s, json_array_get(v, i), m, depth + 1);
        return;
    }
    if (!json_is_object(v)) return;
    json_t *graph = json_object_get(v, "@graph");
    if (graph) ld_walk(s, graph, m, depth + 1);
    json_t *type = json_object_get(v, "@type");
    if (!article_type(type)) return;
    bool is_page = json_is_string(type) && (!strcmp(json_string_value(type), "WebPage") ||
                                            !strcmp(json_string_value(type), "ItemPage"));
    /* prefer a real article over a web page record */
    if (m->article && is_page) return;
    if (!is_page) m->article = true;
    const char *h = json_str(v, "headline");
    if (h && (!m->headline || !is_page)) m->headline = dup(s, h);
    const char *n = json_str(v, "name");
    if (n && (!m->name || !is_page)) m->name = dup(s, n);
    const char *p = json_str(v, "datePublished");
    if (!p) p = json_str(v, "dateCreated");
    if (p && looks_like_date(p) && (!m->published || !is_page)) m->published = dup(s, p);
    const char *md = json_str(v, "dateModified");
    if (md && looks_like_date(md) && (!m->modified || !is_page)) m->modified = dup(s, md);
    const char *au = ld_name(json_object_get(v, "author"));
    if (!au) au = ld_name(json_object_get(v, "creator"));
    if (au && (!m->author || !is_page)) m->author = dup(s, au);
    const char *pub = ld_name(json_object_get(v, "publisher"));
    if (pub && !m->publisher) m->publisher = dup(s, pub);
}

static void parse_jsonld(hstate *s, ld_meta *m)
{
    memset(m, 0, sizeof *m);
    const char *p = buf_cstr(&s->jsonld);
    size_t n = s->jsonld.len;
    size_t st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != 0x1e) continue;
        if (i > st) {
            json_error_t err;
            json_t *root = json_loadb(p + st, i - st, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
            if (root) {
                ld_walk(s, root, m, 0);
                json_decref(root);
            }
        }
        st = i + 1;
    }
}

/* ---- Choosing the article --------------------------------------------------------------- */

static double link_density(const hnode *n) { return n->text_len ? (double)n->link_len / n->text_len : 0; }

static float class_weight(const hnode *n)
{
    if (n->kind == K_HEADING) return 0;
    float w = 0;
    if (n->cls & C_POSITIVE) w += 25;
    if (n->cls & (C_JUNK | C_UNLIKELY)) w -= 25;
    return w;
}

static float tag_weight(int kind)
{
    switch (kind) {
    case K_BLOCK: return 5;
    case K_ARTICLE:
    case K_MAIN: return 10;
    case K_PRE:
    case K_CELL:
    case K_QUOTE: return 3;
    case K_LIST:
    case K_LI: return -3;
    case K_HEADING: return -5;
    default: return 0;
    }
}

static bool is_text_block(const hblock *b)
{
    return b->kind == K_P || b->kind == K_BLOCK || b->kind == K_CELL || b->kind == K_PRE ||
           b->kind == K_QUOTE || b->kind == K_ARTICLE || b->kind == K_MAIN || b->kind == K_LI ||
           b->kind == K_BODY;
}

/* Settles each element's flags now that its size is known: a class that
 * calls a container a sidebar or a widget is not believed when that
 * container holds most of the page's text (themes put such words on the
 * wrappers of everything). Then flags flow down the tree, and each block
 * takes its element's. */
static void settle_flags(hstate *s)
{
    /* shares are of the page's text outside links, so that menus do not
     * dilute them */
    uint64_t total = 0;
    for (size_t i = 0; i < s->n_blocks; i++) total += s->blocks[i].len - s->blocks[i].link_len;
    for (size_t i = 0; i < s->n_nodes; i++) {
        hnode *h = &s->nodes[i];
        uint16_t own = h->own;
        double share = total ? (double)(h->text_len - h->link_len) / (double)total : 0;
        double ld0 = h->text_len ? (double)h->link_len / h->text_len : 0;
        if ((own & F_UNLIKELY) && share > 0.4 && ((h->kind != K_FOOTER && h->kind != K_ASIDE) || ld0 < 0.25))
            own &= ~F_UNLIKELY;
        if ((own & F_HID) && share > 0.4) own &= ~F_HID;
        if (own & F_HID) own |= F_SKIP;
        /* a date or byline box holds a line, not the article */
        if ((own & F_META) && h->text_len > 300) own &= ~F_META;
        /* a "sharing" or "widget" wrapper around most of the running text
         * is a wrapper; comments stay comments */
        double ld = h->text_len ? (double)h->link_len / h->text_len : 0;
        if ((own & F_JUNK) && !(h->cls & C_COMMENT) && ((share > 0.35 && ld < 0.25) || share > 0.6)) own &= ~F_JUNK;
        if ((h->kind == K_ARTICLE || h->kind == K_MAIN) && share > 0.25) own &= ~(F_JUNK | F_UNLIKELY);
        h->flags = (uint16_t)((h->parent >= 0 ? s->nodes[h->parent].flags : 0) | own);
    }
    for (size_t i = 0; i < s->n_blocks; i++) {
        hblock *b = &s->blocks[i];
        b->flags = s->nodes[b->node].flags;
        if (b->flags & (F_SKIP | F_JUNK | F_UNLIKELY | F_META | F_CAPTION)) continue;
        for (int32_t n = (int32_t)b->node; n >= 0; n = s->nodes[n].parent) {
            s->nodes[n].good_len += b->len;
            s->nodes[n].good_link += b->link_len;
        }
    }
}


/* Widens the winner to the element that holds the whole article: the
 * nearest <article> or <main> around it when that is not much bigger, then
 * each parent whose extra (non-junk) text is no larger than what we have
 * and mostly not links: the list of ingredients beside the steps, the
 * standfirst above the body. */
static int32_t widen(hstate *s, int32_t best)
{
    int32_t cur = best;
    for (int32_t a = s->nodes[best].parent; a >= 0; a = s->nodes[a].parent) {
        hnode *h = &s->nodes[a];
        if (h->kind == K_BODY || h->kind == K_HTML) break;
        if ((h->kind == K_ARTICLE || h->kind == K_MAIN) && !(h->flags & (F_JUNK | F_UNLIKELY))) {
            double ld = h->good_len ? (double)h->good_link / h->good_len : 0;
            if (ld < 0.35 && h->good_len <= 3 * s->nodes[best].good_len + 3000) cur = a;
            break;
        }
    }
    for (int steps = 0; steps < 4; steps++) {
        int32_t p = s->nodes[cur].parent;
        if (p < 0) break;
        hnode *h = &s->nodes[p];
        if (h->kind == K_BODY || h->kind == K_HTML || (h->flags & (F_JUNK | F_UNLIKELY))) break;
        uint32_t extra = h->good_len - s->nodes[cur].good_len;
        uint32_t extra_link = h->good_link - s->nodes[cur].good_link;
        if (extra == 0) {
            cur = p;
            continue;
        }
        if (extra > 2 * s->nodes[cur].good_len || (double)extra_link / extra > 0.3) break;
        cur = p;
    }
    return cur;
}

/* Returns the winning node, or -1. strict: honour class-based exclusions. */
static int32_t choose(hstate *s, bool strict)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        s->nodes[i].score = 0;
        s->nodes[i].scored = false;
        s->nodes[i].selected = false;
    }
    uint16_t excl = strict ? (F_SKIP | F_JUNK | F_UNLIKELY | F_META | F_CAPTION) : (F_SKIP | F_JUNK | F_CAPTION);
    for (size_t i = 0; i < s->n_blocks; i++) {
        const hblock *b = &s->blocks[i];
        if (b->flags & excl) continue;
        if (!is_text_block(b) || b->len < 25) continue;
        double sc = 1 + b->commas + (b->len / 100 > 3 ? 3 : b->len / 100);
        /* the block's own element, then ancestors with falling shares */
        int32_t n = (int32_t)b->node;
        if (s->nodes[n].kind == K_P || s->nodes[n].kind == K_LI || s->nodes[n].kind == K_CELL ||
            s->nodes[n].kind == K_PRE || s->nodes[n].kind == K_QUOTE)
            n = s->nodes[n].parent;
        /* a wrapper around a single branch (page builders nest a
         * paragraph six deep) is no step away from what it wraps */
        int level = 0;
        for (int steps = 0; n >= 0 && level < 5 && steps < 16; steps++) {
            hnode *h = &s->nodes[n];
            if (!h->scored) {
                h->scored = true;
                h->score = tag_weight(h->kind) + class_weight(h);
            }
            double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
            h->score += (float)(sc / div);
            n = h->parent;
            if (n >= 0 && s->nodes[n].kids > 1) level++;
        }
    }
    int32_t best = -1;
    for (size_t i = 0; i < s->n_nodes; i++) {
        hnode *h = &s->nodes[i];
        if (!h->scored) continue;
        if (strict && (h->flags & (F_JUNK | F_UNLIKELY | F_SKIP))) continue;
        h->score *= (float)(1.0 - link_density(h));
        if (best < 0 || h->score > s->nodes[best].score) best = (int32_t)i;
    }
    return best;
}

/* Marks the winner and its good siblings as selected. */
static void select_with_siblings(hstate *s, int32_t best)
{
    s->nodes[best].selected = true;
    int32_t parent = s->nodes[best].parent;
    if (parent < 0) return;
    float thr = s->nodes[best].score * 0.2f;
    if (thr < 10) thr = 10;
    for (size_t i = 0; i < s->n_nodes; i++) {
        hnode *h = &s->nodes[i];
        if (h->parent != parent || (int32_t)i == best) continue;
        if (h->flags & (F_JUNK | F_SKIP)) continue;
        bool take = false;
        float bonus = (h->cls & C_POSITIVE) && (s->nodes[best].cls & C_POSITIVE) ? s->nodes[best].score * 0.2f : 0;
        if (h->scored && h->score + bonus >= thr) take = true;
        else if (h->kind == K_P) {
            double ld = link_density(h);
            if (h->text_len > 80 && ld < 0.25) take = true;
        }
        h->selected = take;
    }
}

/* Marks every element inside a selected one (parents come before their
 * children in the node array, so one pass does it). */
static void spread_selection(hstate *s)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        hnode *h = &s->nodes[i];
        h->inside = h->selected || (h->parent >= 0 && s->nodes[h->parent].inside);
    }
}

static bool in_selection(const hstate *s, uint32_t node) { return s->nodes[node].inside; }

/* Running prose outside the chosen element: articles cut into several
 * boxes by a page builder lose their other boxes to the vote. A block is
 * taken back when it is clearly prose (long, several sentences, no links,
 * no junk, meta or caption mark) and lies in the same <main> or <article>
 * as the winner, or anywhere when the winner is in neither. */
static bool prose_outside(const hstate *s, const hblock *b, int32_t best)
{
    if (b->flags & (F_SKIP | F_JUNK | F_UNLIKELY | F_META | F_CAPTION | F_HEADER)) return false;
    if (b->kind != K_P && b->kind != K_BLOCK && b->kind != K_QUOTE) return false;
    if (b->len < 120 || b->link_len * 10 > b->len) return false;
    const char *t = s->text.data + b->off;
    int ends = 0;
    for (uint32_t i = 0; i + 1 < b->len; i++)
        if ((t[i] == '.' || t[i] == '!' || t[i] == '?') && t[i + 1] == ' ') ends++;
    if (ends < 1) return false;
    if (best < 0) return false;
    bool best_main = (s->nodes[best].flags & F_MAIN) != 0;
    if (best_main != ((b->flags & F_MAIN) != 0)) return false;
    return true;
}

/* A sentence or more of plain prose: no links, ends like a sentence. */
static bool prose_block(const hstate *s, const hblock *b, uint32_t min_len)
{
    if (b->kind != K_P && b->kind != K_BLOCK) return false;
    if (b->len < min_len || b->link_len * 10 > b->len) return false;
    return clean_ends_sentence(s->text.data + b->off, b->len);
}

/* The standfirst: the lead paragraphs between the headline and the
 * article's first block, often in the page's header with the byline,
 * outside the element that won the vote. Walking back from the first
 * block, metadata, hidden and short lines (a byline, share buttons) are
 * passed over and prose is taken, up to a heading; anything else (links,
 * a junk box) means there is no lead. Returns the first block of the lead
 * (first itself when there is none). */
static size_t lead_start(const hstate *s, size_t first)
{
    size_t from = first;
    for (size_t i = first, steps = 0; i-- > 0 && steps < 24; steps++) {
        const hblock *b = &s->blocks[i];
        if (b->flags & (F_META | F_SKIP)) continue;
        if (b->kind == K_HEADING && !(b->flags & (F_JUNK | F_UNLIKELY))) return from;
        if (b->len < 40) continue;
        if ((b->flags & (F_JUNK | F_UNLIKELY | F_CAPTION)) || !prose_block(s, b, 60)) break;
        from = i;
    }
    return first;
}

static bool link_dense(const hblock *b)
{
    double ld = b->len ? (double)b->link_len / b->len : 0;
    return ld > 0.5 || (b->len < 80 && ld > 0.3);
}

/* Why a block inside the article is left out (NULL: kept). */
static const char *block_verdict(const hstate *s, const hblock *b, int32_t best, bool strict)
{
    if (b->flags & F_SKIP) return "hidden";
    if (b->flags & F_JUNK) return "boilerplate";
    if (strict && (b->flags & F_UNLIKELY)) return "boilerplate";
    if (b->flags & F_CAPTION) return "caption";
    if (b->flags & F_META) return "metadata";
    if (link_dense(b)) return "navigation";
    (void)s;
    (void)best;
    return NULL;
}

/* The visible byline: the first short block inside an element whose class
 * names the byline or author, less "By" / "Von" / "Par" / "Por". */
static const char *visible_byline(hstate *s)
{
    static const char *const by[] = {"by ", "von ", "par ", "por ", "di ", "door ", "av ", NULL};
    for (size_t i = 0; i < s->n_blocks; i++) {
        const hblock *b = &s->blocks[i];
        if (b->flags & (F_SKIP | F_JUNK)) continue;
        bool marked = false;
        int32_t n = (int32_t)b->node;
        for (int up = 0; n >= 0 && up < 4 && !marked; up++, n = s->nodes[n].parent)
            marked = (s->nodes[n].cls & C_BYLINE) != 0;
        if (!marked) continue;
        const char *t = s->text.data + b->off;
        size_t l = b->len;
        for (int k = 0; by[k]; k++)
            if (l > strlen(by[k]) && !strncasecmp(t, by[k], strlen(by[k]))) {
                t += strlen(by[k]);
                l -= strlen(by[k]);
                break;
            }
        clean_trim(&t, &l);
        size_t words = clean_word_count(t, l);
        if (l < 3 || words > 8 || memchr(t, '@', l) || !isupper((unsigned char)t[0])) continue;
        return arena_strndup(s->a, t, l);
    }
    return NULL;
}

/* Strips a leading "By " from an author taken from metadata. */
static const char *strip_by(hstate *s, const char *a)
{
    if (!a) return NULL;
    if (!strncasecmp(a, "by ", 3)) return dup(s, a + 3);
    return a;
}

/* ---- Titles --------------------------------------------------------------------------------- */


/* "<title>" less the site name: split at " | ", " - ", " – ", " — ", " :: ",
 * " » " and keep the part that is not the site name, else the longest. */
static const char *title_from_head(hstate *s, const char *t, const char *site)
{
    if (!t) return NULL;
    static const char *const seps[] = {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ",
                                       " \xC2\xBB ", " / ", " \xC2\xB7 ", NULL};
    for (int i = 0; seps[i]; i++) {
        const char *p = strstr(t, seps[i]);
        if (!p) continue;
        /* split into parts at this separator */
        const char *parts[16];
        size_t lens[16], np = 0;
        const char *st = t;
        size_t sl = strlen(seps[i]);
        while (np < 16) {
            const char *q = strstr(st, seps[i]);
            parts[np] = st;
            lens[np] = q ? (size_t)(q - st) : strlen(st);
            np++;
            if (!q) break;
            st = q + sl;
        }
        size_t bi = 0;
        for (size_t k = 0; k < np; k++) {
            bool is_site = site && lens[k] == strlen(site) && !strncasecmp(parts[k], site, lens[k]);
            if (is_site) continue;
            if (lens[k] > lens[bi] || (site && lens[bi] == strlen(site) && !strncasecmp(parts[bi], site, lens[bi])))
                bi = k;
        }
        if (clean_word_count(parts[bi], lens[bi]) < 2 && np > 1) return dup(s, t);
        return arena_strndup(s->a, parts[bi], lens[bi]);
    }
    return dup(s, t);
}

static const char *norm_space(hstate *s, const char *t, size_t n)
{
    char *r = arena_alloc(s->a, n + 1);
    if (!r) return NULL;
    size_t k = 0;
    bool sp = false;
    for (size_t i = 0; i < n; i++) {
        if (clean_is_space((unsigned char)t[i])) {
            sp = k > 0;
            continue;
        }
        if (sp) r[k++] = ' ';
        sp = false;
        r[k++] = t[i];
    }
    r[k] = 0;
    return k ? r : NULL;
}

/* ---- URL dates --------------------------------------------------------------------------- */

static date_day url_date(const char *url)
{
    if (!url) return DATE_NONE;
    size_t n = strlen(url);
    for (size_t i = 0; i + 8 <= n; i++) {
        if (!(url[i] == '/' || url[i] == '-' || url[i] == '_')) continue;
        const char *p = url + i + 1;
        size_t rest = n - i - 1;
        /* /2024/05/31/ or /2024/05/ (day 1 is not claimed) */
        if (rest >= 10 && isdigit((unsigned char)p[0]) && (p[4] == '/' || p[4] == '-') && (p[7] == p[4])) {
            date_day d = date_parse_iso(p, rest);
            if (d != DATE_NONE && (rest == 10 || !isdigit((unsigned char)p[10]))) {
                int y;
                date_to_ymd(d, &y, NULL, NULL);
                if (y >= 1995 && y <= 2100) return d;
            }
        }
        if (rest >= 8) {
            bool all = true;
            for (int k = 0; k < 8; k++) all = all && isdigit((unsigned char)p[k]);
            if (all && (rest == 8 || !isdigit((unsigned char)p[8]))) {
                date_day d = date_parse_iso(p, 8);
                int y = 0;
                if (d != DATE_NONE) date_to_ymd(d, &y, NULL, NULL);
                if (d != DATE_NONE && y >= 1995 && y <= 2100) return d;
            }
        }
    }
    return DATE_NONE;
}

/* ---- Driver ------------------------------------------------------------------------------------ */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

static bool same_text(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t la = strlen(a), lb = strlen(b);
    clean_trim(&a, &la);
    clean_trim(&b, &lb);
    return la == lb && !strncasecmp(a, b, la);
}

static int parse(hstate *s, const char *html, size_t len)
{
    pthread_once(&xml_once, xml_init);
    if (len > INT32_MAX) len = INT32_MAX;
    htmlParserCtxtPtr pc = htmlNewParserCtxt();
    if (!pc) return -1;
    htmlSAXHandler *h = xmlMalloc(sizeof *h);
    if (!h) {
        htmlFreeParserCtxt(pc);
        return -1;
    }
    memset(h, 0, sizeof *h);
    h->startElement = sax_start;
    h->endElement = sax_end;
    h->characters = sax_chars;
    h->cdataBlock = sax_cdata;
    h->initialized = 1;
    if (pc->sax) xmlFree(pc->sax);
    pc->sax = (xmlSAXHandlerPtr)h;
    pc->_private = s;
    /* Valid UTF-8 is read as such whatever the page declares (ingest has
     * repaired or converted it); anything else is left to the parser's
     * detection (BOM, <meta charset>). NUL bytes, which stop the parser,
     * become spaces. */
    size_t bad;
    const char *enc = NULL;
    char *copy = NULL;
    if (memchr(html, 0, len)) {
        copy = malloc(len);
        if (!copy) {
            htmlFreeParserCtxt(pc);
            return -1;
        }
        for (size_t i = 0; i < len; i++) copy[i] = html[i] ? html[i] : ' ';
        html = copy;
    }
    if (text_utf8_valid(html, len, &bad)) enc = "UTF-8";
    htmlDocPtr doc = htmlCtxtReadMemory(pc, html, (int)len, NULL, enc,
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                            HTML_PARSE_NONET);
    if (doc) xmlFreeDoc(doc);
    htmlFreeParserCtxt(pc);
    free(copy);
    flush_block(s);
    return s->failed ? -1 : 0;
}

/* A short line that is no sentence ("Themen im Artikel", "Weitere
 * Informationen:"): a label, which like a heading waits for what it
 * labels. */
static bool label_line(const hblock *b, const char *t)
{
    if (b->kind != K_P && b->kind != K_BLOCK) return false;
    if (b->len > 60 || b->link_len) return false;
    for (uint32_t i = 0; i < b->len; i++)
        if (isdigit((unsigned char)t[i]) || t[i] == '.' || t[i] == '!' || t[i] == '?') return false;
    return clean_word_count(t, b->len) <= 5;
}

/* Emits the blocks of the selection into the context. Returns the number
 * of bytes of text kept. */
static size_t emit(hstate *s, clean_ctx *c, int32_t best, bool strict, bool all, const char *title)
{
    size_t kept = 0;
    const char *prev = NULL;
    size_t prev_len = 0;
    bool first_block = true;
    /* A heading waits for the text it heads: followed by a list of links
     * or nothing, it is the title of a "related" box, not of a section.
     * So does a run of headings, and a label line, which goes only with
     * the list of links it introduces. */
    const char *pend[4];
    size_t pend_len[4], n_pend = 0;
    bool pend_label[4];
    /* The span of the selection in document order: clean blocks that sit
     * between two selected ones (a list of ingredients in a box of its own
     * between the introduction and the steps) are part of the article. */
    size_t sel_first = SIZE_MAX, sel_last = 0;
    if (!all) spread_selection(s);
    if (!all && strict) {
        for (size_t i = 0; i < s->n_blocks; i++) {
            const hblock *b = &s->blocks[i];
            if (!in_selection(s, b->node) || block_verdict(s, b, best, strict) || b->len < 40) continue;
            if (sel_first == SIZE_MAX) sel_first = i;
            sel_last = i;
        }
    }
    size_t lead_from = sel_first == SIZE_MAX ? SIZE_MAX : lead_start(s, sel_first);
    for (size_t i = 0; i < s->n_blocks; i++) {
        const hblock *b = &s->blocks[i];
        const char *t = s->text.data + b->off;
        bool between = sel_first != SIZE_MAX && i > sel_first && i < sel_last &&
                       !(b->flags & (F_SKIP | F_JUNK | F_UNLIKELY | F_META | F_CAPTION | F_HEADER)) && !link_dense(b);
        bool lead = i >= lead_from && i < sel_first && prose_block(s, b, 60) &&
                    !(b->flags & (F_META | F_SKIP | F_JUNK | F_UNLIKELY | F_CAPTION));
        if (!all && !in_selection(s, b->node) && !between && !lead && !(strict && prose_outside(s, b, best)))
            continue;
        if (all && (b->flags & (F_SKIP | F_JUNK | F_CAPTION | F_META))) continue;
        const char *why = block_verdict(s, b, best, strict);
        if (all && !why && (b->len < 40 && b->kind != K_HEADING)) why = "boilerplate";
        if (why) {
            if (!strcmp(why, "caption")) {
                clean_line_kind k = clean_classify_line(t, b->len);
                if (k == LINE_PHOTO_CREDIT) clean_note_credit(c, t, b->len);
                else if (clean_word_count(t, b->len) < 2) clean_note_removed(c, t, b->len, "caption"); /* "Image" */
                else clean_note_caption(c, t, b->len);
            } else if (strcmp(why, "hidden") != 0 && strcmp(why, "metadata") != 0) {
                clean_note_removed(c, t, b->len, why);
                for (size_t q = 0; q < n_pend; q++) {
                    if (pend_label[q] && strcmp(why, "navigation") != 0) {
                        if (clean_paragraph(c, pend[q], pend_len[q], false)) return kept;
                    } else {
                        clean_note_removed(c, pend[q], pend_len[q], "related");
                    }
                }
                n_pend = 0;
            }
            continue;
        }
        if (b->kind == K_HEADING && title && b->len == strlen(title) && !strncmp(t, title, b->len)) continue;
        if (b->kind == K_HEADING && b->level == 1 && kept == 0) continue;
        /* repeated blocks (mobile and desktop copies) */
        if (prev && prev_len == b->len && !memcmp(prev, t, b->len)) continue;
        clean_line_kind k = clean_classify_line(t, b->len);
        if (k != LINE_TEXT) {
            if (k == LINE_CAPTION) clean_note_caption(c, t, b->len);
            else if (k == LINE_PHOTO_CREDIT || k == LINE_CREDIT) clean_note_credit(c, t, b->len);
            else if (k == LINE_BYLINE) {
                if (!c->author) {
                    const char *a = t + 3;
                    size_t al = b->len - 3;
                    clean_trim(&a, &al);
                    c->author = arena_strndup(c->a, a, al);
                }
                clean_note_removed(c, t, b->len, "byline");
            } else {
                clean_note_removed(c, t, b->len, clean_line_reason(k));
            }
            continue;
        }
        if ((b->kind == K_HEADING && clean_word_count(t, b->len) <= 12) || label_line(b, t)) {
            if (n_pend == sizeof pend / sizeof pend[0]) {
                /* a long run of short lines is text (a table, a list of
                 * facts), not the title of a box: the oldest is let go */
                if (clean_paragraph(c, pend[0], pend_len[0], false)) return kept;
                memmove(pend, pend + 1, (n_pend - 1) * sizeof pend[0]);
                memmove(pend_len, pend_len + 1, (n_pend - 1) * sizeof pend_len[0]);
                memmove(pend_label, pend_label + 1, (n_pend - 1) * sizeof pend_label[0]);
                n_pend--;
            }
            pend[n_pend] = t;
            pend_label[n_pend] = b->kind != K_HEADING;
            pend_len[n_pend++] = b->len;
            prev = t;
            prev_len = b->len;
            continue;
        }
        for (size_t q = 0; q < n_pend; q++)
            if (clean_paragraph(c, pend[q], pend_len[q], false)) return kept;
        n_pend = 0;
        size_t before = c->paras.n;
        if (clean_paragraph(c, t, b->len, first_block)) return kept;
        if (c->paras.n > before) {
            kept += strlen(c->paras.v[c->paras.n - 1]);
            first_block = false;
        }
        prev = t;
        prev_len = b->len;
    }
    for (size_t q = 0; q < n_pend; q++) {
        if (pend_label[q]) {
            if (clean_paragraph(c, pend[q], pend_len[q], false)) return kept;
        } else {
            clean_note_removed(c, pend[q], pend_len[q], "related");
        }
    }
    return kept;
}

static int clean_html_once(arena *a, const char *html, size_t len, const char *url, const char *given_date,
                           const char *reference_date, const char *latest_date, const char *source,
                           const clean_learned *learned, clean_result *out)
{
    if (!a || !out || (!html && len)) return -2;
    memset(out, 0, sizeof *out);
    hstate s;
    memset(&s, 0, sizeof s);
    s.a = a;
    s.cache = arena_calloc(a, CLASS_CACHE, sizeof *s.cache);
    int rc = 0;
    if (len && parse(&s, html, len)) rc = -1;

    ld_meta ld;
    parse_jsonld(&s, &ld);
    if (rc == 0 && s.n_nodes) settle_flags(&s);

    /* metadata */
    const char *site = s.og_site ? s.og_site : ld.publisher ? ld.publisher : s.app_name;
    const char *head_title = s.title.len ? norm_space(&s, s.title.data, s.title.len) : NULL;
    const char *h1 = s.h1.len ? norm_space(&s, s.h1.data, s.h1.len) : NULL;
    const char *title = s.og_title ? s.og_title : ld.headline ? ld.headline : NULL;
    if (title && site && same_text(title, site)) title = NULL;
    if (!title) title = h1 ? h1 : title_from_head(&s, head_title, site);
    if (title && site && !same_text(title, site)) {
        /* og:title sometimes carries the site name too */
        const char *t2 = title_from_head(&s, title, site);
        if (t2) title = t2;
    }
    out->title = title;
    out->site_name = site;
    out->author = strip_by(&s, ld.author ? ld.author : s.meta_author);
    if (!out->author && rc == 0) out->author = visible_byline(&s);
    out->canonical_url = s.canonical ? s.canonical : s.og_url;
    if (s.lang) {
        /* "en-US" -> "en", "en_GB" -> "en" */
        char *l = arena_strdup(a, s.lang);
        if (l) {
            for (char *p = l; *p; p++) {
                if (*p == '-' || *p == '_') {
                    *p = 0;
                    break;
                }
                *p = (char)tolower((unsigned char)*p);
            }
            out->lang = *l ? l : NULL;
        }
    }

    clean_date published = {0}, modified = {0};
    if (ld.published) published = (clean_date){ld.published, "json-ld", 0.95};
    else if (s.pub_value) published = (clean_date){s.pub_value, s.pub_source, 0.95};
    else if (s.time_value) published = (clean_date){s.time_value, "time", s.time_rank == 1 ? 0.9 : 0.7};
    else {
        date_day d = url_date(url ? url : out->canonical_url);
        if (d != DATE_NONE) {
            char b[11];
            date_format(d, b);
            published = (clean_date){arena_strdup(a, b), "url", 0.8};
        }
    }
    if (ld.modified) modified = (clean_date){ld.modified, "json-ld", 0.95};
    else if (s.mod_value) modified = (clean_date){s.mod_value, s.mod_source, 0.9};

    /* the text */
    clean_ctx c;
    clean_ctx_init(&c, a, source, learned);
    if (rc == 0) {
        int32_t best = choose(&s, true);
        size_t kept = 0;
        if (best >= 0) {
            best = widen(&s, best);
            select_with_siblings(&s, best);
            kept = emit(&s, &c, best, true, false, title);
        }
        if (kept < 250) {
            clean_ctx c2;
            clean_ctx_init(&c2, a, source, learned);
            int32_t b2 = choose(&s, false);
            size_t k2 = 0;
            if (b2 >= 0) {
                b2 = widen(&s, b2);
                select_with_siblings(&s, b2);
                k2 = emit(&s, &c2, b2, false, false, title);
            }
            if (k2 > kept * 2 + 100) {
                c = c2;
                kept = k2;
            }
        }
        if (kept < 100) {
            clean_ctx c3;
            clean_ctx_init(&c3, a, source, learned);
            size_t k3 = emit(&s, &c3, -1, false, true, title);
            if (k3 > kept) c = c3;
        }
    }
    if (!c.author && out->author) c.author = out->author;
    out->author = out->author ? out->author : c.author;
    buf_free(&s.text);
    buf_free(&s.title);
    buf_free(&s.jsonld);
    buf_free(&s.h1);
    int frc = clean_finish(&c, given_date, reference_date, latest_date, &published, &modified, out);
    if (!out->title) out->title = c.title;
    return rc ? rc : frc;
}

int clean_html(arena *a, const char *html, size_t len, const char *url, const char *given_date,
               const char *reference_date, clean_result *out)
{
    return clean_html_once(a, html, len, url, given_date, reference_date, NULL, NULL, NULL, out);
}

int clean_html_learned(arena *a, const char *html, size_t len, const char *url, const char *given_date,
                       const char *reference_date, const char *latest_date, const char *source,
                       const clean_learned *learned, clean_result *out)
{
    int rc = clean_html_once(a, html, len, url, given_date, reference_date, latest_date, source, learned, out);
    if (rc == 0 && learned && learned->n_keys && clean_learned_overreach(out))
        rc = clean_html_once(a, html, len, url, given_date, reference_date, latest_date, source, NULL, out);
    return rc;
}
