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
 * Usage: bench_dedup [max_articles [index|align]]   (default 1000000, both)
 *
 * Store mode, the copy index as ingest runs it: N synthetic articles
 * stored in batches of 1000, each indexed either one at a time through
 * the store (dedup_store_article, "single") or through dedup_prepare /
 * dedup_apply / dedup_flush against the in-memory state ("state"). One in
 * 50 is a light near-copy of an earlier one, one in 50 takes half its
 * sentences from an earlier one (shared passages). It prints the copy
 * index's CPU time per article for each tenth of the run (storing the
 * article and analysing its text are not counted), the state's bytes per
 * article, and a checksum of the stored pairs, so that two modes (or two
 * builds) can be compared.
 *
 * Usage: bench_dedup store N single|state DB */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup/dedup.h"
#include "store/store.h"
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

/* The text of synthetic article d of the store mode. */
static size_t store_text(const synth *g, size_t d, char *out)
{
    char tmp[CAP];
    if (d % 50 == 49) { /* a light near-copy of an earlier article */
        size_t l = synth_article(g, d - 7, ARTICLE_BYTES, tmp, sizeof tmp);
        return synth_edit(g, d, 0.02, tmp, l, out, CAP);
    }
    if (d % 50 == 24 && d > 100) { /* half an earlier article, then its own */
        size_t l = synth_article(g, d - 90, ARTICLE_BYTES, tmp, sizeof tmp), half = l / 2;
        while (half < l && tmp[half] != '.')
            half++;
        memcpy(out, tmp, half);
        size_t n = half;
        out[n++] = '.';
        out[n++] = ' ';
        l = synth_article(g, d, ARTICLE_BYTES, tmp, sizeof tmp);
        size_t rest = l / 2;
        if (n + (l - rest) >= CAP) rest = l - (CAP - n - 1);
        memcpy(out + n, tmp + rest, l - rest);
        n += l - rest;
        out[n] = 0;
        return n;
    }
    return synth_article(g, d, ARTICLE_BYTES, out, CAP);
}

static uint64_t table_sum(store *st, const char *sql, size_t *rows)
{
    uint64_t h = 1469598103934665603ULL;
    *rows = 0;
    sqlite3_stmt *s = store_prepare(st, sql);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const unsigned char *t = sqlite3_column_text(s, i);
            for (; t && *t; t++)
                h = (h ^ *t) * 1099511628211ULL;
            h = (h ^ '|') * 1099511628211ULL;
        }
        (*rows)++;
    }
    if (s) sqlite3_reset(s);
    return h;
}

static int run_store(const synth *g, size_t n, int use_state, const char *path)
{
    store *st;
    unlink(path);
    char side[512];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    if (store_open(path, false, &st) != 0) return 3;
#ifdef BENCH_SINGLE_ONLY
    if (use_state) return 2;
    void *ds = NULL;
    (void)ds;
#else
    dedup_state *ds = NULL;
    if (use_state && dedup_state_open(st, &ds) != 0) return 3;
#endif
    char *text = malloc(CAP);
    double t = 0, t_tenth = 0, t_prep = 0, t_apply = 0, t_flush = 0;
    size_t tenth = n / 10 ? n / 10 : 1;
    printf("| articles | us/article (this tenth) |\n| ---: | ---: |\n");
    for (size_t d = 0; d < n; d++) {
        if (d % CHUNK == 0 && store_begin(st) != 0) return 3;
        size_t len = store_text(g, d, text);
        char id[32];
        snprintf(id, sizeof id, "s%08zu", d);
        store_article a = {.id = id, .text = text, .text_len = len};
        store_put_outcome outcome;
        int64_t rowid;
        int version;
        if (store_article_put(st, &a, &outcome, &rowid, &version) != 0) return 3;
        arena ar;
        arena_init(&ar);
        text_doc doc;
        if (text_analyze(&ar, text, len, &doc) != 0) return 3;
        double t0 = cpu_now();
        int rc;
        if (!use_state) {
            rc = dedup_store_article(st, rowid, text, len, &doc);
        } else {
#ifndef BENCH_SINGLE_ONLY
            dedup_prepared p;
            rc = dedup_prepare(&ar, dedup_state_config(ds), text, len, &doc, &p);
            double t1 = cpu_now();
            t_prep += t1 - t0;
            if (!rc) rc = dedup_apply(ds, st, rowid, &p, NULL);
            double t2 = cpu_now();
            t_apply += t2 - t1;
            if (!rc && (d % CHUNK == CHUNK - 1 || d == n - 1)) rc = dedup_flush(ds, st);
            t_flush += cpu_now() - t2;
#else
            rc = 2;
#endif
        }
        double dt = cpu_now() - t0;
        t += dt;
        t_tenth += dt;
        arena_free(&ar);
        if (rc) {
            fprintf(stderr, "bench_dedup: %s\n", accord_error_last());
            return 3;
        }
        if ((d % CHUNK == CHUNK - 1 || d == n - 1) && store_commit(st) != 0) return 3;
        if (d % tenth == tenth - 1) {
            printf("| %zu | %.0f |\n", d + 1, t_tenth / tenth * 1e6);
            fflush(stdout);
            t_tenth = 0;
        }
    }
    size_t pairs, shared;
    uint64_t hp = table_sum(st, "SELECT a, b, jaccard FROM dedup_pair ORDER BY a, b", &pairs);
    uint64_t hs = table_sum(st, "SELECT * FROM dedup_shared ORDER BY a, b", &shared);
    printf("\n%s: %zu articles, %.0f us/article, %.0f articles/s (copy index only, one core)\n",
           use_state ? "state" : "single", n, t / n * 1e6, n / t);
    if (use_state)
        printf("of which prepare %.0f us, apply %.0f us, flush %.0f us per article\n",
               t_prep / n * 1e6, t_apply / n * 1e6, t_flush / n * 1e6);
    printf("copy pairs %zu (sum %016llx), shared-passage pairs %zu (sum %016llx)\n", pairs,
           (unsigned long long)hp, shared, (unsigned long long)hs);
#ifndef BENCH_SINGLE_ONLY
    if (ds) {
        size_t mem = dedup_state_memory(ds);
        printf("state: %.1f MB, %.0f bytes/article (cache of prepared sentences included)\n",
               mem / 1048576.0, (double)mem / n);
        dedup_state_set_cache(ds, 0);
        mem = dedup_state_memory(ds);
        printf("state without its cache: %.1f MB, %.0f bytes/article\n", mem / 1048576.0,
               (double)mem / n);
        dedup_state_free(ds);
        /* Opening again from the store. */
        double t0 = cpu_now();
        if (dedup_state_open(st, &ds) != 0) return 3;
        printf("open from the store: %.2f s CPU\n", cpu_now() - t0);
        dedup_state_free(ds);
    }
#endif
    printf("peak RSS: %.1f MB\n", acc_peak_rss_kb() / 1024.0);
    free(text);
    store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "store") == 0) {
        synth *gs = malloc(sizeof *gs);
        if (!gs) return 3;
        synth_init(gs, 1);
        int rc = run_store(gs, (size_t)strtoull(argv[2], NULL, 10), strcmp(argv[3], "state") == 0,
                           argv[4]);
        free(gs);
        return rc;
    }
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
