/* Credit enhancement: the IRB formula and its test vectors with their
 * neighbours, limits on hand-worked cases, price, and the figures without
 * enhancements. Expected values come from the formula's test vectors, from
 * arithmetic worked by hand in the comments, or from an independent
 * computation (mpmath at 40 digits; Python's statistics NormalDist for the
 * whole formula). */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "enhance/enhance.h"

#define YUAN(x) ((int64_t)(x) * 100)

static void assert_rel(double got, double want, double tol, const char *what)
{
    double err = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    cr_assert(err <= tol, "%s: got %.17g, want %.17g (relative error %.3g > %.3g)", what, got, want,
              err, tol);
}

/* ---- the IRB formula ---------------------------------------------------------- */

static double rw(const score_enhance_config *c, double pd, double lgd, double tenor, int64_t sales)
{
    double v = -1;
    cr_assert_eq(score_enhance_risk_weight(c, pd, lgd, tenor, sales, &v), SCORE_OK, "%s",
                 score_last_error());
    return v;
}

static score_enhance_config *config_of(const char *json)
{
    score_enhance_config *c = NULL;
    cr_assert_eq(score_enhance_config_parse(json, strlen(json), "test", &c), SCORE_OK, "%s",
                 score_last_error());
    return c;
}

/* 5 million euros at the default 7.8 yuan per euro */
#define SALES_S5 YUAN(39000000)

Test(enhance_irb, formula_test_vectors)
{
    /* LGD 45%, M 2.5; the floor set below 0.03% so it does not bind */
    score_enhance_config *c = config_of("{\"pd_floor\": 0.0001}");
    cr_assert_eq(round(rw(c, 0.01, 0.45, 2.5, -1) * 10000), 9232, "PD 1%% large firm: 92.32%%");
    cr_assert_eq(round(rw(c, 0.01, 0.45, 2.5, SALES_S5) * 10000), 7239, "PD 1%% at S=5: 72.39%%");
    cr_assert_eq(round(rw(c, 0.0003, 0.45, 2.5, -1) * 10000), 1444, "PD 0.03%%: 14.44%%");
    /* to the last digit, against the independent computation */
    assert_rel(rw(c, 0.01, 0.45, 2.5, -1), 0.9231680139205148, 1e-12, "PD 1% large");
    assert_rel(rw(c, 0.01, 0.45, 2.5, SALES_S5), 0.7239472732759602, 1e-12, "PD 1% S=5");
    assert_rel(rw(c, 0.0003, 0.45, 2.5, -1), 0.14443567291165965, 1e-12, "PD 0.03%");
    score_enhance_config_free(c);
    /* the default floor of 0.05% prices PD 0.03% as 0.05%: 19.65% */
    cr_assert_eq(round(rw(NULL, 0.0003, 0.45, 2.5, -1) * 10000), 1965);
    assert_rel(rw(NULL, 0.0003, 0.45, 2.5, -1), 0.19651166370406792, 1e-12, "floored");
    cr_assert_eq(rw(NULL, 0.0003, 0.45, 2.5, -1), rw(NULL, 0.0005, 0.45, 2.5, -1));
    cr_assert_eq(rw(NULL, 0, 0.45, 2.5, -1), rw(NULL, 0.0005, 0.45, 2.5, -1), "PD 0 is floored");
    cr_assert_gt(rw(NULL, 0.00051, 0.45, 2.5, -1), rw(NULL, 0.0005, 0.45, 2.5, -1));
}

Test(enhance_irb, firm_size_clamp)
{
    /* S below 5 million euros counts as 5, above 50 as 50 (no adjustment) */
    double at5 = rw(NULL, 0.01, 0.45, 2.5, SALES_S5);
    cr_assert_eq(rw(NULL, 0.01, 0.45, 2.5, YUAN(15600000)), at5, "S = 2");
    cr_assert_eq(rw(NULL, 0.01, 0.45, 2.5, 0), at5, "no sales at all counts as S = 5");
    double large = rw(NULL, 0.01, 0.45, 2.5, -1);
    cr_assert_eq(rw(NULL, 0.01, 0.45, 2.5, YUAN(390000000)), large, "S = 50");
    cr_assert_eq(rw(NULL, 0.01, 0.45, 2.5, YUAN(624000000)), large, "S = 80");
    assert_rel(rw(NULL, 0.01, 0.45, 2.5, YUAN(78000000)), 0.7455020067775958, 1e-12, "S = 10");
    assert_rel(rw(NULL, 0.01, 0.45, 2.5, YUAN(214500000)), 0.8220743731542697, 1e-12, "S = 27.5");
    /* the correlation itself: 0.04 off at S = 5, none at S = 50 */
    double r_large = sc_enhance_correlation(0.01, -1);
    cr_assert_float_eq(sc_enhance_correlation(0.01, 0.0), r_large - 0.04, 1e-15);
    cr_assert_float_eq(sc_enhance_correlation(0.01, 1.0), r_large, 1e-15);
    /* the weight w runs from 0.24 at PD 0 to 0.12 at high PD */
    cr_assert_float_eq(sc_enhance_correlation(1e-12, -1), 0.24, 1e-10);
    cr_assert_float_eq(sc_enhance_correlation(0.9, -1), 0.12, 1e-15);
}

