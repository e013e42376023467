/*
 * The configuration keys of the regulatory and economic views (since 1.1):
 * the capital approach and ratio, the standardised weights and thresholds,
 * the foundation IRB and retail parameters, the eligible guarantors, the
 * cash haircut, the guarantor dependence and the double-financing rule.
 * docs/enhancement.md gives each default's source.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../core/json.h"
#include "../core/money.h"
#include "config_views.h"

#define YUAN(y) ((int64_t)(y) * 100)
#define MAX_FEN INT64_C(100000000000000)

static void add_guarantor(score_enhance_config *c, const char *kind, double rw, double pd)
{
    struct sc_guarantor *g = &c->guarantors[c->n_guarantors++];
    snprintf(g->kind, sizeof g->kind, "%s", kind);
    g->risk_weight = rw;
    g->pd = pd;
}

void sc_enhance_views_defaults(score_enhance_config *c)
{
    c->approach = SCORE_APPROACH_STANDARDISED;
    c->capital_ratio = 0.105;
    c->std_corporate = 1.0;
    c->std_sme_corporate = 0.85;
    c->std_regulatory_retail = 0.75;
    c->std_sme_sales_max = YUAN(300000000);
    c->small_micro_sales_max = YUAN(20000000);
    c->std_retail_max_exposure = YUAN(10000000);
    c->firb_lgd = 0.45;
    c->firb_maturity = 2.5;
    c->firb_size_unit = YUAN(10000000);
    c->firb_size_floor = 3;
    c->firb_size_ceiling = 30;
    c->retail_max_exposure = YUAN(10000000);
    c->retail_pd_floor = 0.0005;
    c->cash_haircut = 0;
    c->guarantor_dependence = 0.25;
    c->double_financing_net = 1;
    c->n_guarantors = 0;
    add_guarantor(c, "national_financing_guarantee_fund", 0.20, 0.0005);
    add_guarantor(c, "government_reguarantor", 0.50, 0.003);
}

const struct sc_guarantor *sc_enhance_guarantor(const score_enhance_config *c, const char *kind)
{
    for (int i = 0; kind && kind[0] && i < c->n_guarantors; i++)
        if (!strcmp(c->guarantors[i].kind, kind))
            return &c->guarantors[i];
    return NULL;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct money_key {
    const char *key;
    size_t offset; /* of an int64_t fen */
    int64_t min;
} money_key;

#define DOUBLE_AT(c, off) ((double *)((char *)(c) + (off)))
#define FEN_AT(c, off) ((int64_t *)((char *)(c) + (off)))
#define OFF(m) offsetof(score_enhance_config, m)

typedef struct num_key {
    const char *key;
    size_t offset;
    double min, max;
} num_key;

static const num_key std_numbers[] = {
    {"corporate", OFF(std_corporate), 0, 12.5},
    {"sme_corporate", OFF(std_sme_corporate), 0, 12.5},
    {"regulatory_retail", OFF(std_regulatory_retail), 0, 12.5},
};
static const money_key std_money[] = {
    {"sme_sales_max", OFF(std_sme_sales_max), 0},
    {"small_micro_sales_max", OFF(small_micro_sales_max), 0},
    {"retail_max_exposure", OFF(std_retail_max_exposure), 0},
};
static const num_key firb_numbers[] = {
    {"lgd", OFF(firb_lgd), 0, 1},
    {"maturity", OFF(firb_maturity), 1, 5},
    {"firm_size_floor", OFF(firb_size_floor), 0.000001, 1e9},
    {"firm_size_ceiling", OFF(firb_size_ceiling), 0.000001, 1e9},
};
static const money_key firb_money[] = {{"firm_size_unit", OFF(firb_size_unit), 1}};
static const num_key retail_numbers[] = {
    {"pd_floor", OFF(retail_pd_floor), SC_ENHANCE_PD_FLOOR_MIN, 1}};
static const money_key retail_money[] = {{"max_exposure", OFF(retail_max_exposure), 0}};
static const num_key collateral_numbers[] = {{"cash_haircut", OFF(cash_haircut), 0, 1}};
static const num_key economic_numbers[] = {
    {"guarantor_dependence", OFF(guarantor_dependence), 0, 1}};

static const char *const std_keys[] = {"corporate",     "sme_corporate",
                                       "regulatory_retail", "sme_sales_max",
                                       "small_micro_sales_max", "retail_max_exposure", NULL};
static const char *const firb_keys[] = {"lgd", "maturity", "firm_size_unit", "firm_size_floor",
                                        "firm_size_ceiling", NULL};
static const char *const retail_keys[] = {"max_exposure", "pd_floor", NULL};
static const char *const collateral_keys[] = {"cash_haircut", NULL};
static const char *const economic_keys[] = {"guarantor_dependence", NULL};
static const char *const guarantor_keys[] = {"risk_weight", "pd", NULL};

