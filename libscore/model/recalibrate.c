/*
 * Calibration to a bank's own book without retraining: refit Platt's two
 * coefficients on the bank's labelled margins, or shift them so that the
 * mean PD equals a long-run default rate (the central tendency), or both.
 * The trees are not touched, so margins and rankings (AUC) are the same.
 */
#include <math.h>

#include "../core/json.h"
#include "model.h"

static double mean_pd(const sc_calibration *c, const double *margin, size_t n, double shift)
{
    sc_calibration s = {c->a, c->b + shift};
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sc_calibrated_pd(&s, margin[i]);
    return sum / (double)n;
}

/* The shift of b that brings the mean PD to `target`: the mean rises with
 * b, so bisection converges to the last bit. */
static double shift_to(const sc_calibration *c, const double *margin, size_t n, double target)
{
    double lo = -60, hi = 60;
    for (int i = 0; i < 200 && hi - lo > 0; i++) {
        double mid = 0.5 * (lo + hi);
        if (mean_pd(c, margin, n, mid) < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static int note(score_model *m, size_t n, const float *label, double central_tendency)
{
    if (!m->metadata)
        return SCORE_OK;
    double defaults = 0;
    for (size_t i = 0; label && i < n; i++)
        defaults += label[i];
    json_t *o = json_pack("{s:I,s:f,s:f,s:f}", "rows", (json_int_t)n, "defaults", defaults,
                          "a", m->calibration.a, "b", m->calibration.b);
    if (!o)
        return sc_error(SCORE_ENOMEM, "out of memory noting the recalibration");
    int failed = 0;
    sc_json_put(o, "method", json_string(label ? "platt" : "shift"), &failed);
    if (central_tendency > 0)
        sc_json_put(o, "central_tendency", json_real(central_tendency), &failed);
    if (failed) {
        json_decref(o);
        return sc_error(SCORE_ENOMEM, "out of memory noting the recalibration");
    }
    sc_json_put(m->metadata, "recalibrated", o, &failed);
    return failed ? sc_error(SCORE_ENOMEM, "out of memory noting the recalibration") : SCORE_OK;
}

int score_model_recalibrate(score_model *model, const double *margin, const float *label,
                            size_t n, double central_tendency)
{
    if (!model || !margin)
        return sc_error(SCORE_EINVAL, "score_model_recalibrate: NULL argument");
    int shift = central_tendency >= 0;
    if (shift && !(central_tendency > 0 && central_tendency < 1))
        return sc_error(SCORE_EINVAL,
                        "score_model_recalibrate: central_tendency %g is outside (0, 1)",
                        central_tendency);
    if (!label && !shift)
        return sc_error(SCORE_EINVAL,
                        "score_model_recalibrate: give labels, a central tendency, or both");
    if (n == 0)
        return sc_error(SCORE_EINVAL, "score_model_recalibrate: no rows");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(margin[i]) || (label && label[i] != 0 && label[i] != 1))
            return sc_error(SCORE_EINVAL, "score_model_recalibrate: row %zu: %s", i,
                            !isfinite(margin[i]) ? "margin not finite" : "label not 0 or 1");
    sc_calibration c = model->calibration;
    int rc;
    if (label && (rc = sc_calibration_fit(margin, label, n, &c)) != SCORE_OK)
        return rc;
    if (!(c.a > 0) || !isfinite(c.b))
        return sc_error(SCORE_EINVAL,
                        "score_model_recalibrate: the labels rank the firms against the model "
                        "(slope %g): recalibration cannot mend that; retrain",
                        c.a);
    if (shift)
        c.b += shift_to(&c, margin, n, central_tendency);
    model->calibration = c;
    return note(model, n, label, central_tendency);
}
