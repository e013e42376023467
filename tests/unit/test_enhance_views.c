/* Credit enhancement, the regulatory and economic views (since 1.1): the
 * worked examples of docs/enhancement.md, each figure against an
 * independent computation written here (the normal distribution from erfc,
 * its inverse by bisection, the formulas from the rule's text); the Basel
 * vectors under firb; what may never lower regulatory capital; refusals by
 * name. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "enhance/enhance.h"

#define YUAN(x) ((int64_t)llround((x) * 100.0))

static void rel(double got, double want, const char *what)
{
    double err = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    cr_assert(err <= 1e-12, "%s: got %.17g, want %.17g (relative error %.3g)", what, got, want,
              err);
}

/* ---- the independent arithmetic ------------------------------------------- */

static double phi(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

static double phi_inv(double p)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (phi(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* corporate K; size: the firm-size fraction, or negative for none */
static double k_corporate(double pd, double lgd, double m, double size)
{
    double w = (1 - exp(-50 * pd)) / (1 - exp(-50));
    double r = 0.12 * w + 0.24 * (1 - w);
    if (size >= 0)
        r -= 0.04 * (1 - size);
    double b = pow(0.11852 - 0.05478 * log(pd), 2);
    return (lgd * phi((phi_inv(pd) + sqrt(r) * phi_inv(0.999)) / sqrt(1 - r)) - pd * lgd) *
           (1 + (m - 2.5) * b) / (1 - 1.5 * b);
}

static double k_retail(double pd, double lgd)
{
    double w = (1 - exp(-35 * pd)) / (1 - exp(-35));
    double r = 0.03 * w + 0.16 * (1 - w);
    return lgd * phi((phi_inv(pd) + sqrt(r) * phi_inv(0.999)) / sqrt(1 - r)) - pd * lgd;
}

/* ---- helpers ----------------------------------------------------------------- */

static score_enhance_config *config_of(const char *json)
{
    score_enhance_config *c = NULL;
    cr_assert_eq(score_enhance_config_parse(json, strlen(json), "bank.json", &c), SCORE_OK, "%s",
                 score_last_error());
    return c;
}

static void parse(const char *json, score_enhance_request *r, score_enhance_terms *t)
{
    score_enhance_request_init(r);
    score_enhance_terms_init(t);
    cr_assert_eq(score_enhance_request_parse_terms(json, strlen(json), "req.json", r, t),
                 SCORE_OK, "%s", score_last_error());
}

static void evaluate(const score_enhance_config *c, const char *json, score_enhance_figures *with,
                     score_enhance_figures *without)
{
    score_enhance_request r;
    score_enhance_terms t;
    parse(json, &r, &t);
    with->size = sizeof *with;
    if (without)
        without->size = sizeof *without;
    cr_assert_eq(score_enhance_evaluate(c, &r, &t, with, without), SCORE_OK, "%s",
                 score_last_error());
}

/* the price from the defaults: funding 2%, operating 1%, hurdle 10%, ratio 10.5% */
static double rate_of(double el_rate, double rw)
{
    return 0.02 + 0.01 + el_rate + rw * 0.105 * (0.10 - 0.02);
}

/* ---- 1. an 80% guarantee and a 20% fund on a PD 3% loan -------------------------- */

static const char issue_80_20[] =
    "{\"pd\": 0.03, \"amount\": 2000000, \"tenor_years\": 2.5, \"annual_sales\": 50000000,"
    " \"guarantee\": {\"share\": 0.8, \"pd\": 0.02, \"kind\": \"commercial_guarantor\","
    " \"fee_rate\": 0.02}, \"compensation_share\": 0.2}";

Test(enhance_views, guarantee_80_and_fund_20_standardised)
{
    score_enhance_figures f, bare;
    evaluate(NULL, issue_80_20, &f, &bare);
    /* grade CCC (3% in 2%..5%): 5% of 50,000,000 = 2,500,000 > 2,000,000 asked */
    cr_assert_str_eq(f.grade, "CCC");
    cr_assert_eq(f.limit, YUAN(2000000));
    /* SME corporate (sales 50M <= 300M, not small-micro: > 20M): 85%; the
     * guarantor is not on the eligible list and the fund is held elsewhere */
    cr_assert_str_eq(f.approach, "standardised");
    cr_assert_str_eq(f.exposure_class, "sme_corporate");
    cr_assert_eq(f.reg_guarantee_recognised, 0);
    rel(f.reg_risk_weight, 0.85, "rw");
    cr_assert_eq(f.reg_rwa, YUAN(1700000));
    cr_assert_eq(f.reg_capital, YUAN(178500));
    /* economic: P(guarantor fails | borrower) = 0.02 + 0.25 x 0.98 */
    double q = 0.02 + 0.25 * (1 - 0.02);
    double lgd = 0.45 * (1 - 0.2 - 0.8 * (1 - q));
    rel(f.econ_guarantor_fails, q, "q");
    rel(f.econ_lgd, lgd, "econ lgd");
    cr_assert_eq(f.econ_expected_loss, (int64_t)llround(0.03 * lgd * 200000000.0));
    rel(f.rate, rate_of(0.03 * lgd, 0.85), "rate");
    rel(f.guarantee_fee, 0.02 * 0.8, "fee");
    rel(f.all_in_cost, rate_of(0.03 * lgd, 0.85) + 0.016, "all in");
    /* without: the same weight, the whole LGD, no fee */
    rel(bare.reg_risk_weight, 0.85, "bare rw");
    rel(bare.all_in_cost, rate_of(0.03 * 0.45, 0.85), "bare all in");
}

Test(enhance_views, guarantee_80_and_fund_20_firb)
{
    /* 1.0's LGD sharing leaves the bank no LGD and no capital ... */
    score_enhance_request r;
    score_enhance_terms t;
    parse(issue_80_20, &r, &t);
    score_enhance_result old = {.size = sizeof old};
    cr_assert_eq(score_enhance_compute(NULL, &r, &old, NULL), SCORE_OK);
    cr_assert_eq(old.risk_weight, 0);
    /* ... the regulatory view keeps the borrower's whole weight: S = 5 (tens
     * of millions of yuan) within 3..30, M 2.5, supervisory LGD 45% */
    score_enhance_config *c = config_of("{\"approach\": \"firb\"}");
    score_enhance_figures f;
    evaluate(c, issue_80_20, &f, NULL);
    double rw = 12.5 * k_corporate(0.03, 0.45, 2.5, (5.0 - 3) / 27);
    cr_assert_str_eq(f.approach, "firb");
    rel(f.firm_size, 5, "S");
    rel(f.reg_risk_weight, rw, "firb rw");
    cr_assert_eq(f.reg_capital, (int64_t)llround(rw * 200000000.0 * 0.105));
    score_enhance_config_free(c);
}

/* ---- 2. the README request ------------------------------------------------------ */

static const char readme[] =
    "{\"uscc\": \"914403001922038216\", \"pd\": 0.01, \"lgd\": 0.45, \"amount\": 5000000,"
    " \"tenor_years\": 2.5, \"annual_sales\": 39000000,"
    " \"orders_verified\": 2000000, \"receivables_verified\": 1000000,"
    " \"patents\": {\"invention\": 3000000, \"utility\": 500000, \"trademark\": 0},"
    " \"guarantee\": {\"share\": 0.5, \"pd\": 0.003}, \"compensation_share\": 0.3}";

Test(enhance_views, the_readme_request)
{
    score_enhance_figures f, bare;
    evaluate(NULL, readme, &f, &bare);
    /* the receivables (1,000,000) are sales the sales line would count too */
    cr_assert_eq(f.excluded_sales, YUAN(1000000));
    cr_assert_eq(f.limit_sales, YUAN(0.10 * 38000000));
    cr_assert_eq(f.limit_patents, YUAN(0.25 * 3000000 + 0.15 * 500000));
    cr_assert_eq(f.limit_orders, YUAN(0.70 * 2000000));
    cr_assert_eq(f.limit_receivables, YUAN(0.80 * 1000000));
    cr_assert_eq(f.limit_available, YUAN(6825000));
    cr_assert_eq(f.limit, YUAN(5000000));
    cr_assert_str_eq(f.exposure_class, "sme_corporate");
    rel(f.reg_risk_weight, 0.85, "rw");
    cr_assert_eq(f.reg_capital, YUAN(5000000 * 0.85 * 0.105));
    double q = 0.003 + 0.25 * (1 - 0.003), lgd = 0.45 * (1 - 0.3 - 0.5 * (1 - q));
    rel(f.econ_lgd, lgd, "econ lgd");
    cr_assert_eq(f.econ_expected_loss, (int64_t)llround(0.01 * lgd * 500000000.0));
    rel(f.rate, rate_of(0.01 * lgd, 0.85), "rate");
    cr_assert_eq(bare.limit, YUAN(3900000));
    rel(bare.rate, rate_of(0.01 * 0.45, 0.85), "bare rate");
}

/* ---- 3. a standardised SME exposure, 4. regulatory retail -------------------------- */

Test(enhance_views, standardised_sme_corporate)
{
    score_enhance_figures f;
    evaluate(NULL,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1,"
             " \"annual_sales\": 100000000}",
             &f, NULL);
    /* B (2%): 8% of 100,000,000 = 8,000,000 */
    cr_assert_eq(f.limit, YUAN(3000000));
    cr_assert_str_eq(f.exposure_class, "sme_corporate");
    cr_assert_eq(f.reg_rwa, YUAN(2550000));
    cr_assert_eq(f.reg_capital, YUAN(267750));
    rel(f.rate, rate_of(0.02 * 0.45, 0.85), "rate");
    /* over 300,000,000 of sales: a general corporate, 100% */
    evaluate(NULL,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1,"
             " \"annual_sales\": 300000000.01}",
             &f, NULL);
    cr_assert_str_eq(f.exposure_class, "corporate");
    rel(f.reg_risk_weight, 1.0, "corporate");
}

Test(enhance_views, regulatory_retail_small_firm)
{
    score_enhance_figures f;
    evaluate(NULL,
             "{\"pd\": 0.02, \"amount\": 1000000, \"tenor_years\": 1,"
             " \"annual_sales\": 15000000, \"other_exposure\": 2000000}",
             &f, NULL);
    cr_assert_str_eq(f.exposure_class, "regulatory_retail");
    rel(f.reg_risk_weight, 0.75, "rw");
    cr_assert_eq(f.reg_capital, YUAN(1000000 * 0.75 * 0.105));
    rel(f.rate, rate_of(0.02 * 0.45, 0.75), "rate");
    /* 9,500,000 already lent: 10,500,000 in all is above 10,000,000 */
    evaluate(NULL,
             "{\"pd\": 0.02, \"amount\": 1000000, \"tenor_years\": 1,"
             " \"annual_sales\": 15000000, \"other_exposure\": 9500000}",
             &f, NULL);
    cr_assert_str_eq(f.exposure_class, "sme_corporate");
    /* a firm the bank says is not small or micro */
    evaluate(NULL,
             "{\"pd\": 0.02, \"amount\": 1000000, \"tenor_years\": 1,"
             " \"annual_sales\": 15000000, \"small_micro\": false}",
             &f, NULL);
    cr_assert_str_eq(f.exposure_class, "sme_corporate");
}

/* ---- 5. substitution by an eligible re-guarantor ----------------------------------- */

static const char reguaranteed[] =
    "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 2.5, \"annual_sales\": 100000000,"
    " \"guarantee\": {\"share\": 0.8, \"kind\": \"government_reguarantor\", \"fee_rate\": 0.01}}";

Test(enhance_views, substitution_by_an_eligible_reguarantor)
{
    score_enhance_figures f;
    evaluate(NULL, reguaranteed, &f, NULL);
    /* 20% at the SME weight, 80% at the re-guarantor's 50% */
    cr_assert_eq(f.reg_guarantee_recognised, 1);
    rel(f.reg_guaranteed_share, 0.8, "covered");
    rel(f.reg_guarantor_risk_weight, 0.5, "rw_g");
    rel(f.reg_risk_weight, 0.2 * 0.85 + 0.8 * 0.5, "rw");
    cr_assert_eq(f.reg_rwa, YUAN(3000000 * (0.2 * 0.85 + 0.8 * 0.5)));
    /* economic: the re-guarantor's PD from the configuration, 0.3% */
    double q = 0.003 + 0.25 * 0.997, lgd = 0.45 * (1 - 0.8 * (1 - q));
    rel(f.econ_lgd, lgd, "econ");
    rel(f.all_in_cost, rate_of(0.02 * lgd, 0.57) + 0.008, "all in");

    /* under firb: the re-guarantor's PD in the corporate function, no firm size */
    score_enhance_config *c = config_of("{\"approach\": \"firb\"}");
    evaluate(c, reguaranteed, &f, NULL);
    double rw_b = 12.5 * k_corporate(0.02, 0.45, 2.5, (10.0 - 3) / 27);
    double rw_g = 12.5 * k_corporate(0.003, 0.45, 2.5, -1);
    rel(f.reg_borrower_risk_weight, rw_b, "firb rw_b");
    rel(f.reg_guarantor_risk_weight, rw_g, "firb rw_g");
    rel(f.reg_risk_weight, 0.2 * rw_b + 0.8 * rw_g, "firb rw");
    score_enhance_config_free(c);
}

/* ---- 6. a deposit held at the lender --------------------------------------------- */

Test(enhance_views, deposit_at_the_lender_as_collateral)
{
    score_enhance_config *c = config_of("{\"collateral\": {\"cash_haircut\": 0.1}}");
    score_enhance_figures f;
    evaluate(c,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1, \"annual_sales\": 100000000,"
             " \"deposits_at_lender\": 300000, \"compensation_share\": 0.1,"
             " \"pool\": {\"deposit_share\": 0.1, \"deposit_rate\": 0.0035}}",
             &f, NULL);
    /* 270,000 of cash at 0%, 2,730,000 at 85%; the fund elsewhere: nothing */
    cr_assert_eq(f.reg_collateral, YUAN(270000));
    cr_assert_eq(f.reg_rwa, YUAN(2730000 * 0.85));
    double rw = 2730000 * 0.85 / 3000000;
    rel(f.reg_risk_weight, rw, "rw");
    double lgd = 0.45 * (2730000.0 / 3000000) * (1 - 0.1);
    rel(f.econ_lgd, lgd, "econ lgd");
    double rate = rate_of(0.02 * lgd, rw);
    rel(f.rate, rate, "rate");
    /* the borrower pays on 3,000,000, earns 0.35% on 300,000, uses 2,700,000 */
    rel(f.all_in_cost, (rate - 0.1 * 0.0035) / 0.9, "all in");
    score_enhance_config_free(c);
}

/* ---- IRB retail and auto ---------------------------------------------------------- */

Test(enhance_views, irb_other_retail_and_auto)
{
    score_enhance_config *c = config_of("{\"approach\": \"firb\"}");
    score_enhance_figures f;
    const char *small = "{\"pd\": 0.02, \"lgd\": 0.4, \"amount\": 1000000, \"tenor_years\": 1,"
                        " \"annual_sales\": 15000000, \"approach\": \"auto\"}";
    evaluate(c, small, &f, NULL);
    cr_assert_str_eq(f.approach, "retail");
    rel(f.reg_risk_weight, 12.5 * k_retail(0.02, 0.4), "retail rw");
    /* above the threshold, auto falls back to the bank's firb */
    evaluate(c,
             "{\"pd\": 0.02, \"amount\": 1000000, \"tenor_years\": 1, \"annual_sales\": 15000000,"
             " \"other_exposure\": 9500000, \"approach\": \"auto\"}",
             &f, NULL);
    cr_assert_str_eq(f.approach, "firb");
    /* retail asked for above the threshold is refused, naming the key */
    score_enhance_request r;
    score_enhance_terms t;
    parse("{\"pd\": 0.02, \"amount\": 1000000, \"tenor_years\": 1, \"other_exposure\": 9500000,"
          " \"annual_sales\": 15000000, \"approach\": \"retail\"}",
          &r, &t);
    f.size = sizeof f;
    cr_assert_eq(score_enhance_evaluate(c, &r, &t, &f, NULL), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "retail.max_exposure"), "%s", score_last_error());
    score_enhance_config_free(c);
}

/* ---- the Basel vectors under firb ------------------------------------------------- */

Test(enhance_views, basel_vectors_under_firb)
{
    /* Basel's bounds: 5..50 million euros at 7.8 yuan = firm_size_unit 7,800,000 yuan */
    score_enhance_config *c = config_of(
        "{\"approach\": \"firb\", \"firb\": {\"firm_size_unit\": 7800000,"
        " \"firm_size_floor\": 5, \"firm_size_ceiling\": 50}}");
    score_enhance_figures f;
    evaluate(c, "{\"pd\": 0.01, \"amount\": 1000, \"tenor_years\": 1}", &f, NULL);
    cr_assert_eq(round(f.reg_risk_weight * 10000), 9232);
    evaluate(c, "{\"pd\": 0.01, \"amount\": 1000, \"tenor_years\": 1, \"annual_sales\": 39000000}",
             &f, NULL);
    cr_assert_eq(round(f.reg_risk_weight * 10000), 7239);
    rel(f.reg_risk_weight, 12.5 * k_corporate(0.01, 0.45, 2.5, 0), "S=5");
    score_enhance_config_free(c);
    /* China's bounds, 3..30 tens of millions of yuan: the same at the floor */
    c = config_of("{\"approach\": \"firb\"}");
    evaluate(c, "{\"pd\": 0.01, \"amount\": 1000, \"tenor_years\": 1, \"annual_sales\": 30000000}",
             &f, NULL);
    cr_assert_eq(round(f.reg_risk_weight * 10000), 7239);
    evaluate(c, "{\"pd\": 0.01, \"amount\": 1000, \"tenor_years\": 1, \"annual_sales\": 300000000}",
             &f, NULL);
    cr_assert_eq(round(f.reg_risk_weight * 10000), 9232);
    score_enhance_config_free(c);
}

/* ---- what never lowers regulatory capital ------------------------------------------ */

Test(enhance_views, ineligible_guarantee_or_fund_never_lowers_capital)
{
    score_enhance_config *firb = config_of("{\"approach\": \"firb\"}");
    const score_enhance_config *configs[] = {NULL, firb};
    const char *kinds[] = {"", "commercial_guarantor"};
    for (int ci = 0; ci < 2; ci++)
        for (int k = 0; k < 2; k++)
            for (int g = 0; g <= 10; g++)
                for (int fund = 0; fund <= 10 - g; fund++) {
                    char json[512];
                    sc_snprintf(json, sizeof json,
                             "{\"pd\": 0.04, \"amount\": 800000, \"tenor_years\": 2,"
                             " \"annual_sales\": 60000000, \"guarantee\": {\"share\": %.1f,"
                             " \"pd\": 0.0005, \"kind\": \"%s\"}, \"compensation_share\": %.1f}",
                             g / 10.0, kinds[k], fund / 10.0);
                    score_enhance_figures f, bare;
                    evaluate(configs[ci], json, &f, &bare);
                    cr_assert_eq(f.limit, bare.limit);
                    cr_assert_eq(f.reg_capital, bare.reg_capital, "%s", json);
                    cr_assert_eq(f.reg_risk_weight, bare.reg_risk_weight, "%s", json);
                }
    score_enhance_config_free(firb);
}

Test(enhance_views, never_below_the_guarantors_own_weight)
{
    /* a guarantor weaker than the borrower is not counted; a stronger one
     * gives exactly its own weight on the covered share */
    score_enhance_config *c = config_of(
        "{\"eligible_guarantors\": {\"weak\": {\"risk_weight\": 1.5},"
        " \"strong\": {\"risk_weight\": 0.2}}}");
    score_enhance_figures f;
    evaluate(c,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1, \"annual_sales\": 100000000,"
             " \"guarantee\": {\"share\": 0.6, \"kind\": \"weak\"}}",
             &f, NULL);
    cr_assert_eq(f.reg_guarantee_recognised, 0);
    rel(f.reg_risk_weight, 0.85, "weak");
    evaluate(c,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1, \"annual_sales\": 100000000,"
             " \"guarantee\": {\"share\": 0.6, \"kind\": \"strong\"}}",
             &f, NULL);
    cr_assert(f.reg_risk_weight >= 0.6 * 0.2);
    rel(f.reg_risk_weight, 0.4 * 0.85 + 0.6 * 0.2, "strong");
    /* the default list was replaced: the national fund is no longer listed */
    evaluate(c,
             "{\"pd\": 0.02, \"amount\": 3000000, \"tenor_years\": 1, \"annual_sales\": 100000000,"
             " \"guarantee\": {\"share\": 0.6, \"kind\": \"national_financing_guarantee_fund\"}}",
             &f, NULL);
    cr_assert_eq(f.reg_guarantee_recognised, 0);
    score_enhance_config_free(c);
}

Test(enhance_views, a_guarantor_failing_with_the_borrower_is_worth_nothing)
{
    score_enhance_config *c = config_of("{\"economic\": {\"guarantor_dependence\": 1}}");
    score_enhance_figures f;
    evaluate(c, issue_80_20, &f, NULL);
    rel(f.econ_lgd, 0.45 * 0.8, "only the fund counts");
    score_enhance_config_free(c);
}

/* ---- double financing --------------------------------------------------------------- */

Test(enhance_views, nothing_financed_twice)
{
    score_enhance_figures f;
    evaluate(NULL,
             "{\"pd\": 0.01, \"amount\": 9000000, \"tenor_years\": 1, \"annual_sales\": 40000000,"
             " \"orders_verified\": 2000000, \"receivables_verified\": 3000000,"
             " \"receivables_from_financed_orders\": 1000000}",
             &f, NULL);
    cr_assert_eq(f.excluded_receivables, YUAN(1000000));
    cr_assert_eq(f.limit_receivables, YUAN(0.8 * 2000000));
    cr_assert_eq(f.excluded_sales, YUAN(2000000));
    cr_assert_eq(f.limit_sales, YUAN(0.10 * 38000000));
    cr_assert_eq(f.limit_orders, YUAN(1400000));
    score_enhance_config *c = config_of("{\"double_financing\": \"none\"}");
    evaluate(c,
             "{\"pd\": 0.01, \"amount\": 9000000, \"tenor_years\": 1, \"annual_sales\": 40000000,"
             " \"orders_verified\": 2000000, \"receivables_verified\": 3000000,"
             " \"receivables_from_financed_orders\": 1000000}",
             &f, NULL);
    cr_assert_eq(f.limit_receivables, YUAN(2400000));
    cr_assert_eq(f.limit_sales, YUAN(4000000));
    score_enhance_config_free(c);
}

/* ---- refusals by name ------------------------------------------------------------------- */

static void config_refused(const char *json, const char *needle)
{
    score_enhance_config *c = NULL;
    cr_assert_eq(score_enhance_config_parse(json, strlen(json), "bank.json", &c), SCORE_EFORMAT,
                 "%s accepted", json);
    cr_assert(strstr(score_last_error(), needle), "%s: %s", json, score_last_error());
}

static void request_refused(const char *json, const char *needle)
{
    score_enhance_request r;
    score_enhance_terms t;
    score_enhance_request_init(&r);
    score_enhance_terms_init(&t);
    cr_assert_eq(score_enhance_request_parse_terms(json, strlen(json), "req.json", &r, &t),
                 SCORE_EFORMAT, "%s accepted", json);
    cr_assert(strstr(score_last_error(), needle), "%s: %s", json, score_last_error());
}

Test(enhance_views, bad_input_is_refused_by_name)
{
    config_refused("{\"approach\": \"airb\"}", "config.approach");
    config_refused("{\"approach\": \"auto\"}", "config.approach");
    config_refused("{\"standardised\": {\"small_micro_sales_max\": 400000000}}",
                   "config.standardised.small_micro_sales_max");
    config_refused("{\"firb\": {\"firm_size_floor\": 30, \"firm_size_ceiling\": 3}}",
                   "config.firb.firm_size_floor");
    config_refused("{\"standardised\": {\"sme_corporate\": 1.2}}", "config.standardised");
    config_refused("{\"capital_ratio\": 0}", "config.capital_ratio");
    config_refused("{\"double_financing\": \"twice\"}", "config.double_financing");
    config_refused("{\"eligible_guarantors\": {\"x\": {\"pd\": 0.01}}}",
                   "config.eligible_guarantors.x.risk_weight");
    const char *base = "\"pd\": 0.01, \"amount\": 1000, \"tenor_years\": 1";
    char json[256];
    snprintf(json, sizeof json, "{%s, \"approach\": \"basel\"}", base);
    request_refused(json, "request.approach");
    snprintf(json, sizeof json, "{%s, \"guarantee\": {\"share\": 0.5, \"substitution\": true}}",
             base);
    request_refused(json, "guarantee.substitution: replaced");
    snprintf(json, sizeof json, "{%s, \"guarantee\": {\"share\": 0.5, \"fee_rate\": 2}}", base);
    request_refused(json, "guarantee.fee_rate");
    snprintf(json, sizeof json, "{%s, \"receivables_from_financed_orders\": 5}", base);
    request_refused(json, "receivables_from_financed_orders");
    snprintf(json, sizeof json, "{%s, \"pool\": {\"deposit_share\": 0.95}}", base);
    request_refused(json, "request.pool.deposit_share");
    int a = -1;
    cr_assert_eq(score_enhance_approach_parse("irb", &a), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "\"irb\" does not exist"));
    /* the 1.0 parser still reads the 1.0 keys, and refuses the new ones */
    score_enhance_request r;
    score_enhance_request_init(&r);
    snprintf(json, sizeof json, "{%s, \"guarantee\": {\"share\": 0.5, \"pd\": 0.01,"
                                " \"substitution\": true}}", base);
    cr_assert_eq(score_enhance_request_parse(json, strlen(json), "r", &r), SCORE_OK);
    snprintf(json, sizeof json, "{%s, \"approach\": \"firb\"}", base);
    cr_assert_eq(score_enhance_request_parse(json, strlen(json), "r", &r), SCORE_EFORMAT);
}

Test(enhance_views, configuration_round_trip_keeps_the_new_keys)
{
    score_enhance_config *c = config_of(
        "{\"approach\": \"firb\", \"capital_ratio\": 0.12, \"double_financing\": \"none\","
        " \"firb\": {\"lgd\": 0.4}, \"eligible_guarantors\": {\"fund\": {\"risk_weight\": 0.1,"
        " \"pd\": 0.001}}}");
    char text[8192];
    size_t n;
    cr_assert_eq(score_enhance_config_json(c, text, sizeof text, &n), SCORE_OK);
    score_enhance_config *back = config_of(text);
    cr_assert_eq(memcmp(c, back, sizeof *c), 0, "%s", text);
    cr_assert(strstr(text, "\"approach\": \"firb\""), "%s", text);
    score_enhance_config_free(c);
    score_enhance_config_free(back);
}
