/* accord.h - the public interface of accord, a news story engine.
 *
 * accord turns a pile or a stream of news articles into stories: which
 * reports tell the same event, which are copies of one wire text, who said
 * what, which figures agree or conflict. This header is the whole contract
 * for programs that embed the engine; the `accord` command and the HTTP
 * server are its first users.
 *
 * Conventions (after libgit2): every function that can fail returns 0 on
 * success or a negative ACCORD_E* code, and accord_error_last() describes
 * the most recent failure of the calling thread. Objects are created and
 * freed in pairs (accord_open / accord_close). Read functions return JSON
 * documents as NUL-terminated strings the caller releases with
 * accord_free(); their shapes are documented in docs/JSON.md and are the
 * same as the command line's --json output and the HTTP API. */
#ifndef ACCORD_H
#define ACCORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors --------------------------------------------------------------- */

enum {
    ACCORD_OK = 0,
    ACCORD_EINPUT = -1,    /* bad input: a file, a line, a field */
    ACCORD_EUSAGE = -2,    /* bad arguments from the caller */
    ACCORD_EINTERNAL = -3, /* a bug, or the database failed */
    ACCORD_ENOMEM = -4,    /* out of memory */
    ACCORD_ENOTFOUND = -5, /* no such article, story, entity */
    ACCORD_EVERSION = -6,  /* the database was written by a newer accord */
};

/* The message of the last error on this thread ("" if none). */
const char *accord_error_last(void);
/* The version of the library, e.g. "0.1.0". */
const char *accord_version(void);
/* Frees a string returned by this library. */
void accord_free(void *p);

/* ---- Opening a store ------------------------------------------------------ */

typedef struct accord accord;

/* Opens (creating it if needed) the SQLite store at path, upgrading its
 * schema in place. A store written by a newer accord is refused with
 * ACCORD_EVERSION. */
int accord_open(const char *path, accord **out);
/* Opens an existing store read-only (for readers beside a writer). */
int accord_open_readonly(const char *path, accord **out);
void accord_close(accord *db);

/* ---- Ingest --------------------------------------------------------------- */

typedef enum accord_event_kind {
    ACCORD_EVENT_NEW = 1,     /* a new article was stored */
    ACCORD_EVENT_SAME = 2,    /* the article was already stored: nothing changed */
    ACCORD_EVENT_VERSION = 3, /* same id, changed text: stored as a new version */
    ACCORD_EVENT_WARNING = 4, /* stored, but something was repaired or converted */
    ACCORD_EVENT_ERROR = 5,   /* this article or file was not stored */
    ACCORD_EVENT_SKIP = 6,    /* a file that is not an article (by its name), skipped */
} accord_event_kind;

typedef struct accord_event {
    accord_event_kind kind;
    const char *file;   /* path, or "-" for standard input */
    uint64_t line;      /* 1-based line, 0 when not line-oriented */
    uint64_t offset;    /* byte offset in the file, when known */
    const char *id;     /* article id, when known */
    const char *message;
} accord_event;

typedef struct accord_ingest_stats {
    uint64_t files, bytes;
    uint64_t articles_new, articles_same, articles_versioned;
    uint64_t errors, warnings, repaired_bytes, skipped;
} accord_ingest_stats;

typedef struct accord_ingest_opts {
    const char *format; /* NULL or "auto", "txt", "jsonl", "html" */
    int jobs;           /* threads preparing articles; 0: accord_default_jobs() */
    void (*on_event)(void *ud, const accord_event *ev); /* may be NULL */
    void (*on_progress)(void *ud, const accord_ingest_stats *st); /* about every 0.25 s */
    void *ud;
} accord_ingest_opts;

/* The number of threads ingest uses by default: the cores available. The
 * result never depends on it: articles are applied in input order. */
int accord_default_jobs(void);

/* Ingests a file or a directory (walked recursively; only files named
 * *.txt, *.text, *.jsonl, *.ndjson, *.html, *.htm are taken, the rest are
 * reported as skipped). "-" reads standard input. Problems with a file or a
 * line are reported through on_event and counted; they do not stop the
 * batch. Returns 0 when everything was stored, ACCORD_EINPUT when some input
 * was bad, another code when the store failed. */
int accord_ingest_path(accord *db, const char *path, const accord_ingest_opts *opts,
                       accord_ingest_stats *stats);
/* The same for a buffer already in memory, named name in messages. */
int accord_ingest_buffer(accord *db, const char *data, size_t len, const char *name,
                         const accord_ingest_opts *opts, accord_ingest_stats *stats);

/* ---- Reading -------------------------------------------------------------- */

