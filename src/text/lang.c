/* lang.c - language identification.
 *
 * CLD2 does the work (through the C++ shim in lang_cld2.cc). Its verdict is
 * taken only when it is sure: a reliable answer is reported with the share
 * of the text in that language as confidence; an unreliable one is kept
 * when one language still covers most of the text, at half confidence;
 * anything else, and text CLD2 cannot read, is "und" (undetermined). */
#include "text.h"

#include <string.h>

enum { LANG_SAMPLE = 32 * 1024 };

int accord_cld2_detect(const char *text, size_t len, const char **code, int *percent,
                       int *reliable);

/* CLD2's code for a language as ISO 639-1: CLD2 keeps a few codes ISO has
 * withdrawn (iw for Hebrew), tags Chinese and Serbian variants (zh-Hant),
 * and names scripts rather than languages with xx-. NULL: no language. */
static const char *iso_code(const char *code)
{
    if (!code || !*code || strcmp(code, "un") == 0 || strncmp(code, "xx", 2) == 0) return NULL;
    if (strcmp(code, "iw") == 0) return "he";
    if (strcmp(code, "jw") == 0) return "jv";
    if (strcmp(code, "in") == 0) return "id";
    if (strncmp(code, "zh-", 3) == 0) return "zh";
    if (strncmp(code, "sr-", 3) == 0) return "sr";
    return code;
}

const char *text_language(const char *text, size_t len, double *confidence)
{
    const char *code = "un";
    int percent = 0, reliable = 0;
    if (confidence) *confidence = 0;
    if (!text || !len) return "und";
    /* CLD2 refuses text with invalid UTF-8 outright; judge the valid
     * prefix instead, which for repaired text is all of it. */
    size_t bad;
    if (!text_utf8_valid(text, len, &bad)) len = bad;
    /* 32 KB say which language an article is in as well as the whole of a
     * long one, at a bounded cost; cut at a character boundary. */
    if (len > LANG_SAMPLE) {
        len = LANG_SAMPLE;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (!len || accord_cld2_detect(text, len, &code, &percent, &reliable) < 0) return "und";
    code = iso_code(code);
    if (!code) return "und";
    double share = percent / 100.0;
    if (reliable) {
        if (confidence) *confidence = share;
        return code;
    }
    if (percent >= 60) {
        if (confidence) *confidence = share / 2;
        return code;
    }
    return "und";
}
