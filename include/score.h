/*
 * libscore: a credit engine for sci-tech enterprises.
 *
 * This header is the whole ABI of libscore.so.1. Read it top to bottom:
 *
 *   1. versions                        score_version()
 *   2. status codes and errors         score_strerror(), score_last_error()
 *   3. common types                    options structs, progress, diagnostics
 *   4. signals and panels              score_panel_*  (standard v1 input)
 *   5. features                        score_features_* (feature spec v1)
 *   6. models                          score_model_* (train, bundle, predict)
 *   7. scores, grades and reasons      score_model_score*, score_model_reason
 *   8. credit enhancement              score_enhance_* (limit, capital, price)
 *   9. mutual-aid risk pools           score_pool_* (ledger, waterfall, simulation)
 *  10. monitoring, drift and reports   score_monitor_*, score_alerts_*, score_drift_*,
 *                                      score_report_*
 *  11. synthetic data                  score_synth_*  (a generated population;
 *                                      experimental, as is score_report_html/_save)
 *  12. batches and threads (1.1.0)     score_*_batch, score_batch_options
 *
 * Experimental functions are declared only when the program defines
 * SCORE_EXPERIMENTAL before including this header. They are exported like
 * the rest, but not frozen: they may change in a later 1.x version.
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
 * What the library cannot check is undefined behaviour, as zstd and libgit2
 * say of theirs: freeing a handle twice, using a handle after its free
 * function (directly, or through an object that borrows it, as a monitor
 * borrows its model; the creating function says when it borrows), using
 * one handle from two threads against the rules above, and passing a
 * pointer that no score_* function returned. Everything else a
 * caller can pass, a NULL, a bad month, a size too large, a malformed file,
 * is an error code and a message, never a crash.
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
#define SCORE_VERSION_MINOR 1
#define SCORE_VERSION_PATCH 0
#define SCORE_VERSION_NUMBER \
    (SCORE_VERSION_MAJOR * 10000 + SCORE_VERSION_MINOR * 100 + SCORE_VERSION_PATCH)
#define SCORE_VERSION_STRING "1.1.0"

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
 *
 * The codes are also a type, score_status, so that a debugger names them and
 * a switch over them is checked; functions keep returning int (the ABI is
 * frozen), and an int status converts to score_status. The macros stay, with
 * the same values, so that `#ifdef SCORE_ELIMIT` keeps working.
 * ====================================================================== */

typedef enum score_status {
    SCORE_OK = 0,
    SCORE_EINVAL = -1,
    SCORE_ENOMEM = -2,
    SCORE_EIO = -3,
    SCORE_EFORMAT = -4,
    SCORE_EREJECTED = -5,
    SCORE_EVERSION = -6,
    SCORE_ECORRUPT = -7,
    SCORE_EDEPENDENCY = -8,
    SCORE_EBUSY = -9,
    SCORE_ENOTFOUND = -10,
    SCORE_ECANCELED = -11,
    SCORE_EUNSUPPORTED = -12,
    SCORE_ELIMIT = -13
} score_status;

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

/*
 * SCORE_USCC_SIZE: the bytes a Unified Social Credit Code takes in a
 * caller's buffer or a struct: its 18 characters and a terminating NUL.
 */
#define SCORE_USCC_SIZE 19

/* The severity of a diagnostic, as a type; the macros keep the same values. */
typedef enum score_diag_severity {
    SCORE_DIAG_WARNING = 1,
    SCORE_DIAG_ERROR = 2
} score_diag_severity;

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
    int column;              /* 1-based column number; 1 for a line too long; 0 for a
                                replaced observation (not about one column) */
    const char *column_name; /* "uscc", "source", ...; "" when not one of the five */
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
 * the panel would hold more than 268,435,454 observations or 2,147,483,646
 * enterprises (SCORE_ELIMIT; a file's lines are counted before duplicates
 * replace one another). Rejected lines alone do not fail the call.
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
typedef enum score_add_status {
    SCORE_ADD_ACCEPTED = 0,
    SCORE_ADD_REPLACED = 1,
    SCORE_ADD_SKIPPED = 2
} score_add_status;
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
 * into `uscc`, which must hold SCORE_USCC_SIZE (19) bytes.
 * Fails: SCORE_EINVAL (NULL, index out of range), SCORE_ENOMEM (the panel
 * had unsorted additions and sorting them ran out of memory).
 * Reading function.
 */
SCORE_API int score_panel_enterprise(const score_panel *panel, size_t index,
                                     char uscc[SCORE_USCC_SIZE]);

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
 * 5. Features (feature spec v1)
 *
 * From a panel and an as-of month T, one row of numbers per enterprise in a
 * fixed, named column order (docs/features.md): scale, growth, volatility,
 * distress, consistency between sources, orders, innovation, equity, age,
 * tax rating, data coverage and industry section. Only observations with
 * period <= T are used (profile fields always), so rows after T change
 * nothing. NaN means missing. An enterprise established after T gets no row.
 * ====================================================================== */

#define SCORE_FEATURE_SPEC_VERSION 1

/*
 * score_features_spec_version: the feature spec version this library
 * computes (SCORE_FEATURE_SPEC_VERSION of the library loaded). Thread-safe.
 * score_features_count: the number of columns of a row. Thread-safe.
 */
SCORE_API int score_features_spec_version(void);
SCORE_API size_t score_features_count(void);

/*
 * score_feature_info: the index-th column's name ("sales_yoy"), its expected
 * direction of risk (+1 risk rises with the value, -1 it falls, 0 no
 * constraint: used as XGBoost monotone constraints) and a one-line
 * description. Any output pointer may be NULL; the strings are static.
 * Fails: SCORE_EINVAL for an index >= score_features_count(). Thread-safe.
 */
SCORE_API int score_feature_info(size_t index, const char **name, int *direction,
                                 const char **description);

/*
 * score_feature_index: the column of the feature called `name`.
 * Fails: SCORE_EINVAL (NULL), SCORE_ENOTFOUND (no such feature). Thread-safe.
 */
SCORE_API int score_feature_index(const char *name, size_t *index);

/*
 * score_features_compute: the feature matrix of every enterprise of the panel
 * that exists at `asof` ("YYYY-MM"), in the panel's order (ascending USCC).
 * Row r goes to matrix[r * score_features_count() ...], row-major floats, and
 * enterprise_index[r] (when not NULL) receives its panel index (see
 * score_panel_enterprise). At most `capacity_rows` rows are written; *n_rows
 * is set to the number of rows there are, so a call with capacity_rows 0 and
 * matrix NULL asks for the size. The caller owns the arrays.
 *
 * Fails: SCORE_EINVAL (NULL panel or n_rows, matrix NULL with a capacity,
 * asof not a month), SCORE_ENOMEM. Reading function on the panel: several
 * threads may compute features of one panel at once.
 */
SCORE_API int score_features_compute(const score_panel *panel, const char *asof, float *matrix,
                                     size_t capacity_rows, size_t *enterprise_index,
                                     size_t *n_rows);

/*
 * score_features_enterprise: the feature row of one enterprise as of `asof`,
 * into `row` (score_features_count() floats, caller-owned).
 * Fails: SCORE_EINVAL (NULL, bad month), SCORE_ENOTFOUND (no such
 * enterprise, or it was established after asof), SCORE_ENOMEM. Reading
 * function.
 */
SCORE_API int score_features_enterprise(const score_panel *panel, const char *uscc,
                                        const char *asof, float *row);

/* ======================================================================
 * 6. Models: training, the model bundle, prediction
 *
 * A model is gradient-boosted trees trained through XGBoost, calibrated to
 * a 12-month probability of default (PD), and kept in one file, the model
 * bundle (gzip JSON; docs/model-bundle.md). A model eats either signals
 * (feature spec v1 computed from a panel) or a bank's own table with named
 * columns. Loaded models are scored by libscore's own native forest, which
 * gives XGBoost's margins exactly and many times faster.
 *
 * A model is immutable once trained or loaded: any number of threads may
 * use one model at once.
 * ====================================================================== */

typedef struct score_model score_model;

/* What a model eats, as a type; the macros keep the same values. */
typedef enum score_input_kind {
    SCORE_INPUT_SIGNALS = 1,
    SCORE_INPUT_TABLE = 2
} score_input_kind;

#define SCORE_INPUT_SIGNALS 1  /* feature spec v1 from a panel */
#define SCORE_INPUT_TABLE   2  /* a bank's own table, columns by name */

/*
 * Called after each boosting round with the round number (from 1) and the
 * AUC on the training and the validation rows. Return 0 to go on; any other
 * value stops training (SCORE_ECANCELED).
 */
typedef int (*score_round_fn)(void *user, int round, double train_auc, double validation_auc);

/* Options of the score_model_train_* functions. */
typedef struct score_train_options {
    size_t size;                  /* sizeof(score_train_options) */
    uint64_t seed;                /* the split and XGBoost's sampling; default 1 */
    int threads;                  /* XGBoost threads; default 1, so that a bundle is the
                                     same on every machine */
    int max_rounds;               /* default 2000 */
    int early_stopping_rounds;    /* stop when validation AUC has not improved for this
                                     many rounds; default 50 */
    double learning_rate;         /* default 0.05 */
    int max_depth;                /* default 4 */
    double validation_share;      /* held out for early stopping and calibration; 0.2 */
    int monotone;                 /* use the features' directions of risk as monotone
                                     constraints (signals models); default 1 */
    score_round_fn round_callback;
    void *round_user;
    score_progress_fn progress;   /* stage "train", rounds done of max_rounds */
    void *progress_user;
    score_diagnostic_fn diagnostic;  /* warnings, e.g. table columns left out */
    void *diagnostic_user;
} score_train_options;

/* score_train_options_init: the defaults above, and the size. Thread-safe. */
SCORE_API void score_train_options_init(score_train_options *options);

/*
 * score_model_train_signals: train on the features of every enterprise of
 * `panel` as of `asof` ("YYYY-MM") that has a label in the labels file
 * (CSV, header `uscc,default`, default 1 when the enterprise became 90+ days
 * past due or had a loan written off within 12 months after asof, else 0).
 * Rows are split (stratified, by USCC and seed) into training and validation
 * rows; boosting stops early on validation AUC; the PD is calibrated on the
 * validation rows (Platt scaling). The caller owns *out (score_model_free).
 *
 * Fails: SCORE_EINVAL (NULL, bad month, options out of range, fewer than 10
 * defaults or non-defaults), SCORE_EIO / SCORE_EFORMAT (the labels file,
 * with file:line:column), SCORE_EDEPENDENCY (XGBoost failed; its message),
 * SCORE_ECANCELED, SCORE_ENOMEM. Reads the panel (a reading function);
 * XGBoost's console output is silenced.
 */
SCORE_API int score_model_train_signals(const score_panel *panel, const char *asof,
                                        const char *labels_path,
                                        const score_train_options *options, score_model **out);

/*
 * score_model_train_table: train on a bank's own table: CSV (plain or gzip)
 * with a header; `label_column` holds 0 or 1 (1 = default); `id_column`
 * (may be NULL) names each row and is not a feature. Every other column is a
 * feature: numbers (empty, NA, N/A, NaN, NULL, ? and - are missing), or a
 * text column, one-hot encoded as "name=level" when it has at most 32
 * distinct values and otherwise left out with a warning to
 * options->diagnostic. No monotone constraints are used. Fails as
 * score_model_train_signals, and SCORE_ENOTFOUND for a missing column.
 */
SCORE_API int score_model_train_table(const char *path, const char *label_column,
                                      const char *id_column, const score_train_options *options,
                                      score_model **out);

/*
 * score_model_train_matrix: train on rows in memory: `rows` is n_rows x
 * n_features floats, row-major, NaN missing; labels are 0 or 1;
 * feature_names[n_features] name the columns (a table model: predicting
 * from a table requires these columns by name); directions (may be NULL)
 * gives -1, 0 or +1 per column for monotone constraints. The arrays are only
 * read during the call. Fails as score_model_train_signals.
 */
SCORE_API int score_model_train_matrix(const float *rows, const float *labels, size_t n_rows,
                                       size_t n_features, const char *const *feature_names,
                                       const int *directions,
                                       const score_train_options *options, score_model **out);

/*
 * score_model_save: write the model bundle to `path` (a temporary file
 * renamed into place, synced). Training twice on the same data with the same
 * options gives byte-identical bundles when SOURCE_DATE_EPOCH fixes the
 * creation time. Fails: SCORE_EINVAL, SCORE_EIO, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_save(const score_model *model, const char *path);

/*
 * score_model_load: read and check a model bundle. The caller owns *out.
 * Fails: SCORE_EIO (cannot read), SCORE_ECORRUPT (truncated, damaged, or
 * altered: the gzip stream or the bundle's checksum fails), SCORE_EFORMAT
 * (not a bundle, a malformed part, a feature list that does not match its
 * feature spec or table columns), SCORE_EVERSION (a bundle or feature spec
 * version this library does not know), SCORE_EUNSUPPORTED (trees this
 * library does not evaluate: categorical splits, dart, multi-class),
 * SCORE_ENOMEM, SCORE_EINVAL (NULL). Thread-safe.
 */
SCORE_API int score_model_load(const char *path, score_model **out);

/* score_model_free: free a model. Accepts NULL. */
SCORE_API void score_model_free(score_model *model);

