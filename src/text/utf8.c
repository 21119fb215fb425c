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
 * Normalisation is utf8proc's. Most news text is ASCII, which is already in
 * NFC, so NFC copies ASCII text without calling utf8proc at all. The match
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
    while (i < len && s[i] && s[i] < 0x80) i++;
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
        while (i < len && s[i] < 0x80) i++;
        if (i > start) buf_append(out, s + start, i - start);
        if (i < len) {
            unsigned char c = s[i++];
            put_codepoint(out, c < 0xA0 ? CP1252_HIGH[c - 0x80] : c);
        }
    }
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
    if ((uint64_t)len > (uint64_t)(PTRDIFF_MAX / 8)) {
        buf_free(&fixed);
        return -1;
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
                                             &dst, (utf8proc_option_t)options, fn, NULL);
    buf_free(&fixed);
    if (n < 0) return -1;
    buf_append(out, dst, (size_t)n);
    free(dst);
    return buf_failed(out) ? -1 : 0;
}

int text_nfc(const char *in, size_t len, buf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    if (!in || !len) return 0;
    /* ASCII without CR is its own NFC: copy it without utf8proc. */
    size_t a = ascii_prefix(s, len);
    if (a == len && !memchr(in, '\r', len)) {
        buf_append(out, in, len);
        return buf_failed(out) ? -1 : 0;
    }
    /* NLF2LF maps CRLF, CR and NEL to LF; STABLE keeps NFC stable across
     * Unicode versions. */
    return map_utf8(in, len, out, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_NLF2LF, NULL);
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
