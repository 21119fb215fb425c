/* bench_extract.c - throughput of the extract stage.
 *
 *   bench-extract [-m MB] FILE...
 *   bench-extract --store FILE.jsonl
 *
 * Reads the given text files, repeats them (each repetition a separate
 * article) until about MB megabytes (default 16) have gone through, and
 * prints a table of MB/s and articles/s for: analysis (text layer, for
 * reference), the whole extract stage (names, entities, quotes, quantities,
 * time expressions), and quotes and quantities alone. Then one long article
 * made of every file many times over, so that a cost growing faster than
 * the text shows. Times are CPU seconds of the one thread doing the work.
 * It reports figures; it asserts nothing.
 *
 * With --store: the apply step alone. Every article of a JSONL file (fields
 * id, text, published) is analysed and extracted first, untimed; then
 * extract_store_result() stores them all in one transaction into a new
 * store in a temporary file, and the CPU time per article is printed, for
 * the first and the last tenth apart (a cost growing with the store
 * shows there). */
#include "extract/extract.h"
#include "extract/extract_store.h"
#include "store/store.h"
#include <jansson.h>
#include <unistd.h>
#include "text/text.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *step, size_t bytes, size_t articles, double secs)
{
    double mb = (double)bytes / 1e6;
    printf("| %s | %.1f | %.3f | %.2f | %.0f |\n", step, mb, secs, secs > 0 ? mb / secs : 0,
           secs > 0 ? (double)articles / secs : 0);
}

static int bench_store(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench-extract: cannot read %s\n", path);
        return 1;
    }
    arena a;
    arena_init(&a);
    size_t cap = 1024, n = 0;
    extract_result *res = malloc(cap * sizeof *res);
    char *line = NULL;
    size_t lcap = 0;
    while (res && getline(&line, &lcap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *text = json_string_value(json_object_get(o, "text"));
        const char *pub = json_string_value(json_object_get(o, "published"));
        text_doc doc;
        char *t = text ? arena_strdup(&a, text) : NULL;
        if (t && text_analyze(&a, t, strlen(t), &doc) == 0) {
            if (n == cap) {
                cap *= 2;
                extract_result *v = realloc(res, cap * sizeof *res);
                if (!v) break;
                res = v;
            }
            if (extract_article(&a, &doc, pub, &res[n]) == 0) n++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    char db[] = "/tmp/bench-extract-store-XXXXXX";
    int fd = mkstemp(db);
    if (fd < 0 || !res || n < 10) return 3;
    close(fd);
    unlink(db);
    store *st = NULL;
    if (store_open(db, false, &st) != 0 || store_begin(st) != 0) return 3;
    double t_first = 0, t_last = 0, t_all = 0;
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "a%zu", i);
        store_article sa = {.id = id, .text = "x", .text_len = 1};
        store_put_outcome out;
        int64_t rowid;
        int version;
        if (store_article_put(st, &sa, &out, &rowid, &version) != 0) return 3;
        double t0 = now();
        if (extract_store_result(st, rowid, &res[i]) != 0) return 3;
        double dt = now() - t0;
        t_all += dt;
        if (i < n / 10) t_first += dt;
        if (i >= n - n / 10) t_last += dt;
    }
    store_commit(st);
    store_close(st);
    unlink(db);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    printf("extract_store_result: %zu articles, %.1f us/article (first tenth %.1f, last tenth %.1f)\n", n,
           t_all / (double)n * 1e6, t_first / (double)(n / 10) * 1e6, t_last / (double)(n / 10) * 1e6);
    free(res);
    arena_free(&a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--store")) return bench_store(argv[2]);
    double target_mb = 16;
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "-m")) {
        target_mb = atof(argv[2]);
        first = 3;
    }
    int n = argc - first;
    if (n <= 0) {
        fprintf(stderr, "usage: bench-extract [-m MB] FILE...\n");
        return 2;
    }
    char **texts = calloc((size_t)n, sizeof *texts);
    size_t *lens = calloc((size_t)n, sizeof *lens);
    if (!texts || !lens) return 3;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        if (acc_read_file(argv[first + i], &texts[i], &lens[i]) != 0) {
            fprintf(stderr, "bench-extract: cannot read %s\n", argv[first + i]);
            return 1;
        }
        total += lens[i];
    }
    if (total == 0) return 1;
    size_t rounds = (size_t)(target_mb * 1e6 / (double)total) + 1;
    double t_an = 0, t_ex = 0;
    size_t bytes = 0, articles = 0, quotes = 0, quantities = 0, mentions = 0;
    arena a;
    arena_init(&a);
    for (size_t r = 0; r < rounds; r++) {
        for (int i = 0; i < n; i++) {
            text_doc doc;
            extract_result res;
            double t0 = now();
            if (text_analyze(&a, texts[i], lens[i], &doc) != 0) return 3;
            double t1 = now();
            if (extract_article(&a, &doc, "2025-04-18", &res) != 0) return 3;
            double t2 = now();
            t_an += t1 - t0;
            t_ex += t2 - t1;
            bytes += lens[i];
            articles++;
            quotes += res.n_quotes;
            quantities += res.n_quantities;
            mentions += res.n_mentions;
            arena_reset(&a);
        }
    }
    printf("| step | MB | CPU s | MB/s | articles/s |\n| --- | ---: | ---: | ---: | ---: |\n");
    report("analysis (text layer, for reference)", bytes, articles, t_an);
    report("extract: entities, quotes, quantities, dates", bytes, articles, t_ex);
    printf("\n%zu articles: %zu mentions, %zu quotes, %zu quantities\n", articles, mentions, quotes, quantities);

    /* Growth: one article of k copies of everything. */
    printf("\n| one article of | MB | CPU s | MB/s |\n| --- | ---: | ---: | ---: |\n");
    for (size_t k = 1; k <= 64; k *= 4) {
        buf b = BUF_INIT;
        for (size_t r = 0; r < k; r++)
            for (int i = 0; i < n; i++) {
                buf_append(&b, texts[i], lens[i]);
                buf_putc(&b, '\n');
            }
        if (buf_failed(&b)) return 3;
        text_doc doc;
        extract_result res;
        double t0 = now();
        if (text_analyze(&a, b.data, b.len, &doc) != 0 || extract_article(&a, &doc, "2025-04-18", &res) != 0)
            return 3;
        double s = now() - t0;
        printf("| %zu copies | %.2f | %.3f | %.2f |\n", k, (double)b.len / 1e6, s, s > 0 ? (double)b.len / 1e6 / s : 0);
        buf_free(&b);
        arena_reset(&a);
    }
    arena_free(&a);
    for (int i = 0; i < n; i++) free(texts[i]);
    free(texts);
    free(lens);
    return 0;
}
