/*
 * libscore: a credit engine for sci-tech enterprises.
 *
 * This header is the whole ABI of libscore.so.1. Read it top to bottom:
 *
 *   1. versions                        score_version()
 *   2. status codes and errors         score_strerror(), score_last_error()
 *   3. common types                    options structs, progress, diagnostics
 *   4. signals and panels              score_panel_*  (standard v1 input)
 *   5. synthetic data                  score_synth_*  (a generated population)
 *
 * Conventions that hold for every function below, stated once:
 *
 *   - A function that can fail returns an int: SCORE_OK (0) or a negative
 *     SCORE_E* code. After a failure, score_last_error() gives this thread's
 *     detailed message. The library never aborts, exits or prints.
 *   - Out-parameters come last and are written only on success: on failure
 *     every output is left untouched and nothing leaks.
 *   - The caller allocates output arrays. An object the library allocates has
 *     exactly one score_*_free() function, and every free function accepts
 *     NULL. Strings returned as `const char *` belong to the library; their
 *     lifetime is given in each function's comment.
 *   - Options travel in structs whose first member is `size_t size`, set by
 *     the caller to sizeof(the struct). New members are only ever appended,
 *     so a program compiled against an older header keeps working. Passing
 *     NULL for an options pointer means "all defaults".
 *   - Threads: functions that only read an object may run concurrently on
 *     it; functions that change an object need it to themselves, unless the
 *     object's comment says it locks. Objects may move between threads.
 *   - Months are written "YYYY-MM" where a function takes text. Where a
 *     function returns months as numbers they are YYYYMM integers (202406).
 *
 * Money in limits, prices and pool ledgers is integer fen (int64_t); signal
 * values and model numbers are doubles.
 */
#ifndef SCORE_H
#define SCORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SCORE_BUILDING_LIBRARY) && defined(__GNUC__)
#define SCORE_API __attribute__((visibility("default")))
#else
#define SCORE_API
#endif

/* ======================================================================
 * 1. Versions
 * ====================================================================== */

#define SCORE_VERSION_MAJOR 1
#define SCORE_VERSION_MINOR 0
#define SCORE_VERSION_PATCH 0
#define SCORE_VERSION_NUMBER \
    (SCORE_VERSION_MAJOR * 10000 + SCORE_VERSION_MINOR * 100 + SCORE_VERSION_PATCH)
#define SCORE_VERSION_STRING "1.0.0"

/*
 * score_version: the version of the library actually loaded, as
 * SCORE_VERSION_NUMBER computes it (10000 for 1.0.0). Compare it with
 * SCORE_VERSION_NUMBER to detect a header/library mismatch.
 * Never fails. Thread-safe.
 */
SCORE_API int score_version(void);

/*
 * score_version_string: the loaded library's version as "MAJOR.MINOR.PATCH".
 * The string is static. Never fails. Thread-safe.
 */
SCORE_API const char *score_version_string(void);

/* ======================================================================
 * 2. Status codes and errors
 *
 * Codes never change meaning; a retired code stays reserved.
 * ====================================================================== */

#define SCORE_OK            0   /* success */
#define SCORE_EINVAL       -1   /* an argument is invalid (NULL, bad size, out of range) */
#define SCORE_ENOMEM       -2   /* memory could not be allocated */
#define SCORE_EIO          -3   /* a file could not be opened, read, written or synced */
#define SCORE_EFORMAT      -4   /* input does not follow its format (header, gzip, CSV, JSON) */
#define SCORE_EREJECTED    -5   /* a line or event was rejected (strict mode, refused event) */
#define SCORE_EVERSION     -6   /* a format or specification version this library does not know */
#define SCORE_ECORRUPT     -7   /* stored data failed its integrity check */
#define SCORE_EDEPENDENCY  -8   /* a dependency (XGBoost, zlib) failed */
#define SCORE_EBUSY        -9   /* a resource is locked by another writer */
#define SCORE_ENOTFOUND   -10   /* a named item does not exist */
#define SCORE_ECANCELED   -11   /* the progress callback asked to stop */
#define SCORE_EUNSUPPORTED -12  /* valid input that this library does not support */
#define SCORE_ELIMIT      -13   /* an input exceeds a documented limit of the library */

