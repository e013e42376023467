/*
 * One synthetic firm: static traits, the latent path (health, distress
 * episodes, invoice inflation, equity rounds), the observations each source
 * would export, and the true 12-month PD at the as-of month. The story and
 * every constant are explained in docs/synth.md; keep the two in step.
 */
#include <string.h>

#include "synth.h"

/* The cyclical health x follows an AR(1); its stationary sd is SD_X. */
#define PHI_X 0.90
#define SIGMA_X 0.09
#define SD_X 0.2065

/* ---- codes ---------------------------------------------------------------- */

/* The GB 11714 check character of an 8-character organisation code body. */
static char organisation_check(const char *body)
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = body[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
        sum += v * weights[i];
    }
    int check = 11 - sum % 11;
    return check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
}

/* The 18-character code: "91" (an enterprise registered with market
 * regulation), the 6-digit division code, a 9-character organisation code
 * and the GB 32100 check character. The organisation code body is a
 * bijective scramble of the firm's index, so codes never collide: 8 digits
 * for firms registered before the reform of October 2015, "MA" and 6 code
 * characters after it, as real codes are. */
static void make_uscc(uint64_t seed, uint64_t index, int region, int modern,
                      char out[SCORE_USCC_SIZE])
{
    syn_rng r;
    syn_rng_seed(&r, seed, SYN_STREAM_CODES, 0);
    char *p = out;
    p[0] = '9';
    p[1] = '1';
    for (int i = 7; i >= 2; i--, region /= 10)
        p[i] = (char)('0' + region % 10);
    if (modern) {
        const uint64_t modulus = UINT64_C(887503681);   /* 31^6 */
        uint64_t a = 1 + syn_next(&r) % (modulus - 1);
        if (a % 31 == 0)
            a++;
        uint64_t v = (index * a + syn_next(&r) % modulus) % modulus;
        p[8] = 'M';
        p[9] = 'A';
        for (int i = 15; i >= 10; i--, v /= 31)
            p[i] = sc_uscc_alphabet[v % 31];
    } else {
        const uint64_t modulus = UINT64_C(100000000);    /* 10^8 */
        syn_next(&r);
        syn_next(&r);
        uint64_t a = syn_next(&r) % modulus | 1;
        if (a % 5 == 0)
            a += 2;
        uint64_t v = (index * a + syn_next(&r) % modulus) % modulus;
        for (int i = 15; i >= 8; i--, v /= 10)
            p[i] = (char)('0' + v % 10);
    }
    p[16] = organisation_check(p + 8);
    p[17] = (char)sc_uscc_check_char(p);
    p[18] = '\0';
}

/* ---- traits ---------------------------------------------------------------- */

static double round_significant(double v, int digits)
{
    double scale = pow(10.0, floor(log10(v)) - (digits - 1));
    return floor(v / scale + 0.5) * scale;
}

