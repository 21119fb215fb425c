/* analyze.c - paragraphs, sentences and tokens with byte offsets.
 *
 * One pass over the text, one paragraph (one line) at a time: a byte
 * scanner cuts the line into tokens, then the sentence splitter walks the
 * tokens. Splitting on tokens rather than bytes keeps the hard decisions in
 * one place and lets the tokenizer settle the easy ones first: "2.5",
 * "5,600" and "U.S." are single tokens, so their periods are never
 * candidates for a sentence end unless the token itself ends with one.
 *
 * The scanner classifies ASCII bytes through a table and decodes a code
 * point only for non-ASCII bytes, asking utf8proc for its category. News
 * text is mostly ASCII, so the common path is a table lookup per byte.
 *
 * Sentence ends. A candidate is ".", "?", "!", an ellipsis, a CJK or other
 * script's full stop, or an acronym token ending in a period. Closing quotes
 * and brackets written right after it belong to the sentence ("end.” He").
 * The sentence ends there when whitespace follows and the next word does not
 * start in lower case. After an abbreviation (a known list: Mr, Dr, Sen.,
 * Jan., No., Inc., state names...), a single-letter initial (J. Smith) or an
 * acronym (U.S.), the period is ambiguous; there the sentence ends only when
 * the next word is one that typically opens a sentence ("The", "He", "But",
 * ...). That keeps "U.S. Secretary of State" and "J.D. Vance" whole and
 * still splits "in the U.S. The next". A line break always ends a sentence,
 * so a paragraph without a final period is still a sentence. Text joined
 * from tokens leaves closing quotes standing alone ("over. " He); a
 * detached ” or », or a straight quote preceded by an odd number of them in
 * the line, still closes the sentence before it. A number, a period and a
 * number ("6. 1") is a decimal broken by a space, not a sentence end.
 *
 * Paragraphs are lines: a newline ends one, and blank lines are skipped.
 * The stored text has no CR (text_nfc removes them); one left over counts
 * as a space.
 *
 * Tokens. Words keep inner apostrophes (Ukraine’s, we're) and hyphens
 * (re-engage, second-largest, F-16), and acronyms keep their periods
 * (U.S., J.D., a.m.). Numbers keep thousands separators and one decimal
 * point (5,600; 2.5); a following "%" makes a percentage; an ordinal or
 * decade suffix stays on the number (19th, 1990s); other letters after a
 * number become their own word (10km -> 10, km) so that units stay visible
 * to quantity extraction; a number joined by a hyphen to a word is one word
 * (35-year-old). Every other character is a punctuation token, except that
 * a run of periods is one token (an ellipsis). */
#include "text.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* ---- Character classes --------------------------------------------------- */

enum {
    C_SPACE = 0, /* ASCII and Unicode spaces, controls */
    C_NL,        /* line break: ends a paragraph */
    C_UPPER,     /* cased letter, upper or title case */
    C_LOWER,     /* cased letter, lower case */
    C_LETTER,    /* letter without case (CJK, Arabic...), non-ASCII digits */
    C_MARK,      /* combining mark: continues a word */
    C_FORMAT,    /* invisible format character: continues a word, else skipped */
    C_DIGIT,     /* ASCII digit */
    C_APOS,      /* ' ’ ʼ: inside a word when a letter follows */
    C_HYPHEN,    /* - ‐ ‑: inside a word when a letter or digit follows */
    C_PERIOD,    /* . */
    C_PUNCT,     /* anything else */
};

/* The class of each ASCII byte. */
#define SP C_SPACE
#define NL C_NL
#define UP C_UPPER
#define LO C_LOWER
#define DI C_DIGIT
#define AP C_APOS
#define HY C_HYPHEN
#define PE C_PERIOD
#define PU C_PUNCT
// clang-format off
static const unsigned char ascii_class[128] = {
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, NL, SP, SP, NL, SP, SP,
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP,
    SP, PU, PU, PU, PU, PU, PU, AP, PU, PU, PU, PU, PU, HY, PE, PU,
    DI, DI, DI, DI, DI, DI, DI, DI, DI, DI, PU, PU, PU, PU, PU, PU,
    PU, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, PU, PU, PU, PU, PU,
    PU, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, PU, PU, PU, PU, SP,
};
// clang-format on
#undef SP
#undef NL
#undef UP
#undef LO
#undef DI
#undef AP
#undef HY
#undef PE
#undef PU

