/* eval_summaries.c - scoring summaries on events written up by several
 * outlets (ECB+: news articles grouped by real-world event).
 *
 * There are no reference summaries, so the proxy is the outlets' own
 * leads, leave-one-out: for each event with at least three articles and
 * each article h of it, the summary is made from the *other* articles of
 * the event and scored against h's lead (its first three statements), the
 * part of a news report its writer chose to tell the event in. Leaving h
 * out keeps a method from scoring by copying the reference. A statement is
 * a finished sentence (reconcile_statement()): the link, heading and date
 * lines that open many ECB+ texts are skipped, for the reference and the
 * baseline alike; left in, the baseline scores on shared URL slugs and
 * headline words rather than on what the texts say. Every system
 * is cut to the same number of words (ROUGE's -l convention), and scores
 * are averaged over all (event, held-out article) pairs.
 *
 * Systems: the engine's summary (LexRank + MMR), the same with LexRank's
 * teleport biased towards lead sentences, LexRank without redundancy
 * control, and the baseline a reader gets without the engine: the first
 * sentences of the first article. */
#include <stdlib.h>
#include <string.h>

#include "accord.h"
#include "reconcile/reconcile_int.h"
#include "util/json.h"

enum { N_SYSTEMS = 4, LEAD_SENTENCES = 3 };
static const char *const SYSTEM_NAMES[N_SYSTEMS] = {"lexrank_mmr", "lexrank_mmr_position",
                                                    "lexrank_no_mmr", "baseline_first_article_lead"};

typedef struct eval_doc {
    const char *id, *event;
    rec_article art;
} eval_doc;

/* The first `words` words of text, appended to out (words split on spaces). */
static int append_words(buf *out, const char *text, size_t len, int words)
{
    int n = 0;
    size_t i = 0;
    while (i < len && n < words) {
        while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) i++;
        size_t b = i;
        while (i < len && !(text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) i++;
        if (i == b) break;
        if (out->len) buf_putc(out, ' ');
        buf_append(out, text + b, i - b);
        n++;
    }
    return n;
}

static void candidate_from_summary(const reconcile *r, int words, buf *out)
{
    buf_clear(out);
    int left = words;
    for (size_t k = 0; k < r->n_summary && left > 0; k++) {
        const rec_sentence *s = &r->sentences[r->summary[k]];
        const rec_article *art = &r->articles[s->article];
        left -= append_words(out, art->text + s->start, s->end - s->start, left);
    }
}

/* The lead: the first `sentences` statements of the article (a link, a
 * heading or a dateline above the text is not part of it), cut at `words`. */
static void lead_of(const rec_article *art, int sentences, int words, buf *out)
{
    buf_clear(out);
    int left = words, taken = 0;
    for (size_t k = 0; k < art->doc.n_sentences && taken < sentences && left > 0; k++) {
        const text_sentence *ts = &art->doc.sentences[k];
        uint32_t nw = 0;
        for (uint32_t t = 0; t < ts->n_tokens; t++)
            nw += art->doc.tokens[ts->first_token + t].kind != TOK_PUNCT;
        if (!reconcile_statement(art->text + ts->start, ts->end - ts->start, nw)) continue;
        left -= append_words(out, art->text + ts->start, ts->end - ts->start, left);
        taken++;
    }
}