Test(enhance_irb, firm_size_disabled_and_in_yuan)
{
    score_enhance_config *off = config_of("{\"firm_size\": {\"enabled\": false}}");
    cr_assert_eq(rw(off, 0.01, 0.45, 2.5, SALES_S5), rw(NULL, 0.01, 0.45, 2.5, -1));
    score_enhance_config_free(off);
    /* in yuan, 30..300 million: sales of 100 million yuan give a reduction of
     * 0.04 (1 - 70/270) = 0.02963 */
    score_enhance_config *cny = config_of(
        "{\"firm_size\": {\"currency\": \"CNY\", \"floor_millions\": 30, \"ceiling_millions\": 300}}");
    double s;
    cr_assert_float_eq(sc_enhance_firm_size(cny, YUAN(100000000), &s), 70.0 / 270.0, 1e-15);
    cr_assert_float_eq(s, 100.0, 1e-12);
    cr_assert_float_eq(sc_enhance_firm_size(cny, YUAN(10000000), &s), 0.0, 0);
    cr_assert_float_eq(s, 30.0, 0);
    cr_assert_float_eq(sc_enhance_firm_size(cny, -1, &s), -1.0, 0);
    cr_assert_float_eq(s, 0.0, 0);
    assert_rel(rw(cny, 0.01, 0.45, 2.5, YUAN(100000000)), 0.774463708578269, 1e-12, "CNY 100m");
    score_enhance_config_free(cny);
    /* and the euro rate moves S: at 3.9 yuan per euro, 39 million yuan is S = 10 */
    score_enhance_config *eur = config_of("{\"eur_rate\": 3.9}");
    assert_rel(rw(eur, 0.01, 0.45, 2.5, SALES_S5), 0.7455020067775958, 1e-12, "eur_rate");
    score_enhance_config_free(eur);
}

Test(enhance_irb, maturity_clamp)
{
    double m1 = rw(NULL, 0.01, 0.45, 1, -1), m5 = rw(NULL, 0.01, 0.45, 5, -1);
    assert_rel(m1, 0.7327838163179023, 1e-12, "M = 1");
    assert_rel(m5, 1.2404750099248687, 1e-12, "M = 5");
    cr_assert_eq(rw(NULL, 0.01, 0.45, 0.5, -1), m1, "a half-year loan counts as one year");
    cr_assert_eq(rw(NULL, 0.01, 0.45, 0.01, -1), m1);
    cr_assert_eq(rw(NULL, 0.01, 0.45, 7, -1), m5, "seven years count as five");
    cr_assert_lt(m1, rw(NULL, 0.01, 0.45, 1.01, -1));
    /* a configuration may move the bounds */
    score_enhance_config *c = config_of("{\"maturity\": {\"min\": 0.5, \"max\": 7}}");
    assert_rel(rw(c, 0.01, 0.45, 0.5, -1), 0.6693224171170316, 1e-12, "M = 0.5");
    assert_rel(rw(c, 0.01, 0.45, 9, -1), 1.4943206067283519, 1e-12, "M = 7");
    score_enhance_config_free(c);
}

