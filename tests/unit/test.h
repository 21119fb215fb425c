/* test.h - a small unit test harness.
 *
 * TEST(name) { ... } defines a test that registers itself before main()
 * runs; CHECK(cond) records a failure with file and line and goes on;
 * REQUIRE(cond) also ends the test. The runner (main.c) prints one line per
 * failure and a closing "N passed, N failed" line. Tests run from
 * tests/unit, so data paths are relative to it (../../data/demo/...). */
#ifndef ACCORD_TEST_H
#define ACCORD_TEST_H

#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *expr);
extern int test_current_failed;

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_reg_##name(void)                                 \
    {                                                                                              \
        test_register(#name, test_##name);                                                         \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) test_fail(__FILE__, __LINE__, #cond);                                         \
    } while (0)
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            test_fail(__FILE__, __LINE__, #cond);                                                  \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "    got \"%s\", want \"%s\"\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
            test_fail(__FILE__, __LINE__, #a " == " #b);                                           \
        }                                                                                          \
    } while (0)

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL if absent. */
char *test_read_file(const char *path, size_t *len);

#endif
