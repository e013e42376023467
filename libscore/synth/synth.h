/*
 * synth: the synthetic enterprise generator (docs/synth.md). Stands on core
 * only; it writes signal standard v1 text and fills panels through the
 * public reader, never through the signals module's internals.
 *
 * The work is split in four files:
 *   world.c   what all firms share: the as-of month and window, clusters
 *             with their shock paths, the calendar (Spring Festival), the
 *             tables of industries and regions, the PD intercept;
 *   firm.c    one firm: traits, latent path, observations, true PD, label;
 *   emit.c    one firm's rows as text, in the natural export order;
 *   synth.c   the public functions: options, files, panels.
 *
 * Every random draw comes from a stream named by (seed, domain, firm index),
 * so firm i's data depend only on the options and i, never on how many
 * firms are generated.
 */
#ifndef SCORE_SYNTH_H
#define SCORE_SYNTH_H

#include <math.h>
#include <stdint.h>

#include "../core/core.h"
#include "../core/rng.h"

/* ---- random numbers ---------------------------------------------------- */

/* The core generator (xoshiro256**, one stream per seed, domain and index),
 * with the second normal of a polar pair kept for the next call. */
typedef struct syn_rng {
    sc_rng core;
    double spare;       /* the second normal of the last polar pair */
    int has_spare;
} syn_rng;

/* Streams: one per (seed, domain, index). */
enum {
    SYN_STREAM_TRAITS = 1,   /* a firm's static traits */
    SYN_STREAM_LATENT,       /* its latent path: health, distress, equity */
    SYN_STREAM_OBS,          /* its observations: noise, gaps, events */
    SYN_STREAM_LABEL,        /* its default draw */
    SYN_STREAM_CLUSTER,      /* a cluster's shock path */
    SYN_STREAM_CODES,        /* the scrambling of organisation codes */
    SYN_DOMAIN_REFERENCE = 16 /* added to the domains of the calibration firms */
};

static inline void syn_rng_seed(syn_rng *r, uint64_t seed, uint64_t domain, uint64_t index)
{
    sc_rng_seed(&r->core, seed, domain, index);
    r->has_spare = 0;
    r->spare = 0;
}

static inline uint64_t syn_next(syn_rng *r)
{
    return sc_rng_next(&r->core);
}

/* Uniform in [0, 1), 53 bits. */
static inline double syn_uniform(syn_rng *r)
{
    return sc_rng_uniform(&r->core);
}

static inline double syn_range(syn_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * syn_uniform(r);
}

/* Uniform integer in lo..hi (inclusive; hi >= lo, range below 2^32). */
static inline int syn_int(syn_rng *r, int lo, int hi)
{
    uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return lo + (int)(((syn_next(r) >> 32) * span) >> 32);
}

static inline int syn_chance(syn_rng *r, double p)
{
    return syn_uniform(r) < p;
}

/* Standard normal, Marsaglia's polar method. */
static inline double syn_normal(syn_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * syn_uniform(r) - 1.0;
        v = 2.0 * syn_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* exp(sigma * N(0,1) - sigma^2/2): a multiplicative noise of mean 1. */
static inline double syn_lognoise(syn_rng *r, double sigma)
{
    return exp(sigma * syn_normal(r) - 0.5 * sigma * sigma);
}

/* Poisson by inversion (the rates used here are small). */
static inline int syn_poisson(syn_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda > 30) {
        double v = lambda + sqrt(lambda) * syn_normal(r);
        return v < 0 ? 0 : (int)(v + 0.5);
    }
    double p = exp(-lambda), cdf = p, u = syn_uniform(r);
    int k = 0;
    while (u > cdf && k < 200) {
        k++;
        p *= lambda / k;
        cdf += p;
    }
    return k;
}

static inline double syn_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static inline double syn_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- the world: what every firm shares -------------------------------- */

enum syn_kind { KIND_MANUFACTURING, KIND_SOFTWARE, KIND_RESEARCH, SYN_N_KINDS };

