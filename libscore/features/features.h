/*
 * features: feature spec v1. From a panel and an as-of month, one row of
 * numbers per enterprise (NaN = missing) in a fixed, named column order
 * (docs/features.md). Stands on signals. The monitor reads the same
 * per-enterprise view to compare one month with the previous.
 */
#ifndef SCORE_FEATURES_H
#define SCORE_FEATURES_H

#include "../signals/signals.h"

#define SC_FEATURE_SPEC_VERSION 1
/* The columns of feature spec v1, in order. Never reorder: a new spec
 * version gets a new list. */
enum sc_feature {
    FT_SALES_12M,
    FT_TAX_PAID_12M,
    FT_POWER_12M,
    FT_WATER_12M,
    FT_HEADCOUNT,
    FT_REGISTERED_CAPITAL,
    FT_SALES_YOY,
    FT_SALES_QOQ,
    FT_SALES_GROWTH_12M,
    FT_POWER_YOY,
    FT_POWER_QOQ,
    FT_HEADCOUNT_YOY,
    FT_HEADCOUNT_QOQ,
    FT_ORDERS_YOY,
    FT_SALES_VS_12M_AVG,
    FT_POWER_VS_12M_AVG,
    FT_HEADCOUNT_VS_12M_AVG,
    FT_SALES_CV_12M,
    FT_POWER_CV_12M,
    FT_TAX_ARREARS,
    FT_POWER_ARREARS,
    FT_SOCIAL_ARREARS,
    FT_ARREARS_TO_SALES,
    FT_ARREARS_MONTHS_12M,
    FT_MONTHS_WITHOUT_INVOICES_12M,
    FT_SALES_DECLINES,
    FT_POWER_DECLINES,
    FT_LAWSUITS_3M,
    FT_LAWSUITS_12M,
    FT_ENFORCED_12M,
    FT_DISHONEST_LISTED,
    FT_SALES_POWER_GAP,
    FT_SALES_HEADCOUNT_GAP,
    FT_TAX_PAID_TO_SALES,
    FT_SALES_PER_EMPLOYEE,
    FT_RECEIVABLES_TO_SALES,
    FT_TOP_BUYER_SHARE,
    FT_TOP_BUYER_SHARE_CHANGE,
    FT_CHAIN_MASTER_SHARE,
    FT_ORDERS_TO_SALES,
    FT_ORDERS_12M,
    FT_INVENTION_PATENTS,
    FT_UTILITY_PATENTS,
    FT_DESIGN_PATENTS,
    FT_SOFTWARE_COPYRIGHTS,
    FT_PATENTS_12M,
    FT_PLEDGED_PATENTS,
    FT_HITECH,
    FT_SRDI,
    FT_LITTLE_GIANT,
    FT_EQUITY_RAISED_24M,
    FT_GOV_FUND_BACKED,
    FT_MONTHS_SINCE_EQUITY,
    FT_AGE_MONTHS,
    FT_TAX_RATING,
    FT_TAX_MONTHS_24M,
    FT_POWER_MONTHS_24M,
    FT_WATER_MONTHS_24M,
    FT_SOCIAL_MONTHS_24M,
    FT_ORDERS_MONTHS_24M,
    FT_HISTORY_MONTHS,
    FT_INDUSTRY_A,
    FT_INDUSTRY_B,
    FT_INDUSTRY_C,
    FT_INDUSTRY_D,
    FT_INDUSTRY_E,
    FT_INDUSTRY_F,
    FT_INDUSTRY_G,
    FT_INDUSTRY_H,
    FT_INDUSTRY_I,
    FT_INDUSTRY_J,
    FT_INDUSTRY_K,
    FT_INDUSTRY_L,
    FT_INDUSTRY_M,
    FT_INDUSTRY_N,
    FT_INDUSTRY_O,
    FT_INDUSTRY_P,
    FT_INDUSTRY_Q,
    FT_INDUSTRY_R,
    FT_INDUSTRY_S,
    FT_INDUSTRY_T,
    SC_N_FEATURES
};

#define SC_WINDOW 36 /* months of history a view holds: T-35 .. T */

/* One enterprise's signals as of month T, laid out for computing. */
typedef struct sc_view {
    int asof;                              /* month number of T */
    double month[SC_N_FIELDS][SC_WINDOW];  /* [field][k] = value of month T-k; NaN missing,
                                              0 for a sparse field's month without a line */
    double profile[SC_N_FIELDS];           /* profile fields; NaN missing */
    double total[SC_N_FIELDS];             /* sum over all history <= T (sparse fields) */
    double dishonest;                      /* the listing in force at T: 1, 0, NaN never */
    double rating;                         /* latest annual tax rating <= T, 1..5, NaN none */
    int first_month[SC_N_FIELDS];          /* first month with a value <= T, or INT_MIN */
    int last_month[SC_N_FIELDS];           /* last month with a value <= T, or INT_MIN */
    int last_raise;                        /* last month with equity raised > 0, or INT_MIN */
    int gov_fund;                          /* a government fund invested at some month <= T */
} sc_view;

/* Fill the view of enterprise `ent` (of a prepared panel) as of `asof`.
 * Returns 0, or 1 when the enterprise was established after `asof` (it
 * gets no row). */
int sc_view_fill(const score_panel *panel, size_t ent, int asof, sc_view *view);

/* Compute the feature row of a view into out[SC_N_FEATURES]. */
void sc_features_row(const sc_view *view, double *out);

typedef struct sc_feature_info {
    const char *name;
    int direction;         /* expected direction of risk: +1, -1, 0 */
    const char *group;
    const char *description;
} sc_feature_info;

extern const sc_feature_info sc_feature_spec[];
extern const size_t sc_n_features;

#endif
