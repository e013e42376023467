/*
 * The monthly update of early warnings on a large portfolio: the
 * incremental monitor (score_monitor_update, which re-assesses only the
 * enterprises with observations dated after the previous month) against
 * re-evaluating the whole portfolio (score_monitor_evaluate, every
 * enterprise at both months), for several shares of the portfolio touched
 * by the month's new data. Both must give the same alerts.
 *
 *   ./build/bench/bench_monitor [ENTERPRISES] [SHARES...]
 *   e.g. ./build/bench/bench_monitor 100000 1 5 10 25 100
 *
 * The portfolio: synthetic enterprises with 26 months of tax, power,
 * social-insurance and orders data (October 2022 to November 2024), annual
 * tax ratings, court records, each enterprise's latent risk showing in all
 * of them, the riskiest sliding into distress. The
 * model: trained here on 20,000 of them as of November 2023 with the
 * defaults of score train, at most 300 rounds. Reading the signals, and adding the month's new
 * observations to the panel (and sorting it), are timed on their own: both
 * paths need them, and neither timing of the comparison includes them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/rng.h"
#include "score.h"

#define FIRST_YEAR 2022
#define FIRST_MON 10     /* October 2022 */
#define N_HISTORY 26     /* to November 2024 */
#define DECEMBER N_HISTORY
#define N_TRAIN 20000
#define CHUNK 1000       /* enterprises per buffer read */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A uniform number in [0, 1) for (enterprise, month, what). */
static double u(unsigned e, int m, int what)
{
    return (double)(sc_rng_hash(((uint64_t)e << 24) ^ ((uint64_t)(m + 64) << 8) ^ (uint64_t)what) >> 11) /
           9007199254740992.0;
}

static void uscc_of(unsigned e, char out[SCORE_USCC_SIZE])
{
    snprintf(out, SCORE_USCC_SIZE, "91440300%09u", e);
    out[17] = (char)sc_uscc_check_char(out);
    out[18] = '\0';
}

/* Month index k (0 = October 2022) as "YYYY-MM". */
static void period_of(int k, char out[8])
{
    int m = FIRST_YEAR * 12 + FIRST_MON - 1 + k;
    snprintf(out, 8, "%04d-%02d", m / 12, m % 12 + 1);
}

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = t->cap * 2 + 4096;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            exit(2);
    }
}

/* A latent risk per enterprise, standard normal: it shows, noisily, in
 * every signal, so that a model needs many trees to read it back. */
static double risk(unsigned e)
{
    double a = u(e, 0, 1), b = u(e, 0, 2);
    return sqrt(-2 * log(a > 0 ? a : 1e-300)) * cos(6.283185307179586 * b);
}

static int onset(unsigned e)
{
    return 6 + (int)(u(e, 0, 8) * 30); /* month index; some after the data end */
}

static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

