/* rules.c - the rules that tell news text from the junk scraped with it.
 *
 * Junk comes in two shapes. Whole lines: ad markers ("ARTICLE AD BOX",
 * "Advertisement"), newsletter prompts, "Loading", photo credits
 * ("PHOTO: REUTERS"), reporter credits ("Reporting by ...", "... contributed
 * to this report"), bylines, captions. And pieces inside a paragraph, where
 * a scraper glued them between two sentences: "... with the US, he said.
 * Loading US officials were ...", or a teaser "See Also <headline> However,
 * Bloomberg reported ...", or an agency credit after the last full stop.
 *
 * The rules are the patterns of the trade, not strings of particular
 * sites: an ad marker is a short line whose words are all ad vocabulary; a
 * teaser is a "see also / read more / related" marker at a sentence start
 * followed by a headline, which ends where a sentence visibly starts again
 * (a capitalised function word, a word followed by a comma) or at the next
 * full stop. Every piece taken out is recorded with its reason. */
#include <ctype.h>
#include <string.h>

#include "clean_internal.h"
#include "dates.h"

/* ---- Context ----------------------------------------------------------------- */

void clean_ctx_init(clean_ctx *c, arena *a, const char *source, const clean_learned *learned)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->source = source;
    c->learned = learned;
}

int clean_list_push(clean_ctx *c, clean_list *l, const char *s)
{
    if (!s) {
        c->oom = true;
        return -1;
    }
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        const char **nv = arena_grow(c->a, (void *)l->v, l->cap, nc, sizeof *l->v);
        if (!nv) {
            c->oom = true;
            return -1;
        }
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = s;
    return 0;
}

bool clean_is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Also trims UTF-8 no-break spaces (C2 A0) and zero-width spaces. */
void clean_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    for (;;) {
        if (len && clean_is_space((unsigned char)*p)) {
            p++, len--;
        } else if (len >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p += 2, len -= 2;
        } else if (len >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
                   (unsigned char)p[2] == 0x8B) {
            p += 3, len -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (len && clean_is_space((unsigned char)p[len - 1])) {
            len--;
        } else if (len >= 2 && (unsigned char)p[len - 2] == 0xC2 && (unsigned char)p[len - 1] == 0xA0) {
            len -= 2;
        } else if (len >= 3 && (unsigned char)p[len - 3] == 0xE2 && (unsigned char)p[len - 2] == 0x80 &&
                   (unsigned char)p[len - 1] == 0x8B) {
            len -= 3;
        } else {
            break;
        }
    }
    *s = p;
    *n = len;
}

void clean_note_removed(clean_ctx *c, const char *s, size_t n, const char *reason)
{
    clean_trim(&s, &n);
    if (n == 0) return;
    if (c->n_removed == c->cap_removed) {
        size_t nc = c->cap_removed ? c->cap_removed * 2 : 16;
        clean_removed *nv = arena_grow(c->a, c->removed, c->cap_removed, nc, sizeof *nv);
        if (!nv) {
            c->oom = true;
            return;
        }
        c->removed = nv;
        c->cap_removed = nc;
    }
    const char *copy = arena_strndup(c->a, s, n);
    if (!copy) {
        c->oom = true;
        return;
    }
    c->removed[c->n_removed++] = (clean_removed){copy, reason};
}

void clean_note_caption(clean_ctx *c, const char *s, size_t n)
{
    clean_trim(&s, &n);
    if (!n) return;
    clean_note_removed(c, s, n, "caption");
    clean_list_push(c, &c->captions, arena_strndup(c->a, s, n));
}

void clean_note_credit(clean_ctx *c, const char *s, size_t n)
{
    clean_trim(&s, &n);
    if (!n) return;
    clean_note_removed(c, s, n, "credit");
    clean_list_push(c, &c->credits, arena_strndup(c->a, s, n));
}

/* ---- Words -------------------------------------------------------------------- */

size_t clean_word_count(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool sp = clean_is_space((unsigned char)s[i]);
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

bool clean_ends_sentence(const char *s, size_t n)
{
    clean_trim(&s, &n);
    while (n) {
        /* strip closing quotes */
        size_t k = 0;
        if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
            ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99))
            k = 3;
        else if (s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ')')
            k = 1;
        else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xBB)
            k = 2;
        if (!k) break;
        n -= k;
    }
    if (!n) return false;
    char ch = s[n - 1];
    if (ch == '.' || ch == '!' || ch == '?' || ch == ':') return true;
    /* the ellipsis character */
    return n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
           (unsigned char)s[n - 1] == 0xA6;
}

/* The letters of s, lower-cased, spaces squeezed, other characters dropped:
 * a key to compare short lines against the vocabulary of junk. */
static size_t letter_key(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalpha(ch)) {
            if (space && k) out[k++] = ' ';
            space = false;
            if (k + 1 < cap) out[k++] = (char)tolower(ch);
        } else if (clean_is_space(ch) || ch == '-' || ch == '/' || ch == '|' || ch == ':') {
            space = true;
        }
    }
    out[k] = 0;
    return k;
}

static bool ci_starts(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (n < wl) return false;
    for (size_t i = 0; i < wl; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)w[i])) return false;
    return true;
}

static bool ci_contains(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (wl == 0 || n < wl) return false;
    for (size_t i = 0; i + wl <= n; i++)
        if (tolower((unsigned char)s[i]) == tolower((unsigned char)w[0]) && ci_starts(s + i, n - i, w))
            return true;
    return false;
}

/* s lower-cased (ASCII letters) into out, NUL-terminated; false when it
 * does not fit. The phrase lists below are searched in such a copy. */
static bool lower_copy(const char *s, size_t n, char *out, size_t cap)
{
    if (n + 1 > cap) return false;
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[n] = 0;
    return true;
}

/* w as a whole word (or words) in the lower-cased line l. */
static bool has_word(const char *l, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = strstr(l, w); p; p = strstr(p + 1, w))
        if ((p == l || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[wl])) return true;
    return false;
}

static bool has_any(const char *l, const char *const *phrases)
{
    for (int i = 0; phrases[i]; i++)
        if (strstr(l, phrases[i])) return true;
    return false;
}

