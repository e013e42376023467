#include <limits.h>
#include <math.h>
#include <string.h>

#include "features.h"

static int established_month(double yyyymmdd)
{
    int date = (int)yyyymmdd;
    return SC_MONTH(date / 10000, date / 100 % 100);
}

static void clear_view(sc_view *v, int asof)
{
    v->asof = asof;
    for (int f = 0; f < SC_N_FIELDS; f++) {
        double empty = sc_fields[f].sparse ? 0.0 : NAN;
        for (int k = 0; k < SC_WINDOW; k++)
            v->month[f][k] = empty;
        v->profile[f] = NAN;
        v->total[f] = 0;
        v->first_month[f] = INT_MIN;
        v->last_month[f] = INT_MIN;
    }
    v->dishonest = NAN;
    v->rating = NAN;
    v->last_raise = INT_MIN;
    v->gov_fund = 0;
}

/* One dated observation at or before the as-of month. */
static void take_dated(sc_view *v, int field, int month, double value)
{
    int k = v->asof - month;
    if (k < SC_WINDOW)
        v->month[field][k] = value;
    if (isnan(value))
        return;
    if (v->first_month[field] == INT_MIN)
        v->first_month[field] = month; /* observations come in order of period */
    v->last_month[field] = month;
    v->total[field] += value;
    switch (field) {
    case F_COURT_DISHONEST:
        v->dishonest = value; /* the last line at or before T holds */
        break;
    case F_TAX_RATING:
        v->rating = value;
        break;
    case F_EQUITY_RAISED:
        if (value > 0)
            v->last_raise = month;
        break;
    case F_EQUITY_GOV_FUND:
        v->gov_fund |= value == 1;
        break;
    default:
        break;
    }
}

int sc_view_fill(const score_panel *panel, size_t ent, int asof, sc_view *v)
{
    clear_view(v, asof);
    size_t n;
    const sc_obs *obs = sc_panel_obs(panel, ent, &n);
    for (size_t i = 0; i < n; i++) {
        if (obs[i].period == 0) {
            v->profile[obs[i].field] = obs[i].value;
            continue;
        }
        int month = SC_MONTH_OF_PERIOD(obs[i].period);
        if (month <= asof)
            take_dated(v, obs[i].field, month, obs[i].value);
    }
    double established = v->profile[F_ESTABLISHED];
    return !isnan(established) && established_month(established) > asof;
}
