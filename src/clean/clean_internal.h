/* clean_internal.h - what the plain-text and HTML cleaners share.
 *
 * Both cleaners end the same way: a list of candidate paragraphs goes
 * through the paragraph rules (junk lines, captions, credits, datelines,
 * junk inside paragraphs, learned boilerplate), then the dates are worked
 * out from what is left, and the result is assembled. */
#ifndef ACCORD_CLEAN_INTERNAL_H
#define ACCORD_CLEAN_INTERNAL_H

#include <stdbool.h>

#include "clean.h"

typedef struct clean_list {
    const char **v;
    size_t n, cap;
} clean_list;

typedef struct clean_ctx {
    arena *a;
    const char *source;
    const clean_learned *learned;
    clean_list paras;
    clean_list captions, credits;
    clean_removed *removed;
    size_t n_removed, cap_removed;
    bool oom;
    /* metadata found along the way */
    const char *title, *author, *dateline;
} clean_ctx;

void clean_ctx_init(clean_ctx *c, arena *a, const char *source, const clean_learned *learned);
int clean_list_push(clean_ctx *c, clean_list *l, const char *s);
/* Records a removed piece (copied into the arena, trimmed). */
void clean_note_removed(clean_ctx *c, const char *s, size_t n, const char *reason);
void clean_note_caption(clean_ctx *c, const char *s, size_t n);
void clean_note_credit(clean_ctx *c, const char *s, size_t n);

/* Kinds a whole line or block can be, by its text alone. */
typedef enum clean_line_kind {
    LINE_TEXT = 0,
    LINE_AD,
    LINE_NEWSLETTER,
    LINE_LOADING,
    LINE_RELATED,
    LINE_SOCIAL,
    LINE_PHOTO_CREDIT,
    LINE_CREDIT,  /* reporter credits: "Reporting by ...", "... contributed to this report" */
    LINE_BYLINE,  /* "By Jane Doe" */
    LINE_CAPTION, /* "Photo: ...", "FILE PHOTO: ...", participle captions with a date */
    LINE_COOKIE,
    LINE_BOILER,  /* copyright and licence lines, comment forms, author boxes */
    LINE_META,    /* a date line, "posted on ...": metadata, not text */
} clean_line_kind;

clean_line_kind clean_classify_line(const char *s, size_t n);
const char *clean_line_reason(clean_line_kind k);

/* Applies the rules for junk inside one paragraph and appends what is left
 * (if anything) to c->paras. first_block is true for the first paragraphs,
 * where a dateline may open the text. */
int clean_paragraph(clean_ctx *c, const char *s, size_t n, bool first_block);

/* Works out the dates and fills out from the context. published and
 * modified (may be NULL) are the dates found in page metadata; a
 * publication date there outranks reference_date (may be NULL), the day the
 * caller knows the article by. */
int clean_finish(clean_ctx *c, const char *given_date, const char *reference_date, const char *latest_date,
                 const clean_date *published, const clean_date *modified, clean_result *out);

/* True when learned boilerplate left (almost) no text: the outlet's counts
 * are then not to be trusted for this article (a template of many
 * near-identical articles), and it is cleaned again without them. */
bool clean_learned_overreach(const clean_result *r);

/* Small text helpers. */
bool clean_is_space(unsigned char ch);
size_t clean_word_count(const char *s, size_t n);
void clean_trim(const char **s, size_t *n);
bool clean_ends_sentence(const char *s, size_t n);

#endif
