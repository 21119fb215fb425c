/* utf8.c - UTF-8 checking and repair, Latin-1 conversion, NFC for storage
 * and match keys for comparison.
 *
 * Validation follows the Unicode definition of well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF) and also refuses
 * NUL, which has no place in article text and would cut C strings short.
 * Repair replaces every byte that is not part of a well-formed sequence with
 * U+FFFD, one replacement per bad byte, so the count reported is a count of
 * bytes, easy to explain to a user ("3 bytes replaced from offset 120").
 *
 * Normalisation is utf8proc's, called only where it can change something:
 * NFC copies ASCII and runs of characters that are their own NFC in any
 * context, and hands utf8proc only the short stretches around combining
 * marks, jamo and decomposable characters (nfc_valid explains why that is
 * exact; a unit test checks it against utf8proc for every code point).
 * Runs of more than 30 marks are broken up as Unicode's Stream-Safe Text
 * Format says, which keeps normalisation linear on hostile input. The match
 * key is NFKC plus case folding plus a custom mapping, applied by utf8proc
 * before decomposition, that unifies the many quote, apostrophe and dash
 * characters with their ASCII forms: "Zelensky’s" and "Zelensky's" match,
 * "Russia–Ukraine" and "Russia-Ukraine" match. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char REPLACEMENT[3] = {(char)0xEF, (char)0xBF, (char)0xBD};

/* Length of the well-formed sequence starting at s[0] (s has n >= 1 bytes),
 * or 0 when s[0] does not start one. NUL counts as malformed. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return c ? 1 : 0;
    if (c < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* Offset of the first byte that is not printable-or-control ASCII other than
 * NUL, scanning eight bytes at a time. */
static size_t ascii_prefix(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* high bit set in any byte, or any byte zero */
        uint64_t zero = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
        if ((w & 0x8080808080808080ULL) || zero) break;
        i += 8;
    }
    while (i < len && s[i] && s[i] < 0x80)
        i++;
    return i;
}