static int class_of_codepoint(int32_t cp)
{
    switch (cp) {
    case 0x2019: /* ’ */
    case 0x02BC: /* ʼ */
        return C_APOS;
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
        return C_HYPHEN;
    case 0x200B: /* zero width space */
    case 0xFEFF: /* byte order mark */
    case 0x0085: /* next line */
        return C_SPACE;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return C_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return C_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_CF:
        return C_FORMAT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return C_SPACE;
    default:
        return C_PUNCT;
    }
}

/* Decodes the code point at s[0] (n >= 1 bytes). Malformed bytes decode as
 * one byte of class C_PUNCT, so analysis of unrepaired text still ends. */
static int32_t decode(const unsigned char *s, size_t n, int *len)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    if (c >= 0xC2 && c < 0xE0 && n >= 2 && (s[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c >= 0xE0 && c < 0xF0 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        int32_t cp = ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
            *len = 3;
            return cp;
        }
    }
    if (c >= 0xF0 && c < 0xF5 && n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
        (s[3] & 0xC0) == 0x80) {
        int32_t cp = ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
                     ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            *len = 4;
            return cp;
        }
    }
    *len = 1;
    return -1;
}

/* Class and length of the character at s[i], with end the end of the line. */
static inline int class_at(const unsigned char *s, size_t i, size_t end, int *len, int32_t *cp_out)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        *len = 1;
        if (cp_out) *cp_out = c;
        return ascii_class[c];
    }
    int32_t cp = decode(s + i, end - i, len);
    if (cp_out) *cp_out = cp;
    return cp < 0 ? C_PUNCT : class_of_codepoint(cp);
}

static inline bool is_letter_class(int k)
{
    return k == C_UPPER || k == C_LOWER || k == C_LETTER;
}

static inline bool is_word_class(int k)
{
    return k == C_UPPER || k == C_LOWER || k == C_LETTER || k == C_MARK || k == C_FORMAT ||
           k == C_DIGIT;
}

/* ---- Growable arrays in the arena ------------------------------------------ */

typedef struct analyzer {
    arena *a;
    const unsigned char *s;
    text_token *tok;
    size_t n_tok, cap_tok;
    text_sentence *sent;
    size_t n_sent, cap_sent;
    text_paragraph *para;
    size_t n_para, cap_para;
} analyzer;

static bool grow(arena *a, void **v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return true;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = arena_grow(a, *v, *cap, ncap, elem);
    if (!p) return false;
    *v = p;
    *cap = ncap;
    return true;
}

static inline bool push_token(analyzer *z, size_t start, size_t end, int kind, int flags)
{
    if (z->n_tok >= z->cap_tok &&
        !grow(z->a, (void **)&z->tok, &z->cap_tok, z->n_tok, sizeof *z->tok))
        return false;
    z->tok[z->n_tok++] =
        (text_token){(uint32_t)start, (uint32_t)end, (uint8_t)kind, (uint8_t)flags};
    return true;
}

/* ---- Tokens ---------------------------------------------------------------- */

/* Scans an acronym with periods (U.S., J.D., a.m.) at i: two or more pairs of
 * one letter and a period. Returns its end, or i when there is none. */
static size_t scan_acronym(const unsigned char *s, size_t i, size_t end, int *uppers, int *others)
{
    size_t p = i;
    int pairs = 0, nl = 0, nu = 0;
    for (;;) {
        if (p >= end) break;
        int len;
        int k = class_at(s, p, end, &len, NULL);
        if (!is_letter_class(k)) break;
        if (p + (size_t)len >= end || s[p + (size_t)len] != '.') break;
        nl++;
        nu += k == C_UPPER;
        p += (size_t)len + 1;
        pairs++;
    }
    if (pairs < 2) return i;
    /* "U.S.A" or "U.S.Army": the next letter is not part of the acronym's
     * pattern; "U.S.Army" stays split at the last period we took. */
    *uppers = nu;
    *others = nl - nu;
    return p;
}

