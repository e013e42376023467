/* The loss simulation: Vasicek's large-pool limit, exact small-pool
 * distributions, the mean default rate, determinism for any number of
 * threads, common random numbers, sizing, bad input. */
#include <math.h>

#include "core/core.h"
#include "pool/pool.h"
#include "pool_test.h"

/* ---- helpers ----------------------------------------------------------------- */

static score_pool_sim_result simulate(const score_pool_config *c, size_t n, const double *pd,
                                      const int64_t *ead, const double *lgd, uint64_t scenarios,
                                      uint64_t seed, unsigned threads)
{
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    o.scenarios = scenarios;
    o.seed = seed;
    o.threads = threads;
    score_pool_sim_result r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    cr_assert_eq(score_pool_simulate(c, n, pd, ead, lgd, &o, &r), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(r.scenarios, scenarios);
    return r;
}

/* |estimate - exact| within k standard errors */
#define assert_within(estimate, exact, se, what) \
    cr_assert(fabs((estimate) - (exact)) <= 4 * (se) + 1e-12, \
              "%s: %.10g, exact %.10g, 4 standard errors %.3g", what, (double)(estimate), \
              (double)(exact), 4 * (double)(se))

/* ---- against Vasicek --------------------------------------------------------- */

/* A large homogeneous pool: PD 2%, asset correlation 0.10. The simulated
 * 99% loss fraction must lie within the Monte Carlo error of Vasicek's
 * 0.08236: between the Vasicek quantiles at 0.99 -/+ 4 standard errors of
 * an empirical 99% point, widened by the granularity of 4,000 members
 * (computed exactly, the finite pool's 99% point is 0.08275, 0.0004 from
 * the limit; 0.002 is allowed). */
Test(pool_sim, vasicek_large_homogeneous_pool)
{
    enum { M = 4000 };
    const uint64_t N = 20000;
    static double pd[M], lgd[M];
    static int64_t ead[M];
    for (int i = 0; i < M; i++) {
        pd[i] = 0.02;
        lgd[i] = 1;
        ead[i] = YUAN(100);
    }
    score_pool_config c;
    score_pool_config_init(&c);
    c.correlation = 0.10;
    score_pool_sim_result r = simulate(&c, M, pd, ead, lgd, N, 7, 0);
    double exposure = (double)M * YUAN(100);
    const double levels[3] = {0.95, 0.99, 0.999};
    const double got[3] = {r.loss_q95 / exposure, r.loss_q99 / exposure, r.loss_q999 / exposure};
    for (int i = 0; i < 3; i++) {
        double q = levels[i], s = sqrt(q * (1 - q) / (double)N);
        double lo = sc_vasicek_quantile(0.02, 0.10, q - 4 * s) - 0.002;
        double hi = sc_vasicek_quantile(0.02, 0.10, fmin(q + 4 * s, 1 - 1e-12)) + 0.002;
        cr_assert(got[i] >= lo && got[i] <= hi, "q %.3f: %.5f outside [%.5f, %.5f] (Vasicek %.5f)",
                  q, got[i], lo, hi, sc_vasicek_quantile(0.02, 0.10, q));
    }
    cr_assert(fabs(got[1] - 0.08236) < 0.01);
    cr_log_info("Vasicek: simulated 99%% loss fraction %.5f, Vasicek 0.08236", got[1]);
    /* the mean loss fraction is the PD */
    assert_within(r.expected_loss / exposure, 0.02, r.expected_loss_stderr / exposure, "mean");
    assert_within(r.default_rate, 0.02, r.default_rate_stderr, "default rate");
}

/* ---- exact distributions of a small pool with independent defaults ----------- */

enum { SMALL = 6 };
static const double small_pd[SMALL] = {0.05, 0.1, 0.15, 0.2, 0.3, 0.4};
static const int64_t small_ead[SMALL] = {YUAN(100), YUAN(200), YUAN(300), YUAN(150), YUAN(250),
                                         YUAN(50)};
static const double small_lgd[SMALL] = {1, 0.5, 0.8, 0.6, 1, 0.9};

typedef struct exact {
    double loss[1 << SMALL], prob[1 << SMALL];   /* by subset of defaulters */
    double party_mean[SCORE_POOL_N_PARTIES], party_var[SCORE_POOL_N_PARTIES];
    double party_p[SCORE_POOL_N_PARTIES], p_exhausted, p_suspended, mean, var, mean_k, var_k;
} exact;

/* The waterfall of docs/pools.md, written again from the rules. */
static void exact_outcome(const score_pool_config *c, unsigned set, double party[5], int *exhausted,
                          int *suspended, double *total)
{
    double ead_all = 0, ead_def = 0, own = 0, rest = 0, loss = 0;
    for (int i = 0; i < SMALL; i++) {
        ead_all += (double)small_ead[i];
        if (!(set >> i & 1))
            continue;
        double l = (double)small_ead[i] * small_lgd[i], d = c->deposit_rate * (double)small_ead[i];
        ead_def += (double)small_ead[i];
        loss += l;
        own += fmin(l, d);
        rest += l - fmin(l, d);
    }
    double pooled = c->deposit_rate * (ead_all - ead_def), others = fmin(rest, pooled);
    double beyond = rest - others, fund = (double)c->compensation_fund;
    party[0] = own + others;
    party[1] = c->share_bank * beyond;
    party[2] = c->share_fund * beyond;
    party[3] = c->share_guarantor * beyond;
    party[4] = c->share_reguarantor * beyond;
    *exhausted = party[2] > 0 && party[2] >= fund;
    if (party[2] > fund) {
        party[1] += party[2] - fund;
        party[2] = fund;
    }
    *suspended = set && ead_def >= c->npl_suspend * ead_all;
    *total = loss;
}

static void exact_small_pool(const score_pool_config *c, exact *x)
{
    memset(x, 0, sizeof *x);
    for (unsigned set = 0; set < 1u << SMALL; set++) {
        double p = 1, party[5];
        int k = 0, exhausted, suspended;
        for (int i = 0; i < SMALL; i++) {
            p *= set >> i & 1 ? small_pd[i] : 1 - small_pd[i];
            k += set >> i & 1;
        }
        exact_outcome(c, set, party, &exhausted, &suspended, &x->loss[set]);
        x->prob[set] = p;
        x->mean += p * x->loss[set];
        x->var += p * x->loss[set] * x->loss[set];
        x->mean_k += p * k;
        x->var_k += p * k * k;
        for (int q = 0; q < 5; q++) {
            x->party_mean[q] += p * party[q];
            x->party_var[q] += p * party[q] * party[q];
            x->party_p[q] += party[q] > 0 ? p : 0;
        }
        x->p_exhausted += exhausted ? p : 0;
        x->p_suspended += suspended ? p : 0;
    }
    x->var -= x->mean * x->mean;
    x->var_k -= x->mean_k * x->mean_k;
    for (int q = 0; q < 5; q++)
        x->party_var[q] -= x->party_mean[q] * x->party_mean[q];
}

/* The distribution of the total loss by convolution: member by member, the
 * loss is either unchanged or raised by its EAD x LGD. */
typedef struct dist {
    double value[1 << SMALL], prob[1 << SMALL];
    int n;
} dist;

static void convolve(dist *d)
{
    d->n = 1;
    d->value[0] = 0;
    d->prob[0] = 1;
    for (int i = 0; i < SMALL; i++) {
        double l = (double)small_ead[i] * small_lgd[i];
        dist next = {.n = 0};
        for (int a = 0; a < d->n; a++)
            for (int hit = 0; hit < 2; hit++) {
                double v = d->value[a] + (hit ? l : 0);
                double p = d->prob[a] * (hit ? small_pd[i] : 1 - small_pd[i]);
                int b = 0;
                while (b < next.n && next.value[b] != v)
                    b++;
                if (b == next.n) {
                    next.value[b] = v;
                    next.prob[b] = 0;
                    next.n++;
                }
                next.prob[b] += p;
            }
        *d = next;
    }
    /* ascending */
    for (int a = 1; a < d->n; a++)
        for (int b = a; b > 0 && d->value[b - 1] > d->value[b]; b--) {
            double t = d->value[b], u = d->prob[b];
            d->value[b] = d->value[b - 1];
            d->prob[b] = d->prob[b - 1];
            d->value[b - 1] = t;
            d->prob[b - 1] = u;
        }
}

/* The simulated q-quantile is a value of the distribution whose exact CDF
 * reaches q within the Monte Carlo error, and whose predecessor's does not
 * exceed it. */
static void assert_quantile(const dist *d, double q, double got, uint64_t n, const char *what)
{
    double s = 4 * sqrt(q * (1 - q) / (double)n), below = 0;
    for (int a = 0; a < d->n; a++) {
        if (fabs(d->value[a] - got) <= 1e-6 * fmax(1, got)) {
            cr_assert(below + d->prob[a] >= q - s && below <= q + s,
                      "%s: %.2f has CDF %.6f (before it %.6f), q %.3f", what, got,
                      below + d->prob[a], below, q);
            return;
        }
        below += d->prob[a];
    }
    cr_assert_fail("%s: %.4f is not a possible loss", what, got);
}

Test(pool_sim, exact_small_pool_with_independent_defaults)
{
    score_pool_config c;
    score_pool_config_init(&c);
    c.correlation = 0; /* independent defaults */
    c.deposit_rate = 0.1;
    c.compensation_fund = YUAN(20);
    c.share_bank = 0.3;
    c.share_fund = 0.5;
    c.share_guarantor = 0.2;
    c.npl_suspend = 0.2;
    exact x;
    exact_small_pool(&c, &x);
    dist d;
    convolve(&d);
    double total = 0, mean = 0;
    for (int a = 0; a < d.n; a++) {
        total += d.prob[a];
        mean += d.prob[a] * d.value[a];
    }
    cr_assert(fabs(total - 1) < 1e-12 && fabs(mean - x.mean) < 1e-9 * x.mean,
              "convolution and enumeration agree");
    const uint64_t N = 400000;
    score_pool_sim_result r = simulate(&c, SMALL, small_pd, small_ead, small_lgd, N, 11, 0);
    double rn = sqrt((double)N);
    assert_within(r.expected_loss, x.mean, sqrt(x.var) / rn, "expected loss");
    cr_assert(fabs(r.expected_loss_stderr - sqrt(x.var) / rn) < 0.05 * sqrt(x.var) / rn);
    static const char *const names[5] = {"members", "bank", "fund", "guarantor", "reguarantor"};
    for (int q = 0; q < 5; q++) {
        assert_within(r.party_expected_loss[q], x.party_mean[q], sqrt(x.party_var[q]) / rn,
                      names[q]);
        assert_within(r.party_p_loss[q], x.party_p[q],
                      sqrt(x.party_p[q] * (1 - x.party_p[q])) / rn, names[q]);
    }
    cr_assert_eq(r.party_p_loss[SCORE_POOL_PARTY_REGUARANTOR], 0);
    cr_assert_gt(x.p_exhausted, 0.01, "the case exhausts the fund at times");
    assert_within(r.p_fund_exhausted, x.p_exhausted, sqrt(x.p_exhausted * (1 - x.p_exhausted)) / rn,
                  "fund exhausted");
    assert_within(r.p_suspended, x.p_suspended, sqrt(x.p_suspended * (1 - x.p_suspended)) / rn,
                  "suspended");
    assert_within(r.default_rate * SMALL, x.mean_k, sqrt(x.var_k) / rn, "defaults");
    assert_quantile(&d, 0.95, r.loss_q95, N, "q95");
    assert_quantile(&d, 0.99, r.loss_q99, N, "q99");
    assert_quantile(&d, 0.999, r.loss_q999, N, "q999");
    /* the exact expected shortfall: the mean of the worst 1% of the mass */
    double need = 0.01, es = 0, es2 = 0;
    for (int a = d.n - 1; a >= 0 && need > 0; a--) {
        double take = fmin(need, d.prob[a]);
        es += take * d.value[a];
        es2 += take * d.value[a] * d.value[a];
        need -= take;
    }
    es /= 0.01;
    double tail_sd = sqrt(fmax(0, es2 / 0.01 - es * es));
    cr_assert(fabs(r.expected_shortfall_99 - es) <= 4 * tail_sd / sqrt(0.01 * (double)N) + 1,
              "ES %.2f, exact %.2f", r.expected_shortfall_99, es);
}

/* ---- the mean default rate, determinism, common random numbers --------------- */

enum { POOL = 300 };
static double pool_pd[POOL], pool_lgd[POOL];
static int64_t pool_ead[POOL];

static void make_pool(void)
{
    uint64_t x = 99;
    for (int i = 0; i < POOL; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        pool_pd[i] = 0.001 + 0.049 * (double)(x >> 11) * 0x1p-53;
        pool_ead[i] = YUAN(100000) + (int64_t)(x >> 40) % YUAN(400000);
        pool_lgd[i] = 0.3 + 0.4 * (double)((x >> 20) & 1023) / 1023;
    }
    pool_pd[0] = 0;   /* never defaults */
    pool_pd[1] = 1;   /* always */
    pool_lgd[2] = 0;
}

Test(pool_sim, mean_default_rate_is_the_mean_pd)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c); /* Basel correlation */
    score_pool_sim_result r = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 30000, 5, 0);
    double mean_pd = 0, mean_loss = 0;
    for (int i = 0; i < POOL; i++) {
        mean_pd += pool_pd[i] / POOL;
        mean_loss += pool_pd[i] * (double)pool_ead[i] * pool_lgd[i];
    }
    assert_within(r.default_rate, mean_pd, r.default_rate_stderr, "default rate");
    assert_within(r.expected_loss, mean_loss, r.expected_loss_stderr, "expected loss");
    cr_assert(r.loss_q95 <= r.loss_q99 && r.loss_q99 <= r.loss_q999 &&
              r.loss_q99 <= r.expected_shortfall_99);
    double parties = 0;
    for (int p = 0; p < SCORE_POOL_N_PARTIES; p++)
        parties += r.party_expected_loss[p];
    cr_assert(fabs(parties - r.expected_loss) <= 1e-9 * r.expected_loss, "the parties bear it all");
}