/* The lines of enterprise e for month indices from..to (profile with from 0). */
static void enterprise_lines(text *t, unsigned e, int from, int to)
{
    char uscc[19], period[8];
    uscc_of(e, uscc);
    double z = risk(e), scale = exp(u(e, 0, 3) * 3 - 1.5), staff0 = floor(20 + scale * 40);
    int start = onset(e);
    if (from == 0) {
        int born = 2005 + (int)(u(e, 0, 4) * 16);
        put(t, "%s,profile,industry,,%s\n%s,profile,established,,%d-0%d-15\n%s,profile,hitech,,%d\n",
            uscc, u(e, 0, 5) < 0.7 ? "C3971" : "I6510", uscc, born, 1 + (int)(u(e, 0, 6) * 9), uscc,
            u(e, 0, 7) < 0.4 - 0.1 * z);
    }
    for (int k = from; k <= to; k++) {
        int sick = z > 1.2 && k >= start;
        /* a drift of -1%..+1% a month with the risk, a slide once sick */
        double trend = exp(-0.008 * z * k) * (sick ? pow(0.9, k - start + 1) : 1.0);
        double sales = scale * 1e6 * trend * (0.85 + 0.3 * u(e, k, 10));
        double power = scale * 1e5 * trend * (0.85 + 0.3 * u(e, k, 11));
        double staff = floor(staff0 * sqrt(trend));
        double owe = logistic(-4.5 + 1.2 * z + (sick ? 2 : 0));
        period_of(k, period);
        put(t, "%s,tax,sales,%s,%.2f\n%s,tax,paid,%s,%.2f\n%s,tax,arrears,%s,%.2f\n", uscc, period,
            sales, uscc, period, sales * (0.05 + 0.02 * u(e, k, 18)), uscc, period,
            u(e, k, 12) < owe ? sales * 0.05 : 0);
        put(t, "%s,power,kwh,%s,%.0f\n%s,power,arrears,%s,%.2f\n", uscc, period, power, uscc,
            period, u(e, k, 13) < owe ? power * 0.8 : 0);
        put(t, "%s,social,insured,%s,%.0f\n%s,social,arrears,%s,%.2f\n", uscc, period, staff, uscc,
            period, u(e, k, 14) < owe ? staff * 1200 : 0);
        put(t, "%s,orders,amount,%s,%.2f\n%s,orders,top_buyer_share,%s,%.3f\n", uscc, period,
            sales * 0.8, uscc, period, 0.3 + 0.1 * tanh(z) + 0.2 * u(e, k, 15) + (sick ? 0.2 : 0));
        if (u(e, k, 16) < 0.005 + 0.03 * logistic(2 * z - 2) + (sick ? 0.1 : 0))
            put(t, "%s,court,cases,%s,1\n", uscc, period);
        int month = (FIRST_YEAR * 12 + FIRST_MON - 1 + k) % 12;
        if (month == 11 && k < DECEMBER)
            put(t, "%s,tax,rating,%d,%c\n", uscc, (FIRST_YEAR * 12 + FIRST_MON - 1 + k) / 12,
                "ABMCD"[(int)fmin(4, fmax(0, 1.2 + z + u(e, k, 17)))]);
    }
}

/* Defaulted within 12 months after November 2023 (month index 13). */
static int defaulted(unsigned e)
{
    double z = risk(e);
    int sick = z > 1.2 && onset(e) <= 25;
    return u(e, 0, 20) < logistic(-5 + 1.1 * z + (sick ? 1.5 : 0));
}

static void fail(const char *what, int rc)
{
    fprintf(stderr, "bench_monitor: %s: %s\n", what, *score_last_error() ? score_last_error()
                                                                          : score_strerror(rc));
    exit(2);
}

static void read_text(score_panel *panel, text *t)
{
    score_read_options o;
    score_read_options_init(&o);
    o.strict = 1;
    int rc = score_panel_read_buffer(panel, "bench.csv", t->p, t->len, &o, NULL);
    if (rc != SCORE_OK)
        fail("reading", rc);
    t->len = 0;
    put(t, "uscc,source,field,period,value\n");
}

/* Whether enterprise e gets December data at a share (percent). */
static int touched(unsigned e, double share)
{
    return u(e, DECEMBER, 99) * 100 < share;
}

static int same_alerts(const score_alerts *a, const score_alerts *b)
{
    if (score_alerts_count(a) != score_alerts_count(b))
        return 0;
    for (size_t i = 0; i < score_alerts_count(a); i++) {
        score_alert x = {.size = sizeof x}, y = {.size = sizeof y};
        score_alerts_get(a, i, &x);
        score_alerts_get(b, i, &y);
        if (strcmp(x.uscc, y.uscc) || strcmp(x.code, y.code) || strcmp(x.evidence, y.evidence) ||
            strcmp(x.message_en, y.message_en) || strcmp(x.message_zh, y.message_zh))
            return 0;
    }
    return 1;
}

