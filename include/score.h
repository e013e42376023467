/*
 * libscore: a credit engine for sci-tech enterprises.
 *
 * This header is the whole ABI of libscore.so.1. Read it top to bottom:
 *
 *   1. versions                        score_version()
 *   2. status codes and errors         score_strerror(), score_last_error()
 *   3. common types                    options structs, progress, diagnostics
 *   4. signals and panels              score_panel_*  (standard v1 input)
 *   5. credit enhancement              score_enhance_* (limit, capital, price)
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
 * 5. Credit enhancement
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
    char uscc[19];                /* [uscc] the enterprise's USCC, or "" */
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

#ifdef __cplusplus
}
#endif

#endif /* SCORE_H */
