#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"
#include "core/rng.h"
#include <xgboost/c_api.h>

#include "helpers.h"
#include "core/core.h"

/* Every test program takes the locale of its environment, as a host program
 * that calls setlocale(LC_ALL, "") does: scripts/test.sh runs the suite once
 * more under LC_ALL=de_DE.UTF-8, where a number written with the host's
 * printf would read "0,02". */
__attribute__((constructor)) static void use_environment_locale(void)
{
    setlocale(LC_ALL, "");
}

int c_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = sc_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf_c(FILE *f, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = sc_vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof small)
        return -1;
    return fputs(small, f) == EOF ? -1 : n;
}

void collect_diagnostic(void *user, const score_diagnostic *d)
{
    diag_log *log = user;
    if (!log || log->n >= 64)
        return;
    snprintf(log->text[log->n], sizeof log->text[0], "%s", d->text);
    log->severity[log->n] = d->severity;
    log->column[log->n] = d->column;
    log->line[log->n] = d->line;
    log->n++;
}

int read_bytes(const void *data, size_t size, int strict, score_read_counts *counts, diag_log *log,
               score_panel **panel_out)
{
    score_panel *panel = NULL;
    if (score_panel_new(&panel) != SCORE_OK)
        return SCORE_ENOMEM;
    score_read_options options;
    score_read_options_init(&options);
    options.strict = strict;
    options.diagnostic = collect_diagnostic;
    options.diagnostic_user = log;
    if (counts) {
        memset(counts, 0, sizeof *counts);
        counts->size = sizeof *counts;
    }
    if (log)
        memset(log, 0, sizeof *log);
    int rc = score_panel_read_buffer(panel, "t.csv", data, size, &options, counts);
    if (panel_out)
        *panel_out = panel;
    else
        score_panel_free(panel);
    return rc;
}

int read_text(const char *text, int strict, score_read_counts *counts, diag_log *log,
              score_panel **panel_out)
{
    return read_bytes(text, strlen(text), strict, counts, log, panel_out);
}

unsigned char *gzip_bytes(const void *data, size_t size, size_t *out_size)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&zs, size) + 64;
    unsigned char *out = malloc(cap);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)size;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    *out_size = zs.total_out;
    deflateEnd(&zs);
    return out;
}

double series_last(const score_panel *p, const char *uscc, const char *source, const char *field,
                   const char *asof, size_t *n)
{
    int months[512];
    double values[512];
    size_t count = 0;
    if (score_panel_series(p, uscc, source, field, asof, months, values, 512, &count) != SCORE_OK)
        count = 0;
    if (n)
        *n = count;
    return count ? values[count - 1] : NAN;
}

int log_has(const diag_log *log, const char *needle)
{
    for (int i = 0; i < log->n; i++)
        if (strstr(log->text[i], needle))
            return 1;
    return 0;
}

/* ---- codes ---------------------------------------------------------------- */

void make_uscc(unsigned i, char out[SCORE_USCC_SIZE])
{
    snprintf(out, SCORE_USCC_SIZE, "91440300%09u", i % 1000000000u);
    out[17] = (char)sc_uscc_check_char(out);
    out[18] = '\0';
}

/* ---- synthetic portfolios ------------------------------------------------ */

static double uniform01(uint64_t *state)
{
    return (double)(sc_splitmix64(state) >> 11) / 9007199254740992.0;
}

static void emit(synthetic_fn each, void *user, unsigned e, const char *uscc, int month,
                 const char *source, const char *field, const char *value)
{
    char line[160], period[16] = "";
    if (month > 0 && !strcmp(field, "rating"))
        snprintf(period, sizeof period, "%04d", month / 12); /* annual, dated December */
    else if (month > 0)
        snprintf(period, sizeof period, "%04d-%02d", month / 12, month % 12 + 1);
    snprintf(line, sizeof line, "%s,%s,%s,%s,%s", uscc, source, field, period, value);
    each(user, e, month, line);
}

static void emit_number(synthetic_fn each, void *user, unsigned e, const char *uscc, int month,
                        const char *source, const char *field, double v, int decimals)
{
    char value[48];
    sc_snprintf(value, sizeof value, "%.*f", decimals, v);
    emit(each, user, e, uscc, month, source, field, value);
}

