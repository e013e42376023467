/*
 * The regulatory and economic views of one application and its price
 * (docs/enhancement.md, "Two views"). The regulatory view counts only what
 * the capital rules recognise; the economic view is the loss the bank
 * expects; the price takes expected loss from the second and capital from
 * the first.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/money.h"
#include "enhance.h"


static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* ---- limit: each transaction financed once --------------------------------- */

static void limit(const score_enhance_config *c, const score_enhance_request *r,
                  const score_enhance_terms *t, int grade, score_enhance_figures *f)
{
    int64_t receivables = r->receivables_verified, sales = r->annual_sales;
    if (c->double_financing_net) {
        /* a receivable born of an order already financed is the same sale;
         * receivables financed are sales the sales line already counted */
        f->excluded_receivables = t->receivables_from_financed_orders;
        receivables -= f->excluded_receivables;
        f->excluded_sales = sales > 0 ? min64(sales, receivables) : 0;
        sales = sales > 0 ? sales - f->excluded_sales : sales;
    }
    f->limit_sales = sc_enhance_share_of(c->sales_shares[grade], sales);
    f->limit_patents = sc_enhance_share_of(c->advance_invention, r->patent_invention) +
                       sc_enhance_share_of(c->advance_utility, r->patent_utility) +
                       sc_enhance_share_of(c->advance_trademark, r->patent_trademark);
    f->limit_orders = sc_enhance_share_of(c->advance_orders, r->orders_verified);
    f->limit_receivables = sc_enhance_share_of(c->advance_receivables, receivables);
    f->limit_available = f->limit_sales + f->limit_patents + f->limit_orders + f->limit_receivables;
    f->limit = min64(r->amount, f->limit_available);
}

/* ---- the approach and the exposure class ----------------------------------- */

static int is_small_micro(const score_enhance_config *c, const score_enhance_request *r,
                          const score_enhance_terms *t)
{
    if (t->small_micro >= 0)
        return t->small_micro;
    return r->annual_sales >= 0 && r->annual_sales <= c->small_micro_sales_max;
}

static int resolve(const score_enhance_config *c, const score_enhance_terms *t, int64_t exposure)
{
    switch (t->approach) {
    case SCORE_APPROACH_CONFIGURED:
        return c->approach;
    case SCORE_APPROACH_AUTO:
        /* IRB retail needs an IRB bank; a standardised bank's small exposures
         * are its regulatory retail class, decided inside that approach */
        return c->approach == SCORE_APPROACH_FIRB && exposure <= c->retail_max_exposure
                   ? SCORE_APPROACH_RETAIL
                   : c->approach;
    default:
        return t->approach;
    }
}

static void name_it(score_enhance_figures *f, const char *approach, const char *cls,
                    const char *rule)
{
    snprintf(f->approach, sizeof f->approach, "%s", approach);
    snprintf(f->exposure_class, sizeof f->exposure_class, "%s", cls);
    snprintf(f->rule, sizeof f->rule, "%s", rule);
}

/* The borrower's standardised weight and its class. */
static double standardised_weight(const score_enhance_config *c, const score_enhance_request *r,
                                  const score_enhance_terms *t, int64_t exposure,
                                  score_enhance_figures *f)
{
    if (is_small_micro(c, r, t) && exposure <= c->std_retail_max_exposure) {
        name_it(f, "standardised", "regulatory_retail",
                "2023 Measures, Annex 2: regulatory retail exposure to a small or micro "
                "enterprise (total exposure within standardised.retail_max_exposure)");
        return c->std_regulatory_retail;
    }
    if (r->annual_sales >= 0 && r->annual_sales <= c->std_sme_sales_max) {
        name_it(f, "standardised", "sme_corporate",
                "2023 Measures, Annex 2: SME corporate exposure (annual sales within "
                "standardised.sme_sales_max)");
        return c->std_sme_corporate;
    }
    name_it(f, "standardised", "corporate", "2023 Measures, Annex 2: general corporate exposure");
    return c->std_corporate;
}

static double firb_firm_size(const score_enhance_config *c, int64_t sales, double *s_out)
{
    *s_out = 0;
    if (sales < 0 || sales >= c->firb_size_ceiling * (double)c->firb_size_unit)
        return -1.0;
    double s = fmax((double)sales / (double)c->firb_size_unit, c->firb_size_floor);
    *s_out = s;
    return (s - c->firb_size_floor) / (c->firb_size_ceiling - c->firb_size_floor);
}

/* ---- the regulatory view ----------------------------------------------------- */

typedef struct parts {
    double covered;    /* fen guaranteed and recognised (or offered, before recognition) */
    double cash;       /* fen of cash at the lender recognised */
    double uncovered;  /* fen at the borrower's weight */
} parts;

/* The guarantor's weight under the approach; negative when it has none
 * (IRB without a PD). */