Test(pool_sim, same_result_for_any_number_of_threads)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c);
    c.compensation_fund = YUAN(2000000);
    score_pool_sim_result one = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 5000, 3, 1);
    const unsigned counts[] = {2, 3, 8, 0};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        score_pool_sim_result r =
            simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 5000, 3, counts[i]);
        cr_assert(!memcmp(&one, &r, sizeof r), "%u threads differ", counts[i]);
    }
    score_pool_sim_result other = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 5000, 4, 2);
    cr_assert_neq(other.expected_loss, one.expected_loss, "another seed, other scenarios");
    /* an odd number of scenarios (a partial last block) */
    score_pool_sim_result a = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 1237, 3, 1);
    score_pool_sim_result b = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 1237, 3, 3);
    cr_assert(!memcmp(&a, &b, sizeof a));
}

/* Common random numbers: the same scenarios under every configuration, so a
 * larger deposit rate or fund never raises the bank's probability of loss,
 * and the total loss does not depend on them at all. */
Test(pool_sim, common_random_numbers)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c);
    c.share_bank = 0.2;
    c.share_fund = 0.8;
    double previous = 2;
    score_pool_sim_result base = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 4000, 9, 0);
    for (double rate = 0; rate <= 0.2; rate += 0.025) {
        c.deposit_rate = rate;
        score_pool_sim_result r = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 4000, 9, 0);
        cr_assert(r.party_p_loss[SCORE_POOL_PARTY_BANK] <= previous, "rate %g", rate);
        cr_assert(r.expected_loss == base.expected_loss && r.loss_q99 == base.loss_q99);
        previous = r.party_p_loss[SCORE_POOL_PARTY_BANK];
    }
    c.deposit_rate = 0.04;
    previous = 2;
    for (int64_t fund = 0; fund <= YUAN(40000000); fund += YUAN(5000000)) {
        c.compensation_fund = fund;
        score_pool_sim_result r = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 4000, 9, 0);
        cr_assert(r.party_p_loss[SCORE_POOL_PARTY_BANK] <= previous);
        cr_assert(r.p_fund_exhausted <= previous);
        previous = r.party_p_loss[SCORE_POOL_PARTY_BANK];
    }
}

