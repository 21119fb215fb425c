/* test_reconcile.c - comparing outlets: verdicts, event words, quote
 * matching, ROUGE, summaries with citations, determinism, and the demo
 * corpus's answer key (data/demo/seeds-gold.json) end to end. */
#include "test.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "accord.h"
#include "extract/extract.h"
#include "reconcile/reconcile.h"
#include "store/store.h"
#include "util/json.h"

/* ---- Verdicts -------------------------------------------------------------------- */

TEST(reconcile_judge_verdicts)
{
    double lo, hi;
    double v1[] = {35, 34};
    int b1[] = {0, 1}; /* exact 35, at least 34 */
    CHECK(reconcile_judge(v1, b1, 2, &lo, &hi) == REC_CONSISTENT);
    CHECK(lo == 35 && hi == 35);
    double v2[] = {98, 98};
    int b2[] = {0, 0};
    CHECK(reconcile_judge(v2, b2, 2, NULL, NULL) == REC_AGREE);
    double v3[] = {35, 20};
    CHECK(reconcile_judge(v3, b2, 2, NULL, NULL) == REC_CONFLICT);
    double v4[] = {34, 30};
    int b4[] = {1, 5}; /* at least 34, up to 30 */
    CHECK(reconcile_judge(v4, b4, 2, NULL, NULL) == REC_CONFLICT);
    double v5[] = {100, 95};
    int b5[] = {4, 0}; /* about 100, exactly 95 */
    CHECK(reconcile_judge(v5, b5, 2, NULL, NULL) == REC_CONSISTENT);
    double v6[] = {12};
    CHECK(reconcile_judge(v6, b2, 1, NULL, NULL) == REC_SINGLE);
    double v7[] = {10, 10};
    int b7[] = {2, 0}; /* more than 10, exactly 10 */
    CHECK(reconcile_judge(v7, b7, 2, NULL, NULL) == REC_CONFLICT);
    CHECK_STR(reconcile_verdict_name(REC_SEPARATE), "separate event");
}

TEST(reconcile_event_words)
{
    arena a;
    arena_init(&a);
    const char *s = "In Sumy, a bakery was targeted by Russian drones, resulting in a customer's death.";
    CHECK_STR(reconcile_event_words(&a, s, strlen(s)), "drone, bakery");
    s = "Missiles killed at least 34 during Palm Sunday celebrations in the northern city of Sumy.";
    CHECK_STR(reconcile_event_words(&a, s, strlen(s)), "missile, Palm Sunday");
    s = "The talks went on.";
    CHECK(reconcile_event_words(&a, s, strlen(s)) == NULL);
    arena_free(&a);
}

/* Articles built by hand (no extract stage): the figures are given. */
static void make_article(arena *a, rec_article *art, const char *id, const char *date, const char *text)
{
    memset(art, 0, sizeof *art);
    art->id = id;
    art->date = date;
    art->ref_date = date;
    art->text = text;
    art->len = strlen(text);
    text_analyze(a, text, art->len, &art->doc);
}

static uint32_t sentence_with(const rec_article *art, const char *needle)
{
    for (size_t s = 0; s < art->doc.n_sentences; s++) {
        const text_sentence *ts = &art->doc.sentences[s];
        const char *hit = strstr(art->text + ts->start, needle);
        if (hit && hit < art->text + ts->end) return (uint32_t)s;
    }
    return UINT32_MAX;
}

static rec_quantity quantity(const rec_article *art, const char *phrase, double v, int bound, const char *measure,
                             const char *where)
{
    rec_quantity q = {0};
    q.sentence = sentence_with(art, phrase);
    const char *p = strstr(art->text, phrase);
    q.start = (uint32_t)(p - art->text);
    q.end = q.start + (uint32_t)strlen(phrase);
    q.value = v;
    q.bound = bound;
    q.text = phrase;
    q.measure = measure;
    q.where = where;
    return q;
}