/* score_model_n_features: the number of columns of a model's rows (0 for
 * NULL). Thread-safe. */
SCORE_API size_t score_model_n_features(const score_model *model);

/*
 * score_model_feature: the index-th column's name and the direction of risk
 * it was constrained to (0 when none); pointers may be NULL; the name lives
 * as long as the model. Fails: SCORE_EINVAL. Thread-safe.
 */
SCORE_API int score_model_feature(const score_model *model, size_t index, const char **name,
                                  int *direction);

/* score_model_input: what the model eats, SCORE_INPUT_SIGNALS or
 * SCORE_INPUT_TABLE. Fails: SCORE_EINVAL. Thread-safe. */
SCORE_API int score_model_input(const score_model *model, int *kind);

/*
 * score_model_metadata: the bundle's metadata as JSON text (training data
 * summary, parameters, metrics, creation time, versions), copied with a NUL
 * into `buffer` (at most capacity bytes; capacity 0 asks for the length,
 * which *length receives without the NUL). Fails: SCORE_EINVAL,
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_metadata(const score_model *model, char *buffer, size_t capacity,
                                   size_t *length);

/*
 * score_model_predict: margins (XGBoost's raw output) and calibrated PDs of
 * n_rows rows: `rows` is row-major, n_rows x score_model_n_features(), NaN =
 * missing; margin[n_rows] and pd[n_rows] are caller-owned and either may be
 * NULL. Runs in the calling thread and allocates nothing. Fails: SCORE_EINVAL
 * (NULL model, or rows NULL with n_rows > 0). Thread-safe: a model may be
 * shared by any number of threads.
 */
SCORE_API int score_model_predict(const score_model *model, const float *rows, size_t n_rows,
                                  double *margin, double *pd);

/*
 * score_model_contributions: exact tree SHAP contributions of one row to its
 * margin: contributions[score_model_n_features() + 1], the last entry the
 * bias (expected margin); they add up to the margin. Positive pushes the
 * risk up. Fails: SCORE_EINVAL, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_contributions(const score_model *model, const float *row,
                                        double *contributions);

/*
 * Tables for table models. score_table_read reads a CSV table (plain or
 * gzip) into the model's rows, by column name: every column the model was
 * trained on must be present (SCORE_ENOTFOUND otherwise); extra columns are
 * ignored; text columns map to their one-hot levels (an unseen level gives
 * all zeros). `id_column` (NULL: the model's own id column when the table
 * has it, else the row number) names each row. A row with text where a
 * number belongs is rejected and reported to options->diagnostic as
 * file:line:column, and counted in *counts (may be NULL; its size set);
 * strict mode makes it fail the input (SCORE_EREJECTED). The caller owns
 * *out and frees it with score_table_free (accepts NULL).
 * Fails also: SCORE_EINVAL (a signals model), SCORE_EIO, SCORE_EFORMAT,
 * SCORE_ENOMEM. The accessors never fail (NULL or 0 for bad arguments);
 * score_table_rows gives n_rows x score_model_n_features() floats and the
 * strings live as long as the table. Thread-safe on distinct tables.
 */
typedef struct score_table score_table;
SCORE_API int score_table_read(const score_model *model, const char *path, const char *id_column,
                               const score_read_options *options, score_read_counts *counts,
                               score_table **out);
SCORE_API void score_table_free(score_table *table);
SCORE_API size_t score_table_n_rows(const score_table *table);
SCORE_API const float *score_table_rows(const score_table *table);
SCORE_API const char *score_table_id(const score_table *table, size_t row);
SCORE_API const char *score_table_id_name(const score_table *table);

/* ======================================================================
 * 7. Scores, grades and reasons
 *
 * pd: the calibrated 12-month probability of default. score: points to
 * double the odds of the good:bad odds (1-pd)/pd, higher is safer; by
 * default 600 points at odds 50:1 and 20 points to double, clipped to
 * 300..900, an integer. grade: a master scale by PD band, by default AAA
 * (pd <= 0.05%), AA 0.1%, A 0.25%, BBB 0.5%, BB 1%, B 2%, CCC 5%, CC 10%,
 * C 20%, D above; grade 0 is the best. The bundle holds the scaling and the
 * bands. Reasons: the features whose exact tree SHAP contributions push this
 * enterprise's risk up the most, each with a stable code and a short text in
 * Chinese and English that quotes its own numbers (docs/reasons.md).
 * ====================================================================== */

/*
 * score_model_score: PD, score, grade and reasons of n_rows rows (as for
 * score_model_predict). Every output array may be NULL; reasons receives
 * score_model_n_reasons() feature indices per row, the strongest first, -1
 * where fewer features push the risk up. Fails: SCORE_EINVAL, SCORE_ENOMEM
 * (reasons need scratch). Thread-safe.
 */
SCORE_API int score_model_score(const score_model *model, const float *rows, size_t n_rows,
                                double *margin, double *pd, int *score, int *grade,
                                int *reasons);

/*
 * score_model_score_panel: features (feature spec v1) of every enterprise
 * of the panel that exists at `asof`, then score_model_score on them. Row r
 * is the enterprise enterprise_index[r] of the panel (score_panel_enterprise
 * gives its USCC). At most `capacity` rows are written; *n_rows receives the
 * number there are (capacity 0 asks for it). Output arrays may be NULL.
 * Fails: SCORE_EINVAL (a table model, NULL, bad month), SCORE_ENOMEM.
 * Thread-safe; reads the panel.
 */
SCORE_API int score_model_score_panel(const score_model *model, const score_panel *panel,
                                      const char *asof, size_t capacity,
                                      size_t *enterprise_index, double *margin, double *pd,
                                      int *score, int *grade, int *reasons, size_t *n_rows);

/* score_model_n_reasons: reasons given per row (3 by default). */
SCORE_API size_t score_model_n_reasons(const score_model *model);
/* score_model_n_grades: the bands of the model's master scale. */
SCORE_API size_t score_model_n_grades(const score_model *model);
/* score_model_grade_name: "AAA" .. "D" for grade 0 .. n-1; NULL for a bad
 * index. Lives as long as the model. Thread-safe. */
SCORE_API const char *score_model_grade_name(const score_model *model, size_t grade);

/* score_pd_to_score: the model's score of a PD (clipped, rounded); the
 * model's minimum for PD >= 1 or NaN. Never fails (0 for a NULL model). */
SCORE_API int score_pd_to_score(const score_model *model, double pd);

/*
 * score_model_reason: the reason of feature `feature` at `value` (a row's
 * value; NaN for missing): its stable code (e.g. "PWR_DROP"; static),
 * and the texts, Chinese and English, quoting the value ("用电量较上季度下降
 * 38%" / "power use down 38% on the previous quarter"), copied with a NUL
 * into text_zh and text_en (either may be NULL; truncated at capacity).
 * Table models give a generic code and text naming the column.
 * Fails: SCORE_EINVAL (NULL model, feature out of range). Thread-safe.
 */
SCORE_API int score_model_reason(const score_model *model, size_t feature, double value,
                                 const char **code, char *text_zh, size_t zh_capacity,
                                 char *text_en, size_t en_capacity);

/*
 * ---- Since 1.1.0: the model's master scale and identity ----
 *
 * A scale file (JSON) holds the grade bands (2 to 22, each a name of 1 to 7
 * characters and an inclusive upper PD bound, rising, the last reaching 1),
 * the grade of a firm in default, and the score scaling:
 *   {"format": "libscore-scale", "version": 1, "base_score": 600,
 *    "odds_at_base": 50, "pdo": 20, "direction": "higher_is_safer",
 *    "min_score": 300, "max_score": 900, "default_grade": "D",
 *    "grades": [{"grade": "AAA", "max_pd": 0.0001}, ...]}
 * Replacing it changes scores and grades only: the trees and calibration,
 * hence PDs, margins and the model's identity, are untouched.
 * docs/model.md ("Master scale") gives the default scale and its sources.
 */

/*
 * score_model_set_scale: replace the model's scale with the one in `length`
 * bytes of JSON; `name` (NULL: "scale") begins messages. Not thread-safe
 * for the model being changed (no other call on it meanwhile). Fails:
 * SCORE_EINVAL (NULL), SCORE_EFORMAT naming the key (an unknown key, pdo
 * or odds not above 0, bounds not increasing, a name twice, more than 22
 * bands, the last band not reaching 1, a direction other than
 * "higher_is_safer" / "higher_is_riskier", no default_grade),
 * SCORE_EVERSION, SCORE_ENOMEM. On failure the model is unchanged.
 */
SCORE_API int score_model_set_scale(score_model *model, const char *text, size_t length,
                                    const char *name);

/*
 * score_model_scale_json: the model's scale as a scale file that
 * score_model_set_scale() reads back; *length and `buffer` as in
 * score_enhance_config_json(). Fails: SCORE_EINVAL, SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_model_scale_json(const score_model *model, char *buffer, size_t capacity,
                                     size_t *length);

/*
 * score_model_identity: 16 hexadecimal digits and a NUL into `out`: a hash
 * (FNV-1a, 64 bits) of the model's trees and calibration, the same across
 * hosts and across a change of scale. Not a defence against forgery.
 * Fails: SCORE_EINVAL (NULL). Thread-safe.
 */
SCORE_API int score_model_identity(const score_model *model, char out[17]);

/*
 * score_model_checksum: "crc32:" and 8 hexadecimal digits and a NUL into
 * `out`: the checksum score_model_save() writes for the model as it is now
 * (it changes with the scale; the identity does not). Fails: SCORE_EINVAL,
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_checksum(const score_model *model, char out[16]);

/*
 * score_model_recalibrate: calibrate the model to a bank's own book without
 * retraining. With `label` (n values, 0 or 1), Platt's coefficients are
 * refitted on the n margins (score_model_predict gives them) and labels;
 * with `central_tendency` in (0, 1) (negative: none) the intercept is then
 * shifted so that the mean PD over the n margins equals it. The trees are
 * untouched: margins and rankings (AUC) stay; PDs, scores and grades
 * follow. The metadata's "recalibrated" records what was done. Not
 * thread-safe for this model. Fails: SCORE_EINVAL (NULL, n 0, a margin not
 * finite, a label not 0 or 1, neither labels nor a central tendency, labels
 * all one class, labels that rank against the model), SCORE_ENOMEM. On
 * failure the model is unchanged.
 */
SCORE_API int score_model_recalibrate(score_model *model, const double *margin,
                                      const float *label, size_t n, double central_tendency);

/* ======================================================================
 * 8. Credit enhancement
 *
 * What one loan application is worth to the bank, and what its credit
 * enhancements are worth: the limit, the Basel IRB capital and the
 * risk-adjusted minimum rate, computed twice, with the enhancements on offer
 * (a guarantee company covering a share, a risk-compensation fund bearing a
 * share of losses, pledged patents and trademarks, verified orders and
 * receivables) and without them. docs/enhancement.md gives every rule and
 * default for a risk officer.
 *
 * The PD comes in the request, from wherever the bank takes it (a model, a
 * rating system). A configuration holds the bank's parameters (funding
 * rate, operating cost, hurdle rate, advance rates, the sales table, the PD
 * floor, ...); it is immutable once made, so one configuration may serve
 * any number of threads at once. Requests and results are plain structs
 * owned by the caller; every function of this section is thread-safe.
 *
 * Money is int64_t fen; rates, shares, PDs and risk weights are fractions
 * (0.7239, not 72.39). Amounts in requests are at most 10^12 yuan.
 * ====================================================================== */

typedef struct score_enhance_config score_enhance_config;

/*
 * score_enhance_config_new: a configuration with every default
 * (docs/enhancement.md). The caller owns *out and frees it with
 * score_enhance_config_free(). Fails: SCORE_EINVAL (out NULL), SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_enhance_config_new(score_enhance_config **out);

/*
 * score_enhance_config_load: read a configuration from a JSON file; every
 * key is optional and an absent key keeps its default. The caller owns
 * *out. Fails: SCORE_EINVAL (NULL argument), SCORE_EIO (the file cannot be
 * read), SCORE_EFORMAT (not JSON; an unknown key, a value of the wrong type
 * or out of range, bounds out of order: the message names the file and the
 * key, e.g. "bank.json: config.advance_rates.invention: 1.5 is outside 0..1"),
 * SCORE_EVERSION ("version" other than 1), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_enhance_config_load(const char *path, score_enhance_config **out);

/*
 * score_enhance_config_parse: as score_enhance_config_load(), from `length`
 * bytes of JSON text; `name` (NULL: "config") begins every message.
 */
SCORE_API int score_enhance_config_parse(const char *text, size_t length, const char *name,
                                         score_enhance_config **out);

/* score_enhance_config_free: free a configuration. Accepts NULL. */
SCORE_API void score_enhance_config_free(score_enhance_config *config);

/*
 * score_enhance_config_json: the whole configuration, every key with the
 * value in force, as JSON text that score_enhance_config_parse() reads back
 * to the same configuration. Sets *length to the text's length (without the
 * NUL) and, when `capacity` > *length, copies the text and a NUL to
 * `buffer`; so a call with capacity 0 asks for the size. `config` NULL
 * means the defaults. Fails: SCORE_EINVAL (length NULL; buffer NULL with a
 * capacity), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_enhance_config_json(const score_enhance_config *config, char *buffer,
                                        size_t capacity, size_t *length);

/* How a guarantee counts (score_enhance_request.guarantee_approach). */
#define SCORE_GUARANTEE_LGD_SHARING  0 /* the guarantor bears its share of the loss */
#define SCORE_GUARANTEE_SUBSTITUTION 1 /* the guaranteed part takes the guarantor's PD */