typedef struct section {
    const char *key;
    const char *const *allowed;
    const num_key *numbers;
    size_t n_numbers;
    const money_key *money;
    size_t n_money;
} section;

static const section sections[] = {
    {"standardised", std_keys, std_numbers, SC_ARRAY_LEN(std_numbers), std_money,
     SC_ARRAY_LEN(std_money)},
    {"firb", firb_keys, firb_numbers, SC_ARRAY_LEN(firb_numbers), firb_money,
     SC_ARRAY_LEN(firb_money)},
    {"retail", retail_keys, retail_numbers, SC_ARRAY_LEN(retail_numbers), retail_money,
     SC_ARRAY_LEN(retail_money)},
    {"collateral", collateral_keys, collateral_numbers, SC_ARRAY_LEN(collateral_numbers), NULL,
     0},
    {"economic", economic_keys, economic_numbers, SC_ARRAY_LEN(economic_numbers), NULL, 0},
};

static int read_one_section(const json_t *root, const section *s, const char *name,
                            score_enhance_config *c)
{
    char where[600];
    snprintf(where, sizeof where, "%s: config", name);
    const json_t *obj = NULL;
    int rc = sc_json_object(root, s->key, where, &obj);
    if (rc != SCORE_OK || !obj)
        return rc;
    snprintf(where, sizeof where, "%s: config.%s", name, s->key);
    if ((rc = sc_json_check_keys(obj, where, s->allowed)) != SCORE_OK)
        return rc;
    for (size_t i = 0; rc == SCORE_OK && i < s->n_numbers; i++)
        rc = sc_json_number(obj, s->numbers[i].key, where, s->numbers[i].min, s->numbers[i].max,
                            DOUBLE_AT(c, s->numbers[i].offset));
    for (size_t i = 0; rc == SCORE_OK && i < s->n_money; i++)
        rc = sc_json_money(obj, s->money[i].key, where, s->money[i].min, MAX_FEN,
                           FEN_AT(c, s->money[i].offset));
    return rc;
}

static int read_guarantors(const json_t *root, const char *name, score_enhance_config *c)
{
    char where[600];
    snprintf(where, sizeof where, "%s: config", name);
    const json_t *obj = NULL;
    int rc = sc_json_object(root, "eligible_guarantors", where, &obj);
    if (rc != SCORE_OK || !obj)
        return rc;
    /* a list given replaces the default list: a bank names all it accepts */
    c->n_guarantors = 0;
    memset(c->guarantors, 0, sizeof c->guarantors);
    const char *kind;
    json_t *entry;
    json_object_foreach((json_t *)obj, kind, entry) {
        snprintf(where, sizeof where, "%s: config.eligible_guarantors.%.60s", name, kind);
        if (c->n_guarantors == SC_ENHANCE_MAX_GUARANTORS)
            return sc_error(SCORE_EFORMAT, "%s: more than %d guarantor kinds", where,
                            SC_ENHANCE_MAX_GUARANTORS);
        if (!kind[0] || strlen(kind) >= sizeof c->guarantors[0].kind)
            return sc_error(SCORE_EFORMAT, "%s: a kind is 1 to %zu characters", where,
                            sizeof c->guarantors[0].kind - 1);
        if (!json_is_object(entry))
            return sc_error(SCORE_EFORMAT, "%s: expected an object {\"risk_weight\": ...}",
                            where);
        if (!json_object_get(entry, "risk_weight"))
            return sc_error(SCORE_EFORMAT, "%s.risk_weight: required", where);
        double rw = 0, pd = -1;
        if ((rc = sc_json_check_keys(entry, where, guarantor_keys)) != SCORE_OK ||
            (rc = sc_json_number(entry, "risk_weight", where, 0, 12.5, &rw)) != SCORE_OK ||
            (rc = sc_json_number(entry, "pd", where, 0, 1, &pd)) != SCORE_OK)
            return rc;
        add_guarantor(c, kind, rw, pd);
    }
    return SCORE_OK;
}

static int read_choices(const json_t *root, const char *name, score_enhance_config *c)
{
    char where[600];
    snprintf(where, sizeof where, "%s: config", name);
    const char *approach = NULL, *rule = NULL;
    int rc;
    if ((rc = sc_json_string(root, "approach", where, &approach)) != SCORE_OK ||
        (rc = sc_json_string(root, "double_financing", where, &rule)) != SCORE_OK ||
        (rc = sc_json_number(root, "capital_ratio", where, 0.01, 1, &c->capital_ratio)) !=
            SCORE_OK)
        return rc;
    if (approach) {
        if (!strcmp(approach, "standardised"))
            c->approach = SCORE_APPROACH_STANDARDISED;
        else if (!strcmp(approach, "firb"))
            c->approach = SCORE_APPROACH_FIRB;
        else
            return sc_error(SCORE_EFORMAT,
                            "%s: config.approach: \"%.40s\" is not an approach a bank is on; "
                            "expected \"standardised\" or \"firb\" (retail and auto are chosen "
                            "per request)",
                            name, approach);
    }
    if (rule) {
        if (!strcmp(rule, "net"))
            c->double_financing_net = 1;
        else if (!strcmp(rule, "none"))
            c->double_financing_net = 0;
        else
            return sc_error(SCORE_EFORMAT,
                            "%s: config.double_financing: expected \"net\" or \"none\", got "
                            "\"%.40s\"",
                            name, rule);
    }
    return SCORE_OK;
}