typedef struct accord_article_query {
    const char *source; /* exact outlet name, or NULL */
    const char *since;  /* YYYY-MM-DD inclusive, or NULL */
    const char *until;  /* YYYY-MM-DD inclusive, or NULL */
    int limit;          /* 0: 100 */
    int offset;
} accord_article_query;

enum accord_article_flags {
    ACCORD_ARTICLE_TEXT = 1,      /* include the text */
    ACCORD_ARTICLE_SENTENCES = 2, /* paragraphs and sentences with offsets */
    ACCORD_ARTICLE_REMOVED = 4,   /* "removed": what cleaning took out, with reasons */
};

int accord_articles_json(accord *db, const accord_article_query *q, char **json);
int accord_article_json(accord *db, const char *id, unsigned flags, char **json);
/* Full-text search (FTS5 query syntax; plain words are ANDed), ranked by
 * bm25 with snippets whose matches are wrapped in [ and ]. */
int accord_search_json(accord *db, const char *query, int limit, int offset, char **json);

/* Search with a true total, paging, order and filters. Punctuated words
 * ("U.S.", "COVID-19", "Sen.") are tokenised as the index tokenises them.
 * {"total", "offset", "limit", "results": [{"id", "title", "source",
 * "published", "score", "snippet", "story", "story_label"}], "stories":
 * [{"id", "label", "hits"}]}: results grouped by story are the client's
 * choice; "stories" counts hits per story over all matches. */
typedef struct accord_search_query {
    const char *query;  /* FTS5 syntax; plain words are ANDed */
    const char *order;  /* "relevance" (default) or "date" (newest first) */
    const char *since;  /* YYYY-MM-DD inclusive, or NULL */
    const char *until;  /* YYYY-MM-DD inclusive, or NULL */
    const char *source; /* an outlet, or NULL */
    int64_t story;      /* 0: any */
    int limit;          /* 0: 50 */
    int offset;
} accord_search_query;
int accord_search_query_json(accord *db, const accord_search_query *q, char **json);
/* Attention for a query: matching articles per day and per outlet,
 * {"query", "total", "days": [{"day", "articles"}], "outlets": [{"outlet",
 * "articles"}]} (the query's order, limit and offset are ignored). */
int accord_attention_json(accord *db, const accord_search_query *q, char **json);
/* Counts of articles, stories, storylines, entities, outlets and copies,
 * and the date range, as numbers (not strings). */
int accord_stats_json(accord *db, char **json);

/* ---- Entities, quotes, facts ------------------------------------------------ */

/* Entities of the store, most mentioned first: {"total", "entities": [{"id",
 * "name", "type", "mentions", "articles", "aliases", "roles"}]}. type is
 * "PERSON", "ORG", "PLACE" or NULL for all; limit 0: 100. */
int accord_entities_json(accord *db, const char *type, int limit, int offset, char **json);
/* One entity by id or by name (any alias, a spelling variant or a last
 * name): {"id", "name", "type", "mentions", "articles", "aliases", "roles",
 * "mention_list", "quotes", "stories"}. ACCORD_ENOTFOUND when unknown. */
int accord_entity_json(accord *db, const char *name_or_id, char **json);
/* Direct quotes: {"total", "quotes": [{"id", "article", "source", "text",
 * "start", "end", "partial", "speaker", "entity", "role", "speaker_text",
 * "cue", "how", "story"}]}. speaker (a name, or NULL) and story (0: any)
 * filter; limit 0: 200. */
int accord_quotes_json(accord *db, const char *speaker, int64_t story, int limit, int offset, char **json);
/* Quantities with what they count: {"total", "facts": [{"id", "article",
 * "source", "text", "value", "bound", "measure", "unit", "where", "when",
 * "start", "end", "story"}]}; story 0: any; limit 0: 500. */
int accord_facts_json(accord *db, int64_t story, int limit, int offset, char **json);
/* Entity P/R/F1 (per type and overall) of the tagger on an IOB file in the
 * CoNLL-2003 or WikiANN layout. No store needed. */
int accord_eval_ner_json(const char *path, char **json);
/* Speaker accuracy on the direct quotes of a BRAT attribution corpus laid
 * out as PolNeAR (DIR/text/NAME.txt, DIR/attributions/NAME.ann). */
int accord_eval_quotes_json(const char *dir, char **json);

/* ---- Stories and storylines ------------------------------------------------ */