static void draw_traits(const syn_world *w, syn_firm *f, syn_rng *r)
{
    double total = 0;
    for (int k = 0; k < syn_n_clusters; k++)
        total += syn_clusters[k].weight;
    double u = syn_uniform(r) * total;
    int k = 0;
    while (k < syn_n_clusters - 1 && u >= syn_clusters[k].weight)
        u -= syn_clusters[k++].weight;
    const syn_cluster *c = &syn_clusters[k];
    f->cluster = k;
    f->region = c->regions[syn_int(r, 0, c->n_regions - 1)];
    f->industry = c->industries[syn_int(r, 0, c->n_industries - 1)];
    const syn_industry *ind = &syn_industries[f->industry];
    const syn_kind_params *kp = &syn_kinds[ind->kind];
    f->kind = ind->kind;

    /* establishment: a few after the as-of month, some inside the window,
     * the rest 0.3 to 30 years before it (gamma-shaped, mean 7.3 years) */
    u = syn_uniform(r);
    if (u < SYN_P_UNBORN) {
        f->established = w->asof + syn_int(r, 1, 6);
    } else if (u < SYN_P_UNBORN + SYN_P_YOUNG) {
        f->established = w->first + syn_int(r, 0, w->months - 1);
    } else {
        double years = 0.3 + 3.5 * (-log(1.0 - syn_uniform(r)) - log(1.0 - syn_uniform(r)));
        f->established = w->first - 1 - (int)(syn_clamp(years, 0.3, 30.0) * 12.0);
    }
    f->established_day = syn_int(r, 1, syn_days_in_month(f->established));
    int age_at_asof = w->asof - f->established;          /* months; < 0 if unborn */
    double age_years = age_at_asof > 0 ? age_at_asof / 12.0 : 0;

    f->mu = syn_normal(r);
    f->pi = -0.3 * f->mu + 0.954 * syn_normal(r);
    f->iota = 0.3 * f->mu + 0.954 * syn_normal(r) +
              (f->kind == KIND_SOFTWARE ? 0.2 : f->kind == KIND_RESEARCH ? 0.4 : 0.0);

    double zs;
    do
        zs = syn_normal(r);
    while (zs < -2.3 || zs > 2.3);
    double ln_sales = log(kp->sales_median * ind->sales_factor) + 0.75 * zs + 0.15 * f->mu +
                      0.12 * (log1p(age_years) - log(8.0));
    f->sales = syn_clamp(exp(ln_sales), 1e5, 1.2e7);
    double size = log(f->sales / 1e6);
    f->heads = fmax(3.0, f->sales / (kp->sales_per_head * syn_lognoise(r, 0.3)));
    f->kwh = kp->kwh_per_yuan * ind->power_factor * f->sales * syn_lognoise(r, 0.35) +
             kp->kwh_per_head * ind->power_factor * f->heads * syn_lognoise(r, 0.25);
    f->m3 = (kp->m3_per_head * f->heads + kp->m3_per_kwh * f->kwh) * syn_lognoise(r, 0.3);

    /* small-scale VAT payers (annual sales under 5 million) file quarterly */
    f->quarterly = f->sales * 12 < 5e6;
    double rate_noise = syn_normal(r), rate_small = syn_uniform(r);
    f->tax_rate = f->quarterly ? 0.01 + 0.02 * rate_small
                               : syn_clamp(0.025 + 0.03 * syn_sigmoid(1.2 * f->mu) +
                                               0.006 * rate_noise, 0.008, 0.09);
    f->dso = syn_clamp(kp->dso_days + 15 * f->pi - 8 * f->mu + 10 * syn_normal(r), 15, 180);
    f->kappa = 0.12 + 0.75 * pow(syn_uniform(r), 1.4);
    double chain_share = syn_range(r, 0.1, 0.8);
    f->theta = syn_chance(r, kp->p_chain) ? chain_share : 0;
    f->growth = 0.002 + 0.008 * f->mu;
    f->beta = syn_range(r, 0.5, 1.5);
    f->volatility = 0.05 + 0.08 * syn_sigmoid(-1.5 * f->mu);

    /* sources, and the first month each has data for */
    static const double p_missing_fixed[SYN_N_DENSE] = {
        SYN_P_NO_TAX, -1, SYN_P_NO_WATER, SYN_P_NO_SOCIAL, SYN_P_NO_ORDERS};
    int lags[SYN_N_DENSE] = {syn_int(r, 0, 2), 1, 1, syn_int(r, 1, 2), syn_int(r, 1, 3)};
    for (int s = 0; s < SYN_N_DENSE; s++) {
        double p_missing = s == SS_POWER ? kp->p_no_power : p_missing_fixed[s];
        f->has[s] = !syn_chance(r, p_missing);
        int late = syn_chance(r, SYN_P_LATE_SOURCE), late_month = syn_int(r, 0, w->months / 2);
        int start = f->established + lags[s];
        if (start < w->first)
            start = w->first;
        if (late && start < w->first + late_month)
            start = w->first + late_month;
        f->source_start[s] = start;
    }

    /* certifications need a track record */
    double p_hitech = syn_sigmoid(-0.9 + 1.3 * f->iota + 0.35 * size);
    double p_srdi = syn_sigmoid(-2.3 + 1.1 * f->iota + 0.5 * f->mu + 0.35 * size);
    double p_giant = syn_sigmoid(-2.2 + 0.9 * f->iota + 0.5 * f->mu);
    f->hitech = syn_chance(r, p_hitech) && age_at_asof >= 12;
    f->srdi = syn_chance(r, p_srdi) && age_at_asof >= 24;
    f->little_giant = syn_chance(r, p_giant) && f->srdi && age_at_asof >= 36;
    f->registered_capital = round_significant(
        syn_clamp(exp(log(12 * f->sales) - 1.2 + 0.8 * syn_normal(r)), 1e5, 5e8), 2);

    /* invoice inflation: weaker firms, 18 months or older, with tax data */
    double p_fraud = 0.09 * syn_sigmoid(-1.2 * f->mu - 0.6);
    int fraud_start = w->asof - syn_int(r, 4, 15);
    double fraud_rate = syn_range(r, 0.4, 1.2);
    f->fraud_start = 0;
    if (syn_chance(r, p_fraud) && f->has[SS_TAX] && age_at_asof >= 18 &&
        fraud_start >= f->established + 12) {
        f->fraud_start = fraud_start;
        f->fraud_rate = fraud_rate;
    }
}

