/* reconcile.h - comparing the outlets of one story: cited summaries, what
 * each outlet adds, who carried a passage first, fact verdicts, quotes
 * across outlets, claims in tension, and the timeline of a storyline.
 *
 * Input is a set of articles (rec_article): their analysed text, a date,
 * and, when the extract stage ran, their quantities and quotes converted
 * to the small structs below (reconcile_from_extract() does that). The
 * core never touches the store, so `accord summarize FILE...` (files.c)
 * and the evaluation (eval_summaries.c) run it on files; reconcile_json.c
 * loads a story's articles from the store, builds the JSON of `accord
 * story`, and render.c prints it. Nothing is persisted: the keys are
 * computed when a story is read.
 *
 * How it works, in order (reconcile_run()):
 *
 *  0. Dates. Each article's day of writing: its stated date, else inferred
 *     from its text and pulled towards the other articles of its story.
 *  1. Sentences. Every sentence of every article becomes a TF-IDF vector of
 *     stemmed content words (smoothed IDF over the sentences of the story)
 *     and a dedup sentence (character 4-grams) for fuzzy matching.
 *  2. Carriers. Two sentences of different articles match when dedup's
 *     sentence similarity reaches DEDUP_ALIGN_THRESHOLD (only pairs whose
 *     TF-IDF cosine is not negligible are scored). A sentence is carried by
 *     its own article and every article holding a matching sentence;
 *     matching sentences form groups (connected components): the passages
 *     the outlets share.
 *  3. Centrality. Continuous LexRank (Erkan and Radev 2004): the cosine
 *     graph, row-normalised, ranked by power iteration with damping, with
 *     an optional personalisation towards each article's lead sentences.
 *  4. Summary. Maximal Marginal Relevance (Carbonell and Goldstein 1998)
 *     picks central, finished statements that are not redundant with those
 *     already picked (one per group of matching sentences) until the word
 *     budget is spent; a sentence leaning on the one before ("He said",
 *     "But") weighs less. Every sentence cites the articles that carry it.
 *  5. Additions and firsts. An article's additions are its sentences that
 *     no other article carries, ranked by centrality. The first carrier of
 *     a shared passage or of a fact is its earliest article (by date, then
 *     by id).
 *  6. Facts (facts.c), quotes and claims (quotes.c), timeline (timeline.c).
 *
 * Everything is deterministic: ties always break on article order, then
 * sentence position. All memory lives in the arena given to
 * reconcile_run(). Functions return 0 or a negative ACCORD_E* code. */
#ifndef ACCORD_RECONCILE_H
#define ACCORD_RECONCILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/text.h"
#include "../util/arena.h"
#include "../util/buf.h"

struct extract_result;
struct store;

/* ---- Input ------------------------------------------------------------------ */

/* A quantity as reconcile sees it (mirrors extract_quantity). */
typedef struct rec_quantity {
    uint32_t sentence;   /* index into the article's doc.sentences */
    uint32_t start, end; /* the phrase, byte span in the article text */
    double value;
    int bound;           /* extract_bound: 0 exact, 1 at least, 2 more than, 3 nearly,
                            4 about, 5 up to, 6 less than */
    const char *text;    /* the phrase as written */
    const char *unit;    /* or NULL */
    const char *measure; /* "killed", "injured", ... or NULL (not compared) */
    const char *where;   /* a place, or NULL */
    const char *when;    /* "YYYY-MM-DD", "YYYY-MM" or "YYYY", or NULL */
} rec_quantity;

/* A direct quote (mirrors extract_quote). */
typedef struct rec_quote {
    uint32_t start, end; /* the quoted words, byte span in the article text */
    const char *text;
    const char *speaker;  /* resolved name, or the speaker as written, or NULL */
    const char *role;     /* "Kremlin spokesman", or NULL */
    const char *speaker_key; /* cross-article key of the speaker, or NULL */
} rec_quote;

/* A named speaker or actor in a sentence (for claims in tension). */
typedef struct rec_actor {
    uint32_t sentence;
    uint32_t start, end;
    const char *name;
    const char *key; /* cross-article key, or NULL */
} rec_actor;

typedef struct rec_article {
    const char *id;
    const char *source;   /* outlet, or NULL */
    const char *title;    /* or NULL */
    const char *date;     /* when it was published / reported ("YYYY-MM-DD..."), orders
                             "who was first"; NULL when unknown (sorts last) */
    const char *ref_date; /* the day the text was written, "YYYY-MM-DD", anchors relative
                             time expressions; NULL: inferred from the text */
    const char *given_date; /* a date it came with (crawl, feed): weak evidence, or NULL */
    const char *text;     /* NFC text, paragraphs separated by "\n" */
    size_t len;
    text_doc doc;         /* text_analyze() of text */
    int story;            /* which story of a storyline it belongs to (timelines); 0 */
    rec_quantity *quantities;
    size_t n_quantities;
    rec_quote *quotes;
    size_t n_quotes;
    rec_actor *actors;
    size_t n_actors;
} rec_article;

