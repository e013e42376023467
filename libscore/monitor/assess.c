/*
 * One enterprise's state at one month: its data month, the numbers the
 * alert conditions look at, which conditions hold, and the model's grade.
 *
 * An enterprise is looked at as of its data month: the latest month, at or
 * before the as-of month, of any dated observation it has. So an
 * enterprise with no observation dated after the previous month has the
 * same state at both months and raises nothing; that is what lets the
 * monitor re-evaluate only enterprises touched by new data and still give
 * exactly the alerts of a re-evaluation of the whole portfolio.
 */
#include <math.h>
#include <string.h>

#include "monitor.h"

int sc_data_month(const score_panel *panel, size_t ent, int asof)
{
    unsigned limit = SC_PERIOD_OF_MONTH(asof), best = sc_panel_last_period(panel, ent);
    if (best <= limit) /* the usual case: nothing dated after asof */
        return best == 0 ? INT_MIN : SC_MONTH_OF_PERIOD(best);
    best = 0;
    size_t n;
    const sc_obs *obs = sc_panel_obs(panel, ent, &n);
    /* Observations are sorted by (field, period): jump from field to field
     * and look only at the last period at or before the limit. Profile
     * fields have period 0 and never count. */
    for (size_t i = 0; i < n;) {
        int field = obs[i].field;
        size_t end = i + sc_obs_lower_bound(obs + i, n - i, field + 1, 0);
        size_t upto = i + sc_obs_lower_bound(obs + i, end - i, field, limit + 1);
        if (upto > i && obs[upto - 1].period > best)
            best = obs[upto - 1].period;
        i = end;
    }
    return best == 0 ? INT_MIN : SC_MONTH_OF_PERIOD(best);
}

/* ---- windows over the view ------------------------------------------------------ */

/* The mean of the months k = from..to present, when at least min_present are. */
static double window_mean(const double *m, int from, int to, int min_present)
{
    double sum = 0;
    int present = 0;
    for (int k = from; k <= to; k++)
        if (!isnan(m[k])) {
            sum += m[k];
            present++;
        }
    return present >= min_present && present > 0 ? sum / present : NAN;
}

static double window_sum(const double *m, int months)
{
    double sum = 0;
    for (int k = 0; k < months; k++)
        if (!isnan(m[k]))
            sum += m[k];
    return sum;
}

/* The newest value in k = from..to, NaN when none. */
static double newest(const double *m, int from, int to)
{
    for (int k = from; k <= to; k++)
        if (!isnan(m[k]))
            return m[k];
    return NAN;
}

static void gather(const sc_view *v, const score_monitor_config *c, sc_facts *f)
{
    const double *power = v->month[F_POWER_KWH], *sales = v->month[F_TAX_SALES];
    const double *staff = v->month[F_SOCIAL_INSURED], *share = v->month[F_ORDERS_TOP_BUYER_SHARE];
    /* the same windows as feature spec v1's power_qoq, power_yoy, sales_*,
     * headcount_*, top_buyer_share_change */
    f->power_3m = window_mean(power, 0, 2, 2);
    f->power_prev_3m = window_mean(power, 3, 5, 2);
    f->power_year_ago_3m = window_mean(power, 12, 14, 2);
    f->sales_3m = window_mean(sales, 0, 2, 2);
    f->sales_prev_3m = window_mean(sales, 3, 5, 2);
    f->sales_year_ago_3m = window_mean(sales, 12, 14, 2);
    f->tax_arrears = newest(v->month[F_TAX_ARREARS], 0, 2);
    f->power_arrears = newest(v->month[F_POWER_ARREARS], 0, 2);
    f->social_arrears = newest(v->month[F_SOCIAL_ARREARS], 0, 2);
    f->staff = newest(staff, 0, 2);
    f->staff_quarter_ago = newest(staff, 3, 5);
    f->staff_year_ago = newest(staff, 12, 14);
    f->lawsuits = window_sum(v->month[F_COURT_CASES],
                             (int)c->rule[AL_LAWSUIT_NEW].param[1]);
    f->enforced = window_sum(v->month[F_COURT_ENFORCED],
                             (int)c->rule[AL_ENFORCEMENT_NEW].param[1]);
    f->dishonest = v->dishonest == 1 ? 1 : 0;
    f->rating = v->rating;
    f->buyer_share_3m = window_mean(share, 0, 2, 1);
    f->buyer_share_prev_9m = window_mean(share, 3, 11, 1);
}