/* ---- the latent path ------------------------------------------------------ */

static void new_episode(const syn_world *w, syn_firm *f, int t, syn_rng *r)
{
    syn_episode *e = &f->episodes[f->n_episodes++];
    memset(e, 0, sizeof *e);
    e->onset = t;
    e->severity = syn_range(r, 0.25, 0.65);
    e->lag_sales = syn_int(r, 1, 2);
    e->lag_power_arrears = syn_int(r, 1, 2);
    e->lag_tax = e->lag_power_arrears + syn_int(r, 1, 2);
    e->lag_social = e->lag_power_arrears + syn_int(r, 0, 2);
    e->lag_court = syn_int(r, 3, 6);
    e->lag_enforced = e->lag_court + syn_int(r, 1, 3);
    /* a quick recovery, or a long struggle that ends in a restructuring */
    int recovers = syn_chance(r, syn_sigmoid(0.2 + 0.8 * f->mu - 0.4 * f->pi));
    int quick = syn_int(r, 4, 12), long_struggle = syn_int(r, 12, 36);
    e->end = t + (recovers ? quick : long_struggle);
    int lists = syn_chance(r, recovers ? 0.25 : 0.55);
    int listed = t + e->lag_enforced + syn_int(r, 2, 4);
    int delisted = e->end + syn_int(r, 1, 3);
    if (lists && listed < e->end && listed <= w->asof) {
        e->listed = listed;
        e->delisted = delisted <= w->asof ? delisted : 0;
    }
    e->unpaid_tax = syn_range(r, 0.3, 0.9);
    e->unpaid_power = syn_range(r, 0.3, 0.9);
    e->unpaid_social = syn_range(r, 0.3, 0.9);
}

