/* util.h - errors, hashing, time and file helpers shared by every stage. */
#ifndef ACCORD_UTIL_H
#define ACCORD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accord.h"

/* Sets the calling thread's error message (printf-style) and returns code,
 * so that `return acc_error(ACCORD_EINPUT, "...", ...);` reads naturally. */
int acc_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 64-bit hash of bytes (XXH3). */
uint64_t acc_hash64(const void *p, size_t n);
/* 16 lower-case hex digits of acc_hash64 into out[17]. */
void acc_hash_hex(const void *p, size_t n, char out[17]);

/* Seconds since an arbitrary point, monotonic. */
double acc_now(void);
/* CPU seconds (user + system) of the whole process, every thread. */
double acc_cpu_seconds(void);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out[21]: a record of when
 * something happened (ingested_at), never an input to a result. */
void acc_utc_now(char out[21]);
/* "Now" as results may depend on it (the first-ingest time that dates an
 * undated article), as "YYYY-MM-DDTHH:MM:SSZ" into out[21]: the environment
 * variable ACCORD_NOW when set ("YYYY-MM-DD", or an ISO 8601 date-time
 * "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z", "+HH:MM" or nothing for UTC),
 * else the clock. 0, or ACCORD_EUSAGE when ACCORD_NOW is set but is not
 * such a date (out then holds ""). */
int acc_reference_now(char out[21]);
/* Parses such a date or date-time into seconds since 1970-01-01 UTC. */
bool acc_parse_timestamp(const char *s, long long *seconds);
/* Peak resident memory of this process in KiB (from getrusage). */
long acc_peak_rss_kb(void);

/* Reads a whole file into a malloc'd buffer (NUL-terminated; *len excludes
 * it). "-" reads standard input. Returns 0 or ACCORD_EINPUT with a message
 * naming the file. */
int acc_read_file(const char *path, char **data, size_t *len);

/* The names in a directory, sorted, without those starting with a dot:
 * *names is a malloc'd array of malloc'd strings (acc_free_names()).
 * 0, or ACCORD_EINPUT when the directory cannot be opened (errno kept). */
int acc_list_dir(const char *path, char ***names, size_t *n);
void acc_free_names(char **names, size_t n);

/* True if s is a valid date YYYY-MM-DD (checks month and day ranges). */
bool acc_is_date(const char *s, size_t n);

#endif
