/* pipeline.c - see pipeline.h. The stages, in order, for one article. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "clean/clean.h"
#include "clean/clean_store.h"
#include "cluster/cluster.h"
#include "dedup/dedup.h"
#include "extract/extract_store.h"
#include "util/buf.h"
#include "util/util.h"

enum { REFINE_MAX_MEMBERS = 64 };

/* An article that cannot date its events by itself ("on Friday", no month or
 * year) is dated again with the other articles of its story as peers. The
 * peers are the dates each article found on its own (kept in its clean
 * metadata), never refined ones, so the result is a function of the story's
 * members and not of the order they arrived in. Only the event date of
 * articles whose dates came from inference is touched. */
static int refine_story_dates(accord *db, int64_t article)
{
    /* Only a weakly dated member's text is read: this runs for every new
     * article, and most stories have no such member. */
    sqlite3_stmt *s = store_prepare(
        db->st, "SELECT a.rowid, CASE WHEN coalesce(json_extract(a.meta, '$.dates.published.source'), "
                "'inferred') LIKE 'inferred%' AND coalesce(json_extract(a.meta, "
                "'$.dates.event.confidence'), 0) < 0.6 THEN a.text END, a.given_date, a.event_date, "
                "json_extract(a.meta, '$.dates.event.value'), "
                "json_extract(a.meta, '$.dates.event.confidence'), coalesce(a.published, a.given_date, a.fetched) "
                "FROM story_articles m JOIN articles a ON a.rowid = m.article "
                "WHERE m.story = (SELECT story FROM story_articles WHERE article = ?1) "
                "ORDER BY a.rowid LIMIT ?2");
    if (!s) return ACCORD_EINTERNAL;
    sqlite3_bind_int64(s, 1, article);
    sqlite3_bind_int(s, 2, REFINE_MAX_MEMBERS);
    arena a;
    arena_init(&a);
    struct member {
        int64_t rowid;
        const char *text, *given, *current, *own, *ref;
        double conf;
    } *m = arena_alloc(&a, REFINE_MAX_MEMBERS * sizeof *m);
    size_t n = 0;
    while (m && n < REFINE_MAX_MEMBERS && sqlite3_step(s) == SQLITE_ROW) {
        struct member *x = &m[n++];
        x->rowid = sqlite3_column_int64(s, 0);
        x->text = arena_strdup(&a, (const char *)sqlite3_column_text(s, 1));
        x->given = arena_strdup(&a, (const char *)sqlite3_column_text(s, 2));
        x->current = arena_strdup(&a, (const char *)sqlite3_column_text(s, 3));
        x->own = arena_strdup(&a, (const char *)sqlite3_column_text(s, 4));
        x->conf = sqlite3_column_double(s, 5);
        x->ref = arena_strdup(&a, (const char *)sqlite3_column_text(s, 6));
    }
    sqlite3_reset(s);
    int rc = m ? 0 : ACCORD_ENOMEM;
    const char **days = arena_alloc(&a, REFINE_MAX_MEMBERS * sizeof *days);
    double *conf = arena_alloc(&a, REFINE_MAX_MEMBERS * sizeof *conf);
    if (!days || !conf) rc = ACCORD_ENOMEM;
    for (size_t i = 0; i < n && rc == 0 && n > 1; i++) {
        if (!m[i].text) continue; /* dated well enough on its own */
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && m[j].own) {
                days[k] = m[j].own;
                conf[k++] = m[j].conf;
            }
        if (k == 0) continue;
        clean_date ev;
        if (clean_event_date_with_peers(&a, m[i].text, strlen(m[i].text), m[i].given, m[i].ref, days, conf, k,
                                        &ev) != 0) {
            rc = ACCORD_ENOMEM;
            break;
        }
        if (!ev.value || (m[i].current && !strcmp(ev.value, m[i].current))) continue;
        /* A flagged given date is now measured against the refined date. */
        sqlite3_stmt *u = store_prepare(
            db->st, "UPDATE articles SET event_date = ?1, meta = CASE WHEN json_extract(meta, '$.date_flag') "
                    "IS NOT NULL AND ?3 IS NOT NULL THEN json_set(meta, '$.date_flag', ?3) ELSE meta END "
                    "WHERE rowid = ?2");
        if (!u) {
            rc = ACCORD_EINTERNAL;
            break;
        }
        sqlite3_bind_text(u, 1, ev.value, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 2, m[i].rowid);
        char *flag = clean_date_flag(&a, m[i].given, ev.value);
        if (flag) sqlite3_bind_text(u, 3, flag, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(u) != SQLITE_DONE) rc = acc_error(ACCORD_EINTERNAL, "updating an event date");
        sqlite3_reset(u);
    }
    arena_free(&a);
    return rc;
}

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
        const char *ref = raw->published ? raw->published : raw->given_date ? raw->given_date : raw->fetched;
        int crc = raw->is_html ? clean_html_learned(&a, raw->body, raw->body_len, raw->url, raw->given_date, ref,
                                                    raw->source, &learned, &cr)
                               : clean_text_learned(&a, raw->body, raw->body_len, raw->given_date, ref,
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

    /* clean, again: the story's weakly dated articles, dated with its others. */
    rc = refine_story_dates(db, pa.rowid);
    if (rc != 0) goto out;

out:
    free(clean_meta);
    buf_free(&nfc);
    arena_free(&a);
    return rc;
}
