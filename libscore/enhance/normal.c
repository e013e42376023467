/*
 * The standard normal distribution function N and its inverse G, as the IRB
 * formula needs them.
 *
 * N comes from the complementary error function of C99's libm, which keeps
 * its relative accuracy far into the tail: N(x) = erfc(-x / sqrt 2) / 2.
 *
 * G starts from the rational approximation of Abramowitz and Stegun
 * (Handbook of Mathematical Functions, 26.2.23; absolute error below
 * 4.5e-4) and refines it with Halley's method on N(x) - p, which converges
 * cubically: two steps reach double precision, a third confirms it. The
 * step is written as a ratio to the normal density computed in logarithms,
 * so it neither overflows nor underflows down to the smallest PD a double
 * holds.
 */
#include <math.h>

#include "enhance.h"

#define SQRT1_2 0.70710678118654752440084436210484903 /* 1 / sqrt(2) */
#define LOG_SQRT_2PI 0.91893853320467274178032973640561764 /* log(sqrt(2 pi)) */

double sc_enhance_normal_cdf(double x)
{
    return 0.5 * erfc(-x * SQRT1_2);
}

/* The upper-tail point t with 1 - N(t) = p, for 0 < p <= 0.5, to 4.5e-4. */
static double tail_guess(double p)
{
    double t = sqrt(-2.0 * log(p));
    double num = 2.515517 + t * (0.802853 + t * 0.010328);
    double den = 1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308));
    return t - num / den;
}

/* G(p) for 0 < p <= 0.5 (x <= 0), where N(x) has full relative accuracy. */
static double lower_quantile(double p)
{
    double x = -tail_guess(p);
    double log_p = log(p);
    for (int step = 0; step < 4; step++) {
        /* u = (N(x) - p) / phi(x) = (N(x)/p - 1) * p / phi(x) */
        double relative = sc_enhance_normal_cdf(x) / p - 1.0;
        double u = relative * exp(log_p + 0.5 * x * x + LOG_SQRT_2PI);
        double next = x - u / (1.0 + 0.5 * x * u);
        if (!isfinite(next))
            break;
        double change = fabs(next - x);
        x = next;
        if (change <= 1e-16 * fabs(x))
            break;
    }
    return x;
}

double sc_enhance_normal_quantile(double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    /* 1 - p is exact for p >= 0.5, so the upper half loses nothing by symmetry */
    return p < 0.5 ? lower_quantile(p) : -lower_quantile(1.0 - p);
}