Test(enhance_irb, lgd_scaling_and_edges)
{
    /* K is proportional to LGD */
    double full = rw(NULL, 0.02, 0.45, 3, -1);
    cr_assert_float_eq(rw(NULL, 0.02, 0.09, 3, -1), full * 0.2, 1e-15);
    cr_assert_eq(rw(NULL, 0.02, 0, 3, -1), 0.0);
    /* the scaling factor multiplies K (Basel II's 1.06) */
    score_enhance_config *c = config_of("{\"scaling_factor\": 1.06}");
    cr_assert_float_eq(rw(c, 0.02, 0.45, 3, -1), full * 1.06, 1e-14);
    score_enhance_config_free(c);
    /* PD 1: the loss is expected, the formula gives no unexpected loss */
    cr_assert_eq(rw(NULL, 1, 0.45, 2.5, -1), 0.0);
    cr_assert_eq(sc_enhance_irb_k(0, 0.45, 2.5, 0.24), 0.0);
    double near_one = rw(NULL, 0.999999, 0.45, 2.5, -1);
    cr_assert(near_one >= 0 && near_one < 1e-4, "%g", near_one);
    assert_rel(rw(NULL, 0.2, 0.45, 2.5, -1), 2.3823159641064153, 1e-12, "PD 20%");
    /* risk weight rises with PD over the whole useful range */
    double last = 0;
    for (double pd = 0.0005; pd <= 0.25; pd *= 1.1) {
        double v = rw(NULL, pd, 0.45, 2.5, -1);
        cr_assert_gt(v, last, "at PD %g", pd);
        last = v;
    }
    double v;
    cr_assert_eq(score_enhance_risk_weight(NULL, 1.5, 0.45, 1, -1, &v), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "pd 1.5"), "%s", score_last_error());
    cr_assert_eq(score_enhance_risk_weight(NULL, 0.1, -0.1, 1, -1, &v), SCORE_EINVAL);
    cr_assert_eq(score_enhance_risk_weight(NULL, 0.1, 0.4, 0, -1, &v), SCORE_EINVAL);
    cr_assert_eq(score_enhance_risk_weight(NULL, NAN, 0.4, 1, -1, &v), SCORE_EINVAL);
    cr_assert_eq(score_enhance_risk_weight(NULL, 0.1, 0.4, 1, -1, NULL), SCORE_EINVAL);
}

Test(enhance_irb, confidence_constant)
{
    /* the formula's G(0.999) constant is the quantile function's own value */
    assert_rel(sc_normal_quantile(0.999), 3.09023230616781354154, 1e-15, "G(0.999)");
}

/* ---- grades ----------------------------------------------------------------- */

Test(enhance_grade, bounds_are_inclusive)
{
    score_enhance_config c;
    sc_enhance_config_defaults(&c);
    static const struct { double pd; const char *grade; } cases[] = {
        {0, "AAA"},      {0.0005, "AAA"}, {0.00050001, "AA"}, {0.001, "AA"},  {0.0025, "A"},
        {0.003, "BBB"},  {0.005, "BBB"},  {0.01, "BB"},       {0.0101, "B"},  {0.02, "B"},
        {0.05, "CCC"},   {0.1, "CC"},     {0.2, "C"},         {0.2001, "D"},  {1, "D"},
    };
    for (size_t i = 0; i < SC_ARRAY_LEN(cases); i++)
        cr_assert_str_eq(sc_master_grade_names[sc_enhance_grade(&c, cases[i].pd)], cases[i].grade,
                         "PD %g", cases[i].pd);
}

/* ---- whole applications ------------------------------------------------------ */

/* The worked example of docs/enhancement.md, as a struct. */
static score_enhance_request example(void)
{
    score_enhance_request r;
    score_enhance_request_init(&r);
    strcpy(r.uscc, "914403001922038216");
    r.pd = 0.01;
    r.lgd = 0.45;
    r.amount = YUAN(5000000);
    r.tenor_years = 2.5;
    r.annual_sales = YUAN(39000000);
    r.orders_verified = YUAN(2000000);
    r.receivables_verified = YUAN(1000000);
    r.patent_invention = YUAN(3000000);
    r.patent_utility = YUAN(500000);
    r.guarantee_share = 0.5;
    r.guarantee_pd = 0.003;
    r.compensation_share = 0.3;
    return r;
}

static void compute(const score_enhance_config *c, const score_enhance_request *r,
                    score_enhance_result *with, score_enhance_result *without)
{
    with->size = sizeof *with;
    if (without)
        without->size = sizeof *without;
    cr_assert_eq(score_enhance_compute(c, r, with, without), SCORE_OK, "%s", score_last_error());
}