/* Continues a word at j: letters, marks, digits, and inner apostrophes and
 * hyphens followed by a letter (or, for hyphens, a digit). Counts capitals
 * and other letters for the token's flags; lower-case letters after an
 * apostrophe do not count, so NATO's is still all capitals. Runs of ASCII
 * lower case, most of any text, go through a loop of their own. */
static size_t scan_word_rest(const unsigned char *s, size_t j, size_t end, int *uppers_out,
                             int *others_out)
{
    int uppers = *uppers_out, others = *others_out;
    bool after_apos = false;
    while (j < end) {
        size_t j0 = j;
        while (j < end && (unsigned)(s[j] - 'a') < 26u)
            j++;
        if (j > j0 && !after_apos) others++;
        if (j >= end) break;
        int len = 1, k;
        if (s[j] < 0x80)
            k = ascii_class[s[j]];
        else
            k = class_at(s, j, end, &len, NULL);
        if (is_word_class(k)) {
            if (k == C_UPPER)
                uppers++;
            else if (k == C_LETTER || (k == C_LOWER && !after_apos))
                others++;
            j += (size_t)len;
            continue;
        }
        if ((k == C_APOS || k == C_HYPHEN) && j + (size_t)len < end) {
            int len2;
            int k2 = class_at(s, j + (size_t)len, end, &len2, NULL);
            if (is_letter_class(k2) || (k == C_HYPHEN && k2 == C_DIGIT)) {
                after_apos = k == C_APOS;
                j += (size_t)len;
                continue;
            }
        }
        break;
    }
    *uppers_out = uppers;
    *others_out = others;
    return j;
}

static int word_flags(int first_class, int uppers, int others)
{
    int f = 0;
    if (first_class == C_UPPER) f |= TOKF_CAPITALISED;
    if (uppers >= 2 && others == 0) f |= TOKF_ALLCAPS;
    return f;
}

static inline bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool ci_eq(const unsigned char *p, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        if (c != (unsigned char)w[i]) return false;
    }
    return w[n] == 0;
}