/* A call to follow the outlet elsewhere: "Follow us on Twitter",
 * "Siguenos en Telegram, Instagram ...", "download our apps for iOS and
 * Android". A platform named beside words that address the reader. l is
 * the line lower-cased. */
static bool social_call(const char *l)
{
    static const char *const platforms[] = {"twitter", "facebook", "instagram", "telegram", "youtube",
                                            "whatsapp", "tiktok", "linkedin", "google play", "app store",
                                            "itunes", "ios", "android", NULL};
    static const char *const calls[] = {"follow us", "follow @", "join us", "join our", "download our",
                                        "download the", "like us on", "find us on", "our channel",
                                        "our app", "our apps", "s\xC3\xADguenos", "siguenos", "s\xC3\xADganos",
                                        "\xC3\xBAnete", "\xC3\x9Anete", "nuestro canal", "nuestra app", "descarga",
                                        "folge uns", "folgen sie uns", "folgt uns", "unseren kanal",
                                        "unsere app", "suivez-nous", "notre cha\xC3\xAEne",
                                        "notre application", "t\xC3\xA9l\xC3\xA9" "chargez", "seguici",
                                        "siga-nos", NULL};
    bool platform = false;
    for (int i = 0; platforms[i] && !platform; i++) platform = has_word(l, platforms[i]);
    if (!platform) return false;
    return !strncmp(l, "follow ", 7) || has_any(l, calls);
}

/* The notices a publisher sets around its articles: reprint rights,
 * paywall prompts, affiliate and advertising disclosures, disclaimers.
 * Phrases that only such notices use. l is the line lower-cased. */
static bool notice_line(const char *l)
{
    static const char *const phrases[] = {
        /* rights */
        "copyrighted property", "written permission must", "prior written permission",
        "vervielf\xC3\xA4ltigung nur mit", "nur mit genehmigung", "reproduction interdite",
        /* paywall */
        "please subscribe", "already a subscriber", "already subscribed", "first-time subscribers",
        "to read the full story", "to view the full story", "to continue reading", "pour lire la suite",
        "bereits abonnent", "nicht eingeloggt", "you are not logged in",
        /* disclosures */
        "affiliate link", "affiliate-link", "provisions-link", "provisionslink", "advertising disclosure",
        "advertiser disclosure", "contains references to products", "may earn a commission",
        "enth\xC3\xA4lt werbung", "advertising disclaimer",
        /* disclaimers */
        "not necessarily reflect", "do not necessarily represent", "does not necessarily represent",
        "nicht notwendigerweise die", "gibt die meinung des autors", "no necesariamente reflej",
        "not offer medical advice", "not intended as medical advice", NULL};
    return has_any(l, phrases);
}

static bool all_caps(const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (islower(ch)) return false;
        if (isupper(ch)) letters++;
    }
    return letters > 0;
}

/* Words every ad marker is made of. */
static bool ad_vocabulary(const char *key)
{
    static const char *const words[] = {
        "advertisement", "advertisements", "advert", "ad", "ads", "article", "box", "sponsored",
        "content", "story", "continues", "continue", "below", "after", "reading", "the", "main",
        "skip", "scroll", "to", "with", "feedback", "promoted", "promotion", "partner", "paid",
        "post", "anzeige", "werbung", "publicite", "publicidad", "pubblicita", "reklama", "by",
        "stories", "this", "is", "an", "of", "page", "ad:", "end", "adchoices", NULL};
    const char *p = key;
    bool any_ad = false;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t wl = e ? (size_t)(e - p) : strlen(p);
        bool ok = false;
        for (int i = 0; words[i] && !ok; i++)
            ok = strlen(words[i]) == wl && memcmp(words[i], p, wl) == 0;
        if (!ok) return false;
        /* at least one word must name the ad itself */
        static const char *const ad_words[] = {"advertisement", "advertisements", "advert", "ad", "ads",
                                               "ad:", "adchoices", "sponsored", "promoted", "promotion",
                                               "paid", "anzeige", "werbung", "publicite", "publicidad",
                                               "pubblicita", "reklama", NULL};
        for (int i = 0; ad_words[i] && !any_ad; i++)
            any_ad = strlen(ad_words[i]) == wl && memcmp(ad_words[i], p, wl) == 0;
        p = e ? e + 1 : p + wl;
    }
    return any_ad;
}

/* A photo credit: "PHOTO: REUTERS", "Photo: Jane Doe/AP", "Image credit: ...",
 * "(Photo by X/Getty Images)". Short, and led by picture vocabulary. */
static bool photo_credit(const char *s, size_t n)
{
    static const char *const leads[] = {"photo", "photos", "photograph", "image", "images",
                                        "picture", "pictures", "pic", "illustration", "graphic",
                                        "video", "credit", "file photo", "foto", "bild",
                                        "(photo", "(image", "(credit", "photo credit",
                                        "image credit", "photography", NULL};
    if (clean_word_count(s, n) > 14) return false;
    for (int i = 0; leads[i]; i++) {
        size_t l = strlen(leads[i]);
        if (!ci_starts(s, n, leads[i])) continue;
        size_t j = l;
        while (j < n && s[j] == ' ') j++;
        if (j < n && (s[j] == ':' || s[j] == '/' || s[j] == '|' ||
                      ci_starts(s + j, n - j, "by ") || ci_starts(s + j, n - j, "credit")))
            return true;
    }
    /* "Reuters photo", "AP Photo/Evan Vucci", "Getty Images" */
    if (clean_word_count(s, n) <= 8 &&
        (ci_contains(s, n, "getty images") || ci_contains(s, n, "ap photo") ||
         ci_contains(s, n, "reuters photo") || ci_contains(s, n, "afp photo") ||
         ci_contains(s, n, "shutterstock") || ci_contains(s, n, "file photo")))
        return true;
    return false;
}

/* A line that is nothing but an agency or outlet name in capitals:
 * "REUTERS", "AFP", "AP", "BLOOMBERG". */
static bool agency_line(const char *s, size_t n)
{
    if (n == 0 || n > 24 || clean_word_count(s, n) > 2 || !all_caps(s, n)) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(isupper(ch) || ch == ' ' || ch == '/' || ch == '-' || ch == '.' || ch == '&' ||
              ch == '(' || ch == ')'))
            return false;
    }
    return true;
}

