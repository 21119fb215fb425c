/* pipeline.c - see pipeline.h. The stages, in order, for one article. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/util.h"

int pipeline_open(accord *db)
{
    db->stemmer = text_stemmer_new("en");
    /* Stage state: each stage opens its own here. */
    return 0;
}

void pipeline_close(accord *db)
{
    /* Stage state: each stage closes its own here, in reverse order. */
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

    /* clean: main text and metadata. */
    const char *body = raw->body;
    size_t body_len = raw->body_len;
    if (raw->is_html) {
        rc = acc_error(ACCORD_EINPUT, "HTML input needs the clean stage");
        goto out;
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
        .id = pa.id, .source = pa.source, .url = pa.url, .title = pa.title, .author = raw->author,
        .given_date = pa.given_date, .published = pa.published, .fetched = raw->fetched,
        .event_date = pa.event_date, .lang = pa.lang, .text = pa.text, .text_len = pa.len,
        .meta_json = NULL, .extra_json = raw->extra_json, .origin = raw->file,
        .repaired_bytes = raw->repaired_bytes,
    };
    rc = store_article_put(db->st, &sa, &pa.outcome, &pa.rowid, &pa.version);
    if (rc != 0) goto out;
    *kind = pa.outcome == STORE_PUT_NEW ? ACCORD_EVENT_NEW
            : pa.outcome == STORE_PUT_SAME ? ACCORD_EVENT_SAME
                                           : ACCORD_EVENT_VERSION;
    if (pa.outcome == STORE_PUT_SAME) goto out;

    if (text_analyze(&a, pa.text, pa.len, &pa.doc) != 0) {
        rc = acc_error(ACCORD_ENOMEM, "out of memory analysing the text");
        goto out;
    }

    /* Stages after the store, in order: dedup, extract, cluster. */

out:
    buf_free(&nfc);
    arena_free(&a);
    return rc;
}