/*
 * One loan application. Fill it with score_enhance_request_init() and then
 * set what you know, or parse it from JSON with score_enhance_request_parse().
 * The JSON key of each member is given in brackets; messages name members
 * by these keys.
 */
typedef struct score_enhance_request {
    size_t size;                  /* sizeof(score_enhance_request) */
    char uscc[SCORE_USCC_SIZE];   /* [uscc] the enterprise's USCC, or "" */
    double pd;                    /* [pd] 12-month PD, 0..1; negative: not given */
    double lgd;                   /* [lgd] 0..1; negative: the configuration's default */
    int64_t amount;               /* [amount] requested, fen, > 0 */
    double tenor_years;           /* [tenor_years] > 0 and at most 100 */
    int64_t annual_sales;         /* [annual_sales] trailing 12 months, fen; negative: unknown */
    int64_t orders_verified;      /* [orders_verified] from chain-leader buyers, fen */
    int64_t receivables_verified; /* [receivables_verified] from chain-leader buyers, fen */
    int64_t patent_invention;     /* [patents.invention] appraised value pledged, fen */
    int64_t patent_utility;       /* [patents.utility] utility-model patents, fen */
    int64_t patent_trademark;     /* [patents.trademark] trademarks, fen */
    double guarantee_share;       /* [guarantee.share] share of the loan guaranteed, 0..1 */
    double guarantee_pd;          /* [guarantee.pd] the guarantor's PD; negative: not given */
    int guarantee_approach;       /* SCORE_GUARANTEE_LGD_SHARING ([guarantee.lgd_sharing],
                                     the default) or SCORE_GUARANTEE_SUBSTITUTION
                                     ([guarantee.substitution]) */
    double compensation_share;    /* [compensation_share] share of the loss a risk-
                                     compensation fund or pool bears, 0..1 */
} score_enhance_request;

/*
 * score_enhance_request_init: set `size`, no PD (-1), the default LGD (-1),
 * sales unknown (-1), no guarantor PD (-1) and everything else 0: no
 * amount or tenor yet, no enhancement. Accepts NULL. Thread-safe.
 */
SCORE_API void score_enhance_request_init(score_enhance_request *request);

/*
 * score_enhance_request_parse: read one request from `length` bytes of JSON
 * text, an object such as
 *   {"uscc": "914403001922038216", "pd": 0.01, "lgd": 0.45, "amount": 5000000,
 *    "tenor_years": 2.5, "annual_sales": 39000000, "orders_verified": 2000000,
 *    "receivables_verified": 1000000,
 *    "patents": {"invention": 3000000, "utility": 500000, "trademark": 0},
 *    "guarantee": {"share": 0.5, "pd": 0.003}, "compensation_share": 0.3}
 * with money in yuan (at most two decimals). "amount" and "tenor_years" are
 * required; "pd" may be left out when the caller supplies it afterwards
 * (from a model); everything else is optional. `request->size` must be set
 * (score_enhance_request_init() does it); on success the members up to it
 * are replaced. `name` (NULL: "request") begins every message.
 *
 * Fails with SCORE_EFORMAT, the message naming the key, on: text that is
 * not a JSON object; an unknown key; a wrong type; a negative amount or an
 * amount above 10^12 yuan; a PD, LGD or share outside 0..1; a tenor outside
 * (0, 100]; an invalid USCC; guarantee.share + compensation_share above 1;
 * a guarantee without a share; guarantee.substitution and
 * guarantee.lgd_sharing both true (or both false); substitution without
 * guarantee.pd. Also SCORE_EINVAL (NULL argument, bad size), SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_enhance_request_parse(const char *text, size_t length, const char *name,
                                          score_enhance_request *request);

/*
 * The figures of one application, with or without its enhancements.
 * Set `size` to sizeof(score_enhance_result) before the call.
 */
typedef struct score_enhance_result {
    size_t size;               /* sizeof(score_enhance_result) */
    char grade[8];             /* master-scale grade of the enterprise's PD, "AAA" .. "D" */
    double pd;                 /* the PD priced: floored; with substitution, the guarantor's
                                  PD on the guaranteed part and the enterprise's on the rest */
    double lgd_effective;      /* the bank's share of the loss: LGD x (1 - shares borne
                                  by others) */
    double correlation;        /* R of the enterprise's exposure */
    double firm_size;          /* S used in R, millions of the configured currency, after
                                  clamping; 0 when no firm-size adjustment applied */
    double maturity;           /* M, years: the tenor clamped */
    int64_t limit;             /* fen: min(amount, limit_available) */
    int64_t limit_available;   /* fen: the sum of the four lines below */
    int64_t limit_sales;       /* fen: the unsecured line, a share of annual sales by grade */
    int64_t limit_patents;     /* fen: pledged patents and trademarks at their advance rates */
    int64_t limit_orders;      /* fen: verified orders at their advance rate */
    int64_t limit_receivables; /* fen: verified receivables at their advance rate */
    double capital_ratio;      /* K (times the scaling factor): capital per yuan lent */
    double risk_weight;        /* 12.5 x capital_ratio */
    int64_t capital;           /* fen: capital_ratio x limit */
    int64_t expected_loss;     /* fen: pd x lgd_effective x limit */
    double rate;               /* the risk-adjusted minimum annual rate: funding +
                                  operating cost + rate_credit + rate_capital */
    double rate_credit;        /* pd x lgd_effective */
    double rate_capital;       /* capital_ratio x (hurdle - funding) */
} score_enhance_result;

/*
 * score_enhance_compute: the limit, capital and price of `request` under
 * `config` (NULL: the defaults) into *with, and, when `without` is not NULL,
 * the same for the request with its enhancements removed (no guarantee, no
 * fund, no pledges, no order or receivable financing) into *without. Each
 * result's `size` must be set; members up to it are written, and only on
 * success.
 *
 * Fails: SCORE_EINVAL: `request` or `with` NULL; a `size` out of range; a
 * request that score_enhance_request_parse() would refuse, or whose PD is
 * not given (negative). The message names the JSON key, e.g. "request.pd:
 * not given". Never allocates. Thread-safe.
 */
SCORE_API int score_enhance_compute(const score_enhance_config *config,
                                    const score_enhance_request *request,
                                    score_enhance_result *with, score_enhance_result *without);

/*
 * score_enhance_risk_weight: the IRB risk weight (12.5 K, times the scaling
 * factor) of one exposure under `config` (NULL: the defaults): `pd` is
 * floored and `tenor_years` clamped as the configuration says; `annual_sales`
 * in fen sets the firm-size adjustment (negative: none, a large firm).
 * Fails: SCORE_EINVAL (pd or lgd outside 0..1, tenor not above 0, out NULL).
 * Thread-safe.
 */
SCORE_API int score_enhance_risk_weight(const score_enhance_config *config, double pd,
                                        double lgd, double tenor_years, int64_t annual_sales,
                                        double *risk_weight);

/*
 * ---- Since 1.1.0: regulatory and economic views, capital approaches ----
 *
 * score_enhance_compute() above keeps its 1.0 figures: the IRB function with
 * the guarantee and the fund sharing the LGD, which the capital rules do not
 * recognise. score_enhance_evaluate() gives the figures a bank may sign: a
 * `regulatory` view (only what the 2023 capital rules let the bank count: an
 * eligible guarantor by substitution, cash held at the lending bank with a
 * haircut; a risk-compensation fund held elsewhere counts for nothing), an
 * `economic` view (the loss the bank expects, the guarantor's own default
 * risk taken into account) and a price from economic expected loss and
 * regulatory capital, with the borrower's all-in cost beside it.
 * docs/enhancement.md gives every rule, default and source.
 */

/* The capital approach (score_enhance_terms.approach). */
#define SCORE_APPROACH_CONFIGURED   0 /* the configuration's "approach" */
#define SCORE_APPROACH_STANDARDISED 1 /* 权重法: corporate, SME corporate, regulatory retail */
#define SCORE_APPROACH_FIRB         2 /* foundation IRB, corporate */
#define SCORE_APPROACH_RETAIL       3 /* IRB retail, other retail (small business) */
#define SCORE_APPROACH_AUTO         4 /* retail under the retail threshold, else configured */

/*
 * What a request says beyond score_enhance_request (JSON keys in brackets).
 * Fill it with score_enhance_terms_init().
 */
typedef struct score_enhance_terms {
    size_t size;                 /* sizeof(score_enhance_terms) */
    int approach;                /* SCORE_APPROACH_*; [approach]: "standardised", "firb",
                                    "retail", "auto" */
    char guarantor_kind[48];     /* [guarantee.kind] a kind listed in the configuration's
                                    eligible_guarantors, or another (ineligible); "" none */
    double guarantee_fee_rate;   /* [guarantee.fee_rate] a year, on the amount guaranteed */
    int64_t deposits_at_lender;  /* [deposits_at_lender] fen: cash held at the lending bank
                                    and pledged to the loan (mutual-aid deposits, pool
                                    balance, margin) */
    double pool_deposit_share;   /* [pool.deposit_share] the borrower's own deposit, a share
                                    of the loan, 0..0.9 */
    double pool_deposit_rate;    /* [pool.deposit_rate] the interest the deposit earns */
    int64_t other_exposure;      /* [other_exposure] fen: the bank's other exposure to the
                                    borrower and its group, for the retail thresholds */
    int small_micro;             /* [small_micro] 1 a small or micro enterprise, 0 not,
                                    -1 (default) judged from annual sales */
    int64_t receivables_from_financed_orders; /* [receivables_from_financed_orders] fen:
                                    the part of receivables_verified arising from orders
                                    in orders_verified */
} score_enhance_terms;

/* score_enhance_terms_init: size set, approach SCORE_APPROACH_CONFIGURED,
 * small_micro -1, everything else 0 or "". Accepts NULL. Thread-safe. */
SCORE_API void score_enhance_terms_init(score_enhance_terms *terms);

/*
 * score_enhance_request_parse_terms: as score_enhance_request_parse(), and
 * also the keys of score_enhance_terms into *terms (its `size` set). The
 * 1.0 keys guarantee.substitution and guarantee.lgd_sharing are refused
 * here with a message saying what replaced them (the regulatory view counts
 * an eligible guarantee by substitution, the economic view by sharing).
 * Fails as score_enhance_request_parse(), and SCORE_EFORMAT naming the key
 * for an unknown approach, a fee or share out of range, receivables from
 * financed orders above receivables_verified. Thread-safe.
 */
SCORE_API int score_enhance_request_parse_terms(const char *text, size_t length,
                                                const char *name,
                                                score_enhance_request *request,
                                                score_enhance_terms *terms);

/*
 * The figures of one application in both views. Set `size` before the call.
 * Money in fen; rates, shares and weights are fractions.
 */
typedef struct score_enhance_figures {
    size_t size;                  /* sizeof(score_enhance_figures) */
    char grade[8];                /* master-scale grade of the borrower's PD */
    char approach[16];            /* "standardised", "firb" or "retail" */
    char exposure_class[24];      /* "corporate", "sme_corporate", "regulatory_retail",
                                     "other_retail" */
    char rule[160];               /* the rule paragraph applied, in words */
    /* limit */
    int64_t limit;                /* min(amount, limit_available) */
    int64_t limit_available;      /* the sum of the four lines */
    int64_t limit_sales;          /* the sales line, on sales not financed otherwise */
    int64_t limit_patents;
    int64_t limit_orders;
    int64_t limit_receivables;    /* on receivables not arising from financed orders */
    int64_t excluded_receivables; /* receivables not lent against twice */
    int64_t excluded_sales;       /* sales taken out of the sales line (financed as
                                     receivables) */
    /* regulatory */
    double reg_risk_weight;       /* RWA / limit */
    double reg_borrower_risk_weight;  /* of the part neither guaranteed nor cash-covered */
    double reg_guarantor_risk_weight; /* of the guaranteed part (recognised or not) */
    double reg_guaranteed_share;  /* share of the limit counted as guaranteed; 0 when the
                                     guarantee is not recognised */
    int reg_guarantee_recognised; /* 1 when substitution applied */
    int64_t reg_collateral;       /* cash at the lender recognised, after the haircut */
    double reg_pd;                /* the borrower's PD, floored by the approach's floor */
    double reg_lgd;               /* IRB: the LGD in K (supervisory under firb); 0 under
                                     the standardised approach */
    double correlation;           /* IRB: R of the borrower; 0 standardised */
    double firm_size;             /* firb: S in firm_size_unit, clamped; 0 when none */
    double maturity;              /* IRB corporate: M; 0 otherwise */
    int64_t reg_rwa;              /* risk-weighted assets */
    int64_t reg_capital;          /* reg_rwa x the capital ratio */
    /* economic */
    double econ_pd;               /* the borrower's PD (floored) */
    double econ_lgd;              /* the bank's expected share of the limit lost at default */
    double econ_guarantor_fails;  /* P(the guarantor fails | the borrower defaults) */
    int64_t econ_expected_loss;   /* econ_pd x econ_lgd x limit */
    /* price */
    double rate;                  /* funding + operating + rate_credit + rate_capital */
    double rate_credit;           /* econ_pd x econ_lgd */
    double rate_capital;          /* reg_risk_weight x capital ratio x (hurdle - funding) */
    double guarantee_fee;         /* fee_rate x share guaranteed, a year, per yuan lent */
    double deposit_cost;          /* the pool deposit's cost, a year, per yuan usable */
    double all_in_cost;           /* the borrower's: (rate + guarantee_fee - d x deposit
                                     rate) / (1 - d), d the deposit share */
} score_enhance_figures;

