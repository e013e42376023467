/*
 * model: training through the XGBoost C API, the model bundle (one gzip
 * JSON file), calibration, and the native forest that scores. Stands on
 * features (and through it signals and core). The scorecard module turns
 * what a model gives (margin, PD, contributions) into scores, grades and
 * reasons.
 */
#ifndef SCORE_MODEL_H
#define SCORE_MODEL_H

#include <jansson.h>

#include "../features/features.h"
#include "forest.h"

#define SC_BUNDLE_FORMAT "libscore-model"
#define SC_BUNDLE_VERSION 1
#define SC_MAX_GRADES 22        /* a scale's bands (docs/model.md, Master scale) */
#define SC_MAX_SCALE_GRADES SC_MAX_GRADES
#define SC_DEFAULT_GRADE "D"     /* a firm in default, when a bundle names none */
#define SC_MAX_LEVELS 32        /* a text column with more levels is not one-hot encoded */
#define SC_POPULATION_BINS 10

/* What a model eats. */
enum sc_input_kind {
    INPUT_SIGNALS,   /* feature spec v1 computed from a panel */
    INPUT_TABLE      /* a bank's own table with named columns */
};

/* One column of a bank's table as the model reads it: a number, or a text
 * column one-hot encoded into one feature per level. */
typedef struct sc_table_column {
    char *name;
    size_t first_feature;   /* its (first) feature */
    size_t n_levels;        /* 0 for a numeric column */
    char **levels;
} sc_table_column;

typedef struct sc_calibration {
    double a, b;            /* Platt: pd = 1 / (1 + exp(-(a * margin + b))) */
} sc_calibration;

/* Bounds of a model's Platt calibration (|a|, |b|) and of its scaling
 * (|base_score|, |min|, |max|): training refuses a fit beyond them and the
 * bundle reader refuses a bundle beyond them (docs/limits.md). */
#define SC_CALIBRATION_MAX 1e4
#define SC_SCORE_LIMIT 1e6
/* A bundle's JSON text, decompressed: a model of 2,000 depth-4 trees takes
 * about 1.2 MB; a gzip bomb stops here (docs/limits.md). */
#define SC_BUNDLE_MAX_BYTES ((size_t)256 << 20)
/* Trees and depth of a bundle's forest: what training can make. */
#define SC_BUNDLE_MAX_TREES 100000
#define SC_BUNDLE_MAX_DEPTH 16

typedef struct sc_scaling {
    double base_score;      /* points at base_odds */
    double base_odds;       /* good:bad odds */
    double points_to_double;
    int min_score, max_score;
    int riskier;            /* 1: a higher score means a riskier firm */
} sc_scaling;

typedef struct sc_grade {
    char name[8];
    double max_pd;          /* upper bound of the band, inclusive */
} sc_grade;

/* A binned distribution (for drift): bins split at `edges` (n_bins - 1 of
 * them, value < edge goes left) plus the share of missing values. */
typedef struct sc_distribution {
    size_t n_bins;
    double edges[SC_POPULATION_BINS - 1];
    double share[SC_POPULATION_BINS];
    double missing;
} sc_distribution;

struct score_model {
    sc_forest *forest;
    size_t n_features;
    char **feature_names;               /* n_features */
    int *directions;                    /* n_features, monotone constraints used */
    enum sc_input_kind input;
    int spec_version;                   /* INPUT_SIGNALS */
    char *id_column;                    /* INPUT_TABLE; NULL when none */
    char *label_column;
    sc_table_column *columns;           /* INPUT_TABLE */
    size_t n_columns;
    sc_calibration calibration;
    sc_scaling scaling;
    sc_grade grades[SC_MAX_GRADES];
    size_t n_grades;
    char default_grade[8];              /* the grade of a firm in default */
    size_t n_reasons;                   /* reasons reported per enterprise */
    sc_distribution *population;        /* n_features + 1: the features, then the score */
    char *xgboost_json;                 /* XGBoost's own JSON, verbatim */
    json_t *metadata;                   /* training summary, metrics, created, library */
    struct sc_evid_link *evidence;      /* a log attached (scorecard/evidence.c); owned */
};

/* ---- defaults --------------------------------------------------------- */

void sc_model_default_scorecard(score_model *model);

/* ---- calibration, metrics ---------------------------------------------- */

double sc_calibrated_pd(const sc_calibration *c, double margin);
/* The points-to-double-odds score of a PD, rounded and clipped. */
int sc_score_of_pd(const sc_scaling *s, double pd);
/* The index of the grade band a PD falls in (the last band above all). */
size_t sc_grade_of_pd(const score_model *model, double pd);
/* Fit Platt scaling on (margin, label) pairs by Newton's method. */
int sc_calibration_fit(const double *margin, const float *label, size_t n, sc_calibration *out);

typedef struct sc_metrics {
    double auc, ks, brier, log_loss, default_rate, mean_pd;
    size_t n, n_default;
} sc_metrics;

/* AUC (ties counted half), KS, Brier and log loss of PDs against labels. */
int sc_metrics_compute(const double *pd, const float *label, size_t n, sc_metrics *out);

/* The binned distribution of values (NaN missing) with quantile edges. */
int sc_distribution_fit(const double *values, size_t n, sc_distribution *out);

/* ---- labels ------------------------------------------------------------ */

typedef struct sc_label {
    char uscc[SCORE_USCC_SIZE];
    float value;            /* 0 or 1 */
} sc_label;

/* A labels file (CSV, header uscc,default; a valid USCC and 0 or 1 on every
 * line, no USCC twice), sorted by USCC. The caller frees *out (sc_free). */
int sc_labels_read(const char *path, sc_label **out, size_t *n_out);

/* ---- bundle ------------------------------------------------------------ */

int sc_bundle_write(const score_model *model, const char *path);
int sc_bundle_read(const char *path, score_model **out);
/* The same from the bundle's JSON text in memory; `name` is used in messages. */
int sc_bundle_parse(const char *name, const char *text, size_t len, score_model **out);

#endif