TEST(reconcile_facts_group_and_separate)
{
    arena a;
    arena_init(&a);
    rec_article arts[3];
    make_article(&a, &arts[0], "a", "2025-04-18",
                 "A recent Russian missile attack hit Sumy, killing 35 people. Talks went on in Paris.");
    make_article(&a, &arts[1], "b", "2025-04-18",
                 "Missiles killed at least 34 during Palm Sunday celebrations in the northern city of Sumy. "
                 "The mayor of Kharkiv said 98 were injured.");
    make_article(&a, &arts[2], "c", "2025-04-18",
                 "In Sumy, a bakery was targeted by Russian drones, resulting in a customer's death. "
                 "Officials in Kharkiv counted 98 injuries.");
    rec_quantity qa[] = {quantity(&arts[0], "35 people", 35, 0, "killed", "Sumy")};
    rec_quantity qb[] = {quantity(&arts[1], "at least 34", 34, 1, "killed", "Sumy"),
                         quantity(&arts[1], "98", 98, 0, "injured", "Kharkiv")};
    rec_quantity qc[] = {quantity(&arts[2], "a customer's death", 1, 0, "deaths", NULL),
                         quantity(&arts[2], "98 injuries", 98, 0, "injuries", "Kharkiv")};
    arts[0].quantities = qa;
    arts[0].n_quantities = 1;
    arts[1].quantities = qb;
    arts[1].n_quantities = 2;
    arts[2].quantities = qc;
    arts[2].n_quantities = 2;
    text_stemmer *st = text_stemmer_new("en");
    reconcile r;
    REQUIRE(reconcile_run(&a, arts, 3, NULL, st, &r) == 0);
    int sumy = -1, bakery = -1, injured = -1;
    for (size_t i = 0; i < r.n_facts; i++) {
        const rec_fact *f = &r.facts[i];
        if (!strcmp(f->measure, "killed") && f->n_reports == 2) sumy = (int)i;
        if (!strcmp(f->measure, "killed") && f->n_reports == 1) bakery = (int)i;
        if (!strcmp(f->measure, "injured")) injured = (int)i;
    }
    REQUIRE(sumy >= 0 && bakery >= 0 && injured >= 0);
    CHECK(r.facts[sumy].verdict == REC_CONSISTENT);
    CHECK_STR(r.facts[sumy].where, "Sumy");
    CHECK(r.facts[bakery].verdict == REC_SEPARATE);
    CHECK(r.facts[bakery].separate_from == sumy);
    CHECK_STR(r.facts[bakery].where, "Sumy"); /* borrowed from its sentence */
    CHECK(r.facts[injured].verdict == REC_AGREE);
    CHECK(r.facts[injured].n_reports == 2);
    text_stemmer_free(st);
    arena_free(&a);
}

TEST(reconcile_facts_dates_split)
{
    arena a;
    arena_init(&a);
    rec_article arts[2];
    make_article(&a, &arts[0], "a", "2025-12-02", "Russia took 701 square kilometers in November, officials said.");
    make_article(&a, &arts[1], "b", "2025-12-02", "Russia took 725 square kilometers in November 2024, a record.");
    rec_quantity qa[] = {quantity(&arts[0], "701 square kilometers", 701, 0, "km2", "Ukraine")};
    rec_quantity qb[] = {quantity(&arts[1], "725 square kilometers", 725, 0, "km2", "Ukraine")};
    qa[0].when = "2025-11";
    qb[0].when = "2024-11";
    arts[0].quantities = qa;
    arts[0].n_quantities = 1;
    arts[1].quantities = qb;
    arts[1].n_quantities = 1;
    reconcile r;
    REQUIRE(reconcile_run(&a, arts, 2, NULL, NULL, &r) == 0);
    REQUIRE(r.n_facts == 2); /* not a conflict: two different months */
    CHECK(r.facts[0].verdict != REC_CONFLICT && r.facts[1].verdict != REC_CONFLICT);
    CHECK(r.facts[0].verdict == REC_SEPARATE || r.facts[1].verdict == REC_SEPARATE);
    arena_free(&a);
}

/* ---- Quotes --------------------------------------------------------------------------- */