/* Fills the quantities, quotes and actors of art from an extraction of the
 * same text (memory in a). */
int reconcile_from_extract(arena *a, rec_article *art, const struct extract_result *ex);

typedef struct rec_config {
    int summary_words;     /* word budget of the summary; default 100 */
    double mmr_lambda;     /* centrality against redundancy; default 0.7 */
    double damping;        /* LexRank damping; default 0.85 */
    double position_prior; /* 0: plain LexRank; >0: teleport towards lead sentences */
    double lead_weight;    /* MMR relevance is centrality x (1 + position)^-lead_weight */
    double min_cosine;     /* edges below this are dropped; default 0.1 */
    int max_sentences;     /* per article considered; default 80 */
    int max_additions;     /* per article; default 3 */
    int max_timeline;      /* dated events kept per story; default 8 */
    bool skip_matching;    /* no carriers (faster; summaries cite one article) */
} rec_config;

void reconcile_config_default(rec_config *c);

/* ---- Output ----------------------------------------------------------------- */

typedef struct rec_sentence {
    uint32_t article;  /* index into the articles */
    uint32_t index;    /* sentence index in the article's doc */
    uint32_t start, end;
    uint32_t n_words;
    double centrality; /* LexRank score, sums to 1 over the story */
    uint32_t group;    /* matching sentences share a group (index of its first member) */
    uint32_t *carriers; /* articles carrying it, sorted by article order */
    uint32_t n_carriers;
    bool usable;       /* long enough and not junk: may enter summaries */
} rec_sentence;

enum rec_verdict {
    REC_SINGLE = 0,   /* one report */
    REC_AGREE = 1,    /* same value */
    REC_CONSISTENT = 2, /* bounds intersect */
    REC_CONFLICT = 3,
    REC_SEPARATE = 4, /* same measure and place, another event */
};
const char *reconcile_verdict_name(int v);

typedef struct rec_report {
    uint32_t article;
    uint32_t quantity; /* index into that article's quantities */
} rec_report;

typedef struct rec_fact {
    const char *measure, *where, *when;
    const char *event;  /* the event words that set it apart, or NULL */
    int verdict;
    int separate_from;  /* REC_SEPARATE: index of the fact it is set apart from, else -1 */
    rec_report *reports; /* sorted: first carrier first */
    size_t n_reports;
    uint32_t first;     /* earliest article */
    double low, high;   /* the intersection of the reports' ranges (consistent, agree) */
} rec_fact;

typedef struct rec_quote_group {
    const char *text;    /* the longest version */
    const char *speaker; /* or NULL */
    const char *role;
    uint32_t *articles;  /* sorted */
    size_t n_articles;
    uint32_t first;
    /* each member: article and quote index */
    rec_report *members;
    size_t n_members;
} rec_quote_group;

typedef struct rec_claim {
    uint32_t article_a, sentence_a, article_b, sentence_b; /* sentence indices in docs */
    const char *who_a, *who_b;
    const char *about; /* the shared subject word ("settlement") */
} rec_claim;

/* The same statement in two outlets with its time put differently ("this
 * month" against "next week"). */
typedef struct rec_time_claim {
    uint32_t sentence_a, sentence_b; /* into rec.sentences */
    const char *expr_a, *expr_b;
    int32_t first_a, last_a, first_b, last_b; /* resolved spans (days) */
    bool compatible;                           /* the spans overlap */
} rec_time_claim;

typedef struct rec_event {
    int32_t first_day, last_day; /* days since 1970-01-01 */
    int precision;               /* 1 day, 2 month, 3 year */
    uint32_t sentence;           /* index into rec.sentences */
    int story;
    bool planned;                /* the sentence points forward */
    const char *expr;            /* the time expression as written */
} rec_event;

typedef struct reconcile {
    const rec_article *articles;
    size_t n_articles;
    uint32_t *order;      /* articles sorted by date, then id: order[0] is the earliest */
    uint32_t *rank;       /* rank[a] = position of article a in order */
    int32_t *ref_day;     /* per article: the day its text was written (days since
                             1970-01-01), INT32_MIN when unknown */
    const char **date_key; /* per article: the date it is ordered by: its own date when it
                              was given one, else the inferred day, else date */
    rec_sentence *sentences;
    size_t n_sentences;
    uint32_t *article_first; /* first sentence (into sentences) of each article; n_articles+1 */
    uint32_t *summary;    /* indices into sentences, in order of importance */
    size_t n_summary;
    int summary_words;
    uint32_t **additions; /* per article: its own sentences, most central first */
    size_t *n_additions;
    uint32_t *shared;     /* groups carried by 2+ articles: a representative sentence each,
                             most central first */
    size_t n_shared;
    rec_fact *facts;
    size_t n_facts;
    rec_quote_group *quotes;
    size_t n_quotes;
    rec_claim *claims;
    size_t n_claims;
    rec_event *events;    /* by date */
    size_t n_events;
    rec_time_claim *time_claims;
    size_t n_time_claims;
} reconcile;