/* ---- sizing ------------------------------------------------------------------ */

static double bank_p(score_pool_config c, double rate, int64_t fund)
{
    c.deposit_rate = rate;
    c.compensation_fund = fund;
    return simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 3000, 21, 0)
        .party_p_loss[SCORE_POOL_PARTY_BANK];
}

Test(pool_size, deposit_rate_and_fund)
{
    make_pool();
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    o.scenarios = 3000;
    o.seed = 21;
    score_pool_config c;
    score_pool_config_init(&c);
    c.compensation_fund = YUAN(1000000);
    score_pool_config solved = {.size = sizeof solved};
    score_pool_sim_result r = {.size = sizeof r};
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd,
                                 SCORE_POOL_SOLVE_DEPOSIT_RATE, 0.01, &o, &solved, &r),
                 SCORE_OK, "%s", score_last_error());
    double rate = solved.deposit_rate;
    cr_assert(rate > 0 && rate < 1, "%g", rate);
    cr_assert(r.party_p_loss[SCORE_POOL_PARTY_BANK] <= 0.01);
    cr_assert(bank_p(c, rate, c.compensation_fund) <= 0.01);
    cr_assert(bank_p(c, rate - 1e-6, c.compensation_fund) > 0.01, "the smallest to 1e-6");
    score_pool_sim_result direct =
        simulate(&solved, POOL, pool_pd, pool_ead, pool_lgd, 3000, 21, 0);
    cr_assert(!memcmp(&direct, &r, sizeof r), "the result is the simulation at the solution");
    cr_assert(solved.share_bank == c.share_bank && solved.compensation_fund == c.compensation_fund);

    /* the fund, when the bank's own share is 0 */
    c.share_bank = 0;
    c.share_fund = 0.6;
    c.share_guarantor = 0.4;
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd, SCORE_POOL_SOLVE_FUND,
                                 0.02, &o, &solved, &r), SCORE_OK, "%s", score_last_error());
    int64_t fund = solved.compensation_fund;
    cr_assert_gt(fund, 0);
    cr_assert(bank_p(c, c.deposit_rate, fund) <= 0.02);
    cr_assert(bank_p(c, c.deposit_rate, fund - 1) > 0.02, "the smallest to the fen");
    direct = simulate(&solved, POOL, pool_pd, pool_ead, pool_lgd, 3000, 21, 0);
    cr_assert(!memcmp(&direct, &r, sizeof r));

    /* an easy target needs nothing */
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd,
                                 SCORE_POOL_SOLVE_DEPOSIT_RATE, 0.9, &o, &solved, &r), SCORE_OK);
    cr_assert_eq(solved.deposit_rate, 0);
}