TEST(reconcile_quote_matching)
{
    CHECK(reconcile_quotes_match("we have bigger challenges that we need to figure out.",
                                 "bigger challenges that we need to figure out", "Marco Rubio", "Mr Rubio", NULL,
                                 NULL));
    /* Typographic quotes and case do not matter. */
    CHECK(reconcile_quotes_match("We’re done, he said", "we're done", NULL, NULL, NULL, NULL) == false);
    CHECK(reconcile_quotes_match("We’re done with the talks now", "we're done with the talks", NULL, NULL, NULL,
                                 NULL));
    /* A one-word quote needs the same words before it, or the same speaker. */
    CHECK(reconcile_quotes_match("mistake", "mistake", NULL, NULL, "an attack Trump called a",
                                 "an attack Mr Trump called a"));
    CHECK(!reconcile_quotes_match("mistake", "mistake", NULL, NULL, "it was a big", "the minister called a"));
    CHECK(reconcile_quotes_match("mistake", "mistake", "Donald Trump", "Trump", NULL, NULL));
    /* Different named speakers keep quotes apart. */
    CHECK(!reconcile_quotes_match("we will win this war", "we will win this war", "Zelensky", "Putin", NULL, NULL));
    /* Light edits in a long quote still match. */
    CHECK(reconcile_quotes_match("Russia is committed to resolving this conflict and is open to dialogue",
                                 "Russia is committed to resolving the conflict and is open to a dialogue", NULL,
                                 NULL, NULL, NULL));
    CHECK(!reconcile_quotes_match("the economy is growing fast", "the war is far from over", NULL, NULL, NULL, NULL));
}

/* ---- ROUGE ------------------------------------------------------------------------------ */

TEST(reconcile_rouge_counts)
{
    text_stemmer *st = text_stemmer_new("en");
    rec_rouge r;
    const char *c = "the cat sat on the mat", *ref = "the cat was on the mat";
    reconcile_rouge(st, c, strlen(c), ref, strlen(ref), 1, &r);
    CHECK(fabs(r.recall - 5.0 / 6.0) < 1e-9);
    CHECK(fabs(r.precision - 5.0 / 6.0) < 1e-9);
    reconcile_rouge(st, c, strlen(c), ref, strlen(ref), 2, &r);
    CHECK(fabs(r.recall - 3.0 / 5.0) < 1e-9); /* the cat, on the, the mat */
    reconcile_rouge(st, ref, strlen(ref), ref, strlen(ref), 2, &r);
    CHECK(fabs(r.f1 - 1.0) < 1e-9);
    /* Stemming: "talks" and "talk" are one word. */
    reconcile_rouge(st, "talks", 5, "talk", 4, 1, &r);
    CHECK(fabs(r.recall - 1.0) < 1e-9);
    reconcile_rouge(st, "", 0, "talk", 4, 1, &r);
    CHECK(r.recall == 0 && r.f1 == 0);
    text_stemmer_free(st);
}

/* ---- Summaries --------------------------------------------------------------------------- */

static const char *const STORY[] = {
    "The storm reached the coast on Monday and flooded hundreds of homes in the port city. "
    "Rescue teams evacuated thousands of residents from low-lying districts overnight. "
    "The mayor thanked the volunteers who filled sandbags along the river.",
    "Rescue teams evacuated thousands of residents from the low-lying districts overnight. "
    "The storm reached the coast on Monday and flooded hundreds of homes in the port city. "
    "Power was cut to forty thousand households as the wind brought down lines.",
    "Forecasters had warned for days that the storm would strengthen before landfall. "
    "The storm reached the coast on Monday, flooding hundreds of homes in the port city. "
    "Insurers expect claims to run into the hundreds of millions.",
};

static int summarize_story(arena *a, rec_article *arts, text_stemmer *st, int words, reconcile *r)
{
    static const char *ids[] = {"x1", "x2", "x3"};
    for (int i = 0; i < 3; i++) make_article(a, &arts[i], ids[i], "2024-10-10", STORY[i]);
    rec_config cfg;
    reconcile_config_default(&cfg);
    cfg.summary_words = words;
    return reconcile_run(a, arts, 3, &cfg, st, r);
}

