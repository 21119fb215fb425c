// lang_cld2.cc - the one C++ file of the text layer: a C entry point to
// CLD2's language detector, used by text_language() in lang.c.
// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <climits>
#include <cstddef>

// CLD2 names languages through this function of its internal header.
namespace CLD2 {
const char *LanguageCode(Language lang);
}

extern "C" int accord_cld2_detect(const char *text, size_t len, const char **code, int *percent,
                                  int *reliable);

// Detects the language of plain UTF-8 text. Returns 0 and sets *code (a
// static string such as "en" or "un"), *percent (share of the text in that
// language) and *reliable; -1 when CLD2 saw no letters or the text is not
// valid UTF-8.
extern "C" int accord_cld2_detect(const char *text, size_t len, const char **code, int *percent,
                                  int *reliable)
{
    *code = "un";
    *percent = 0;
    *reliable = 0;
    if (!text || len == 0) return -1;
    int n = len > (size_t)INT_MAX ? INT_MAX : (int)len;
    CLD2::Language lang3[3];
    int pct3[3];
    double score3[3];
    int text_bytes = 0;
    int valid_prefix = 0;
    bool is_reliable = false;
    CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
        text, n, true, &hints, 0, lang3, pct3, score3, nullptr, &text_bytes, &is_reliable,
        &valid_prefix);
    if (valid_prefix < n || text_bytes == 0) return -1;
    const char *c = CLD2::LanguageCode(lang);
    if (c) *code = c;
    *percent = pct3[0];
    *reliable = is_reliable ? 1 : 0;
    return 0;
}
