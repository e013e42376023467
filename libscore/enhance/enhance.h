/*
 * enhance: what a loan application is worth to the bank, with and without
 * its credit enhancements (guarantee, risk-compensation fund, pledges, order
 * and receivable financing): the limit, the Basel IRB capital and the
 * risk-adjusted minimum rate. Stands on core only; the PD arrives in the
 * request (later modules feed it from a model). docs/enhancement.md gives
 * the rules for a reader who does not read C.
 */
#ifndef SCORE_ENHANCE_H
#define SCORE_ENHANCE_H

#include <stdint.h>

#include "../core/core.h"
#include "../core/json.h"
#include "../core/normal.h"
#include "../core/scale.h"

/* ---- the grades of the master scale ------------------------------------ */

#define SC_ENHANCE_GRADES SC_MASTER_GRADES /* AAA AA A BBB BB B CCC CC C D */

/* ---- configuration (immutable once made) -------------------------------- */

/* The lowest PD floor a configuration may set, 0.01%. Below a PD of about
 * 0.0003% the maturity adjustment's denominator 1 - 1.5 b passes through
 * zero and the formula means nothing; no regulator's floor is below 0.03%. */
#define SC_ENHANCE_PD_FLOOR_MIN 0.0001

enum { SC_FIRM_SIZE_EUR, SC_FIRM_SIZE_CNY };

#define SC_ENHANCE_MAX_GUARANTORS 16

struct score_enhance_config {
    double funding_rate;      /* the bank's cost of funds, a year */
    double operating_cost;    /* a year, as a share of the loan */
    double hurdle_rate;       /* required return on capital, a year */
    double eur_rate;          /* yuan per euro */
    double pd_floor;          /* PDs below are raised to it (capital and price) */
    double lgd;               /* LGD when a request gives none */
    double scaling_factor;    /* multiplies K (Basel II: 1.06; Basel III: 1) */
    double maturity_min;      /* M = tenor clamped to these, years */
    double maturity_max;
    int firm_size_enabled;    /* the SME firm-size adjustment of R */
    int firm_size_currency;   /* SC_FIRM_SIZE_EUR or SC_FIRM_SIZE_CNY */
    double firm_size_floor;   /* S is clamped to floor..ceiling, millions of */
    double firm_size_ceiling; /*   the currency above */
    double advance_invention; /* shares of appraised / verified amounts lent */
    double advance_utility;
    double advance_trademark;
    double advance_orders;
    double advance_receivables;
    double grade_bounds[SC_ENHANCE_GRADES - 1]; /* upper PD bounds, inclusive, AAA..C */
    double sales_shares[SC_ENHANCE_GRADES];     /* share of annual sales lent unsecured */

    /* since 1.1: the regulatory and economic views (score_enhance_evaluate) */
    int approach;                 /* the bank's: SCORE_APPROACH_STANDARDISED or _FIRB */
    double capital_ratio;         /* capital held per unit of RWA, in the price */
    double std_corporate;         /* standardised risk weights by exposure class */
    double std_sme_corporate;
    double std_regulatory_retail;
    int64_t std_sme_sales_max;    /* fen: SME corporate at or under these annual sales */
    int64_t small_micro_sales_max;/* fen: small or micro at or under (when not said) */
    int64_t std_retail_max_exposure; /* fen: regulatory retail at or under this exposure */
    double firb_lgd;              /* supervisory LGD, senior unsecured */
    double firb_maturity;         /* M under the foundation approach, years */
    int64_t firb_size_unit;       /* fen: S = annual sales / this */
    double firb_size_floor;       /* S clamped to floor..ceiling */
    double firb_size_ceiling;
    int64_t retail_max_exposure;  /* fen: IRB retail at or under this exposure */
    double retail_pd_floor;
    double cash_haircut;          /* on cash held at the lender */
    double guarantor_dependence;  /* economic: chance the guarantor fails with the borrower
                                     beyond its own PD (a common shock) */
    int double_financing_net;     /* 1: no transaction financed twice; 0: lines just add */
    int n_guarantors;
    struct sc_guarantor {
        char kind[48];
        double risk_weight;       /* standardised */
        double pd;                /* IRB substitution; negative: none given */
    } guarantors[SC_ENHANCE_MAX_GUARANTORS];
    struct sc_evid_link *evidence;  /* a log attached (evidence.c); owned, not copied */
};