TEST(reconcile_summary_cites_carriers)
{
    arena a;
    arena_init(&a);
    text_stemmer *st = text_stemmer_new("en");
    rec_article arts[3];
    reconcile r;
    REQUIRE(summarize_story(&a, arts, st, 40, &r) == 0);
    REQUIRE(r.n_summary >= 1);
    CHECK(r.summary_words <= 40);
    /* The most central sentence is the one all three outlets carry. */
    const rec_sentence *top = &r.sentences[r.summary[0]];
    CHECK(strstr(arts[top->article].text + top->start, "reached the coast on Monday") != NULL);
    CHECK(top->n_carriers == 3);
    /* No two summary sentences say the same thing. */
    for (size_t i = 0; i < r.n_summary; i++)
        for (size_t j = i + 1; j < r.n_summary; j++)
            CHECK(r.sentences[r.summary[i]].group != r.sentences[r.summary[j]].group);
    /* What each outlet adds: the power cut is only in x2, and x2 adds it. */
    bool found = false;
    for (size_t k = 0; k < r.n_additions[1]; k++) {
        const rec_sentence *s = &r.sentences[r.additions[1][k]];
        found |= strstr(arts[1].text + s->start, "Power was cut") != NULL && s->n_carriers == 1;
    }
    CHECK(found);
    /* The shared passages include the evacuation, carried by x1 and x2. */
    bool evac = false;
    for (size_t k = 0; k < r.n_shared; k++) {
        const rec_sentence *s = &r.sentences[r.shared[k]];
        if (strstr(arts[s->article].text + s->start, "evacuated thousands")) evac = s->n_carriers == 2;
    }
    CHECK(evac);
    text_stemmer_free(st);
    arena_free(&a);
}

TEST(reconcile_summary_deterministic)
{
    char *out[2];
    for (int k = 0; k < 2; k++) {
        arena a;
        arena_init(&a);
        text_stemmer *st = text_stemmer_new("en");
        rec_article arts[3];
        reconcile r;
        summarize_story(&a, arts, st, 60, &r);
        json_t *o = json_object();
        reconcile_to_json(&r, o);
        out[k] = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        text_stemmer_free(st);
        arena_free(&a);
    }
    REQUIRE(out[0] && out[1]);
    CHECK_STR(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}

TEST(reconcile_summary_budget_and_empty)
{
    arena a;
    arena_init(&a);
    text_stemmer *st = text_stemmer_new("en");
    rec_article arts[3];
    reconcile r;
    REQUIRE(summarize_story(&a, arts, st, 20, &r) == 0);
    CHECK(r.summary_words <= 30); /* the first sentence may exceed a tiny budget a little */
    CHECK(r.n_summary == 1);
    REQUIRE(reconcile_run(&a, arts, 0, NULL, st, &r) == 0);
    CHECK(r.n_summary == 0 && r.n_facts == 0);
    const char *label = reconcile_label(&a, &r);
    CHECK(label == NULL);
    text_stemmer_free(st);
    arena_free(&a);
}

/* ---- The demo corpus against its answer key ------------------------------------------------ */

static const char *const DEMO[] = {
    "../../data/demo/000_16b94be4e16100e7.txt", "../../data/demo/001_9cf57e1aec268059.txt",
    "../../data/demo/002_fdafb20dd39c0d62.txt", "../../data/demo/003_f8f6c89b85bfc837.txt",
    "../../data/demo/004_3bdb60a11d8d6c44.txt",
};

static json_t *demo_json(size_t n, const int *stories)
{
    rec_config cfg;
    reconcile_config_default(&cfg);
    char *s = NULL;
    if (reconcile_files_json(DEMO, stories, n, &cfg, true, &s) != 0) return NULL;
    json_t *o = json_loads(s, 0, NULL);
    free(s);
    return o;
}

static bool has_report(json_t *fact, const char *article)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(fact, "reports"), i, r)
        if (!strcmp(json_string_value(json_object_get(r, "article")), article)) return true;
    return false;
}