static double guarantor_weight(const score_enhance_config *c, int approach,
                               const struct sc_guarantor *g, const score_enhance_request *r,
                               double lgd, double maturity)
{
    if (approach == SCORE_APPROACH_STANDARDISED)
        return g->risk_weight;
    double pd = r->guarantee_pd >= 0 ? r->guarantee_pd : g->pd;
    if (pd < 0)
        return -1;
    pd = fmax(pd, c->pd_floor);
    return 12.5 * c->scaling_factor *
           sc_enhance_irb_k(pd, lgd, maturity, sc_enhance_correlation(pd, -1.0));
}

static void regulatory(const score_enhance_config *c, const score_enhance_request *r,
                       const score_enhance_terms *t, int approach, score_enhance_figures *f)
{
    double e = (double)f->limit;
    int64_t exposure = t->other_exposure + f->limit;
    double rw_b, lgd = 0, m = 0;
    if (approach == SCORE_APPROACH_STANDARDISED) {
        f->reg_pd = fmax(r->pd, c->pd_floor);
        rw_b = standardised_weight(c, r, t, exposure, f);
    } else if (approach == SCORE_APPROACH_FIRB) {
        f->reg_pd = fmax(r->pd, c->pd_floor);
        lgd = c->firb_lgd;
        m = c->firb_maturity;
        f->correlation =
            sc_enhance_correlation(f->reg_pd, firb_firm_size(c, r->annual_sales, &f->firm_size));
        rw_b = 12.5 * c->scaling_factor * sc_enhance_irb_k(f->reg_pd, lgd, m, f->correlation);
        name_it(f, "firb", "corporate",
                "2023 Measures, Annex 3: IRB corporate, foundation approach (supervisory LGD, "
                "SME firm-size adjustment in yuan)");
    } else {
        f->reg_pd = fmax(r->pd, c->retail_pd_floor);
        lgd = r->lgd < 0 ? c->lgd : r->lgd;
        m = c->firb_maturity; /* for a guarantor's corporate weight only */
        f->correlation = sc_enhance_retail_correlation(f->reg_pd);
        rw_b = 12.5 * c->scaling_factor * sc_enhance_retail_k(f->reg_pd, lgd);
        name_it(f, "retail", "other_retail",
                "2023 Measures, Annex 3: IRB retail, other retail (small business exposure "
                "within retail.max_exposure)");
    }
    f->reg_lgd = lgd;
    f->maturity = approach == SCORE_APPROACH_FIRB ? m : 0;
    f->reg_borrower_risk_weight = rw_b;

    /* cash at the lender first, then the guaranteed share of what is left */
    parts p = {0};
    p.cash = fmin(e, floor((double)t->deposits_at_lender * (1.0 - c->cash_haircut)));
    const struct sc_guarantor *g = sc_enhance_guarantor(c, t->guarantor_kind);
    /* under IRB the guarantor is a corporate exposure of the foundation
     * approach, whatever the borrower's class */
    double rw_g = g ? guarantor_weight(c, approach, g, r, c->firb_lgd, c->firb_maturity) : -1;
    f->reg_guarantor_risk_weight = rw_g < 0 ? 0 : rw_g;
    /* substitution only when it lowers the weight: a bank may not count a
     * guarantor weaker than its borrower, nor one the rules do not list */
    f->reg_guarantee_recognised = r->guarantee_share > 0 && rw_g >= 0 && rw_g < rw_b;
    if (f->reg_guarantee_recognised)
        p.covered = fmin(r->guarantee_share * e, e - p.cash);
    p.uncovered = e - p.cash - p.covered;
    f->reg_collateral = (int64_t)p.cash;
    f->reg_guaranteed_share = e > 0 ? p.covered / e : 0;
    double rwa = rw_b * p.uncovered + (f->reg_guarantee_recognised ? rw_g * p.covered : 0);
    f->reg_risk_weight = e > 0 ? rwa / e : rw_b;
    f->reg_rwa = sc_enhance_times(1.0, rwa);
    f->reg_capital = sc_enhance_times(c->capital_ratio, rwa);
}

/* ---- the economic view -------------------------------------------------------- */

static void economic(const score_enhance_config *c, const score_enhance_request *r,
                     const score_enhance_terms *t, score_enhance_figures *f)
{
    double e = (double)f->limit;
    double lgd = r->lgd < 0 ? c->lgd : r->lgd;
    f->econ_pd = fmax(r->pd, c->pd_floor);
    /* the guarantor's PD: given, or its kind's, or (unknown) the borrower's
     * own: a guarantor of the same cluster is no safer than its client */
    const struct sc_guarantor *g = sc_enhance_guarantor(c, t->guarantor_kind);
    double pd_g = r->guarantee_pd >= 0 ? r->guarantee_pd : g && g->pd >= 0 ? g->pd : f->econ_pd;
    /* a common shock takes the guarantor down with the borrower with
     * probability `dependence`; otherwise it fails on its own PD */
    double q = r->guarantee_share > 0 ? pd_g + c->guarantor_dependence * (1.0 - pd_g) : 0;
    f->econ_guarantor_fails = q;
    double cash = e > 0 ? fmin(e, floor((double)t->deposits_at_lender * (1.0 - c->cash_haircut)))
                        : 0;
    double unsecured = e > 0 ? (e - cash) / e : 1.0;
    double borne = 1.0 - r->compensation_share - r->guarantee_share * (1.0 - q);
    f->econ_lgd = lgd * unsecured * fmax(0.0, borne);
    f->econ_expected_loss = sc_enhance_times(f->econ_pd * f->econ_lgd, e);
}

