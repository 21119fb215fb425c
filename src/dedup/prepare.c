/* prepare.c - phase 1 of the copy index: everything it needs from one
 * article, computed from the text alone.
 *
 * dedup_prepare() is a pure function of (configuration, text, analysis):
 * it reads no store, no clock and no shared state, allocates only in the
 * caller's arena, and so runs on any worker thread. It gives the word
 * count, the shingle set (kept for the exact Jaccard and stored), the
 * MinHash signature and its band keys, the sentence fingerprints and the
 * aligner's view of the sentences. dedup_apply() (dedup_store.c) then does
 * the order-dependent part on one thread. */
#include <string.h>

#include "accord.h"
#include "dedup_int.h"
#include "util/util.h"

enum {
    FP_MIN_WORDS = 6, /* shorter sentences get no fingerprint */
    FP_SHINGLE = 3,   /* words per sentence shingle */
};

/* The two smallest distinct 3-word shingle hashes of text[start, end): a
 * bottom-2 sketch of the sentence, which two lightly edited versions of it
 * share with high probability. Returns how many (0 for a sentence under
 * FP_MIN_WORDS words), or ACCORD_ENOMEM. */
static int sentence_fps(arena *a, const char *text, uint32_t start, uint32_t end, uint64_t fp[2])
{
    uint64_t *w;
    size_t n;
    if (dedup_word_hashes(a, text + start, end - start, &w, &n) != 0) return ACCORD_ENOMEM;
    if (n < FP_MIN_WORDS) return 0;
    uint64_t m0 = UINT64_MAX, m1 = UINT64_MAX;
    for (size_t i = 0; i + FP_SHINGLE <= n; i++) {
        uint64_t h = dedup_shingle_hash(w + i, FP_SHINGLE);
        if (h < m0) {
            m1 = m0;
            m0 = h;
        } else if (h > m0 && h < m1) {
            m1 = h;
        }
    }
    fp[0] = m0;
    fp[1] = m1;
    return m1 == UINT64_MAX ? 1 : 2;
}

int dedup_prepare(arena *a, const dedup_config *c, const char *text, size_t len,
                  const text_doc *doc, dedup_prepared *out)
{
    memset(out, 0, sizeof *out);
    if (!text) {
        text = "";
        len = 0;
    }
    text_doc local;
    if (!doc) {
        if (text_analyze(a, text, len, &local) != 0)
            return acc_error(ACCORD_ENOMEM, "dedup: out of memory analysing the text");
        doc = &local;
    }
    uint64_t *words;
    size_t n_words;
    int rc = dedup_word_hashes(a, text, len, &words, &n_words);
    if (!rc) rc = dedup_shingle_words(a, words, n_words, c->shingle_words, &out->shingles);
    out->signature = arena_alloc(a, (size_t)c->n_hashes * sizeof *out->signature);
    out->band_keys = arena_alloc(a, (size_t)(c->bands > 0 ? c->bands : 1) * sizeof *out->band_keys);
    if (rc || !out->signature || !out->band_keys)
        return acc_error(ACCORD_ENOMEM, "dedup: out of memory shingling the text");
    out->n_words = n_words;
    out->n_sentences = doc->n_sentences;
    dedup_minhash(c, out->shingles.h, out->shingles.n, out->signature);
    dedup_band_keys(c, out->signature, out->band_keys);
    /* Short texts take no part in copies: no bands. */
    out->n_bands = n_words >= DEDUP_MIN_COPY_WORDS ? c->bands : 0;

    out->fps = arena_alloc(a, (doc->n_sentences ? doc->n_sentences : 1) * 2 * sizeof *out->fps);
    if (!out->fps) return acc_error(ACCORD_ENOMEM, "dedup: out of memory fingerprinting");
    for (size_t i = 0; i < doc->n_sentences; i++) {
        const text_sentence *ts = &doc->sentences[i];
        if (ts->end > len || ts->start > ts->end) continue;
        uint64_t fp[2];
        int nfp = sentence_fps(a, text, ts->start, ts->end, fp);
        if (nfp < 0) return acc_error(ACCORD_ENOMEM, "dedup: out of memory fingerprinting");
        for (int k = 0; k < nfp; k++)
            out->fps[out->n_fps++] = (dedup_fingerprint){fp[k], (uint32_t)i};
    }
    if (dedup_doc_prepare(a, doc, &out->doc) != 0)
        return acc_error(ACCORD_ENOMEM, "dedup: out of memory preparing the sentences");
    return 0;
}