Test(pool_size, out_of_reach_and_bad_arguments)
{
    make_pool();
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    o.scenarios = 2000;
    score_pool_config c;
    score_pool_config_init(&c); /* Fuqing: the bank bears half of anything beyond the deposits */
    score_pool_config solved = {.size = sizeof solved, .deposit_rate = 42};
    score_pool_sim_result r = {.size = sizeof r, .scenarios = 42};
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd, SCORE_POOL_SOLVE_FUND,
                                 0.001, &o, &solved, &r), SCORE_ENOTFOUND);
    cr_assert(strstr(score_last_error(), "no fund"), "%s", score_last_error());
    cr_assert(solved.deposit_rate == 42 && r.scenarios == 42, "untouched");
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd, 3, 0.01, &o, &solved, &r),
                 SCORE_EINVAL);
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd, SCORE_POOL_SOLVE_FUND, 1,
                                 &o, &solved, &r), SCORE_EINVAL);
    cr_assert_eq(score_pool_size(&c, POOL, pool_pd, pool_ead, pool_lgd, SCORE_POOL_SOLVE_FUND, NAN,
                                 &o, &solved, &r), SCORE_EINVAL);
}

/* ---- bad input, progress, allocation failures -------------------------------- */

Test(pool_sim, bad_input)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c);
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    score_pool_sim_result r = {.size = sizeof r, .scenarios = 42};
    cr_assert_eq(score_pool_simulate(&c, 0, pool_pd, pool_ead, pool_lgd, &o, &r), SCORE_EINVAL);
    cr_assert_eq(score_pool_simulate(&c, POOL, NULL, pool_ead, pool_lgd, &o, &r), SCORE_EINVAL);
    double pd[2] = {0.01, 1.5}, lgd[2] = {0.5, 0.5};
    int64_t ead[2] = {100, 100};
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    cr_assert(strstr(score_last_error(), "member 1: pd"), "%s", score_last_error());
    pd[1] = 0.01;
    lgd[0] = -0.1;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    lgd[0] = 0.5;
    ead[1] = -1;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    ead[1] = 100;
    o.scenarios = 0;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    o.scenarios = 50000001;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_ELIMIT);
    o.scenarios = 10;
    o.size = sizeof o + 1;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    o.size = sizeof o;
    c.share_fund = 0.7;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
    cr_assert_eq(r.scenarios, 42, "untouched on failure");
    c.share_fund = 0.5;
    r.size = 3;
    cr_assert_eq(score_pool_simulate(&c, 2, pd, ead, lgd, &o, &r), SCORE_EINVAL);
}