/* ---- price -------------------------------------------------------------------- */

static void price(const score_enhance_config *c, const score_enhance_request *r,
                  const score_enhance_terms *t, score_enhance_figures *f)
{
    f->rate_credit = f->econ_pd * f->econ_lgd;
    f->rate_capital = f->reg_risk_weight * c->capital_ratio * (c->hurdle_rate - c->funding_rate);
    f->rate = c->funding_rate + c->operating_cost + f->rate_credit + f->rate_capital;
    f->guarantee_fee = t->guarantee_fee_rate * r->guarantee_share;
    double d = t->pool_deposit_share;
    f->all_in_cost = (f->rate + f->guarantee_fee - d * t->pool_deposit_rate) / (1.0 - d);
    f->deposit_cost = f->all_in_cost - f->rate - f->guarantee_fee;
}

static int figures(const score_enhance_config *c, const score_enhance_request *r,
                   const score_enhance_terms *t, score_enhance_figures *f)
{
    memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    int grade = sc_enhance_grade(c, r->pd);
    snprintf(f->grade, sizeof f->grade, "%s", sc_master_grade_names[grade]);
    limit(c, r, t, grade, f);
    int64_t exposure = t->other_exposure + f->limit;
    int approach = resolve(c, t, exposure);
    if (approach == SCORE_APPROACH_RETAIL && exposure > c->retail_max_exposure) {
        char a[32], b[32];
        sc_money_format(exposure, a);
        sc_money_format(c->retail_max_exposure, b);
        return sc_error(SCORE_EINVAL,
                        "request.approach: retail: the exposure to the borrower (other_exposure "
                        "+ limit, %s yuan) is above retail.max_exposure (%s yuan); use firb, "
                        "standardised or auto",
                        a, b);
    }
    regulatory(c, r, t, approach, f);
    economic(c, r, t, f);
    price(c, r, t, f);
    return SCORE_OK;
}

static int check_size(size_t size, size_t full, const char *what)
{
    if (size < sizeof(size_t) || size > full)
        return sc_error(SCORE_EINVAL, "score_enhance_evaluate: %s size is %zu; set it to sizeof",
                        what, size);
    return SCORE_OK;
}

static void deliver(const score_enhance_figures *full, score_enhance_figures *out)
{
    size_t size = out->size;
    memcpy(out, full, size);
    out->size = size;
}

int score_enhance_evaluate(const score_enhance_config *config, const score_enhance_request *request,
                           const score_enhance_terms *terms, score_enhance_figures *with,
                           score_enhance_figures *without)
{
    if (!request || !with)
        return sc_error(SCORE_EINVAL, "score_enhance_evaluate: %s is NULL",
                        !request ? "request" : "with");
    int rc;
    if ((rc = check_size(request->size, sizeof *request, "request")) != SCORE_OK ||
        (rc = check_size(with->size, sizeof *with, "with")) != SCORE_OK ||
        (without && (rc = check_size(without->size, sizeof *without, "without")) != SCORE_OK) ||
        (terms && terms->size != sizeof *terms &&
         (rc = sc_error(SCORE_EINVAL, "score_enhance_evaluate: terms->size is %zu; set it to "
                                      "sizeof(score_enhance_terms)",
                        terms->size)) != SCORE_OK))
        return rc;
    score_enhance_config defaults;
    config = sc_enhance_config_or_defaults(config, &defaults);
    score_enhance_request r;
    score_enhance_request_init(&r);
    memcpy(&r, request, request->size);
    r.size = sizeof r;
    score_enhance_terms t;
    score_enhance_terms_init(&t);
    if (terms)
        t = *terms;
    if ((rc = sc_enhance_request_check(&r, "request", 1)) != SCORE_OK ||
        (rc = sc_enhance_terms_check(&t, &r, "request")) != SCORE_OK)
        return rc;
    score_enhance_figures full_with, full_without;
    if ((rc = figures(config, &r, &t, &full_with)) != SCORE_OK)
        return rc;
    if (without) {
        r.orders_verified = r.receivables_verified = 0;
        r.patent_invention = r.patent_utility = r.patent_trademark = 0;
        r.guarantee_share = r.compensation_share = 0;
        r.guarantee_pd = -1;
        t.guarantor_kind[0] = '\0';
        t.guarantee_fee_rate = t.pool_deposit_share = t.pool_deposit_rate = 0;
        t.deposits_at_lender = t.receivables_from_financed_orders = 0;
        if ((rc = figures(config, &r, &t, &full_without)) != SCORE_OK)
            return rc;
        deliver(&full_without, without);
    }
    deliver(&full_with, with);
    return SCORE_OK;
}