/*
 * score_strerror: the name of a status code, e.g. "SCORE_EFORMAT: input does
 * not follow its format". Unknown codes give "unknown status code". The
 * string is static. Never fails. Thread-safe.
 */
SCORE_API const char *score_strerror(int code);

/*
 * score_last_error: this thread's detailed message about its most recent
 * failed call, e.g. "signals.csv:17:5: value: expected a decimal number,
 * got \"1,5\"". "" when this thread has had no failure. The string belongs
 * to the library and stays valid until this thread's next call into the
 * library. Never fails. Thread-safe (each thread has its own message).
 */
SCORE_API const char *score_last_error(void);

/* ======================================================================
 * 3. Common types
 * ====================================================================== */

/*
 * A progress callback, called from the thread doing the work. `stage` names
 * the step ("read", "train", ...), `done` and `total` count its units
 * (bytes, rounds, scenarios; `total` is 0 when unknown). Return 0 to go on;
 * any other value stops the work, which then fails with SCORE_ECANCELED.
 */
typedef int (*score_progress_fn)(void *user, const char *stage,
                                 uint64_t done, uint64_t total);

#define SCORE_DIAG_WARNING 1  /* counted, the input was used (duplicates, unknown fields) */
#define SCORE_DIAG_ERROR   2  /* the line was rejected */

/*
 * One diagnostic about one input line, passed to a score_diagnostic_fn.
 * All pointers are valid only during the callback. New members may be
 * appended in later versions.
 */
typedef struct score_diagnostic {
    int severity;            /* SCORE_DIAG_WARNING or SCORE_DIAG_ERROR */
    const char *file;        /* the file's name as given, or the source name */
    uint64_t line;           /* 1-based line number, 0 when not about a line */
    int column;              /* 1-based column number, 0 for the whole line */
    const char *column_name; /* "uscc", "source", ...; "" for the whole line */
    const char *message;     /* what is wrong and what was expected */
    const char *text;        /* all of it: "file:line:column: column_name: message" */
} score_diagnostic;

typedef void (*score_diagnostic_fn)(void *user, const score_diagnostic *diag);

/* ======================================================================
 * 4. Signals and panels
 *
 * A panel holds enterprise signals as defined by the enterprise signal
 * standard, version 1 (docs/signals.md): per enterprise, per source and
 * field, a series of monthly (or annual, or profile) values. It is filled
 * from files or observation by observation, and read as of any month.
 *
 * A panel is a mutable object without a lock: reading functions
 * (score_panel_n_*, score_panel_enterprise*, score_panel_series, and the
 * feature functions of later sections) may run on one panel in several
 * threads at once, but a function that adds data needs the panel to itself.
 * ====================================================================== */

typedef struct score_panel score_panel;

/* Options of score_panel_read_file() and score_panel_read_buffer(). */
typedef struct score_read_options {
    size_t size;                     /* sizeof(score_read_options) */
    int strict;                      /* nonzero: the first rejected line, duplicate or
                                        unknown field fails the whole input */
    score_diagnostic_fn diagnostic;  /* called for each warning and rejected line; may be NULL */
    void *diagnostic_user;
    score_progress_fn progress;      /* called now and then with bytes read; may be NULL */
    void *progress_user;
} score_read_options;

/*
 * Counts of one or more reads, as the standard defines them:
 * read = accepted + skipped + rejected; `replaced` counts accepted lines that
 * replaced an earlier observation. Header and blank lines are not counted.
 * New members may be appended; set `size` before the first use.
 */
typedef struct score_read_counts {
    size_t size;         /* sizeof(score_read_counts) */
    uint64_t read;
    uint64_t accepted;
    uint64_t replaced;
    uint64_t skipped;    /* unknown source or field */
    uint64_t rejected;
} score_read_counts;

/*
 * score_panel_new: create an empty panel. The caller owns *out and frees it
 * with score_panel_free().
 * Fails: SCORE_EINVAL (out NULL), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_panel_new(score_panel **out);

/* score_panel_free: free a panel and everything it holds. Accepts NULL. */
SCORE_API void score_panel_free(score_panel *panel);

/*
 * score_read_options_init: fill *options with the defaults (lenient, no
 * callbacks) and set its size. Thread-safe.
 */