/* Tokenises the line s[start..end). */
static bool tokenize_line(analyzer *z, size_t start, size_t end)
{
    const unsigned char *s = z->s;
    size_t i = start;
    while (i < end) {
        int len;
        int k = class_at(s, i, end, &len, NULL);
        size_t n = (size_t)len;
        if (k == C_SPACE || k == C_NL || k == C_FORMAT) {
            i += n;
            continue;
        }
        if (is_letter_class(k)) {
            int uppers = 0, others = 0;
            /* an acronym needs a period right after its first letter */
            size_t j =
                i + n < end && s[i + n] == '.' ? scan_acronym(s, i, end, &uppers, &others) : i;
            if (j == i) {
                uppers = k == C_UPPER;
                others = !uppers;
                j = i + n;
            }
            /* An acronym may go on with a hyphen or apostrophe
             * (U.S.-brokered, U.K.'s); a plain word with anything. */
            bool go_on = j == i + n;
            if (!go_on && j < end) {
                int len2;
                int k2 = class_at(s, j, end, &len2, NULL);
                go_on = k2 == C_APOS || k2 == C_HYPHEN;
            }
            if (go_on) j = scan_word_rest(s, j, end, &uppers, &others);
            if (!push_token(z, i, j, TOK_WORD, word_flags(k, uppers, others))) return false;
            i = j;
            continue;
        }
        if (k == C_DIGIT) {
            size_t j = i;
            while (j < end && is_digit(s[j]))
                j++;
            /* thousands groups: ",ddd" not followed by another digit */
            while (j + 3 < end && s[j] == ',' && is_digit(s[j + 1]) && is_digit(s[j + 2]) &&
                   is_digit(s[j + 3]) && (j + 4 >= end || !is_digit(s[j + 4])))
                j += 4;
            if (j + 1 < end && s[j] == '.' && is_digit(s[j + 1])) {
                j++;
                while (j < end && is_digit(s[j]))
                    j++;
            }
            int kind = TOK_NUMBER;
            if (j < end && s[j] == '%') {
                j++;
                kind = TOK_PERCENT;
            } else if (j < end) {
                int len2;
                int k2 = class_at(s, j, end, &len2, NULL);
                if (is_letter_class(k2)) {
                    size_t w = j;
                    while (w < end && s[w] < 0x80 && is_letter_class(ascii_class[s[w]]))
                        w++;
                    bool suffix_end =
                        w >= end || (s[w] < 0x80 && !is_word_class(ascii_class[s[w]]) &&
                                     ascii_class[s[w]] != C_APOS && ascii_class[s[w]] != C_HYPHEN);
                    const unsigned char *p = s + j;
                    size_t m = w - j;
                    if (suffix_end && (ci_eq(p, m, "st") || ci_eq(p, m, "nd") ||
                                       ci_eq(p, m, "rd") || ci_eq(p, m, "th") || ci_eq(p, m, "s")))
                        j = w; /* 19th, 1990s */
                } else if (k2 == C_HYPHEN && j + (size_t)len2 < end) {
                    int len3;
                    int k3 = class_at(s, j + (size_t)len2, end, &len3, NULL);
                    if (is_letter_class(k3)) {
                        /* 35-year-old: one word */
                        int uppers = 0, others = 0;
                        size_t w = scan_word_rest(s, j + (size_t)len2, end, &uppers, &others);
                        if (!push_token(z, i, w, TOK_WORD, 0)) return false;
                        i = w;
                        continue;
                    }
                }
            }
            if (!push_token(z, i, j, kind, 0)) return false;
            i = j;
            continue;
        }
        if (k == C_PERIOD) {
            size_t j = i + 1;
            while (j < end && s[j] == '.')
                j++;
            if (!push_token(z, i, j, TOK_PUNCT, 0)) return false;
            i = j;
            continue;
        }
        /* any other character, with the combining marks written on it */
        size_t j = i + n;
        while (j < end) {
            int len2;
            int k2 = class_at(s, j, end, &len2, NULL);
            if (k2 != C_MARK) break;
            j += (size_t)len2;
        }
        if (!push_token(z, i, j, TOK_PUNCT, 0)) return false;
        i = j;
    }
    return true;
}

/* ---- Sentences --------------------------------------------------------------- */

/* Words that are written with a period but do not end a sentence by it.
 * Case matters: "No." is an abbreviation, "no." ends "He said no." */
// clang-format off
static const char *const ABBREVIATIONS[] = {
    /* titles and ranks */
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Mme", "Mlle", "Dr", "Drs", "Prof", "Sen", "Sens", "Rep",
    "Reps", "Gov", "Govs", "Gen", "Gens", "Lt", "Col", "Maj", "Capt", "Cmdr", "Cmdt", "Adm", "Sgt",
    "Cpl", "Pvt", "Brig", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Atty", "Amb", "Fr", "Msgr",
    "Sr", "Jr", "St", "Mt", "Ft", "Sra", "Sta",
    /* months and days */
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon",
    "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
    /* references and companies */
    "No", "Nos", "Nr", "Vol", "Vols", "Fig", "Figs", "Art", "Ch", "Sec", "Sect", "Para", "pp",
    "vs", "etc", "al", "approx", "est", "cf", "ca", "viz", "Inc", "Ltd", "Co", "Corp", "Cie",
    "Plc", "Bros", "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd",
    /* US states as abbreviated in news style */
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
    "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla",
    "Ore", "Pa", "Penn", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wisc", "Wyo",
};

/* Words that commonly open a sentence; after an ambiguous period, one of
 * these says a new sentence has begun. */
static const char *const STARTERS[] = {
    "The", "A", "An", "This", "That", "These", "Those", "There", "Here", "It", "Its", "He",
    "She", "His", "Her", "They", "Their", "We", "Our", "I", "You", "Your", "My", "But", "And",
    "Or", "Nor", "So", "Yet", "Then", "Now", "However", "Meanwhile", "Still", "Also", "Moreover",
    "Furthermore", "Instead", "Thus", "Therefore", "Although", "Though", "While", "When",
    "Where", "Why", "What", "Who", "Which", "How", "If", "Unless", "Because", "Since", "As",
    "After", "Before", "Until", "During", "Despite", "In", "On", "At", "For", "From", "With",
    "Without", "By", "To", "Under", "Over", "Some", "Many", "Most", "Several", "All", "Both",
    "Each", "Every", "No", "Not", "One", "Such", "Other", "Another", "Only", "Even", "Earlier",
    "Later", "Last", "Next", "According", "Asked", "Officials", "Yes",
};
// clang-format on

