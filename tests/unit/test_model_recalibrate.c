/* Calibration to another population without retraining: margins from a
 * population whose default rate differs from the model's, labels drawn from
 * its true PDs; the refitted model's mean PD on held-out firms within 10%
 * of their observed rate, decile calibration error at most 0.015, AUC the
 * same to 1e-12, the central tendency hit to 1e-6, bad input refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define DEFAULT_MODEL TEST_SOURCE_DIR "/models/default.json.gz"
#define N 40000

static uint64_t state = 0x9E3779B97F4A7C15u;
static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* Another population: margins spread as the model's, a true PD that is a
 * logistic function of the margin with its own slope and intercept (mean
 * PD about 4.7%, where the model would say about three times that). */
static void population(double *margin, float *label)
{
    for (size_t i = 0; i < N; i++) {
        margin[i] = -2.2 + 1.1 * normal();
        double pd = 1 / (1 + exp(-(0.9 * margin[i] - 1.4)));
        label[i] = uniform() < pd ? 1.0f : 0.0f;
    }
}

static double decile_error(const double *pd, const float *label, size_t n)
{
    /* firms sorted by PD, ten equal groups: the largest gap between the
     * mean PD and the observed rate of a group */
    size_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    double worst = 0;
    /* indices sorted by PD (shell sort: no globals) */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && pd[order[j - gap]] > pd[order[j]]; j -= gap) {
                size_t t = order[j];
                order[j] = order[j - gap];
                order[j - gap] = t;
            }
    for (int d = 0; d < 10; d++) {
        size_t lo = n * (size_t)d / 10, hi = n * (size_t)(d + 1) / 10;
        double sp = 0, sl = 0;
        for (size_t k = lo; k < hi; k++) {
            sp += pd[order[k]];
            sl += label[order[k]];
        }
        worst = fmax(worst, fabs(sp - sl) / (double)(hi - lo));
    }
    free(order);
    return worst;
}

Test(model_recalibrate, another_population)
{
    score_model *m = NULL;
    cr_assert_eq(score_model_load(DEFAULT_MODEL, &m), SCORE_OK, "%s", score_last_error());
    double *margin = malloc(N * sizeof *margin), *pd = malloc(N * sizeof *pd);
    double *pd0 = malloc(N * sizeof *pd0);
    float *label = malloc(N * sizeof *label);
    population(margin, label);
    size_t half = N / 2; /* fit on the first half, judge on the second */
    for (size_t i = 0; i < N; i++)
        pd0[i] = sc_calibrated_pd(&m->calibration, margin[i]);
    sc_metrics before, after;
    cr_assert_eq(sc_metrics_compute(pd0 + half, label + half, N - half, &before), SCORE_OK);

    char id[17];
    score_model_identity(m, id);
    size_t trees = strlen(m->xgboost_json);
    cr_assert_eq(score_model_recalibrate(m, margin, label, half, -1), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(strlen(m->xgboost_json), trees);
    for (size_t i = 0; i < N; i++)
        pd[i] = sc_calibrated_pd(&m->calibration, margin[i]);
    cr_assert_eq(sc_metrics_compute(pd + half, label + half, N - half, &after), SCORE_OK);
    double observed = after.default_rate;
    cr_assert(fabs(after.mean_pd - observed) <= 0.10 * observed, "mean PD %g, observed %g",
              after.mean_pd, observed);
    cr_assert(fabs(before.mean_pd - observed) > 0.10 * observed,
              "the population must differ from the model's to test anything");
    double err = decile_error(pd + half, label + half, N - half);
    cr_assert(err <= 0.015, "decile calibration error %g", err);
    cr_assert(fabs(after.auc - before.auc) <= 1e-12, "AUC %.17g vs %.17g", after.auc, before.auc);
    cr_assert(json_object_get(m->metadata, "recalibrated"));

    /* the central tendency: the mean PD over the margins given, to 1e-6 */
    cr_assert_eq(score_model_recalibrate(m, margin, NULL, N, 0.047), SCORE_OK, "%s",
                 score_last_error());
    double sum = 0;
    for (size_t i = 0; i < N; i++)
        sum += sc_calibrated_pd(&m->calibration, margin[i]);
    cr_assert(fabs(sum / N - 0.047) <= 1e-6, "mean %.9g", sum / N);

    /* refused, the model unchanged */
    sc_calibration kept = m->calibration;
    cr_assert_eq(score_model_recalibrate(m, margin, NULL, N, -1), SCORE_EINVAL);
    cr_assert_eq(score_model_recalibrate(m, margin, NULL, N, 1.5), SCORE_EINVAL);
    for (size_t i = 0; i < 100; i++)
        label[i] = 0;
    cr_assert_eq(score_model_recalibrate(m, margin, label, 100, -1), SCORE_EINVAL);
    label[3] = 2;
    cr_assert_eq(score_model_recalibrate(m, margin, label, 100, -1), SCORE_EINVAL);
    cr_assert(!memcmp(&kept, &m->calibration, sizeof kept));
    free(margin);
    free(pd);
    free(pd0);
    free(label);
    score_model_free(m);
}