static json_t *find_fact(json_t *facts, const char *measure, const char *where, const char *article)
{
    size_t i;
    json_t *f;
    json_array_foreach(facts, i, f) {
        const char *m = json_string_value(json_object_get(f, "measure"));
        const char *w = json_string_value(json_object_get(f, "where"));
        if (m && w && !strcmp(m, measure) && !strcmp(w, where) && has_report(f, article)) return f;
    }
    return NULL;
}

static const char *verdict(json_t *f) { return f ? json_string_value(json_object_get(f, "verdict")) : "(none)"; }

TEST(reconcile_demo_fact_verdicts)
{
    json_t *o = demo_json(4, NULL);
    REQUIRE(o);
    json_t *facts = json_object_get(o, "facts");
    json_t *sumy = find_fact(facts, "killed", "Sumy", "16b94be4e16100e7");
    CHECK_STR(verdict(sumy), "consistent");
    CHECK(sumy && has_report(sumy, "f8f6c89b85bfc837"));
    json_t *dead = find_fact(facts, "killed", "Kharkiv", "9cf57e1aec268059");
    CHECK_STR(verdict(dead), "agree");
    CHECK(dead && has_report(dead, "f8f6c89b85bfc837"));
    json_t *inj = find_fact(facts, "injured", "Kharkiv", "9cf57e1aec268059");
    CHECK_STR(verdict(inj), "agree");
    CHECK(inj && has_report(inj, "f8f6c89b85bfc837"));
    json_t *bakery = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(facts, i, f) {
        if (has_report(f, "9cf57e1aec268059") && json_string_value(json_object_get(f, "where")) &&
            !strcmp(json_string_value(json_object_get(f, "where")), "Sumy") &&
            !strcmp(json_string_value(json_object_get(f, "measure")), "killed"))
            bakery = f;
    }
    CHECK_STR(verdict(bakery), "separate event");
    /* Each verdict shows its sentences. */
    json_t *rep = json_array_get(json_object_get(sumy, "reports"), 0);
    CHECK(rep && strstr(json_string_value(json_object_get(rep, "sentence")), "Sumy"));
    json_decref(o);
}

static json_t *quote_with(json_t *quotes, const char *text)
{
    size_t i;
    json_t *q;
    json_array_foreach(quotes, i, q) {
        const char *t = json_string_value(json_object_get(q, "text"));
        if (t && strstr(t, text)) return q;
    }
    return NULL;
}

static bool cites(json_t *q, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(q, "articles"), i, v)
        if (!strcmp(json_string_value(v), id)) return true;
    return false;
}

TEST(reconcile_demo_cross_source_quotes)
{
    json_t *o = demo_json(4, NULL);
    REQUIRE(o);
    json_t *quotes = json_object_get(o, "quotes");
    json_t *q = quote_with(quotes, "bigger challenges that we need to figure out");
    REQUIRE(q);
    CHECK(cites(q, "16b94be4e16100e7") && cites(q, "f8f6c89b85bfc837"));
    CHECK(strstr(json_string_value(json_object_get(q, "speaker")), "Rubio") != NULL);
    json_t *m = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(quotes, i, v)
        if (!strcmp(json_string_value(json_object_get(v, "text")), "mistake")) m = v;
    REQUIRE(m);
    CHECK(cites(m, "16b94be4e16100e7") && cites(m, "f8f6c89b85bfc837"));
    /* Shown once: no second group holds the same quote. */
    int n = 0;
    json_array_foreach(quotes, i, v) n += strstr(json_string_value(json_object_get(v, "text")), "bigger challenges") != NULL;
    CHECK(n == 1);
    json_decref(o);
}

