/* Sizing: the smallest deposit rate, or fund, that keeps the bank's
 * probability of any loss at or below a target.
 *
 * The scenarios are drawn once and each one's defaulters kept; the
 * waterfall is then rerun on them at each candidate (common random
 * numbers), so the probability is a step function of the candidate that
 * never rises as the deposit rate or the fund grows, and bisection finds
 * the smallest candidate exactly, to 1e-6 for a rate and to the fen for a
 * fund. The result at the solution is computed on the same scenarios, so
 * it is exactly what score_pool_simulate gives for the solved config. */
#include <math.h>
#include <string.h>

#include "../core/money.h"
#include "pool.h"

#define RATE_STEPS 1000000 /* the deposit rate is found to 1e-6 */

static int solve_rate(sc_sim *s, double fund, double target, const score_pool_sim_options *o,
                      double *rate)
{
    double p;
    int rc = sc_sim_bank_p_loss(s, 0, fund, &p);
    if (rc != SCORE_OK)
        return rc;
    if (p <= target) {
        *rate = 0;
        return SCORE_OK;
    }
    /* at rate 1 each defaulter's own deposit covers its whole loss */
    int64_t lo = 0, hi = RATE_STEPS;
    for (int step = 1; hi - lo > 1; step++) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((rc = sc_sim_bank_p_loss(s, (double)mid / RATE_STEPS, fund, &p)) != SCORE_OK)
            return rc;
        if (p <= target)
            hi = mid;
        else
            lo = mid;
        if (o && o->progress && o->progress(o->progress_user, "solve", (uint64_t)step, 20) != 0)
            return sc_error(SCORE_ECANCELED, "sizing was stopped by the progress callback");
    }
    *rate = (double)hi / RATE_STEPS;
    return SCORE_OK;
}

static int solve_fund(sc_sim *s, const score_pool_config *c, double target,
                      const score_pool_sim_options *o, int64_t *fund)
{
    double max_call, p;
    int rc = sc_sim_max_fund_call(s, c->deposit_rate, &max_call);
    if (rc != SCORE_OK)
        return rc;
    int64_t hi = (int64_t)ceil(max_call), lo = 0;
    if ((rc = sc_sim_bank_p_loss(s, c->deposit_rate, (double)hi, &p)) != SCORE_OK)
        return rc;
    if (p > target) {
        char most[32];
        sc_money_format(hi, most);
        return sc_error(SCORE_ENOTFOUND, "no fund keeps the bank's probability of a loss at or "
                        "below %g: even a fund of %s yuan, which no scenario exhausts, leaves "
                        "the bank a loss in %.4g%% of the scenarios, from its own share (%g) of "
                        "the losses beyond the deposits; raise the deposit rate or lower the "
                        "bank's share", target, most, 100 * p, c->share_bank);
    }
    if ((rc = sc_sim_bank_p_loss(s, c->deposit_rate, 0, &p)) != SCORE_OK)
        return rc;
    if (p <= target) {
        *fund = 0;
        return SCORE_OK;
    }
    uint64_t steps = 0;
    for (int64_t span = hi; span > 1; span /= 2)
        steps++;
    for (int step = 1; hi - lo > 1; step++) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((rc = sc_sim_bank_p_loss(s, c->deposit_rate, (double)mid, &p)) != SCORE_OK)
            return rc;
        if (p <= target)
            hi = mid;
        else
            lo = mid;
        if (o && o->progress && o->progress(o->progress_user, "solve", (uint64_t)step, steps) != 0)
            return sc_error(SCORE_ECANCELED, "sizing was stopped by the progress callback");
    }
    *fund = hi;
    return SCORE_OK;
}

int score_pool_size(const score_pool_config *config, size_t n, const double *pd,
                    const int64_t *ead, const double *lgd, int solve, double target,
                    const score_pool_sim_options *options, score_pool_config *solved,
                    score_pool_sim_result *result)
{
    int rc = sc_pool_size_ok(result, sizeof *result, "result");
    if (rc == SCORE_OK)
        rc = sc_pool_size_ok(solved, sizeof *solved, "solved");
    score_pool_config c;
    if (rc == SCORE_OK)
        rc = sc_pool_config_in(config, &c);
    if (rc != SCORE_OK)
        return rc;
    if (solve != SCORE_POOL_SOLVE_DEPOSIT_RATE && solve != SCORE_POOL_SOLVE_FUND)
        return sc_error(SCORE_EINVAL, "solve is %d; expected SCORE_POOL_SOLVE_DEPOSIT_RATE or "
                        "SCORE_POOL_SOLVE_FUND", solve);
    if (!(target >= 0 && target < 1))
        return sc_error(SCORE_EINVAL, "target %g is outside [0, 1)", target);
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    if (options && (rc = sc_pool_size_ok(options, sizeof o, "options")) != SCORE_OK)
        return rc;
    if (options)
        memcpy(&o, options, options->size);
    sc_sim *s;
    if ((rc = sc_sim_run(&c, n, pd, ead, lgd, options, 1, &s, NULL)) != SCORE_OK)
        return rc;
    if (solve == SCORE_POOL_SOLVE_DEPOSIT_RATE)
        rc = solve_rate(s, (double)c.compensation_fund, target, &o, &c.deposit_rate);
    else
        rc = solve_fund(s, &c, target, &o, &c.compensation_fund);
    score_pool_sim_result r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    if (rc == SCORE_OK)
        rc = sc_sim_result_at(s, c.deposit_rate, (double)c.compensation_fund, &r);
    sc_sim_free(s);
    if (rc != SCORE_OK)
        return rc;
    sc_pool_copy_out(solved, &c);
    sc_pool_copy_out(result, &r);
    return SCORE_OK;
}