static bool is_month_or_weekday_word(const char *s, size_t n)
{
    static const char *const w[] = {"January", "February", "March", "April", "May", "June",
                                    "July", "August", "September", "October", "November",
                                    "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
                                    "Sep", "Sept", "Oct", "Nov", "Dec", NULL};
    for (int i = 0; w[i]; i++)
        if (strlen(w[i]) == n && memcmp(w[i], s, n) == 0) return true;
    return false;
}

/* A participle caption: "X attending Y ... on Dec 19, 2024." A short line
 * with an -ing word among its first words, no quotation, and ending with a
 * date that carries a year. */
static bool participle_caption(const char *s, size_t n)
{
    size_t words = clean_word_count(s, n);
    if (words < 4 || words > 60) return false;
    if (memchr(s, '"', n) || ci_contains(s, n, "\xE2\x80\x9C") || ci_contains(s, n, " said"))
        return false;
    /* ends with ", 2024." or "2024)" */
    size_t e = n;
    while (e && (s[e - 1] == '.' || s[e - 1] == ')' || clean_is_space((unsigned char)s[e - 1]))) e--;
    if (e < 4) return false;
    for (size_t i = e - 4; i < e; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    int year = (s[e - 4] - '0') * 1000 + (s[e - 3] - '0') * 100 + (s[e - 2] - '0') * 10 + (s[e - 1] - '0');
    if (year < 1900 || year > 2100) return false;
    /* a month name shortly before the year */
    bool month = false;
    size_t from = e > 24 ? e - 24 : 0;
    for (size_t i = from; i < e && !month; i++) {
        if (!isupper((unsigned char)s[i]) || (i > 0 && isalpha((unsigned char)s[i - 1]))) continue;
        size_t j = i;
        while (j < e && isalpha((unsigned char)s[j])) j++;
        month = is_month_or_weekday_word(s + i, j - i);
    }
    if (!month) return false;
    /* an -ing word among the first 12 words */
    size_t w = 0, i = 0;
    while (i < n && w < 12) {
        while (i < n && clean_is_space((unsigned char)s[i])) i++;
        size_t st = i;
        while (i < n && !clean_is_space((unsigned char)s[i])) i++;
        size_t len = i - st;
        while (len && !isalpha((unsigned char)s[st + len - 1])) len--;
        if (len > 4 && memcmp(s + st + len - 3, "ing", 3) == 0 && islower((unsigned char)s[st]))
            return true;
        w++;
    }
    return false;
}

/* Line openings of the trade in the languages most news is written in:
 * "see also" boxes, comment forms, sharing prompts, newsletter prompts,
 * picture credits, author boxes, "posted on" lines. Matched at the start
 * of short lines only (case-insensitive for ASCII letters; capitalised
 * variants are listed for words that open with another letter). */
typedef struct line_pat {
    const char *p;
    clean_line_kind k;
} line_pat;

static const line_pat openings[] = {
    /* related and teaser boxes */
    {"auch interessant", LINE_RELATED}, {"das k\xC3\xB6nnte", LINE_RELATED},
    {"das thema k\xC3\xB6nnte", LINE_RELATED}, {"lesen sie auch", LINE_RELATED},
    {"lies auch", LINE_RELATED}, {"mehr zum thema", LINE_RELATED}, {"mehr zu", LINE_RELATED},
    {"weitere artikel", LINE_RELATED}, {"weitere beitr\xC3\xA4ge", LINE_RELATED},
{"weiterf\xC3\xBChrende", LINE_RELATED},
    {"\xC3\x84hnliche", LINE_RELATED}, {"\xC3\xA4hnliche", LINE_RELATED},
    {"verwandte", LINE_RELATED}, {"empfohlene", LINE_RELATED}, {"am meisten gelesen", LINE_RELATED},
    {"meistgelesen", LINE_RELATED}, {"das k\xC3\xB6nnte sie", LINE_RELATED}, {"explore further", LINE_RELATED},
    {"keep reading", LINE_RELATED}, {"continue reading", LINE_RELATED}, {"more like this", LINE_RELATED},
    {"temas relacionados", LINE_RELATED}, {"noticias relacionadas", LINE_RELATED},
    {"art\xC3\xAD" "culos relacionados", LINE_RELATED}, {"lee tambi\xC3\xA9n", LINE_RELATED},
    {"te puede interesar", LINE_RELATED}, {"tambi\xC3\xA9n te puede", LINE_RELATED},
    {"\xC3\xA0 lire aussi", LINE_RELATED}, {"\xC3\x80 lire aussi", LINE_RELATED}, {"lire aussi", LINE_RELATED},
    {"\xC3\xA0 d\xC3\xA9" "couvrir", LINE_RELATED}, {"\xC3\x80 d\xC3\xA9" "couvrir", LINE_RELATED},
    {"sur le m\xC3\xAAme sujet", LINE_RELATED}, {"leggi anche", LINE_RELATED},
    {"potrebbe interessarti", LINE_RELATED}, {"zobacz te\xC5\xBC", LINE_RELATED},
    {"czytaj te\xC5\xBC", LINE_RELATED}, {"lees ook", LINE_RELATED}, {"les ogs\xC3\xA5", LINE_RELATED},
    /* comments and sharing */
    {"kommentar", LINE_SOCIAL}, {"keine kommentare", LINE_SOCIAL}, {"leave a reply", LINE_SOCIAL},
    {"leave a comment", LINE_SOCIAL}, {"post a comment", LINE_SOCIAL}, {"add a comment", LINE_SOCIAL},
    {"comentarios", LINE_SOCIAL}, {"commentaires", LINE_SOCIAL}, {"commenti", LINE_SOCIAL},
    {"name *", LINE_SOCIAL}, {"name*", LINE_SOCIAL}, {"e-mail *", LINE_SOCIAL}, {"email *", LINE_SOCIAL},
    {"teilen", LINE_SOCIAL}, {"artikel teilen", LINE_SOCIAL}, {"diesen artikel", LINE_SOCIAL},
    {"jetzt teilen", LINE_SOCIAL}, {"compartir", LINE_SOCIAL}, {"partager", LINE_SOCIAL},
    {"condividi", LINE_SOCIAL}, {"be sociable", LINE_SOCIAL}, {"like this:", LINE_SOCIAL},
    {"gef\xC3\xA4llt mir", LINE_SOCIAL}, {"liken", LINE_SOCIAL}, {"folge uns", LINE_SOCIAL},
    {"folgen sie uns", LINE_SOCIAL}, {"s\xC3\xADguenos", LINE_SOCIAL}, {"suivez-nous", LINE_SOCIAL},
    {"war der artikel", LINE_SOCIAL}, {"war dieser artikel", LINE_SOCIAL}, {"was this article", LINE_SOCIAL},
    {"m\xC3\xB6" "chten sie den artikel", LINE_SOCIAL}, {"bewerten", LINE_SOCIAL}, {"rate this", LINE_SOCIAL},
    /* newsletters and subscriptions */
    {"abonnieren", LINE_NEWSLETTER}, {"jetzt abonnieren", LINE_NEWSLETTER}, {"jetzt anmelden", LINE_NEWSLETTER},
    {"melden sie sich", LINE_NEWSLETTER}, {"suscr\xC3\xAD" "bete", LINE_NEWSLETTER},
    {"inscr\xC3\xAD" "bete", LINE_NEWSLETTER}, {"abonnez-vous", LINE_NEWSLETTER},
    {"inscrivez-vous", LINE_NEWSLETTER}, {"iscriviti", LINE_NEWSLETTER}, {"enter your email", LINE_NEWSLETTER},
    {"get the ", LINE_TEXT}, /* placeholder so "get the ... newsletter" is left to the newsletter rule */
    /* picture credits */
    {"bild:", LINE_PHOTO_CREDIT}, {"bilder:", LINE_PHOTO_CREDIT}, {"bildquelle", LINE_PHOTO_CREDIT},
    {"beitragsbild", LINE_PHOTO_CREDIT}, {"titelbild", LINE_PHOTO_CREDIT}, {"titelfoto", LINE_PHOTO_CREDIT},
    {"foto:", LINE_PHOTO_CREDIT}, {"fotos:", LINE_PHOTO_CREDIT}, {"fotograf", LINE_PHOTO_CREDIT},
    {"cr\xC3\xA9" "dits photo", LINE_PHOTO_CREDIT}, {"cr\xC3\xA9" "dit photo", LINE_PHOTO_CREDIT},
    {"imagen:", LINE_PHOTO_CREDIT}, {"\xC2\xA9", LINE_PHOTO_CREDIT}, {"(c) ", LINE_PHOTO_CREDIT},
    {"bild anzeigen", LINE_PHOTO_CREDIT}, {"quelle:", LINE_PHOTO_CREDIT},
    /* author boxes and "posted on" lines */
    {"\xC3\xBC" "ber den autor", LINE_BOILER}, {"\xC3\x9C" "ber den autor", LINE_BOILER},
    {"\xC3\x9C" "ber die autorin", LINE_BOILER}, {"about the author", LINE_BOILER},
    {"mehr beitr\xC3\xA4ge von", LINE_BOILER}, {"artikel von", LINE_META}, {"autor:", LINE_META},
    {"autorin:", LINE_META}, {"author:", LINE_META}, {"posted by", LINE_META}, {"posted on", LINE_META},
    {"published on", LINE_META}, {"last modified", LINE_META}, {"last updated", LINE_META},
    {"updated:", LINE_META}, {"aktualisiert", LINE_META}, {"ver\xC3\xB6" "ffentlicht am", LINE_META},
    {"ver\xC3\xB6" "ffentlichung:", LINE_META}, {"erstellt am", LINE_META}, {"stand:", LINE_META},
    {"dieser eintrag wurde", LINE_META}, {"der beitrag wurde am", LINE_META},
    {"this entry was posted", LINE_META}, {"eingestellt von", LINE_META}, {"publi\xC3\xA9 le", LINE_META},
    {"mis \xC3\xA0 jour", LINE_META}, {"publicado el", LINE_META}, {"release date", LINE_META},
    {"tags:", LINE_META}, {"schlagworte", LINE_META}, {"schlagw\xC3\xB6rter", LINE_META},
    {"themen:", LINE_META}, {"kategorien:", LINE_META}, {"kategorie:", LINE_META}, {"categories:", LINE_META},
    {"filed under", LINE_META}, {"etiquetas:", LINE_META}, {"mots-cl\xC3\xA9s", LINE_META},
    {"weiterlesen", LINE_RELATED}, {"zum artikel", LINE_RELATED}, {"zum beitrag", LINE_RELATED},
    {"wie bewerten sie", LINE_SOCIAL}, {"den artikel", LINE_SOCIAL}, {"diesen beitrag", LINE_SOCIAL},
    {"if you enjoyed", LINE_NEWSLETTER}, {"while you are here", LINE_NEWSLETTER},
    {"while you're here", LINE_NEWSLETTER}, {"support us", LINE_NEWSLETTER},
    {"unterst\xC3\xBCtzen sie", LINE_NEWSLETTER}, {"wenn ihnen unser", LINE_NEWSLETTER},
    {"wenn dir unser", LINE_NEWSLETTER}, {"jetzt spenden", LINE_NEWSLETTER},
    {"alle angaben ohne", LINE_BOILER}, {"(alle angaben ohne", LINE_BOILER},
    {"abbildung", LINE_CAPTION}, {"abb.", LINE_CAPTION}, {"grafik:", LINE_CAPTION},
    {"screenshot", LINE_CAPTION}, {"fig.", LINE_CAPTION}, {"figure ", LINE_CAPTION},
    {"lade weitere", LINE_LOADING}, {"mehr laden", LINE_LOADING}, {"load more", LINE_LOADING},
    {"lade \xE2\x80\xA6", LINE_LOADING}, {"lade ...", LINE_LOADING}, {"wird geladen", LINE_LOADING},
    {"cargando", LINE_LOADING}, {"chargement", LINE_LOADING},
};

/* A line that is only a date and time ("24. M\xC3\xA4rz 2004, 19:49",
 * "23.10.2018", "2020-02-19 20:29:58", "May 3, 2024"): a real date (an ISO
 * date, a day.month. date, or a month name beside a year) and at most two
 * other words. */
static bool month_word(const char *w, size_t n)
{
    static const char *const m[] = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "januar",
        "februar", "m\xC3\xA4rz", "april", "mai", "juni", "juli", "august", "september", "oktober",
        "november", "dezember", "january", "february", "march", "june", "july", "october", "december",
        "janvier", "f\xC3\xA9vrier", "mars", "avril", "juin", "juillet", "ao\xC3\xBBt", "septembre",
        "octobre", "novembre", "d\xC3\xA9" "cembre", "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "gennaio", "febbraio",
        "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", NULL};
    for (int i = 0; m[i]; i++) {
        size_t l = strlen(m[i]);
        if (l != n) continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)w[k]) == (unsigned char)m[i][k]) k++;
        if (k == n) return true;
    }
    return false;
}

