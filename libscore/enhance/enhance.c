/*
 * One application's limit, capital and price, with and without its
 * enhancements (docs/enhancement.md).
 */
#include <math.h>
#include <string.h>

#include "enhance.h"

/* `share` of an amount in fen, rounded down to the fen. A product within a
 * millionth of a fen of a whole fen is that fen: 15% of 100 fen is 15 fen,
 * although 0.15 is a hair below 0.15 in binary. */
int64_t sc_enhance_share_of(double share, int64_t fen)
{
    if (fen <= 0 || !(share > 0))
        return 0;
    long double exact = (long double)share * (long double)fen;
    long double nearest = roundl(exact);
    return (int64_t)(fabsl(exact - nearest) <= 1e-6L ? nearest : floorl(exact));
}

int64_t sc_enhance_times(double ratio, long double fen)
{
    return (int64_t)llroundl((long double)ratio * fen);
}

static double clamp(double v, double lo, double hi)
{
    return fmin(fmax(v, lo), hi);
}

/* The figures of a request already checked. */
static void figures(const score_enhance_config *cfg, const score_enhance_request *r,
                    score_enhance_result *out)
{
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    int grade = sc_enhance_grade(cfg, r->pd);
    strcpy(out->grade, sc_master_grade_names[grade]);

    /* capital */
    double pd = fmax(r->pd, cfg->pd_floor);
    double lgd = r->lgd < 0 ? cfg->lgd : r->lgd;
    double m = clamp(r->tenor_years, cfg->maturity_min, cfg->maturity_max);
    double firm_size = sc_enhance_firm_size(cfg, r->annual_sales, &out->firm_size);
    double correlation = sc_enhance_correlation(pd, firm_size);
    double g = r->guarantee_share, k;
    if (r->guarantee_approach == SCORE_GUARANTEE_SUBSTITUTION && g > 0) {
        /* the guaranteed part is an exposure to the guarantor (a large firm:
         * its sales are not known); the fund still shares every loss */
        double pd_guarantor = fmax(r->guarantee_pd, cfg->pd_floor);
        out->lgd_effective = lgd * (1.0 - r->compensation_share);
        k = (1.0 - g) * sc_enhance_irb_k(pd, out->lgd_effective, m, correlation) +
            g * sc_enhance_irb_k(pd_guarantor, out->lgd_effective, m,
                                 sc_enhance_correlation(pd_guarantor, -1.0));
        out->pd = (1.0 - g) * pd + g * pd_guarantor;
    } else {
        out->lgd_effective = lgd * fmax(0.0, 1.0 - (g + r->compensation_share));
        k = sc_enhance_irb_k(pd, out->lgd_effective, m, correlation);
        out->pd = pd;
    }
    out->correlation = correlation;
    out->maturity = m;
    out->capital_ratio = k * cfg->scaling_factor;
    out->risk_weight = 12.5 * out->capital_ratio;

    /* limit */
    out->limit_sales = sc_enhance_share_of(cfg->sales_shares[grade], r->annual_sales);
    out->limit_patents = sc_enhance_share_of(cfg->advance_invention, r->patent_invention) +
                         sc_enhance_share_of(cfg->advance_utility, r->patent_utility) +
                         sc_enhance_share_of(cfg->advance_trademark, r->patent_trademark);
    out->limit_orders = sc_enhance_share_of(cfg->advance_orders, r->orders_verified);
    out->limit_receivables = sc_enhance_share_of(cfg->advance_receivables, r->receivables_verified);
    out->limit_available =
        out->limit_sales + out->limit_patents + out->limit_orders + out->limit_receivables;
    out->limit = r->amount < out->limit_available ? r->amount : out->limit_available;
    out->capital = sc_enhance_times(out->capital_ratio, out->limit);
    out->expected_loss = sc_enhance_times(out->pd * out->lgd_effective, out->limit);

    /* price */
    out->rate_credit = out->pd * out->lgd_effective;
    out->rate_capital = out->capital_ratio * (cfg->hurdle_rate - cfg->funding_rate);
    out->rate = cfg->funding_rate + cfg->operating_cost + out->rate_credit + out->rate_capital;
}