SCORE_API void score_read_options_init(score_read_options *options);

/*
 * score_panel_read_file: read one signals file (standard v1; plain or gzip,
 * detected by its first bytes) into the panel. `options` may be NULL.
 *
 * Lenient mode: a bad line is rejected, reported to options->diagnostic and
 * counted, and reading goes on. Strict mode: the first rejected line,
 * duplicate or unknown field fails the input.
 *
 * `counts`, when not NULL, has the counts of this file added to it (so one
 * counts struct can total a run of several files); its `size` must be set.
 *
 * The input fails as a whole, and the panel is left exactly as it was before
 * the call, when: the file cannot be read (SCORE_EIO); its first line is not
 * the header `uscc,source,field,period,value`, or its gzip stream is corrupt,
 * truncated or followed by bytes that are not another gzip member
 * (SCORE_EFORMAT); strict mode meets a bad line (SCORE_EREJECTED); memory
 * runs out (SCORE_ENOMEM); the progress callback stops it (SCORE_ECANCELED);
 * the panel would exceed 268,435,455 observations or 2^31 enterprises
 * (SCORE_ELIMIT). Rejected lines alone do not fail the call.
 * score_last_error() then says which file, and where.
 *
 * Needs the panel to itself.
 */
SCORE_API int score_panel_read_file(score_panel *panel, const char *path,
                                    const score_read_options *options,
                                    score_read_counts *counts);

/*
 * score_panel_read_buffer: as score_panel_read_file(), from `size` bytes in
 * memory (plain or gzip). `name` is the file name used in messages. The
 * bytes are only read during the call; the caller keeps ownership.
 */
SCORE_API int score_panel_read_buffer(score_panel *panel, const char *name,
                                      const void *data, size_t size,
                                      const score_read_options *options,
                                      score_read_counts *counts);

/*
 * score_panel_add: add one observation given as the five text fields of a
 * standard v1 line, with exactly the validation a line in a file gets (the
 * same order of checks, the same messages). `value` "" means missing.
 *
 * On success returns SCORE_OK and sets *status (when not NULL) to
 * SCORE_ADD_ACCEPTED, SCORE_ADD_REPLACED (an earlier observation with the
 * same uscc, source, field and period was replaced) or SCORE_ADD_SKIPPED
 * (unknown source or field: nothing stored). A value that breaks the
 * standard fails with SCORE_EREJECTED and a message naming the column;
 * the panel is unchanged. Also SCORE_EINVAL (NULL argument), SCORE_ENOMEM,
 * SCORE_ELIMIT. Needs the panel to itself.
 */
#define SCORE_ADD_ACCEPTED 0
#define SCORE_ADD_REPLACED 1
#define SCORE_ADD_SKIPPED  2
SCORE_API int score_panel_add(score_panel *panel, const char *uscc,
                              const char *source, const char *field,
                              const char *period, const char *value,
                              int *status);

/*
 * score_panel_n_enterprises: how many enterprises the panel holds.
 * score_panel_n_observations: how many observations (after replacement).
 * Never fail (0 for NULL). Reading functions.
 */
SCORE_API size_t score_panel_n_enterprises(const score_panel *panel);
SCORE_API size_t score_panel_n_observations(const score_panel *panel);

/*
 * score_panel_enterprise: the USCC of the index-th enterprise, in ascending
 * order of USCC (index 0 .. n_enterprises-1), copied with its terminating NUL
 * into `uscc`, which must hold 19 bytes.
 * Fails: SCORE_EINVAL (NULL, index out of range), SCORE_ENOMEM (the panel
 * had unsorted additions and sorting them ran out of memory).
 * Reading function.
 */
SCORE_API int score_panel_enterprise(const score_panel *panel, size_t index,
                                     char uscc[19]);

/*
 * score_panel_find: the index (as score_panel_enterprise() numbers them) of
 * the enterprise with this USCC. Fails: SCORE_ENOTFOUND, SCORE_EINVAL,
 * SCORE_ENOMEM (as above). Reading function.
 */
SCORE_API int score_panel_find(const score_panel *panel, const char *uscc,
                               size_t *index);