static void simulate_latent(const syn_world *w, syn_firm *f, syn_work *k, syn_rng *r)
{
    const double *cl = w->cluster + (size_t)f->cluster * (size_t)w->n;
    int first = f->established > w->start ? f->established : w->start;
    double x = f->established > w->start ? 0.5 * SD_X * syn_normal(r) : SD_X * syn_normal(r);
    double drag = 0;
    int active = -1, quiet_until = 0;
    for (int i = 0; i < w->n; i++) {
        k->x[i] = 0;
        k->episode[i] = -1;
        k->fake[i] = 0;
    }
    for (int t = first; t <= w->asof; t++) {
        int i = t - w->start;
        if (t > first)
            x = PHI_X * x + SIGMA_X * syn_normal(r);
        /* a distress episode drags health down while it lasts */
        drag = active >= 0 && t < f->episodes[active].end ? fmin(drag + 0.03, 0.4) : drag * 0.8;
        /* health: the firm's own cycle, the distress drag, the cluster's shock */
        k->x[i] = x - drag + f->beta * cl[i];
        if (f->fraud_start && t >= f->fraud_start)
            k->fake[i] = f->fraud_rate * fmin(1.0, (t - f->fraud_start + 1) / 6.0);

        double health = 0.6 * f->mu + 0.6 * k->x[i] / 0.2;
        double hazard = syn_sigmoid(-6.8 - 1.1 * health + 0.4 * f->pi + (k->fake[i] > 0 ? 0.7 : 0));
        double u_onset = syn_uniform(r);
        if (active < 0 && t >= quiet_until && f->n_episodes < SYN_MAX_EPISODES &&
            u_onset < hazard) {
            new_episode(w, f, t, r);
            active = f->n_episodes - 1;
        }
        if (active >= 0) {
            const syn_episode *e = &f->episodes[active];
            if (t >= e->end + 5) {
                active = -1;            /* recovered, arrears repaid */
                quiet_until = t + 6;
            } else {
                k->episode[i] = (signed char)active;
            }
        }

        /* equity rounds: innovative, healthy, young firms raise more often */
        double p_round = 0.004 * exp(0.7 * f->iota + 0.4 * f->mu) *
                         (t - f->established < 72 ? 1.5 : 0.6);
        double u_round = syn_uniform(r), amount_noise = syn_normal(r), u_gov = syn_uniform(r);
        if (k->episode[i] < 0 && t - f->established >= 3 &&
            (!f->last_round || t - f->last_round >= 12) && u_round < p_round) {
            f->last_round = t;
            if (t >= w->first) {
                double amount = exp(log(8e6) + 0.4 * log(f->sales / 1e6) + 0.9 * amount_noise);
                k->value[SF_EQUITY_RAISED][i] = floor(syn_clamp(amount, 5e5, 5e8) / 1e4 + 0.5) * 1e4;
                k->state[SF_EQUITY_RAISED][i] = SYN_VALUE;
                if (u_gov < 0.25 + 0.2 * f->srdi + 0.2 * f->little_giant) {
                    k->value[SF_EQUITY_GOV_FUND][i] = 1;
                    k->state[SF_EQUITY_GOV_FUND][i] = SYN_VALUE;
                }
            }
        }
    }
}

/* The mean health over months i0..i1 (indices, clipped to from..). */
static double mean_health(const syn_work *k, int from, int i0, int i1)
{
    double sum = 0;
    if (i0 < from)
        i0 = from;
    for (int i = i0; i <= i1; i++)
        sum += k->x[i];
    return sum / (i1 - i0 + 1);
}

/* The logit of the true PD before the intercept: docs/synth.md, "The
 * truth". Health is read as an analyst would: the last quarter against
 * the whole window (level) and against the quarter six months earlier
 * (trend), in units of 0.2 (about one standard deviation). */
static double risk_at_asof(const syn_world *w, const syn_firm *f, const syn_work *k)
{
    int first = f->established > w->first ? f->established : w->first;
    int from = first - w->start, iT = w->n - 1, i6 = iT - 6 >= from ? iT - 6 : from;
    double quarter = mean_health(k, from, iT - 2, iT);
    double level = (quarter - mean_health(k, from, from, iT)) / 0.2;
    double trend = (quarter - mean_health(k, from, i6 - 2, i6)) / 0.2;
    double z = -0.25 * f->mu - 0.45 * level - 0.35 * trend;
    int listed_now = 0, recovered_recently = 0;
    for (int e = 0; e < f->n_episodes; e++) {
        const syn_episode *ep = &f->episodes[e];
        if (ep->listed && ep->listed <= w->asof && !ep->delisted)
            listed_now = 1;
        if (ep->end <= w->asof && w->asof - ep->end < 12)
            recovered_recently = 1;
    }
    int a = k->episode[iT];
    if (a >= 0 && w->asof < f->episodes[a].end) {
        const syn_episode *ep = &f->episodes[a];
        int d = w->asof - ep->onset;
        z += d >= ep->lag_court ? 1.7 : d >= ep->lag_power_arrears ? 1.3 : 0.8;
        z += listed_now ? 0.5 : 0;
    } else {
        z += listed_now ? 1.0 : 0;
        z += recovered_recently ? 0.4 : 0;
    }
    z += 1.0 * fmin(1.0, k->fake[iT] / 0.5);
    z += 0.1 * f->pi;
    z += 0.06 * (f->kappa - 0.45) / 0.2 - 0.08 * f->theta / 0.45;
    z += f->last_round && w->asof - f->last_round < 18 ? -0.5 : 0;
    z += w->asof - f->established < 24 ? 0.5 : 0;
    z += -0.2 * log(f->sales / 1e6);
    z += f->has[SS_TAX] ? 0 : 0.3;
    return z;
}