/* Runs everything over articles arts[0..n) (which must outlive r). */
int reconcile_run(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                  text_stemmer *stemmer, reconcile *r);

/* Only the summary (steps 1-4), for evaluation and `accord summarize`. */
int reconcile_summarize(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                        text_stemmer *stemmer, reconcile *r);

/* The earliest article carrying sentence s. */
uint32_t reconcile_first_carrier(const reconcile *r, uint32_t s);

/* ---- Parts usable alone (tests) ---------------------------------------------- */

/* True when a sentence of n_words words is a finished statement that may
 * enter a summary: 6 to 90 words, some lower case, ending in a full stop
 * or an exclamation mark (closing quotes allowed). Headings, datelines,
 * links, captions and questions are not. */
bool reconcile_statement(const char *s, size_t len, uint32_t n_words);

/* Judges reports of one measure already grouped as one event: REC_SINGLE,
 * REC_AGREE, REC_CONSISTENT or REC_CONFLICT; *low / *high get the common
 * range (when not a conflict). */
int reconcile_judge(const double *values, const int *bounds, size_t n, double *low, double *high);

/* The event words (weapon, target, occasion) of a sentence, as a sorted,
 * space-separated string in a (or NULL when there are none). */
const char *reconcile_event_words(arena *a, const char *s, size_t len);

/* Quote matching: true when the quotes are the same words (whole, trimmed
 * or partial); short ones need the same speaker or the same words before
 * them in their sentences. */
bool reconcile_quotes_match(const char *a, const char *b, const char *speaker_a,
                            const char *speaker_b, const char *before_a, const char *before_b);

/* ROUGE-N recall, precision and F1 of a candidate against a reference, on
 * stemmed, lower-cased words (as ROUGE-1.5.5 with -m). */
typedef struct rec_rouge {
    double recall, precision, f1;
} rec_rouge;
void reconcile_rouge(text_stemmer *st, const char *cand, size_t cand_len, const char *ref,
                     size_t ref_len, int n, rec_rouge *out);

/* Scores summaries on a JSONL file of articles grouped by event (fields
 * id, event, text; ECB+), leave-one-out against each held-out article's
 * lead, for the engine's summary and baselines cut to `words` words.
 * *json gets the figures (malloc'd). 0, ACCORD_EINPUT or ACCORD_ENOMEM. */
int reconcile_eval_summaries(const char *path, int words, char **json);

/* Reads article files (any format ingest takes) as one story, cleans,
 * analyses and extracts them as ingest would, and reconciles them: only
 * the summary, or everything when `everything`. stories (may be NULL)
 * gives a story index per path, for a storyline's timeline. *json gets
 * {"label", "articles", "words", "summary", "outlet_labels", "problems",
 * ...}. */
int reconcile_files_json(const char *const *paths, const int *stories, size_t n, const rec_config *cfg,
                         bool everything, char **json);

/* A short label for a story: the title of the article that carries the
 * summary's first sentence, else of the most central titled article, else
 * the first summary sentence cut at a clause boundary. In a. */
const char *reconcile_label(arena *a, const reconcile *r);

/* ---- JSON and terminal --------------------------------------------------------- */

/* Adds "summary", "facts", "quotes", "claims_in_tension" (with times put
 * differently), "outlet_additions", "shared_passages", "timeline" and
 * "outlet_labels" to obj from a finished reconcile (docs/RECONCILE.md). */
int reconcile_to_json(const reconcile *r, json_t *obj);

/* Loads articles by id from the store, runs reconcile, and adds its keys
 * to story (see reconcile_to_json). stories[i] gives the story index of
 * ids[i] for the timeline (NULL: all 0). */
int reconcile_story_json(struct store *st, const char *const *ids, const int *stories, size_t n,
                         json_t *story);

/* Adds the reconcile keys of story `story` of the store to obj (the story
 * object built by the cluster stage): reconcile_story_json() over its
 * articles, with "summary_label", and the "timeline" of its storyline
 * (events of every story of it, "story" being the story id). */
int reconcile_story_add(struct store *st, int64_t story, json_t *obj);

/* Terminal rendering of the keys added by reconcile_to_json (summary,
 * facts, quotes by speaker, claims in tension, what each outlet adds,
 * shared passages, timeline) into out, wrapped at width, with ANSI marks
 * when color. Articles are cited by story["outlet_labels"]. Absent keys
 * are skipped. 0 or ACCORD_ENOMEM. */
int reconcile_render(json_t *story, bool color, int width, buf *out);

#endif