Test(enhance_compute, worked_example_by_hand)
{
    score_enhance_request r = example();
    score_enhance_result w, wo;
    compute(NULL, &r, &w, &wo);
    /* PD 1% is grade BB (bounds inclusive), whose unsecured line is 10% of sales */
    cr_assert_str_eq(w.grade, "BB");
    cr_assert_eq(w.limit_sales, YUAN(3900000));                    /* 10% of 39m */
    cr_assert_eq(w.limit_patents, YUAN(750000) + YUAN(75000));     /* 25% of 3m + 15% of 0.5m */
    cr_assert_eq(w.limit_orders, YUAN(1400000));                   /* 70% of 2m */
    cr_assert_eq(w.limit_receivables, YUAN(800000));               /* 80% of 1m */
    cr_assert_eq(w.limit_available, YUAN(6925000));
    cr_assert_eq(w.limit, YUAN(5000000), "capped by the request");
    /* the guarantee's 50% and the fund's 30% leave the bank 20% of the LGD */
    cr_assert_float_eq(w.lgd_effective, 0.09, 1e-15);
    cr_assert_float_eq(w.pd, 0.01, 0);
    cr_assert_float_eq(w.maturity, 2.5, 0);
    cr_assert_float_eq(w.firm_size, 5.0, 1e-12, "39m yuan / 7.8 = 5m euro");
    /* K with LGD 9% is a fifth of K with LGD 45% at S = 5 (72.39%) */
    assert_rel(w.risk_weight, 0.7239472732759602 * 0.2, 1e-12, "risk weight");
    assert_rel(w.capital_ratio, w.risk_weight / 12.5, 1e-15, "K");
    cr_assert_eq(w.capital, 5791578, "0.0115831563724 x 5,000,000 yuan = 57,915.78 yuan");
    cr_assert_eq(w.expected_loss, YUAN(4500), "1% x 9% x 5m");
    cr_assert_float_eq(w.rate_credit, 0.0009, 1e-17);
    assert_rel(w.rate_capital, w.capital_ratio * 0.08, 1e-15, "K x (10% - 2%)");
    assert_rel(w.rate, 0.03182665250979323, 1e-13, "rate");

    /* without: the sales line only, the whole LGD */
    cr_assert_str_eq(wo.grade, "BB");
    cr_assert_eq(wo.limit, YUAN(3900000));
    cr_assert_eq(wo.limit_available, YUAN(3900000));
    cr_assert_eq(wo.limit_patents + wo.limit_orders + wo.limit_receivables, 0);
    cr_assert_float_eq(wo.lgd_effective, 0.45, 0);
    assert_rel(wo.risk_weight, 0.7239472732759602, 1e-12, "risk weight without");
    cr_assert_eq(wo.capital, 22587155, "0.0579157818621 x 3,900,000 yuan = 225,871.55 yuan");
    cr_assert_eq(wo.expected_loss, YUAN(17550), "1% x 45% x 3.9m");
    assert_rel(wo.rate, 0.03913326254896614, 1e-13, "rate without");
    /* what the enhancements are worth */
    cr_assert_gt(w.limit, wo.limit);
    cr_assert_lt(w.rate, wo.rate);
    cr_assert_lt(w.risk_weight, wo.risk_weight);
}

Test(enhance_compute, without_equals_the_request_stripped)
{
    score_enhance_request r = example(), bare;
    r.guarantee_approach = SCORE_GUARANTEE_SUBSTITUTION;
    score_enhance_result w, wo, bare_with, bare_without;
    compute(NULL, &r, &w, &wo);
    score_enhance_request_init(&bare);
    strcpy(bare.uscc, r.uscc);
    bare.pd = r.pd;
    bare.lgd = r.lgd;
    bare.amount = r.amount;
    bare.tenor_years = r.tenor_years;
    bare.annual_sales = r.annual_sales;
    compute(NULL, &bare, &bare_with, &bare_without);
    cr_assert_eq(memcmp(&wo, &bare_with, sizeof wo), 0);
    cr_assert_eq(memcmp(&wo, &bare_without, sizeof wo), 0);
    cr_assert_neq(memcmp(&w, &wo, sizeof w), 0);
}

