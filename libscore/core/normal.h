/*
 * The standard normal distribution and the Basel IRB pieces built on it,
 * shared by enhance (the capital formula) and pool (the loss simulation and
 * the Vasicek limit), and the beta and chi-square distributions of the
 * validation report's tests (special.c). Internal: nothing here is exported.
 */
#ifndef SCORE_CORE_NORMAL_H
#define SCORE_CORE_NORMAL_H

/* N(x), the standard normal distribution function, through libm's erfc:
 * relative error within a few 1e-16 for |x| <= 5, ~1e-14 near x = -37
 * (where N(x) is ~1e-300); 0 and 1 beyond a double's range; NaN gives NaN. */
double sc_normal_cdf(double x);

/* G(p), the inverse of N (Wichura's AS 241, relative error about 1e-16,
 * monotone): -infinity at 0, +infinity at 1, NaN outside [0, 1]. Cheap
 * enough for the simulation's inner loop. */
double sc_normal_quantile(double p);

/* The Vasicek large-pool loss fraction at confidence q:
 * N((G(pd) + sqrt(rho) G(q)) / sqrt(1 - rho)). */
double sc_vasicek_quantile(double pd, double rho, double q);

/* The Basel II/III IRB asset correlation of a corporate exposure before any
 * firm-size adjustment: 0.24 at PD 0 falling to 0.12 as the PD rises,
 * weighted by (1 - e^(-50 PD)) / (1 - e^(-50)) (BCBS CRE31.5). */
double sc_irb_corporate_correlation(double pd);

/* I_x(a, b), the regularised incomplete beta function: the distribution
 * function of Beta(a, b) at x (0 below 0, 1 above 1, NaN for a or b <= 0).
 * The Jeffreys test of a grade's PD uses Beta(d + 1/2, n - d + 1/2). */
double sc_beta_cdf(double x, double a, double b);

/* The chi-square survival function P(X > x) with df degrees of freedom:
 * the p-value of the Hosmer-Lemeshow statistic. */
double sc_chi2_sf(double x, double df);

#endif
