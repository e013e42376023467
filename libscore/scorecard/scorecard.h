/*
 * scorecard: from what a model gives (margin, PD, exact tree SHAP
 * contributions) to scores, grades and reasons with stable codes and texts
 * in Chinese and English. Stands on model.
 */
#ifndef SCORE_SCORECARD_H
#define SCORE_SCORECARD_H

#include "../model/model.h"

/* How a reason writes its number. */
enum sc_reason_format {
    R_YUAN, R_KWH, R_M3, R_COUNT, R_MONTHS, R_CHANGE, R_SHARE, R_POINTS, R_TIMES, R_CV,
    R_FLAG, R_RATING, R_SECTION
};

typedef struct sc_reason_info {
    const char *code;
    enum sc_reason_format format;
    const char *zh;        /* "%s" takes the number (R_CHANGE: "下降 38%") */
    const char *en;
    const char *zh_topic;  /* for missing data: "无%s数据" */
    const char *en_topic;  /* "no data on %s" */
    const char *zh_off;    /* R_FLAG: the text for 0 */
    const char *en_off;
} sc_reason_info;

extern const sc_reason_info sc_reasons[SC_N_FEATURES];

/* score_model_score without evidence. */
int sc_score_rows(const score_model *m, const float *rows, size_t n_rows, double *margin,
                  double *pd, int *score, int *grade, int *reasons);

/* evidence.c: score through `score` into scratch, append the batch's
 * records to the model's log, then copy the outputs out. */
/* The scores of rows with k reasons on opt->threads threads (options
 * already checked), with no evidence logged. */
int sc_score_batch_plain(const score_model *m, const float *rows, size_t n_rows,
                         const score_batch_options *opt, size_t k, double *margin, double *pd,
                         int *score, int *grade, int *reasons);
/* The same, and every row appended to the model's evidence log (with the
 * model's own number of reasons, so that a replay gives the same record)
 * before the outputs are written (evidence.c). */
int sc_score_batch_with_evidence(const score_model *m, const float *rows, size_t n_rows,
                                 const score_batch_options *opt, size_t k, double *margin,
                                 double *pd, int *score, int *grade, int *reasons);

/* The texts of feature `feature` of spec v1 at `value`. */
void sc_reason_text(size_t feature, double value, sc_str *zh, sc_str *en);

/* The top `k` features by positive contribution, strongest first; -1 pads. */
void sc_top_reasons(const double *contributions, size_t n_features, size_t k, int *out);

#endif