/*
 * score_panel_period_range: the first and last month (YYYYMM) of any dated
 * observation in the panel; an annual period YYYY counts as YYYY12.
 * Fails: SCORE_ENOTFOUND (no dated observation), SCORE_EINVAL, SCORE_ENOMEM.
 * Reading function.
 */
SCORE_API int score_panel_period_range(const score_panel *panel,
                                       int *first_month, int *last_month);

/*
 * score_panel_series: one enterprise's series of one source and field as of
 * a month: the observations with period <= `asof` ("YYYY-MM"; NULL for all),
 * in ascending order of period. Periods are written to `months` as YYYYMM
 * (annual YYYY as YYYY12, profile fields as 0) and values to `values`
 * (NaN where the file said "missing"). Coded values are numbers: tax rating
 * A,B,M,C,D as 1..5; industry as section (A=1..T=20) * 100000 + the digits
 * (their count times 10000 plus their value: C3971 is 3*100000+4*10000+3971);
 * established date as YYYYMMDD; region as its 6-digit number.
 *
 * Writes at most `capacity` entries and sets *n_out to the number there are,
 * so a call with capacity 0 asks for the size. `months` or `values` may be
 * NULL when not wanted. The cost is a binary search, not a scan of the panel.
 *
 * Fails: SCORE_EINVAL (NULL panel/uscc/source/field/n_out, bad asof),
 * SCORE_ENOTFOUND (no such enterprise, or a source/field the standard does
 * not define), SCORE_ENOMEM. Reading function.
 */
SCORE_API int score_panel_series(const score_panel *panel, const char *uscc,
                                 const char *source, const char *field,
                                 const char *asof, int *months, double *values,
                                 size_t capacity, size_t *n_out);

/*
 * score_panel_source_count: how many enterprises have at least one
 * observation of `source` ("tax", "power", ...). Fails: SCORE_EINVAL,
 * SCORE_ENOTFOUND (unknown source), SCORE_ENOMEM. Reading function.
 */
SCORE_API int score_panel_source_count(const score_panel *panel,
                                       const char *source, size_t *count);

/*
 * score_panel_enterprise_sources: which sources the index-th enterprise has
 * any observation of, as a bit mask: bit i set for score_signal_source(i).
 * Fails: SCORE_EINVAL (NULL, index out of range), SCORE_ENOMEM (sorting).
 * Reading function.
 */
SCORE_API int score_panel_enterprise_sources(const score_panel *panel, size_t index,
                                             unsigned *sources);

/*
 * score_signal_n_sources / score_signal_source: the sources standard v1
 * defines ("profile", "tax", ...), index 0 .. n-1. The strings are static;
 * score_signal_source returns NULL for a bad index. Thread-safe.
 */
SCORE_API size_t score_signal_n_sources(void);
SCORE_API const char *score_signal_source(size_t index);

/*
 * score_signal_n_fields / score_signal_field: the sources and fields that
 * standard v1 defines, in a fixed order (index 0 .. n-1). The strings are
 * static. score_signal_field fails with SCORE_EINVAL for a bad index.
 * Thread-safe.
 */
SCORE_API size_t score_signal_n_fields(void);
SCORE_API int score_signal_field(size_t index, const char **source,
                                 const char **field);

/*
 * score_uscc_valid: 1 if `code` is a well-formed Unified Social Credit Code
 * (18 upper-case characters of the GB 32100-2015 alphabet with a correct
 * check character), else 0. Thread-safe.
 */
SCORE_API int score_uscc_valid(const char *code);

/* ======================================================================
 * 5. Synthetic data
 *
 * A generator of enterprise signals (standard v1) for a population of
 * synthetic sci-tech firms, with each firm's true 12-month probability of
 * default as of a month and a default label drawn from it. No real panel can
 * be shipped; this one feeds tests, examples, model training and benchmarks.
 * The generative story (latent health, cluster shocks, distress episodes,
 * inflated invoices, missing sources, young firms) and every share it
 * promises are in docs/synth.md.
 *
 * Output depends only on the options: the same options give byte-identical
 * files on one platform, and firm i's data do not depend on how many firms
 * are generated (a run of N firms is a prefix of a run of N + 1).
 * ====================================================================== */

