#include <limits.h>
#include <float.h>
#include <math.h>

#include "features.h"

/* Windows are given as k ranges, k = 0 being the as-of month T. */

typedef struct window {
    double sum;
    double sum_sq;
    int present;
} window;

static window scan(const double *m, int from, int to)
{
    window w = {0, 0, 0};
    for (int k = from; k <= to; k++) {
        if (isnan(m[k]))
            continue;
        w.sum += m[k];
        w.sum_sq += m[k] * m[k];
        w.present++;
    }
    return w;
}

/* The mean of the months present, when at least min_present are. */
static double mean(const double *m, int from, int to, int min_present)
{
    window w = scan(m, from, to);
    return w.present >= min_present && w.present > 0 ? w.sum / w.present : NAN;
}

/* A 12-month flow from the months present (at least 3), annualised. */
static double annual(const double *m)
{
    return mean(m, 0, 11, 3) * 12.0;
}

static double sum(const double *m, int from, int to)
{
    return scan(m, from, to).sum;
}

static int count_present(const double *m, int from, int to)
{
    return scan(m, from, to).present;
}

/* The newest value in the range, NaN when none. */
static double latest(const double *m, int from, int to)
{
    for (int k = from; k <= to; k++)
        if (!isnan(m[k]))
            return m[k];
    return NAN;
}

/* now / before - 1, clipped to [-1, 10]; NaN unless before > 0. */
static double growth(double now, double before)
{
    if (isnan(now) || isnan(before) || before <= 0)
        return NAN;
    double g = now / before - 1.0;
    return g < -1.0 ? -1.0 : g > 10.0 ? 10.0 : g;
}

static double quotient(double a, double b)
{
    return isnan(a) || isnan(b) || b <= 0 ? NAN : a / b;
}

static double coefficient_of_variation(const double *m)
{
    window w = scan(m, 0, 11);
    if (w.present < 6 || w.sum <= 0)
        return NAN;
    double mu = w.sum / w.present;
    double var = w.sum_sq / w.present - mu * mu;
    return sqrt(var > 0 ? var : 0) / mu;
}

/* Strict month-on-month declines ending at the newest month of the last
 * quarter, counted back until a month is missing or not higher. */
static double declines(const double *m)
{
    int k = 0;
    while (k <= 2 && isnan(m[k]))
        k++;
    if (k > 2)
        return NAN;
    int count = 0;
    for (; k + 1 < SC_WINDOW && !isnan(m[k + 1]) && m[k] < m[k + 1]; k++)
        count++;
    return count;
}

static double arrears_months(const sc_view *v)
{
    static const int fields[3] = {F_TAX_ARREARS, F_POWER_ARREARS, F_SOCIAL_ARREARS};
    int any_data = 0, months = 0;
    for (int k = 0; k <= 11; k++) {
        int owed = 0;
        for (int i = 0; i < 3; i++) {
            double a = v->month[fields[i]][k];
            any_data |= !isnan(a);
            owed |= a > 0;
        }
        months += owed;
    }
    return any_data ? months : NAN;
}

static double arrears_to_sales(const sc_view *v)
{
    double a[3] = {latest(v->month[F_TAX_ARREARS], 0, 2), latest(v->month[F_POWER_ARREARS], 0, 2),
                   latest(v->month[F_SOCIAL_ARREARS], 0, 2)};
    double total = 0;
    int present = 0;
    for (int i = 0; i < 3; i++)
        if (!isnan(a[i])) {
            total += a[i];
            present++;
        }
    return present ? quotient(total, mean(v->month[F_TAX_SALES], 0, 11, 3)) : NAN;
}

static double months_without_invoices(const sc_view *v)
{
    int start = v->first_month[F_TAX_SALES];
    if (start == INT_MIN)
        return NAN;
    int count = 0;
    for (int k = 0; k <= 11 && v->asof - k >= start; k++) {
        double s = v->month[F_TAX_SALES][k];
        count += isnan(s) || s <= 0;
    }
    return count;
}

static double history_months(const sc_view *v)
{
    static const int dense[] = {F_TAX_SALES, F_TAX_PAID, F_TAX_ARREARS, F_POWER_KWH,
                                F_POWER_ARREARS, F_WATER_M3, F_SOCIAL_INSURED, F_SOCIAL_ARREARS,
                                F_ORDERS_AMOUNT, F_ORDERS_CHAIN_MASTER, F_ORDERS_RECEIVABLES,
                                F_ORDERS_TOP_BUYER_SHARE};
    int first = INT_MAX;
    for (size_t i = 0; i < sizeof dense / sizeof dense[0]; i++)
        if (v->first_month[dense[i]] != INT_MIN && v->first_month[dense[i]] < first)
            first = v->first_month[dense[i]];
    return first == INT_MAX ? NAN : v->asof - first + 1;
}

