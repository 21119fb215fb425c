/* lang.c - language identification.
 *
 * CLD2 does the work (through the C++ shim in lang_cld2.cc). Its verdict is
 * taken only when it is sure: a reliable answer is reported with the share
 * of the text in that language as confidence; an unreliable one is kept
 * when one language still covers most of the text, at half confidence;
 * anything else, and text CLD2 cannot read, is "und" (undetermined). */
#include "text.h"

#include <string.h>

int accord_cld2_detect(const char *text, size_t len, const char **code, int *percent,
                       int *reliable);

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
    if (!len || accord_cld2_detect(text, len, &code, &percent, &reliable) < 0) return "und";
    if (!code || strcmp(code, "un") == 0 || strcmp(code, "xxx") == 0) return "und";
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