TEST(reconcile_demo_summary_and_timeline)
{
    int stories[] = {0, 0, 0, 0, 1};
    json_t *o = demo_json(5, stories);
    REQUIRE(o);
    json_t *summary = json_object_get(o, "summary");
    REQUIRE(json_array_size(summary) >= 2);
    size_t i;
    json_t *s;
    int words = 0;
    json_array_foreach(summary, i, s) {
        CHECK(json_array_size(json_object_get(s, "articles")) >= 1);
        const char *t = json_string_value(json_object_get(s, "text"));
        CHECK(strstr(t, "ARTICLE AD BOX") == NULL && strstr(t, "Sign up now") == NULL);
        for (const char *p = t; *p; p++) words += *p == ' ';
        words++;
    }
    CHECK(words <= 100);
    /* Timeline: every event of the April story comes before every event of
     * the December story, and each event has its sentence. */
    json_t *tl = json_object_get(o, "timeline");
    REQUIRE(json_array_size(tl) >= 2);
    const char *last_april = "", *first_december = "9999";
    bool april = false, december = false;
    json_array_foreach(tl, i, s) {
        const char *d = json_string_value(json_object_get(s, "date"));
        int story = (int)json_integer_value(json_object_get(s, "story"));
        CHECK(json_string_value(json_object_get(s, "text")) != NULL);
        if (story == 0 && strcmp(d, last_april) > 0) last_april = d;
        if (story == 1 && strcmp(d, first_december) < 0 && strncmp(d, "2025-12", 7) == 0) first_december = d;
        april |= story == 0 && !strncmp(d, "2025-04", 7);
        december |= story == 1 && !strncmp(d, "2025-12", 7);
    }
    CHECK(april && december);
    CHECK(strcmp(last_april, first_december) < 0);
    json_decref(o);
}

TEST(reconcile_demo_claims_in_tension)
{
    json_t *o = demo_json(5, (int[]){0, 0, 0, 0, 1});
    REQUIRE(o);
    json_t *claims = json_object_get(o, "claims_in_tension");
    bool found = false;
    size_t i;
    json_t *c;
    json_array_foreach(claims, i, c) {
        json_t *a = json_object_get(c, "a"), *b = json_object_get(c, "b");
        const char *sa = json_string_value(json_object_get(a, "sentence"));
        const char *sb = json_string_value(json_object_get(b, "sentence"));
        if (sa && sb && strstr(sa, "some progress had been made") && strstr(sb, "no settlement had been reached"))
            found = strstr(json_string_value(json_object_get(a, "who")), "Rubio") &&
                    strstr(json_string_value(json_object_get(b, "who")), "Kremlin");
    }
    CHECK(found);
    /* The minerals deal: "this month" against "next week", compatible. */
    bool when = false;
    json_array_foreach(claims, i, c) {
        const char *v = json_string_value(json_object_get(c, "verdict"));
        const char *sa = json_string_value(json_object_get(json_object_get(c, "a"), "says"));
        const char *sb = json_string_value(json_object_get(json_object_get(c, "b"), "says"));
        if (v && sa && sb &&
            ((!strcmp(sa, "this month") && !strcmp(sb, "next week")) ||
             (!strcmp(sa, "next week") && !strcmp(sb, "this month"))))
            when = !strcmp(v, "compatible, stated differently");
    }
    CHECK(when);
    json_decref(o);
}

TEST(reconcile_demo_deterministic)
{
    rec_config cfg;
    reconcile_config_default(&cfg);
    char *a = NULL, *b = NULL;
    REQUIRE(reconcile_files_json(DEMO, NULL, 5, &cfg, true, &a) == 0);
    REQUIRE(reconcile_files_json(DEMO, NULL, 5, &cfg, true, &b) == 0);
    CHECK_STR(a, b);
    free(a);
    free(b);
}

/* A stored story reconciled from what the extract stage stored gives what
 * extracting its articles again (against the same reference dates) gives. */