/*
 * score_enhance_evaluate: both views and the price of `request` with
 * `terms` (NULL: score_enhance_terms_init()'s) under `config` (NULL: the
 * defaults) into *with, and, when `without` is not NULL, of the same request
 * with every enhancement, fee and deposit removed into *without. Each
 * approach is resolved per result (auto looks at that result's limit).
 * Fails: SCORE_EINVAL as score_enhance_compute(), and naming the key for
 * approach "retail" above the retail threshold, an unknown approach, a
 * terms struct out of range. Never allocates. Thread-safe.
 */
SCORE_API int score_enhance_evaluate(const score_enhance_config *config,
                                     const score_enhance_request *request,
                                     const score_enhance_terms *terms,
                                     score_enhance_figures *with,
                                     score_enhance_figures *without);

/* score_enhance_approach_name: "standardised", "firb", "retail", "auto",
 * "configured", or NULL for another value. Thread-safe. */
SCORE_API const char *score_enhance_approach_name(int approach);

/* score_enhance_approach_parse: the SCORE_APPROACH_* of a name above;
 * SCORE_EINVAL naming the name and the choices otherwise. Thread-safe. */
SCORE_API int score_enhance_approach_parse(const char *name, int *approach);

/* ======================================================================
 * 9. Mutual-aid risk pools
 *
 * A pool gathers the enterprises of one industrial cluster. Members pay a
 * mutual-aid deposit (a share of their loans); a government or venture
 * guidance fund injects a risk-compensation fund; a bank lends to the
 * members up to a leverage cap. A default's loss goes down a waterfall:
 * the defaulter's own deposit, the other members' deposits (pro rata to
 * their balances), then the bank, the fund, the guarantor and the
 * re-guarantor in agreed shares; when the fund runs dry its share falls to
 * the bank. Recoveries flow back in reverse order. docs/pools.md gives the
 * rules, the presets and their sources, and the journal format.
 *
 * The ledger lives in a directory: an append-only journal (pool.journal)
 * whose records each carry a sequence number, a length and a CRC32, and a
 * lock file (pool.lock). The pool's state is the replay of its journal.
 * Money is int64_t fen throughout; rates and shares are doubles, which the
 * ledger uses rounded to 9 decimals.
 *
 * A score_pool handle locks: any number of threads may call any function
 * on one handle at once; changes are applied one at a time, in the order
 * the lock is obtained. Only one handle in all processes may write a
 * ledger at a time (an advisory file lock); read-only handles share.
 *
 * The simulation functions (score_pool_simulate, score_pool_size) take no
 * handle: they model one horizon's losses of a list of members from their
 * PD, exposure and LGD under a configuration. They are thread-safe.
 * ====================================================================== */

typedef struct score_pool score_pool;

/* Who bears losses, as indices into the arrays below. */
#define SCORE_POOL_PARTY_MEMBERS     0   /* the members' deposits */
#define SCORE_POOL_PARTY_BANK        1
#define SCORE_POOL_PARTY_FUND        2   /* the risk-compensation fund */
#define SCORE_POOL_PARTY_GUARANTOR   3
#define SCORE_POOL_PARTY_REGUARANTOR 4
#define SCORE_POOL_N_PARTIES         5

/*
 * A pool's configuration. Fill it with score_pool_config_init() (and
 * optionally a preset) before changing members. Shares are fractions.
 */
typedef struct score_pool_config {
    size_t size;               /* sizeof(score_pool_config) */
    double deposit_rate;       /* a member's deposit as a share of its loans; 0.04 */
    double leverage;           /* lending capacity = leverage x (deposits + fund); 10 */
    double single_member_cap;  /* one member's loans as a share of the capacity; 0.10 */
    double max_pd;             /* admission: the highest PD admitted; 0.05 */
    int64_t compensation_fund; /* fen; the fund score_pool_simulate/size assume; 0 */
    /* The shares of the loss beyond the deposits; they add up to 1.
     * Default (the Fuqing preset): bank 0.5, fund 0.5. */
    double share_bank, share_fund, share_guarantor, share_reguarantor;
    double npl_warning;        /* status warning at this NPL ratio; 0.012 */
    double npl_suspend;        /* new loans suspended at this NPL ratio; 0.03 */
    double fund_floor;         /* replenish_due below this share of loans; 0.10 */
    double correlation;        /* simulation: asset correlation in [0, 0.99], or
                                  negative (the default, -1) for the Basel corporate
                                  formula of each member's PD */
} score_pool_config;

/*
 * score_pool_config_init: fill *config with the defaults above and set its
 * size. Never fails. Thread-safe.
 */
SCORE_API void score_pool_config_init(score_pool_config *config);

/*
 * score_pool_config_preset: set the waterfall shares of a real scheme
 * (docs/pools.md cites each): "fuqing" (deposits first, then fund and bank
 * 50:50), "anhui-4321" (guarantor 40, provincial re-guarantor 30, bank 20,
 * local government fund 10), "national-guarantee-fund" (bank 20, guarantee
 * system 80). Other members are left as they are.
 * Fails: SCORE_EINVAL (NULL, bad size), SCORE_ENOTFOUND (unknown preset;
 * the message lists the known ones). Thread-safe.
 */
SCORE_API int score_pool_config_preset(score_pool_config *config, const char *preset);

/*
 * score_pool_config_read_file: read a JSON configuration, as docs/pools.md
 * describes it (shares as fractions, money in yuan, "preset" standing in
 * for "waterfall"), over the defaults, into *config (whose size must be
 * set). Unknown keys are refused, so a typo cannot silently change a rule.
 * Fails: SCORE_EINVAL (NULL, bad size), SCORE_EIO (cannot read),
 * SCORE_EFORMAT (not JSON, a bad or unknown key, shares that do not add up
 * to 1; the message names the file and the key), SCORE_ENOTFOUND (unknown
 * preset). *config is written only on success. Thread-safe.
 */
SCORE_API int score_pool_config_read_file(const char *path, score_pool_config *config);

/*
 * score_pool_create: create a new ledger in directory `dir` (made if it
 * does not exist) with this configuration, which it keeps for good. The
 * journal is written to a temporary file, synced and renamed into place,
 * so a crash leaves either no ledger or a whole one.
 * Fails: SCORE_EINVAL (NULL, bad config, `dir` already holds a ledger),
 * SCORE_EBUSY (another process holds the ledger's lock), SCORE_EIO.
 * Thread-safe.
 */
SCORE_API int score_pool_create(const char *dir, const score_pool_config *config);

/* Options of score_pool_open(). */
typedef struct score_pool_open_options {
    size_t size;                     /* sizeof(score_pool_open_options) */
    int read_only;                   /* nonzero: take a shared lock, never write; a
                                        torn tail is then left in the file */
    score_diagnostic_fn diagnostic;  /* told of warnings (a torn tail cut); may be NULL */
    void *diagnostic_user;
} score_pool_open_options;

/* score_pool_open_options_init: the defaults (writable, no callback). */
SCORE_API void score_pool_open_options_init(score_pool_open_options *options);

/*
 * score_pool_open: open the ledger in `dir`, verify its journal record by
 * record and replay it. A torn tail (an invalid last record with nothing
 * valid after it, as a crash while writing leaves) is cut off: the file is
 * truncated to the last whole record (unless read-only), a warning goes
 * to options->diagnostic, and score_pool_get_state() reports the bytes cut in
 * `torn_bytes`. A bad record followed by a valid one is corruption, never
 * skipped, and so is a damaged tail longer than one record (a crash tears
 * at most the record being written). The caller owns *out and frees it
 * with score_pool_free().
 * Fails: SCORE_EINVAL (NULL, bad size), SCORE_ENOTFOUND (`dir` holds no
 * ledger), SCORE_EBUSY (another handle writes it, or, for a writer, any
 * handle has it open), SCORE_ECORRUPT (a damaged record followed by a
 * valid one, a damaged tail longer than one record, a damaged header or
 * configuration record, a record out of sequence; the message gives the
 * offset), SCORE_EIO (also: the journal or lock is not a regular file), SCORE_EFORMAT (not a pool
 * journal), SCORE_EVERSION (written by a newer libscore), SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_pool_open(const char *dir, const score_pool_open_options *options,
                              score_pool **out);

/* score_pool_free: close the ledger, release its lock, free the handle.
 * Accepts NULL. No other call may be running on the handle. */
SCORE_API void score_pool_free(score_pool *pool);

/* Event types. */
#define SCORE_POOL_INJECT  1  /* money into the fund; uscc empty (or the funder's) */
#define SCORE_POOL_JOIN    2  /* admission: pd, dishonest; amount is the first deposit */
#define SCORE_POOL_DEPOSIT 3  /* more deposit from a member */
#define SCORE_POOL_LEND    4  /* the bank lends a member `amount` */
#define SCORE_POOL_REPAY   5  /* a member repays `amount` */
#define SCORE_POOL_DEFAULT 6  /* a member defaults; amount = its loans outstanding */
#define SCORE_POOL_RECOVER 7  /* `amount` recovered on a defaulted member's loss */
#define SCORE_POOL_LEAVE   8  /* a member leaves; its deposit is refunded; amount 0 or
                                 exactly the deposit */

/* One event. The strings are only read during the call. */
typedef struct score_pool_event {
    size_t size;             /* sizeof(score_pool_event) */
    int type;                /* SCORE_POOL_INJECT .. SCORE_POOL_LEAVE */
    const char *uscc;        /* the member's USCC; NULL or "" for none */
    int64_t amount;          /* fen, >= 0 */
    double pd;               /* join: the member's PD; ignored otherwise */
    int dishonest;           /* join: nonzero if a standing dishonest-debtor listing */
    const char *event_id;    /* NULL or "" for none; else 1..64 printable ASCII
                                characters: applying the same id again is a no-op */
} score_pool_event;

/*
 * What one applied event did (money in fen). For a default, `own` is what
 * the defaulter's deposit bore and parties[] what each party bore
 * (parties[SCORE_POOL_PARTY_MEMBERS] counts own + the other members'
 * deposits); for a recovery, the same fields say what went back to whom.
 */
typedef struct score_pool_outcome {
    size_t size;             /* sizeof(score_pool_outcome) */
    int duplicate;           /* 1: the event_id was applied before; nothing changed */
    uint64_t sequence;       /* the event's number in the journal, from 1 (for a
                                duplicate, the earlier event's) */
    int64_t own;
    int64_t parties[SCORE_POOL_N_PARTIES];
    int64_t refund;          /* leave: the deposit refunded */
} score_pool_outcome;

/*
 * score_pool_apply: check one event against the rules and the state and,
 * if accepted, append it to the journal, sync it to disk, and apply it,
 * all before returning. A refused event changes nothing and is not
 * written. `outcome` may be NULL (its size must be set otherwise).
 *
 * Refused with SCORE_EREJECTED and the reason in score_last_error(): an
 * unknown or departed member, a join by a current member, a former
 * defaulter, a PD above max_pd or a standing dishonest listing, a loan to
 * a defaulted member, a loan while the pool is suspended, a loan over the
 * pool's capacity or the single-member cap or beyond what the member's
 * deposit covers at deposit_rate, a repayment above what is owed, a
 * default amount that is not what is outstanding, a recovery above the
 * unrecovered loss, leaving with loans outstanding, an event_id reused for
 * a different event, a malformed USCC or event_id.
 * Also fails: SCORE_EINVAL (NULL, bad size, unknown type, read-only
 * handle), SCORE_ELIMIT (a total would exceed 10^16 yuan), SCORE_EIO (the
 * journal could not be written or synced: the event is not applied, and
 * the handle refuses further changes until reopened), SCORE_ENOMEM.
 * Thread-safe (locks the handle).
 */
SCORE_API int score_pool_apply(score_pool *pool, const score_pool_event *event,
                               score_pool_outcome *outcome);

/* Options of score_pool_apply_file(). */
typedef struct score_pool_apply_options {
    size_t size;                     /* sizeof(score_pool_apply_options) */
    score_diagnostic_fn diagnostic;  /* called for each refused line; may be NULL */
    void *diagnostic_user;
    score_progress_fn progress;      /* called now and then with lines done; may be NULL */
    void *progress_user;
} score_pool_apply_options;

/* What score_pool_apply_file() did: lines = applied + duplicates + refused
 * (the header and blank lines are not counted). */
typedef struct score_pool_apply_counts {
    size_t size;                     /* sizeof(score_pool_apply_counts) */
    uint64_t lines;
    uint64_t applied;
    uint64_t duplicates;             /* event_id applied before */
    uint64_t refused;
} score_pool_apply_counts;

