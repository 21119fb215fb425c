/* reconcile.c - one run over a story's articles, and the bridge from the
 * extract stage's results to reconcile's own small structs. */
#include <string.h>

#include "accord.h"
#include "clean/dates.h"
#include "extract/extract.h"
#include "reconcile/reconcile_int.h"

int reconcile_from_extract(arena *a, rec_article *art, const struct extract_result *ex)
{
    art->quantities = NULL;
    art->n_quantities = 0;
    art->quotes = NULL;
    art->n_quotes = 0;
    art->actors = NULL;
    art->n_actors = 0;
    if (!ex) return 0;
    if (ex->n_quantities) {
        art->quantities = arena_calloc(a, ex->n_quantities, sizeof *art->quantities);
        if (!art->quantities) return ACCORD_ENOMEM;
        for (size_t i = 0; i < ex->n_quantities; i++) {
            const extract_quantity *q = &ex->quantities[i];
            art->quantities[art->n_quantities++] = (rec_quantity){
                .sentence = q->sentence, .start = q->start, .end = q->end, .value = q->value,
                .bound = q->bound, .text = q->text, .unit = q->unit, .measure = q->measure,
                .where = q->where, .when = q->when};
        }
    }
    if (ex->n_quotes) {
        art->quotes = arena_calloc(a, ex->n_quotes, sizeof *art->quotes);
        if (!art->quotes) return ACCORD_ENOMEM;
        for (size_t i = 0; i < ex->n_quotes; i++) {
            const extract_quote *q = &ex->quotes[i];
            if (!q->text) continue;
            rec_quote *o = &art->quotes[art->n_quotes++];
            o->start = q->start;
            o->end = q->end;
            o->text = q->text;
            o->speaker = q->speaker;
            if (q->speaker_entity >= 0 && (size_t)q->speaker_entity < ex->n_entities) {
                const extract_entity *e = &ex->entities[q->speaker_entity];
                o->role = e->role;
                o->speaker_key = e->key;
                if (e->name) o->speaker = e->name;
            }
        }
    }
    if (ex->n_mentions) {
        art->actors = arena_calloc(a, ex->n_mentions, sizeof *art->actors);
        if (!art->actors) return ACCORD_ENOMEM;
        for (size_t i = 0; i < ex->n_mentions; i++) {
            const extract_mention *m = &ex->mentions[i];
            if (m->type != EXTRACT_PERSON && m->type != EXTRACT_ORG) continue;
            rec_actor *o = &art->actors[art->n_actors++];
            o->sentence = m->sentence;
            o->start = m->start;
            o->end = m->end;
            o->name = m->text;
            o->key = NULL;
            if (m->entity >= 0 && (size_t)m->entity < ex->n_entities) {
                o->name = ex->entities[m->entity].name ? ex->entities[m->entity].name : m->text;
                o->key = ex->entities[m->entity].key;
            }
        }
    }
    return 0;
}

int reconcile_run(arena *a, const rec_article *arts, size_t n, const rec_config *cfg,
                  text_stemmer *stemmer, reconcile *r)
{
    rec_config def;
    if (!cfg) {
        reconcile_config_default(&def);
        cfg = &def;
    }
    rec_work w;
    int rc = rec_prepare(a, arts, n, cfg, stemmer, r, &w);
    if (!rc) rc = rec_mmr(a, cfg, r, &w);
    if (!rc) rc = rec_time_claims(a, r, &w);
    free(w.edges);
    if (rc) return rc;
    if ((rc = rec_additions(a, cfg, r))) return rc;
    if ((rc = rec_facts(a, r))) return rc;
    if ((rc = rec_quotes(a, r))) return rc;
    if ((rc = rec_claims(a, r))) return rc;
    return rec_timeline(a, cfg, r);
}
