/* clean_json.c - a clean result as JSON: what `accord extract --json`
 * prints and what the pipeline keeps in articles.meta. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "clean_store.h"

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *date_json(const clean_date *d)
{
    if (!d->value) return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "value", json_string(d->value));
    json_object_set_new(o, "source", str_or_null(d->source));
    json_object_set_new(o, "confidence", json_real((double)(long)(d->confidence * 100 + 0.5) / 100.0));
    return o;
}

char *clean_result_json(const clean_result *r, bool with_text)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "title", str_or_null(r->title));
    json_object_set_new(o, "site_name", str_or_null(r->site_name));
    json_object_set_new(o, "author", str_or_null(r->author));
    json_object_set_new(o, "canonical_url", str_or_null(r->canonical_url));
    json_object_set_new(o, "lang", str_or_null(r->lang));
    json_object_set_new(o, "dateline", str_or_null(r->dateline));
    json_t *dates = json_object();
    json_object_set_new(dates, "given", date_json(&r->given));
    json_object_set_new(dates, "published", date_json(&r->published));
    json_object_set_new(dates, "modified", date_json(&r->modified));
    json_object_set_new(dates, "event", date_json(&r->event));
    json_object_set_new(o, "dates", dates);
    json_object_set_new(o, "date_flag", str_or_null(r->date_flag));
    json_t *caps = json_array();
    for (size_t i = 0; i < r->n_captions; i++) json_array_append_new(caps, json_string(r->captions[i]));
    json_object_set_new(o, "captions", caps);
    json_t *creds = json_array();
    for (size_t i = 0; i < r->n_credits; i++) json_array_append_new(creds, json_string(r->credits[i]));
    json_object_set_new(o, "credits", creds);
    json_t *rem = json_array();
    for (size_t i = 0; i < r->n_removed; i++)
        json_array_append_new(rem, json_pack("{s:s, s:s}", "text", r->removed[i].text, "reason",
                                             r->removed[i].reason ? r->removed[i].reason : "boilerplate"));
    json_object_set_new(o, "removed", rem);
    if (with_text) {
        json_object_set_new(o, "text", json_stringn(r->text ? r->text : "", r->text ? r->len : 0));
        json_t *paras = json_array();
        const char *t = r->text ? r->text : "";
        size_t st = 0;
        for (size_t i = 0; r->text && i <= r->len; i++) {
            if (i < r->len && t[i] != '\n') continue;
            if (i > st) json_array_append_new(paras, json_stringn(t + st, i - st));
            st = i + 1;
        }
        json_object_set_new(o, "paragraphs", paras);
    }
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    return s;
}