/*
 * score_pool_apply_file: apply the events of a CSV file, line by line, as
 * score_pool_apply() does. The header names the columns, in any order:
 * type, uscc, amount, pd, and optionally event_id and dishonest; amounts
 * are yuan with at most two decimals. Each refused line (malformed, or
 * refused by the rules) is reported to options->diagnostic as
 * "file:line[:column]: message", counted, and skipped; the others are
 * applied. The journal is synced once, before the call returns.
 * `options` may be NULL; `counts` may be NULL (its size must be set
 * otherwise). `counts` is written on success and, since 1.1.0, on failure
 * too (whenever its size is valid): then `applied` is the number of events
 * of the file committed to the journal before the failure, and
 * score_last_error() says so, so that a retry can skip them (events with
 * an event_id are skipped by themselves, as duplicates).
 * Fails as a whole (after applying the lines before the failure, which
 * stay applied) with: SCORE_EINVAL (NULL, bad size, read-only handle),
 * SCORE_EIO (cannot read the file, not a regular file, or cannot write or
 * sync the journal), SCORE_EFORMAT (a missing, unknown or repeated column
 * in the header), SCORE_ELIMIT (a file over 1 GiB, checked before it is
 * read), SCORE_ECANCELED, SCORE_ENOMEM.
 * Refused lines alone do not fail the call.
 * Thread-safe (holds the handle's lock for the whole file).
 */
SCORE_API int score_pool_apply_file(score_pool *pool, const char *path,
                                    const score_pool_apply_options *options,
                                    score_pool_apply_counts *counts);

#define SCORE_POOL_OPEN      0  /* status: lending as usual */
#define SCORE_POOL_WARNING   1  /* NPL ratio at or above npl_warning */
#define SCORE_POOL_SUSPENDED 2  /* NPL ratio at or above npl_suspend: no new loans */

/*
 * A pool's state (money in fen). The money identity holds after every
 * event: injected + deposited + lent = loans_outstanding + deposits +
 * fund_balance + (sum of losses) + repaid + refunded + compensation +
 * recoveries_paid.
 */
typedef struct score_pool_state {
    size_t size;                     /* sizeof(score_pool_state) */
    uint64_t events;                 /* events applied (journal records after the config) */
    uint64_t members;                /* current members */
    uint64_t member_records;         /* members ever admitted (score_pool_member_at) */
    int64_t loans_outstanding;
    int64_t deposits;                /* the members' deposit balances */
    int64_t fund_balance;
    int64_t lending_capacity;        /* leverage x (deposits + fund_balance) */
    int64_t defaulted_unrecovered;   /* defaulted amounts not yet recovered */
    int64_t losses[SCORE_POOL_N_PARTIES]; /* net of recoveries; they add up to
                                             defaulted_unrecovered */
    double npl_ratio;                /* the bank's uncompensated unrecovered defaults /
                                        (loans outstanding + those); since 1.1.0 a default
                                        the deposits, fund or guarantors paid is no
                                        longer counted (docs/pools.md, "Triggers") */
    int status;                      /* SCORE_POOL_OPEN, _WARNING or _SUSPENDED */
    int replenish_due;               /* fund below fund_floor x loans outstanding */
    /* money flows since the pool began */
    int64_t injected;                /* into the fund */
    int64_t deposited;               /* members' deposits paid in */
    int64_t lent;                    /* loans made */
    int64_t repaid;                  /* loans repaid */
    int64_t refunded;                /* deposits refunded to leaving members */
    int64_t compensation;            /* paid to the bank from deposits and the fund
                                        for defaults */
    int64_t recoveries_paid;         /* recoveries passed on to the bank, guarantor,
                                        re-guarantor and former members */
    uint64_t journal_bytes;          /* the journal's length */
    uint64_t torn_bytes;             /* bytes of a torn tail left out when opened */
} score_pool_state;

/*
 * score_pool_get_state: the current state into *state, whose size must be
 * set. Fails: SCORE_EINVAL (NULL, bad size). Thread-safe (locks the handle).
 */
SCORE_API int score_pool_get_state(score_pool *pool, score_pool_state *state);

/* score_pool_get_config: the ledger's configuration (set when it was
 * created) into *config, whose size must be set. Fails: SCORE_EINVAL.
 * Thread-safe. */
SCORE_API int score_pool_get_config(score_pool *pool, score_pool_config *config);

/* One member (money in fen). */
typedef struct score_pool_member_info {
    size_t size;                     /* sizeof(score_pool_member_info) */
    char uscc[SCORE_USCC_SIZE];
    int active;                      /* 1 a member now; 0 left */
    int defaulted;                   /* its loan defaulted (it cannot borrow again) */
    double pd;                       /* as given when it joined */
    int64_t deposit;
    int64_t loans_outstanding;
    int64_t defaulted_unrecovered;   /* of its own default */
    int64_t loss_borne;              /* net loss its deposit bore (own and others'
                                        defaults, after recoveries); below 0 when
                                        recoveries of losses borne before it joined
                                        raised its deposit (docs/pools.md, "Deposits
                                        as a pool") */
} score_pool_member_info;

/*
 * score_pool_member: the member with this USCC. score_pool_member_at: the
 * index-th member ever admitted, in order of first admission (index 0 ..
 * member_records - 1). *info's size must be set. The first read after
 * an event settles every member's deposit (O(members log members)); the
 * reads after it, until the next event, are O(1).
 * Fail: SCORE_EINVAL (NULL, bad size, index out of range),
 * SCORE_ENOTFOUND (no such member), SCORE_ENOMEM (settling). Thread-safe.
 */
SCORE_API int score_pool_member(score_pool *pool, const char *uscc,
                                score_pool_member_info *info);
SCORE_API int score_pool_member_at(score_pool *pool, size_t index,
                                   score_pool_member_info *info);

/*
 * score_pool_read_members: read a members CSV with the columns uscc, pd,
 * ead, lgd (any order; ead in yuan with at most two decimals, pd and lgd
 * in [0, 1]) into the caller's arrays: at most `capacity` members are
 * written (ead in fen) and *n_out is set to the number in the file, so a
 * call with capacity 0 (and NULL arrays) asks for the size. Any bad line
 * or repeated USCC fails the whole file with SCORE_EFORMAT naming the
 * file, line and column. Also SCORE_EINVAL, SCORE_EIO, SCORE_ELIMIT (a
 * file over 1 GiB), SCORE_ENOMEM. The arrays are written only on success.
 * Thread-safe.
 */
SCORE_API int score_pool_read_members(const char *path, double *pd, int64_t *ead, double *lgd,
                                      size_t capacity, size_t *n_out);

/* Options of score_pool_simulate() and score_pool_size(). */
typedef struct score_pool_sim_options {
    size_t size;                 /* sizeof(score_pool_sim_options) */
    uint64_t scenarios;          /* default 100000; at most 50,000,000 */
    uint64_t seed;               /* default 1 */
    unsigned threads;            /* 0 (default): one per online CPU; the result does
                                    not depend on it */
    score_progress_fn progress;  /* called from the calling thread; may be NULL */
    void *progress_user;
} score_pool_sim_options;

/* score_pool_sim_options_init: the defaults above. */
SCORE_API void score_pool_sim_options_init(score_pool_sim_options *options);

/*
 * The result of a simulation. Money in fen, as doubles (these are
 * statistics, not ledger entries). Quantiles are empirical: the q-quantile
 * is the smallest simulated loss with at least q of the scenarios at or
 * below it; the expected shortfall is the mean of the worst 1% of
 * scenarios.
 */
typedef struct score_pool_sim_result {
    size_t size;                     /* sizeof(score_pool_sim_result) */
    uint64_t scenarios;
    double expected_loss;            /* mean total credit loss */
    double expected_loss_stderr;     /* its Monte Carlo standard error */
    double loss_q95, loss_q99, loss_q999;
    double expected_shortfall_99;
    double default_rate;             /* mean share of members defaulting */
    double default_rate_stderr;
    double party_expected_loss[SCORE_POOL_N_PARTIES];
    double party_p_loss[SCORE_POOL_N_PARTIES];  /* probability of any loss */
    double p_fund_exhausted;         /* the fund's share reaches its balance */
    double p_suspended;              /* defaulted exposure / exposure >= npl_suspend */
} score_pool_sim_result;

/*
 * score_pool_simulate: Monte Carlo of one horizon's losses of n members
 * (pd[i], exposure ead[i] in fen, lgd[i]) under `config`: a one-factor
 * Gaussian copula (asset correlation config->correlation, or the Basel
 * formula of each PD), deposits at config->deposit_rate of each exposure,
 * a fund of config->compensation_fund. When several members default
 * together each uses its own deposit first, then the survivors' deposits
 * jointly, then the parties' shares. The same seed and scenarios give the
 * same result, bit for bit, for any number of threads. The scenarios (who
 * defaults in each) depend on the seed and the members' PDs and
 * correlations only, not on the deposit rate, the fund or the shares
 * (common random numbers): configurations are compared on the same
 * scenarios. `options` may be NULL. *result (size set) is written only on
 * success.
 * Fails: SCORE_EINVAL (NULL, bad size, n = 0, a pd or lgd outside [0, 1],
 * a negative ead, a bad config), SCORE_ELIMIT (more than 50,000,000
 * scenarios, 2^31 members, or exposures adding up to 9 x 10^13 yuan),
 * SCORE_ECANCELED, SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_pool_simulate(const score_pool_config *config, size_t n, const double *pd,
                                  const int64_t *ead, const double *lgd,
                                  const score_pool_sim_options *options,
                                  score_pool_sim_result *result);

#define SCORE_POOL_SOLVE_DEPOSIT_RATE 1
#define SCORE_POOL_SOLVE_FUND         2

/*
 * score_pool_size: the smallest deposit rate (to 1e-6) or fund (to the fen)
 * that keeps the bank's probability of any loss at or below `target`,
 * other members of `config` as given, on the scenarios score_pool_simulate
 * draws with these options. Writes the config with the solved value to
 * *solved and the simulation at it (exactly what score_pool_simulate gives
 * for *solved) to *result; both only on success.
 * Fails: SCORE_ENOTFOUND (no fund reaches the target, because the bank's
 * own share of losses beyond the deposits already exceeds it; the message
 * gives the probability), SCORE_EINVAL (bad `solve`, target outside
 * [0, 1), and as score_pool_simulate), SCORE_ELIMIT (also: more than
 * 2^32 defaults to keep across the scenarios), SCORE_ECANCELED,
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_pool_size(const score_pool_config *config, size_t n, const double *pd,
                              const int64_t *ead, const double *lgd, int solve, double target,
                              const score_pool_sim_options *options, score_pool_config *solved,
                              score_pool_sim_result *result);

/* ======================================================================
 * 10. Monitoring, drift and reports
 *
 * Early warnings: a portfolio's signals month after month, and alerts when
 * an enterprise's signals turn (power use or invoiced sales down sharply,
 * new arrears, fewer employees, a new lawsuit, enforcement or dishonest-
 * debtor listing, a tax rating down to C or D, a jump in buyer
 * concentration, sales rising while power and headcount fall, the model's
 * grade down two notches or more). Each alert has a stable code, a
 * severity, a text in Chinese and in English quoting its numbers, and its
 * evidence (the values compared) as a JSON object. docs/monitoring.md gives
 * every rule, default threshold and the reasoning behind it.
 *
 * Alerts are edge-triggered: a condition raises its alert in the month it
 * becomes true, not in every month it stays true. Each enterprise is looked
 * at as of its data month: the latest month, at or before the month asked
 * for, of any dated observation it has. An enterprise without observations
 * dated after the previous month therefore has nothing new and raises
 * nothing, and a monitor (score_monitor_update) re-evaluates only the
 * enterprises touched by new data, with exactly the alerts that evaluating
 * the whole portfolio (score_monitor_evaluate) gives, as long as no month
 * already evaluated was revised afterwards: the monitor compares with the
 * state it saw then.
 *
 * Drift: the population stability index of every feature and of the score
 * against the training population stored in the model bundle, and the
 * migration of grades between two months. Report: the model validation
 * report (self-contained HTML) a risk committee reads.
 *
 * Configurations, alert lists, drift results and reports are immutable once
 * made and may be read by any number of threads; a monitor changes on each
 * update and needs to be used by one thread at a time (it does not lock).
 * ====================================================================== */

typedef enum score_severity {
    SCORE_SEVERITY_INFO = 1,
    SCORE_SEVERITY_WARNING = 2,
    SCORE_SEVERITY_CRITICAL = 3
} score_severity;
#define SCORE_SEVERITY_INFO     1
#define SCORE_SEVERITY_WARNING  2
#define SCORE_SEVERITY_CRITICAL 3

/*
 * score_alert_n_codes / score_alert_code_info: the alert catalogue, index
 * 0 .. n-1: each alert's stable code ("POWER_QOQ_DROP"), its default
 * severity and a one-line description (static strings; any output may be
 * NULL). score_alert_code_info fails with SCORE_EINVAL for a bad index.
 * score_alert_severity_name: "info", "warning", "critical", or NULL for
 * another value. Thread-safe.
 */
SCORE_API size_t score_alert_n_codes(void);
SCORE_API int score_alert_code_info(size_t index, const char **code, int *severity,
                                    const char **description);
SCORE_API const char *score_alert_severity_name(int severity);

