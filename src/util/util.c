/* util.c - see util.h. The error message lives in thread-local storage so
 * that concurrent readers (the HTTP server) each see their own. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

static _Thread_local char error_msg[1024];

int acc_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error_msg, sizeof error_msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *accord_error_last(void)
{
    return error_msg;
}

void accord_free(void *p)
{
    free(p);
}

uint64_t acc_hash64(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

void acc_hash_hex(const void *p, size_t n, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)acc_hash64(p, n));
}

double acc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void acc_utc_now(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool num(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

bool acc_parse_timestamp(const char *s, long long *seconds)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s) return false;
    size_t n = strlen(s);
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (n < 10 || s[4] != '-' || s[7] != '-' || !num(s, 4, &y) || !num(s + 5, 2, &mo) || !num(s + 8, 2, &d))
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > dm[mo - 1] + (mo == 2 && leap)) return false;
    const char *p = s + 10;
    long offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (strlen(p) < 6 || p[3] != ':' || !num(p + 1, 2, &h) || !num(p + 4, 2, &mi)) return false;
        p += 6;
        if (*p == ':') {
            if (!num(p + 1, 2, &se)) return false;
            p += 3;
            if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9') return false;
                while (*p >= '0' && *p <= '9') p++;
            }
        }
        if (h > 23 || mi > 59 || se > 60) return false;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (strlen(p) < 6 || p[3] != ':' || !num(p + 1, 2, &oh) || !num(p + 4, 2, &om) || oh > 23 || om > 59)
                return false;
            offset = (*p == '-' ? -1L : 1L) * (oh * 3600L + om * 60L);
            p += 6;
        }
    }
    if (*p) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = se};
    *seconds = (long long)timegm(&tm) - offset;
    return true;
}

int acc_reference_now(char out[21])
{
    const char *env = getenv("ACCORD_NOW");
    long long t;
    if (env && *env) {
        if (!acc_parse_timestamp(env, &t)) {
            out[0] = 0;
            return acc_error(ACCORD_EUSAGE,
                             "ACCORD_NOW=%.40s is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", env);
        }
    } else {
        t = (long long)time(NULL);
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999) {
        out[0] = 0;
        return acc_error(ACCORD_EUSAGE, "ACCORD_NOW is out of range");
    }
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

long acc_peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return ru.ru_maxrss;
}

int acc_read_file(const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return acc_error(ACCORD_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    struct stat st;
    if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) cap = (size_t)st.st_size + 1;
    if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return acc_error(ACCORD_EINPUT, "%s: is a directory", path);
    }
    char *p = malloc(cap);
    if (!p) {
        if (f != stdin) fclose(f);
        return acc_error(ACCORD_ENOMEM, "%s: out of memory reading the file", path);
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                if (f != stdin) fclose(f);
                return acc_error(ACCORD_ENOMEM, "%s: out of memory reading the file", path);
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    if (f != stdin) fclose(f);
    if (bad) {
        free(p);
        return acc_error(ACCORD_EINPUT, "%s: read error at byte %zu", path, n);
    }
    p[n] = 0;
    *data = p;
    *len = n;
    return 0;
}

bool acc_is_date(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int acc_list_dir(const char *path, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d) return acc_error(ACCORD_EINPUT, "%s: cannot open directory: %s", path, strerror(errno));
    char **v = NULL;
    size_t len = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                rc = acc_error(ACCORD_ENOMEM, "%s: out of memory listing the directory", path);
                break;
            }
            v = nv;
        }
        if (!(v[len] = strdup(e->d_name))) {
            rc = acc_error(ACCORD_ENOMEM, "%s: out of memory listing the directory", path);
            break;
        }
        len++;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    if (len > 1) qsort(v, len, sizeof *v, cmp_name);
    if (rc) {
        acc_free_names(v, len);
        return rc;
    }
    *names = v;
    *n = len;
    return 0;
}

void acc_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

double acc_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}