static int check_result_size(const score_enhance_result *result, const char *what)
{
    if (result->size < sizeof(size_t) || result->size > sizeof *result)
        return sc_error(SCORE_EINVAL,
                        "score_enhance_compute: %s->size is %zu; set it to "
                        "sizeof(score_enhance_result)",
                        what, result->size);
    return SCORE_OK;
}

static void deliver(const score_enhance_result *full, score_enhance_result *out)
{
    size_t size = out->size;
    memcpy(out, full, size);
    out->size = size;
}

/* The same application with every enhancement removed. */
static void strip(score_enhance_request *r)
{
    r->orders_verified = r->receivables_verified = 0;
    r->patent_invention = r->patent_utility = r->patent_trademark = 0;
    r->guarantee_share = r->compensation_share = 0;
    r->guarantee_pd = -1;
    r->guarantee_approach = SCORE_GUARANTEE_LGD_SHARING;
}

int score_enhance_compute(const score_enhance_config *config, const score_enhance_request *request,
                          score_enhance_result *with, score_enhance_result *without)
{
    if (!request || !with)
        return sc_error(SCORE_EINVAL, "score_enhance_compute: %s is NULL",
                        !request ? "request" : "with");
    if (request->size < sizeof(size_t) || request->size > sizeof *request)
        return sc_error(SCORE_EINVAL,
                        "score_enhance_compute: request->size is %zu; set it to "
                        "sizeof(score_enhance_request)",
                        request->size);
    int rc;
    if ((rc = check_result_size(with, "with")) != SCORE_OK ||
        (without && (rc = check_result_size(without, "without")) != SCORE_OK))
        return rc;
    score_enhance_config defaults;
    config = sc_enhance_config_or_defaults(config, &defaults);
    score_enhance_request r;
    score_enhance_request_init(&r);
    memcpy(&r, request, request->size);
    r.size = sizeof r;
    if ((rc = sc_enhance_request_check(&r, "request", 1)) != SCORE_OK)
        return rc;

    score_enhance_result result_with, result_without;
    figures(config, &r, &result_with);
    if (config->evidence) {
        score_enhance_request plain = r;
        strip(&plain);
        figures(config, &plain, &result_without);
        if ((rc = sc_enhance_evidence(config, &r, &result_with, &result_without)) != SCORE_OK)
            return rc;
    }
    if (without) {
        strip(&r);
        figures(config, &r, &result_without);
        deliver(&result_without, without);
    }
    deliver(&result_with, with);
    return SCORE_OK;
}

int score_enhance_risk_weight(const score_enhance_config *config, double pd, double lgd,
                              double tenor_years, int64_t annual_sales, double *risk_weight)
{
    if (!risk_weight)
        return sc_error(SCORE_EINVAL, "score_enhance_risk_weight: risk_weight is NULL");
    if (!(pd >= 0 && pd <= 1) || !(lgd >= 0 && lgd <= 1))
        return sc_error(SCORE_EINVAL, "score_enhance_risk_weight: %s %.17g is outside 0..1",
                        !(pd >= 0 && pd <= 1) ? "pd" : "lgd", !(pd >= 0 && pd <= 1) ? pd : lgd);
    if (!(tenor_years > 0) || !isfinite(tenor_years))
        return sc_error(SCORE_EINVAL, "score_enhance_risk_weight: tenor_years %.17g is not above 0",
                        tenor_years);
    score_enhance_config defaults;
    config = sc_enhance_config_or_defaults(config, &defaults);
    double s, floored = fmax(pd, config->pd_floor);
    double m = clamp(tenor_years, config->maturity_min, config->maturity_max);
    double r = sc_enhance_correlation(floored, sc_enhance_firm_size(config, annual_sales, &s));
    *risk_weight = 12.5 * config->scaling_factor * sc_enhance_irb_k(floored, lgd, m, r);
    return SCORE_OK;
}
