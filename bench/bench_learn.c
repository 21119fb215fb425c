/* bench_learn.c - memory and time of learned boilerplate as the stream grows.
 *
 * Synthetic articles of about 4 KB (synth.h), each ending in its outlet's
 * footer and, one in three, a shared teaser line, are observed as cleaned
 * articles, one outlet after another in turn. At each power of ten it
 * prints the fragments kept in memory, the bytes they take, what the
 * outlets learned, and the CPU time per article. With a database path
 * the rows are also written behind, one transaction per 1,000 articles,
 * and the store's table size is printed.
 *
 * Usage: bench_learn [max_articles [outlets [db_path]]]   (default 100000 1) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "accord.h"
#include "clean/clean_store.h"
#include "synth.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long max = argc > 1 ? atol(argv[1]) : 100000;
    int outlets = argc > 2 ? atoi(argv[2]) : 1;
    const char *db = argc > 3 ? argv[3] : NULL;
    if (max <= 0 || outlets <= 0) {
        fprintf(stderr, "usage: bench_learn [max_articles [outlets [db_path]]]\n");
        return 2;
    }
    synth *g = malloc(sizeof *g);
    char *text = malloc(8192);
    if (!g || !text) return 3;
    synth_init(g, 42);
    store *st = NULL;
    clean_learn *L = NULL;
    if (db) {
        unlink(db);
        if (store_open(db, false, &st) != 0 || clean_learn_open(st, &L) != 0) {
            fprintf(stderr, "bench_learn: %s\n", accord_error_last());
            return 3;
        }
    } else if (!(L = clean_learn_new())) {
        return 3;
    }
    printf("| articles | outlets | fragments kept | memory | per article | learned (outlet 0) |\n");
    printf("|---:|---:|---:|---:|---:|---:|\n");
    double cpu = 0;
    long next = 10000 < max ? 10000 : max;
    for (long i = 0; i < max; i++) {
        int o = (int)(i % outlets);
        char source[32];
        snprintf(source, sizeof source, "outlet-%d", o);
        size_t n = synth_article(g, (uint64_t)i + 1, 4000, text, 7000);
        n += (size_t)snprintf(text + n, 8192 - n, "Read more from %s: subscribe for the full story.\n", source);
        if (i % 3 == 0) n += (size_t)snprintf(text + n, 8192 - n, "Most read this week on our site\n");
        clean_result r = {.text = text, .len = n};
        double t0 = cpu_now();
        if (st && i % 1000 == 0 && store_begin(st) != 0) return 3;
        if (clean_learn_observe(L, source, &r) != 0) return 3;
        if (st && (i % 1000 == 999 || i + 1 == max) && (clean_learn_flush(L, st) != 0 || store_commit(st) != 0)) {
            fprintf(stderr, "bench_learn: %s\n", accord_error_last());
            return 3;
        }
        cpu += cpu_now() - t0;
        if (i + 1 == next) {
            size_t entries;
            size_t bytes = clean_learn_bytes(L, &entries);
            clean_learned v;
            clean_learn_view(L, "outlet-0", &v, NULL);
            printf("| %ld | %d | %zu | %.1f MB | %.1f us | %zu |\n", i + 1, outlets, entries, bytes / 1e6,
                   cpu / (double)(i + 1) * 1e6, v.n_keys);
            fflush(stdout);
            next = next * 10 < max ? next * 10 : max;
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\npeak memory of the process: %.1f MB\n", ru.ru_maxrss / 1e3);
    if (st) {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM clean_fragments", -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            printf("rows in clean_fragments: %lld\n", (long long)sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
    }
    clean_learn_free(L);
    store_close(st);
    free(text);
    free(g);
    return 0;
}
