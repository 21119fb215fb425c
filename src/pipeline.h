/* pipeline.h - one article through every stage, and the engine object.
 *
 * struct accord is the open engine: the store plus whatever state a stage
 * keeps between articles. pipeline_ingest() runs the stages in order for
 * one raw article inside a savepoint of the caller's transaction, so an
 * article is stored whole or not at all. Each stage adds its call in
 * pipeline.c at the place marked for it and never calls a later stage. */
#ifndef ACCORD_PIPELINE_H
#define ACCORD_PIPELINE_H

#include "accord.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "text/text.h"
#include "util/arena.h"

struct accord {
    store *st;
    bool readonly;
    text_stemmer *stemmer;
    /* State a stage keeps between articles (owned by that stage). */
    void *dedup_state;
    void *clean_state;
    void *extract_state;
    void *cluster_state;
};

/* What the stages after the store see of an article. */
typedef struct pipeline_article {
    const raw_article *raw;
    arena *a;               /* per-article memory, freed after the article */
    const char *id;
    int64_t rowid;          /* articles.rowid */
    int version;
    store_put_outcome outcome;
    const char *text;       /* the stored NFC text: paragraphs separated by "\n" */
    size_t len;
    text_doc doc;           /* paragraphs, sentences, tokens of text */
    const char *title, *source, *url, *lang;
    const char *given_date, *published, *event_date;
    const void *clean;      /* the clean stage's result (clean_result *), or NULL */
} pipeline_article;

/* Runs every stage for one article. *kind gets NEW, SAME or VERSION.
 * Returns 0, ACCORD_EINPUT (the article was refused; message set), or a
 * store failure. The caller holds the transaction. */
int pipeline_ingest(accord *db, const raw_article *raw, accord_event_kind *kind);

/* Called once after accord_open and before accord_close, for stage state. */
int pipeline_open(accord *db);
void pipeline_close(accord *db);

#endif