/* Options of score_synth_write() and score_synth_panel(). */
typedef struct score_synth_options {
    size_t size;                 /* sizeof(score_synth_options) */
    uint64_t enterprises;        /* firms to generate, 1 .. 10,000,000; default 1000.
                                    About 1% are established after the as-of month:
                                    they have a profile only, and no truth or label */
    int months;                  /* months of history up to the as-of month,
                                    1 .. 240; default 24 */
    const char *asof;            /* the as-of month "YYYY-MM", years 1990 .. 2990;
                                    NULL for the default "2024-12" */
    uint64_t seed;               /* default 1 */
    double default_rate;         /* target mean true PD, 0.001 .. 0.5; default 0.05 */
    score_progress_fn progress;  /* called with stage "synth" and firms done; may be NULL */
    void *progress_user;
} score_synth_options;

/* What a generation produced. Set `size` before the call. New members may
 * be appended. */
typedef struct score_synth_summary {
    size_t size;                 /* sizeof(score_synth_summary) */
    uint64_t enterprises;        /* firms generated (all have signals) */
    uint64_t scored;             /* firms established by the as-of month: the rows of
                                    the truth and the labels */
    uint64_t defaults;           /* of these, labels equal to 1 */
    double mean_pd;              /* their mean true PD */
    uint64_t observations;       /* signal lines written (the header excluded) */
} score_synth_summary;

/*
 * score_synth_options_init: fill *options with the defaults (1000 firms,
 * 24 months as of 2024-12, seed 1, default rate 0.05, no progress) and set
 * its size. Thread-safe.
 */
SCORE_API void score_synth_options_init(score_synth_options *options);

/*
 * score_synth_write: generate a population and write three files into the
 * directory `dir`, creating it (and missing parents) when needed:
 *   signals.csv.gz  the signals, standard v1, gzip (no name or time in its
 *                   header), rows ordered by firm, then source, field, period;
 *                   only periods up to the as-of month;
 *   labels.csv      `uscc,default`: 1 if the firm defaults within 12 months
 *                   after the as-of month, a draw from its true PD;
 *   truth.csv       `uscc,pd`: each firm's true 12-month PD as of that month.
 * Labels and truth have one row per firm established by the as-of month, in
 * the order of the signals. Each file is written under a temporary name in
 * `dir` and renamed over its final name only when all three are complete,
 * so a failed or canceled call leaves no partial file (existing files of
 * those names are replaced only on success). `options` may be NULL for the
 * defaults; `summary`, when not NULL, receives the counts (its size set).
 *
 * Fails: SCORE_EINVAL (dir NULL or empty, an option out of range or a bad
 * options size, a bad summary size), SCORE_ELIMIT (more than 10,000,000
 * firms), SCORE_EIO (the directory cannot be created, a file cannot be
 * written, synced or renamed; the message names the path and the reason),
 * SCORE_ENOMEM, SCORE_ECANCELED (the progress callback asked to stop).
 * Thread-safe: calls with different directories may run at once.
 */
SCORE_API int score_synth_write(const char *dir, const score_synth_options *options,
                                score_synth_summary *summary);

/*
 * score_synth_panel: generate the same population in memory. When `panel`
 * is not NULL the signals are added to it exactly as reading signals.csv.gz
 * would add them (they are built as text, about 10 kB per firm and 24
 * months, and read in one piece, so the panel either gains all of them or,
 * on failure, is left as it was). `panel` may be NULL when only the truth
 * is wanted; that is much faster.
 *
 * The caller allocates the outputs, each for options->enterprises firms, in
 * the order of generation; any may be NULL:
 *   uscc   19 bytes per firm: the code and its NUL;
 *   pd     the true 12-month PD, NaN for a firm established after the as-of
 *          month;
 *   label  0 or 1, -1 for a firm established after the as-of month.
 * They are written only on success.
 *
 * Fails: SCORE_EINVAL, SCORE_ELIMIT, SCORE_ENOMEM, SCORE_ECANCELED as
 * score_synth_write(); the errors of score_panel_read_buffer() when adding
 * to the panel (e.g. SCORE_ELIMIT when it would exceed its limits). Needs
 * the panel to itself.
 */
SCORE_API int score_synth_panel(const score_synth_options *options, score_panel *panel,
                                char *uscc, double *pd, int *label,
                                score_synth_summary *summary);

#ifdef __cplusplus
}
#endif

#endif /* SCORE_H */