typedef struct score_monitor_config score_monitor_config;

/*
 * score_monitor_config_new: every alert enabled with its default severity
 * and thresholds (docs/monitoring.md). The caller owns *out and frees it
 * with score_monitor_config_free(). Fails: SCORE_EINVAL (out NULL),
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_monitor_config_new(score_monitor_config **out);

/*
 * score_monitor_config_load: read a configuration from a JSON file, e.g.
 *   {"version": 1, "alerts": {"POWER_QOQ_DROP": {"max_change": -0.4},
 *                             "LAWSUIT_NEW": {"enabled": false},
 *                             "GRADE_FALL": {"severity": "critical"}}}
 * Every key is optional; an absent one keeps its default. Each alert takes
 * "enabled" (true/false), "severity" ("info", "warning", "critical") and
 * its own thresholds. The caller owns *out.
 * Fails: SCORE_EINVAL (NULL), SCORE_EIO (cannot read), SCORE_EFORMAT (not
 * JSON; an unknown key or alert code, a wrong type, a value out of range or
 * not whole where it must be: the message names the file and the key, e.g.
 * "m.json: config.alerts.GRADE_FALL.min_notches: 0 is outside 1..15"),
 * SCORE_EVERSION ("version" other than 1), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_monitor_config_load(const char *path, score_monitor_config **out);

/* score_monitor_config_parse: as score_monitor_config_load(), from `length`
 * bytes of JSON text; `name` (NULL: "config") begins every message. */
SCORE_API int score_monitor_config_parse(const char *text, size_t length, const char *name,
                                         score_monitor_config **out);

/* score_monitor_config_free: free a configuration. Accepts NULL. */
SCORE_API void score_monitor_config_free(score_monitor_config *config);

/*
 * score_monitor_config_json: the whole configuration, every alert with the
 * values in force, as JSON that score_monitor_config_parse() reads back to
 * the same configuration. Sets *length to the text's length (without the
 * NUL) and, when `capacity` > *length, copies the text and a NUL to
 * `buffer`; a call with capacity 0 asks for the size. `config` NULL means
 * the defaults. Fails: SCORE_EINVAL (length NULL; buffer NULL with a
 * capacity), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_monitor_config_json(const score_monitor_config *config, char *buffer,
                                        size_t capacity, size_t *length);

/* A list of alerts, owned by the caller (score_alerts_free). */
typedef struct score_alerts score_alerts;

/*
 * One alert, as score_alerts_get() gives it. Set `size` to
 * sizeof(score_alert) before the call. The strings belong to the list and
 * live as long as it does.
 */
typedef struct score_alert {
    size_t size;                /* sizeof(score_alert) */
    const char *uscc;           /* the enterprise */
    const char *code;           /* stable code, e.g. "TAX_ARREARS_NEW" */
    int severity;               /* SCORE_SEVERITY_* */
    const char *severity_name;  /* "info", "warning", "critical" */
    const char *message_zh;     /* e.g. "用电量较上季度下降 42%（...）" (UTF-8) */
    const char *message_en;     /* e.g. "power use down 42% on the previous quarter (...)" */
    const char *evidence;       /* a JSON object: the values compared, the thresholds,
                                   "month" and "previous_month" */
    int month;                  /* YYYYMM: the enterprise's data month now */
    int previous_month;         /* YYYYMM: its data month before; 0 when it had none */
} score_alert;

/* score_alerts_count: the number of alerts (0 for NULL). Thread-safe. */
SCORE_API size_t score_alerts_count(const score_alerts *alerts);

/*
 * score_alerts_get: the index-th alert into *out. Alerts come in ascending
 * order of USCC, and an enterprise's alerts in the catalogue's order.
 * Fails: SCORE_EINVAL (NULL, index out of range, out->size not set).
 * Thread-safe.
 */
SCORE_API int score_alerts_get(const score_alerts *alerts, size_t index, score_alert *out);

/* score_alerts_free: free a list of alerts. Accepts NULL. */
SCORE_API void score_alerts_free(score_alerts *alerts);

/*
 * score_monitor_evaluate: the alerts of every enterprise of the panel
 * between `previous` ("YYYY-MM"; NULL: the month before asof) and `asof`,
 * evaluating the whole portfolio at both months, with no state kept.
 * `model` (a signals model) scores both months for GRADE_FALL; NULL leaves
 * scores and GRADE_FALL out. `config` NULL means the defaults. The caller
 * owns *out (score_alerts_free).
 * Fails: SCORE_EINVAL (panel or out NULL, a bad month, previous not before
 * asof, a table model), SCORE_ENOMEM. Reads the panel (a reading function);
 * the model and configuration are only read. Thread-safe.
 */
SCORE_API int score_monitor_evaluate(const score_model *model, const score_monitor_config *config,
                                     const score_panel *panel, const char *asof,
                                     const char *previous, score_alerts **out);

/* A monitor: a portfolio's last state of every enterprise, updated month by month. */
typedef struct score_monitor score_monitor;

/*
 * score_monitor_new: a monitor with no state yet. `model` (a signals
 * model, or NULL for no scores and no GRADE_FALL) is borrowed: it must
 * outlive the monitor. `config` (NULL: the defaults) is copied. The caller
 * owns *out (score_monitor_free).
 * Fails: SCORE_EINVAL (out NULL, a table model), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_monitor_new(const score_model *model, const score_monitor_config *config,
                                score_monitor **out);

/* score_monitor_free: free a monitor and its states. Accepts NULL. */
SCORE_API void score_monitor_free(score_monitor *monitor);

/*
 * score_monitor_update: bring the monitor to month `asof` with the panel as
 * it now is (the caller adds the new month's files or observations to the
 * panel it used before) and give the alerts raised.
 *
 * The first update of a monitor assesses every enterprise as of `asof` and
 * of the month before and gives what score_monitor_evaluate() gives. A later
 * update, with previous month P (the month of the update before, which
 * `asof` must follow), re-assesses only the enterprises touched by new data
 * (an observation dated after P) and those new to the monitor; every other
 * enterprise keeps its state. The alerts are those score_monitor_evaluate()
 * gives for (asof, P), as long as no observation dated P or earlier arrived
 * after the update to P (the monitor compares with the state it saw then).
 * Enterprises the panel no longer holds keep their state.
 *
 * The caller owns *out (score_alerts_free); `out` may be NULL to drop them.
 * Fails: SCORE_EINVAL (NULL monitor or panel, a bad month, asof not after
 * the monitor's month), SCORE_ENOMEM. On failure the monitor is unchanged.
 * Needs the monitor to itself; reads the panel.
 */
SCORE_API int score_monitor_update(score_monitor *monitor, const score_panel *panel,
                                   const char *asof, score_alerts **out);

/* What a monitor holds and did in its last update. Set `size` first. */
typedef struct score_monitor_stats {
    size_t size;          /* sizeof(score_monitor_stats) */
    int month;            /* YYYYMM of the last update; 0 before the first */
    size_t enterprises;   /* enterprises with a state */
    size_t evaluated;     /* enterprises re-assessed by the last update */
    size_t carried;       /* enterprises whose state the last update kept */
} score_monitor_stats;

/* score_monitor_stats_get: fill *out. Fails: SCORE_EINVAL (NULL, size not set).
 * Reads the monitor. */
SCORE_API int score_monitor_stats_get(const score_monitor *monitor, score_monitor_stats *out);

typedef enum score_psi_band {
    SCORE_PSI_STABLE = 0,
    SCORE_PSI_INVESTIGATE = 1,
    SCORE_PSI_SHIFTED = 2
} score_psi_band;
#define SCORE_PSI_STABLE      0   /* PSI below 0.10 */
#define SCORE_PSI_INVESTIGATE 1   /* 0.10 to 0.25 */
#define SCORE_PSI_SHIFTED     2   /* above 0.25 */

/*
 * score_psi: the population stability index of `actual` against `expected`,
 * two vectors of n shares (each summing to 1, bins in the same order):
 * PSI = sum (a - e) ln(a / e). A share below 0.0001 counts as 0.0001 on
 * either side, so an empty bin adds a large but finite term; a bin empty
 * on both sides adds nothing. Fails: SCORE_EINVAL (NULL, n 0, a share
 * negative or not finite). Thread-safe.
 * score_psi_verdict: SCORE_PSI_STABLE, _INVESTIGATE or _SHIFTED of a PSI
 * (0.10 and 0.25 themselves are "investigate"); score_psi_verdict_name:
 * "stable", "investigate", "shifted" (NULL for another value). Thread-safe.
 */
SCORE_API int score_psi(const double *expected, const double *actual, size_t n, double *psi);
SCORE_API int score_psi_verdict(double psi);
SCORE_API const char *score_psi_verdict_name(int verdict);

/* Drift of a portfolio against a model's training population. */
typedef struct score_drift score_drift;

/*
 * score_drift_compute: score every enterprise of the panel existing at
 * `asof` and compare, feature by feature and for the score, its
 * distribution with the training population's (the bundle's bins, plus a
 * bin for missing values) by PSI. With `previous` (a month before asof; may
 * be NULL) also score the panel as of previous and count the migration of
 * grades of the enterprises scored at both months. The caller owns *out
 * (score_drift_free).
 * Fails: SCORE_EINVAL (NULL, a bad month, previous not before asof, a table
 * model), SCORE_ENOTFOUND (no enterprise exists at asof), SCORE_ENOMEM.
 * Reads the panel; thread-safe.
 */
SCORE_API int score_drift_compute(const score_model *model, const score_panel *panel,
                                  const char *asof, const char *previous, score_drift **out);

/* score_drift_free: free a drift result. Accepts NULL. */
SCORE_API void score_drift_free(score_drift *drift);

/*
 * One row of the drift table. Set `size` first. The arrays belong to the
 * drift result: expected[] and actual[] hold n_bins shares, the last of
 * them the share of missing values; edges[] holds n_bins - 2 bin edges
 * (a value below edges[0] falls in bin 0, and so on).
 */
typedef struct score_drift_entry {
    size_t size;              /* sizeof(score_drift_entry) */
    const char *name;         /* the feature, or "score" */
    double psi;
    int verdict;              /* SCORE_PSI_* */
    size_t n_bins;            /* value bins + the missing bin */
    const double *edges;
    const double *expected;   /* training population */
    const double *actual;     /* the panel at asof */
} score_drift_entry;

/* score_drift_count: entries: one per model feature, then the score (the
 * last). 0 for NULL. Thread-safe. */
SCORE_API size_t score_drift_count(const score_drift *drift);

/* score_drift_get: the index-th entry. Fails: SCORE_EINVAL (NULL, index
 * out of range, size not set). Thread-safe. */
SCORE_API int score_drift_get(const score_drift *drift, size_t index, score_drift_entry *out);

/*
 * score_drift_migration: the grade migration matrix, counts[previous *
 * n_grades + now] enterprises, into `counts` (at most `capacity` entries;
 * *n_grades receives score_model_n_grades(), so capacity 0 asks for the
 * size). Fails: SCORE_EINVAL (NULL), SCORE_ENOTFOUND (computed without a
 * previous month). Thread-safe.
 */
SCORE_API int score_drift_migration(const score_drift *drift, size_t *counts, size_t capacity,
                                    size_t *n_grades);

/*
 * score_drift_json: the whole result as JSON (asof, previous, enterprises,
 * the PSI floor, the score's and every feature's PSI, verdict and bins, a
 * count of verdicts, and with a previous month the migration matrix).
 * Sets *length (without the NUL) and copies the text and a NUL when
 * capacity > *length; capacity 0 asks for the size. Fails: SCORE_EINVAL,
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_drift_json(const score_drift *drift, char *buffer, size_t capacity,
                               size_t *length);

/* The model validation report. */
typedef struct score_report score_report;

/*
 * score_report_new: the numbers of the validation report of `model` on the
 * enterprises of `panel` existing at `asof` that have a label in the labels
 * file (CSV, header uscc,default; as for training): discrimination (ROC,
 * AUC, Gini, KS), calibration by grade with Wilson 95% intervals, score
 * distributions of goods and bads, default rate by grade, PSI against the
 * training population, the features with the largest average |exact tree
 * SHAP contribution|, and a summary of the data. The caller owns *out
 * (score_report_free).
 * Fails: SCORE_EINVAL (NULL, a bad month, a table model), SCORE_EIO /
 * SCORE_EFORMAT (the labels file, with file:line:column), SCORE_ENOTFOUND
 * (no labelled enterprise exists at asof), SCORE_ENOMEM. Reads the panel;
 * thread-safe.
 */
SCORE_API int score_report_new(const score_model *model, const score_panel *panel,
                               const char *labels_path, const char *asof, score_report **out);

/* score_report_free: free a report. Accepts NULL. */
SCORE_API void score_report_free(score_report *report);

/* The headline numbers of a report. Set `size` first. */
typedef struct score_report_summary {
    size_t size;               /* sizeof(score_report_summary) */
    int asof;                  /* YYYYMM */
    size_t enterprises;        /* in the panel */
    size_t scored;             /* existing at asof */
    size_t labelled;           /* scored and labelled: the validation sample */
    size_t defaults;           /* labelled 1 */
    double default_rate;       /* defaults / labelled */
    double mean_pd;            /* over the labelled */
    double auc;                /* ties count half; NaN without both classes */
    double gini;               /* 2 AUC - 1 */
    double ks;                 /* max |F_bad(s) - F_good(s)| over score thresholds s */
    int ks_score;              /* the score where KS is reached */
    double brier;
} score_report_summary;

