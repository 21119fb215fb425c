/* files.c - reconcile a set of article files as one story, without a
 * store: the files go through ingest (formats, UTF-8 repair), the clean
 * stage (junk, captions and credits out, dates), the text layer and the
 * extract stage, exactly as they would on their way into a store. */
#include <string.h>

#include "accord.h"
#include "clean/clean.h"
#include "extract/extract.h"
#include "ingest/ingest.h"
#include "reconcile/reconcile_int.h"
#include "util/json.h"

typedef struct collect {
    arena *a;
    int story; /* of the path being read */
    rec_article *arts;
    const char **files;
    size_t n, cap;
    int rc;
    json_t *problems;
} collect;

static const char *date10(arena *a, const char *d)
{
    if (!d || strlen(d) < 10 || !acc_is_date(d, 10)) return NULL;
    return arena_strndup(a, d, 10);
}

static int take(void *ud, const raw_article *raw)
{
    collect *c = ud;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        rec_article *na = arena_grow(c->a, c->arts, c->cap, nc, sizeof *na);
        const char **nf = arena_grow(c->a, c->files, c->cap, nc, sizeof *nf);
        if (!na || !nf) return c->rc = ACCORD_ENOMEM;
        c->arts = na;
        c->files = nf;
        c->cap = nc;
    }
    arena *a = c->a;
    clean_result cr;
    const char *ref = raw->published ? raw->published : raw->given_date ? raw->given_date : raw->fetched;
    int rc = raw->is_html ? clean_html(a, raw->body, raw->body_len, raw->url, raw->given_date, ref, &cr)
                          : clean_text(a, raw->body, raw->body_len, raw->given_date, ref, raw->source, &cr);
    if (rc != 0) return c->rc = ACCORD_ENOMEM;
    buf nfc = BUF_INIT;
    if (text_nfc(cr.text ? cr.text : "", cr.text ? cr.len : 0, &nfc) != 0 || buf_failed(&nfc)) {
        buf_free(&nfc);
        return c->rc = ACCORD_ENOMEM;
    }
    rec_article *art = &c->arts[c->n];
    memset(art, 0, sizeof *art);
    art->len = nfc.len;
    art->text = arena_strndup(a, buf_cstr(&nfc), nfc.len);
    buf_free(&nfc);
    if (!art->text) return c->rc = ACCORD_ENOMEM;
    if (art->len == 0) {
        json_array_append_new(c->problems, json_pack("{s:s, s:s}", "file", raw->file ? raw->file : "",
                                                     "message", "no article text left after cleaning"));
        return 0;
    }
    art->id = arena_strdup(a, raw->id ? raw->id : raw->file ? raw->file : "?");
    art->source = raw->source ? arena_strdup(a, raw->source) : cr.site_name;
    art->title = raw->title ? arena_strdup(a, raw->title) : cr.title;
    /* A publication date the article states (metadata, header, text) fixes
     * the day; one the clean stage inferred is only a hint. */
    bool inferred = cr.published.source && !strcmp(cr.published.source, "inferred");
    const char *pub = raw->published ? date10(a, raw->published) : inferred ? NULL : date10(a, cr.published.value);
    const char *ev = date10(a, cr.event.value);
    /* Only a publication date fixes the day the text was written; the clean
     * stage's event date is a hint (reconcile weighs it with the other
     * articles of the story). */
    art->ref_date = pub;
    art->given_date = date10(a, raw->given_date);
    art->date = pub ? pub : ev ? ev : art->given_date;
    if (text_analyze(a, art->text, art->len, &art->doc) != 0) return c->rc = ACCORD_ENOMEM;
    extract_result ex;
    if (extract_article(a, &art->doc, art->ref_date, &ex) == 0 && reconcile_from_extract(a, art, &ex) != 0)
        return c->rc = ACCORD_ENOMEM;
    art->story = c->story;
    c->files[c->n] = arena_strdup(a, raw->file ? raw->file : "");
    c->n++;
    return 0;
}

static void report(void *ud, const accord_event *ev)
{
    collect *c = ud;
    if (ev->kind != ACCORD_EVENT_ERROR && ev->kind != ACCORD_EVENT_WARNING) return;
    json_array_append_new(c->problems, json_pack("{s:s, s:I, s:s}", "file", ev->file ? ev->file : "", "line",
                                                 (json_int_t)ev->line, "message", ev->message ? ev->message : ""));
}

int reconcile_files_json(const char *const *paths, const int *stories, size_t n, const rec_config *cfg,
                         bool everything, char **json)
{
    arena a;
    arena_init(&a);
    collect c = {.a = &a, .problems = json_array()};
    ingest_ctx ic = {.format = INGEST_AUTO, .sink = take, .report = report, .ud = &c};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        c.story = stories ? stories[i] : 0;
        int r = ingest_path(&ic, paths[i]);
        if (c.rc) rc = c.rc;
        else if (r < 0 && r != ACCORD_EINPUT) rc = r;
    }
    text_stemmer *stem = text_stemmer_new("en");
    if (!rc && !stem) rc = ACCORD_ENOMEM;
    if (!rc && c.n == 0) rc = acc_error(ACCORD_EINPUT, "no article found in the files given");
    reconcile r;
    if (!rc) rc = everything ? reconcile_run(&a, c.arts, c.n, cfg, stem, &r)
                             : reconcile_summarize(&a, c.arts, c.n, cfg, stem, &r);
    if (!rc) {
        json_t *o = json_object();
        json_t *arts = json_array();
        for (size_t o2 = 0; o2 < c.n; o2++) {
            uint32_t i = r.order[o2];
            json_array_append_new(arts, json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", c.arts[i].id, "file",
                                                  c.files[i], "title", acc_json_str(c.arts[i].title), "source",
                                                  acc_json_str(c.arts[i].source), "date",
                                                  acc_json_str(r.date_key[i])));
        }
        json_object_set_new(o, "label", acc_json_str(reconcile_label(&a, &r)));
        json_object_set_new(o, "articles", arts);
        json_object_set_new(o, "words", json_integer(r.summary_words));
        if (!everything) {
            /* Only the summary part of the story keys. */
            json_t *all = json_object();
            reconcile_to_json(&r, all);
            json_object_set(o, "summary", json_object_get(all, "summary"));
            json_object_set(o, "outlet_labels", json_object_get(all, "outlet_labels"));
            json_decref(all);
        } else {
            reconcile_to_json(&r, o);
        }
        json_object_set(o, "problems", c.problems);
        rc = acc_json_out(o, json);
    }
    json_decref(c.problems);
    text_stemmer_free(stem);
    arena_free(&a);
    return rc;
}
