/* A pool's configuration: defaults, presets of real schemes, checks, and
 * the JSON file. */
#include <math.h>
#include <string.h>

#include "../core/json.h"
#include "../core/money.h"
#include "pool.h"

/* The waterfall presets; docs/pools.md gives the source of each. */
static const struct preset {
    const char *name;
    double bank, fund, guarantor, reguarantor;
} presets[] = {
    /* Fujian's 助保贷 as run in Fuqing: deposits first, then the government's
     * risk-compensation fund and the bank 50:50 */
    {"fuqing", 0.5, 0.5, 0.0, 0.0},
    /* Anhui's 4321: city/county guarantor 40, provincial re-guarantee 30,
     * bank 20, local government 10 */
    {"anhui-4321", 0.2, 0.1, 0.4, 0.3},
    /* the national financing guarantee fund: bank 20, guarantee system 80 */
    {"national-guarantee-fund", 0.2, 0.0, 0.8, 0.0},
};

void score_pool_config_init(score_pool_config *config)
{
    if (!config)
        return;
    memset(config, 0, sizeof *config);
    config->size = sizeof *config;
    config->deposit_rate = 0.04;
    config->leverage = 10;
    config->single_member_cap = 0.10;
    config->max_pd = 0.05;
    config->compensation_fund = 0;
    config->share_bank = 0.5;
    config->share_fund = 0.5;
    config->npl_warning = 0.012;
    config->npl_suspend = 0.03;
    config->fund_floor = 0.10;
    config->correlation = -1;
}

static int size_ok(const score_pool_config *config, const char *what)
{
    if (!config)
        return sc_error(SCORE_EINVAL, "%s is NULL", what);
    if (config->size < sizeof(size_t) || config->size > sizeof *config)
        return sc_error(SCORE_EINVAL, "%s->size is %zu; set it to sizeof(score_pool_config) (%zu)",
                        what, config->size, sizeof *config);
    return SCORE_OK;
}

int score_pool_config_preset(score_pool_config *config, const char *preset)
{
    int rc = size_ok(config, "config");
    if (rc != SCORE_OK)
        return rc;
    if (!preset)
        return sc_error(SCORE_EINVAL, "preset is NULL");
    for (size_t i = 0; i < SC_ARRAY_LEN(presets); i++) {
        if (strcmp(preset, presets[i].name))
            continue;
        score_pool_config full;
        score_pool_config_init(&full);
        memcpy(&full, config, config->size);
        full.share_bank = presets[i].bank;
        full.share_fund = presets[i].fund;
        full.share_guarantor = presets[i].guarantor;
        full.share_reguarantor = presets[i].reguarantor;
        size_t keep = config->size;
        memcpy(config, &full, keep);
        config->size = keep;
        return SCORE_OK;
    }
    return sc_error(SCORE_ENOTFOUND, "unknown preset \"%s\"; the presets are fuqing, anhui-4321, "
                    "national-guarantee-fund", preset);
}

static int in_range(double x, double lo, double hi)
{
    return x >= lo && x <= hi; /* false for NaN */
}

