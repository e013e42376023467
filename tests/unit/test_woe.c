/* WOE binning and IRLS logistic regression (model/woe.h). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "model/woe.h"

/* A fixed generator, so the data are the same on every machine. */
static double uniform(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

enum { N = 20000 };

/* Risk rising with x, 10% missing with a high bad rate. */
static void make_data(float *x, float *y, int u_shape)
{
    unsigned long long s = 42;
    for (int i = 0; i < N; i++) {
        double v = uniform(&s) * 10;
        double logit = u_shape ? 0.15 * (v - 5) * (v - 5) - 2.5 : 0.5 * v - 4;
        double p = 1 / (1 + exp(-logit));
        int missing = uniform(&s) < 0.1;
        x[i] = missing ? NAN : (float)v;
        y[i] = uniform(&s) < (missing ? 0.5 : p) ? 1.0f : 0.0f;
    }
}

static void check_bins(const sc_woe_feature *f, const float *x, const float *y, int trend)
{
    double total_bad = 0, total = N;
    for (int i = 0; i < N; i++)
        total_bad += y[i];
    double total_good = total - total_bad, iv = 0;
    double count[SC_WOE_MAX_BINS + 1] = {0}, bad[SC_WOE_MAX_BINS + 1] = {0};
    for (int i = 0; i < N; i++) {
        size_t b = sc_woe_bin_of(f, x[i]);
        cr_assert(b <= f->n_bins);
        count[b] += 1;
        bad[b] += y[i];
    }
    for (size_t b = 0; b < f->n_bins; b++) {
        cr_assert_eq(count[b], f->count[b], "bin %zu", b);
        cr_assert_geq(count[b], SC_WOE_MIN_BIN_SHARE * total, "bin %zu holds %g rows", b, count[b]);
        double woe = log((bad[b] / total_bad) / ((count[b] - bad[b]) / total_good));
        cr_assert_float_eq(f->woe[b], woe, 1e-12);
        iv += (bad[b] / total_bad - (count[b] - bad[b]) / total_good) * woe;
        if (b > 0)
            cr_assert_gt((bad[b] / count[b] - bad[b - 1] / count[b - 1]) * trend, 0,
                         "bad rate of bin %zu does not follow the trend", b);
    }
    size_t m = f->n_bins;
    double missing_woe = log((bad[m] / total_bad) / ((count[m] - bad[m]) / total_good));
    cr_assert_float_eq(f->missing_woe, missing_woe, 1e-12);
    iv += (bad[m] / total_bad - (count[m] - bad[m]) / total_good) * missing_woe;
    cr_assert_float_eq(f->iv, iv, 1e-12);
}

Test(woe, monotone_risk_gives_monotone_bins_and_the_trend)
{
    static float x[N], y[N];
    make_data(x, y, 0);
    sc_woe_feature f;
    cr_assert_eq(sc_woe_fit(x, 1, y, NULL, N, 0, &f), SCORE_OK);
    cr_assert_eq(f.trend, 1);
    cr_assert_geq(f.n_bins, 5, "a strong signal keeps many bins (%zu)", f.n_bins);
    check_bins(&f, x, y, 1);
    cr_assert_gt(f.iv, 0.5);
}

Test(woe, a_forced_trend_holds_on_a_u_shape)
{
    static float x[N], y[N];
    make_data(x, y, 1);
    sc_woe_feature up, down;
    cr_assert_eq(sc_woe_fit(x, 1, y, NULL, N, 1, &up), SCORE_OK);
    cr_assert_eq(sc_woe_fit(x, 1, y, NULL, N, -1, &down), SCORE_OK);
    check_bins(&up, x, y, 1);
    check_bins(&down, x, y, -1);
}

Test(woe, weights_count_as_rows)
{
    static float x[N], y[N], w[N];
    make_data(x, y, 0);
    for (int i = 0; i < N; i++)
        w[i] = 2.0f;
    sc_woe_feature one, two;
    cr_assert_eq(sc_woe_fit(x, 1, y, NULL, N, 0, &one), SCORE_OK);
    cr_assert_eq(sc_woe_fit(x, 1, y, w, N, 0, &two), SCORE_OK);
    cr_assert_eq(one.n_bins, two.n_bins);
    for (size_t b = 0; b < one.n_bins; b++)
        cr_assert_float_eq(one.woe[b], two.woe[b], 1e-12);
}

Test(woe, one_class_is_refused)
{
    float x[4] = {1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
    sc_woe_feature f;
    cr_assert_eq(sc_woe_fit(x, 1, y, NULL, 4, 0, &f), SCORE_EINVAL);
}

/* One binary column: the maximum-likelihood fit is the two groups' log-odds. */
Test(logit, binary_column_gives_the_groups_log_odds)
{
    enum { M = 1000 };
    static double x[M];
    static float y[M];
    size_t bad0 = 0, n0 = 0, bad1 = 0, n1 = 0;
    for (int i = 0; i < M; i++) {
        x[i] = i % 2;
        y[i] = (i % 2 == 0) ? (i % 10 == 0) : (i % 6 == 1 || i % 6 == 3);
        if (i % 2 == 0) {
            n0++;
            bad0 += y[i] > 0;
        } else {
            n1++;
            bad1 += y[i] > 0;
        }
    }
    double coef[2];
    cr_assert_eq(sc_logit_fit(x, y, NULL, M, 1, 0.0, coef), SCORE_OK, "%s", score_last_error());
    double l0 = log((double)bad0 / (double)(n0 - bad0)), l1 = log((double)bad1 / (double)(n1 - bad1));
    cr_assert_float_eq(coef[0], l0, 1e-9);
    cr_assert_float_eq(coef[1], l1 - l0, 1e-9);
}

/* At the optimum the penalised score equations hold:
 * sum (y - mu) x_j = ridge * b_j for every column, and sum (y - mu) = 0. */
Test(logit, penalised_score_equations_hold)
{
    enum { M = 5000, P = 3 };
    static double x[M * P];
    static float y[M];
    unsigned long long s = 7;
    for (int i = 0; i < M; i++) {
        double eta = -1;
        for (int j = 0; j < P; j++) {
            x[i * P + j] = uniform(&s) * 2 - 1;
            eta += (j + 1) * 0.7 * x[i * P + j];
        }
        y[i] = uniform(&s) < 1 / (1 + exp(-eta));
    }
    double coef[P + 1], ridge = 3.0;
    cr_assert_eq(sc_logit_fit(x, y, NULL, M, P, ridge, coef), SCORE_OK);
    double grad[P + 1] = {0};
    for (int i = 0; i < M; i++) {
        double eta = coef[0];
        for (int j = 0; j < P; j++)
            eta += coef[j + 1] * x[i * P + j];
        double r = y[i] - 1 / (1 + exp(-eta));
        grad[0] += r;
        for (int j = 0; j < P; j++)
            grad[j + 1] += r * x[i * P + j];
    }
    cr_assert(fabs(grad[0]) < 1e-8, "intercept equation %g", grad[0]);
    for (int j = 0; j < P; j++)
        cr_assert(fabs(grad[j + 1] - ridge * coef[j + 1]) < 1e-8, "column %d", j);
}

Test(logit, collinear_columns_need_a_ridge)
{
    enum { M = 200 };
    static double x[M * 2];
    static float y[M];
    for (int i = 0; i < M; i++) {
        x[2 * i] = x[2 * i + 1] = i % 7;
        y[i] = i % 3 == 0;
    }
    double coef[3];
    cr_assert_eq(sc_logit_fit(x, y, NULL, M, 2, 0.0, coef), SCORE_EINVAL);
    cr_assert_eq(sc_logit_fit(x, y, NULL, M, 2, 1e-3, coef), SCORE_OK);
    cr_assert_float_eq(coef[1], coef[2], 1e-9);
}