static bool date_line(const char *s, size_t n, size_t words)
{
    if (words > 7 || n > 60) return false;
    int alpha_words = 0;
    bool has_month = false, has_year = false, has_date = false;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        if (isalpha(ch) || ch >= 0x80) {
            size_t j = i;
            while (j < n && (isalpha((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80)) j++;
            if (month_word(s + i, j - i)) has_month = true;
            else alpha_words++;
            i = j;
        } else if (isdigit(ch)) {
            size_t j = i;
            while (j < n && isdigit((unsigned char)s[j])) j++;
            size_t l = j - i;
            int v = 0;
            for (size_t k = i; k < j && k < i + 4; k++) v = v * 10 + (s[k] - '0');
            if (l == 4 && v >= 1900 && v <= 2100) {
                has_year = true;
                /* 2020-02-19 */
                if (j + 5 < n && s[j] == '-' && isdigit((unsigned char)s[j + 1]) && isdigit((unsigned char)s[j + 2]) &&
                    s[j + 3] == '-')
                    has_date = true;
            }
            /* 23.10. or 23.10.2018 */
            if (l >= 1 && l <= 2 && v >= 1 && v <= 31 && j + 2 < n && s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
                size_t k = j + 1;
                int mo = 0;
                while (k < n && isdigit((unsigned char)s[k]) && k < j + 3) mo = mo * 10 + (s[k++] - '0');
                if (mo >= 1 && mo <= 12 && k < n && s[k] == '.') has_date = true;
            }
            i = j;
        } else {
            i++;
        }
    }
    if (alpha_words > 2) return false;
    return has_date || (has_month && has_year);
}

static clean_line_kind multilingual_line(const char *s, size_t n, size_t words)
{
    /* copyright and licence lines */
    if (ci_contains(s, n, "all rights reserved") || ci_contains(s, n, "alle rechte vorbehalten") ||
        ci_contains(s, n, "tous droits r\xC3\xA9serv") || ci_contains(s, n, "derechos reservados") ||
        ci_contains(s, n, "tutti i diritti riservati") || ci_contains(s, n, "copyright \xC2\xA9") ||
        (ci_starts(s, n, "copyright") && words <= 12) || ci_contains(s, n, "unter der lizenz") ||
        ci_contains(s, n, "licensed under"))
        return LINE_BOILER;
    for (size_t i = 0; i < sizeof openings / sizeof openings[0]; i++) {
        const char *p = openings[i].p;
        if (!ci_starts(s, n, p)) continue;
        if (openings[i].k == LINE_TEXT) return LINE_TEXT;
        /* a one-word opening ("teilen", "liken") must be nearly the whole
         * line, except for picture credits and captions */
        if (!strchr(p, ' ') && !strchr(p, ':') && words > 4 && openings[i].k != LINE_PHOTO_CREDIT &&
            openings[i].k != LINE_CAPTION)
            continue;
        return openings[i].k;
    }
    if (date_line(s, n, words)) return LINE_META;
    return LINE_TEXT;
}

clean_line_kind clean_classify_line(const char *s, size_t n)
{
    clean_trim(&s, &n);
    if (n == 0) return LINE_TEXT;
    size_t words = clean_word_count(s, n);
    char key[256];
    if (words <= 12) {
        letter_key(s, n, key, sizeof key);
        if (!strcmp(key, "loading") || !strcmp(key, "loading video") || !strcmp(key, "please wait") ||
            !strcmp(key, "loading please wait"))
            return LINE_LOADING;
        if (key[0] && ad_vocabulary(key)) return LINE_AD;
        if (all_caps(s, n) && words <= 5 && (strstr(key, "ad ") == key || strstr(key, " ad ") ||
                                              (strlen(key) >= 3 && !strcmp(key + strlen(key) - 3, " ad"))))
            return LINE_AD;
    }
    if (words <= 40) {
        if (ci_contains(s, n, "newsletter") || ci_contains(s, n, "delivered to your inbox") ||
            ci_contains(s, n, "to your inbox") ||
            (ci_contains(s, n, "sign up") && (ci_contains(s, n, "email") || ci_contains(s, n, "free") ||
                                              ci_contains(s, n, "now") || ci_contains(s, n, "daily") ||
                                              ci_contains(s, n, "updates"))) ||
            (words <= 20 && (ci_starts(s, n, "subscribe") || ci_contains(s, n, "subscribe to our") ||
                             ci_contains(s, n, "subscribe now"))))
            return LINE_NEWSLETTER;
        char low[1024];
        if (lower_copy(s, n, low, sizeof low)) {
            if (social_call(low)) return LINE_SOCIAL;
            if (notice_line(low)) return LINE_BOILER;
        }
        if (words <= 30 && (ci_contains(s, n, "cookies") || ci_contains(s, n, "cookie policy")) &&
            (ci_contains(s, n, "accept") || ci_contains(s, n, "consent") || ci_contains(s, n, "we use") ||
             ci_contains(s, n, "this site uses") || ci_contains(s, n, "browsing")))
            return LINE_COOKIE;
    }
    if (words <= 16) {
        if (photo_credit(s, n)) return LINE_PHOTO_CREDIT;
        if (agency_line(s, n)) return LINE_PHOTO_CREDIT;
        static const char *const rel[] = {"read more", "see also", "related:", "related articles",
                                          "related stories", "related coverage", "related content",
                                          "also read", "read also", "more from", "recommended",
                                          "most read", "most popular", "trending", "you may also like",
                                          "you might also like", "more on this story", "more stories",
                                          "read next", "what to read next", "watch:", "watch more",
                                          "listen:", "latest news", "top stories", "further reading",
                                          "related", NULL};
        for (int i = 0; rel[i]; i++)
            if (ci_starts(s, n, rel[i]) && (strcmp(rel[i], "related") != 0 || words <= 3)) return LINE_RELATED;
        static const char *const soc[] = {"share this", "share on", "share via", "follow us",
                                          "follow @", "click here", "tap here", "listen to this article",
                                          "download the app", "download our app", "print this",
                                          "email this", "copy link", "link copied", "share",
                                          "comments", "leave a comment", "join the conversation",
                                          "view comments", "show comments", "facebook", "twitter",
                                          "whatsapp", "linkedin", "telegram", NULL};
        for (int i = 0; soc[i]; i++) {
            size_t l = strlen(soc[i]);
            if (ci_starts(s, n, soc[i]) && (l > 6 || words <= 3)) return LINE_SOCIAL;
        }
    }
    if (words <= 25) {
        clean_line_kind k = multilingual_line(s, n, words);
        if (k != LINE_TEXT) return k;
    }
    /* reporter credits */
    if (words <= 60) {
        if (ci_contains(s, n, "contributed to this report") || ci_contains(s, n, "report was contributed") ||
            ci_contains(s, n, "contributed reporting") || ci_contains(s, n, "contributed to this story") ||
            ci_starts(s, n, "reporting by") || ci_starts(s, n, "(reporting by") ||
            ci_starts(s, n, "additional reporting") || ci_starts(s, n, "writing by") ||
            ci_starts(s, n, "editing by") || ci_starts(s, n, "compiled by") ||
            ci_starts(s, n, "with reporting by") || ci_starts(s, n, "reporting and writing by") ||
            ci_starts(s, n, "this story was reported by") || ci_starts(s, n, "this article was written by"))
            return LINE_CREDIT;
    }
    if (words >= 2 && words <= 8 && (s[0] == 'B' || s[0] == 'b') && n > 3 && s[1] == 'y' && s[2] == ' ' &&
        isupper((unsigned char)s[3]) && !clean_ends_sentence(s, n))
        return LINE_BYLINE;
    /* explicit captions */
    if (words <= 60 && (ci_starts(s, n, "caption:") || ci_starts(s, n, "file photo:") ||
                        ci_starts(s, n, "file - ") || ci_starts(s, n, "file: ") ||
                        ci_starts(s, n, "pictured:") || ci_starts(s, n, "above:") ||
                        ci_starts(s, n, "top photo:") || ci_starts(s, n, "main image:")))
        return LINE_CAPTION;
    if (participle_caption(s, n)) return LINE_CAPTION;
    return LINE_TEXT;
}

const char *clean_line_reason(clean_line_kind k)
{
    switch (k) {
    case LINE_AD: return "ad";
    case LINE_NEWSLETTER: return "newsletter";
    case LINE_LOADING: return "loading";
    case LINE_RELATED: return "related";
    case LINE_SOCIAL: return "social";
    case LINE_PHOTO_CREDIT: return "credit";
    case LINE_CREDIT: return "credit";
    case LINE_BYLINE: return "byline";
    case LINE_CAPTION: return "caption";
    case LINE_COOKIE: return "cookie";
    case LINE_BOILER: return "boilerplate";
    case LINE_META: return "metadata";
    default: return "boilerplate";
    }
}

/* ---- Inside a paragraph ------------------------------------------------------------ */

/* Is position i the start of a sentence? (paragraph start, or after . ! ?
 * and optional closing quotes, then spaces) */
static bool sentence_start_at(const char *s, size_t i)
{
    if (i == 0) return true;
    size_t j = i;
    bool space = false;
    while (j > 0 && clean_is_space((unsigned char)s[j - 1])) j--, space = true;
    if (!space) return false;
    /* skip closing quotes backwards */
    for (;;) {
        if (j >= 3 && (unsigned char)s[j - 3] == 0xE2 && (unsigned char)s[j - 2] == 0x80 &&
            ((unsigned char)s[j - 1] == 0x9D || (unsigned char)s[j - 1] == 0x99))
            j -= 3;
        else if (j >= 1 && (s[j - 1] == '"' || s[j - 1] == '\'' || s[j - 1] == ')'))
            j -= 1;
        else
            break;
    }
    if (j == 0) return false;
    char ch = s[j - 1];
    return ch == '.' || ch == '!' || ch == '?';
}

/* Does a new sentence start at word position i? (capitalised letter or an
 * opening quote) */
static bool starts_upper(const char *s, size_t n, size_t i)
{
    if (i >= n) return false;
    unsigned char ch = (unsigned char)s[i];
    if (isupper(ch) || isdigit(ch) || ch == '"' || ch == '\'') return true;
    if (i + 2 < n && ch == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x98))
        return true;
    /* non-ASCII capitals (e.g. accented): accept a UTF-8 lead byte */
    return ch >= 0xC3 && ch <= 0xDF;
}