/* ---- observations ----------------------------------------------------------- */

static double ramp01(int d, int start, int len)
{
    return syn_clamp((double)(d - start + 1) / len, 0, 1);
}

/* How far each channel is pulled down by the episode at month t:
 * power, sales, heads, orders, each 0..1. */
static void distress_channels(const syn_episode *e, int t, double ch[4])
{
    int d = t < e->end ? t - e->onset : e->end - 1 - e->onset;
    ch[0] = ramp01(d, 0, 3);
    ch[1] = ramp01(d, e->lag_sales, 3);
    ch[2] = ramp01(d, 2, 6);
    ch[3] = ramp01(d, 0, 2);
    if (t >= e->end) {
        double fade = fmax(0.0, 1.0 - (t - e->end + 1) / 3.0);
        for (int c = 0; c < 4; c++)
            ch[c] *= fade;
    }
}

static void put(syn_work *k, int field, int i, double v)
{
    k->value[field][i] = v;
    k->state[field][i] = SYN_VALUE;
}

/* A stock of arrears: grows by the unpaid share of what is due while an
 * episode is active; in recovery month 1 and 2 (`recovering`) half of it is
 * repaid, from month 3 the rest. `temporary` is a background overdue bill
 * cleared the month after. Returns the amount paid this month. */
typedef struct arrears {
    double stock, temporary;
} arrears;

static double arrears_step(arrears *a, double due, double unpaid_share, int recovering,
                           int background)
{
    double paid = due + a->temporary;   /* last month's overdue bill is settled */
    a->stock -= a->temporary;
    a->temporary = 0;
    if (unpaid_share > 0) {
        a->stock += due * unpaid_share;
        paid -= due * unpaid_share;
    } else if (recovering && a->stock > 0) {
        double repay = recovering >= 3 || a->stock < 1000 ? a->stock : a->stock * 0.5;
        a->stock -= repay;
        paid += repay;
    } else if (background && due > 0) {
        a->temporary = due * 0.7;
        a->stock += a->temporary;
        paid -= a->temporary;
    }
    if (a->stock < 0.005)
        a->stock = 0;
    return paid;
}