static double chain_master_share(const sc_view *v)
{
    double chain = 0, amount = 0;
    for (int k = 0; k <= 11; k++) {
        double a = v->month[F_ORDERS_AMOUNT][k], c = v->month[F_ORDERS_CHAIN_MASTER][k];
        if (isnan(a))
            continue;
        amount += a;
        chain += isnan(c) ? 0 : c;
    }
    if (amount <= 0)
        return NAN;
    double share = chain / amount;
    return share > 1 ? 1 : share;
}

static double age_months(const sc_view *v)
{
    double date = v->profile[F_ESTABLISHED];
    if (isnan(date))
        return NAN;
    int d = (int)date;
    return v->asof - SC_MONTH(d / 10000, d / 100 % 100);
}

static void scale_and_growth(const sc_view *v, double *out)
{
    const double *sales = v->month[F_TAX_SALES], *power = v->month[F_POWER_KWH];
    const double *staff = v->month[F_SOCIAL_INSURED], *orders = v->month[F_ORDERS_AMOUNT];
    out[FT_SALES_12M] = annual(sales);
    out[FT_TAX_PAID_12M] = annual(v->month[F_TAX_PAID]);
    out[FT_POWER_12M] = annual(power);
    out[FT_WATER_12M] = annual(v->month[F_WATER_M3]);
    out[FT_HEADCOUNT] = latest(staff, 0, 2);
    out[FT_REGISTERED_CAPITAL] = v->profile[F_REGISTERED_CAPITAL];
    out[FT_SALES_YOY] = growth(mean(sales, 0, 2, 2), mean(sales, 12, 14, 2));
    out[FT_SALES_QOQ] = growth(mean(sales, 0, 2, 2), mean(sales, 3, 5, 2));
    out[FT_SALES_GROWTH_12M] = growth(mean(sales, 0, 11, 6), mean(sales, 12, 23, 6));
    out[FT_POWER_YOY] = growth(mean(power, 0, 2, 2), mean(power, 12, 14, 2));
    out[FT_POWER_QOQ] = growth(mean(power, 0, 2, 2), mean(power, 3, 5, 2));
    out[FT_HEADCOUNT_YOY] = growth(latest(staff, 0, 2), latest(staff, 12, 14));
    out[FT_HEADCOUNT_QOQ] = growth(latest(staff, 0, 2), latest(staff, 3, 5));
    out[FT_ORDERS_YOY] = growth(mean(orders, 0, 2, 2), mean(orders, 12, 14, 2));
    /* the last quarter against the firm's own recent norm: a slide that
       neither quarter-on-quarter nor seasonal year-on-year growth sees */
    out[FT_SALES_VS_12M_AVG] = growth(mean(sales, 0, 2, 2), mean(sales, 0, 11, 3));
    out[FT_POWER_VS_12M_AVG] = growth(mean(power, 0, 2, 2), mean(power, 0, 11, 3));
    out[FT_HEADCOUNT_VS_12M_AVG] = growth(latest(staff, 0, 2), mean(staff, 0, 11, 3));
    out[FT_SALES_CV_12M] = coefficient_of_variation(sales);
    out[FT_POWER_CV_12M] = coefficient_of_variation(power);
}

static void distress(const sc_view *v, double *out)
{
    out[FT_TAX_ARREARS] = latest(v->month[F_TAX_ARREARS], 0, 2);
    out[FT_POWER_ARREARS] = latest(v->month[F_POWER_ARREARS], 0, 2);
    out[FT_SOCIAL_ARREARS] = latest(v->month[F_SOCIAL_ARREARS], 0, 2);
    out[FT_ARREARS_TO_SALES] = arrears_to_sales(v);
    out[FT_ARREARS_MONTHS_12M] = arrears_months(v);
    out[FT_MONTHS_WITHOUT_INVOICES_12M] = months_without_invoices(v);
    out[FT_SALES_DECLINES] = declines(v->month[F_TAX_SALES]);
    out[FT_POWER_DECLINES] = declines(v->month[F_POWER_KWH]);
    out[FT_LAWSUITS_3M] = sum(v->month[F_COURT_CASES], 0, 2);
    out[FT_LAWSUITS_12M] = sum(v->month[F_COURT_CASES], 0, 11);
    out[FT_ENFORCED_12M] = sum(v->month[F_COURT_ENFORCED], 0, 11);
    out[FT_DISHONEST_LISTED] = v->dishonest == 1 ? 1 : 0;
}

