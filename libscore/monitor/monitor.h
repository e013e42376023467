/*
 * monitor: early warnings from changes in an enterprise's signals between
 * two months, drift of features and scores against a model's training
 * population (PSI), and the validation report a risk committee reads.
 * Stands at the end of the flow: on core, signals, features, model and
 * scorecard. docs/monitoring.md gives every rule for a risk officer.
 */
#ifndef SCORE_MONITOR_H
#define SCORE_MONITOR_H

#include <limits.h>

#include "../scorecard/scorecard.h"

/* ---- alert codes --------------------------------------------------------- */

/* The order is the order of score_alert_code_info() and of alerts of one
 * enterprise; never reorder, only append. */
enum sc_alert_code {
    AL_POWER_QOQ_DROP,
    AL_POWER_YOY_DROP,
    AL_SALES_QOQ_DROP,
    AL_SALES_YOY_DROP,
    AL_TAX_ARREARS_NEW,
    AL_POWER_ARREARS_NEW,
    AL_SOCIAL_ARREARS_NEW,
    AL_HEADCOUNT_DROP,
    AL_LAWSUIT_NEW,
    AL_ENFORCEMENT_NEW,
    AL_DISHONEST_LISTED,
    AL_TAX_RATING_C,
    AL_TAX_RATING_D,
    AL_BUYER_CONCENTRATION,
    AL_INFLATED_INVOICES,
    AL_GRADE_FALL,
    SC_N_ALERTS
};

#define SC_ALERT_MAX_PARAMS 3

typedef struct sc_alert_param {
    const char *key;         /* JSON key in the rule's object */
    double fallback;         /* the default */
    double min, max;         /* accepted range */
    int whole;               /* must be a whole number */
} sc_alert_param;

typedef struct sc_alert_info {
    const char *code;
    int severity;            /* default SCORE_SEVERITY_* */
    const char *description; /* one line, English */
    sc_alert_param param[SC_ALERT_MAX_PARAMS];
    size_t n_params;
} sc_alert_info;

extern const sc_alert_info sc_alert_catalogue[SC_N_ALERTS];

/* One alert's rule as configured. */
typedef struct sc_alert_rule {
    int enabled;
    int severity;
    double param[SC_ALERT_MAX_PARAMS];
} sc_alert_rule;

struct score_monitor_config {
    sc_alert_rule rule[SC_N_ALERTS];
};

void sc_monitor_config_defaults(score_monitor_config *config);

/* SCORE_OK when a caller's struct `size` (its first member) is one this
 * library can fill (at least the size member, at most what it knows), else
 * SCORE_EINVAL naming the function and the type. */
int sc_out_size(size_t size, size_t known, const char *fn, const char *type);

/* Hand text to a caller: *length = its length, and when capacity > length
 * the text and a NUL into buffer. Frees s. SCORE_ENOMEM (naming fn) when an
 * append to s failed. */
int sc_text_out(sc_str *s, char *buffer, size_t capacity, size_t *length, const char *fn);
const char *sc_severity_name(int severity);

/* ---- one enterprise's state at one month ----------------------------------- */

/* The numbers the conditions look at, from the view as of the enterprise's
 * data month (NaN when the data do not give them). */
typedef struct sc_facts {
    double power_3m, power_prev_3m, power_year_ago_3m;   /* monthly means, kWh */
    double sales_3m, sales_prev_3m, sales_year_ago_3m;   /* monthly means, yuan */
    double tax_arrears, power_arrears, social_arrears;   /* latest of the last quarter, yuan */
    double staff, staff_quarter_ago, staff_year_ago;      /* insured employees */
    double lawsuits, enforced;                            /* sums over the configured window */
    double dishonest;                                     /* 1 listed, else 0 */
    double rating;                                        /* 1..5 (A B M C D), NaN none */
    double buyer_share_3m, buyer_share_prev_9m;
} sc_facts;

typedef struct sc_state {
    int month;               /* the data month (month number); INT_MIN: no state */
    uint32_t active;         /* bit c set: condition c holds */
    int grade;               /* -1 without a model */
    int score;
    double pd;
    sc_facts facts;
} sc_state;

typedef struct sc_monitor_ctx {
    const score_model *model;          /* NULL: no scores, no GRADE_FALL */
    const score_monitor_config *config;
} sc_monitor_ctx;

/* now / before - 1; NaN unless both are known and before > 0. */
double sc_change(double now, double before);

/* The latest month (month number) of any dated observation of enterprise
 * `ent` at or before `asof`; INT_MIN when there is none. The panel must be
 * prepared. */
int sc_data_month(const score_panel *panel, size_t ent, int asof);

/* No state: month INT_MIN, no condition, every number NaN. */
void sc_state_clear(sc_state *s);

/* The state of enterprise `ent` as of `asof`: looked at as of its data
 * month. `view` is scratch. Never fails (scoring allocates nothing). */
void sc_monitor_assess(const sc_monitor_ctx *ctx, const score_panel *panel, size_t ent, int asof,
                       sc_view *view, sc_state *out);

/* ---- alerts ---------------------------------------------------------------- */

typedef struct sc_alert_rec {
    char uscc[19];
    int code;
    int severity;
    int month, previous;      /* YYYYMM: the two data months compared */
    size_t zh, en, evidence;  /* offsets into the text arena */
} sc_alert_rec;

struct score_alerts {
    sc_alert_rec *rec;
    size_t n, cap;
    sc_str text;
};

int sc_alerts_new(score_alerts **out);
/* Append the alerts raised between `before` and `now` for one enterprise
 * (before may have no state). SCORE_OK or SCORE_ENOMEM. */
int sc_alerts_compare(score_alerts *alerts, const sc_monitor_ctx *ctx, const char *uscc,
                      const sc_state *before, const sc_state *now);

/* ---- drift ------------------------------------------------------------------- */

#define SC_PSI_FLOOR 1e-4

/* PSI of two share vectors over n bins, each share floored at SC_PSI_FLOOR;
 * bins empty on both sides add nothing. */
double sc_psi(const double *expected, const double *actual, size_t n);
int sc_psi_verdict(double psi);
const char *sc_psi_verdict_name(int verdict);

/* Shares of `values` (NaN missing) in the bins of `d`: out[n_bins] is the
 * missing share; out has d->n_bins + 1 entries. */
void sc_distribution_shares(const sc_distribution *d, const double *values, size_t n, double *out);

#endif