/* score_report_summary_get: fill *out. Fails: SCORE_EINVAL. Thread-safe. */
SCORE_API int score_report_summary_get(const score_report *report, score_report_summary *out);

/* One grade of a report. Set `size` first. */
typedef struct score_report_grade {
    size_t size;               /* sizeof(score_report_grade) */
    const char *grade;         /* "AAA" .. "D"; lives as long as the model */
    size_t count;              /* labelled enterprises in the grade */
    size_t defaults;
    double mean_pd;            /* NaN when count is 0 */
    double default_rate;       /* observed; NaN when count is 0 */
    double ci_low, ci_high;    /* Wilson 95% interval of the default rate */
} score_report_grade;

/* score_report_grade_get: grade `grade` (0 .. score_model_n_grades() - 1).
 * Fails: SCORE_EINVAL. Thread-safe. */
SCORE_API int score_report_grade_get(const score_report *report, size_t grade,
                                     score_report_grade *out);

#ifdef SCORE_EXPERIMENTAL
/*
 * Experimental (declared only when SCORE_EXPERIMENTAL is defined before
 * this header is included): the HTML page of the report. The functions are
 * exported and work as documented, but their output is not frozen: the page
 * may change in any release, and the functions may change or go in a later
 * minor version, unlike everything outside a SCORE_EXPERIMENTAL block.
 */

/*
 * score_report_html: the report as one self-contained HTML page (inline
 * SVG charts, inline CSS, no script, nothing fetched). Sets *length (without
 * the NUL) and copies the page and a NUL when capacity > *length; capacity
 * 0 asks for the size. Fails: SCORE_EINVAL, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_report_html(const score_report *report, char *buffer, size_t capacity,
                                size_t *length);

/*
 * score_report_json: every figure of the report as one JSON object (since
 * 1.1.0): the headline measures with their 95% intervals (Gini by Hanley and
 * McNeil, KS by the Dvoretzky-Kiefer-Wolfowitz bound), the gains table by
 * decile, each grade with its Wilson interval and Jeffreys p-value, the
 * Hosmer-Lemeshow test, the challenger (a WOE logistic regression fitted by
 * the library, scored out of fold), reason-code frequencies and the PSI of
 * every feature and the score. Numbers that do not exist are null. Copied
 * as score_report_html copies. Fails: SCORE_EINVAL, SCORE_ENOMEM.
 * Thread-safe.
 */
SCORE_API int score_report_json(const score_report *report, char *buffer, size_t capacity,
                                size_t *length);

/* score_report_save: write the page to `path` (a temporary file renamed
 * into place). Fails: SCORE_EINVAL, SCORE_EIO, SCORE_ENOMEM. Thread-safe. */
SCORE_API int score_report_save(const score_report *report, const char *path);
#endif /* SCORE_EXPERIMENTAL */

/* ======================================================================
 * 11. Synthetic data (experimental: only with SCORE_EXPERIMENTAL defined)
 *
 * Declared only when SCORE_EXPERIMENTAL is defined before this header is
 * included. The functions are exported and work as documented, but are not
 * frozen: the generated population, the options and the functions may
 * change in any minor version, so that the generator can follow what it
 * models. Code that must keep compiling against every 1.x header does not
 * use them.
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

#ifdef SCORE_EXPERIMENTAL

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
 *   uscc   SCORE_USCC_SIZE (19) bytes per firm: the code and its NUL;
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
#endif /* SCORE_EXPERIMENTAL */

/* ======================================================================
 * 12. Batches and threads (1.1.0)
 *
 * The batch calls take many rows in one call, choose how many reasons to
 * give (none costs nothing: no contributions are computed), and may spread
 * the rows over threads. Rows are split statically into contiguous ranges,
 * one a thread, and nothing is added up across threads, so the results are
 * the same bits for any number of threads.
 * ====================================================================== */

/* n_reasons meaning "as many as the model gives" (score_model_n_reasons). */
#define SCORE_REASONS_MODEL ((size_t)-1)

/*
 * How a batch call runs. Initialise with score_batch_options_init (threads
 * 1: only the calling thread; n_reasons SCORE_REASONS_MODEL), then change
 * what you need. threads 0 uses every CPU the process may run on
 * (score_cpus_available); at most 256. New members may be appended; set
 * `size` before the first use.
 */
typedef struct score_batch_options {
    size_t size;          /* sizeof(score_batch_options) */
    unsigned threads;     /* threads to use; 0: score_cpus_available() */
    size_t n_reasons;     /* reasons a row; 0: none; SCORE_REASONS_MODEL: the model's */
} score_batch_options;

/* score_batch_options_init: the defaults into *options (NULL ignored). */
SCORE_API void score_batch_options_init(score_batch_options *options);

/* score_cpus_available: the CPUs this process may run on
 * (sched_getaffinity, else the CPUs online; at least 1). Thread-safe. */
SCORE_API unsigned score_cpus_available(void);

/*
 * score_features_compute_batch: score_features_compute on options->threads
 * threads (options NULL: the defaults): the same rows, bits and order.
 * Fails: as score_features_compute; SCORE_EINVAL also for a bad
 * options->size or threads; SCORE_ENOMEM (threads need a row buffer of
 * every enterprise). Thread-safe; reads the panel.
 */
SCORE_API int score_features_compute_batch(const score_panel *panel, const char *asof,
                                           const score_batch_options *options, float *matrix,
                                           size_t capacity_rows, size_t *enterprise_index,
                                           size_t *n_rows);

/*
 * score_model_score_batch: score_model_score on n_rows rows with
 * options->n_reasons reasons a row (SCORE_REASONS_MODEL: the model's) on
 * options->threads threads. reasons (may be NULL; ignored when n_reasons
 * is 0) receives n_reasons feature indices a row, the strongest first, -1
 * where fewer features push the risk up; the other arrays as in
 * score_model_score, each may be NULL. Outputs are caller-owned.
 * Fails: SCORE_EINVAL (NULL model, rows NULL with n_rows > 0, a bad
 * options->size or threads, n_reasons above the model's features),
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_score_batch(const score_model *model, const float *rows, size_t n_rows,
                                      const score_batch_options *options, double *margin,
                                      double *pd, int *score, int *grade, int *reasons);

/*
 * score_model_contributions_batch: score_model_contributions of n_rows
 * rows into contributions[n_rows * (score_model_n_features() + 1)]
 * (caller-owned), row by row, on options->threads threads (n_reasons is
 * not used). Fails: SCORE_EINVAL (NULL model, rows or contributions with
 * n_rows > 0, bad options), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_model_contributions_batch(const score_model *model, const float *rows,
                                              size_t n_rows, const score_batch_options *options,
                                              double *contributions);

/*
 * score_monitor_evaluate_batch: score_monitor_evaluate with the enterprises
 * assessed on options->threads threads (options NULL: the defaults): the
 * same alerts in the same order. Fails: as score_monitor_evaluate;
 * SCORE_EINVAL also for a bad options->size or threads. Thread-safe.
 */
SCORE_API int score_monitor_evaluate_batch(const score_model *model,
                                           const score_monitor_config *config,
                                           const score_panel *panel, const char *asof,
                                           const char *previous,
                                           const score_batch_options *options,
                                           score_alerts **out);

/* ======================================================================
 * 12. Evidence: a signed, tamper-evident log of decisions
 *
 * An evidence log is a directory holding an append-only, numbered,
 * hash-chained log of records: which decision (a score, an explanation, a
 * price), when, by whom, under which model bundle and configuration (their
 * SHA-256), on which inputs (the SHA-256 of the feature vector as float32
 * bits, or of the request's canonical JSON) and with which outputs. The
 * records are the leaves of a Merkle tree as in RFC 9162 (Certificate
 * Transparency): the operator signs tree heads (size, root hash, time)
 * with an Ed25519 key, and anyone holding the public key can check an
 * inclusion proof (this record is in the tree of that head) or a
 * consistency proof (the later head extends the earlier one).
 * docs/evidence.md gives the formats and what a check proves.
 *
 * Appending is durable: the records of one call reach the disk (fsync)
 * before it returns, one sync per call. One process writes a log at a
 * time (a second gets SCORE_EBUSY). A log handle may be shared by threads:
 * appends are serialised inside it. Hashing and signing are libsodium's.
 * ====================================================================== */

/* Record kinds. */
#define SCORE_EVIDENCE_SCORE         1  /* a PD, score, grade and reasons */
#define SCORE_EVIDENCE_EXPLAIN       2  /* the same with every contribution */
#define SCORE_EVIDENCE_ENHANCE       3  /* a limit, capital and price */
#define SCORE_EVIDENCE_POOL_EVENT    4  /* an event applied to a pool */
#define SCORE_EVIDENCE_MODEL_LOADED  5  /* a model bundle put in service */
#define SCORE_EVIDENCE_CONFIG_LOADED 6  /* a configuration put in service */
#define SCORE_EVIDENCE_DOCUMENT      7  /* a financed document registered */

#define SCORE_EVIDENCE_HASH 32          /* bytes of a SHA-256 */

typedef struct score_evidence_log score_evidence_log;

/* score_evidence_kind_name: "score", "explain", "enhance", "pool_event",
 * "model_loaded", "config_loaded", "document"; NULL for another value. */
SCORE_API const char *score_evidence_kind_name(int kind);

/*
 * score_evidence_keygen: make an Ed25519 key pair for signing tree heads:
 * `dir`/evidence.key (the private key, mode 0600, never overwritten) and
 * `dir`/evidence.pub (the public key, to hand to whoever checks). The
 * directory must exist. Fails: SCORE_EINVAL (NULL), SCORE_EIO (cannot
 * write, or evidence.key exists already). Thread-safe.
 */
SCORE_API int score_evidence_keygen(const char *dir);

/*
 * score_evidence_public_key_read: read a public key file written by
 * score_evidence_keygen into key[32]. Fails: SCORE_EIO, SCORE_EFORMAT (not
 * such a file), SCORE_EINVAL. Thread-safe.
 */
SCORE_API int score_evidence_public_key_read(const char *path, uint8_t *key);

typedef struct score_evidence_open_options {
    size_t size;                     /* sizeof(score_evidence_open_options) */
    int create;                      /* make the directory's log when there is none */
    int read_only;                   /* never write (proofs, replay, reading) */
    const char *private_key;         /* evidence.key to sign heads with; NULL: none */
    score_diagnostic_fn diagnostic;  /* told of warnings (a torn tail cut); may be NULL */
    void *user;
} score_evidence_open_options;

/* score_evidence_open_options_init: no create, writable, no key. */
SCORE_API void score_evidence_open_options_init(score_evidence_open_options *options);

/*
 * score_evidence_open: open (or, with options->create, make) the log in
 * directory `dir`. Opening checks the end of the log against its tree: a
 * record cut short at the very end (a write torn by a crash, never
 * acknowledged) is cut off with a warning to options->diagnostic (unless
 * read_only); anything else wrong at the end (a record missing that the
 * tree holds, a complete record with a bad checksum) is SCORE_ECORRUPT
 * naming the record. Use score_evidence_verify for a full check. The
 * private key file must not be readable by group or others.
 * The caller owns *out (score_evidence_close).
 * Fails: SCORE_EINVAL (NULL, bad size, a private key file with group or
 * other permissions), SCORE_ENOTFOUND (no log and no create), SCORE_EIO,
 * SCORE_EBUSY (another process writes it), SCORE_EFORMAT, SCORE_EVERSION,
 * SCORE_ECORRUPT, SCORE_ENOMEM.
 */
SCORE_API int score_evidence_open(const char *dir, const score_evidence_open_options *options,
                                  score_evidence_log **out);

/* score_evidence_close: close a log. Accepts NULL. Every append already
 * reached the disk. */
SCORE_API void score_evidence_close(score_evidence_log *log);

/* score_evidence_size: the number of records (0 for NULL). Thread-safe. */
SCORE_API uint64_t score_evidence_size(score_evidence_log *log);

/*
 * One record to append. The body's layout for each kind is in
 * docs/evidence.md; score_model_attach_evidence and
 * score_enhance_config_attach_evidence write score and enhance records
 * themselves. Hashes that do not apply are zeros.
 */
typedef struct score_evidence_entry {
    size_t size;                     /* sizeof(score_evidence_entry) */
    int kind;                        /* SCORE_EVIDENCE_* */
    int64_t time_us;                 /* UTC microseconds since 1970; 0: now */
    const char *actor;               /* who decided; printable, at most 255 bytes; NULL: "" */
    uint8_t model_sha256[SCORE_EVIDENCE_HASH];
    uint8_t config_sha256[SCORE_EVIDENCE_HASH];
    uint8_t input_sha256[SCORE_EVIDENCE_HASH];
    const void *body;                /* kind-specific bytes, at most 1 MiB - 399 */
    size_t body_length;
} score_evidence_entry;

/* score_evidence_entry_init: set `size`, everything else 0. */
SCORE_API void score_evidence_entry_init(score_evidence_entry *entry);