int reconcile_eval_summaries(const char *path, int words, char **json)
{
    char *data = NULL;
    size_t len = 0;
    int rc = acc_read_file(path, &data, &len);
    if (rc) return rc;
    if (words <= 0) words = 50;
    arena a;
    arena_init(&a);
    size_t cap = 256, n = 0;
    eval_doc *docs = malloc(cap * sizeof *docs);
    text_stemmer *stem = text_stemmer_new("en");
    if (!docs || !stem) {
        rc = ACCORD_ENOMEM;
        goto out;
    }
    /* Read the lines: id, event, text. */
    size_t line = 0;
    for (char *p = data; p < data + len;) {
        char *e = memchr(p, '\n', (size_t)(data + len - p));
        if (!e) e = data + len;
        line++;
        if (e > p) {
            json_error_t err;
            json_t *o = json_loadb(p, (size_t)(e - p), 0, &err);
            const char *id = json_string_value(json_object_get(o, "id"));
            const char *ev = json_string_value(json_object_get(o, "event"));
            const char *text = json_string_value(json_object_get(o, "text"));
            if (!o || !id || !ev || !text) {
                json_decref(o);
                rc = acc_error(ACCORD_EINPUT, "%s:%zu: want a JSON object with string fields id, event, text",
                               path, line);
                goto out;
            }
            if (n == cap) {
                cap *= 2;
                eval_doc *d2 = realloc(docs, cap * sizeof *docs);
                if (!d2) {
                    json_decref(o);
                    rc = ACCORD_ENOMEM;
                    goto out;
                }
                docs = d2;
            }
            eval_doc *d = &docs[n];
            memset(d, 0, sizeof *d);
            d->id = arena_strdup(&a, id);
            d->event = arena_strdup(&a, ev);
            buf nfc = BUF_INIT;
            if (text_nfc(text, strlen(text), &nfc) != 0 || buf_failed(&nfc)) {
                buf_free(&nfc);
                json_decref(o);
                rc = ACCORD_ENOMEM;
                goto out;
            }
            d->art.id = d->id;
            d->art.text = arena_strndup(&a, buf_cstr(&nfc), nfc.len);
            d->art.len = nfc.len;
            buf_free(&nfc);
            json_decref(o);
            if (!d->id || !d->event || !d->art.text || text_analyze(&a, d->art.text, d->art.len, &d->art.doc)) {
                rc = ACCORD_ENOMEM;
                goto out;
            }
            n++;
        }
        p = e + 1;
    }

    double sum[N_SYSTEMS][4] = {{0}}; /* R1 recall, R1 F1, R2 recall, R2 F1 */
    size_t pairs = 0, events = 0, wins[N_SYSTEMS] = {0};
    bool *done = calloc(n ? n : 1, sizeof *done);
    rec_article *inputs = malloc((n ? n : 1) * sizeof *inputs);
    if (!done || !inputs) {
        free(done);
        free(inputs);
        rc = ACCORD_ENOMEM;
        goto out;
    }
    buf cand = BUF_INIT, ref = BUF_INIT;
    rec_config cfgs[3];
    for (int s = 0; s < 3; s++) {
        reconcile_config_default(&cfgs[s]);
        cfgs[s].summary_words = words;
    }
    cfgs[1].position_prior = 1.0;
    cfgs[2].mmr_lambda = 1.0;
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        size_t members[512], nm = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && !strcmp(docs[j].event, docs[i].event)) {
                done[j] = true;
                if (nm < 512) members[nm++] = j;
            }
        if (nm < 3) continue;
        events++;
        for (size_t h = 0; h < nm; h++) {
            size_t ni = 0;
            for (size_t k = 0; k < nm; k++)
                if (k != h) inputs[ni++] = docs[members[k]].art;
            lead_of(&docs[members[h]].art, LEAD_SENTENCES, 1 << 20, &ref);
            double r1r[N_SYSTEMS];
            /* The sentences, carriers and graph are built once; the systems
             * differ in the ranking and the selection only. */
            arena ra;
            arena_init(&ra);
            reconcile r;
            rec_work w;
            rc = rec_prepare(&ra, inputs, ni, &cfgs[0], stem, &r, &w);
            for (int s = 0; s < N_SYSTEMS && !rc; s++) {
                if (s < 3) {
                    if (s == 1) rc = rec_lexrank(&ra, &cfgs[1], &r, &w);
                    if (s == 2) rc = rec_lexrank(&ra, &cfgs[2], &r, &w);
                    if (!rc) rc = rec_mmr(&ra, &cfgs[s], &r, &w);
                    if (rc) break;
                    candidate_from_summary(&r, words, &cand);
                } else {
                    lead_of(&inputs[0], 1 << 20, words, &cand);
                }
                rec_rouge r1, r2;
                reconcile_rouge(stem, cand.data ? cand.data : "", cand.len, buf_cstr(&ref), ref.len, 1, &r1);
                reconcile_rouge(stem, cand.data ? cand.data : "", cand.len, buf_cstr(&ref), ref.len, 2, &r2);
                sum[s][0] += r1.recall;
                sum[s][1] += r1.f1;
                sum[s][2] += r2.recall;
                sum[s][3] += r2.f1;
                r1r[s] = r1.recall;
            }
            free(w.edges);
            arena_free(&ra);
            if (rc) break;
            if (r1r[0] > r1r[3]) wins[0]++;
            pairs++;
        }
        if (rc) break;
    }
    buf_free(&cand);
    buf_free(&ref);
    free(done);
    free(inputs);
    if (rc) goto out;
    json_t *systems = json_array();
    for (int s = 0; s < N_SYSTEMS; s++) {
        double d = pairs ? (double)pairs : 1;
        json_array_append_new(systems, json_pack("{s:s, s:{s:f, s:f}, s:{s:f, s:f}}", "name", SYSTEM_NAMES[s],
                                                 "rouge1", "recall", sum[s][0] / d, "f1", sum[s][1] / d, "rouge2",
                                                 "recall", sum[s][2] / d, "f1", sum[s][3] / d));
    }
    rc = acc_json_out(json_pack("{s:s, s:I, s:I, s:I, s:i, s:s, s:o, s:f}", "dataset", path, "articles",
                                (json_int_t)n, "events", (json_int_t)events, "pairs", (json_int_t)pairs, "words",
                                words,
                                "protocol",
                                "leave-one-out: the summary of an event's other articles against the held-out "
                                "article's lead (its first 3 statements: links, headings and datelines above the "
                                "text skipped); every system cut to the same word count; stemmed, stop words kept",
                                "systems", systems, "lexrank_mmr_beats_baseline_share",
                                pairs ? (double)wins[0] / (double)pairs : 0.0),
                      json);
out:
    text_stemmer_free(stem);
    free(docs);
    free(data);
    arena_free(&a);
    return rc;
}