typedef struct syn_industry {
    const char *code;        /* GB/T 4754-2017 class, e.g. "C3971" */
    enum syn_kind kind;
    double sales_factor;     /* on the kind's median monthly sales */
    double power_factor;     /* on the kind's power intensity */
    double patent_factor;    /* on the kind's patent rates */
} syn_industry;

typedef struct syn_kind_params {
    const char *name;
    double sales_median;     /* monthly sales of an established firm, yuan */
    double sales_per_head;   /* monthly sales per insured employee, yuan */
    double kwh_per_yuan;     /* power that scales with output */
    double kwh_per_head;     /* power that scales with staff (offices) */
    double m3_per_head;      /* water per employee and month */
    double m3_per_kwh;       /* process water */
    double p_no_power;       /* share of firms without power data */
    double p_chain;          /* share of firms selling to chain-leader buyers */
    double dso_days;         /* typical days of sales outstanding */
    double power_response;   /* how strongly power follows health */
    double rate_invention, rate_utility, rate_design, rate_software; /* per month */
} syn_kind_params;

#define SYN_MAX_CHOICES 8

typedef struct syn_cluster {
    const char *name;        /* for docs/synth.md */
    double weight;           /* share of firms */
    int n_regions;
    int regions[SYN_MAX_CHOICES];          /* 6-digit division codes */
    int n_industries;
    int industries[SYN_MAX_CHOICES];       /* indices into syn_industries */
} syn_cluster;

extern const syn_industry syn_industries[];
extern const int syn_n_industries;
extern const syn_kind_params syn_kinds[SYN_N_KINDS];
extern const syn_cluster syn_clusters[];
extern const int syn_n_clusters;

/* Shares promised in docs/synth.md (the tests check them). */
#define SYN_P_UNBORN 0.01        /* established after the as-of month */
#define SYN_P_YOUNG 0.08         /* established inside the window */
#define SYN_P_NO_TAX 0.03
#define SYN_P_NO_WATER 0.45
#define SYN_P_NO_SOCIAL 0.05
#define SYN_P_NO_ORDERS 0.50
#define SYN_P_LATE_SOURCE 0.08   /* a present source starts inside the window */
#define SYN_P_GAP 0.012          /* a month of one source missing */
#define SYN_P_EMPTY 0.002        /* one value written empty */
#define SYN_BURN_IN 12           /* months simulated before the window */

#define SYN_MAX_ENTERPRISES UINT64_C(10000000)
#define SYN_MAX_MONTHS 240
#define SYN_MIN_YEAR 1990
#define SYN_MAX_YEAR 2990

typedef struct syn_world {
    uint64_t seed;
    int asof;           /* month number (core.h) of the as-of month T */
    int first;          /* first month of the window, T - months + 1 */
    int start;          /* first simulated month, first - SYN_BURN_IN */
    int n;              /* months simulated: T - start + 1 */
    int months;         /* months in the window */
    double default_rate;
    double intercept;   /* the logit shift that meets default_rate */
    double *cluster;    /* [syn_n_clusters * n]: cluster shock by month */
    double *season_sales, *season_kwh, *season_water;  /* [n] */
    char (*period)[8];  /* [n]: "YYYY-MM" of each simulated month */
} syn_world;

/* Build the world for these options (intercept still 0). SCORE_ENOMEM. */
int syn_world_init(syn_world *w, uint64_t seed, int asof, int months, double default_rate);
void syn_world_free(syn_world *w);

/* Days in a month number. */
int syn_days_in_month(int month);

/* ---- one firm ------------------------------------------------------------ */

/* Fields in the order of the standard's table (the export order). */
enum syn_field {
    SF_TAX_SALES, SF_TAX_PAID, SF_TAX_ARREARS,
    SF_POWER_KWH, SF_POWER_ARREARS,
    SF_WATER_M3,
    SF_SOCIAL_INSURED, SF_SOCIAL_ARREARS,
    SF_IP_INVENTION, SF_IP_UTILITY, SF_IP_DESIGN, SF_IP_SOFTWARE, SF_IP_PLEDGED,
    SF_ORDERS_AMOUNT, SF_ORDERS_CHAIN, SF_ORDERS_RECEIVABLES, SF_ORDERS_TOP_SHARE,
    SF_COURT_CASES, SF_COURT_ENFORCED, SF_COURT_DISHONEST,
    SF_EQUITY_RAISED, SF_EQUITY_GOV_FUND,
    SYN_N_FIELDS
};