typedef struct span {
    size_t s, e;
    const char *reason;
} span;

/* Words that start sentences but rarely sit capitalised inside a
 * sentence-case headline. */
static bool sentence_opener(const char *w, size_t n)
{
    static const char *const op[] = {
        "The", "A", "An", "However", "But", "And", "Meanwhile", "In", "On", "At", "As", "After",
        "It", "He", "She", "They", "We", "I", "This", "That", "These", "Those", "There", "His",
        "Her", "Their", "Its", "Our", "Also", "Yet", "Still", "Earlier", "Later", "While",
        "When", "Since", "Despite", "Although", "According", "For", "If", "Some", "Many",
        "Officials", "Mr", "Mrs", "Ms", "Dr", "Last", "Now", "Today", "Yesterday", "Separately",
        "Moreover", "Further", "Furthermore", "Instead", "Then", "So", "Still", NULL};
    for (int i = 0; op[i]; i++)
        if (strlen(op[i]) == n && memcmp(op[i], w, n) == 0) return true;
    return false;
}

/* The end of a teaser headline starting at i (after its marker): where the
 * next sentence starts. Returns 0 when no end can be told. */
static size_t teaser_end(const char *s, size_t n, size_t i)
{
    size_t words = 0;
    size_t p = i;
    while (p < n) {
        while (p < n && clean_is_space((unsigned char)s[p])) p++;
        if (p >= n) break;
        size_t ws = p;
        while (p < n && !clean_is_space((unsigned char)s[p])) p++;
        size_t we = p;
        words++;
        /* the headline itself ends a sentence */
        if (clean_ends_sentence(s + ws, we - ws) && s[we - 1] != ':') {
            return we;
        }
        if (words >= 3 && isupper((unsigned char)s[ws])) {
            size_t wl = we - ws;
            bool comma = wl > 1 && s[we - 1] == ',';
            if (comma) wl--;
            if (sentence_opener(s + ws, wl) || (comma && words >= 4)) return ws;
        }
        if (words > 30) return 0;
    }
    return words >= 3 ? n : 0;
}