Test(enhance_compute, substitution)
{
    score_enhance_request r = example();
    r.guarantee_approach = SCORE_GUARANTEE_SUBSTITUTION;
    score_enhance_result w;
    compute(NULL, &r, &w, NULL);
    /* the fund's 30% still shares every loss; the guarantee moves half the
     * exposure to the guarantor's PD of 0.3% instead */
    cr_assert_float_eq(w.lgd_effective, 0.45 * 0.7, 1e-15);
    cr_assert_float_eq(w.pd, 0.5 * 0.01 + 0.5 * 0.003, 1e-17);
    assert_rel(w.risk_weight, 0.4437123567631414, 1e-12, "risk weight");
    /* half the borrower's K at S = 5 plus half the guarantor's as a large firm */
    double lgd = 0.45 * 0.7;
    double k = 0.5 * sc_enhance_irb_k(0.01, lgd, 2.5, sc_enhance_correlation(0.01, 0)) +
               0.5 * sc_enhance_irb_k(0.003, lgd, 2.5, sc_enhance_correlation(0.003, -1));
    assert_rel(w.capital_ratio, k, 1e-15, "K");
    cr_assert_eq(w.capital, 17748494);
    cr_assert_eq(w.expected_loss, 1023750, "0.65%% x 31.5%% x 5m = 10,237.50 yuan");
    assert_rel(w.rate, 0.034887259083284106, 1e-13, "rate");
    cr_assert_str_eq(w.grade, "BB", "the grade stays the enterprise's");
    cr_assert_eq(w.limit, YUAN(5000000), "the limit does not depend on the approach");
    /* the guarantor's PD is floored as well */
    r.guarantee_pd = 0;
    score_enhance_result floored, at_floor;
    compute(NULL, &r, &floored, NULL);
    r.guarantee_pd = 0.0005;
    compute(NULL, &r, &at_floor, NULL);
    cr_assert_eq(floored.capital_ratio, at_floor.capital_ratio);
    /* a guarantor worse than the borrower raises the capital: computed as asked */
    r.guarantee_pd = 0.05;
    score_enhance_result worse;
    compute(NULL, &r, &worse, NULL);
    cr_assert_gt(worse.capital_ratio, w.capital_ratio);
}

Test(enhance_compute, shares_add_up)
{
    score_enhance_request r = example();
    score_enhance_result w;
    r.guarantee_share = 0.7;
    r.compensation_share = 0.3;
    compute(NULL, &r, &w, NULL);
    cr_assert_float_eq(w.lgd_effective, 0.0, 1e-15, "others bear the whole loss");
    cr_assert_eq(w.capital, 0);
    cr_assert_eq(w.expected_loss, 0);
    cr_assert_float_eq(w.rate, 0.03, 1e-15, "funding + operating cost alone");
    r.guarantee_share = 0;
    r.compensation_share = 0.25;
    compute(NULL, &r, &w, NULL);
    cr_assert_float_eq(w.lgd_effective, 0.45 * 0.75, 1e-15);
}

Test(enhance_compute, limits_component_by_component)
{
    score_enhance_request r;
    score_enhance_request_init(&r);
    r.pd = 0.0004; /* AAA: 30% of sales */
    r.amount = YUAN(100000000);
    r.tenor_years = 1;
    score_enhance_result w, wo;

    compute(NULL, &r, &w, &wo);
    cr_assert_eq(w.limit, 0, "no sales known, nothing pledged: nothing to lend");
    cr_assert_float_eq(w.firm_size, 0.0, 0, "sales unknown: no firm-size adjustment");

    r.annual_sales = 123456789; /* 1,234,567.89 yuan: 30% = 370,370.367 -> 370,370.36 */
    compute(NULL, &r, &w, NULL);
    cr_assert_eq(w.limit_sales, 37037036);
    cr_assert_eq(w.limit, 37037036);

    r.annual_sales = -1;
    r.patent_invention = 101;  /* 25% of 1.01 yuan = 25.25 fen -> 25 */
    r.patent_utility = 100;    /* 15% of 1 yuan = 15 fen exactly, though 0.15 is inexact */
    r.patent_trademark = 333;  /* 50% of 3.33 yuan = 166.5 fen -> 166 */
    compute(NULL, &r, &w, NULL);
    cr_assert_eq(w.limit_patents, 25 + 15 + 166);

    r.patent_invention = r.patent_utility = r.patent_trademark = 0;
    r.orders_verified = YUAN(1000) + 7;     /* 70%: 70,004.9 fen -> 70,004 */
    r.receivables_verified = YUAN(2500);    /* 80%: 2,000 yuan */
    compute(NULL, &r, &w, NULL);
    cr_assert_eq(w.limit_orders, 70004);
    cr_assert_eq(w.limit_receivables, YUAN(2000));
    cr_assert_eq(w.limit, 70004 + YUAN(2000));

    /* grades without a sales line lend nothing unsecured */
    r.annual_sales = YUAN(10000000);
    r.pd = 0.07; /* CC */
    compute(NULL, &r, &w, NULL);
    cr_assert_str_eq(w.grade, "CC");
    cr_assert_eq(w.limit_sales, 0);
    r.pd = 0.03; /* CCC: 5% */
    compute(NULL, &r, &w, NULL);
    cr_assert_eq(w.limit_sales, YUAN(500000));

    /* the limit never exceeds the request */
    r.amount = YUAN(1);
    compute(NULL, &r, &w, NULL);
    cr_assert_eq(w.limit, YUAN(1));
    cr_assert_gt(w.limit_available, YUAN(1));
}