typedef struct accord_story_query {
    const char *since;  /* YYYY-MM-DD: stories active on or after it, or NULL */
    const char *until;  /* YYYY-MM-DD: stories that began on or before it, or NULL */
    const char *entity; /* a name some article of the story mentions, or NULL */
    const char *source; /* an outlet some article of the story comes from, or NULL */
    int limit;          /* 0: 50 */
    int offset;
    const char *sort;   /* "latest" (default: latest activity), "size" (articles),
                           "outlets", or "rising" (coverage growth, last hours) */
    const char *lang;   /* a language code some article of the story has, or NULL */
    int min_articles;   /* leave out smaller stories; 0: no limit */
} accord_story_query;

/* Stories, newest activity first: {"total", "stories": [{"id", "label",
 * "first", "last", "articles", "distinct", "outlets", "storyline"}]}. */
int accord_stories_json(accord *db, const accord_story_query *q, char **json);
/* One story: label, span, outlets, storyline, and its articles with why
 * each belongs ("why": score, cosine per space, time factor, matched
 * features); later stages add their keys (summary, facts, quotes). */
int accord_story_json(accord *db, int64_t id, char **json);
/* One story with its long lists paged: each list (articles, facts, quotes,
 * timeline, outlets...) carries its first `limit` items from `offset` and
 * its total ("facts_total"...), so that a 1,000-article story's default
 * document stays small. section NULL: every section, first page each;
 * else only that section's list, paged. */
typedef struct accord_story_opts {
    int limit;           /* items per list; 0: 20 */
    int offset;
    const char *section; /* "articles", "facts", "quotes", "timeline", ... or NULL */
} accord_story_opts;
int accord_story_page_json(accord *db, int64_t id, const accord_story_opts *o, char **json);
/* Outlets (an article's source, else its URL's registered domain, else its
 * origin), most articles first: {"total", "outlets": [{"name", "display",
 * "articles", "stories", "first_reports", "country", "owner"}]}. */
int accord_outlets_json(accord *db, int limit, int offset, char **json);
/* One outlet: its figures and its stories, newest first. */
int accord_outlet_json(accord *db, const char *name, char **json);
/* Storylines with their stories, newest activity first; min_stories
 * (0: 1) leaves out smaller ones. */
int accord_storylines_json(accord *db, int min_stories, int limit, int offset, char **json);
/* Re-clusters every stored article as one batch (see docs/CLUSTERING.md)
 * and reports what moved; dry_run writes nothing. */
int accord_recluster(accord *db, bool dry_run, char **json);

/* Called once per exported line (JSON without the newline). */
typedef int (*accord_line_fn)(void *ud, const char *line, size_t len);
/* One JSON object per article, oldest first: id, source, url, title,
 * published, event_date, story, storyline, copy_of. A stable interface. */
int accord_export_articles(accord *db, accord_line_fn emit, void *ud);
/* B-cubed precision, recall and F1 of the stories against a gold label
 * kept with each article (a field of its JSONL line, e.g. "event"):
 * {"articles", "labelled", "events", "stories", "precision", "recall", "f1"}. */
int accord_eval_stories_json(accord *db, const char *label_field, char **json);

/* ---- Copies and shared passages ------------------------------------------- */

/* Copy groups and pairs (exact Jaccard of word shingles at or above the
 * threshold, default 0.8) and the pairs of articles that share passages
 * without being copies. */
int accord_dups_json(accord *db, char **json);
/* Two articles side by side: their aligned sentence pairs with both texts
 * and a score, merged into passages, and the Jaccard of the whole texts. */
int accord_compare_json(accord *db, const char *id_a, const char *id_b, char **json);
/* One article's passages: the share of its sentences other articles also
 * carry, each shared passage with who carried it first, what only it says. */
int accord_passages_json(accord *db, const char *id, char **json);

/* ---- Comparing the outlets ------------------------------------------------- */

/* accord_story_json() carries the comparison of a story's outlets:
 * "summary" (cited sentences), "facts" (verdicts: agree, consistent,
 * conflict, separate event), "quotes" (each once, with all its outlets),
 * "claims_in_tension", "outlet_additions", "shared_passages" and the
 * storyline's "timeline" (docs/RECONCILE.md). */

/* Summarises article files (any format ingest takes) as one story without
 * a store, within `words` words (0: 100); with `everything`, also facts,
 * quotes, claims, additions and timeline. {"label", "articles", "words",
 * "summary", ...}. ACCORD_EINPUT when no article could be read. */
int accord_summarize_files_json(const char *const *paths, size_t n, int words, bool everything, char **json);
/* ROUGE-1 and ROUGE-2 of summaries on a JSONL file of articles grouped by
 * event (fields id, event, text), leave-one-out against held-out leads,
 * beside baselines, every system cut to `words` words (0: 50). */
int accord_eval_summaries_json(const char *path, int words, char **json);

#ifdef __cplusplus
}
#endif
#endif
