/* fuzz_align.c - shingling, MinHash and passage alignment on arbitrary bytes.
 *
 * The input is split at its first NUL byte (or in the middle) into two
 * texts. Checked: the one-pass sketch (fast ASCII path) equals the MinHash
 * of the shingle set built word by word; the Jaccard of a text with itself
 * is 1 (0 when it has no words) and is symmetric; every aligned pair names
 * real sentences with a score between the threshold and 1; passages cover
 * exactly the aligned pairs, in order. A broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"

#define ENSURE(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_align: invariant failed: %s (line %d)\n", #cond, __LINE__);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_alignment(const dedup_doc *a, const dedup_doc *b, const dedup_alignment *al)
{
    size_t covered = 0;
    for (size_t i = 0; i < al->n_pairs; i++) {
        ENSURE(al->pairs[i].a < a->n_sentences && al->pairs[i].b < b->n_sentences);
        ENSURE(al->pairs[i].score >= DEDUP_ALIGN_THRESHOLD - 1e-9 &&
               al->pairs[i].score <= 1.0 + 1e-9);
        if (i) ENSURE(al->pairs[i - 1].a <= al->pairs[i].a);
    }
    for (size_t p = 0; p < al->n_passages; p++) {
        const dedup_passage *ps = &al->passages[p];
        ENSURE(ps->n_pairs >= 1 && ps->a_count >= 1 && ps->b_count >= 1);
        ENSURE(ps->a_first + ps->a_count <= a->n_sentences &&
               ps->b_first + ps->b_count <= b->n_sentences);
        covered += ps->n_pairs;
    }
    ENSURE(covered == al->n_pairs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t la = nul ? (size_t)(nul - data) : size / 2;
    const char *tb = text + la + (nul ? 1 : 0);
    size_t lb = size - la - (nul ? 1 : 0);

    dedup_config c;
    dedup_config_default(&c);
    c.shingle_words = 1 + (size ? data[0] % 6 : 0);
    ENSURE(dedup_config_finish(&c) == 0);
    arena ar;
    arena_init(&ar);
    dedup_shingles sa, sb;
    ENSURE(dedup_shingle_text(&ar, text, la, c.shingle_words, &sa) == 0);
    ENSURE(dedup_shingle_text(&ar, tb, lb, c.shingle_words, &sb) == 0);
    uint32_t s1[DEDUP_MAX_HASHES], s2[DEDUP_MAX_HASHES];
    long words = dedup_sketch_text(&c, text, la, s1);
    ENSURE(words >= 0);
    dedup_minhash(&c, sa.h, sa.n, s2);
    ENSURE(memcmp(s1, s2, (size_t)c.n_hashes * sizeof s1[0]) == 0);
    ENSURE((words == 0) == (sa.n == 0));
    double j = dedup_jaccard(&sa, &sb);
    ENSURE(j >= 0 && j <= 1 && j == dedup_jaccard(&sb, &sa));
    ENSURE(dedup_jaccard(&sa, &sa) == (sa.n ? 1.0 : 0.0));

    dedup_doc da, db;
    if (dedup_doc_from_text(&ar, text, la, &da) == 0 &&
        dedup_doc_from_text(&ar, tb, lb, &db) == 0) {
        dedup_alignment al;
        ENSURE(dedup_align(&ar, &da, &db, &al) == 0);
        check_alignment(&da, &db, &al);
        ENSURE(dedup_align(&ar, &da, &da, &al) == 0);
        check_alignment(&da, &da, &al);
    }
    arena_free(&ar);
    return 0;
}