void synthetic_portfolio(unsigned n, int first_month, int last_month, uint64_t seed,
                         int label_month, synthetic_fn each, void *user, int *label)
{
    static const char *const ratings = "ABMCD";
    for (unsigned e = 0; e < n; e++) {
        uint64_t st = seed * UINT64_C(1000003) + e;
        char uscc[19], value[32];
        make_uscc(e + 1, uscc);
        double scale = exp(uniform01(&st) * 3 - 1.5);
        int distressed = uniform01(&st) < 0.25;
        int onset = first_month + 12 + (int)(uniform01(&st) * (double)(last_month - first_month));
        emit(each, user, e, uscc, 0, "profile", "industry", uniform01(&st) < 0.7 ? "C3971" : "I6510");
        int born = first_month - 24 - (int)(uniform01(&st) * 180);
        snprintf(value, sizeof value, "%04d-%02d-15", born / 12, born % 12 + 1);
        emit(each, user, e, uscc, 0, "profile", "established", value);
        emit(each, user, e, uscc, 0, "profile", "hitech", uniform01(&st) < 0.3 ? "1" : "0");
        double staff = floor(20 + scale * 40);
        for (int m = first_month; m <= last_month; m++) {
            int bad = distressed && m >= onset;
            double trend = bad ? pow(0.9, m - onset + 1) : 1.0;
            double season = 1 + 0.05 * sin((m % 12) * 0.52);
            double sales = scale * 1e6 * trend * season * (0.9 + 0.2 * uniform01(&st));
            double power = scale * 1e5 * trend * season * (0.9 + 0.2 * uniform01(&st));
            if (bad && uniform01(&st) < 0.15)
                staff = floor(staff * 0.85);
            emit_number(each, user, e, uscc, m, "tax", "sales", sales, 2);
            emit_number(each, user, e, uscc, m, "tax", "paid", sales * 0.06, 2);
            emit_number(each, user, e, uscc, m, "power", "kwh", power, 0);
            emit_number(each, user, e, uscc, m, "social", "insured", staff, 0);
            emit_number(each, user, e, uscc, m, "tax", "arrears",
                        bad && uniform01(&st) < 0.4 ? sales * 0.05 : 0, 2);
            emit_number(each, user, e, uscc, m, "power", "arrears",
                        bad && uniform01(&st) < 0.3 ? power * 0.8 : 0, 2);
            emit_number(each, user, e, uscc, m, "social", "arrears",
                        bad && uniform01(&st) < 0.3 ? staff * 1200 : 0, 2);
            emit_number(each, user, e, uscc, m, "orders", "amount", sales * 0.8, 2);
            emit_number(each, user, e, uscc, m, "orders", "top_buyer_share",
                        bad ? 0.5 + 0.4 * uniform01(&st) : 0.2 + 0.2 * uniform01(&st), 3);
            if (uniform01(&st) < (bad ? 0.15 : 0.01))
                emit(each, user, e, uscc, m, "court", "cases", "1");
            if (bad && uniform01(&st) < 0.05)
                emit_number(each, user, e, uscc, m, "court", "enforced", sales * 0.3, 2);
            if (m % 12 == 11) {
                char rating[2] = {ratings[bad ? 3 + (uniform01(&st) < 0.4) : (int)(uniform01(&st) * 2.6)], 0};
                emit(each, user, e, uscc, m, "tax", "rating", rating);
            }
        }
        if (label) {
            int late = distressed && onset <= label_month + 6;
            label[e] = uniform01(&st) < (late ? 0.6 : 0.01);
        }
    }
}

typedef struct csv_collect {
    char *text;
    size_t len, cap;
    synthetic_keep_fn keep;
    void *keep_user;
} csv_collect;

static void collect_line(void *user, unsigned enterprise, int month, const char *line)
{
    csv_collect *c = user;
    if (c->keep && !c->keep(c->keep_user, enterprise, month))
        return;
    size_t n = strlen(line);
    if (c->len + n + 2 > c->cap) {
        c->cap = (c->len + n + 2) * 2;
        c->text = realloc(c->text, c->cap);
    }
    memcpy(c->text + c->len, line, n);
    c->len += n;
    c->text[c->len++] = '\n';
    c->text[c->len] = '\0';
}