static bool word_at(const char *s, size_t n, size_t i, const char *w, size_t *end)
{
    size_t wl = strlen(w);
    if (i + wl > n) return false;
    for (size_t k = 0; k < wl; k++)
        if (tolower((unsigned char)s[i + k]) != tolower((unsigned char)w[k])) return false;
    size_t e = i + wl;
    if (e < n && isalnum((unsigned char)s[e])) return false;
    if (end) *end = e;
    return true;
}

/* Finds the junk spans inside a paragraph. */
static size_t inline_junk(const char *s, size_t n, span *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        if (!(i == 0 || clean_is_space((unsigned char)s[i - 1]))) continue;
        if (!sentence_start_at(s, i)) continue;
        size_t e;
        /* "Loading", "Loading...", "Advertisement" between two sentences */
        static const char *const stand[] = {"Loading...", "Loading\xE2\x80\xA6", "Loading",
                                            "Advertisement", "ADVERTISEMENT", "ARTICLE AD BOX",
                                            "AD BOX", "Story continues below advertisement",
                                            "Continue reading below", "Skip Advertisement",
                                            "Ad Feedback", NULL};
        bool hit = false;
        for (int m = 0; stand[m] && !hit; m++) {
            size_t l = strlen(stand[m]);
            if (i + l <= n && memcmp(s + i, stand[m], l) == 0 &&
                (i + l == n || clean_is_space((unsigned char)s[i + l]))) {
                size_t nx = i + l;
                while (nx < n && clean_is_space((unsigned char)s[nx])) nx++;
                if (nx == n || starts_upper(s, n, nx)) {
                    out[k++] = (span){i, nx, m < 3 ? "loading" : "ad"};
                    i = nx - 1;
                    hit = true;
                }
            }
        }
        if (hit) continue;
        /* teasers: "See Also <headline>", "Read more: <headline>" */
        static const char *const teasers[] = {"See Also", "See also", "SEE ALSO", "Read more",
                                              "Read More", "READ MORE", "Also read", "Also Read",
                                              "ALSO READ", "Read also", "Related:", "RELATED:",
                                              "Related Articles", "Related News", "Recommended:",
                                              "More from", "Watch:", "WATCH:", "Read next",
                                              "Click here", NULL};
        for (int m = 0; teasers[m] && !hit; m++) {
            size_t tl = strlen(teasers[m]);
            if (i + tl > n || memcmp(s + i, teasers[m], tl) != 0) continue;
            e = i + tl;
            if (teasers[m][tl - 1] != ':' && e < n && isalnum((unsigned char)s[e])) continue;
            size_t h = e;
            while (h < n && (clean_is_space((unsigned char)s[h]) || s[h] == ':' || s[h] == '|' ||
                             s[h] == '-'))
                h++;
            if (h >= n || !starts_upper(s, n, h)) {
                if (h >= n) {
                    out[k++] = (span){i, n, "related"};
                    hit = true;
                    i = n;
                }
                continue;
            }
            size_t end = teaser_end(s, n, h);
            if (!end) continue;
            out[k++] = (span){i, end, "related"};
            hit = true;
            i = end ? end - 1 : i;
        }
        if (hit) continue;
        /* "PHOTO: REUTERS" or "(Photo: AFP)" glued between sentences */
        if (word_at(s, n, i, "PHOTO", &e) || word_at(s, n, i, "Photo", &e) ||
            word_at(s, n, i, "(Photo", &e) || word_at(s, n, i, "Image", &e)) {
            if (e < n && (s[e] == ':' || s[e] == '/')) {
                size_t p = e + 1;
                while (p < n && s[p] == ' ') p++;
                size_t q = p, cap_words = 0;
                /* credit words: capitals, slashes, dots, until a sentence resumes */
                while (q < n && cap_words < 6) {
                    size_t ws = q;
                    while (q < n && !clean_is_space((unsigned char)s[q])) q++;
                    if (!all_caps(s + ws, q - ws) && !(s[ws] == '(' || s[q - 1] == ')')) {
                        q = ws;
                        break;
                    }
                    cap_words++;
                    while (q < n && clean_is_space((unsigned char)s[q])) q++;
                }
                if (cap_words > 0) {
                    out[k++] = (span){i, q, "credit"};
                    i = q ? q - 1 : i;
                    continue;
                }
            }
        }
    }
    /* A trailing agency credit after the last full stop: "... faster.” REUTERS" */
    if (k < cap && n > 4) {
        size_t e = n;
        while (e && clean_is_space((unsigned char)s[e - 1])) e--;
        size_t b = e;
        int wds = 0;
        while (b > 0 && wds < 3) {
            size_t we = b;
            while (b > 0 && !clean_is_space((unsigned char)s[b - 1])) b--;
            if (!agency_line(s + b, we - b) && !(we - b > 2 && s[b] == '(' && s[we - 1] == ')' &&
                                                  isupper((unsigned char)s[b + 1]) && we - b < 24)) {
                b = we;
                break;
            }
            wds++;
            size_t sp = b;
            while (b > 0 && clean_is_space((unsigned char)s[b - 1])) b--;
            if (sentence_start_at(s, sp)) {
                b = sp;
                break;
            }
        }
        while (b < e && clean_is_space((unsigned char)s[b])) b++;
        if (b < e && b > 0 && sentence_start_at(s, b) && (k == 0 || out[k - 1].e <= b))
            out[k++] = (span){b, e, "credit"};
    }
    return k;
}