static void observe(const syn_world *w, syn_firm *f, syn_work *k, syn_rng *r)
{
    const syn_industry *ind = &syn_industries[f->industry];
    const syn_kind_params *kp = &syn_kinds[f->kind];
    int first = f->established > w->start ? f->established : w->start;
    arrears tax = {0, 0}, power = {0, 0}, social = {0, 0};
    double heads = 0, cum_fake = 0, prev_true = 0, prev_fake = 0, prev_sales = 0;
    double quarter_sales = 0;
    int tax_arrears_in_year = 0;
    int rating_first_year = SC_MONTH_YEAR(w->first);

    for (int t = first; t <= w->asof; t++) {
        int i = t - w->start, age = t - f->established, m = SC_MONTH_OF_YEAR(t);
        int in_window = t >= w->first;
        double ramp = 1.0 - 0.85 * exp(-age / 10.0);
        double x = k->x[i], xp = t > first ? k->x[i - 1] : x;
        double drift = exp(f->growth * (t - w->asof));
        double ch[4] = {0, 0, 0, 0}, severity = 0;
        const syn_episode *e = k->episode[i] >= 0 ? &f->episodes[k->episode[i]] : NULL;
        int active = 0, recovering = 0, d = 0;
        if (e) {
            distress_channels(e, t, ch);
            severity = e->severity;
            active = t < e->end;
            recovering = active ? 0 : t - e->end + 1;
            d = t - e->onset;
        }

        /* tax: true sales follow last month's health; inflated invoices on top */
        double sales = f->sales * ramp * exp(xp) * drift * w->season_sales[i] *
                       (1.0 - 0.85 * severity * ch[1]) * syn_lognoise(r, f->volatility);
        double u_zero = syn_uniform(r), u_red = syn_uniform(r), red = syn_uniform(r);
        if ((active && d >= 6 && u_zero < 0.2) || (age == 0 && u_zero < 0.3))
            sales = 0;
        double fake = sales * k->fake[i];
        double reported = sales + fake;
        if (k->fake[i] > 0 && u_red < 0.08) {
            /* red-letter invoices reverse part of the earlier fake ones */
            double reversed = fmin(cum_fake, fake * (1.0 + 2.0 * red));
            reported -= reversed;
            cum_fake -= reversed;
        } else if (u_red < 0.002) {
            reported = sales * (-0.4 + 0.5 * red);       /* a month of heavy returns */
        }
        cum_fake += fake;

        double due;
        double tax_noise = syn_lognoise(r, 0.08);
        if (f->quarterly) {
            due = (m == 1 || m == 4 || m == 7 || m == 10) ? f->tax_rate * quarter_sales * tax_noise : 0;
            if (m == 1 || m == 4 || m == 7 || m == 10)
                quarter_sales = 0;
        } else {
            due = (f->tax_rate * fmax(0.0, prev_true) + 0.2 * f->tax_rate * prev_fake) * tax_noise;
        }
        quarter_sales += fmax(0.0, reported);
        int tax_bg = syn_chance(r, 0.002 * exp(1.0 * f->pi - 0.3 * f->mu));
        double paid = arrears_step(&tax, due, active && d >= e->lag_tax ? e->unpaid_tax : 0,
                                   recovering, tax_bg);
        if (tax.stock > 0)
            tax_arrears_in_year++;
        prev_true = sales;
        prev_fake = fake;

        /* power: production, so it moves first and ignores inflated invoices */
        double resp = kp->power_response;
        double kwh = floor(f->kwh * ramp * exp(resp * 0.5 * (x + xp)) * sqrt(drift) *
                           w->season_kwh[i] * (1.0 - severity * ch[0]) *
                           syn_lognoise(r, 0.05) + 0.5);
        int power_bg = syn_chance(r, 0.01 * exp(1.0 * f->pi));
        arrears_step(&power, kwh * 0.8, active && d >= e->lag_power_arrears ? e->unpaid_power : 0,
                     recovering, power_bg);

        double m3 = floor(f->m3 * ramp * exp(0.4 * x) * w->season_water[i] *
                          (1.0 - 0.5 * severity * ch[0]) * syn_lognoise(r, 0.15) + 0.5);

        /* staff: a smoothed target, so headcount lags */
        double target = f->heads * ramp * exp(0.5 * x) * sqrt(drift) *
                        (1.0 - 0.5 * severity * ch[2]);
        heads = t == first ? target : 0.75 * heads + 0.25 * target;
        double insured = fmax(1.0, floor(heads * (1.0 + 0.015 * syn_normal(r)) + 0.5));
        double contribution = insured * 1900 * syn_range(r, 0.9, 1.1);
        int social_bg = syn_chance(r, 0.006 * exp(1.0 * f->pi));
        arrears_step(&social, contribution, active && d >= e->lag_social ? e->unpaid_social : 0,
                     recovering, social_bg);

        /* orders lead sales; lumpy; receivables swell with fake invoices */
        double u_none = syn_uniform(r);
        double orders = f->sales * ramp * exp(x) * drift * w->season_sales[i] *
                        fmax(0.05, 1.0 - 1.1 * severity * ch[3]) * syn_lognoise(r, 0.15);
        if (u_none < 0.04 + (f->sales < 3e5 ? 0.1 : 0) + 0.2 * ch[3])
            orders = 0;
        double chain = fmin(orders, orders * f->theta * syn_range(r, 0.6, 1.4));
        double dso = f->dso * (1.0 + 0.6 * severity * ch[1]);
        double receivables = (dso / 30.0 * 1.13 * (0.6 * fmax(0.0, sales) + 0.4 * fmax(0.0, prev_sales)) *
                                  syn_lognoise(r, 0.05) + cum_fake);
        double share = syn_clamp(f->kappa + 0.06 * syn_normal(r), 0.02, 1.0);
        prev_sales = sales;

        /* innovation: halved in distress */
        double slow = active ? 0.5 : 1.0, pf = ind->patent_factor * slow;
        int invention = syn_poisson(r, kp->rate_invention * pf * exp(f->iota));
        int utility = syn_poisson(r, kp->rate_utility * pf * exp(0.8 * f->iota));
        int design = syn_poisson(r, kp->rate_design * pf);
        int software = syn_poisson(r, kp->rate_software * pf * exp(0.6 * f->iota));
        int pledged = syn_poisson(r, 0.004 * exp(0.4 * f->pi + 0.3 * f->iota));

        /* court: background disputes, and the episode's creditors */
        int cases = syn_poisson(r, 0.005 * exp(0.4 * f->pi) +
                                       (active && d >= e->lag_court ? 0.3 + 0.4 * severity : 0));
        double u_enf = syn_uniform(r), enforced_noise = syn_normal(r);
        double enforced = 0;
        if ((active && d >= e->lag_enforced && u_enf < 0.3) || u_enf < 0.001)
            enforced = floor(exp(log(2e5) + 0.5 * log(f->sales / 1e6) + 0.8 * enforced_noise));

        /* the annual rating, once December is known */
        if (m == 12 && in_window && SC_MONTH_YEAR(t) >= rating_first_year && f->has[SS_TAX] &&
            t >= f->source_start[SS_TAX] && f->n_years < SYN_MAX_YEARS) {
            int y = f->n_years++;
            double score = 1.0 * f->mu - 0.3 * f->pi + 0.2 * syn_normal(r) -
                           0.4 * (tax_arrears_in_year < 3 ? tax_arrears_in_year : 3);
            if (k->fake[i] > 0 && syn_chance(r, 0.3))
                score -= 3.0;
            f->rating_year[y] = SC_MONTH_YEAR(t);
            f->rating[y] = SC_MONTH_YEAR(f->established) == SC_MONTH_YEAR(t) ? 'M'
                           : score > 1.1                                      ? 'A'
                           : score > -1.4                                     ? 'B'
                           : score > -2.8                                     ? 'C'
                                                                              : 'D';
        }
        if (m == 12)
            tax_arrears_in_year = 0;

        if (!in_window)
            continue;
        /* gaps: a month of a source missing in the export */
        int gap[SYN_N_DENSE];
        for (int s = 0; s < SYN_N_DENSE; s++)
            gap[s] = !f->has[s] || t < f->source_start[s] || syn_chance(r, SYN_P_GAP);
        if (!gap[SS_TAX]) {
            put(k, SF_TAX_SALES, i, reported);
            put(k, SF_TAX_PAID, i, paid);
            put(k, SF_TAX_ARREARS, i, tax.stock);
        }
        if (!gap[SS_POWER]) {
            put(k, SF_POWER_KWH, i, kwh);
            put(k, SF_POWER_ARREARS, i, power.stock);
        }
        if (!gap[SS_WATER])
            put(k, SF_WATER_M3, i, m3);
        if (!gap[SS_SOCIAL]) {
            put(k, SF_SOCIAL_INSURED, i, insured);
            put(k, SF_SOCIAL_ARREARS, i, social.stock);
        }
        if (!gap[SS_ORDERS]) {
            put(k, SF_ORDERS_AMOUNT, i, orders);
            put(k, SF_ORDERS_CHAIN, i, chain);
            put(k, SF_ORDERS_RECEIVABLES, i, receivables);
            if (orders > 0)
                put(k, SF_ORDERS_TOP_SHARE, i, share);
            else
                k->state[SF_ORDERS_TOP_SHARE][i] = SYN_EMPTY;   /* no orders, no share */
        }
        const int events[] = {SF_IP_INVENTION, SF_IP_UTILITY, SF_IP_DESIGN, SF_IP_SOFTWARE,
                              SF_IP_PLEDGED, SF_COURT_CASES};
        const int counts[] = {invention, utility, design, software, pledged, cases};
        for (size_t j = 0; j < SC_ARRAY_LEN(events); j++)
            if (counts[j] > 0)
                put(k, events[j], i, counts[j]);
        if (enforced > 0)
            put(k, SF_COURT_ENFORCED, i, enforced);
        /* a few values written empty, as exporters do */
        for (int fld = 0; fld < SYN_N_FIELDS; fld++)
            if (syn_field_infos[fld].dense >= 0 && k->state[fld][i] == SYN_VALUE &&
                syn_chance(r, SYN_P_EMPTY))
                k->state[fld][i] = SYN_EMPTY;
    }

    /* the dishonest-debtor listing: a state, so a listing still in force
     * at the window's start is written in its own (earlier) month */
    for (int j = 0; j < f->n_episodes; j++) {
        const syn_episode *e = &f->episodes[j];
        if (!e->listed || (e->delisted && e->delisted < w->first))
            continue;
        put(k, SF_COURT_DISHONEST, e->listed - w->start, 1);
        if (e->delisted)
            put(k, SF_COURT_DISHONEST, e->delisted - w->start, 0);
    }
}

