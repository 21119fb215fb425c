/* fuzz_reconcile.c - summaries, facts, quotes and timelines on arbitrary
 * bytes.
 *
 * The input (repaired to valid UTF-8) is split at form-feed bytes into
 * up to eight articles, each analysed and run through the extract stage,
 * then reconciled as one story. Checked: the summary keeps its word budget
 * (the first sentence may pass it by half), every summary sentence and
 * every shared passage is carried by its own article, every fact has
 * reports, every quote group has articles, and the JSON and the terminal
 * rendering are built. A broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "reconcile/reconcile.h"
#include "text/text.h"

#define ENSURE(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_reconcile: invariant failed: %s (line %d)\n", #cond, __LINE__);  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static text_stemmer *stemmer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!stemmer) stemmer = text_stemmer_new("en");
    buf text = BUF_INIT;
    text_utf8_repair((const char *)data, size, &text, NULL);
    if (buf_failed(&text)) return 0;
    arena a;
    arena_init(&a);
    rec_article arts[8];
    size_t n = 0;
    const char *s = buf_cstr(&text);
    size_t len = text.len, start = 0;
    static const char *const ids[] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"};
    for (size_t i = 0; i <= len && n < 8; i++) {
        if (i < len && s[i] != '\f') continue;
        rec_article *art = &arts[n];
        memset(art, 0, sizeof *art);
        art->id = ids[n];
        art->text = arena_strndup(&a, s + start, i - start);
        art->len = i - start;
        art->date = n % 2 ? "2025-04-18" : NULL;
        art->story = (int)(n % 3);
        if (!art->text || text_analyze(&a, art->text, art->len, &art->doc) != 0) break;
        extract_result ex;
        if (extract_article(&a, &art->doc, art->date, &ex) == 0) reconcile_from_extract(&a, art, &ex);
        n++;
        start = i + 1;
    }
    rec_config cfg;
    reconcile_config_default(&cfg);
    cfg.summary_words = 40;
    reconcile r;
    if (reconcile_run(&a, arts, n, &cfg, stemmer, &r) == 0) {
        ENSURE(r.summary_words <= 60 || r.n_summary == 1);
        for (size_t i = 0; i < r.n_summary; i++) {
            const rec_sentence *rs = &r.sentences[r.summary[i]];
            bool own = false;
            for (uint32_t k = 0; k < rs->n_carriers; k++) own |= rs->carriers[k] == rs->article;
            ENSURE(own);
        }
        for (size_t i = 0; i < r.n_shared; i++) ENSURE(r.sentences[r.shared[i]].n_carriers >= 2);
        for (size_t i = 0; i < r.n_facts; i++) ENSURE(r.facts[i].n_reports >= 1);
        for (size_t i = 0; i < r.n_quotes; i++) ENSURE(r.quotes[i].n_articles >= 1);
        json_t *o = json_object();
        ENSURE(reconcile_to_json(&r, o) == 0);
        buf out = BUF_INIT;
        reconcile_render(o, true, 70, &out);
        buf_free(&out);
        json_decref(o);
    }
    arena_free(&a);
    buf_free(&text);
    return 0;
}
