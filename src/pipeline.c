/* pipeline.c - see pipeline.h. The stages, in order, for one article. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "clean/clean_store.h"
#include "cluster/cluster.h"
#include "dedup/dedup.h"
#include "extract/extract_store.h"
#include "util/buf.h"
#include "util/util.h"

int pipeline_open(accord *db)
{
    db->stemmer = text_stemmer_new("en");
    /* Stage state: each stage opens its own here. */
    int rc = cluster_open(db);
    if (rc != 0) return rc;
    return 0;
}

void pipeline_close(accord *db)
{
    /* Stage state: each stage closes its own here, in reverse order. */
    cluster_close(db);
    text_stemmer_free(db->stemmer);
    db->stemmer = NULL;
}

int pipeline_ingest(accord *db, const raw_article *raw, accord_event_kind *kind)
{
    arena a;
    arena_init(&a);
    buf nfc = BUF_INIT;
    int rc = 0;
    pipeline_article pa = {0};
    pa.raw = raw;
    pa.a = &a;
    pa.id = raw->id;
    pa.title = raw->title;
    pa.source = raw->source;
    pa.url = raw->url;
    pa.given_date = raw->given_date;
    pa.published = raw->published;

    /* clean: main text and metadata; junk out with its reasons, the
     * outlet's learned boilerplate too; dates worked out. */
    const char *body = raw->body;
    size_t body_len = raw->body_len;
    clean_result cr;
    char *clean_meta = NULL;
    {
        clean_learned learned;
        rc = clean_store_learned(db->st, raw->source, &a, &learned);
        if (rc != 0) goto out;
        int crc = raw->is_html ? clean_html_learned(&a, raw->body, raw->body_len, raw->url, raw->given_date,
                                                    raw->source, &learned, &cr)
                               : clean_text_learned(&a, raw->body, raw->body_len, raw->given_date,
                                                    raw->source, &learned, &cr);
        if (crc != 0) {
            rc = crc == -1 ? acc_error(ACCORD_ENOMEM, "out of memory cleaning the article")
                           : acc_error(ACCORD_EINPUT, "the article could not be cleaned");
            goto out;
        }
        body = cr.text;
        body_len = cr.len;
        pa.clean = &cr;
        if (!pa.title) pa.title = cr.title;
        if (!pa.published && cr.published.value && cr.published.source &&
            strcmp(cr.published.source, "inferred") != 0)
            pa.published = cr.published.value;
        pa.event_date = cr.event.value;
        clean_meta = clean_result_json(&cr, false);
    }

    /* text: normalise for storage, analyse. */
    if (text_nfc(body, body_len, &nfc) != 0 || buf_failed(&nfc)) {
        rc = acc_error(ACCORD_ENOMEM, "out of memory normalising the text");
        goto out;
    }
    pa.text = buf_cstr(&nfc);
    pa.len = nfc.len;
    if (pa.len == 0) {
        rc = acc_error(ACCORD_EINPUT, "no article text left after cleaning");
        goto out;
    }
    pa.lang = raw->lang ? raw->lang : text_language(pa.text, pa.len, NULL);

    /* store */
    store_article sa = {
        .id = pa.id, .source = pa.source, .url = pa.url, .title = pa.title,
        .author = raw->author ? raw->author : cr.author,
        .given_date = pa.given_date, .published = pa.published, .fetched = raw->fetched,
        .event_date = pa.event_date, .lang = pa.lang, .text = pa.text, .text_len = pa.len,
        .meta_json = clean_meta, .extra_json = raw->extra_json, .origin = raw->file,
        .repaired_bytes = raw->repaired_bytes,
    };
    rc = store_article_put(db->st, &sa, &pa.outcome, &pa.rowid, &pa.version);
    if (rc != 0) goto out;
    *kind = pa.outcome == STORE_PUT_NEW ? ACCORD_EVENT_NEW
            : pa.outcome == STORE_PUT_SAME ? ACCORD_EVENT_SAME
                                           : ACCORD_EVENT_VERSION;
    if (pa.outcome == STORE_PUT_SAME) goto out;

    /* clean: the article counts towards its outlet's learned boilerplate. */
    rc = clean_store_observe(db->st, raw->source, &cr, &a);
    if (rc != 0) goto out;

    if (text_analyze(&a, pa.text, pa.len, &pa.doc) != 0) {
        rc = acc_error(ACCORD_ENOMEM, "out of memory analysing the text");
        goto out;
    }

    /* Stages after the store, in order: dedup, extract, cluster. */

    /* dedup: copy pairs and shared passages with the articles stored so far. */
    rc = dedup_store_article(db->st, pa.rowid, pa.text, pa.len, &pa.doc);
    if (rc != 0) goto out;

    /* extract: entities, quotes, quantities, time expressions. Relative
     * dates resolve against the publication date, else the event date. */
    {
        const char *ref = pa.published ? pa.published : pa.event_date ? pa.event_date : pa.given_date;
        rc = extract_store_article(db->st, pa.rowid, &a, &pa.doc, ref);
        if (rc != 0) goto out;
    }

    /* cluster: the article joins its story or starts one. */
    rc = cluster_article(db, &pa, 0);
    if (rc != 0) goto out;

out:
    free(clean_meta);
    buf_free(&nfc);
    arena_free(&a);
    return rc;
}
