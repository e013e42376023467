#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "woe.h"

/* ---- binning ------------------------------------------------------------- */

typedef struct woe_row {
    double value, label, weight;
} woe_row;

static int by_value(const void *a, const void *b)
{
    double x = ((const woe_row *)a)->value, y = ((const woe_row *)b)->value;
    return (x > y) - (x < y);
}

typedef struct bin_set {
    size_t n;
    double edges[SC_WOE_MAX_BINS - 1];
    double count[SC_WOE_MAX_BINS], bad[SC_WOE_MAX_BINS];
} bin_set;

/* Quantile pre-bins: an edge is the first value of the next bin, placed only
 * where the value changes, so equal values never straddle two bins. */
static void prebin(const woe_row *rows, size_t n, double total, bin_set *b)
{
    memset(b, 0, sizeof *b);
    b->n = 1;
    double cumulative = 0;
    for (size_t i = 0; i < n; i++) {
        double target = total * (double)b->n / SC_WOE_MAX_BINS;
        if (i > 0 && rows[i].value != rows[i - 1].value && cumulative >= target &&
            b->n < SC_WOE_MAX_BINS) {
            b->edges[b->n - 1] = rows[i].value;
            b->n++;
        }
        b->count[b->n - 1] += rows[i].weight;
        b->bad[b->n - 1] += rows[i].weight * rows[i].label;
        cumulative += rows[i].weight;
    }
}

static double bad_rate(const bin_set *b, size_t i)
{
    return b->count[i] > 0 ? b->bad[i] / b->count[i] : 0;
}

/* Merge bin i + 1 into bin i. */
static void merge_next(bin_set *b, size_t i)
{
    b->count[i] += b->count[i + 1];
    b->bad[i] += b->bad[i + 1];
    for (size_t j = i + 1; j + 1 < b->n; j++) {
        b->count[j] = b->count[j + 1];
        b->bad[j] = b->bad[j + 1];
        b->edges[j - 1] = b->edges[j];
    }
    b->n--;
}

/* The direction the data choose: the sign of the weighted covariance of
 * the bin's position and its bad rate. */
static int data_trend(const bin_set *b)
{
    double w = 0, mean_i = 0, mean_r = 0, cov = 0;
    for (size_t i = 0; i < b->n; i++) {
        w += b->count[i];
        mean_i += b->count[i] * (double)i;
        mean_r += b->bad[i];
    }
    if (w <= 0)
        return 1;
    mean_i /= w;
    mean_r /= w;
    for (size_t i = 0; i < b->n; i++)
        cov += b->count[i] * ((double)i - mean_i) * (bad_rate(b, i) - mean_r);
    return cov < 0 ? -1 : 1;
}

/* Pool adjacent violators: after it the bad rate strictly follows `trend`. */
static void pool_violators(bin_set *b, int trend)
{
    size_t i = 0;
    while (i + 1 < b->n) {
        double step = (bad_rate(b, i + 1) - bad_rate(b, i)) * trend;
        if (step > 0) {
            i++;
            continue;
        }
        merge_next(b, i);
        if (i > 0)
            i--; /* the pooled bin may now break the trend with its left neighbour */
    }
}

/* Bins under the minimum share merge with the neighbour whose bad rate is
 * closer; a merge of adjacent monotone bins stays monotone. */
static void merge_small(bin_set *b, double total)
{
    while (b->n > 1) {
        size_t smallest = 0;
        for (size_t i = 1; i < b->n; i++)
            if (b->count[i] < b->count[smallest])
                smallest = i;
        if (b->count[smallest] >= SC_WOE_MIN_BIN_SHARE * total)
            return;
        size_t left;
        if (smallest == 0)
            left = 0;
        else if (smallest == b->n - 1)
            left = smallest - 1;
        else {
            double r = bad_rate(b, smallest);
            double to_left = fabs(r - bad_rate(b, smallest - 1));
            double to_right = fabs(r - bad_rate(b, smallest + 1));
            left = to_left <= to_right ? smallest - 1 : smallest;
        }
        merge_next(b, left);
    }
}

/* ln((bad share) / (good share)), with half a row added to both counts
 * when either is empty so that the WOE stays finite. */
static double woe_of_counts(double count, double bad, double total_bad, double total_good)
{
    double good = count - bad;
    if (bad <= 0 || good <= 0) {
        bad += 0.5;
        good += 0.5;
    }
    return log((bad / total_bad) / (good / total_good));
}