static void prepare(const score_panel *panel)
{
    char uscc[19];
    if (score_panel_enterprise(panel, 0, uscc) != SCORE_OK) /* sorts what was added */
        fail("sorting the panel", SCORE_ENOMEM);
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
    double default_shares[] = {1, 5, 10, 25, 100}, shares[16];
    int n_shares = 0;
    for (int i = 2; i < argc && n_shares < 16; i++)
        shares[n_shares++] = strtod(argv[i], NULL);
    if (!n_shares)
        for (; n_shares < 5; n_shares++)
            shares[n_shares] = default_shares[n_shares];
    if (n < N_TRAIN) {
        fprintf(stderr, "usage: bench_monitor [ENTERPRISES >= %d] [SHARES in percent, ascending]\n",
                N_TRAIN);
        return 1;
    }

    score_panel *panel;
    if (score_panel_new(&panel) != SCORE_OK)
        fail("panel", SCORE_ENOMEM);
    text t = {0};
    put(&t, "uscc,source,field,period,value\n");
    double t0 = now();
    for (unsigned e = 0; e < n; e++) {
        enterprise_lines(&t, e, 0, N_HISTORY - 1);
        if ((e + 1) % CHUNK == 0 || e + 1 == n)
            read_text(panel, &t);
    }
    prepare(panel);
    double t_read = now() - t0;
    printf("portfolio: %u enterprises, %zu observations (October 2022 to November 2024); "
           "generated and read in %.1f s\n", n, score_panel_n_observations(panel), t_read);

    char labels[] = "/tmp/bench_monitor_labels_XXXXXX";
    int fd = mkstemp(labels);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        fail("labels file", SCORE_EIO);
    fprintf(f, "uscc,default\n");
    for (unsigned e = 0; e < N_TRAIN; e++) {
        char uscc[19];
        uscc_of(e, uscc);
        fprintf(f, "%s,%d\n", uscc, defaulted(e));
    }
    fclose(f);
    score_train_options o;
    score_train_options_init(&o);
    o.max_rounds = 300; /* and otherwise the defaults of score train */
    score_model *model;
    t0 = now();
    int rc = score_model_train_signals(panel, "2023-11", labels, &o, &model);
    remove(labels);
    if (rc != SCORE_OK)
        fail("training", rc);
    size_t meta_len;
    score_model_metadata(model, NULL, 0, &meta_len);
    char *meta = malloc(meta_len + 1);
    score_model_metadata(model, meta, meta_len + 1, &meta_len);
    const char *trees = strstr(meta, "\"trees\":");
    printf("model: trained on %d enterprises in %.1f s; %.12s\n\n", N_TRAIN, now() - t0,
           trees ? trees : "");
    free(meta);

    printf("| share touched | enterprises re-assessed | add the month's data (read + sort) "
           "| incremental update | whole portfolio | speed-up | alerts | same alerts |\n"
           "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    double added = 0;
    for (int s = 0; s < n_shares; s++) {
        /* December 2024 lines for the enterprises this share adds */
        t0 = now();
        for (unsigned e = 0; e < n; e++) {
            if (touched(e, shares[s]) && !touched(e, added))
                enterprise_lines(&t, e, DECEMBER, DECEMBER);
            if (t.len > (size_t)64 << 20 || e + 1 == n)
                read_text(panel, &t);
        }
        prepare(panel);
        double t_add = now() - t0;
        added = shares[s];

        /* best of three runs of each path, on a machine shared with other work */
        score_alerts *incremental = NULL, *full = NULL;
        double t_inc = 1e300, t_full = 1e300;
        score_monitor_stats st = {.size = sizeof st};
        for (int run = 0; run < 3; run++) {
            score_monitor *monitor;
            score_alerts *alerts;
            if ((rc = score_monitor_new(model, NULL, &monitor)) != SCORE_OK ||
                (rc = score_monitor_update(monitor, panel, "2024-11", NULL)) != SCORE_OK)
                fail("the monitor's first month", rc);
            t0 = now();
            if ((rc = score_monitor_update(monitor, panel, "2024-12", &alerts)) != SCORE_OK)
                fail("update", rc);
            double t = now() - t0;
            t_inc = t < t_inc ? t : t_inc;
            score_monitor_stats_get(monitor, &st);
            score_monitor_free(monitor);
            score_alerts_free(incremental);
            incremental = alerts;
            t0 = now();
            if ((rc = score_monitor_evaluate(model, NULL, panel, "2024-12", "2024-11", &alerts)) !=
                SCORE_OK)
                fail("evaluate", rc);
            t = now() - t0;
            t_full = t < t_full ? t : t_full;
            score_alerts_free(full);
            full = alerts;
        }
        printf("| %g%% | %zu | %.2f s | %.3f s | %.2f s | %.1fx | %zu | %s |\n", shares[s],
               st.evaluated, t_add, t_inc, t_full, t_full / t_inc, score_alerts_count(full),
               same_alerts(incremental, full) ? "yes" : "NO");
        fflush(stdout);
        score_alerts_free(incremental);
        score_alerts_free(full);
    }
    free(t.p);
    score_model_free(model);
    score_panel_free(panel);
    return 0;
}