int sc_pool_config_check(const score_pool_config *c)
{
#define REQUIRE(cond, ...) \
    do { \
        if (!(cond)) \
            return sc_error(SCORE_EINVAL, __VA_ARGS__); \
    } while (0)
    REQUIRE(in_range(c->deposit_rate, 0, 1), "deposit_rate %g is outside 0..1", c->deposit_rate);
    REQUIRE(in_range(c->leverage, 0, 1000) && c->leverage > 0,
            "leverage %g is outside (0, 1000]", c->leverage);
    REQUIRE(in_range(c->single_member_cap, 0, 1) && c->single_member_cap > 0,
            "single_member_cap %g is outside (0, 1]", c->single_member_cap);
    REQUIRE(in_range(c->max_pd, 0, 1), "max_pd %g is outside 0..1", c->max_pd);
    REQUIRE(c->compensation_fund >= 0 && c->compensation_fund <= SC_MONEY_MAX_FEN,
            "compensation_fund is outside 0..10^15 yuan");
    const double shares[SC_TIER3] = {c->share_bank, c->share_fund, c->share_guarantor,
                                     c->share_reguarantor};
    static const char *const names[SC_TIER3] = {"share_bank", "share_fund", "share_guarantor",
                                                 "share_reguarantor"};
    double sum = 0;
    for (int i = 0; i < SC_TIER3; i++) {
        REQUIRE(in_range(shares[i], 0, 1), "%s %g is outside 0..1", names[i], shares[i]);
        sum += shares[i];
    }
    REQUIRE(fabs(sum - 1) <= 1e-9,
            "the waterfall shares (bank %g, fund %g, guarantor %g, reguarantor %g) add up to "
            "%.10g, not 1", shares[0], shares[1], shares[2], shares[3], sum);
    REQUIRE(in_range(c->npl_warning, 0, 1) && c->npl_warning > 0,
            "npl_warning %g is outside (0, 1]", c->npl_warning);
    REQUIRE(in_range(c->npl_suspend, 0, 1) && c->npl_suspend > 0,
            "npl_suspend %g is outside (0, 1]", c->npl_suspend);
    REQUIRE(c->npl_warning <= c->npl_suspend, "npl_warning %g is above npl_suspend %g",
            c->npl_warning, c->npl_suspend);
    REQUIRE(in_range(c->fund_floor, 0, 10), "fund_floor %g is outside 0..10", c->fund_floor);
    REQUIRE(c->correlation < 0 || in_range(c->correlation, 0, 0.99),
            "correlation %g is outside 0..0.99 (negative means the Basel formula)",
            c->correlation);
#undef REQUIRE
    return SCORE_OK;
}

int sc_pool_config_in(const score_pool_config *config, score_pool_config *out)
{
    int rc = size_ok(config, "config");
    if (rc != SCORE_OK)
        return rc;
    score_pool_config_init(out);
    memcpy(out, config, config->size);
    out->size = sizeof *out;
    return sc_pool_config_check(out);
}

static int64_t ppb(double x)
{
    return (int64_t)llround(x * 1e9);
}

void sc_pool_rules_from(const score_pool_config *c, sc_pool_rules *r)
{
    r->deposit_ppb = ppb(c->deposit_rate);
    r->leverage_ppb = ppb(c->leverage);
    r->member_cap_ppb = ppb(c->single_member_cap);
    r->share_ppb[0] = ppb(c->share_bank);
    r->share_ppb[1] = ppb(c->share_fund);
    r->share_ppb[2] = ppb(c->share_guarantor);
    r->share_ppb[3] = ppb(c->share_reguarantor);
    r->warning_ppb = ppb(c->npl_warning);
    r->suspend_ppb = ppb(c->npl_suspend);
    r->floor_ppb = ppb(c->fund_floor);
    r->max_pd = c->max_pd;
}

double sc_pool_correlation(const score_pool_config *c, double pd)
{
    if (c->correlation >= 0)
        return c->correlation;
    return sc_irb_corporate_correlation(pd);
}

/* ---- the JSON file ----------------------------------------------------------- */

static int read_waterfall(const json_t *w, const char *where, score_pool_config *c)
{
    static const char *const keys[] = {"bank", "fund", "guarantor", "reguarantor", NULL};
    int rc = sc_json_check_keys(w, where, keys);
    double *shares[] = {&c->share_bank, &c->share_fund, &c->share_guarantor,
                        &c->share_reguarantor};
    for (int i = 0; rc == SCORE_OK && i < SC_TIER3; i++) {
        *shares[i] = 0;
        rc = sc_json_number(w, keys[i], where, 0, 1, shares[i]);
    }
    return rc;
}

