#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

typedef struct scored {
    double pd;
    float label;
} scored;

static int by_pd(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return (x->pd > y->pd) - (x->pd < y->pd);
}

/* AUC from average ranks (ties count half) and KS from the same ordering,
 * walking tie groups together so that equal scores never split. */
static void rank_metrics(const scored *s, size_t n, double n_bad, double n_good, sc_metrics *out)
{
    double rank_sum = 0, bad_seen = 0, good_seen = 0, ks = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double bads = 0;
        while (j < n && s[j].pd == s[i].pd)
            bads += s[j++].label;
        double average_rank = (double)(i + 1 + j) / 2.0;
        rank_sum += bads * average_rank;
        bad_seen += bads;
        good_seen += (double)(j - i) - bads;
        double gap = fabs(bad_seen / n_bad - good_seen / n_good);
        if (gap > ks)
            ks = gap;
        i = j;
    }
    out->auc = (rank_sum - n_bad * (n_bad + 1) / 2) / (n_bad * n_good);
    out->ks = ks;
}

int sc_metrics_compute(const double *pd, const float *label, size_t n, sc_metrics *out)
{
    if (n == 0)
        return sc_error(SCORE_EINVAL, "metrics of an empty sample");
    scored *s = sc_malloc_array(n, sizeof *s);
    if (!s)
        return sc_error(SCORE_ENOMEM, "out of memory computing metrics");
    double n_bad = 0, brier = 0, loss = 0, sum_pd = 0;
    for (size_t i = 0; i < n; i++) {
        s[i] = (scored){pd[i], label[i]};
        double p = pd[i] < 1e-15 ? 1e-15 : pd[i] > 1 - 1e-15 ? 1 - 1e-15 : pd[i];
        n_bad += label[i];
        brier += (pd[i] - label[i]) * (pd[i] - label[i]);
        loss -= label[i] ? log(p) : log(1 - p);
        sum_pd += pd[i];
    }
    memset(out, 0, sizeof *out);
    out->n = n;
    out->n_default = (size_t)n_bad;
    out->brier = brier / (double)n;
    out->log_loss = loss / (double)n;
    out->default_rate = n_bad / (double)n;
    out->mean_pd = sum_pd / (double)n;
    out->auc = out->ks = NAN;
    if (n_bad > 0 && n_bad < (double)n) {
        qsort(s, n, sizeof *s, by_pd);
        rank_metrics(s, n, n_bad, (double)n - n_bad, out);
    }
    sc_free(s);
    return SCORE_OK;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int sc_distribution_fit(const double *values, size_t n, sc_distribution *out)
{
    memset(out, 0, sizeof *out);
    double *present = sc_malloc_array(n ? n : 1, sizeof *present);
    if (!present)
        return sc_error(SCORE_ENOMEM, "out of memory binning a distribution");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            present[m++] = values[i];
    qsort(present, m, sizeof *present, by_value);
    /* quantile edges, each strictly above the one before, so ties never split */
    size_t edges = 0;
    for (size_t q = 1; q < SC_POPULATION_BINS && m > 0; q++) {
        double edge = present[q * m / SC_POPULATION_BINS];
        if (edge > present[0] && (edges == 0 || edge > out->edges[edges - 1]))
            out->edges[edges++] = edge;
    }
    out->n_bins = edges + 1;
    for (size_t i = 0; i < m; i++) {
        size_t b = 0;
        while (b < edges && present[i] >= out->edges[b])
            b++;
        out->share[b] += 1;
    }
    for (size_t b = 0; b < out->n_bins; b++)
        out->share[b] = n ? out->share[b] / (double)n : 0;
    out->missing = n ? (double)(n - m) / (double)n : 0;
    sc_free(present);
    return SCORE_OK;
}
