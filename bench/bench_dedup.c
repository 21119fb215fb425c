/* bench_dedup.c - throughput of the copy index and of passage alignment.
 *
 * For each corpus size (10k, 100k, 1M synthetic articles of about 4 KB,
 * generated in memory from fixed seeds, one thousand at a time so the
 * corpus is never held whole) it times, per article: words and match keys,
 * 4-word shingles, the 128-value MinHash signature, the 21 band keys, an
 * LSH lookup for candidates and the insertion into the in-memory index.
 * Generation is not timed. One in 50 articles is a light near-copy of an
 * earlier one so lookups have something to find. It prints articles per
 * second and MB per second on one core, the index's memory per article and
 * the process's peak memory (times are CPU time of the thread), and the cost per article at each
 * size so that linear growth (constant cost per article) can be read off. Then it times alignment:
 * preparing two articles' sentences and aligning them.
 *
 * Usage: bench_dedup [max_articles [index|align]]   (default 1000000, both) */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"
#include "synth.h"
#include "util/util.h"

/* CPU time of this thread: the machine may be shared, and the figure
 * wanted is per core. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { CHUNK = 1000, ARTICLE_BYTES = 4096, CAP = ARTICLE_BYTES + 1024 };

static double run_index(const synth *g, const dedup_config *c, size_t n_docs, size_t *bytes_out,
                        size_t *cands_out, size_t *mem_out)
{
    char *chunk = malloc((size_t)CHUNK * CAP);
    size_t *lens = malloc(CHUNK * sizeof *lens);
    dedup_index *ix = dedup_index_new(c, n_docs);
    if (!chunk || !lens || !ix) {
        fprintf(stderr, "bench_dedup: out of memory\n");
        exit(3);
    }
    double t = 0;
    size_t bytes = 0, cands = 0;
    uint32_t sig[DEDUP_MAX_HASHES];
    uint64_t keys[DEDUP_MAX_HASHES];
    for (size_t base = 0; base < n_docs; base += CHUNK) {
        size_t m = n_docs - base < CHUNK ? n_docs - base : CHUNK;
        for (size_t i = 0; i < m; i++) {
            size_t d = base + i;
            char *out = chunk + i * CAP;
            if (d % 50 == 49) {
                char tmp[CAP];
                size_t l = synth_article(g, d - 7, ARTICLE_BYTES, tmp, sizeof tmp);
                lens[i] = synth_edit(g, d, 0.02, tmp, l, out, CAP);
            } else {
                lens[i] = synth_article(g, d, ARTICLE_BYTES, out, CAP);
            }
        }
        double t0 = cpu_now();
        for (size_t i = 0; i < m; i++) {
            dedup_sketch_text(c, chunk + i * CAP, lens[i], sig);
            dedup_band_keys(c, sig, keys);
            uint32_t *v;
            size_t n;
            if (dedup_index_query(ix, keys, UINT32_MAX, &v, &n) == 0) {
                cands += n;
                free(v);
            }
            dedup_index_add(ix, (uint32_t)(base + i), keys);
            bytes += lens[i];
        }
        t += cpu_now() - t0;
    }
    *bytes_out = bytes;
    *cands_out = cands;
    *mem_out = dedup_index_memory(ix);
    dedup_index_free(ix);
    free(chunk);
    free(lens);
    return t;
}

int main(int argc, char **argv)
{
    size_t max = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    dedup_config c;
    dedup_config_default(&c);
    dedup_config_finish(&c);
    synth *g = malloc(sizeof *g);
    if (!g) return 3;
    synth_init(g, 1);
    printf("%d-word shingles, %d hashes, %d bands x %d rows, threshold %.2f; synthetic articles of "
           "about %d bytes; CPU time of one thread\n\n",
           c.shingle_words, c.n_hashes, c.bands, c.rows, c.threshold, ARTICLE_BYTES);
    printf(
        "| articles | articles/s | MB/s | us/article | index bytes/article | LSH candidates |\n");
    printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    size_t sizes[] = {10000, 100000, 1000000};
    for (size_t k = 0; k < 3; k++) {
        if (sizes[k] > max || (argc > 2 && strcmp(argv[2], "align") == 0)) break;
        size_t bytes, cands, mem;
        double t = run_index(g, &c, sizes[k], &bytes, &cands, &mem);
        printf("| %zu | %.0f | %.1f | %.2f | %.0f | %zu |\n", sizes[k], sizes[k] / t,
               bytes / t / 1e6, t / sizes[k] * 1e6, (double)mem / sizes[k], cands);
        fflush(stdout);
    }
    printf("\npeak RSS of the bench: %.1f MB (the index dominates; texts are generated 1000 at a "
           "time)\n\n",
           acc_peak_rss_kb() / 1024.0);
    if (argc > 2 && strcmp(argv[2], "index") == 0) {
        free(g);
        return 0;
    }

    /* Alignment: an article against a light near-copy of itself. */
    enum { PAIRS = 2000 };
    char a[CAP], b[CAP];
    double t = 0;
    size_t aligned = 0, sentences = 0, bytes = 0;
    for (int i = 0; i < PAIRS; i++) {
        size_t la = synth_article(g, 5000000 + (uint64_t)i, ARTICLE_BYTES, a, sizeof a);
        size_t lb = synth_edit(g, (uint64_t)i, 0.05, a, la, b, sizeof b);
        double t0 = cpu_now();
        arena ar;
        arena_init(&ar);
        dedup_doc da, db;
        dedup_alignment al;
        if (dedup_doc_from_text(&ar, a, la, &da) == 0 &&
            dedup_doc_from_text(&ar, b, lb, &db) == 0 && dedup_align(&ar, &da, &db, &al) == 0) {
            aligned += al.n_pairs;
            sentences += da.n_sentences;
        }
        arena_free(&ar);
        t += cpu_now() - t0;
        bytes += la + lb;
    }
    printf("alignment: %.0f article pairs/s (%.1f MB/s; sentence analysis and features included), "
           "%.1f%% of sentences aligned at 5%% word edits\n",
           PAIRS / t, bytes / t / 1e6, sentences ? 100.0 * aligned / sentences : 0);
    free(g);
    return 0;
}
