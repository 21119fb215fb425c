/* text.h - the text layer: UTF-8 repair, normalisation, paragraphs,
 * sentences, tokens, stems and language.
 *
 * Contract: every offset is a byte offset into the text given to
 * text_analyze(), which is the stored (NFC) text. Matching never compares
 * raw bytes: it compares match keys (NFKC + case folding + unified quotes,
 * text_match_key()) or stems (text_stem()). The layer holds no global state
 * except the stemmer, which is per text_stemmer object. */
#ifndef ACCORD_TEXT_H
#define ACCORD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"

/* ---- UTF-8 and normalisation ------------------------------------------ */

/* Copies in[0..len) to out, replacing each invalid UTF-8 byte (and NUL) with
 * U+FFFD. Returns the number of bytes repaired; *first_bad (if not NULL) gets
 * the offset of the first bad byte, or SIZE_MAX when there is none. */
size_t text_utf8_repair(const char *in, size_t len, buf *out, size_t *first_bad);
/* True when in[0..len) is valid UTF-8 without NUL bytes. */
bool text_utf8_valid(const char *in, size_t len, size_t *first_bad);
/* Latin-1 (ISO-8859-1, with Windows-1252's 0x80-0x9F) to UTF-8. */
void text_latin1_to_utf8(const char *in, size_t len, buf *out);
/* NFC normalisation for storage; also turns CRLF/CR into LF. 0 or -1.
 * Invalid UTF-8 is repaired first; a run of more than 30 combining marks
 * gets U+034F inserted (Unicode's Stream-Safe Text Format). */
int text_nfc(const char *in, size_t len, buf *out);
/* The key used for matching: NFKC, case folded, typographic quotes,
 * apostrophes and dashes unified to ASCII. 0 or -1. */
int text_match_key(const char *in, size_t len, buf *out);

/* ---- Structure ---------------------------------------------------------- */

typedef enum text_token_kind {
    TOK_WORD = 1,    /* letters, with inner apostrophes / hyphens / periods (U.S.) */
    TOK_NUMBER = 2,  /* 5,600  2.5  24  1987  19th  1990s (10km: 10 + word km) */
    TOK_PERCENT = 3, /* 2%  12.5% */
    TOK_PUNCT = 4,   /* any other non-space character */
} text_token_kind;

enum text_token_flags {
    TOKF_CAPITALISED = 1, /* first letter upper case */
    TOKF_ALLCAPS = 2,     /* two or more letters, all upper case */
    TOKF_SENT_START = 4,  /* first word of its sentence */
};

typedef struct text_token {
    uint32_t start, end; /* byte span in the text */
    uint8_t kind;        /* text_token_kind */
    uint8_t flags;       /* text_token_flags */
} text_token;

typedef struct text_sentence {
    uint32_t start, end;             /* byte span, trimmed of surrounding space */
    uint32_t first_token, n_tokens;  /* into text_doc.tokens */
    uint32_t paragraph;              /* index into text_doc.paragraphs */
} text_sentence;

typedef struct text_paragraph {
    uint32_t start, end;
    uint32_t first_sentence, n_sentences;
} text_paragraph;

typedef struct text_doc {
    const char *text; /* not owned */
    size_t len;
    text_paragraph *paragraphs;
    size_t n_paragraphs;
    text_sentence *sentences;
    size_t n_sentences;
    text_token *tokens;
    size_t n_tokens;
} text_doc;

/* Splits text into paragraphs (blank line or a single newline both end a
 * paragraph), sentences and tokens. All arrays live in arena a. 0 or -1
 * (out of memory, or text longer than 4 GiB). */
int text_analyze(arena *a, const char *text, size_t len, text_doc *out);

/* ---- Stems and language --------------------------------------------------- */

typedef struct text_stemmer text_stemmer;
/* lang is an ISO 639-1 code ("en"); unknown languages fall back to English. */
text_stemmer *text_stemmer_new(const char *lang);
void text_stemmer_free(text_stemmer *s);
/* Stems one word (given already lower-cased / match-keyed). Returns a pointer
 * valid until the next call on s; *out_len gets its length. */
const char *text_stem(text_stemmer *s, const char *word, size_t len, size_t *out_len);

/* Identifies the language of a text: ISO 639-1 code ("en", "fr", ...) or
 * "und" when unsure. *confidence (if not NULL) gets 0..1. */
const char *text_language(const char *text, size_t len, double *confidence);

#endif
