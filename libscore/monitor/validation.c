/*
 * The validation pack's figures beyond discrimination curves: the gains
 * table by decile, confidence intervals of Gini and KS, calibration tests
 * (Jeffreys per grade, Hosmer-Lemeshow over deciles), a challenger (a WOE
 * logistic regression fitted by the library on the same sample, scored
 * out of fold) and the frequencies of the reason codes given. Each
 * method and its source is in docs/monitoring.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/normal.h"
#include "../model/woe.h"
#include "report.h"

#define Z95 1.959963984540054

typedef struct ranked_row {
    double pd;
    float label;
    int score;
    size_t row;
} ranked_row;

/* Riskiest first; equal PDs keep the sample's order, so that the deciles
 * are the same on every platform's qsort. */
static int riskier_first(const void *a, const void *b)
{
    const ranked_row *x = a, *y = b;
    if (x->pd != y->pd)
        return (x->pd < y->pd) - (x->pd > y->pd);
    return (x->row > y->row) - (x->row < y->row);
}

/* ---- gains table and Hosmer-Lemeshow ---------------------------------------- */

static void fill_deciles(sc_validation *v, const ranked_row *k, size_t n, double bads,
                         double goods)
{
    double cum_bad = 0, cum_good = 0, rate = bads / (bads + goods);
    v->n_deciles = n < SC_VALIDATION_DECILES ? n : SC_VALIDATION_DECILES;
    for (size_t d = 0; d < v->n_deciles; d++) {
        size_t from = d * n / v->n_deciles, to = (d + 1) * n / v->n_deciles;
        sc_decile *g = &v->decile[d];
        memset(g, 0, sizeof *g);
        g->score_min = g->score_max = k[from].score;
        double pd_sum = 0;
        for (size_t i = from; i < to; i++) {
            g->count++;
            g->defaults += k[i].label != 0;
            pd_sum += k[i].pd;
            g->score_min = k[i].score < g->score_min ? k[i].score : g->score_min;
            g->score_max = k[i].score > g->score_max ? k[i].score : g->score_max;
        }
        cum_bad += (double)g->defaults;
        cum_good += (double)(g->count - g->defaults);
        g->pd_mean = pd_sum / (double)g->count;
        g->default_rate = (double)g->defaults / (double)g->count;
        g->lift = rate > 0 ? g->default_rate / rate : NAN;
        g->cum_bad_share = bads > 0 ? cum_bad / bads : NAN;
        g->cum_good_share = goods > 0 ? cum_good / goods : NAN;
        g->ks = g->cum_bad_share - g->cum_good_share;
    }
}

/* HL = sum over deciles of (O - E)^2 / (E (1 - E / n)), chi-square with
 * groups - 2 degrees of freedom (Hosmer and Lemeshow, Applied Logistic
 * Regression, 2nd ed., 5.2.2). */
static void hosmer_lemeshow(sc_validation *v)
{
    double hl = 0;
    int groups = 0;
    for (size_t d = 0; d < v->n_deciles; d++) {
        const sc_decile *g = &v->decile[d];
        double e = g->pd_mean * (double)g->count;
        double denominator = e * (1 - e / (double)g->count);
        if (!(denominator > 0))
            continue;
        double o = (double)g->defaults;
        hl += (o - e) * (o - e) / denominator;
        groups++;
    }
    v->hl_df = groups - 2;
    v->hl_statistic = groups > 2 ? hl : NAN;
    v->hl_p = groups > 2 ? sc_chi2_sf(hl, v->hl_df) : NAN;
}

/* ---- intervals of Gini and KS --------------------------------------------- */

/* Gini = 2 AUC - 1 with the AUC's standard error by Hanley and McNeil
 * (Radiology 143, 1982, eq. 2). */
static void gini_interval(sc_validation *v, double auc, double bads, double goods)
{
    double q1 = auc / (2 - auc), q2 = 2 * auc * auc / (1 + auc);
    double var = (auc * (1 - auc) + (bads - 1) * (q1 - auc * auc) +
                  (goods - 1) * (q2 - auc * auc)) / (bads * goods);
    v->auc_se = var > 0 ? sqrt(var) : 0;
    v->gini = 2 * auc - 1;
    v->gini_low = fmax(-1, 2 * (auc - Z95 * v->auc_se) - 1);
    v->gini_high = fmin(1, 2 * (auc + Z95 * v->auc_se) - 1);
}

