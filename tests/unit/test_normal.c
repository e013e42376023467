/* core/normal: N and G against references computed at 40 digits (mpmath),
 * the round trip from the centre to the far tail, symmetry, monotonicity,
 * Vasicek's large-pool quantile and the IRB corporate correlation. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "core/core.h"
#include "core/normal.h"

static void assert_rel(double got, double want, double tol, const char *what)
{
    double err = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    cr_assert(err <= tol, "%s: got %.17g, want %.17g (relative error %.3g > %.3g)", what, got, want,
              err, tol);
}

Test(normal, cdf_against_known_values)
{
    static const struct { double x, p; } known[] = {
        {0, 0.5},
        {1, 0.84134474606854294859},
        {-1, 0.15865525393145705141},
        {1.96, 0.97500210485177956586},
        {-1.96, 0.024997895148220434137},
        {-0.5, 0.30853753872598689636},
        {2.5, 0.99379033467422386483},
        {-5, 2.8665157187919391167e-07},
        {-8.5, 9.4795348222033183542e-18},
        {-10, 7.6198530241605260660e-24},
        {-20, 2.7536241186062336951e-89},
        {-37, 5.7255712225245768227e-300},
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(known); i++) {
        char what[32];
        snprintf(what, sizeof what, "N(%g)", known[i].x);
        /* ~1e-15 in the body; the far tail loses a little to the argument's rounding */
        assert_rel(sc_normal_cdf(known[i].x), known[i].p, known[i].x < -6 ? 1e-13 : 1e-15,
                   what);
    }
    cr_assert(sc_normal_cdf(-40) < 1e-300, "beyond a double's range: 0");
    cr_assert_eq(sc_normal_cdf(INFINITY), 1.0);
    cr_assert_eq(sc_normal_cdf(-INFINITY), 0.0);
    cr_assert(isnan(sc_normal_cdf(NAN)));
}

Test(normal, quantile_against_known_values)
{
    /* references computed at the exact value of each double p (0.999999 as a
     * double is 1 - 0.99999999997e-6, which moves its quantile by 1e-12) */
    static const struct { double p, x; } known[] = {
        {0.999, 3.09023230616781327776},
        {0.975, 1.9599639845400538556},
        {0.9, 1.28155156554460059349},
        {0.3, -0.524400512708040815969},
        {0.01, -2.32634787404084109308},
        {0.0005, -3.29052673149189478737},
        {0.0003, -3.43161440362326933062},
        {1e-5, -4.26489079392282461023},
        {1e-10, -6.3613409024040561991},
        {0.999999, 4.75342430881708776569},
        {1e-300, -37.047096299361199237},
        {4.9406564584124654e-324, -38.467405617144346251}, /* the smallest double */
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(known); i++) {
        char what[32];
        snprintf(what, sizeof what, "G(%g)", known[i].p);
        /* the smallest subnormal has one significant bit: every x within
         * about 0.01 of the answer has N(x) rounding to it, so that is as
         * exact as its quantile can be */
        assert_rel(sc_normal_quantile(known[i].p), known[i].x,
                   known[i].p < 1e-307 ? 3e-4 : 2e-15, what);
    }
    cr_assert_eq(sc_normal_quantile(0.5), 0.0);
    cr_assert_eq(sc_normal_quantile(0.0), -INFINITY);
    cr_assert_eq(sc_normal_quantile(1.0), INFINITY);
    cr_assert(isnan(sc_normal_quantile(-0.1)));
    cr_assert(isnan(sc_normal_quantile(1.1)));
    cr_assert(isnan(sc_normal_quantile(NAN)));
}

Test(normal, quantile_inverts_cdf_everywhere)
{
    /* a sweep over 1e-300 .. 0.5 on a log scale */
    for (double p = 1e-300; p < 0.5; p *= 1.7) {
        double x = sc_normal_quantile(p);
        assert_rel(sc_normal_cdf(x), p, 1e-12, "N(G(p)) in the lower tail");
    }
    /* symmetry where both p and 1 - p are exact doubles */
    for (int k = 2; k <= 52; k++) {
        double p = ldexp(1.0, -k);
        assert_rel(sc_normal_quantile(1 - p), -sc_normal_quantile(p), 1e-15,
                   "G(1 - p) = -G(p)");
    }
    for (double x = -8; x <= 8; x += 0.0625) {
        double p = sc_normal_cdf(x);
        if (p > 0.999999)
            break; /* 1 - p keeps too few digits up here */
        cr_assert(fabs(sc_normal_quantile(p) - x) <= 1e-9 * fmax(1, fabs(x)),
                  "G(N(%g)) = %.17g", x, sc_normal_quantile(p));
    }
}