static bool in_list(const char *const *list, size_t n, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const char *w = list[i];
        if ((unsigned char)w[0] == p[0] && strncmp(w, (const char *)p, len) == 0 && w[len] == 0)
            return true;
    }
    return false;
}

#define COUNT(x) (sizeof(x) / sizeof((x)[0]))

static inline size_t tok_len(const text_token *t)
{
    return t->end - t->start;
}

static int32_t first_cp(const analyzer *z, const text_token *t, int *cls)
{
    int len;
    int32_t cp;
    *cls = class_at(z->s, t->start, t->end, &len, &cp);
    return cp;
}

/* The first code point of a token, without its class. */
static inline int32_t token_cp(const analyzer *z, const text_token *t)
{
    int len;
    return decode(z->s + t->start, t->end - t->start, &len);
}

/* Sentence-ending punctuation; *needs_space tells whether whitespace is
 * needed after it (scripts without spaces end sentences without it). */
static bool is_terminator(const analyzer *z, const text_token *t, bool *needs_space)
{
    *needs_space = true;
    if (t->kind != TOK_PUNCT) return false;
    unsigned char c = z->s[t->start];
    if (c == '.' || c == '?' || c == '!') return true;
    if (c < 0x80) return false;
    switch (token_cp(z, t)) {
    case 0x2026: /* … */
    case 0x203C: /* ‼ */
    case 0x2047: /* ⁇ */
    case 0x2048: /* ⁈ */
    case 0x2049: /* ⁉ */
        return true;
    case 0x3002: /* 。 */
    case 0xFF01: /* ！ */
    case 0xFF1F: /* ？ */
    case 0xFF0E: /* ． */
    case 0x061F: /* Arabic question mark */
    case 0x06D4: /* Arabic full stop */
    case 0x0964: /* danda */
    case 0x0965: /* double danda */
        *needs_space = false;
        return true;
    default:
        return false;
    }
}

/* Closing quotes and brackets that stay with the sentence they close. */
static bool is_closer(const analyzer *z, const text_token *t)
{
    if (t->kind != TOK_PUNCT) return false;
    unsigned char c = z->s[t->start];
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') return true;
    if (c < 0x80) return false;
    int32_t cp = token_cp(z, t);
    return cp == 0x201D || cp == 0x2019 || cp == 0x00BB || cp == 0x203A || cp == 0x201C ||
           cp == 0x300D || cp == 0x300F || cp == 0xFF09;
}

