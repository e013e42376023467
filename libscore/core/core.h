/*
 * core: what every module stands on. Error reporting (thread-local last
 * error), allocation (with failure injection for tests), a growable string,
 * the USCC check character, months. Beside this header: json.h (reading
 * config files), money.h (integer fen), normal.h (the normal distribution
 * and the IRB pieces on it, the beta and chi-square distributions), scale.h
 * (the default master scale), rng.h (the seeded random generator), file.h
 * (output files written whole or not at all). Internal: nothing here is
 * exported from libscore.so.
 */
#ifndef SCORE_CORE_H
#define SCORE_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "score.h"

#if defined(__GNUC__)
#define SC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define SC_LIKELY(x) __builtin_expect(!!(x), 1)
#define SC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SC_PRINTF(fmt, args)
#define SC_LIKELY(x) (x)
#define SC_UNLIKELY(x) (x)
#endif

#define SC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ---------------------------------------------------------- */

/* Record `code` with a formatted message as this thread's last error and
 * return `code`, so that callers can write `return sc_error(...)`. */
int sc_error(int code, const char *fmt, ...) SC_PRINTF(2, 3);
int sc_verror(int code, const char *fmt, va_list ap);

/* Prefix this thread's last error message with "prefix: " and return code. */
int sc_error_prefix(int code, const char *prefix);

/* ---- threads ----------------------------------------------------------- */

/* The CPUs this process may run on (sched_getaffinity, else sysconf). */
unsigned sc_cpus_available(void);

#define SC_MAX_THREADS 256

/* Work on rows [begin, end); SCORE_OK or a failure recorded with sc_error. */
typedef int (*sc_range_fn)(void *user, size_t begin, size_t end);

/* Run fn over 0..n split into `threads` contiguous ranges (0: every CPU
 * available; at most SC_MAX_THREADS, at most n), the first in the calling
 * thread. Each range must write only its own rows, so that the result does
 * not depend on the number of threads. Returns the failure of the first
 * range that failed, with its message, else SCORE_OK. */
int sc_parallel_ranges(size_t n, unsigned threads, sc_range_fn fn, void *user);

/* Copy the caller's batch options (NULL: the defaults) over the defaults,
 * checking size and threads; messages name `fn`. */
int sc_batch_options(const score_batch_options *given, score_batch_options *out, const char *fn);

/* ---- allocation ------------------------------------------------------ */

/* All library allocations go through these, so a test can make the n-th one
 * fail. sc_malloc_array and sc_realloc_array fail (NULL) on size overflow. */
void *sc_malloc(size_t size);
void *sc_calloc(size_t count, size_t size);
void *sc_realloc(void *ptr, size_t size);
void *sc_malloc_array(size_t count, size_t size);
void *sc_realloc_array(void *ptr, size_t count, size_t size);
void sc_free(void *ptr);
char *sc_strdup(const char *s);
/* zlib's allocator hooks (z_stream.zalloc and .zfree; zlib's voidpf is
 * void * and uInt unsigned), so zlib's memory fails like the library's. */
void *sc_zlib_alloc(void *opaque, unsigned items, unsigned size);
void sc_zlib_free(void *opaque, void *ptr);

/* Test hooks (used only by the allocation-failure tests, through the static
 * library): make the nth allocation from now on fail (1 = the next one,
 * 0 = never), or the nth and every one after it, and count the allocations
 * made on this thread. */
void sc_test_fail_allocation(long nth);
void sc_test_fail_allocations_from(long nth);
long sc_test_allocation_count(void);

/* Grow *array to hold at least `needed` elements of `elem` bytes, growing by
 * half again each time. Returns SCORE_OK or SCORE_ENOMEM (array unchanged). */
int sc_grow(void **array, size_t *capacity, size_t needed, size_t elem);
/* Advise the kernel to back a large array with huge pages (see alloc.c);
 * sc_grow does it for the arrays it grows. */
