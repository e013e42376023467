/* Helpers shared by the Criterion tests. */
#ifndef SCORE_TEST_HELPERS_H
#define SCORE_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "score.h"

/* snprintf in the C locale: the numbers a test writes into its fixtures
 * must not follow the locale the test runs under (helpers.c takes the
 * environment's, so that the library is tried under it). */
int c_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* fprintf in the C locale (lines up to 1 KiB; -1 when longer or on a write
 * error): the tests run under de_DE too, where fprintf writes "0,5". */
int fprintf_c(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Diagnostics collected from a read. */
typedef struct diag_log {
    char text[64][512];
    int severity[64];
    int column[64];
    unsigned long long line[64];
    int n;
} diag_log;

void collect_diagnostic(void *user, const score_diagnostic *d);

/* Read `text` (a whole file's content) into a new panel, leniently unless
 * strict; counts and diagnostics returned. The panel is freed unless
 * panel_out is given. Returns the status of score_panel_read_buffer. */
int read_text(const char *text, int strict, score_read_counts *counts, diag_log *log,
              score_panel **panel_out);
int read_bytes(const void *data, size_t size, int strict, score_read_counts *counts,
               diag_log *log, score_panel **panel_out);

/* gzip-compress `size` bytes into a new malloc'ed buffer. */
unsigned char *gzip_bytes(const void *data, size_t size, size_t *out_size);

/* One value of a series (as of asof, NULL for all); NaN when absent. */
double series_last(const score_panel *p, const char *uscc, const char *source, const char *field,
                   const char *asof, size_t *n);

/* Whether a diagnostic containing `needle` was logged. */
int log_has(const diag_log *log, const char *needle);

/* ---- codes ---------------------------------------------------------------- */

/* A valid USCC for number i: "91440300", i in 9 digits, and the check
 * character the library computes (its own test, test_uscc, checks that one
 * against real codes). Distinct for distinct i < 10^9, and ascending with i. */
void make_uscc(unsigned i, char out[SCORE_USCC_SIZE]);

/* ---- synthetic portfolios (monitoring, drift and report tests) ---------- */

/* One observation line of a synthetic portfolio: the enterprise's number,
 * the month as year * 12 + month - 1 (0 for profile fields), and the line
 * "uscc,source,field,period,value" without its line end. */
typedef void (*synthetic_fn)(void *user, unsigned enterprise, int month, const char *line);

/* A portfolio of n enterprises with monthly tax, power, social insurance
 * and orders data from first_month to last_month (year * 12 + month - 1),
 * annual tax ratings, court records; about a quarter of them slide into
 * distress (falling sales and power, arrears, lawsuits, worse ratings) at
 * a random month. Deterministic for a seed. `label` (may be NULL) receives
 * per enterprise 1 when it defaulted within 12 months after label_month. */
void synthetic_portfolio(unsigned n, int first_month, int last_month, uint64_t seed,
                         int label_month, synthetic_fn each, void *user, int *label);

/* Collect a synthetic portfolio's lines into one CSV text (with header),
 * keeping those for which keep(enterprise, month) says yes (NULL: all). */
typedef int (*synthetic_keep_fn)(void *user, unsigned enterprise, int month);
char *synthetic_csv(unsigned n, int first_month, int last_month, uint64_t seed,
                    synthetic_keep_fn keep, void *keep_user, size_t *len);

/* A synthetic portfolio of n enterprises (January 2022 to December 2024)
 * in a panel, its labels as of December 2023 in a file (CSV uscc,default),
 * and a small signals model trained on them (few shallow trees, so that
 * tests stay fast). Criterion runs every test in a process of its own, and
 * each runs the test program's constructors: the first process (the runner)
 * makes the portfolio and the model and leaves them in a folder that it
 * names in the environment; the test processes read them from there.
 * fixture_free removes the folder in the runner only. */
typedef struct fixture {
    char dir[256], labels[300];
    score_model *model;
    score_panel *panel;
    long owner;              /* the process that made the folder, 0 in the others */
} fixture;

void fixture_make(fixture *f, unsigned n, uint64_t seed);
void fixture_free(fixture *f);

/* XGBoosterLoadModelFromBuffer in the C locale: XGBoost 1.7's JSON reader
 * parses long decimals with the host's strtod (under de_DE
 * "0.51178354024887085" became 0). The library never hands XGBoost JSON;
 * tests that do go through this. Returns XGBoost's status. */
int xgboost_load_json(void *booster, const char *json);

#endif