static int read_correlation(const json_t *root, const char *where, score_pool_config *c)
{
    const json_t *v = json_object_get(root, "correlation");
    if (!v)
        return SCORE_OK;
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), "basel"))
            return sc_error(SCORE_EFORMAT, "%s.correlation: expected a number in 0..0.99 or "
                            "\"basel\"", where);
        c->correlation = -1;
        return SCORE_OK;
    }
    return sc_json_number(root, "correlation", where, 0, 0.99, &c->correlation);
}

static int config_from_json(const json_t *root, const char *path, score_pool_config *c)
{
    static const char *const keys[] = {"deposit_rate", "leverage", "single_member_cap",
                                       "admission", "compensation_fund", "waterfall", "preset",
                                       "npl_warning", "npl_suspend", "fund_floor",
                                       "correlation", NULL};
    static const char *const admission_keys[] = {"max_pd", NULL};
    char where[512], nested[600];
    snprintf(where, sizeof where, "%s: config", path);
    int rc = sc_json_check_keys(root, where, keys);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "deposit_rate", where, 0, 1, &c->deposit_rate);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "leverage", where, 1e-9, 1000, &c->leverage);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "single_member_cap", where, 1e-9, 1, &c->single_member_cap);
    if (rc == SCORE_OK)
        rc = sc_json_money(root, "compensation_fund", where, 0, SC_MONEY_MAX_FEN,
                           &c->compensation_fund);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "npl_warning", where, 1e-9, 1, &c->npl_warning);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "npl_suspend", where, 1e-9, 1, &c->npl_suspend);
    if (rc == SCORE_OK)
        rc = sc_json_number(root, "fund_floor", where, 0, 10, &c->fund_floor);
    if (rc == SCORE_OK)
        rc = read_correlation(root, where, c);
    const json_t *admission = NULL, *waterfall = NULL;
    const char *preset = NULL;
    if (rc == SCORE_OK)
        rc = sc_json_object(root, "admission", where, &admission);
    if (rc == SCORE_OK && admission) {
        snprintf(nested, sizeof nested, "%s.admission", where);
        rc = sc_json_check_keys(admission, nested, admission_keys);
        if (rc == SCORE_OK)
            rc = sc_json_number(admission, "max_pd", nested, 0, 1, &c->max_pd);
    }
    if (rc == SCORE_OK)
        rc = sc_json_object(root, "waterfall", where, &waterfall);
    if (rc == SCORE_OK)
        rc = sc_json_string(root, "preset", where, &preset);
    if (rc != SCORE_OK)
        return rc;
    if (preset && waterfall)
        return sc_error(SCORE_EFORMAT, "%s: give either \"preset\" or \"waterfall\", not both",
                        where);
    if (preset) {
        rc = score_pool_config_preset(c, preset);
        return rc == SCORE_OK ? rc : sc_error_prefix(rc, where);
    }
    if (waterfall) {
        snprintf(nested, sizeof nested, "%s.waterfall", where);
        return read_waterfall(waterfall, nested, c);
    }
    return SCORE_OK;
}

int score_pool_config_read_file(const char *path, score_pool_config *config)
{
    int rc = size_ok(config, "config");
    if (rc != SCORE_OK)
        return rc;
    if (!path)
        return sc_error(SCORE_EINVAL, "path is NULL");
    json_t *root;
    rc = sc_json_load_file(path, &root);
    if (rc != SCORE_OK)
        return rc;
    score_pool_config c;
    score_pool_config_init(&c);
    rc = config_from_json(root, path, &c);
    json_decref(root);
    if (rc == SCORE_OK && sc_pool_config_check(&c) != SCORE_OK)
        rc = sc_error_prefix(SCORE_EFORMAT, path);
    if (rc != SCORE_OK)
        return rc;
    size_t keep = config->size;
    memcpy(config, &c, keep);
    config->size = keep;
    return SCORE_OK;
}