/* A dateline opening the text: "MOSCOW - ", "WASHINGTON (Reuters) -",
 * "KYIV, Ukraine — ". Returns the length of the prefix to drop and the
 * place name in *place / *place_len. */
static size_t dateline_prefix(const char *s, size_t n, size_t *place_len)
{
    size_t i = 0, caps_end = 0;
    int words = 0;
    while (i < n && i < 60) {
        size_t ws = i;
        while (i < n && !clean_is_space((unsigned char)s[i])) i++;
        size_t we = i;
        if (we == ws) break;
        /* the dash */
        if ((we - ws == 1 && (s[ws] == '-')) ||
            (we - ws == 3 && (unsigned char)s[ws] == 0xE2 && (unsigned char)s[ws + 1] == 0x80 &&
             ((unsigned char)s[ws + 2] == 0x93 || (unsigned char)s[ws + 2] == 0x94))) {
            if (words == 0 || caps_end == 0) return 0;
            while (i < n && clean_is_space((unsigned char)s[i])) i++;
            if (i >= n || !starts_upper(s, n, i)) return 0;
            *place_len = caps_end;
            return i;
        }
        words++;
        if (words > 6) return 0;
        size_t l = we - ws;
        const char *w = s + ws;
        bool agency = l > 2 && w[0] == '(' && (w[l - 1] == ')' || (l > 3 && w[l - 2] == ')' && w[l - 1] == ','));
        if (agency) {
            /* "(Reuters)" after the place */
        } else if (all_caps(w, l)) {
            if (caps_end == 0 || caps_end == ws - 1 || s[caps_end - 1] != ',') caps_end = we;
            if (l && w[l - 1] == ',') caps_end = we - 1;
        } else if (caps_end && isupper((unsigned char)w[0])) {
            /* "KYIV, Ukraine" - a mixed-case region after a capitalised city */
        } else {
            return 0;
        }
        while (i < n && clean_is_space((unsigned char)s[i])) i++;
    }
    return 0;
}