static void consistency_and_orders(const sc_view *v, double *out)
{
    const double *sales = v->month[F_TAX_SALES], *power = v->month[F_POWER_KWH];
    double sales_6m = growth(mean(sales, 0, 5, 3), mean(sales, 12, 17, 3));
    double power_6m = growth(mean(power, 0, 5, 3), mean(power, 12, 17, 3));
    double monthly_sales = mean(sales, 0, 11, 3);
    out[FT_SALES_POWER_GAP] = sales_6m - power_6m;
    out[FT_SALES_HEADCOUNT_GAP] = out[FT_SALES_YOY] - out[FT_HEADCOUNT_YOY];
    out[FT_TAX_PAID_TO_SALES] = quotient(mean(v->month[F_TAX_PAID], 0, 11, 3), monthly_sales);
    out[FT_SALES_PER_EMPLOYEE] = quotient(out[FT_SALES_12M], out[FT_HEADCOUNT]);
    out[FT_RECEIVABLES_TO_SALES] = quotient(latest(v->month[F_ORDERS_RECEIVABLES], 0, 2), monthly_sales);
    const double *share = v->month[F_ORDERS_TOP_BUYER_SHARE];
    out[FT_TOP_BUYER_SHARE] = mean(share, 0, 11, 1);
    out[FT_TOP_BUYER_SHARE_CHANGE] = mean(share, 0, 2, 1) - mean(share, 3, 11, 1);
    out[FT_CHAIN_MASTER_SHARE] = chain_master_share(v);
    out[FT_ORDERS_TO_SALES] = quotient(mean(v->month[F_ORDERS_AMOUNT], 0, 11, 3), monthly_sales);
    out[FT_ORDERS_12M] = annual(v->month[F_ORDERS_AMOUNT]);
}

static void innovation_equity_profile(const sc_view *v, double *out)
{
    out[FT_INVENTION_PATENTS] = v->total[F_IP_INVENTION];
    out[FT_UTILITY_PATENTS] = v->total[F_IP_UTILITY];
    out[FT_DESIGN_PATENTS] = v->total[F_IP_DESIGN];
    out[FT_SOFTWARE_COPYRIGHTS] = v->total[F_IP_SOFTWARE];
    out[FT_PATENTS_12M] = sum(v->month[F_IP_INVENTION], 0, 11) + sum(v->month[F_IP_UTILITY], 0, 11) +
                          sum(v->month[F_IP_DESIGN], 0, 11);
    out[FT_PLEDGED_PATENTS] = v->total[F_IP_PLEDGED];
    out[FT_HITECH] = v->profile[F_HITECH];
    out[FT_SRDI] = v->profile[F_SRDI];
    out[FT_LITTLE_GIANT] = v->profile[F_LITTLE_GIANT];
    out[FT_EQUITY_RAISED_24M] = sum(v->month[F_EQUITY_RAISED], 0, 23);
    out[FT_GOV_FUND_BACKED] = v->gov_fund;
    out[FT_MONTHS_SINCE_EQUITY] = v->last_raise == INT_MIN ? NAN : v->asof - v->last_raise;
    out[FT_AGE_MONTHS] = age_months(v);
    out[FT_TAX_RATING] = v->rating;
}

static void coverage_and_industry(const sc_view *v, double *out)
{
    out[FT_TAX_MONTHS_24M] = count_present(v->month[F_TAX_SALES], 0, 23);
    out[FT_POWER_MONTHS_24M] = count_present(v->month[F_POWER_KWH], 0, 23);
    out[FT_WATER_MONTHS_24M] = count_present(v->month[F_WATER_M3], 0, 23);
    out[FT_SOCIAL_MONTHS_24M] = count_present(v->month[F_SOCIAL_INSURED], 0, 23);
    out[FT_ORDERS_MONTHS_24M] = count_present(v->month[F_ORDERS_AMOUNT], 0, 23);
    out[FT_HISTORY_MONTHS] = history_months(v);
    double industry = v->profile[F_INDUSTRY];
    int section = isnan(industry) ? 0 : sc_industry_section(industry);
    for (int s = 1; s <= 20; s++)
        out[FT_INDUSTRY_A + s - 1] = section ? (double)(s == section) : NAN;
}

void sc_features_row(const sc_view *v, double *out)
{
    scale_and_growth(v, out);
    distress(v, out);
    consistency_and_orders(v, out);
    innovation_equity_profile(v, out);
    coverage_and_industry(v, out);
    /* Values up to 1.7e308 pass the reader; their sums, ratios and growth
     * can overflow. What cannot be computed is NaN (docs/features.md),
     * never an infinity that the model and the reasons would take as a
     * measurement. Rows are float: beyond FLT_MAX is as good as infinite. */
    for (size_t j = 0; j < SC_N_FEATURES; j++)
        if (!(fabs(out[j]) <= FLT_MAX))
            out[j] = NAN;
}
