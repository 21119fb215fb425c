/* bench_extract.c - throughput of the extract stage.
 *
 *   bench-extract [-m MB] FILE...
 *
 * Reads the given text files, repeats them (each repetition a separate
 * article) until about MB megabytes (default 16) have gone through, and
 * prints a table of MB/s and articles/s for: analysis (text layer, for
 * reference), the whole extract stage (names, entities, quotes, quantities,
 * time expressions), and quotes and quantities alone. Then one long article
 * made of every file many times over, so that a cost growing faster than
 * the text shows. Times are CPU seconds of the one thread doing the work.
 * It reports figures; it asserts nothing. */
#include "extract/extract.h"
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

int main(int argc, char **argv)
{
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