char *synthetic_csv(unsigned n, int first_month, int last_month, uint64_t seed,
                    synthetic_keep_fn keep, void *keep_user, size_t *len)
{
    csv_collect c = {NULL, 0, 0, NULL, keep_user}; /* the header is always kept */
    collect_line(&c, 0, 0, "uscc,source,field,period,value");
    c.keep = keep;
    synthetic_portfolio(n, first_month, last_month, seed, last_month, collect_line, &c, NULL);
    *len = c.len;
    return c.text;
}

static void ignore_line(void *user, unsigned enterprise, int month, const char *line)
{
    (void)user;
    (void)enterprise;
    (void)month;
    (void)line;
}

static void fixture_die(const char *what)
{
    fprintf(stderr, "test fixture: %s: %s\n", what, score_last_error());
    abort();
}

/* Make the portfolio, its labels and the model in f->dir. */
static void fixture_build(fixture *f, unsigned n, uint64_t seed, const char *signals,
                          const char *bundle)
{
    const int first = 2022 * 12, last = 2024 * 12 + 11, label_month = 2023 * 12 + 11;
    size_t len;
    char *text = synthetic_csv(n, first, last, seed, NULL, NULL, &len);
    FILE *out = fopen(signals, "wb");
    if (!out || fwrite(text, 1, len, out) != len || fclose(out) != 0)
        fixture_die(signals);
    free(text);
    int *label = malloc(n * sizeof *label);
    synthetic_portfolio(n, first, last, seed, label_month, ignore_line, NULL, label);
    out = fopen(f->labels, "w");
    if (!out)
        fixture_die(f->labels);
    fprintf(out, "uscc,default\n");
    for (unsigned e = 0; e < n; e++) {
        char uscc[19];
        make_uscc(e + 1, uscc);
        fprintf(out, "%s,%d\n", uscc, label[e]);
    }
    fclose(out);
    free(label);
    score_panel *panel;
    if (score_panel_new(&panel) != SCORE_OK ||
        score_panel_read_file(panel, signals, NULL, NULL) != SCORE_OK)
        fixture_die("reading the portfolio");
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 60;
    o.max_depth = 3;
    o.learning_rate = 0.2;
    o.early_stopping_rounds = 20;
    score_model *model;
    if (score_model_train_signals(panel, "2023-12", f->labels, &o, &model) != SCORE_OK ||
        score_model_save(model, bundle) != SCORE_OK)
        fixture_die("training");
    score_model_free(model);
    score_panel_free(panel);
}

void fixture_make(fixture *f, unsigned n, uint64_t seed)
{
    char name[64], signals[300], bundle[300];
    snprintf(name, sizeof name, "SCORE_TEST_FIXTURE_%u_%llu", n, (unsigned long long)seed);
    const char *made = getenv(name);
    f->owner = 0;
    if (made) {
        snprintf(f->dir, sizeof f->dir, "%s", made);
    } else {
        snprintf(f->dir, sizeof f->dir, "/tmp/score-fixture-XXXXXX");
        if (!mkdtemp(f->dir))
            abort();
    }
    snprintf(f->labels, sizeof f->labels, "%s/labels.csv", f->dir);
    snprintf(signals, sizeof signals, "%s/signals.csv", f->dir);
    snprintf(bundle, sizeof bundle, "%s/model.json.gz", f->dir);
    if (!made) {
        fixture_build(f, n, seed, signals, bundle);
        setenv(name, f->dir, 1);
        f->owner = (long)getpid();
    }
    if (score_model_load(bundle, &f->model) != SCORE_OK || score_panel_new(&f->panel) != SCORE_OK ||
        score_panel_read_file(f->panel, signals, NULL, NULL) != SCORE_OK)
        fixture_die(f->dir);
}

void fixture_free(fixture *f)
{
    score_model_free(f->model);
    score_panel_free(f->panel);
    if (f->owner != (long)getpid())
        return; /* a test's process: the runner removes the folder */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
}

int xgboost_load_json(void *booster, const char *json)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    int rc = XGBoosterLoadModelFromBuffer(booster, json, strlen(json));
    if (c) {
        uselocale(old);
        freelocale(c);
    }
    return rc;
}
