/* main.c - runs every registered unit test, or those whose name contains
 * argv[1], and prints the closing "N passed, N failed" line.
 *
 * "Now" is pinned (ACCORD_NOW) for every test, unless the environment
 * already sets ACCORD_NOW: set it empty to run unpinned, on the clock (as
 * `make test-dates` does under faked dates). */
#include "test.h"

#include <stdlib.h>

typedef struct {
    const char *name;
    test_fn fn;
} test_entry;

static test_entry tests[2048];
static int n_tests;
int test_current_failed;

void test_register(const char *name, test_fn fn)
{
    if (n_tests < (int)(sizeof tests / sizeof tests[0])) tests[n_tests++] = (test_entry){name, fn};
}

void test_fail(const char *file, int line, const char *expr)
{
    fprintf(stderr, "    %s:%d: CHECK failed: %s\n", file, line, expr);
    test_current_failed = 1;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[n] = 0;
        if (len) *len = (size_t)n;
    }
    return p;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const test_entry *)a)->name, ((const test_entry *)b)->name);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    setenv("ACCORD_NOW", "2026-01-05T12:00:00Z", 0);
    int passed = 0, failed = 0;
    qsort(tests, (size_t)n_tests, sizeof tests[0], by_name);
    for (int i = 0; i < n_tests; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        test_current_failed = 0;
        tests[i].fn();
        if (test_current_failed) {
            fprintf(stderr, "FAIL %s\n", tests[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