/* now / before - 1; NaN unless both are known and before > 0. */
double sc_change(double now, double before)
{
    return isnan(now) || isnan(before) || before <= 0 ? NAN : now / before - 1.0;
}

/* Ratios and shares meet a threshold within 1e-9, so that a fall of exactly
 * the threshold (40 employees after 50: 0.8 - 1 is -0.19999999999999996 in
 * binary floating point) counts as reaching it. NaN never does. */
#define SC_RATIO_TOLERANCE 1e-9

static int at_most(double x, double threshold)
{
    return x <= threshold + SC_RATIO_TOLERANCE;
}

static int at_least(double x, double threshold)
{
    return x >= threshold - SC_RATIO_TOLERANCE;
}

/* Whether condition `a` holds on the facts (GRADE_FALL is decided on the
 * two states together, in the comparison). */
static int holds(int a, const sc_facts *f, const sc_alert_rule *r)
{
    const double *p = r->param;
    switch (a) {
    case AL_POWER_QOQ_DROP:
        return at_most(sc_change(f->power_3m, f->power_prev_3m), p[0]);
    case AL_POWER_YOY_DROP:
        return at_most(sc_change(f->power_3m, f->power_year_ago_3m), p[0]);
    case AL_SALES_QOQ_DROP:
        return at_most(sc_change(f->sales_3m, f->sales_prev_3m), p[0]);
    case AL_SALES_YOY_DROP:
        return at_most(sc_change(f->sales_3m, f->sales_year_ago_3m), p[0]);
    case AL_TAX_ARREARS_NEW:
        return f->tax_arrears > p[0];
    case AL_POWER_ARREARS_NEW:
        return f->power_arrears > p[0];
    case AL_SOCIAL_ARREARS_NEW:
        return f->social_arrears > p[0];
    case AL_HEADCOUNT_DROP:
        return at_most(sc_change(f->staff, f->staff_quarter_ago), p[0]) &&
               f->staff_quarter_ago - f->staff >= p[1];
    case AL_LAWSUIT_NEW:
        return f->lawsuits >= p[0];
    case AL_ENFORCEMENT_NEW:
        return f->enforced > p[0];
    case AL_DISHONEST_LISTED:
        return f->dishonest == 1;
    case AL_TAX_RATING_C:
        return f->rating == SC_RATING_C;
    case AL_TAX_RATING_D:
        return f->rating == SC_RATING_D;
    case AL_BUYER_CONCENTRATION:
        return at_least(f->buyer_share_3m - f->buyer_share_prev_9m, p[0]) &&
               at_least(f->buyer_share_3m, p[1]);
    case AL_INFLATED_INVOICES:
        return at_least(sc_change(f->sales_3m, f->sales_year_ago_3m), p[0]) &&
               at_most(sc_change(f->power_3m, f->power_year_ago_3m), p[1]) &&
               at_most(sc_change(f->staff, f->staff_year_ago), p[2]);
    default:
        return 0;
    }
}

void sc_state_clear(sc_state *s)
{
    double *numbers = (double *)&s->facts; /* sc_facts holds only doubles */
    for (size_t i = 0; i < sizeof s->facts / sizeof(double); i++)
        numbers[i] = NAN;
    s->month = INT_MIN;
    s->active = 0;
    s->grade = -1;
    s->score = 0;
    s->pd = NAN;
}

void sc_monitor_assess(const sc_monitor_ctx *ctx, const score_panel *panel, size_t ent, int asof,
                       sc_view *view, sc_state *out)
{
    memset(out, 0, sizeof *out);
    sc_state_clear(out);
    out->month = sc_data_month(panel, ent, asof);
    if (out->month == INT_MIN)
        return;
    if (sc_view_fill(panel, ent, out->month, view) != 0) {
        out->month = INT_MIN; /* established after its data month */
        return;
    }
    const score_monitor_config *c = ctx->config;
    gather(view, c, &out->facts);
    for (int a = 0; a < SC_N_ALERTS; a++)
        if (holds(a, &out->facts, &c->rule[a]))
            out->active |= 1u << a;
    if (ctx->model) {
        double row[SC_N_FEATURES];
        float frow[SC_N_FEATURES];
        sc_features_row(view, row);
        for (size_t j = 0; j < SC_N_FEATURES; j++)
            frow[j] = (float)row[j];
        int grade, score;
        double pd;
        /* without reasons, scoring allocates nothing and cannot fail */
        score_model_score(ctx->model, frow, 1, NULL, &pd, &score, &grade, NULL);
        out->grade = grade;
        out->score = score;
        out->pd = pd;
    }
}