/*
 * score_evidence_append: append n entries as records, numbered from
 * *first (may be NULL), each carrying the hash of the one before, and make
 * them durable with one fsync before returning. On failure nothing was
 * acknowledged (a partial write is cut when the log is next opened).
 * Fails: SCORE_EINVAL (NULL, read-only log, unknown kind, bad size, actor
 * too long or with control characters), SCORE_ELIMIT (body too large),
 * SCORE_EIO, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_append(score_evidence_log *log, const score_evidence_entry *entries,
                                    size_t n, uint64_t *first);

/*
 * score_evidence_record_json: record `index` as a JSON object (number,
 * kind, time, actor, the hashes in hex, its leaf hash, the body decoded
 * for score, explain, enhance and document records, else in hex), copied
 * with a NUL into `buffer` (capacity 0 asks for the length, which *length
 * receives without the NUL). Fails: SCORE_EINVAL (NULL, index beyond the
 * log), SCORE_EIO, SCORE_ECORRUPT (the record does not match the tree),
 * SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_record_json(score_evidence_log *log, uint64_t index, char *buffer,
                                         size_t capacity, size_t *length);

/* A signed tree head. */
typedef struct score_evidence_head {
    size_t size;                     /* sizeof(score_evidence_head) */
    uint64_t tree_size;              /* records in the tree */
    uint8_t root[SCORE_EVIDENCE_HASH];  /* RFC 9162 MTH of the records */
    int64_t time_us;                 /* when it was signed, UTC microseconds */
    uint8_t public_key[32];          /* the signer's key (informative: check with yours) */
    uint8_t signature[64];           /* Ed25519 over "SCEVHEAD", size, time, root */
} score_evidence_head;

/*
 * score_evidence_sign_head: sign the head of the log as it is now with the
 * key given at open, keep it in the log's list of heads, and copy it to
 * *head (its size set by the caller). Fails: SCORE_EINVAL (NULL, no key,
 * read-only), SCORE_EIO, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_sign_head(score_evidence_log *log, score_evidence_head *head);

/*
 * score_evidence_head_json: a head as one JSON object ({"tree_size": ...,
 * "root": hex, "time": "2026-12-04T16:00:00.000000Z", "time_us": ...,
 * "public_key": hex, "signature": hex}) into `buffer` as
 * score_evidence_record_json. score_evidence_head_parse reads one back
 * (head->size set by the caller); it checks the form, not the signature.
 * Fails: SCORE_EINVAL, SCORE_EFORMAT (naming the key). Thread-safe.
 */
SCORE_API int score_evidence_head_json(const score_evidence_head *head, char *buffer,
                                       size_t capacity, size_t *length);
SCORE_API int score_evidence_head_parse(const char *text, size_t length,
                                        score_evidence_head *head);

/*
 * score_evidence_head_check: SCORE_OK when head->signature is the
 * signature of `public_key` (32 bytes) over the head; SCORE_ECORRUPT
 * otherwise (a forged or altered head, or one signed by another key).
 * SCORE_EINVAL for NULL. Thread-safe.
 */
SCORE_API int score_evidence_head_check(const score_evidence_head *head,
                                        const uint8_t *public_key);

/*
 * score_evidence_root: the RFC 9162 root hash of the first tree_size
 * records, from the stored tree in O(log n). Fails: SCORE_EINVAL (NULL,
 * tree_size beyond the log), SCORE_ECORRUPT (the tree is damaged),
 * SCORE_EIO. Thread-safe.
 */
SCORE_API int score_evidence_root(score_evidence_log *log, uint64_t tree_size, uint8_t *root);

/* score_evidence_leaf_hash: record index's RFC 9162 leaf hash (32 bytes),
 * SHA-256(0x00 || the record's number and payload). Fails as
 * score_evidence_root. Thread-safe. */
SCORE_API int score_evidence_leaf_hash(score_evidence_log *log, uint64_t index, uint8_t *hash);

/*
 * score_evidence_prove_inclusion: the RFC 9162 inclusion proof (audit path)
 * of record `index` in the tree of the first `tree_size` records: *n hashes
 * of 32 bytes into path (room for `capacity` hashes; 64 is always enough).
 * score_evidence_prove_consistency: the consistency proof between the trees
 * of old_size (> 0) and tree_size records. Both read O(log n) stored
 * hashes, never the log. Fails: SCORE_EINVAL (NULL, sizes out of range),
 * SCORE_ELIMIT (capacity too small), SCORE_ECORRUPT, SCORE_EIO.
 * Thread-safe.
 */
SCORE_API int score_evidence_prove_inclusion(score_evidence_log *log, uint64_t index,
                                             uint64_t tree_size, uint8_t *path,
                                             size_t capacity, size_t *n);
SCORE_API int score_evidence_prove_consistency(score_evidence_log *log, uint64_t old_size,
                                               uint64_t tree_size, uint8_t *path,
                                               size_t capacity, size_t *n);

/*
 * score_evidence_check_inclusion / score_evidence_check_consistency: check
 * a proof with nothing but hashes (RFC 9162 sections 2.1.3.2 and 2.1.4.2):
 * that the leaf hash `leaf` is number `index` of the tree of `tree_size`
 * leaves whose root is `root`; that the tree of old_size leaves with root
 * old_root is the first part of the tree of tree_size leaves with root
 * `root`. SCORE_OK, or SCORE_ECORRUPT when the proof fails; SCORE_EINVAL
 * for NULL or sizes out of range. Thread-safe.
 */
SCORE_API int score_evidence_check_inclusion(const uint8_t *leaf, uint64_t index,
                                             uint64_t tree_size, const uint8_t *path, size_t n,
                                             const uint8_t *root);
SCORE_API int score_evidence_check_consistency(uint64_t old_size, const uint8_t *old_root,
                                               uint64_t tree_size, const uint8_t *root,
                                               const uint8_t *path, size_t n);

typedef struct score_evidence_verify_options {
    size_t size;                     /* sizeof(score_evidence_verify_options) */
    const uint8_t *public_key;       /* 32 bytes; NULL: signatures are not checked */
    const score_evidence_head *head; /* a head published earlier; NULL: none */
    score_diagnostic_fn diagnostic;  /* told of warnings (a torn tail); may be NULL */
    void *user;
    score_progress_fn progress;      /* stage "verify", bytes; may be NULL */
    void *progress_user;
} score_evidence_verify_options;

SCORE_API void score_evidence_verify_options_init(score_evidence_verify_options *options);

typedef struct score_evidence_verify_result {
    size_t size;                     /* sizeof(score_evidence_verify_result) */
    uint64_t records;                /* records checked */
    uint64_t heads;                  /* stored heads checked */
    uint64_t bad_record;             /* the first bad record, UINT64_MAX when none is named */
    uint64_t torn_bytes;             /* bytes of an unacknowledged torn tail (a warning) */
} score_evidence_verify_result;

/*
 * score_evidence_verify: check the whole log in `dir` without writing:
 * every record's framing, number and payload; the chain (each record
 * carries the hash of the one before); every leaf and node of the stored
 * tree against the records; every stored head's root and, with a public
 * key, its signature; and options->head (a head published earlier: its
 * signature, and that the log still holds the tree it signed). On failure
 * the last error names the first bad record (or head) and what is wrong
 * with it, and result->bad_record its number. A record cut short at the
 * very end that no head or tree entry holds is a torn tail: a warning, not
 * a failure. Reads the log once, sequentially (mapped).
 * Fails: SCORE_ECORRUPT (any damage or tampering), SCORE_EINVAL,
 * SCORE_ENOTFOUND, SCORE_EIO, SCORE_EFORMAT, SCORE_EVERSION, SCORE_ENOMEM,
 * SCORE_ECANCELED. Thread-safe (it opens its own files).
 */
SCORE_API int score_evidence_verify(const char *dir, const score_evidence_verify_options *options,
                                    score_evidence_verify_result *result);

/* score_evidence_sha256 / score_evidence_sha256_file: the SHA-256 of bytes
 * or of a whole file into out[32]. Fails: SCORE_EINVAL, SCORE_EIO. */
SCORE_API int score_evidence_sha256(const void *data, size_t length, uint8_t *out);
SCORE_API int score_evidence_sha256_file(const char *path, uint8_t *out);

/*
 * score_model_attach_evidence: from now on every row that
 * score_model_score (and so score_model_score_panel) scores with this model
 * is appended to `log` as a score record: the actor, the SHA-256 of the
 * bundle file `bundle_path` (hashed now; NULL: zeros), the feature vector
 * (its float32 bits stored and hashed) and the PD, score, grade and
 * reasons. One call scores a batch: its records reach the disk with one
 * fsync before the call returns, and a failed append fails the call
 * (SCORE_EIO) as if nothing was scored. A model_loaded record is appended
 * now. `log` NULL detaches. The log must outlive the attachment; the
 * model's other functions are unchanged, but score_monitor_evaluate,
 * score_drift_compute and score_report_new score through score_model_score
 * too: detach before handing the model to them, or they log as well (and
 * depend on the log's disk). Not thread-safe with scoring on the same
 * model: attach before sharing it. Fails: SCORE_EINVAL, SCORE_EIO,
 * SCORE_ENOMEM.
 */
SCORE_API int score_model_attach_evidence(score_model *model, score_evidence_log *log,
                                          const char *actor, const char *bundle_path);

/*
 * score_enhance_config_attach_evidence: from now on every
 * score_enhance_compute under `config` appends an enhance record: the
 * actor, the SHA-256 of the configuration's canonical JSON
 * (score_enhance_config_json), of the request's canonical JSON (stored in
 * the record), the limit, capital and rate with and without enhancements;
 * durable before the call returns. With a log attached,
 * score_enhance_compute allocates and may fail with SCORE_EIO or
 * SCORE_ENOMEM. A config_loaded record is appended now. `log` NULL
 * detaches. Attach before sharing the configuration between threads.
 * Fails: SCORE_EINVAL, SCORE_EIO, SCORE_ENOMEM.
 */
SCORE_API int score_enhance_config_attach_evidence(score_enhance_config *config,
                                                   score_evidence_log *log, const char *actor);

/* Financed documents: kinds for score_evidence_register. */
#define SCORE_DOCUMENT_ORDER      1
#define SCORE_DOCUMENT_INVOICE    2
#define SCORE_DOCUMENT_RECEIVABLE 3
#define SCORE_DOCUMENT_PATENT     4

typedef struct score_evidence_document {
    size_t size;                     /* sizeof(score_evidence_document) */
    int kind;                        /* SCORE_DOCUMENT_* */
    uint8_t doc_hash[SCORE_EVIDENCE_HASH];  /* the holder's SHA-256 of the document */
    int64_t amount;                  /* fen financed against it by this registration, > 0 */
    int64_t face_amount;             /* fen the document is worth; 0: equal to amount.
                                        The first registration fixes it. */
    const char *lender;              /* who finances it: printable, 1..64 bytes */
    char uscc[19];                   /* the enterprise holding the document */
} score_evidence_document;

SCORE_API void score_evidence_document_init(score_evidence_document *document);

/*
 * score_evidence_register: register a financed document in the log's
 * registry: what is stored is the document hash salted with the log's salt
 * (`dir`/salt, made with the log, shared among the lenders of one
 * platform), never the hash itself. Refused with SCORE_EREJECTED, and
 * *first (may be NULL) set to the number of the document's first
 * registration, when the document is registered already by another lender
 * (double financing), or when the amounts registered against it would
 * exceed its face amount. On success *record receives the new record's
 * number. The registry is read from the log on first use (one pass).
 * Fails also: SCORE_EINVAL (NULL, bad kind, amount, lender or USCC),
 * SCORE_EIO, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_register(score_evidence_log *log,
                                      const score_evidence_document *document, uint64_t *record,
                                      uint64_t *first);

/*
 * score_evidence_document_find: whether a document (its kind and holder's
 * hash) is registered: *found 0 or 1; when 1, *first the number of its
 * first registration, *registered the fen registered against it and
 * *face_amount its face amount (any of them may be NULL). A lender checks
 * orders and receivables with it before counting them towards a limit.
 * Fails: SCORE_EINVAL, SCORE_EIO, SCORE_ECORRUPT, SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_document_find(score_evidence_log *log, int kind,
                                           const uint8_t *doc_hash, int *found, uint64_t *first,
                                           int64_t *registered, int64_t *face_amount);

/*
 * score_evidence_replay: recompute every score record of the log with
 * `model` from its stored feature vector, and compare the PD (bit for bit),
 * score, grade and reasons. *checked and *differ (either may be NULL)
 * receive the counts; `report` (may be NULL) is told of each record that
 * differs (a SCORE_DIAG_ERROR diagnostic whose line is the record number):
 * what differs and, when `bundle_path` (the file `model` was read from; may
 * be NULL) hashes otherwise than the record's bundle, that the bundle is
 * the cause. The model's own log, if any, is not written. Reads the whole
 * log once. Fails: SCORE_EINVAL, SCORE_EIO, SCORE_ECORRUPT (a damaged
 * record), SCORE_ENOMEM. Thread-safe.
 */
SCORE_API int score_evidence_replay(score_evidence_log *log, const score_model *model,
                                    const char *bundle_path, score_diagnostic_fn report,
                                    void *user, uint64_t *checked, uint64_t *differ);

#ifdef __cplusplus
}
#endif

#endif /* SCORE_H */