void sc_advise_huge(void *ptr, size_t bytes);

/* ---- growable string --------------------------------------------------- */

typedef struct sc_str {
    char *data;     /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int failed;     /* an append ran out of memory; the content is truncated */
} sc_str;

void sc_str_init(sc_str *s);
void sc_str_free(sc_str *s);
void sc_str_clear(sc_str *s);
void sc_str_append(sc_str *s, const char *text, size_t len);
void sc_str_puts(sc_str *s, const char *text);
void sc_str_printf(sc_str *s, const char *fmt, ...) SC_PRINTF(2, 3);
/* Append `len` bytes for a human reader: printable ASCII and UTF-8 as is,
 * other bytes as \xNN, cut after `max` bytes with "...". */
void sc_str_quote(sc_str *s, const char *text, size_t len, size_t max);
/* Append a JSON string literal (with quotes and escapes). */
void sc_str_json(sc_str *s, const char *text);
/* SCORE_OK, or SCORE_ENOMEM when an append failed. */
int sc_str_status(const sc_str *s);

/* ---- numbers, whatever the host locale -------------------------------- */

/* printf and strtod in the C locale, whatever locale the host program set
 * (uselocale on the calling thread only, so thread-safe). Every number the
 * library writes or parses goes through these or through sc_str_printf. */
int sc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int sc_snprintf(char *buf, size_t size, const char *fmt, ...) SC_PRINTF(3, 4);
double sc_strtod(const char *text, char **end);

/* The shortest of %.15g, %.16g, %.17g that reads back to the same double
 * ("nan", "inf" and "-inf" for the others); returns its length. */
#define SC_NUMBER_MAX 32
size_t sc_format_double(char out[SC_NUMBER_MAX], double v);
/* Append a JSON number: the shortest round-trip form; null when v is not
 * finite (JSON has no NaN or infinity). */
void sc_str_number(sc_str *s, double v);
/* Append a JSON number printed with %.*g (`digits` significant) or %.*f
 * (`decimals` after the point), for outputs whose precision is part of
 * their format; null when v is not finite. */
void sc_str_number_g(sc_str *s, double v, int digits);
void sc_str_number_f(sc_str *s, double v, int decimals);
/* Append a JSON member's key, `"key": ` with the key escaped, preceded by
 * `separator` (such as ", " or ",\n  "; NULL for none). */
void sc_str_key(sc_str *s, const char *separator, const char *key);

/* ---- Unified Social Credit Codes (GB 32100-2015) ---------------------- */

/* The 31 characters of a code, in the order of their values 0..30. */
extern const char sc_uscc_alphabet[32];
/* The value 0..30 of a code character, or -1 for any other byte. */
int sc_uscc_value(unsigned char c);
/* The check character (the 18th) of the first 17 characters, or 0 when one
 * of them is not a code character. Thread-safe. */
int sc_uscc_check_char(const char *code17);

/* ---- months ---------------------------------------------------------- */

/* A month number is year * 12 + (month - 1). */
#define SC_MONTH(year, month) ((year) * 12 + (month) - 1)
#define SC_MONTH_YEAR(m) ((m) / 12)
#define SC_MONTH_OF_YEAR(m) ((m) % 12 + 1)
#define SC_YEAR_MIN 1900
#define SC_YEAR_MAX 2999

/* Parse exactly "YYYY-MM" (years SC_YEAR_MIN..SC_YEAR_MAX). 0 or -1. */
int sc_month_parse(const char *text, size_t len, int *month);
/* Parse a public "YYYY-MM" argument; SCORE_EINVAL with a message naming
 * `what` when it is not one. */
int sc_month_arg(const char *text, const char *what, int *month);
/* Write "YYYY-MM" and a NUL into out[8]. */
void sc_month_format(int month, char out[8]);
/* YYYYMM as the public API returns months. */
int sc_month_yyyymm(int month);

#endif
