/* gen_corpus.c - a deterministic, news-like synthetic corpus for benchmarks.
 *
 * usage: gen_corpus N [SEED] > corpus.jsonl
 *
 * Writes N JSONL articles of about 4 KB: events (a topic, a place, actors,
 * figures, a date) reported by several outlets in their own words, and
 * planted near-duplicates: about one article in ten is a light edit of an
 * earlier one (a changed word, a dropped or added sentence, "Mr" before a
 * name), marked with "copy_of" so the copy index can be scored. The same N
 * and SEED always give the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* splitmix64: small, fast, and good enough for text generation */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int pick(int n)
{
    return (int)(rnd() % (uint64_t)n);
}
#define PICK(a) a[pick((int)(sizeof a / sizeof a[0]))]

static const char *first[] = {"Anna", "Boris", "Carlos", "Dana", "Elena", "Farid", "Grace", "Hiro", "Ines",
                              "Jonas", "Karim", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin",
                              "Rosa", "Samir", "Tomas", "Ursula", "Viktor", "Wen", "Yara", "Zoltan"};
static const char *last[] = {"Abbott", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffman",
                             "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor",
                             "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Weber",
                             "Xu", "Yilmaz", "Zhang"};
static const char *roles[] = {"Prime Minister", "Foreign Minister", "spokesperson", "mayor", "police chief",
                              "central bank governor", "opposition leader", "health minister",
                              "union leader", "chief executive"};
static const char *places[] = {"Lisbon", "Warsaw", "Nairobi", "Lima", "Osaka", "Dhaka", "Quito", "Tbilisi",
                               "Accra", "Hanoi", "Porto", "Gdansk", "Mombasa", "Cusco", "Kobe", "Sylhet",
                               "Cuenca", "Batumi", "Kumasi", "Hue"};
static const char *orgs[] = {"the Interior Ministry", "the central bank", "the national railway",
                             "the port authority", "the electoral commission", "the health agency",
                             "the energy regulator", "the teachers' union", "the state broadcaster"};
static const char *topics[][4] = {
    {"flood", "floods", "water levels", "evacuated"},
    {"strike", "strikes", "workers", "walked out"},
    {"election", "elections", "voters", "voted"},
    {"fire", "fires", "firefighters", "burned"},
    {"earthquake", "earthquakes", "tremors", "collapsed"},
    {"protest", "protests", "demonstrators", "marched"},
    {"merger", "mergers", "shareholders", "approved"},
    {"outbreak", "outbreaks", "patients", "infected"},
    {"train crash", "crashes", "passengers", "derailed"},
    {"summit", "summits", "delegates", "agreed"},
};
static const char *outlets[] = {"Daily Ledger", "Morning Post", "Wire Service", "City Herald", "Evening Star",
                                "Global Times Review", "Coast Gazette", "The Observer Line"};
static const char *verbs[] = {"said", "told reporters", "added", "warned", "confirmed", "noted"};
static const char *fillers[] = {
    "Officials said the situation remained difficult but under control",
    "Residents described scenes of confusion in the hours that followed",
    "The government promised an inquiry into what went wrong",
    "Analysts said the decision could have lasting consequences for the region",
    "Local media reported that the numbers were likely to rise",
    "Critics accused the authorities of reacting too slowly",
    "The announcement came after weeks of mounting pressure",
    "International partners offered support and called for calm",
    "Markets reacted cautiously to the news on Monday",
    "Emergency services worked through the night",
    "The opposition demanded answers in parliament",
    "Witnesses said they had never seen anything like it",
    "Experts cautioned against drawing early conclusions",
    "The ministry said more details would be released later this week",
};

typedef struct {
    int topic, place, org, a1, a2, r1, r2, n1, n2, day, month;
} event;

static void esc_append(char *out, size_t *len, size_t cap, const char *s)
{
    for (; *s && *len + 2 < cap; s++) {
        if (*s == '"' || *s == '\\') out[(*len)++] = '\\';
        out[(*len)++] = *s;
    }
    out[*len] = 0;
}