static int stop_after(void *user, const char *stage, uint64_t done, uint64_t total)
{
    int *calls = user;
    cr_assert_str_eq(stage, "simulate");
    cr_assert(done <= total && total == 20000);
    return ++*calls >= 3;
}

Test(pool_sim, progress_can_stop_it)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c);
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    o.scenarios = 20000;
    o.threads = 1;
    int calls = 0;
    o.progress = stop_after;
    o.progress_user = &calls;
    score_pool_sim_result r = {.size = sizeof r};
    cr_assert_eq(score_pool_simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, &o, &r),
                 SCORE_ECANCELED);
    cr_assert_eq(calls, 3);
}

Test(pool_sim, allocation_failures)
{
    make_pool();
    score_pool_config c;
    score_pool_config_init(&c);
    score_pool_sim_options o;
    score_pool_sim_options_init(&o);
    o.scenarios = 1500;
    o.threads = 1; /* every allocation on this thread */
    score_pool_sim_result expected = simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, 1500, 1, 1);
    long succeeded_at = 0;
    for (long nth = 1; nth < 200 && !succeeded_at; nth++) {
        score_pool_sim_result r = {.size = sizeof r, .scenarios = 42};
        sc_test_fail_allocation(nth);
        int rc = score_pool_simulate(&c, POOL, pool_pd, pool_ead, pool_lgd, &o, &r);
        sc_test_fail_allocation(0);
        if (rc == SCORE_OK) {
            succeeded_at = nth;
            cr_assert(!memcmp(&r, &expected, sizeof r));
        } else {
            cr_assert_eq(rc, SCORE_ENOMEM, "allocation %ld: %s", nth, score_last_error());
            cr_assert_eq(r.scenarios, 42);
        }
    }
    cr_assert_gt(succeeded_at, 5);
}

