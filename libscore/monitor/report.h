/* The validation report's numbers, shared by report.c (computing them) and
 * report_html.c (drawing them). Internal to the monitor module. */
#ifndef SCORE_MONITOR_REPORT_H
#define SCORE_MONITOR_REPORT_H

#include "monitor.h"

#define SC_REPORT_TOP_FEATURES 15
#define SC_REPORT_SHAP_SAMPLE 2000   /* rows whose contributions are averaged, at most */
#define SC_REPORT_SCORE_BIN 20       /* points per bin of the score histograms */

typedef struct sc_roc_point {
    double fpr, tpr;
    double ks_gap;          /* tpr - fpr */
    int score;              /* the score at this threshold (the group's) */
} sc_roc_point;

typedef struct sc_report_grade {
    size_t count, defaults;
    double pd_sum;
} sc_report_grade;

typedef struct sc_importance {
    size_t feature;
    double mean_abs;         /* mean |contribution| over the sample */
} sc_importance;

/* ---- the validation pack (validation.c) ---------------------------------- */

#define SC_VALIDATION_DECILES 10
#define SC_VALIDATION_MAX_CODES 128

typedef struct sc_decile {
    size_t count, defaults;
    int score_min, score_max;
    double pd_mean, default_rate, lift;
    double cum_bad_share, cum_good_share, ks;   /* riskiest decile first */
} sc_decile;

typedef struct sc_reason_count {
    const char *code;        /* static (the reason tables') */
    size_t first, any;       /* rows where it is the first reason; any of them */
} sc_reason_count;

typedef struct sc_validation {
    sc_decile decile[SC_VALIDATION_DECILES];
    size_t n_deciles;
    double auc_se, gini, gini_low, gini_high;    /* 95% (Hanley-McNeil) */
    double ks_low, ks_high;                      /* 95% (DKW, conservative) */
    double hl_statistic, hl_p;
    int hl_df;
    double jeffreys_p[SC_MAX_GRADES];
    double challenger_auc;                       /* WOE logistic regression, out of fold */
    size_t challenger_features;
    char challenger_note[256];                   /* why there is none, when NaN */
    sc_reason_count reasons[SC_VALIDATION_MAX_CODES];
    size_t n_reasons, rows_with_reasons;
} sc_validation;

typedef struct sc_validation_input {
    size_t n;
    const float *rows;       /* n x model features */
    const float *label;
    const double *pd;
    const int *score, *grade;
    double auc, ks;
} sc_validation_input;

int sc_validation_compute(sc_validation *v, const score_model *m, const sc_validation_input *in);

struct score_report {
    char grades[SC_MAX_GRADES][8];
    size_t n_grades;
    int asof;                                    /* month number */
    size_t enterprises, observations, scored, labelled, defaults;
    size_t labels_read, labels_unmatched;
    int first_month, last_month;                 /* YYYYMM of the panel's data, 0 none */
    size_t source_count[SC_N_SOURCES];
    double auc, ks, brier, mean_pd;
    int ks_score;
    sc_roc_point *roc;                           /* from the riskiest threshold down */
    size_t n_roc;
    sc_report_grade grade[SC_MAX_GRADES];
    int hist_from;                               /* the first bin's lowest score */
    size_t n_hist;
    size_t *hist_good, *hist_bad;                /* n_hist each */
    sc_importance top[SC_REPORT_TOP_FEATURES];
    size_t n_top, shap_rows;
    score_drift *drift;
    char *model_created, *model_training;        /* from the bundle's metadata; may be NULL */
    double model_validation_auc;
    size_t model_trees;
    sc_validation validation;
};

/* The Wilson score interval (95%) of `defaults` out of `count`. */
void sc_wilson(size_t defaults, size_t count, double *low, double *high);

/* Append text with HTML's special characters escaped. */
void sc_report_escape(sc_str *s, const char *text);

/* The validation pack's sections of the page, and every figure as JSON
 * (report_pack.c). */
void sc_report_render_validation(const score_report *r, sc_str *s);
void sc_report_json(const score_report *r, sc_str *s);

/* Render the whole page into s (check sc_str_status afterwards). */
void sc_report_render(const score_report *r, sc_str *s);

#endif