static void sentence(char *out, size_t *len, size_t cap, const event *e, int k)
{
    char s[512];
    const char *const *t = topics[e->topic];
    switch (k % 9) {
    case 0:
        snprintf(s, sizeof s, "At least %d people were hurt after the %s in %s, %s %s %s %s.", e->n1, t[0],
                 places[e->place], roles[e->r1], first[e->a1], last[e->a1], PICK(verbs));
        break;
    case 1:
        snprintf(s, sizeof s, "%s %s, the %s, said %s had %s on %d %s.", first[e->a2], last[e->a2],
                 roles[e->r2], t[2], t[3], e->day, e->month % 2 ? "March" : "October");
        break;
    case 2:
        snprintf(s, sizeof s, "%s estimated that %d %s were affected across %s.", orgs[e->org], e->n2, t[2],
                 places[e->place]);
        break;
    case 3:
        snprintf(s, sizeof s, "\"We are doing everything we can,\" %s %s.", last[e->a1], PICK(verbs));
        break;
    case 4:
        snprintf(s, sizeof s, "It was the worst %s in %s since %d, according to %s.", t[0], places[e->place],
                 1990 + pick(30), orgs[e->org]);
        break;
    default: snprintf(s, sizeof s, "%s.", PICK(fillers)); break;
    }
    if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 32);
    if (*len + strlen(s) + 2 >= cap) return;
    if (*len) out[(*len)++] = ' ';
    memcpy(out + *len, s, strlen(s) + 1);
    *len += strlen(s);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
    enum { CAP = 8192, KEEP = 4096 };
    static char text[CAP], esc[CAP * 2];
    /* A ring of recent texts to copy from. */
    static char *recent[KEEP];
    static long recent_id[KEEP];
    long n_recent = 0;
    event ev = {0};
    for (long i = 0; i < n; i++) {
        size_t len = 0;
        long copy_of = -1;
        if (i % 6 == 0) {
            ev = (event){pick(10), pick(20), pick(9), pick(25), pick(25), pick(10), pick(10), 3 + pick(200),
                         100 + pick(20000), 1 + pick(28), pick(12)};
        }
        if (n_recent > 0 && pick(10) == 0) {
            /* A near-duplicate: an earlier text with light edits. */
            long src = n_recent - 1 - pick((int)(n_recent < 50 ? n_recent : 50));
            const char *orig = recent[src % KEEP];
            copy_of = recent_id[src % KEEP];
            size_t ol = strlen(orig);
            const char *cut = strstr(orig + ol / 2, ". ");
            size_t keep = cut ? (size_t)(cut - orig) + 1 : ol;
            if (pick(2)) keep = ol; /* sometimes only an ending added */
            memcpy(text, "Mr ", 3);
            len = 3;
            memcpy(text + len, orig, keep);
            len += keep;
            text[len] = 0;
            const char *tail = " The report was updated with further details.";
            memcpy(text + len, tail, strlen(tail) + 1);
            len += strlen(tail);
        } else {
            for (int k = 0; len < 3900; k++) sentence(text, &len, CAP, &ev, k + pick(9));
        }
        len = 0;
        esc[0] = 0;
        esc_append(esc, &len, sizeof esc, text);
        const char *const *t = topics[ev.topic];
        printf("{\"id\":\"b%07ld\",\"source\":\"%s\",\"title\":\"%s %s hits %s\",\"published\":\"2024-%02d-%02d\","
               "\"text\":\"%s\"",
               i, PICK(outlets), t[0][0] == 'e' ? "An" : "A", t[0], places[ev.place], ev.month + 1, ev.day,
               esc);
        if (copy_of >= 0) printf(",\"copy_of\":\"b%07ld\"", copy_of);
        printf("}\n");
        free(recent[n_recent % KEEP]);
        recent[n_recent % KEEP] = strdup(text);
        recent_id[n_recent % KEEP] = i;
        n_recent++;
    }
    for (long k = 0; k < KEEP; k++) free(recent[k]);
    return 0;
}