void syn_firm_simulate(const syn_world *w, uint64_t index, int reference, int with_obs,
                       syn_work *k, syn_firm *f)
{
    uint64_t domain = reference ? SYN_DOMAIN_REFERENCE : 0;
    memset(f, 0, sizeof *f);
    f->index = index;
    syn_rng r;
    syn_rng_seed(&r, w->seed, domain + SYN_STREAM_TRAITS, index);
    draw_traits(w, f, &r);
    if (!reference) {
        int modern = f->established >= SC_MONTH(2015, 10);
        make_uscc(w->seed, index, f->region, modern, f->uscc);
    }
    for (int fld = 0; fld < SYN_N_FIELDS; fld++)
        memset(k->state[fld], SYN_NONE, (size_t)w->n);
    f->pd = NAN;
    f->label = -1;
    if (f->established > w->asof)
        return;                     /* profile only: no history, no truth */
    syn_rng_seed(&r, w->seed, domain + SYN_STREAM_LATENT, index);
    simulate_latent(w, f, k, &r);
    f->risk = risk_at_asof(w, f, k);
    f->pd = syn_sigmoid(w->intercept + f->risk);
    syn_rng_seed(&r, w->seed, domain + SYN_STREAM_LABEL, index);
    f->label = syn_uniform(&r) < f->pd;
    if (with_obs) {
        syn_rng_seed(&r, w->seed, domain + SYN_STREAM_OBS, index);
        observe(w, f, k, &r);
    }
}

