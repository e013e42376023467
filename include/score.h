/*
 * libscore: a credit engine for sci-tech enterprises.
 *
 * This header is the whole ABI of libscore.so.1. Read it top to bottom:
 *
 *   1. versions                        score_version()
 *   2. status codes and errors         score_strerror(), score_last_error()
 *   3. common types                    options structs, progress, diagnostics
 *   4. signals and panels              score_panel_*  (standard v1 input)
 *      mutual-aid risk pools           score_pool_*   (ledger, waterfall, simulation)
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
 * Mutual-aid risk pools
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
 * skipped. The caller owns *out and frees it with score_pool_free().
 * Fails: SCORE_EINVAL (NULL, bad size), SCORE_ENOTFOUND (`dir` holds no
 * ledger), SCORE_EBUSY (another handle writes it, or, for a writer, any
 * handle has it open), SCORE_ECORRUPT (a damaged record followed by a
 * valid one, a damaged header or configuration record, a record out of
 * sequence; the message gives the offset), SCORE_EFORMAT (not a pool
 * journal), SCORE_EVERSION (written by a newer libscore), SCORE_EIO,
 * SCORE_ENOMEM. Thread-safe.
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
 * otherwise) and is written on success.
 * Fails as a whole (after applying the lines before the failure, which
 * stay applied) with: SCORE_EINVAL (NULL, bad size, read-only handle),
 * SCORE_EIO (cannot read the file, or write or sync the journal),
 * SCORE_EFORMAT (a missing, unknown or repeated column in the header),
 * SCORE_ELIMIT (a file over 1 GiB), SCORE_ECANCELED, SCORE_ENOMEM.
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
    double npl_ratio;                /* unrecovered / (loans outstanding + unrecovered) */
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
    char uscc[19];
    int active;                      /* 1 a member now; 0 left */
    int defaulted;                   /* its loan defaulted (it cannot borrow again) */
    double pd;                       /* as given when it joined */
    int64_t deposit;
    int64_t loans_outstanding;
    int64_t defaulted_unrecovered;   /* of its own default */
    int64_t loss_borne;              /* net loss its deposit bore (own and others'
                                        defaults, after recoveries) */
} score_pool_member_info;

/*
 * score_pool_member: the member with this USCC. score_pool_member_at: the
 * index-th member ever admitted, in order of first admission (index 0 ..
 * member_records - 1). *info's size must be set.
 * Fail: SCORE_EINVAL (NULL, bad size, index out of range),
 * SCORE_ENOTFOUND (no such member). Thread-safe.
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

#ifdef __cplusplus
}
#endif

#endif /* SCORE_H */