static void finish(const bin_set *b, double missing_count, double missing_bad, double total_bad,
                   double total_good, int trend, sc_woe_feature *out)
{
    memset(out, 0, sizeof *out);
    out->n_bins = b->n;
    out->trend = b->n > 1 ? trend : 0;
    for (size_t i = 0; i < b->n; i++) {
        if (i + 1 < b->n)
            out->edges[i] = b->edges[i];
        out->count[i] = b->count[i];
        out->bad[i] = b->bad[i];
        out->woe[i] = woe_of_counts(b->count[i], b->bad[i], total_bad, total_good);
        out->iv += (b->bad[i] / total_bad - (b->count[i] - b->bad[i]) / total_good) * out->woe[i];
    }
    out->missing_count = missing_count;
    out->missing_bad = missing_bad;
    double total = total_bad + total_good;
    if (missing_count >= SC_WOE_MIN_BIN_SHARE * total) {
        out->missing_woe = woe_of_counts(missing_count, missing_bad, total_bad, total_good);
        out->iv += (missing_bad / total_bad - (missing_count - missing_bad) / total_good) *
                   out->missing_woe;
    }
}

int sc_woe_fit(const float *column, size_t stride, const float *label, const float *weight,
               size_t n, int trend, sc_woe_feature *out)
{
    if (!column || !label || !out || stride == 0 || n == 0 || trend < -1 || trend > 1)
        return sc_error(SCORE_EINVAL, "woe binning: bad arguments");
    woe_row *rows = sc_malloc_array(n, sizeof *rows);
    if (!rows)
        return sc_error(SCORE_ENOMEM, "woe binning: out of memory");
    size_t m = 0;
    double total_bad = 0, total_good = 0, missing_count = 0, missing_bad = 0, present = 0;
    for (size_t i = 0; i < n; i++) {
        double w = weight ? weight[i] : 1.0, y = label[i], x = column[i * stride];
        total_bad += w * y;
        total_good += w * (1 - y);
        if (isnan(x)) {
            missing_count += w;
            missing_bad += w * y;
        } else {
            rows[m++] = (woe_row){x, y, w};
            present += w;
        }
    }
    if (total_bad <= 0 || total_good <= 0) {
        sc_free(rows);
        return sc_error(SCORE_EINVAL, "woe binning: the labels need both goods and bads");
    }
    qsort(rows, m, sizeof *rows, by_value);
    bin_set b;
    prebin(rows, m, present, &b);
    sc_free(rows);
    if (trend == 0)
        trend = data_trend(&b);
    pool_violators(&b, trend);
    merge_small(&b, total_bad + total_good);
    finish(&b, missing_count, missing_bad, total_bad, total_good, trend, out);
    return SCORE_OK;
}

size_t sc_woe_bin_of(const sc_woe_feature *f, double value)
{
    if (isnan(value))
        return f->n_bins;
    size_t lo = 0, hi = f->n_bins - 1; /* the first edge above value */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (value < f->edges[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double sc_woe_of(const sc_woe_feature *f, double value)
{
    size_t bin = sc_woe_bin_of(f, value);
    return bin == f->n_bins ? f->missing_woe : f->woe[bin];
}

/* ---- logistic regression by IRLS ------------------------------------------ */

/* Solve a x = b for symmetric positive definite a (k x k, destroyed) by
 * Cholesky; -1 when a is not positive definite. */
static int cholesky_solve(double *a, double *b, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        double d = a[j * k + j];
        for (size_t t = 0; t < j; t++)
            d -= a[j * k + t] * a[j * k + t];
        if (!(d > 1e-300))
            return -1;
        d = sqrt(d);
        a[j * k + j] = d;
        for (size_t i = j + 1; i < k; i++) {
            double s = a[i * k + j];
            for (size_t t = 0; t < j; t++)
                s -= a[i * k + t] * a[j * k + t];
            a[i * k + j] = s / d;
        }
    }
    for (size_t i = 0; i < k; i++) { /* L y = b */
        double s = b[i];
        for (size_t t = 0; t < i; t++)
            s -= a[i * k + t] * b[t];
        b[i] = s / a[i * k + i];
    }
    for (size_t i = k; i-- > 0;) { /* L^T x = y */
        double s = b[i];
        for (size_t t = i + 1; t < k; t++)
            s -= a[t * k + i] * b[t];
        b[i] = s / a[i * k + i];
    }
    return 0;
}

/* One Newton step: the normal equations of the weighted least squares on
 * the working response, accumulated row by row. */
static void normal_equations(const double *x, const float *label, const float *weight, size_t n,
                             size_t p, double ridge, const double *coef, double *a, double *b)
{
    size_t k = p + 1;
    memset(a, 0, k * k * sizeof *a);
    memset(b, 0, k * sizeof *b);
    for (size_t r = 0; r < n; r++) {
        const double *xr = x + r * p;
        double eta = coef[0];
        for (size_t j = 0; j < p; j++)
            eta += coef[j + 1] * xr[j];
        double mu = 1.0 / (1.0 + exp(-eta));
        double v = mu * (1 - mu);
        if (v < 1e-12)
            v = 1e-12;
        double w = (weight ? weight[r] : 1.0) * v;
        double z = eta + (label[r] - mu) / v;
        for (size_t i = 0; i < k; i++) {
            double xi = i == 0 ? 1.0 : xr[i - 1];
            b[i] += w * xi * z;
            for (size_t j = 0; j <= i; j++)
                a[i * k + j] += w * xi * (j == 0 ? 1.0 : xr[j - 1]);
        }
    }
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < i; j++)
            a[j * k + i] = a[i * k + j];
        if (i > 0)
            a[i * k + i] += ridge;
    }
}