static int check_order(const score_enhance_config *c, const char *name)
{
    char a[32], b[32];
    if (c->small_micro_sales_max > c->std_sme_sales_max) {
        sc_money_format(c->small_micro_sales_max, a);
        sc_money_format(c->std_sme_sales_max, b);
        return sc_error(SCORE_EFORMAT,
                        "%s: config.standardised.small_micro_sales_max: %s yuan is above "
                        "sme_sales_max %s yuan; thresholds out of order",
                        name, a, b);
    }
    if (!(c->firb_size_floor < c->firb_size_ceiling))
        return sc_error(SCORE_EFORMAT,
                        "%s: config.firb.firm_size_floor: %g is not below firm_size_ceiling %g; "
                        "thresholds out of order",
                        name, c->firb_size_floor, c->firb_size_ceiling);
    if (!(c->std_regulatory_retail <= c->std_sme_corporate &&
          c->std_sme_corporate <= c->std_corporate))
        return sc_error(SCORE_EFORMAT,
                        "%s: config.standardised: weights out of order: regulatory_retail %g, "
                        "sme_corporate %g, corporate %g must not fall",
                        name, c->std_regulatory_retail, c->std_sme_corporate, c->std_corporate);
    return SCORE_OK;
}

int sc_enhance_views_read(const json_t *root, const char *name, score_enhance_config *c)
{
    int rc = read_choices(root, name, c);
    for (size_t i = 0; rc == SCORE_OK && i < SC_ARRAY_LEN(sections); i++)
        rc = read_one_section(root, &sections[i], name, c);
    if (rc == SCORE_OK)
        rc = read_guarantors(root, name, c);
    return rc == SCORE_OK ? check_order(c, name) : rc;
}

/* ---- writing ------------------------------------------------------------- */

static void put_yuan(sc_str *s, int64_t fen)
{
    char text[32];
    sc_money_format(fen, text);
    sc_str_puts(s, text);
}

static void put_section(sc_str *s, const section *sec, const score_enhance_config *c,
                        sc_enhance_put_number put)
{
    sc_str_printf(s, ",\n  \"%s\": {", sec->key);
    int first = 1;
    for (size_t i = 0; i < sec->n_numbers; i++, first = 0) {
        sc_str_printf(s, "%s\n    \"%s\": ", first ? "" : ",", sec->numbers[i].key);
        put(s, *DOUBLE_AT((score_enhance_config *)c, sec->numbers[i].offset));
    }
    for (size_t i = 0; i < sec->n_money; i++, first = 0) {
        sc_str_printf(s, "%s\n    \"%s\": ", first ? "" : ",", sec->money[i].key);
        put_yuan(s, *FEN_AT((score_enhance_config *)c, sec->money[i].offset));
    }
    sc_str_puts(s, "\n  }");
}

void sc_enhance_views_write(sc_str *s, const score_enhance_config *c, sc_enhance_put_number put)
{
    sc_str_printf(s, ",\n  \"approach\": \"%s\",\n  \"capital_ratio\": ",
                  c->approach == SCORE_APPROACH_FIRB ? "firb" : "standardised");
    put(s, c->capital_ratio);
    sc_str_printf(s, ",\n  \"double_financing\": \"%s\"", c->double_financing_net ? "net" : "none");
    for (size_t i = 0; i < SC_ARRAY_LEN(sections); i++)
        put_section(s, &sections[i], c, put);
    sc_str_puts(s, ",\n  \"eligible_guarantors\": {");
    for (int i = 0; i < c->n_guarantors; i++) {
        sc_str_printf(s, "%s\n    ", i ? "," : "");
        sc_str_json(s, c->guarantors[i].kind);
        sc_str_puts(s, ": {\"risk_weight\": ");
        put(s, c->guarantors[i].risk_weight);
        if (c->guarantors[i].pd >= 0) {
            sc_str_puts(s, ", \"pd\": ");
            put(s, c->guarantors[i].pd);
        }
        sc_str_puts(s, "}");
    }
    sc_str_puts(s, c->n_guarantors ? "\n  }" : "}");
}