/* evidence.c: the enhance record of one computed request, when a log is
 * attached (SCORE_OK at once otherwise). */
int sc_enhance_evidence(const score_enhance_config *config, const score_enhance_request *request,
                        const score_enhance_result *with, const score_enhance_result *without);

/* The defaults (docs/enhancement.md gives each one's source). */
void sc_enhance_config_defaults(score_enhance_config *config);

/* `config`, or the defaults written to *storage when `config` is NULL. */
const score_enhance_config *sc_enhance_config_or_defaults(const score_enhance_config *config,
                                                          score_enhance_config *storage);

/* An optional JSON boolean `key` of `obj` into *out (1 or 0; an absent key
 * keeps *out); SCORE_EFORMAT naming where.key when it is not a boolean. */
int sc_enhance_json_flag(const json_t *obj, const char *key, const char *where, int *out);

/* ---- the arithmetic ---------------------------------------------------- */

/* The grade index (0 = AAA .. 9 = D) of a PD: the first grade whose upper
 * bound is at or above it. */
int sc_enhance_grade(const score_enhance_config *config, double pd);

/* The IRB corporate capital requirement K per unit of exposure (before the
 * scaling factor) for a PD (already floored, so at least
 * SC_ENHANCE_PD_FLOOR_MIN, or 0), an LGD, a maturity M (already clamped) and
 * the correlation R. 0 for PD 0 or 1. */
double sc_enhance_irb_k(double pd, double lgd, double maturity, double correlation);

/* The asset correlation R of the corporate formula; `firm_size` is the
 * firm-size fraction (S - floor) / (ceiling - floor) in 0..1, or a negative
 * number for no adjustment (a large firm, or sales unknown). */
double sc_enhance_correlation(double pd, double firm_size);

/* The firm-size fraction of annual sales in fen under the configuration, or
 * -1 when no adjustment applies (disabled, or sales unknown: negative).
 * `s_out` receives S, clamped, in millions of the configured currency (0
 * when no adjustment applies). */
double sc_enhance_firm_size(const score_enhance_config *config, int64_t annual_sales,
                            double *s_out);

/* Check a request struct as the API receives it; messages name the JSON key
 * (request.guarantee.share, ...) after `where`. need_pd: a missing PD is an
 * error (compute) or fine (parse: a model may supply it). */
int sc_enhance_request_check(const score_enhance_request *request, const char *where,
                             int need_pd);

/* The eligible guarantor of `kind` in the configuration, or NULL. */
const struct sc_guarantor *sc_enhance_guarantor(const score_enhance_config *config,
                                                const char *kind);

/* The IRB retail "other retail" K per unit of exposure (before the scaling
 * factor) for a floored PD and an LGD; 0 for PD 0 or 1. */
double sc_enhance_retail_k(double pd, double lgd);

/* R of "other retail": 0.03 w + 0.16 (1 - w), w = (1 - e^(-35 PD)) / (1 - e^(-35)). */
double sc_enhance_retail_correlation(double pd);

/* Check a terms struct; messages name the JSON key after `where`. */
int sc_enhance_terms_check(const score_enhance_terms *terms, const score_enhance_request *r,
                           const char *where);

/* `share` of an amount in fen, rounded down to the fen; a product within a
 * millionth of a fen of a whole fen is that fen (15% of 100 fen is 15 fen,
 * although 0.15 is a hair below 0.15 in binary). */
int64_t sc_enhance_share_of(double share, int64_t fen);
/* A rate times an amount in fen, rounded to the nearest fen. */
int64_t sc_enhance_times(double ratio, long double fen);

#endif