Test(normal, quantile_known_values_to_4e_15)
{
    static const struct {
        double p, x;
    } known[] = {
        {0.5, 0.0},
        {0.95, 1.6448536269514722},
        {0.975, 1.959963984540054},
        {0.99, 2.3263478740408408},
        {0.999, 3.090232306167813},
        {0.8413447460685429, 1.0},
        {0.022750131948179195, -2.0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        double x = sc_normal_quantile(known[i].p);
        cr_assert(fabs(x - known[i].x) <= 4e-15 * fmax(1, fabs(known[i].x)),
                  "G(%.17g) = %.17g, expected %.17g", known[i].p, x, known[i].x);
        cr_assert(fabs(sc_normal_quantile(1 - known[i].p) + known[i].x) < 1e-14);
    }
    cr_assert(isinf(sc_normal_quantile(0)) && sc_normal_quantile(0) < 0);
    cr_assert(isinf(sc_normal_quantile(1)) && sc_normal_quantile(1) > 0);
    cr_assert(isnan(sc_normal_quantile(-0.1)) && isnan(sc_normal_quantile(1.5)));
    cr_assert(isnan(sc_normal_quantile(NAN)));
    cr_assert(isfinite(sc_normal_quantile(4.9e-324)) && sc_normal_quantile(4.9e-324) < -38);
}

/* G and N invert each other to near machine precision from the centre to
 * the far tail (p down to 1e-300), and G never decreases. */
Test(normal, quantile_inverts_the_cdf)
{
    double worst = 0;
    for (int e = 1; e <= 300; e++)
        for (int m = 1; m <= 9; m += 2) {
            double p = m * pow(10, -e);
            if (p >= 0.5)
                continue;
            double x = sc_normal_quantile(p), back = sc_normal_cdf(x);
            /* the relative error in p that an error of one ulp in x allows */
            double allowed = 8 * DBL_EPSILON * fmax(1, x * x);
            double err = fabs(back - p) / p;
            worst = fmax(worst, err / allowed);
            cr_assert(err <= allowed, "p %.3g: N(G(p)) = %.17g (relative error %.3g)", p, back,
                      err);
        }
    double previous = -INFINITY;
    for (int i = 1; i < 200000; i++) {
        double x = sc_normal_quantile(i / 200000.0);
        cr_assert(x >= previous, "not monotone at %d", i);
        previous = x;
    }
    cr_log_info("normal quantile: worst round trip %.3g of the allowance", worst);
}

Test(normal, vasicek_quantile)
{
    double v = sc_vasicek_quantile(0.02, 0.10, 0.99);
    cr_assert(fabs(v - 0.08236) < 5e-6, "%.8f", v);
    /* with no correlation, no spread: the quantile is the PD */
    cr_assert(fabs(sc_vasicek_quantile(0.02, 0, 0.99) - 0.02) < 1e-15);
}

/* 0.24 at PD 0, 0.12 for high PDs, and the weight at PD 1% worked by hand:
 * w = (1 - e^-0.5) / (1 - e^-50) = 0.393469340287..., so
 * R = 0.12 w + 0.24 (1 - w) = 0.192783679165... */
Test(normal, irb_corporate_correlation)
{
    cr_assert_eq(sc_irb_corporate_correlation(0.0), 0.24);
    assert_rel(sc_irb_corporate_correlation(1e-12), 0.24, 1e-10, "R(1e-12)");
    assert_rel(sc_irb_corporate_correlation(0.01), 0.24 - 0.12 * (1 - exp(-0.5)) / (1 - exp(-50)),
               1e-15, "R(1%)");
    assert_rel(sc_irb_corporate_correlation(0.01), 0.192783679165, 1e-11, "R(1%) by hand");
    assert_rel(sc_irb_corporate_correlation(0.9), 0.12, 1e-15, "R(90%)");
    for (double pd = 0.0005; pd < 1; pd *= 1.5)
        cr_assert(sc_irb_corporate_correlation(pd) < sc_irb_corporate_correlation(pd / 1.5),
                  "falls with the PD at %g", pd);
}