/* ---- the members file -------------------------------------------------------- */

static char *members_file(const char *dir, const char *text)
{
    char *path = malloc(4200);
    snprintf(path, 4200, "%s/members.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

Test(pool_sim, members_file)
{
    char *dir = temp_dir("members");
    char u1[19], u2[19];
    make_uscc(1, u1);
    make_uscc(2, u2);
    char text[512];
    snprintf(text, sizeof text, "\xEF\xBB\xBFpd,uscc,lgd,ead\r\n0.02,%s,0.45,1000000.5\r\n\r\n"
             "0.5e-1,%s,1,0\r\n", u1, u2);
    char *path = members_file(dir, text);
    size_t n = 0;
    cr_assert_eq(score_pool_read_members(path, NULL, NULL, NULL, 0, &n), SCORE_OK, "%s",
                 score_last_error());
    cr_assert_eq(n, 2);
    double pd[2], lgd[2];
    int64_t ead[2];
    cr_assert_eq(score_pool_read_members(path, pd, ead, lgd, 2, &n), SCORE_OK);
    cr_assert(pd[0] == 0.02 && ead[0] == 100000050 && lgd[0] == 0.45);
    cr_assert(pd[1] == 0.05 && ead[1] == 0 && lgd[1] == 1);
    free(path);
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"uscc,pd,ead\n", "members.csv:1: expected the header uscc,pd,ead,lgd"},
        {"uscc,pd,ead,lgd\n%s,abc,1,0.5\n",
         "members.csv:2:2: pd: expected a PD in 0..1, got \"abc\""},
        {"uscc,pd,ead,lgd\n%s,0.01,1.234,0.5\n", "members.csv:2:3: ead: expected an exposure"},
        {"uscc,pd,ead,lgd\n%s,0.01,1,1.5\n", "members.csv:2:4: lgd"},
        {"uscc,pd,ead,lgd\n%s,0.01,1,0.5,9\n", "members.csv:2: 5 fields"},
        {"uscc,pd,ead,lgd\n%s,\"0.01\",1,0.5\n", "members.csv:2: a quote"},
        {"uscc,pd,ead,lgd\n%s,inf,1,0.5\n", "pd: expected a PD"},
        {"uscc,pd,ead,lgd\n%s,0.01,1,0.5\n%s,0.02,2,0.5\n", "appears twice (also on line 2)"},
        {"uscc,pd,ead,lgd\nXX%s,0.01,1,0.5\n", "members.csv:2:1: uscc"},
        {"", "the file is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, bad[i].body, u1, u1);
        path = members_file(dir, text);
        pd[0] = 7;
        n = 7;
        cr_assert_eq(score_pool_read_members(path, pd, ead, lgd, 2, &n), SCORE_EFORMAT, "%s",
                     bad[i].body);
        cr_assert(strstr(score_last_error(), bad[i].message), "%s: %s", bad[i].body,
                  score_last_error());
        cr_assert(pd[0] == 7 && n == 7, "untouched on failure");
        free(path);
    }
    char missing[4300];
    snprintf(missing, sizeof missing, "%s/none.csv", dir);
    cr_assert_eq(score_pool_read_members(missing, NULL, NULL, NULL, 0, &n), SCORE_EIO);
    cr_assert_eq(score_pool_read_members(missing, NULL, NULL, NULL, 1, &n), SCORE_EINVAL);
    rm_tree(dir);
    free(dir);
}