/* ---- calibration ------------------------------------------------------------ */

#define SYN_REFERENCE_FIRMS 8192

int syn_calibrate(syn_world *w)
{
    syn_work work;
    int rc = syn_work_init(&work, w);
    if (rc != SCORE_OK)
        return rc;
    double *risk = sc_malloc_array(SYN_REFERENCE_FIRMS, sizeof *risk);
    syn_firm *f = sc_malloc(sizeof *f);
    if (!risk || !f) {
        sc_free(risk);
        sc_free(f);
        syn_work_free(&work);
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    }
    size_t n = 0;
    w->intercept = 0;
    for (uint64_t i = 0; i < SYN_REFERENCE_FIRMS; i++) {
        syn_firm_simulate(w, i, 1, 0, &work, f);
        if (f->established <= w->asof)
            risk[n++] = f->risk;
    }
    /* the mean PD is increasing in the intercept: bisect */
    double lo = -30, hi = 30;
    for (int it = 0; it < 80 && n; it++) {
        double mid = 0.5 * (lo + hi), mean = 0;
        for (size_t j = 0; j < n; j++)
            mean += syn_sigmoid(mid + risk[j]);
        mean /= (double)n;
        if (mean < w->default_rate)
            lo = mid;
        else
            hi = mid;
    }
    w->intercept = 0.5 * (lo + hi);
    sc_free(risk);
    sc_free(f);
    syn_work_free(&work);
    return SCORE_OK;
}