bool text_utf8_valid(const char *in, size_t len, size_t *first_bad)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    if (first_bad) *first_bad = SIZE_MAX;
    if (!in) return len == 0;
    while (i < len) {
        i += ascii_prefix(s + i, len - i);
        if (i >= len) break;
        size_t n = utf8_seq_len(s + i, len - i);
        if (!n) {
            if (first_bad) *first_bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t text_utf8_repair(const char *in, size_t len, buf *out, size_t *first_bad)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t repaired = 0, i = 0;
    if (first_bad) *first_bad = SIZE_MAX;
    if (!in || !len) return 0;
    buf_reserve(out, len + 1);
    while (i < len) {
        size_t start = i;
        while (i < len) {
            size_t a = ascii_prefix(s + i, len - i);
            i += a;
            if (i >= len) break;
            size_t n = utf8_seq_len(s + i, len - i);
            if (!n) break;
            i += n;
        }
        if (i > start) buf_append(out, s + start, i - start);
        if (i < len) {
            if (first_bad && *first_bad == SIZE_MAX) *first_bad = i;
            buf_append(out, REPLACEMENT, sizeof REPLACEMENT);
            repaired++;
            i++;
        }
    }
    return repaired;
}

/* Windows-1252 for 0x80-0x9F; the five bytes it leaves undefined keep their
 * Latin-1 (C1 control) meaning. */
static const uint16_t CP1252_HIGH[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static void put_codepoint(buf *out, uint32_t c)
{
    char tmp[4];
    size_t n;
    if (c < 0x80) {
        tmp[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        tmp[0] = (char)(0xC0 | (c >> 6));
        tmp[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xE0 | (c >> 12));
        tmp[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        tmp[0] = (char)(0xF0 | (c >> 18));
        tmp[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_append(out, tmp, n);
}

void text_latin1_to_utf8(const char *in, size_t len, buf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    if (!in || !len) return;
    buf_reserve(out, len + len / 4 + 1);
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] < 0x80)
            i++;
        if (i > start) buf_append(out, s + start, i - start);
        if (i < len) {
            unsigned char c = s[i++];
            put_codepoint(out, c < 0xA0 ? CP1252_HIGH[c - 0x80] : c);
        }
    }
}

/* Decodes the code point at s[0], which starts a valid multi-byte sequence. */
static int32_t decode_valid(const unsigned char *s, size_t *n)
{
    unsigned char c = s[0];
    if (c < 0xE0) {
        *n = 2;
        return ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c < 0xF0) {
        *n = 3;
        return ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *n = 4;
    return ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
           ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

enum { MAX_NONSTARTERS = 30 };

/* Unicode's Stream-Safe Text Format (UAX #15): after 30 non-starters
 * (combining marks) in a row, insert U+034F COMBINING GRAPHEME JOINER.
 * Normalisation sorts each run of marks, at a cost that grows with the
 * square of its length; no writing system needs more than a few marks on one
 * base, so only broken or hostile input is changed. Marks with combining
 * class 0 count too, since some decompose into non-starters. Returns true
 * when it wrote the changed text to tmp. */
static bool stream_safe(const unsigned char *s, size_t len, buf *tmp)
{
    size_t i = 0, run = 0, copied = 0;
    bool changed = false;
    while (i < len) {
        size_t n = 1;
        int32_t c = s[i];
        if (c >= 0x80) c = decode_valid(s + i, &n);
        bool mark = false;
        if (c >= 0x300) {
            const utf8proc_property_t *p = utf8proc_get_property(c);
            mark = p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN ||
                   p->category == UTF8PROC_CATEGORY_MC || p->category == UTF8PROC_CATEGORY_ME;
        }
        if (!mark) {
            run = 0;
        } else if (++run > MAX_NONSTARTERS) {
            buf_append(tmp, s + copied, i - copied);
            buf_append(tmp, "\xcd\x8f", 2);
            copied = i;
            run = 1;
            changed = true;
        }
        i += n;
    }
    if (changed) buf_append(tmp, s + copied, len - copied);
    return changed;
}

/* Runs utf8proc on valid UTF-8 (repairing first when needed) and appends
 * the result to out. */
static int map_utf8(const char *in, size_t len, buf *out, int options, utf8proc_custom_func fn)
{
    buf fixed = BUF_INIT;
    if (!text_utf8_valid(in, len, NULL)) {
        text_utf8_repair(in, len, &fixed, NULL);
        if (buf_failed(&fixed)) {
            buf_free(&fixed);
            return -1;
        }
        in = fixed.data;
        len = fixed.len;
    }
    buf safe = BUF_INIT;
    if (stream_safe((const unsigned char *)in, len, &safe)) {
        in = safe.data;
        len = safe.len;
        /* dropping ignorables would drop the joiners just inserted */
        options &= ~UTF8PROC_IGNORE;
    }
    if (buf_failed(&safe) || (uint64_t)len > (uint64_t)(PTRDIFF_MAX / 8)) {
        buf_free(&fixed);
        buf_free(&safe);
        return -1;
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
                                             &dst, (utf8proc_option_t)options, fn, NULL);
    buf_free(&fixed);
    buf_free(&safe);
    if (n < 0) return -1;
    buf_append(out, dst, (size_t)n);
    free(dst);
    return buf_failed(out) ? -1 : 0;
}

/* True when code point c is its own NFC in any context that our chunking
 * gives it: a starter (combining class 0) that is not a mark, not a Hangul
 * jamo or syllable (those compose algorithmically), and whose canonical
 * decomposition, if any, composes back to itself (no composition
 * exclusion). Such a character never composes with a neighbour, since the
 * second element of every canonical composition is a mark or a jamo. */
static bool nfc_stable(int32_t c)
{
    if (c >= 0x1100 && c <= 0x11FF) return false;
    if (c >= 0xA960 && c <= 0xA97F) return false;
    if (c >= 0xAC00 && c <= 0xD7FF) return false;
    if (c == 0x0085) return false; /* NEL becomes LF */
    const utf8proc_property_t *p = utf8proc_get_property(c);
    if (p->combining_class != 0) return false;
    switch (p->category) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CS:
        return false;
    default:
        break;
    }
    if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0) return true;
    /* A canonical decomposition: stable only if it composes back to c
     * (not so for singletons such as U+212B or excluded ones such as
     * U+1F71). Decompose and recompose on the stack to find out. */
    if (p->comp_exclusion) return false;
    utf8proc_int32_t d[8];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, &boundclass);
    if (n < 2 || n > 8) return false;
    n = utf8proc_normalize_utf32(d, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    return n == 1 && d[0] == c;
}

/* NFC of valid UTF-8 without utf8proc where it can be avoided. A boundary
 * before an ASCII character is always safe for normalisation (ASCII has no
 * decomposition, is a starter and never the second element of a
 * composition), so the text splits into ASCII bytes, copied as they are
 * (CR and CRLF become LF), and runs of non-ASCII characters. A run whose
 * characters are all stable (nfc_stable) is copied too; only a run with a
 * mark, a jamo or a decomposable character goes through utf8proc, together
 * with the ASCII character before it, which a mark may compose with. */
static int nfc_valid(const unsigned char *s, size_t len, buf *out)
{
    size_t i = 0;
    if (!buf_reserve(out, len)) return -1;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] < 0x80 && s[i] != '\r')
            i++;
        if (i > start) buf_append(out, s + start, i - start);
        if (i >= len) break;
        if (s[i] == '\r') {
            buf_putc(out, '\n');
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        size_t run = i;
        bool stable = true;
        while (i < len && s[i] >= 0x80) {
            size_t n;
            int32_t c = decode_valid(s + i, &n);
            if (stable && !nfc_stable(c)) stable = false;
            i += n;
        }
        if (stable) {
            buf_append(out, s + run, i - run);
            continue;
        }
        size_t from = run;
        if (run > 0 && s[run - 1] >= 0x20 && s[run - 1] < 0x80 && out->len > 0) {
            from = run - 1; /* the base character a mark may compose with */
            out->len--;
        }
        const unsigned char *chunk = s + from;
        size_t chunk_len = i - from;
        buf safe = BUF_INIT;
        if (stream_safe(chunk, chunk_len, &safe)) {
            if (buf_failed(&safe)) return -1;
            chunk = (const unsigned char *)safe.data;
            chunk_len = safe.len;
        }
        utf8proc_uint8_t *dst = NULL;
        utf8proc_ssize_t n = utf8proc_map(chunk, (utf8proc_ssize_t)chunk_len, &dst,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_NLF2LF);
        buf_free(&safe);
        if (n < 0) return -1;
        buf_append(out, dst, (size_t)n);
        free(dst);
    }
    return buf_failed(out) ? -1 : 0;
}

int text_nfc(const char *in, size_t len, buf *out)
{
    if (!in || !len) return 0;
    buf fixed = BUF_INIT;
    if (!text_utf8_valid(in, len, NULL)) {
        text_utf8_repair(in, len, &fixed, NULL);
        if (buf_failed(&fixed)) {
            buf_free(&fixed);
            return -1;
        }
        in = fixed.data;
        len = fixed.len;
    }
    int rc = nfc_valid((const unsigned char *)in, len, out);
    buf_free(&fixed);
    return rc;
}

/* Applied to each code point before NFKC: quotes, apostrophes and dashes
 * become ASCII. Kept as a switch so the compiler builds a jump table. */
static utf8proc_int32_t unify_punct(utf8proc_int32_t c, void *data)
{
    (void)data;
    switch (c) {
    case 0x2018: /* ‘ */
    case 0x2019: /* ’ */
    case 0x201A: /* ‚ */
    case 0x201B: /* ‛ */
    case 0x2039: /* ‹ */
    case 0x203A: /* › */
    case 0x02BC: /* modifier letter apostrophe */
    case 0x02BB: /* modifier letter turned comma */
    case 0x02B9: /* modifier letter prime */
    case 0x2032: /* prime */
    case 0x0060: /* grave accent used as an apostrophe */
    case 0x00B4: /* acute accent used as an apostrophe */
    case 0xFF07: /* fullwidth apostrophe */
        return '\'';
    case 0x201C: /* “ */
    case 0x201D: /* ” */
    case 0x201E: /* „ */
    case 0x201F: /* ‟ */
    case 0x00AB: /* « */
    case 0x00BB: /* » */
    case 0x2033: /* double prime */
    case 0x301D: /* reversed double prime quotation mark */
    case 0x301E: /* double prime quotation mark */
    case 0xFF02: /* fullwidth quotation mark */
        return '"';
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
    case 0x2012: /* figure dash */
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015: /* horizontal bar */
    case 0x2212: /* minus sign */
    case 0xFE58: /* small em dash */
    case 0xFE63: /* small hyphen-minus */
    case 0xFF0D: /* fullwidth hyphen-minus */
        return '-';
    default:
        return c;
    }
}

int text_match_key(const char *in, size_t len, buf *out)
{
    if (!in || !len) return 0;
    size_t a = ascii_prefix((const unsigned char *)in, len);
    if (a == len) {
        /* ASCII: NFKC is the identity; case folding is lower-casing, and
         * the only quote to unify is the backtick. */
        if (!buf_reserve(out, len + 1)) return -1;
        char *d = out->data + out->len;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)in[i];
            d[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c == '`' ? '\'' : c);
        }
        out->len += len;
        out->data[out->len] = 0;
        return 0;
    }
    return map_utf8(in, len, out,
                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                        UTF8PROC_IGNORE | UTF8PROC_NLF2LF,
                    unify_punct);
}