/* Learned boilerplate: drop the sentences (or the whole paragraph) whose
 * key the source is known to repeat. */
static bool learned_has(const clean_learned *l, uint64_t key)
{
    if (!l || !l->n_keys) return false;
    size_t lo = 0, hi = l->n_keys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < l->n_keys && l->keys[lo] == key;
}

uint64_t clean_fragment_key(const char *s, size_t n)
{
    /* FNV-1a over lower-cased letters, with runs of anything else (digits,
     * punctuation, spaces) folded into one separator, so "Updated 3 May"
     * and "Updated 4 May" share a key. */
    uint64_t h = 1469598103934665603ULL;
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalpha(ch) || ch >= 0x80) {
            if (sep) {
                h ^= ' ';
                h *= 1099511628211ULL;
                sep = false;
            }
            h ^= (uint64_t)tolower(ch);
            h *= 1099511628211ULL;
        } else {
            sep = true;
        }
    }
    return h;
}

static const char *learned_reason(clean_ctx *c)
{
    if (!c->source) return "learned-boilerplate";
    size_t l = strlen(c->source);
    char *r = arena_alloc(c->a, l + 21);
    if (!r) return "learned-boilerplate";
    memcpy(r, "learned-boilerplate:", 20);
    memcpy(r + 20, c->source, l + 1);
    return r;
}

int clean_paragraph(clean_ctx *c, const char *s, size_t n, bool first_block)
{
    clean_trim(&s, &n);
    if (!n) return 0;
    if (c->learned && learned_has(c->learned, clean_fragment_key(s, n))) {
        clean_note_removed(c, s, n, learned_reason(c));
        return 0;
    }
    span sp[64];
    size_t k = inline_junk(s, n, sp, 64);
    size_t dl = 0, place = 0;
    if (first_block && !c->dateline) dl = dateline_prefix(s, n, &place);
    /* Build the kept text: the paragraph less the spans (and dateline). */
    char *keep = arena_alloc(c->a, n + 1);
    if (!keep) {
        c->oom = true;
        return -1;
    }
    size_t kl = 0, pos = dl;
    if (dl) {
        c->dateline = arena_strndup(c->a, s, place);
        clean_note_removed(c, s, dl, "dateline");
    }
    for (size_t i = 0; i < k; i++) {
        if (sp[i].e <= pos) continue;
        size_t st = sp[i].s < pos ? pos : sp[i].s;
        memcpy(keep + kl, s + pos, st - pos);
        kl += st - pos;
        if (!strcmp(sp[i].reason, "credit")) clean_note_credit(c, s + st, sp[i].e - st);
        else clean_note_removed(c, s + st, sp[i].e - st, sp[i].reason);
        pos = sp[i].e;
        /* keep one space between the sentences either side */
        if (kl && !clean_is_space((unsigned char)keep[kl - 1])) keep[kl++] = ' ';
    }
    memcpy(keep + kl, s + pos, n - pos);
    kl += n - pos;
    /* squeeze double spaces left behind and trim */
    size_t w = 0;
    for (size_t i = 0; i < kl; i++) {
        if (keep[i] == ' ' && w && keep[w - 1] == ' ') continue;
        keep[w++] = keep[i];
    }
    const char *t = keep;
    size_t tl = w;
    clean_trim(&t, &tl);
    if (!tl) return 0;
    /* learned sentences inside the paragraph */
    if (c->learned && c->learned->n_keys) {
        char *out = arena_alloc(c->a, tl + 1);
        if (!out) {
            c->oom = true;
            return -1;
        }
        size_t ol = 0, st = 0;
        for (size_t i = 0; i <= tl; i++) {
            bool end = i == tl || (i > st && sentence_start_at(t, i) && !clean_is_space((unsigned char)t[i]));
            if (!end) continue;
            const char *ss = t + st;
            size_t sl = i - st;
            clean_trim(&ss, &sl);
            if (sl && learned_has(c->learned, clean_fragment_key(ss, sl))) {
                clean_note_removed(c, ss, sl, learned_reason(c));
            } else if (sl) {
                if (ol) out[ol++] = ' ';
                memcpy(out + ol, ss, sl);
                ol += sl;
            }
            st = i;
        }
        if (!ol) return 0;
        out[ol] = 0;
        return clean_list_push(c, &c->paras, out);
    }
    keep[(size_t)(t - keep) + tl] = 0;
    return clean_list_push(c, &c->paras, t);
}