Test(enhance_compute, configured_rates_and_tables)
{
    score_enhance_config *c = config_of(
        "{\"funding_rate\": 0.03, \"operating_cost\": 0.005, \"hurdle_rate\": 0.13,"
        " \"lgd\": 0.4,"
        " \"advance_rates\": {\"invention\": 0.3, \"orders\": 0.5},"
        " \"sales_shares\": {\"BB\": 0.12}}");
    score_enhance_request r = example();
    r.lgd = -1; /* the configuration's */
    score_enhance_result w, wo;
    compute(c, &r, &w, &wo);
    cr_assert_eq(w.limit_sales, YUAN(4680000), "12% of 39m");
    cr_assert_eq(w.limit_patents, YUAN(900000) + YUAN(75000));
    cr_assert_eq(w.limit_orders, YUAN(1000000));
    cr_assert_float_eq(wo.lgd_effective, 0.4, 0);
    cr_assert_float_eq(w.lgd_effective, 0.4 * 0.2, 1e-15);
    double k = wo.capital_ratio;
    cr_assert_float_eq(wo.rate, 0.03 + 0.005 + 0.01 * 0.4 + k * 0.10, 1e-15);
    score_enhance_config_free(c);
}

Test(enhance_compute, misuse_is_refused)
{
    score_enhance_request r = example();
    score_enhance_result w = {.size = sizeof w}, untouched;
    memset(&untouched, 0x5a, sizeof untouched);
    untouched.size = sizeof untouched;
    cr_assert_eq(score_enhance_compute(NULL, NULL, &w, NULL), SCORE_EINVAL);
    cr_assert_eq(score_enhance_compute(NULL, &r, NULL, NULL), SCORE_EINVAL);
    w.size = sizeof w + 8;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "with->size"), "%s", score_last_error());
    w.size = sizeof w;
    r.size = 3;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    r = example();
    r.pd = -1;
    score_enhance_result keep = untouched;
    cr_assert_eq(score_enhance_compute(NULL, &r, &keep, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "request.pd: not given"), "%s", score_last_error());
    cr_assert_eq(memcmp(&keep, &untouched, sizeof keep), 0, "nothing written on failure");
    r = example();
    r.guarantee_share = 0.8; /* + 0.3 */
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "guarantee.share 0.8 + compensation_share 0.3 is above 1"),
              "%s", score_last_error());
    r = example();
    r.uscc[5] = 'Z';
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "request.uscc"), "%s", score_last_error());
    r = example();
    memset(r.uscc, 'A', sizeof r.uscc);
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    r = example();
    r.amount = -5;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "request.amount: -0.05 yuan"), "%s", score_last_error());
    r = example();
    r.tenor_years = NAN;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    r = example();
    r.guarantee_approach = 7;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    r = example();
    r.guarantee_approach = SCORE_GUARANTEE_SUBSTITUTION;
    r.guarantee_pd = -1;
    cr_assert_eq(score_enhance_compute(NULL, &r, &w, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "request.guarantee.pd: not given"), "%s",
              score_last_error());
}

Test(enhance_compute, older_and_shorter_structs)
{
    /* a result struct of an older, shorter layout gets only its members */
    score_enhance_request r = example();
    unsigned char buffer[sizeof(score_enhance_result) + 16];
    memset(buffer, 0xee, sizeof buffer);
    score_enhance_result *short_result = (score_enhance_result *)buffer;
    short_result->size = offsetof(score_enhance_result, limit);
    cr_assert_eq(score_enhance_compute(NULL, &r, short_result, NULL), SCORE_OK);
    cr_assert_str_eq(short_result->grade, "BB");
    cr_assert_eq(buffer[offsetof(score_enhance_result, limit)], 0xee, "nothing past its size");
    cr_assert_eq(short_result->size, offsetof(score_enhance_result, limit));
}