/* A distribution-free 95% interval of KS: each empirical distribution lies
 * within eps = sqrt(ln(2 / 0.025) / (2 n)) of its truth with probability
 * 0.975 (Dvoretzky-Kiefer-Wolfowitz with Massart's constant, Ann. Probab.
 * 18, 1990), so KS lies within the sum of both. Conservative, needs no
 * resampling. */
static void ks_interval(sc_validation *v, double ks, double bads, double goods)
{
    double c = log(2 / 0.025) / 2;
    double eps = sqrt(c / bads) + sqrt(c / goods);
    v->ks_low = fmax(0, ks - eps);
    v->ks_high = fmin(1, ks + eps);
}

/* ---- calibration by grade: Jeffreys ------------------------------------------- */

/* The p-value of the Jeffreys test (ECB, Instructions for reporting the
 * validation results of internal models, 2019, section 2.5.3.1): the
 * probability, under the Beta(d + 1/2, n - d + 1/2) posterior of the
 * default rate, that it lies below the grade's mean PD. Small values say
 * the PD is too low for the defaults seen. */
static void jeffreys(sc_validation *v, const size_t *count, const size_t *defaults,
                     const double *pd_sum, size_t n_grades)
{
    for (size_t g = 0; g < n_grades; g++) {
        double n = (double)count[g], d = (double)defaults[g];
        v->jeffreys_p[g] = count[g] ? sc_beta_cdf(pd_sum[g] / n, d + 0.5, n - d + 0.5) : NAN;
    }
}

/* ---- the challenger -------------------------------------------------------------- */

/* Fit WOE bins and a logistic regression on the rows of `fit_fold`, and
 * write PDs for the other rows into pd_out. Weak columns (IV below 0.02,
 * the usual floor of "useless") are left out. */
static int challenger_fold(const float *rows, const float *label, size_t n, size_t nf,
                           const int *directions, int fit_fold, double *pd_out,
                           size_t *used_out)
{
    size_t n_fit = 0;
    for (size_t i = 0; i < n; i++)
        n_fit += (int)(i % 2) == fit_fold;
    sc_woe_feature *bins = sc_malloc_array(nf, sizeof *bins);
    float *fit_rows = sc_malloc_array(n_fit, nf * sizeof *fit_rows);
    float *fit_label = sc_malloc_array(n_fit, sizeof *fit_label);
    size_t *used = sc_malloc_array(nf, sizeof *used);
    double *x = sc_malloc_array(n_fit, nf * sizeof *x), *coef = sc_malloc_array(nf + 1, sizeof *coef);
    int rc = bins && fit_rows && fit_label && used && x && coef
                 ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory for the challenger");
    for (size_t i = 0, r = 0; rc == SCORE_OK && i < n; i++)
        if ((int)(i % 2) == fit_fold) {
            memcpy(fit_rows + r * nf, rows + i * nf, nf * sizeof *rows);
            fit_label[r++] = label[i];
        }
    size_t p = 0;
    for (size_t j = 0; rc == SCORE_OK && j < nf; j++) {
        int trend = directions ? directions[j] : 0;
        if (sc_woe_fit(fit_rows + j, nf, fit_label, NULL, n_fit, trend, &bins[p]) != SCORE_OK)
            continue;
        if (bins[p].iv >= 0.02 && bins[p].n_bins > 1)
            used[p++] = j;
    }
    for (size_t r = 0; rc == SCORE_OK && r < n_fit; r++)
        for (size_t c = 0; c < p; c++)
            x[r * p + c] = sc_woe_of(&bins[c], fit_rows[r * nf + used[c]]);
    if (rc == SCORE_OK)
        rc = sc_logit_fit(x, fit_label, NULL, n_fit, p, 1.0, coef);
    for (size_t i = 0; rc == SCORE_OK && i < n; i++) {
        if ((int)(i % 2) == fit_fold)
            continue;
        double eta = coef[0];
        for (size_t c = 0; c < p; c++)
            eta += coef[c + 1] * sc_woe_of(&bins[c], rows[i * nf + used[c]]);
        pd_out[i] = 1 / (1 + exp(-eta));
    }
    *used_out = p;
    sc_free(bins), sc_free(fit_rows), sc_free(fit_label), sc_free(used), sc_free(x), sc_free(coef);
    return rc;
}

/* Two folds by row parity: each half is scored by the regression fitted on
 * the other, so the challenger's AUC is out of sample like a holdout's. */