/* The penalised log-likelihood that IRLS climbs. */
static double penalised_loglik(const double *x, const float *label, const float *weight, size_t n,
                               size_t p, double ridge, const double *coef)
{
    double ll = 0;
    for (size_t r = 0; r < n; r++) {
        double eta = coef[0];
        for (size_t j = 0; j < p; j++)
            eta += coef[j + 1] * x[r * p + j];
        /* log(1 + e^eta) without overflow */
        double log1pexp = eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));
        ll += (weight ? weight[r] : 1.0) * (label[r] * eta - log1pexp);
    }
    for (size_t j = 1; j <= p; j++)
        ll -= 0.5 * ridge * coef[j] * coef[j];
    return ll;
}

int sc_logit_fit(const double *x, const float *label, const float *weight, size_t n, size_t p,
                 double ridge, double *coef)
{
    if (!x || !label || !coef || n == 0 || !(ridge >= 0))
        return sc_error(SCORE_EINVAL, "logistic regression: bad arguments");
    size_t k = p + 1;
    double *a = sc_malloc_array(k * k, sizeof *a), *b = sc_malloc_array(k, sizeof *b);
    if (!a || !b) {
        sc_free(a), sc_free(b);
        return sc_error(SCORE_ENOMEM, "logistic regression: out of memory");
    }
    double bad = 0, all = 0;
    for (size_t r = 0; r < n; r++) {
        double w = weight ? weight[r] : 1.0;
        bad += w * label[r];
        all += w;
    }
    memset(coef, 0, k * sizeof *coef);
    if (bad <= 0 || bad >= all) {
        sc_free(a), sc_free(b);
        return sc_error(SCORE_EINVAL, "logistic regression: the labels need both goods and bads");
    }
    coef[0] = log(bad / (all - bad));
    double ll = penalised_loglik(x, label, weight, n, p, ridge, coef);
    int rc = sc_error(SCORE_EINVAL, "logistic regression: no convergence in 100 iterations");
    for (int iteration = 0; iteration < 100; iteration++) {
        normal_equations(x, label, weight, n, p, ridge, coef, a, b);
        if (cholesky_solve(a, b, k) != 0) {
            rc = sc_error(SCORE_EINVAL, "logistic regression: the columns are collinear "
                                        "(singular system); add a ridge penalty");
            break;
        }
        /* b is the full Newton step's target; halve the step while the
         * likelihood falls (far from the optimum a full step can overshoot) */
        double step = 1, next_ll = ll;
        for (int halving = 0; halving < 40; halving++, step /= 2) {
            for (size_t i = 0; i < k; i++)
                a[i] = coef[i] + step * (b[i] - coef[i]);
            next_ll = penalised_loglik(x, label, weight, n, p, ridge, a);
            if (next_ll >= ll - 1e-12 * fabs(ll))
                break;
        }
        double moved = 0;
        for (size_t i = 0; i < k; i++) {
            double change = fabs(a[i] - coef[i]) / (1.0 + fabs(coef[i]));
            moved = change > moved ? change : moved;
            coef[i] = a[i];
        }
        if (!isfinite(moved) || !isfinite(next_ll)) {
            rc = sc_error(SCORE_EINVAL, "logistic regression: the fit is not finite");
            break;
        }
        ll = next_ll;
        if (moved < 1e-10) {
            rc = SCORE_OK;
            break;
        }
    }
    sc_free(a);
    sc_free(b);
    return rc;
}