enum syn_source { SS_TAX, SS_POWER, SS_WATER, SS_SOCIAL, SS_ORDERS, SYN_N_DENSE };

/* How a value is written. */
enum syn_format { FMT_MONEY, FMT_INT, FMT_SHARE, FMT_FLAG };

typedef struct syn_field_info {
    const char *prefix;      /* "tax,sales," */
    enum syn_format format;
    int dense;               /* a dense source's field: index into syn_source, else -1 */
} syn_field_info;

extern const syn_field_info syn_field_infos[SYN_N_FIELDS];

/* Cell states of the observation arrays. */
#define SYN_NONE 0           /* no line */
#define SYN_VALUE 1          /* a line with the value */
#define SYN_EMPTY 2          /* a line with an empty value (missing) */

#define SYN_MAX_EPISODES 16
#define SYN_MAX_YEARS (SYN_MAX_MONTHS / 12 + 3)

typedef struct syn_episode {
    int onset;               /* month number */
    int end;                 /* month the recovery starts (may be after the as-of month) */
    double severity;         /* 0.25 .. 0.65 */
    int lag_sales, lag_power_arrears, lag_tax, lag_social, lag_court, lag_enforced;
    int listed, delisted;    /* months of the dishonest listing and its removal; 0 if none */
    double unpaid_tax, unpaid_power, unpaid_social;
} syn_episode;

/* Per-month arrays of one firm, reused from firm to firm. */
typedef struct syn_work {
    int n;                               /* months (world n) */
    double *x;                           /* cyclical health */
    signed char *episode;                /* index of the episode acting that month, -1 */
    double *fake;                        /* invoice inflation share */
    double *value[SYN_N_FIELDS];
    unsigned char *state[SYN_N_FIELDS];
    char *text;                          /* room for one firm's rows */
    size_t text_cap;
    void *block;                         /* the single allocation behind the arrays */
} syn_work;

int syn_work_init(syn_work *work, const syn_world *w);
void syn_work_free(syn_work *work);

typedef struct syn_firm {
    uint64_t index;
    char uscc[SCORE_USCC_SIZE];
    int cluster, industry, region;
    enum syn_kind kind;
    int established, established_day;    /* month number and day */
    double mu, pi, iota;                 /* quality, pressure, innovation */
    double sales, heads, kwh, m3;        /* baselines per month */
    double tax_rate, dso, kappa, theta, growth, beta, volatility;
    int quarterly;                       /* small-scale VAT payer, files quarterly */
    int has[SYN_N_DENSE];
    int source_start[SYN_N_DENSE];       /* first month of each present source */
    int hitech, srdi, little_giant;
    double registered_capital;
    int fraud_start;                     /* 0 if none */
    double fraud_rate;
    int n_episodes;
    syn_episode episodes[SYN_MAX_EPISODES];
    int last_round;                      /* last equity round, 0 if none */
    int n_years;
    int rating_year[SYN_MAX_YEARS];
    char rating[SYN_MAX_YEARS];
    double risk;                         /* the logit of the PD before the intercept */
    double pd;                           /* true 12-month PD; NaN if established after T */
    int label;                           /* 0/1; -1 if established after T */
} syn_firm;

/* Simulate firm `index`: traits and latent path, and with `observe` its
 * observations too. `reference` selects the calibration population. */
void syn_firm_simulate(const syn_world *w, uint64_t index, int reference, int observe,
                       syn_work *work, syn_firm *f);

/* Write the firm's rows (no header) into work->text; returns the length
 * and the number of rows. */
size_t syn_firm_emit(const syn_world *w, const syn_firm *f, syn_work *work, uint64_t *rows);

/* The intercept that makes the mean PD of a reference population of firms
 * equal w->default_rate. SCORE_ENOMEM. */
int syn_calibrate(syn_world *w);

#endif
