/*
 * The regularised incomplete beta and gamma functions, for the tests of the
 * validation report (Jeffreys intervals, Hosmer-Lemeshow's chi-square).
 * Continued fractions by the modified Lentz method and the gamma series, as
 * in Press et al., Numerical Recipes, 3rd ed., sections 6.2 and 6.4 (the
 * algorithms; the code is our own). Accurate to about 1e-14 relative.
 */
#include <math.h>

#include "normal.h"

#define SPECIAL_EPS 1e-15
#define SPECIAL_TINY 1e-300
#define SPECIAL_MAX_ITER 10000

/* The continued fraction of I_x(a, b), convergent for x < (a + 1) / (a + b + 2). */
static double beta_fraction(double x, double a, double b)
{
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < SPECIAL_TINY)
        d = SPECIAL_TINY;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= SPECIAL_MAX_ITER; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1 + num * d;
            c = 1 + num / c;
            if (fabs(d) < SPECIAL_TINY)
                d = SPECIAL_TINY;
            if (fabs(c) < SPECIAL_TINY)
                c = SPECIAL_TINY;
            d = 1 / d;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        }
        if (fabs(d * c - 1) < SPECIAL_EPS)
            break;
    }
    return h;
}

double sc_beta_cdf(double x, double a, double b)
{
    if (isnan(x) || !(a > 0) || !(b > 0))
        return NAN;
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_fraction(x, a, b) / a;
    return 1 - front * beta_fraction(1 - x, b, a) / b;
}

/* P(a, x) by its series, for x < a + 1. */
static double gamma_series(double a, double x)
{
    double sum = 1 / a, term = sum;
    for (int n = 1; n <= SPECIAL_MAX_ITER; n++) {
        term *= x / (a + n);
        sum += term;
        if (fabs(term) < fabs(sum) * SPECIAL_EPS)
            break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Q(a, x) by its continued fraction, for x >= a + 1. */
static double gamma_fraction(double a, double x)
{
    double b = x + 1 - a, c = 1 / SPECIAL_TINY, d = 1 / b, h = d;
    for (int i = 1; i <= SPECIAL_MAX_ITER; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < SPECIAL_TINY)
            d = SPECIAL_TINY;
        c = b + an / c;
        if (fabs(c) < SPECIAL_TINY)
            c = SPECIAL_TINY;
        d = 1 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1) < SPECIAL_EPS)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double sc_chi2_sf(double x, double df)
{
    if (isnan(x) || !(df > 0))
        return NAN;
    if (x <= 0)
        return 1;
    double a = df / 2, half = x / 2;
    return half < a + 1 ? 1 - gamma_series(a, half) : gamma_fraction(a, half);
}