static void challenger(sc_validation *v, const score_model *m, const float *rows,
                       const float *label, size_t n)
{
    v->challenger_auc = NAN;
    double *pd = sc_malloc_array(n, sizeof *pd);
    size_t used[2] = {0, 0};
    int rc = pd ? SCORE_OK : sc_error(SCORE_ENOMEM, "out of memory for the challenger");
    if (rc == SCORE_OK && n < 40)
        rc = sc_error(SCORE_EINVAL, "too few labelled rows (%zu) for two folds", n);
    for (int fold = 0; rc == SCORE_OK && fold < 2; fold++)
        rc = challenger_fold(rows, label, n, m->n_features, m->directions, fold, pd, &used[fold]);
    sc_metrics metrics;
    if (rc == SCORE_OK && (rc = sc_metrics_compute(pd, label, n, &metrics)) == SCORE_OK) {
        v->challenger_auc = metrics.auc;
        v->challenger_features = (used[0] + used[1] + 1) / 2;
    }
    if (rc != SCORE_OK)
        snprintf(v->challenger_note, sizeof v->challenger_note, "%s", score_last_error());
    sc_free(pd);
}

/* ---- reason codes -------------------------------------------------------------------- */

static int by_count(const void *a, const void *b)
{
    const sc_reason_count *x = a, *y = b;
    if (x->any != y->any)
        return x->any < y->any ? 1 : -1;
    return strcmp(x->code, y->code);
}

static void count_reason(sc_validation *v, const char *code, int first)
{
    size_t i = 0;
    while (i < v->n_reasons && strcmp(v->reasons[i].code, code) != 0)
        i++;
    if (i == v->n_reasons) {
        if (v->n_reasons == SC_VALIDATION_MAX_CODES)
            return;
        v->reasons[v->n_reasons++] = (sc_reason_count){code, 0, 0};
    }
    v->reasons[i].any++;
    v->reasons[i].first += first;
}

static int reason_frequencies(sc_validation *v, const score_model *m, const float *rows, size_t n)
{
    size_t k = score_model_n_reasons(m), nf = m->n_features;
    int *reasons = sc_malloc_array(n * (k ? k : 1), sizeof *reasons);
    if (!reasons)
        return sc_error(SCORE_ENOMEM, "out of memory for the reason codes");
    int rc = score_model_score(m, rows, n, NULL, NULL, NULL, NULL, reasons);
    for (size_t i = 0; rc == SCORE_OK && i < n; i++) {
        for (size_t j = 0; j < k && reasons[i * k + j] >= 0; j++) {
            size_t f = (size_t)reasons[i * k + j];
            const char *code;
            if (score_model_reason(m, f, rows[i * nf + f], &code, NULL, 0, NULL, 0) == SCORE_OK)
                count_reason(v, code, j == 0);
        }
        v->rows_with_reasons += k > 0 && reasons[i * k] >= 0;
    }
    qsort(v->reasons, v->n_reasons, sizeof *v->reasons, by_count);
    sc_free(reasons);
    return rc;
}

/* ---- all of it ----------------------------------------------------------------------------- */

int sc_validation_compute(sc_validation *v, const score_model *m, const sc_validation_input *in)
{
    memset(v, 0, sizeof *v);
    size_t n = in->n;
    ranked_row *k = sc_malloc_array(n ? n : 1, sizeof *k);
    size_t count[SC_MAX_GRADES] = {0}, defaults[SC_MAX_GRADES] = {0};
    double pd_sum[SC_MAX_GRADES] = {0}, bads = 0;
    if (!k)
        return sc_error(SCORE_ENOMEM, "out of memory for the validation figures");
    for (size_t i = 0; i < n; i++) {
        k[i] = (ranked_row){in->pd[i], in->label[i], in->score[i], i};
        size_t g = (size_t)in->grade[i];
        count[g]++;
        defaults[g] += in->label[i] != 0;
        pd_sum[g] += in->pd[i];
        bads += in->label[i] != 0;
    }
    qsort(k, n, sizeof *k, riskier_first);
    double goods = (double)n - bads;
    fill_deciles(v, k, n, bads, goods);
    sc_free(k);
    hosmer_lemeshow(v);
    jeffreys(v, count, defaults, pd_sum, m->n_grades);
    if (bads > 0 && goods > 0) {
        gini_interval(v, in->auc, bads, goods);
        ks_interval(v, in->ks, bads, goods);
        challenger(v, m, in->rows, in->label, n);
    } else {
        v->gini = v->gini_low = v->gini_high = v->ks_low = v->ks_high = NAN;
        v->challenger_auc = NAN;
        snprintf(v->challenger_note, sizeof v->challenger_note,
                 "the sample needs both defaults and non-defaults");
    }
    return reason_frequencies(v, m, in->rows, n);
}
