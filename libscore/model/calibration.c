#include <math.h>
#include <stdio.h>

#include "../core/scale.h"
#include "model.h"

double sc_calibrated_pd(const sc_calibration *c, double margin)
{
    double z = c->a * margin + c->b;
    return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* Negative log-likelihood of Platt's smoothed targets, and its gradient
 * and Hessian in (a, b). */
static double platt_loss(const double *m, const double *t, size_t n, double a, double b,
                         double grad[2], double hess[3])
{
    double loss = 0;
    grad[0] = grad[1] = hess[0] = hess[1] = hess[2] = 0;
    for (size_t i = 0; i < n; i++) {
        double z = a * m[i] + b;
        double p = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
        /* log(1 + e^z) - t z, computed without overflow */
        loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - t[i] * z;
        double r = p - t[i], w = p * (1 - p);
        grad[0] += r * m[i];
        grad[1] += r;
        hess[0] += w * m[i] * m[i];
        hess[1] += w * m[i];
        hess[2] += w;
    }
    return loss;
}

int sc_calibration_fit(const double *margin, const float *label, size_t n, sc_calibration *out)
{
    double positives = 0;
    for (size_t i = 0; i < n; i++)
        positives += label[i];
    if (n < 2 || positives == 0 || positives == (double)n)
        return sc_error(SCORE_EINVAL, "calibration needs defaults and non-defaults in the held-out "
                        "sample (%zu rows, %.0f defaults)", n, positives);
    /* Platt's targets keep the fit finite when the classes separate */
    double hi = (positives + 1) / (positives + 2), lo = 1 / ((double)n - positives + 2);
    double *t = sc_malloc_array(n, sizeof *t);
    if (!t)
        return sc_error(SCORE_ENOMEM, "out of memory fitting the calibration");
    for (size_t i = 0; i < n; i++)
        t[i] = label[i] ? hi : lo;
    double a = 1, b = 0, g[2], h[3];
    double loss = platt_loss(margin, t, n, a, b, g, h);
    for (int iter = 0; iter < 100; iter++) {
        double det = (h[0] + 1e-12) * (h[2] + 1e-12) - h[1] * h[1];
        if (!(fabs(det) > 0))
            break;
        double da = -((h[2] + 1e-12) * g[0] - h[1] * g[1]) / det;
        double db = -((h[0] + 1e-12) * g[1] - h[1] * g[0]) / det;
        double step = 1, next = loss, g2[2], h2[3];
        for (; step > 1e-10; step /= 2) {
            next = platt_loss(margin, t, n, a + step * da, b + step * db, g2, h2);
            if (next <= loss)
                break;
        }
        if (step <= 1e-10)
            break;
        a += step * da;
        b += step * db;
        double improvement = loss - next;
        loss = next;
        g[0] = g2[0], g[1] = g2[1], h[0] = h2[0], h[1] = h2[1], h[2] = h2[2];
        if (improvement < 1e-12 * (1 + fabs(loss)))
            break;
    }
    sc_free(t);
    if (a > SC_CALIBRATION_MAX || fabs(b) > SC_CALIBRATION_MAX)
        return sc_error(SCORE_EINVAL, "calibration failed: a = %g, b = %g beyond the bound %g "
                        "(the held-out margins barely vary)", a, b, SC_CALIBRATION_MAX);
    if (!isfinite(a) || !isfinite(b) || a <= 0)
        return sc_error(SCORE_EINVAL, "calibration failed: the held-out margins do not rank "
                        "defaults above non-defaults (a = %g)", a);
    out->a = a;
    out->b = b;
    return SCORE_OK;
}

int sc_score_of_pd(const sc_scaling *s, double pd)
{
    if (!(pd > 0))
        return s->riskier ? s->min_score : s->max_score;
    if (!(pd < 1))
        return s->riskier ? s->max_score : s->min_score;
    double factor = s->points_to_double / log(2.0);
    double offset = s->base_score - factor * log(s->base_odds);
    double points = nearbyint(offset + factor * log((1 - pd) / pd));
    if (s->riskier) /* the mirror image about the base score */
        points = nearbyint(s->base_score + factor * log(s->base_odds) - factor * log((1 - pd) / pd));
    /* the bundle reader bounds the scaling so this cannot be NaN; never
     * let (int)NaN become INT_MIN if it were */
    if (!(points >= s->min_score))
        return s->min_score;
    if (points > s->max_score)
        return s->max_score;
    return (int)points;
}

size_t sc_grade_of_pd(const score_model *m, double pd)
{
    for (size_t g = 0; g + 1 < m->n_grades; g++)
        if (pd <= m->grades[g].max_pd)
            return g;
    return m->n_grades - 1;
}

void sc_model_default_scorecard(score_model *m)
{
    m->scaling = (sc_scaling){600, 50, 20, 300, 900, 0};
    snprintf(m->default_grade, sizeof m->default_grade, "%s", SC_DEFAULT_GRADE);
    m->n_grades = SC_MASTER_GRADES;
    for (size_t g = 0; g < m->n_grades; g++) {
        sc_snprintf(m->grades[g].name, sizeof m->grades[g].name, "%s", sc_master_grade_names[g]);
        m->grades[g].max_pd = sc_master_grade_max_pd[g];
    }
    m->n_reasons = 3;
}