TEST(reconcile_story_reads_the_stored_extractions)
{
    char path[] = "/tmp/accord-test-reconcile-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    unlink(path);
    accord *db = NULL;
    REQUIRE(accord_open(path, &db) == 0);
    accord_ingest_stats stats;
    CHECK(accord_ingest_path(db, "../../data/demo", NULL, &stats) == 0);
    accord_close(db);
    store *st = NULL;
    REQUIRE(store_open(path, true, &st) == 0);
    sqlite3_stmt *s = store_prepare(st, "SELECT id, source, title, published, event_date, given_date, text "
                                        "FROM articles ORDER BY rowid");
    REQUIRE(s);
    arena a;
    arena_init(&a);
    rec_article arts[8];
    const char *ids[8];
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n < 8) {
#define COL(k) (sqlite3_column_type(s, k) == SQLITE_NULL ? NULL : arena_strdup(&a, (const char *)sqlite3_column_text(s, k)))
        rec_article *art = &arts[n];
        memset(art, 0, sizeof *art);
        art->id = ids[n] = COL(0);
        art->source = COL(1);
        art->title = COL(2);
        const char *pub = COL(3), *ev = COL(4), *given = COL(5);
        art->text = COL(6);
        art->len = strlen(art->text);
#undef COL
        art->date = pub ? pub : ev ? ev : given;
        art->given_date = given;
        if (pub) art->ref_date = arena_strndup(&a, pub, 10);
        REQUIRE(text_analyze(&a, art->text, art->len, &art->doc) == 0);
        /* Extracted against its stated date only: an undated article's
         * quantities get their "when" from reconcile's own dating of the
         * story, whatever fallback reference the ingest used. */
        extract_result ex;
        REQUIRE(extract_article(&a, &art->doc, art->ref_date, &ex) == 0);
        REQUIRE(reconcile_from_extract(&a, art, &ex) == 0);
        n++;
    }
    sqlite3_reset(s);
    REQUIRE(n == 5);
    text_stemmer *stem = text_stemmer_new("en");
    REQUIRE(stem);
    reconcile r;
    rec_config cfg;
    reconcile_config_default(&cfg);
    REQUIRE(reconcile_run(&a, arts, n, &cfg, stem, &r) == 0);
    json_t *fresh = json_object();
    REQUIRE(reconcile_to_json(&r, fresh) == 0);
    json_t *stored = json_object();
    REQUIRE(reconcile_story_json(st, ids, NULL, n, stored) == 0);
    json_object_del(stored, "summary_label");
    char *x = json_dumps(fresh, JSON_SORT_KEYS), *y = json_dumps(stored, JSON_SORT_KEYS);
    CHECK(x && y && strlen(x) > 1000);
    CHECK_STR(x, y);
    CHECK(json_array_size(json_object_get(stored, "quotes")) > 0);
    CHECK(json_array_size(json_object_get(stored, "facts")) > 0);
    free(x);
    free(y);
    json_decref(fresh);
    json_decref(stored);
    text_stemmer_free(stem);
    arena_free(&a);
    store_close(st);
    unlink(path);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

TEST(reconcile_degenerate_input)
{
    arena a;
    arena_init(&a);
    text_stemmer *st = text_stemmer_new("en");
    rec_article arts[4];
    make_article(&a, &arts[0], "e", NULL, "");
    make_article(&a, &arts[1], "w", NULL, "Word");
    make_article(&a, &arts[2], "q", "2025-01-01", "\"Unclosed quote and no stop");
    make_article(&a, &arts[3], "n", "not a date", "Only this sentence has enough words to be a summary sentence.");
    rec_quote bad = {.start = 500, .end = 400, .text = "Unclosed", .speaker = NULL};
    arts[2].quotes = &bad;
    arts[2].n_quotes = 1;
    reconcile r;
    REQUIRE(reconcile_run(&a, arts, 4, NULL, st, &r) == 0);
    CHECK(r.n_summary == 1);
    CHECK(r.n_quotes == 1);
    json_t *o = json_object();
    CHECK(reconcile_to_json(&r, o) == 0);
    buf out = BUF_INIT;
    CHECK(reconcile_render(o, false, 60, &out) == 0);
    CHECK(strstr(buf_cstr(&out), "Summary") != NULL);
    buf_free(&out);
    json_decref(o);
    /* One article alone: it adds everything, shares nothing. */
    REQUIRE(reconcile_run(&a, &arts[3], 1, NULL, st, &r) == 0);
    CHECK(r.n_shared == 0 && r.n_additions[0] == 1);
    text_stemmer_free(st);
    arena_free(&a);
}