/* Opening quotes and brackets that may come before a sentence's first word. */
static bool is_opener(const analyzer *z, const text_token *t)
{
    if (t->kind != TOK_PUNCT) return false;
    unsigned char c = z->s[t->start];
    if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{') return true;
    if (c < 0x80) return false;
    int32_t cp = token_cp(z, t);
    return cp == 0x201C || cp == 0x2018 || cp == 0x201E || cp == 0x00AB || cp == 0x2039 ||
           cp == 0x00BF || cp == 0x00A1 || cp == 0x300C || cp == 0x300E || cp == 0xFF08 ||
           cp == 0x2014 || cp == 0x2013;
}

/* Is the period ending at token index k ambiguous (abbreviation, initial or
 * acronym)? k is the candidate token: an acronym word, or a "." token. */
static bool ambiguous_period(const analyzer *z, size_t k, size_t first)
{
    const text_token *t = &z->tok[k];
    if (t->kind == TOK_WORD) return true; /* acronym ending in a period */
    if (tok_len(t) != 1 || k == first) return false;
    const text_token *w = &z->tok[k - 1];
    if (w->end != t->start || w->kind != TOK_WORD) return false;
    const unsigned char *p = z->s + w->start;
    size_t n = tok_len(w);
    int len;
    class_at(z->s, w->start, w->end, &len, NULL);
    if ((size_t)len == n) return true; /* a single letter: an initial */
    return in_list(ABBREVIATIONS, COUNT(ABBREVIATIONS), p, n);
}

/* Verbs that attribute a quote ("..." he said). */
static const char *const SPEECH_VERBS[] = {
    "said",   "says",     "asked",   "asks",    "added",   "adds",   "told",     "tells",
    "wrote",  "writes",   "replied", "replies", "shouted", "yelled", "cried",    "exclaimed",
    "stated", "insisted", "noted",   "warned",  "tweeted", "posted", "declared",
};

/* Do capitalised words (a speaker: "Trump", "Mr Rubio", "Secretary Marco
 * Rubio") and then a verb of saying start at token w? */
static bool attribution_follows(const analyzer *z, size_t w, size_t line_end_tok)
{
    size_t names = 0;
    for (size_t i = w; i < line_end_tok && names <= 4; i++) {
        const text_token *t = &z->tok[i];
        if (t->kind != TOK_WORD) return false;
        if (t->flags & TOKF_CAPITALISED) {
            names++;
            continue;
        }
        return names > 0 && in_list(SPEECH_VERBS, COUNT(SPEECH_VERBS), z->s + t->start, tok_len(t));
    }
    return false;
}

/* Decides whether a sentence ends after token e, given that its terminator
 * is token k and next is the first token after e. */
static bool ends_sentence(const analyzer *z, size_t k, size_t e, size_t next, size_t line_end_tok,
                          size_t first, bool needs_space)
{
    const text_token *last = &z->tok[e];
    const text_token *nt = &z->tok[next];
    if (needs_space && nt->start == last->end) return false;
    /* Look through opening quotes and brackets to the first word. */
    size_t w = next;
    while (w < line_end_tok && is_opener(z, &z->tok[w]))
        w++;
    if (w >= line_end_tok) return true;
    const text_token *wt = &z->tok[w];
    int cls;
    first_cp(z, wt, &cls);
    if (cls == C_LOWER) return false;
    if (wt->kind == TOK_PUNCT && w == next) return false; /* , ; : and the like */
    if (!needs_space) return true;
    const text_token *term = &z->tok[k];
    unsigned char c = z->s[term->start];
    bool period = term->kind == TOK_WORD || (c == '.' && tok_len(term) == 1);
    /* “Why now?” Trump asked. A quoted question or exclamation followed by
     * its speaker and a verb of saying goes on in the same sentence. */
    if ((c == '?' || c == '!') && e > k && is_closer(z, last) && w == next &&
        attribution_follows(z, w, line_end_tok))
        return false;
    if (!period) return true; /* ? ! ... */
    /* "6. 1" and "$2. 5 million": a number, a period, a number is a decimal
     * broken by a space, not a sentence end (news style spells out a number
     * that would open a sentence) */
    if (term->kind == TOK_PUNCT && k > first && z->tok[k - 1].end == term->start &&
        z->tok[k - 1].kind == TOK_NUMBER && e == k && w == next &&
        (wt->kind == TOK_NUMBER || wt->kind == TOK_PERCENT))
        return false;
    if (!ambiguous_period(z, k, first)) return true;
    if (wt->kind != TOK_WORD || !(wt->flags & TOKF_CAPITALISED)) return false;
    return in_list(STARTERS, COUNT(STARTERS), z->s + wt->start, tok_len(wt));
}

static bool push_sentence(analyzer *z, size_t first, size_t last, size_t para)
{
    if (!grow(z->a, (void **)&z->sent, &z->cap_sent, z->n_sent, sizeof *z->sent)) return false;
    z->sent[z->n_sent++] = (text_sentence){z->tok[first].start, z->tok[last].end, (uint32_t)first,
                                           (uint32_t)(last - first + 1), (uint32_t)para};
    for (size_t i = first; i <= last; i++) {
        if (z->tok[i].kind != TOK_PUNCT) {
            z->tok[i].flags |= TOKF_SENT_START;
            break;
        }
    }
    return true;
}

static inline bool is_straight_quote(const analyzer *z, const text_token *t)
{
    return t->kind == TOK_PUNCT && t->end - t->start == 1 && z->s[t->start] == '"';
}

static bool split_sentences(analyzer *z, size_t t0, size_t t1, size_t para)
{
    size_t start = t0;
    size_t qpos = t0;  /* straight double quotes counted up to here */
    size_t quotes = 0; /* ... and how many */
    for (size_t k = t0; k < t1; k++) {
        const text_token *t = &z->tok[k];
        bool needs_space = true;
        bool cand;
        if (t->kind == TOK_WORD)
            cand = z->s[t->end - 1] == '.';
        else
            cand = is_terminator(z, t, &needs_space);
        if (!cand) continue;
        /* absorb adjacent terminators and closers: ?!  .”  .)  ." */
        size_t e = k;
        while (e + 1 < t1 && z->tok[e + 1].start == z->tok[e].end) {
            bool ns;
            if (is_closer(z, &z->tok[e + 1]) || is_terminator(z, &z->tok[e + 1], &ns))
                e++;
            else
                break;
        }
        /* A closing quote set off by spaces, as in text joined from
         * tokens: `happen. " Next`. ” and » always close; a straight quote
         * closes when an odd number of them came before it in the line. */
        if (e + 1 < t1 && z->tok[e + 1].start > z->tok[e].end &&
            (e + 2 >= t1 || z->tok[e + 2].start > z->tok[e + 1].end)) {
            const text_token *q = &z->tok[e + 1];
            int32_t cp = q->kind == TOK_PUNCT ? token_cp(z, q) : 0;
            bool closing = cp == 0x201D || cp == 0x00BB;
            if (cp == '"') {
                for (; qpos <= e; qpos++)
                    quotes += is_straight_quote(z, &z->tok[qpos]);
                closing = quotes % 2 == 1;
            }
            if (closing) e++;
        }
        if (e + 1 >= t1) break;
        if (ends_sentence(z, k, e, e + 1, t1, t0, needs_space)) {
            if (!push_sentence(z, start, e, para)) return false;
            start = e + 1;
        }
        k = e;
    }
    if (start < t1 && !push_sentence(z, start, t1 - 1, para)) return false;
    return true;
}

/* ---- Driver ------------------------------------------------------------------ */

int text_analyze(arena *a, const char *text, size_t len, text_doc *out)
{
    memset(out, 0, sizeof *out);
    out->text = text;
    out->len = len;
    if (!text || !len) return 0;
    if (len >= UINT32_MAX) return -1;
    analyzer z = {.a = a, .s = (const unsigned char *)text};
    /* first guesses that avoid most regrowth: a token per ~6 bytes */
    z.cap_tok = len / 6 + 16;
    z.tok = arena_alloc(a, z.cap_tok * sizeof *z.tok);
    z.cap_sent = len / 100 + 4;
    z.sent = arena_alloc(a, z.cap_sent * sizeof *z.sent);
    z.cap_para = len / 400 + 4;
    z.para = arena_alloc(a, z.cap_para * sizeof *z.para);
    if (!z.tok || !z.sent || !z.para) return -1;

    size_t i = 0;
    while (i < len) {
        /* stored text has LF only; a CR left in a line counts as a space */
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t t0 = z.n_tok;
        if (!tokenize_line(&z, i, e)) return -1;
        if (z.n_tok > t0) {
            size_t s0 = z.n_sent;
            if (!split_sentences(&z, t0, z.n_tok, z.n_para)) return -1;
            if (!grow(a, (void **)&z.para, &z.cap_para, z.n_para, sizeof *z.para)) return -1;
            z.para[z.n_para++] = (text_paragraph){z.tok[t0].start, z.tok[z.n_tok - 1].end,
                                                  (uint32_t)s0, (uint32_t)(z.n_sent - s0)};
        }
        i = e < len ? e + 1 : e;
    }
    out->tokens = z.tok;
    out->n_tokens = z.n_tok;
    out->sentences = z.sent;
    out->n_sentences = z.n_sent;
    out->paragraphs = z.para;
    out->n_paragraphs = z.n_para;
    return 0;
}
